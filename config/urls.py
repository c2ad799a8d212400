"""Top-level routes: the API, its schema and docs, health, the admin."""

from django.contrib import admin
from django.urls import include, path
from django.views.generic import TemplateView

from api.docs import DocsView, SchemaView

urlpatterns = [
    path("", TemplateView.as_view(template_name="index.html"), name="index"),
    path("api/v1/", include("users.urls")),
    path("api/v1/", include("tasks.urls")),
    path("api/v1/health/", include("monitoring.urls")),
    path("health/", include(("monitoring.urls", "monitoring"), namespace="root-health")),
    path("api/schema/", SchemaView.as_view(), name="schema"),
    path("api/docs/", DocsView.as_view(url_name="schema"), name="docs"),
    path("api-auth/", include("users.auth_urls")),
    path("accounts/", include("users.account_urls")),
    path("admin/", admin.site.urls),
]

handler400 = "api.errors.bad_request"
handler403 = "api.errors.permission_denied"
handler404 = "api.errors.page_not_found"
handler500 = "api.errors.server_error"
