"""Pages for people with an account but no password yet: the link in the welcome email."""

from django.contrib.auth import views
from django.urls import path

from users.forms import NewPasswordForm

TITLES = {"site_header": "Userbase", "site_title": "Userbase"}  # the pages borrow the admin's look

urlpatterns = [
    path(
        "set-password/<uidb64>/<token>/",
        views.PasswordResetConfirmView.as_view(form_class=NewPasswordForm, extra_context=TITLES),
        name="set-password",
    ),
    path(
        "set-password/done/",
        views.PasswordResetCompleteView.as_view(extra_context=TITLES),
        name="password_reset_complete",
    ),
]
