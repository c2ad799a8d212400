"""Every response says who it was (X-Request-ID) and what it cost (X-Process-Time,
Server-Timing); every request is counted, and a slow one logged."""

import logging
import time

from django.conf import settings

from monitoring import context, db, metrics
from monitoring.recent import slowest

logger = logging.getLogger("userbase.slow")


def server_timing(elapsed: float, activity: context.Activity) -> str:
    """`app` is the whole request, `db` its share in the database; browsers' developer
    tools show both. The query count rides in db's description."""
    db_ms = activity.db_seconds * 1000
    return f'app;dur={elapsed * 1000:.2f}, db;dur={db_ms:.2f};desc="{activity.queries} queries"'


class RequestMonitoringMiddleware:
    """First in MIDDLEWARE, so its figures cover all the others (compression included)."""

    def __init__(self, get_response) -> None:
        self.get_response = get_response

    def __call__(self, request):
        started = time.perf_counter()
        request_id = context.request_id_from(request.headers.get("X-Request-ID"))
        # Current until this thread's next request rather than reset on the way out:
        # Django logs a 4xx or 5xx after the last middleware, and that line needs the id.
        activity = context.begin(request_id)
        response = self.get_response(request)
        elapsed = time.perf_counter() - started
        response["X-Request-ID"] = request_id
        response["X-Process-Time"] = f"{elapsed:.6f}"
        response["Server-Timing"] = server_timing(elapsed, activity)
        self.record(request, response, elapsed, activity)
        return response

    def record(self, request, response, elapsed: float, activity: context.Activity) -> None:
        route = metrics.route_of(request)
        status = response.status_code
        metrics.observe_request(request.method, route, status, elapsed, activity.queries, activity.db_seconds)
        summary = {"method": request.method, "route": route, "path": request.path[:200], "status": status}
        slowest.note(elapsed, {**summary, "request_id": activity.request_id}, metrics.MULTIPROCESS_DIR)
        if elapsed * 1000 >= settings.SLOW_REQUEST_MS:
            self.log_slow(request, elapsed, activity, summary)

    def log_slow(self, request, elapsed: float, activity: context.Activity, summary: dict) -> None:
        statements = [(round(seconds * 1000, 1), db.one_line(sql)) for seconds, sql in activity.slowest_statements(3)]
        logger.warning(
            "slow request %.1f ms: %s %s -> %s (%d queries, %.1f ms in the database; slowest: %s)",
            elapsed * 1000,
            request.method,
            request.get_full_path()[:500],
            summary["status"],
            activity.queries,
            activity.db_seconds * 1000,
            " | ".join(f"{ms} ms {sql}" for ms, sql in statements) or "none",
            extra={
                **summary,
                "duration_ms": round(elapsed * 1000, 1),
                "queries": activity.queries,
                "db_ms": round(activity.db_seconds * 1000, 1),
                "sql": [{"duration_ms": ms, "sql": sql} for ms, sql in statements],
            },
        )
