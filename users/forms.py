"""Admin forms whose writes go through the services."""

from django.contrib.admin import forms as admin_forms
from django.contrib.auth import forms as auth_forms

from users import services
from users.models import User


class UserCreationForm(auth_forms.AdminUserCreationForm):
    class Meta(auth_forms.AdminUserCreationForm.Meta):
        model = User
        fields = ("username", "email")

    def new_password(self) -> str | None:
        """The password to set, or None for an unusable one."""
        return self.cleaned_data["password1"] if self.cleaned_data.get("set_usable_password") else None


class UserEditForm(auth_forms.UserChangeForm):
    class Meta(auth_forms.UserChangeForm.Meta):
        model = User
        fields = "__all__"


class ServicePasswordMixin:
    """Save a validated new password through the services, which also revoke the
    user's API tokens; `user` then holds the new hash for the session update."""

    password_field = "password1"  # noqa: S105 (a form field's name)

    def save(self, commit: bool = True) -> User:
        usable = self.cleaned_data.get("set_usable_password", True)
        password = self.cleaned_data[self.password_field] if usable else None
        self.user = services.user_set_password(user_id=self.user.pk, password=password)
        return self.user


class UserPasswordForm(ServicePasswordMixin, auth_forms.AdminPasswordChangeForm):
    """An admin sets another user's password (or disables password login)."""


class OwnPasswordChangeForm(ServicePasswordMixin, admin_forms.AdminPasswordChangeForm):
    """An admin changes their own password, confirming the old one."""

    password_field = "new_password1"  # noqa: S105 (a form field's name)


class NewPasswordForm(ServicePasswordMixin, auth_forms.SetPasswordForm):
    """A user sets a password from the link in the welcome email."""

    password_field = "new_password1"  # noqa: S105 (a form field's name)
