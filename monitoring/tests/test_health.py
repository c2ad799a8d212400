"""Health endpoints: liveness without I/O, readiness naming each check, 503 without a database."""

import pytest
from django.db import OperationalError

from monitoring import views as health_views


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/api/v1/health/live/", "/health/live/"])
def test_liveness_needs_no_auth_and_no_io(anon_client, path, django_assert_num_queries):
    with django_assert_num_queries(0):
        response = anon_client.get(path)

    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/api/v1/health/", "/api/v1/health/ready/", "/health/", "/health/ready/"])
def test_readiness_reports_each_check(anon_client, path):
    response = anon_client.get(path)

    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert set(body["checks"]) == {"database", "cache", "broker"}
    assert body["checks"]["database"] == "ok"
    assert body["checks"]["cache"] == "ok"
    assert body["checks"]["broker"] in ("ok", "skipped")
    assert "no-cache" in response["Cache-Control"]


@pytest.mark.django_db
def test_readiness_is_503_naming_the_database_when_it_is_down(anon_client, monkeypatch):
    class DownConnection:
        def cursor(self):
            raise OperationalError("connection refused")

    monkeypatch.setattr(health_views, "connection", DownConnection())

    response = anon_client.get("/api/v1/health/")

    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "error"
    assert body["checks"]["database"].startswith("error:")
    assert "connection refused" in body["checks"]["database"]
    assert body["checks"]["cache"] == "ok"
