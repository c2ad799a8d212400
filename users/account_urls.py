"""Pages for people with an account but no password yet: the link in the welcome email."""

from django.contrib.auth import views
from django.urls import path

from users.forms import NewPasswordForm

urlpatterns = [
    path(
        "set-password/<uidb64>/<token>/",
        views.PasswordResetConfirmView.as_view(form_class=NewPasswordForm),
        name="set-password",
    ),
    path("set-password/done/", views.PasswordResetCompleteView.as_view(), name="password_reset_complete"),
]
