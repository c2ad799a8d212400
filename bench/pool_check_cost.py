"""What the database pool's check before lending costs a request: a request-like cycle
(take a connection, one SELECT, give it back) timed on the configured database.

    DATABASE_URL=postgres://… SECRET_KEY=… .venv/bin/python bench/pool_check_cost.py
"""

import os
import sys
import time
import timeit
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

import django

django.setup()

from django.db import connection  # noqa: E402 (after setup)

RUNS = 2000


def request_like() -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()
    connection.close()  # back to the pool, as at the end of a request


def main() -> None:
    request_like()
    wall = timeit.timeit(request_like, number=RUNS) / RUNS * 1e6
    started = time.process_time()
    for _ in range(RUNS):
        request_like()
    cpu = (time.process_time() - started) / RUNS * 1e6
    check = getattr(connection.pool, "_check", None) if connection.vendor == "postgresql" else None
    print(f"pool check {getattr(check, '__name__', check)}: {wall:.0f} µs wall, {cpu:.0f} µs of this process's CPU")


if __name__ == "__main__":
    main()
