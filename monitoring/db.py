"""Every database query timed: its cost added to the current request, a slow one logged."""

import logging
import time

from django.conf import settings

from monitoring import context

logger = logging.getLogger("userbase.slow")

SQL_LOG_LIMIT = 2000  # characters of SQL a slow-query line keeps


def time_query(execute, sql, params, many, context_):
    """A Django execute wrapper (installed on every connection by `install`)."""
    started = time.perf_counter()
    try:
        return execute(sql, params, many, context_)
    finally:
        elapsed = time.perf_counter() - started
        activity = context.current()
        if activity is not None:
            activity.add_query(sql, elapsed)
        if elapsed * 1000 >= settings.SLOW_QUERY_MS:
            _log_slow_query(sql, elapsed, many)


def one_line(sql: str) -> str:
    """SQL on one line, cut to SQL_LOG_LIMIT characters. Parameters are never logged:
    they may hold personal data or password hashes."""
    return " ".join(str(sql).split())[:SQL_LOG_LIMIT]


def _log_slow_query(sql: str, elapsed: float, many: bool) -> None:
    statement = one_line(sql)
    logger.warning(
        "slow query %.1f ms%s: %s",
        elapsed * 1000,
        " (executemany)" if many else "",
        statement,
        extra={"duration_ms": round(elapsed * 1000, 1), "sql": statement},
    )


def install(sender, connection, **kwargs) -> None:
    """A `connection_created` receiver: with a pool, connections are "created" for every
    request, and the wrapper list lives on as long as the connection object does."""
    if time_query not in connection.execute_wrappers:
        connection.execute_wrappers.append(time_query)
