"""The image's health probe (deploy/healthcheck.py) against a real gunicorn in production
mode: it passes ALLOWED_HOSTS and is not redirected to HTTPS."""

import os
import subprocess
import sys

import pytest

from config.tests.processes import BASE_DIR, Gunicorn
from config.tests.test_production import PRODUCTION_ENV


def _probe(port: int, allowed_hosts: str) -> subprocess.CompletedProcess:
    env = {"PATH": os.environ["PATH"], "PORT": str(port), "ALLOWED_HOSTS": allowed_hosts}
    return subprocess.run(
        [sys.executable, "deploy/healthcheck.py"], cwd=BASE_DIR, env=env, capture_output=True, text=True, timeout=30
    )


@pytest.fixture(scope="module")
def production_server(tmp_path_factory):
    # /health/live/ does no I/O: the database and Redis named in PRODUCTION_ENV need not exist.
    server = Gunicorn(tmp_path_factory.mktemp("probe") / "gunicorn.log", {"PATH": os.environ["PATH"], **PRODUCTION_ENV})
    yield server
    server.stop()


def test_the_probe_passes_with_the_first_allowed_host_over_plain_http(production_server):
    assert _probe(production_server.port, "userbase.example.com,other.example.com").returncode == 0
    assert _probe(production_server.port, ".userbase.example.com").returncode == 0


def test_the_probe_fails_when_the_app_refuses_its_host(production_server):
    # What a probe calling 127.0.0.1 without a Host of its own meets.
    assert production_server.request("GET", "/api/v1/health/live/")[0] == 400

    result = _probe(production_server.port, "not-allowed.example.com")

    assert result.returncode == 1
    assert "unhealthy" in result.stderr
