"""Top-level routes: the API, its schema and docs, health and metrics, the dashboard, the admin (and silk)."""

from django.contrib import admin
from django.urls import include, path
from django.views.generic import TemplateView

from api.docs import DocsView, SchemaView
from monitoring import silk
from monitoring.views import MetricsView, PrometheusView, dashboard, favicon

urlpatterns = [
    path("", TemplateView.as_view(template_name="index.html"), name="index"),
    # Browsers ask for it on every page (the admin's included); a 404 there is a console error.
    path("favicon.ico", favicon),
    path("api/v1/", include("users.urls")),
    path("api/v1/", include("tasks.urls")),
    path("api/v1/health/", include("monitoring.urls")),
    path("health/", include(("monitoring.urls", "monitoring"), namespace="root-health")),
    path("api/v1/metrics/", MetricsView.as_view(), name="metrics"),
    path("metrics", PrometheusView.as_view(), name="metrics-prometheus"),
    path("dashboard/", dashboard, name="dashboard"),
    path("api/schema/", SchemaView.as_view(), name="schema"),
    path("api/docs/", DocsView.as_view(url_name="schema"), name="docs"),
    path("api-auth/", include("users.auth_urls")),
    path("accounts/", include("users.account_urls")),
    path("admin/", admin.site.urls),
    *silk.urlpatterns(),
]

handler400 = "api.errors.bad_request"
handler403 = "api.errors.permission_denied"
handler404 = "api.errors.page_not_found"
handler500 = "api.errors.server_error"
