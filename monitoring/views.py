"""Health endpoints: liveness without I/O, readiness with a short check of each service."""

import time

from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.http import JsonResponse
from django.utils.decorators import method_decorator
from django.views.decorators.cache import never_cache
from drf_spectacular.utils import extend_schema
from rest_framework.permissions import AllowAny
from rest_framework.views import APIView

from api.renderers import JSONRenderer
from config.celery import app as celery_app
from monitoring.serializers import LiveSerializer, ReadySerializer

OK = "ok"
SKIPPED = "skipped"


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


@method_decorator(never_cache, name="dispatch")
class HealthView(APIView):
    """Open to anyone and cheap: no authentication, throttling or content negotiation
    (the answer is JSON whatever the client accepts)."""

    http_method_names = ["get", "head"]
    authentication_classes: list = []
    permission_classes = [AllowAny]
    throttle_classes: list = []
    renderer_classes = [JSONRenderer]


class LiveView(HealthView):
    @extend_schema(
        summary="Is the process serving?",
        description="200 while the web process answers; touches neither database nor cache.",
        responses=LiveSerializer,
    )
    def get(self, request):
        return JsonResponse({"status": "ok"})


class ReadyView(HealthView):
    @extend_schema(
        summary="Can the service do its work?",
        description=(
            "Checks the database, the cache and the task broker, each within a short timeout. "
            "503 when the database is unreachable; `degraded` (still 200) when only another check fails."
        ),
        responses={200: ReadySerializer, 503: ReadySerializer},
    )
    def get(self, request):
        checks = {"database": check_database(), "cache": check_cache(), "broker": check_broker()}
        failing = [name for name, result in checks.items() if result not in (OK, SKIPPED)]
        if "database" in failing:
            overall, code = "error", 503
        else:
            overall, code = ("degraded" if failing else "ok"), 200
        return JsonResponse({"status": overall, "checks": checks}, status=code)
