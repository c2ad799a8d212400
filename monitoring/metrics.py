"""The service's counters, kept by prometheus-client and summed across every web worker.

Under gunicorn each worker writes its values to files in PROMETHEUS_MULTIPROC_DIR
(config/gunicorn.py creates the directory, cleans it at start and marks dead workers),
and whichever worker answers a scrape adds them all up. Without that directory (tests,
`runserver`, a command) the values live in the process that counts them.
"""

import os
import re
import time
from functools import lru_cache

from django.conf import settings
from prometheus_client import REGISTRY, Counter, Gauge, Histogram, multiprocess

# Read once, as prometheus-client reads it when imported: it decides, for the life of the
# process, whether counters go to files there. A process given the directory that
# gunicorn did not create (a Celery worker sharing the web container's environment) would
# fail when the first counter below is made: create it first.
MULTIPROCESS_DIR = os.environ.get("PROMETHEUS_MULTIPROC_DIR", "")
if MULTIPROCESS_DIR:
    os.makedirs(MULTIPROCESS_DIR, exist_ok=True)

# Latency buckets fine enough that the percentiles read from them stay useful between
# 1 ms and a few seconds.
LATENCY_BUCKETS = (
    0.001,
    0.0025,
    0.005,
    0.0075,
    0.01,
    0.015,
    0.02,
    0.03,
    0.05,
    0.075,
    0.1,
    0.15,
    0.25,
    0.5,
    1.0,
    2.5,
    5.0,
    10.0,
)
METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})
UNMATCHED = "<unmatched>"
STATIC = "<static>"
RSS_EVERY = 5.0  # seconds between two readings of a process's memory

REQUESTS = Counter(
    "userbase_http_requests", "HTTP requests answered, by route template and status.", ["method", "route", "status"]
)
LATENCY = Histogram(
    "userbase_http_request_duration_seconds",
    "Time to answer a request, by route template.",
    ["method", "route"],
    buckets=LATENCY_BUCKETS,
)
DB_QUERIES = Counter("userbase_db_queries", "Database queries made while answering requests.")
DB_SECONDS = Counter("userbase_db_query_seconds", "Time spent in database queries while answering requests.")
CACHE_LOOKUPS = Counter("userbase_cache_lookups", "Cache keys looked up, by result.", ["result"])
RSS = Gauge(
    "userbase_process_resident_memory_bytes",
    "Resident memory of each live web worker (sum them for the total).",
    multiprocess_mode="liveall",
)

_rss_read_at = 0.0


def route_of(request) -> str:
    """The URL pattern a request matched, as a template ("/api/v1/users/{pk}/"): a bounded
    set of values, whatever paths clients make up. Static files (served by whitenoise
    before any URL is resolved) are one route of their own, apart from the 404s."""
    if request.resolver_match is not None:
        return _template(request.resolver_match.route)
    if request.path.startswith(_static_prefix()):
        return STATIC
    return UNMATCHED


@lru_cache(maxsize=1)
def _static_prefix() -> str:
    return "/" + settings.STATIC_URL.strip("/") + "/"


@lru_cache(maxsize=512)
def _template(route: str) -> str:
    template = re.sub(r"\(\?P<(\w+)>[^)]*\)", r"{\1}", route)
    template = re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", template)
    template = template.replace("^", "").replace("/?$", "").replace("$", "").replace("\\.", ".")
    return "/" + template


def observe_request(method: str, route: str, status: int, seconds: float, queries: int, db_seconds: float) -> None:
    method = method if method in METHODS else "OTHER"
    REQUESTS.labels(method, route, str(status)).inc()
    LATENCY.labels(method, route).observe(seconds)
    if queries:
        DB_QUERIES.inc(queries)
        DB_SECONDS.inc(db_seconds)
    _note_rss()


def cache_lookups(hits: int, misses: int) -> None:
    if hits:
        CACHE_LOOKUPS.labels("hit").inc(hits)
    if misses:
        CACHE_LOOKUPS.labels("miss").inc(misses)


def _note_rss() -> None:
    global _rss_read_at
    now = time.monotonic()
    if now - _rss_read_at >= RSS_EVERY:
        _rss_read_at = now
        RSS.set(resident_memory())


def resident_memory() -> int:
    """This process's resident set, in bytes (Linux; 0 where /proc is missing)."""
    try:
        with open("/proc/self/statm", "rb") as statm:
            return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")
    except OSError:
        return 0


class Scrape:
    """What a scrape reports: every worker's counters (or this process's), then the
    figures read at scrape time (queues, import jobs). Anything with `collect()` will do
    for prometheus-client's exposition."""

    def collect(self):
        from monitoring.collectors import ServiceCollector  # reads models: not at app load

        yield from _counters().collect()
        yield from ServiceCollector().collect()


def counter_samples() -> dict[str, list]:
    """The counters of every worker (or this process), by metric family name: lists of
    (sample name, labels, value)."""
    return {family.name: [(s.name, s.labels, s.value) for s in family.samples] for family in _counters().collect()}


def _counters():
    return multiprocess.MultiProcessCollector(None) if MULTIPROCESS_DIR else REGISTRY
