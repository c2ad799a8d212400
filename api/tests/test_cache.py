"""Redis failing never fails a request: the API serves from the database, says so once,
stops asking Redis for a while, and caches again once Redis answers."""

import logging
import os
import socket

import pytest
from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext

from api import cache

pytestmark = pytest.mark.django_db

URL = "/api/v1/users/?page_size=5"


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]  # nothing listens there once the socket closes


def _redis(url: str) -> dict:
    return {
        "default": {
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": url,
            "OPTIONS": {"SOCKET_CONNECT_TIMEOUT": 0.5, "SOCKET_TIMEOUT": 0.5, "IGNORE_EXCEPTIONS": True},
        }
    }


# The Redis the suite runs against, or the machine's own: this test needs a real one.
WORKING_REDIS = os.environ.get("REDIS_URL") or "redis://127.0.0.1:6379/15"


@pytest.fixture
def breaker(monkeypatch):
    """A fresh breaker whose pause can be ended at will."""
    fresh = cache._Breaker()
    monkeypatch.setattr(cache, "_breaker", fresh)
    return fresh


def test_with_redis_down_reads_and_writes_are_served_and_a_warning_logged(
    user_client, admin_client, plain_user, breaker, caplog
):
    caplog.set_level(logging.WARNING, logger="api.cache")
    with override_settings(CACHES=_redis(f"redis://127.0.0.1:{_closed_port()}/0")):
        first = user_client.get(URL)
        again = user_client.get(URL)
        written = admin_client.patch(
            f"/api/v1/users/{plain_user.pk}/", {"full_name": "Written Meanwhile"}, format="json"
        )
        after = user_client.get(f"/api/v1/users/{plain_user.pk}/")

    assert (first.status_code, again.status_code, written.status_code) == (200, 200, 200)
    assert after.json()["full_name"] == "Written Meanwhile"
    warnings = [record for record in caplog.records if record.name == "api.cache"]
    assert len(warnings) == 1  # once per pause, not once per call
    assert "serving from the database" in warnings[0].getMessage()
    assert not breaker.closed()


def test_caching_resumes_when_redis_is_back_and_misses_nothing_written_meanwhile(
    user_client, admin_client, plain_user, breaker
):
    def queries(client, url):
        with CaptureQueriesContext(connection) as captured:
            response = client.get(url)
        return len(captured), response

    detail = f"/api/v1/users/{plain_user.pk}/"
    with override_settings(CACHES=_redis(WORKING_REDIS)):
        cache.get_many(["warm-up"])
        user_client.get(detail)  # cached in Redis, with the version of the time
        with override_settings(CACHES=_redis(f"redis://127.0.0.1:{_closed_port()}/0")):
            admin_client.patch(detail, {"full_name": "Changed While Down"}, format="json")
        breaker.down_until = 0  # the pause is over

        count, response = queries(user_client, detail)
        assert response.json()["full_name"] == "Changed While Down"  # the missed bump is made up
        assert count > 0
        count, response = queries(user_client, detail)
        assert count == 0  # and caching works again
        assert response.json()["full_name"] == "Changed While Down"
