"""Health endpoints: liveness without I/O, readiness with a short check of each service."""

import time
from functools import wraps

from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.http import JsonResponse
from django.views.decorators.cache import never_cache

from config.celery import app as celery_app

OK = "ok"
SKIPPED = "skipped"


def get_only(view):
    """Like Django's require_GET, but the 405 is JSON like every answer under /api/."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if request.method not in ("GET", "HEAD"):
            return JsonResponse(
                {"detail": f'Method "{request.method}" not allowed.'}, status=405, headers={"Allow": "GET, HEAD"}
            )
        return view(request, *args, **kwargs)

    return wrapper


def _error(exc: Exception) -> str:
    return f"error: {exc.__class__.__name__}: {exc}".strip()


def check_database() -> str:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as exc:  # any failure of the database means "not ready"
        return _error(exc)
    return OK


def check_cache() -> str:
    key, value = "health:probe", str(time.monotonic())
    try:
        cache.set(key, value, timeout=10)
        if cache.get(key) != value:
            return "error: the cache did not return what was stored"
    except Exception as exc:  # the cache client may raise anything its transport does
        return _error(exc)
    return OK


def check_broker() -> str:
    if settings.CELERY_TASK_ALWAYS_EAGER:
        return SKIPPED
    try:
        with celery_app.connection_for_write() as conn:
            conn.ensure_connection(max_retries=1, timeout=settings.HEALTH_CHECK_TIMEOUT)
    except Exception as exc:  # kombu raises transport-specific errors
        return _error(exc)
    return OK


@never_cache
@get_only
def live(request):
    return JsonResponse({"status": "ok"})


@never_cache
@get_only
def ready(request):
    checks = {"database": check_database(), "cache": check_cache(), "broker": check_broker()}
    failing = [name for name, result in checks.items() if result not in (OK, SKIPPED)]
    if "database" in failing:
        overall, code = "error", 503
    else:
        overall, code = ("degraded" if failing else "ok"), 200
    return JsonResponse({"status": overall, "checks": checks}, status=code)
