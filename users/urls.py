"""Routes of the users API, mounted at /api/v1/."""

from django.urls import re_path
from rest_framework.routers import DefaultRouter

from api.filters import ID_PATTERN
from users.views import OrderViewSet, TokenObtainView, UserOrderViewSet, UserViewSet

router = DefaultRouter()
router.register("users", UserViewSet, basename="user")
router.register("orders", OrderViewSet, basename="order")

urlpatterns = [
    re_path(r"^auth/token/$", TokenObtainView.as_view(), name="auth-token"),
    re_path(
        rf"^users/(?P<user_pk>{ID_PATTERN})/orders/$",
        UserOrderViewSet.as_view({"get": "list"}),
        name="user-orders",
    ),
    *router.urls,
]
