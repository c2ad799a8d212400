"""Admin forms whose writes go through the services."""

from django.contrib.admin.forms import AdminPasswordChangeForm as OwnPasswordForm
from django.contrib.auth.forms import AdminPasswordChangeForm, AdminUserCreationForm, UserChangeForm

from users import services
from users.models import User


class UserCreationForm(AdminUserCreationForm):
    class Meta(AdminUserCreationForm.Meta):
        model = User
        fields = ("username", "email")

    def new_password(self) -> str | None:
        """The password to set, or None for an unusable one."""
        return self.cleaned_data["password1"] if self.cleaned_data.get("set_usable_password") else None


class UserEditForm(UserChangeForm):
    class Meta(UserChangeForm.Meta):
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


class UserPasswordForm(ServicePasswordMixin, AdminPasswordChangeForm):
    """An admin sets another user's password (or disables password login)."""


class OwnPasswordChangeForm(ServicePasswordMixin, OwnPasswordForm):
    """An admin changes their own password, confirming the old one."""

    password_field = "new_password1"  # noqa: S105 (a form field's name)
