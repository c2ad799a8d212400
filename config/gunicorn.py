"""Gunicorn settings, read from the environment (`gunicorn -c config/gunicorn.py config.wsgi`)."""

import os
import shutil
import tempfile
from pathlib import Path

bind = os.environ.get("GUNICORN_BIND") or f"{os.environ.get('HOST', '127.0.0.1')}:{os.environ.get('PORT', '8000')}"
# Processes and threads, chosen by measurement (docs/performance.md, "gunicorn"): the SPEC
# mix at 100 connections on 2 cores served most with one process per core and several
# threads each (a request waits on Redis or PostgreSQL for much of its time, and the GIL
# is released meanwhile): 2 x 8 and 2 x 4 led, 4 x 1, 4 x 2, 3 x 2 and 6 x 1 served
# 20 % less (more processes than cores only trade places on them), 1 x 8 half. So
# WEB_CONCURRENCY = the cores of the machine (the default here is one process, for the
# embedded default), 8 threads each; each thread may hold one of the pool's
# DB_POOL_MAX_SIZE connections.
workers = int(os.environ.get("WEB_CONCURRENCY", "1"))
threads = int(os.environ.get("GUNICORN_THREADS", "8"))
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "30"))
# Above nginx's upstream idle time (4 s), so that gunicorn never closes a connection
# nginx is about to reuse.
keepalive = int(os.environ.get("GUNICORN_KEEPALIVE", "5"))
# A worker is replaced after this many requests (give or take the jitter, so that the
# workers are not all replaced at once): whatever memory a long run accumulates is
# given back. Not too often: a new worker spends about 2 s of CPU starting and then
# rebuilds what it keeps per process (compiled queries, serializers, connections). At
# 20,000 each worker was replaced every minute under saturation and the stats run of
# `make bench` lost 40 % of its rate; 200,000 is several minutes at full load and hours
# at everyday load. 0 never replaces them.
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", "200000"))
max_requests_jitter = int(os.environ.get("GUNICORN_MAX_REQUESTS_JITTER", "20000"))
# HTTP requests are parsed by gunicorn_h1c (C) when installed, as requirements.txt does:
# 20 % more requests a second on the mix than gunicorn's pure-Python parser.
accesslog = "-"
errorlog = "-"
# Long query strings (a list of 100 ids, a search) must reach Django, which answers a
# bad one with a JSON 400; gunicorn's 4 KB default would answer with its own HTML page.
# 8190 is the most gunicorn allows short of no limit at all.
limit_request_line = 8190
# Each line names the request's X-Request-ID (as the application's own log lines do)
# and its duration in seconds.
access_log_format = '%(h)s %(l)s %(u)s %(t)s "%(r)s" %(s)s %(b)s "%(f)s" "%(a)s" %({x-request-id}o)s %(L)s'
# LOG_FORMAT=json: gunicorn's own lines (access and errors) are JSON objects too, as the
# application's are.
if os.environ.get("LOG_FORMAT") == "json":
    logconfig_dict = {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {"json": {"()": "config.logging.JsonFormatter"}},
        "filters": {"request_id": {"()": "config.logging.RequestIdFilter"}},
        "handlers": {
            "json": {"class": "logging.StreamHandler", "formatter": "json", "filters": ["request_id"]},
        },
        "root": {"handlers": ["json"], "level": "INFO"},
        "loggers": {
            "gunicorn.error": {"handlers": ["json"], "level": "INFO", "propagate": False},
            "gunicorn.access": {"handlers": ["json"], "level": "INFO", "propagate": False},
        },
    }

# Prometheus multi-process mode: every worker writes its counters to files in this
# directory, and a scrape answered by any one of them adds them all up. It must be in
# the environment before a worker imports prometheus-client. One directory per server,
# emptied of the last run's files when the server starts (and removed at exit when the
# server made it); a worker that exits is marked dead so that its gauges (memory) leave
# the totals while its counters stay in them.
metrics_dir = os.environ.get("PROMETHEUS_MULTIPROC_DIR", "")
made_metrics_dir = not metrics_dir
if made_metrics_dir:
    metrics_dir = tempfile.mkdtemp(prefix="userbase-metrics-")
os.environ["PROMETHEUS_MULTIPROC_DIR"] = metrics_dir


def on_starting(server) -> None:
    from monitoring.recent import FILE_PREFIX

    os.makedirs(metrics_dir, exist_ok=True)
    for pattern in ("*.db", f"{FILE_PREFIX}*.json"):  # prometheus-client's, and the slowest requests
        for path in Path(metrics_dir).glob(pattern):
            path.unlink()


def child_exit(server, worker) -> None:
    from prometheus_client import multiprocess

    from monitoring.recent import forget_process

    multiprocess.mark_process_dead(worker.pid, metrics_dir)
    forget_process(metrics_dir, worker.pid)


def on_exit(server) -> None:
    if made_metrics_dir:
        shutil.rmtree(metrics_dir, ignore_errors=True)


def post_request(worker, req, environ, resp) -> None:
    """After the access log line: the finished request's id leaves this thread, so a line
    logged between requests (a pool warning) does not carry it."""
    from monitoring import context

    context.end()


def post_worker_init(worker) -> None:
    """Once the worker has loaded the application: the routes too (Django would load them
    at the first request), then the objects made so far are moved out of the garbage
    collector's sight. Python's full collections otherwise walk every object of Django,
    DRF and the project: about 110 ms under the everyday load of `make bench`, with the GIL
    held, so every thread of the worker waited that long. Frozen, they take 6 to 15 ms."""
    import gc

    from django.urls import get_resolver

    get_resolver().url_patterns  # noqa: B018 (imports every view, serializer and filter set)
    gc.collect()
    gc.freeze()
