"""Gunicorn settings, read from the environment (`gunicorn -c config/gunicorn.py config.wsgi`)."""

import os
import shutil
import tempfile
from pathlib import Path

bind = os.environ.get("GUNICORN_BIND") or f"{os.environ.get('HOST', '127.0.0.1')}:{os.environ.get('PORT', '8000')}"
# One process by default (the embedded default is for one person trying it out); scale
# out with WEB_CONCURRENCY.
workers = int(os.environ.get("WEB_CONCURRENCY", "1"))
threads = int(os.environ.get("GUNICORN_THREADS", "4"))
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "30"))
keepalive = int(os.environ.get("GUNICORN_KEEPALIVE", "5"))
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
