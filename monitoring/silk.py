"""django-silk, switched on by SILK_ENABLED: its app, middleware, URLs, limits and access rule."""

from django.conf import settings
from django.urls import include, path


def silk_settings(installed_apps: list[str], middleware: list[str], *, intercept_percent: float, keep: int) -> dict:
    """The settings that turn silk on. Its middleware goes right inside the compression
    (and monitoring) middleware, so it records bodies as the views wrote them, never
    gzipped ones."""
    after = middleware.index("api.middleware.CompressionMiddleware") + 1
    return {
        "INSTALLED_APPS": [*installed_apps, "silk"],
        "MIDDLEWARE": [*middleware[:after], "silk.middleware.SilkyMiddleware", *middleware[after:]],
        "SILKY_PYTHON_PROFILER": True,
        "SILKY_INTERCEPT_PERCENT": intercept_percent,
        "SILKY_AUTHENTICATION": True,
        "SILKY_AUTHORISATION": True,
        "SILKY_PERMISSIONS": staff_only,
        # Silk deletes the oldest requests past this many (checked on a tenth of the
        # requests it records); the hourly purge task removes what is older than
        # SILK_KEEP_HOURS.
        "SILKY_MAX_RECORDED_REQUESTS": keep,
        "SILKY_MAX_RECORDED_REQUESTS_CHECK_PERCENT": 10,
        "SILKY_MAX_REQUEST_BODY_SIZE": 64 * 1024,
        "SILKY_MAX_RESPONSE_BODY_SIZE": 64 * 1024,
    }


def staff_only(user) -> bool:
    return user.is_staff


def urlpatterns() -> list:
    if not settings.SILK_ENABLED:
        return []
    return [path("silk/", include("silk.urls", namespace="silk"))]
