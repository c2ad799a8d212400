"""Django's PostgreSQL backend, with the pool checking a connection before lending it only
when the connection sat idle a few seconds.

Django gives psycopg's pool either no check or one on every lend (CONN_HEALTH_CHECKS), a
round trip per request. A connection used moments ago is taken as alive: a server that
restarts within that window costs a failed request on each connection it broke, which the
pool then drops (it never lends a broken connection again) and replaces.
"""

import time

from django.db.backends.postgresql import base
from psycopg_pool import ConnectionPool

IDLE_SECONDS = 5.0


def check_if_idle(conn) -> None:
    """psycopg_pool's `check` callback: raises when a connection idle since its last lend
    no longer works."""
    now = time.monotonic()
    last_lent = getattr(conn, "_userbase_lent_at", None)
    conn._userbase_lent_at = now
    if last_lent is None or now - last_lent >= IDLE_SECONDS:
        ConnectionPool.check_connection(conn)


class DatabaseWrapper(base.DatabaseWrapper):
    @property
    def pool(self):
        pool = super().pool
        if pool is not None:
            pool._check = check_if_idle  # where psycopg_pool keeps its `check` callback
        return pool
