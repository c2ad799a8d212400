"""Queries over SLOW_QUERY_MS are logged, wherever they run, with their SQL (never its
parameters), their duration and the id of the request they belong to."""

import logging

import pytest
from django.db import connection

pytestmark = pytest.mark.django_db


def _slow_sql() -> str:
    """About 150 ms in the database itself."""
    if connection.vendor == "postgresql":
        return "SELECT pg_sleep(0.15)"
    # SQLite has no sleep: count up a few million rows instead.
    return "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 3000000) SELECT count(*) FROM n"


def _slow_records(caplog) -> list[logging.LogRecord]:
    return [r for r in caplog.records if r.name == "userbase.slow" and r.getMessage().startswith("slow query")]


def test_a_query_over_the_threshold_is_logged_with_sql_and_duration(settings, caplog):
    settings.SLOW_QUERY_MS = 100
    with caplog.at_level(logging.WARNING, logger="userbase.slow"), connection.cursor() as cursor:
        cursor.execute(_slow_sql())

    [record] = _slow_records(caplog)
    assert record.duration_ms >= 100
    assert record.sql == " ".join(_slow_sql().split())
    assert f"slow query {record.duration_ms}" in record.getMessage()


def test_a_query_under_the_threshold_is_not(settings, caplog):
    settings.SLOW_QUERY_MS = 10_000
    with caplog.at_level(logging.WARNING, logger="userbase.slow"), connection.cursor() as cursor:
        cursor.execute(_slow_sql())

    assert _slow_records(caplog) == []


def test_a_slow_query_of_a_request_names_the_request(user_client, settings, log_lines):
    settings.SLOW_QUERY_MS = 0  # every query is "slow"
    response = user_client.get("/api/v1/users/?search=needle", headers={"X-Request-ID": "req-slow-sql"})

    lines = [line for line in log_lines() if "slow query" in line]
    assert response.status_code == 200 and lines
    assert all("[req-slow-sql]" in line for line in lines), lines
    # The SQL, not its parameters: the search term never reaches the log.
    assert all("needle" not in line for line in lines)
