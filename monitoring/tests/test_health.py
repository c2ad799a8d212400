"""Health endpoints: liveness without I/O, readiness naming each check, 503 without a database."""

import json
import os
import subprocess
import sys

import pytest

from config.tests.processes import BASE_DIR, free_port


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


def test_readiness_is_503_naming_the_database_when_it_is_unreachable():
    """A real server with nothing listening at its DATABASE_URL (a closed port): the check
    gives up after HEALTH_CHECK_TIMEOUT rather than the pool's own, longer wait."""
    script = (
        "import json; from django.test import Client; r = Client().get('/api/v1/health/'); "
        "print(json.dumps({'status': r.status_code, 'body': r.json()}))"
    )
    env = {
        **os.environ,
        "DATABASE_URL": f"postgres://postgres@127.0.0.1:{free_port()}/userbase",
        "SECRET_KEY": "health-test",
        "ALLOWED_HOSTS": "testserver",
        "HEALTH_CHECK_TIMEOUT": "1",
        "DB_POOL_TIMEOUT": "3",  # how long the abandoned probe waits before the process may exit
    }

    done = subprocess.run(  # noqa: S603 (our own interpreter and project)
        [sys.executable, "manage.py", "shell", "-c", script],
        cwd=BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )

    answer = json.loads(done.stdout.strip().splitlines()[-1])
    assert answer["status"] == 503
    assert answer["body"]["status"] == "error"
    assert answer["body"]["checks"]["database"] == "error: no answer within 1 s"
    assert answer["body"]["checks"]["cache"] == "ok"
