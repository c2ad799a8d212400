"""Session login for the browsable API (/api-auth/): DRF's routes, with the login throttled."""

from django.contrib.auth import views
from django.urls import path

from users.throttling import throttle_login_form

app_name = "rest_framework"  # the browsable API's templates link to these names

urlpatterns = [
    path(
        "login/",
        throttle_login_form(views.LoginView.as_view(template_name="rest_framework/login.html")),
        name="login",
    ),
    path("logout/", views.LogoutView.as_view(), name="logout"),
]
