"""The admin site: Django's, with throttled logins and password changes made by the services."""

from django.contrib import admin
from django.contrib.auth.views import PasswordChangeView
from django.urls import reverse

from users.forms import OwnPasswordChangeForm
from users.throttling import throttle_login_form


class UserbaseAdminSite(admin.AdminSite):
    site_header = site_title = "Userbase admin"

    def login(self, request, extra_context=None):
        return throttle_login_form(super().login)(request, extra_context)

    def password_change(self, request, extra_context=None):
        """Django's view, with a form whose save goes through the services (so the
        change revokes the admin's API tokens)."""
        request.current_app = self.name
        return PasswordChangeView.as_view(
            form_class=OwnPasswordChangeForm,
            success_url=reverse("admin:password_change_done", current_app=self.name),
            extra_context={**self.each_context(request), **(extra_context or {})},
        )(request)
