"""The figures of GET /api/v1/metrics/ and the dashboard, in one JSON-ready dict."""

import os
import threading
import time
from datetime import UTC, datetime

from django.conf import settings
from django.db import connection

from api import cache as api_cache
from monitoring import metrics
from monitoring.collectors import import_jobs_by_status, queue_lengths
from monitoring.recent import slowest_recent
from tasks.models import ImportJob
from users.cache import user_stats

STARTED = time.time()
RECENT_IMPORTS = 5


def snapshot() -> dict:
    counters = metrics.counter_samples()
    return {
        "generated_at": datetime.now(UTC).isoformat(),
        "process": process_figures(counters),
        "system": system_figures(),
        "database": database_figures(counters),
        "cache": cache_figures(counters),
        "requests": request_figures(counters),
        "slowest_requests": slowest_recent(metrics.MULTIPROCESS_DIR),
        "celery": {"eager": settings.CELERY_TASK_ALWAYS_EAGER, "queues": queue_lengths()},
        "imports": {"by_status": import_jobs_by_status(), "recent": recent_imports()},
        "users": user_stats(),
    }


def _values(counters: dict, family: str, suffix: str = "") -> list[tuple[dict, float]]:
    """(labels, value) of one family's samples named `family + suffix` ("_total", "_bucket"…)."""
    return [(labels, value) for name, labels, value in counters.get(family, []) if name == family + suffix]


def _total(counters: dict, family: str) -> float:
    return sum(value for _, value in _values(counters, family, "_total"))


def process_figures(counters: dict) -> dict:
    cpu = os.times()
    own = metrics.resident_memory()
    workers = _values(counters, "userbase_process_resident_memory_bytes")
    return {
        "pid": os.getpid(),
        "uptime_seconds": round(time.time() - STARTED, 1),
        "rss_bytes": own,
        # Every live web worker's last reading (this one's, outside gunicorn).
        "workers": len(workers) or 1,
        "workers_rss_bytes": int(sum(value for _, value in workers)) or own,
        "cpu_seconds": round(cpu.user + cpu.system, 2),
        "threads": threading.active_count(),
    }


def system_figures() -> dict:
    figures: dict = {"cpus": os.cpu_count()}
    try:
        figures["load_average"] = [round(load, 2) for load in os.getloadavg()]
    except OSError:
        figures["load_average"] = None
    memory = _meminfo()
    figures["memory_total_bytes"] = memory.get("MemTotal")
    figures["memory_available_bytes"] = memory.get("MemAvailable")
    return figures


def _meminfo() -> dict[str, int]:
    try:
        with open("/proc/meminfo") as meminfo:
            lines = meminfo.read().splitlines()
    except OSError:
        return {}
    found = {}
    for line in lines:
        name, _, rest = line.partition(":")
        parts = rest.split()
        if parts and parts[0].isdigit():
            found[name] = int(parts[0]) * (1024 if parts[-1] == "kB" else 1)
    return found


def database_figures(counters: dict) -> dict:
    queries = _total(counters, "userbase_db_queries")
    seconds = _total(counters, "userbase_db_query_seconds")
    requests = _total(counters, "userbase_http_requests")
    pool = getattr(connection, "pool", None)
    return {
        "vendor": connection.vendor,
        "queries": int(queries),
        "query_seconds": round(seconds, 3),
        "queries_per_request": round(queries / requests, 2) if requests else 0,
        # This worker's pool: each web worker has its own.
        "pool": pool.get_stats() if pool is not None else None,
    }


def cache_figures(counters: dict) -> dict:
    found = {labels["result"]: value for labels, value in _values(counters, "userbase_cache_lookups", "_total")}
    hits, misses = int(found.get("hit", 0)), int(found.get("miss", 0))
    return {
        "backend": settings.CACHES["default"]["BACKEND"].rsplit(".", 1)[-1],
        "available": api_cache.available(),
        "hits": hits,
        "misses": misses,
        "hit_ratio": round(hits / (hits + misses), 4) if hits + misses else None,
    }


def request_figures(counters: dict) -> dict:
    """Per endpoint (method and route template), since the server started: how many,
    how many errors, and latency percentiles read from the histogram buckets."""
    endpoints: dict[tuple[str, str], dict] = {}
    for labels, value in _values(counters, "userbase_http_requests", "_total"):
        entry = endpoints.setdefault((labels["method"], labels["route"]), _endpoint())
        entry["count"] += value
        if int(labels["status"]) >= 400:
            entry["errors"] += value
    buckets: dict[tuple[str, str], list[tuple[float, float]]] = {}
    family = "userbase_http_request_duration_seconds"
    for labels, value in _values(counters, family, "_bucket"):
        buckets.setdefault((labels["method"], labels["route"]), []).append((float(labels["le"]), value))
    for labels, value in _values(counters, family, "_sum"):
        endpoints.setdefault((labels["method"], labels["route"]), _endpoint())["seconds"] += value
    rows = []
    for (method, route), entry in endpoints.items():
        cumulative = sorted(buckets.get((method, route), []))
        count = int(entry["count"])
        rows.append(
            {
                "method": method,
                "route": route,
                "count": count,
                "errors": int(entry["errors"]),
                "mean_ms": round(entry["seconds"] * 1000 / count, 2) if count else None,
                **{f"p{q}_ms": _percentile_ms(cumulative, q / 100) for q in (50, 95, 99)},
                # Cumulative counts per bucket of `bucket_bounds_ms`: two readings give
                # the percentiles of the requests between them (the dashboard's charts).
                "buckets": [int(count) for _, count in cumulative],
            }
        )
    rows.sort(key=lambda row: row["count"], reverse=True)
    bounds = [bound * 1000 for bound in metrics.LATENCY_BUCKETS] + [None]  # None: beyond the last
    return {"total": sum(row["count"] for row in rows), "bucket_bounds_ms": bounds, "endpoints": rows}


def _endpoint() -> dict:
    return {"count": 0.0, "errors": 0.0, "seconds": 0.0}


def _percentile_ms(cumulative: list[tuple[float, float]], quantile: float) -> float | None:
    """As Prometheus's histogram_quantile: linear within the bucket the rank falls in."""
    if not cumulative or cumulative[-1][1] == 0:
        return None
    rank = quantile * cumulative[-1][1]
    lower_bound, lower_count = 0.0, 0.0
    for bound, count in cumulative:
        if count >= rank:
            if bound == float("inf"):
                return round(lower_bound * 1000, 2)  # beyond the last bucket: its bound is all we know
            share = (rank - lower_count) / (count - lower_count) if count > lower_count else 1.0
            return round((lower_bound + (bound - lower_bound) * share) * 1000, 2)
        lower_bound, lower_count = bound, count
    return None


def recent_imports() -> list[dict]:
    jobs = ImportJob.objects.only(
        "id", "status", "original_name", "total", "processed", "created", "updated", "failed", "created_at"
    )[:RECENT_IMPORTS]
    return [
        {
            "id": job.pk,
            "status": job.status,
            "file": job.original_name,
            "total": job.total,
            "processed": job.processed,
            "created": job.created,
            "updated": job.updated,
            "failed": job.failed,
            "progress": round(job.processed / job.total, 4) if job.total else (1.0 if job.finished else 0.0),
            "created_at": job.created_at.isoformat(),
        }
        for job in jobs
    ]
