"""Routes of the textbook baseline: a DefaultRouter over the users viewset."""

from rest_framework.routers import DefaultRouter

from bench.textbook.views import UserViewSet

router = DefaultRouter()
router.register("users", UserViewSet)
urlpatterns = router.urls
