"""PostgreSQL's pool checks a connection before lending it only after it sat idle: a
connection used moments ago costs no extra round trip, an idle one that broke is caught."""

import os

import psycopg
import pytest
from django.db import connection

from config.postgresql.base import IDLE_SECONDS, check_if_idle


def _postgres_url() -> str:
    """The suite's PostgreSQL, or the machine's (CI has one either way)."""
    url = os.environ.get("DATABASE_URL", "")
    return url if url.startswith("postgres") else "postgresql://postgres@127.0.0.1:5432/postgres"


def test_a_connection_lent_moments_ago_is_not_checked_an_idle_one_is():
    conn = psycopg.connect(_postgres_url())
    check_if_idle(conn)  # first lend: checked, and it works
    conn.close()  # broken from now on, as a restarted server would leave it

    check_if_idle(conn)  # lent moments ago: taken as alive, no round trip

    conn._userbase_lent_at -= IDLE_SECONDS  # as if it had sat idle since
    with pytest.raises(psycopg.OperationalError):
        check_if_idle(conn)


@pytest.mark.django_db
def test_the_suites_database_uses_it_when_it_is_postgresql():
    connection.ensure_connection()
    if connection.vendor == "postgresql":
        assert connection.settings_dict["CONN_HEALTH_CHECKS"] is False
        assert connection.pool._check is check_if_idle
    else:
        assert "pool" not in connection.settings_dict["OPTIONS"]
