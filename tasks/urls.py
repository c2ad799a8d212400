"""Routes of the import and task endpoints, mounted at /api/v1/."""

from django.urls import path, re_path
from rest_framework.routers import SimpleRouter

from tasks.views import ImportJobViewSet, ImportUploadView, TaskStateView

router = SimpleRouter()
router.register("imports", ImportJobViewSet, basename="importjob")

urlpatterns = [
    path("users/import/", ImportUploadView.as_view(), name="users-import"),
    re_path(r"^tasks/(?P<task_id>[0-9a-fA-F-]{36})/$", TaskStateView.as_view(), name="task-state"),
    *router.urls,
]
