"""Health (liveness without I/O, readiness with a short check of each service), metrics
as JSON and for Prometheus, and the staff dashboard."""

import contextvars
import hmac
import threading
import time
from concurrent.futures import Future, ThreadPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout

from django.conf import settings
from django.contrib.admin.views.decorators import staff_member_required
from django.contrib.auth.models import AnonymousUser
from django.core.cache import cache
from django.db import connection
from django.http import HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.templatetags.static import static
from django.utils.decorators import method_decorator
from django.views.decorators.cache import never_cache
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest
from rest_framework.authentication import BaseAuthentication, get_authorization_header
from rest_framework.exceptions import AuthenticationFailed
from rest_framework.permissions import AllowAny, BasePermission
from rest_framework.response import Response
from rest_framework.settings import api_settings
from rest_framework.views import APIView

from api.params import StrictQueryParamsMixin
from api.permissions import IsAdmin
from api.renderers import JSONRenderer
from config.celery import app as celery_app
from monitoring import metrics
from monitoring.serializers import LiveSerializer, ReadySerializer
from monitoring.snapshot import snapshot

OK = "ok"
SKIPPED = "skipped"
SCRAPER = "metrics-scraper"  # request.auth of a request carrying METRICS_TOKEN


def _error(exc: Exception) -> str:
    return f"error: {exc.__class__.__name__}: {exc}".strip()


def _probe_database() -> str:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as exc:  # any failure of the database means "not ready"
        return _error(exc)
    finally:
        connection.close()  # this thread's connection goes back to the pool
    return OK


class _DatabaseProbe:
    """Probes the database from a thread of its own, so that a check gives up after
    HEALTH_CHECK_TIMEOUT even when getting a connection waits longer (the pool waits
    DB_POOL_TIMEOUT for a server that does not answer). At most one probe is in flight:
    checks that come while it hangs wait on that one rather than queueing more, so an
    outage neither piles up work nor holds a stopping worker for long."""

    def __init__(self) -> None:
        self.executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="health-db")
        self.lock = threading.Lock()
        self.running: Future | None = None

    def check(self, timeout: float) -> str:
        with self.lock:
            if self.running is None or self.running.done():
                # In the request's context, so its query counts towards the request's figures.
                self.running = self.executor.submit(contextvars.copy_context().run, _probe_database)
            probe = self.running
        try:
            return probe.result(timeout=timeout)
        except FutureTimeout:
            return f"error: no answer within {timeout:g} s"


_database_probe = _DatabaseProbe()


def check_database() -> str:
    return _database_probe.check(settings.HEALTH_CHECK_TIMEOUT)


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


class MetricsView(StrictQueryParamsMixin, APIView):
    """Figures of the running service: requests per endpoint with latency percentiles,
    database, cache, Celery queues, import jobs, users, the process and the machine.
    Counters cover every web worker since the server started."""

    permission_classes = [IsAdmin]

    @extend_schema(
        summary="Figures of the running service",
        description=(
            "For admins. Requests per endpoint (method and route template) since the server started, "
            "with errors and p50/p95/p99 latency; database queries and this worker's pool; cache hits "
            "and misses; Celery queue lengths (null when tasks run in-process); import jobs by status "
            "and the latest ones; user counts; the slowest requests of the last five minutes; the "
            "process (memory of every web worker, CPU) and the machine. Counters add up every worker."
        ),
        request=None,
        responses={200: OpenApiTypes.OBJECT},
    )
    def get(self, request):
        return Response(snapshot(), headers={"Cache-Control": "no-store"})


class MetricsTokenAuthentication(BaseAuthentication):
    """`Authorization: Bearer <METRICS_TOKEN>`: a Prometheus server scraping without a user."""

    def authenticate(self, request):
        scheme, _, credentials = get_authorization_header(request).partition(b" ")
        if scheme.lower() != b"bearer":
            return None
        expected = settings.METRICS_TOKEN.encode()
        if not expected or not hmac.compare_digest(credentials.strip(), expected):
            raise AuthenticationFailed("Invalid metrics token.")
        return AnonymousUser(), SCRAPER

    def authenticate_header(self, request) -> str:
        return 'Bearer realm="metrics"'


class IsScraper(BasePermission):
    def has_permission(self, request, view) -> bool:
        return request.auth == SCRAPER


@extend_schema(exclude=True)  # text for Prometheus, not part of the JSON API
class PrometheusView(APIView):
    """Prometheus text exposition of every worker's counters, for admins or METRICS_TOKEN."""

    authentication_classes = [*api_settings.DEFAULT_AUTHENTICATION_CLASSES, MetricsTokenAuthentication]
    permission_classes = [IsAdmin | IsScraper]

    def get(self, request):
        return HttpResponse(generate_latest(metrics.Scrape()), content_type=CONTENT_TYPE_LATEST)


def favicon(request):
    # Not permanent: the target's name holds a hash of its content in production.
    return redirect(static("monitoring/favicon.svg"))


@staff_member_required
def dashboard(request):
    return render(
        request,
        "monitoring/dashboard.html",
        {
            "figures": snapshot(),
            "silk_enabled": settings.SILK_ENABLED,
            "refresh_seconds": settings.DASHBOARD_REFRESH_SECONDS,
        },
    )
