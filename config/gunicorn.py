"""Gunicorn settings, read from the environment (`gunicorn -c config/gunicorn.py config.wsgi`)."""

import os

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
