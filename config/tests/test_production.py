"""Production mode (DJANGO_ENV=production): required variables, a clean `check --deploy`,
health probes answered over plain HTTP."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.test import Client

BASE_DIR = Path(__file__).resolve().parents[2]
PRODUCTION_ENV = {
    "DJANGO_ENV": "production",
    "SECRET_KEY": "production-like-test-key-" + "x7Kq2mP9vR4tW8zB3nF6hJ1cL5dG0sA",
    "ALLOWED_HOSTS": "userbase.example.com",
    "CSRF_TRUSTED_ORIGINS": "https://userbase.example.com",
    "DATABASE_URL": "postgres://userbase@127.0.0.1:5432/userbase",
    "REDIS_URL": "redis://127.0.0.1:6379/0",
}
REQUIRED = ("SECRET_KEY", "ALLOWED_HOSTS", "DATABASE_URL", "REDIS_URL")


def _manage(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess:
    # Only the variables given: none of the developer's or CI's own settings leak in.
    clean = {"PATH": os.environ["PATH"], "PYTHONDONTWRITEBYTECODE": "1", **env}
    return subprocess.run(  # noqa: S603 (our own interpreter and project)
        [sys.executable, "manage.py", *args], cwd=BASE_DIR, env=clean, capture_output=True, text=True, timeout=60
    )


def test_check_deploy_reports_nothing_in_production():
    result = _manage("check", "--deploy", "--fail-level", "DEBUG", env=PRODUCTION_ENV)

    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "System check identified no issues (0 silenced)."


def test_check_deploy_warns_outside_production():
    env = {**PRODUCTION_ENV, "DJANGO_ENV": "development"}

    result = _manage("check", "--deploy", env=env)

    for warning in ("security.W004", "security.W008", "security.W012", "security.W016"):
        assert warning in result.stderr


@pytest.mark.parametrize("name", REQUIRED)
def test_production_refuses_to_start_without_a_required_variable(name):
    env = {key: value for key, value in PRODUCTION_ENV.items() if key != name}

    result = _manage("check", env=env)

    assert result.returncode != 0
    assert f"DJANGO_ENV=production needs {name}" in result.stderr


def test_each_production_default_can_be_overridden():
    env = {**PRODUCTION_ENV, "SECURE_SSL_REDIRECT": "false", "SECURE_HSTS_SECONDS": "0"}

    result = _manage("check", "--deploy", env=env)

    assert "security.W008" in result.stderr and "security.W004" in result.stderr


def test_an_unknown_environment_name_is_refused():
    result = _manage("check", env={"DJANGO_ENV": "prod"})

    assert result.returncode != 0
    assert "DJANGO_ENV must be 'development' or 'production'" in result.stderr


@pytest.mark.django_db
def test_with_the_ssl_redirect_only_health_probes_are_answered_over_plain_http(settings):
    settings.SECURE_SSL_REDIRECT = True
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    client = Client()

    for path in ("/api/v1/health/live/", "/api/v1/health/", "/health/live/", "/health/"):
        assert client.get(path).status_code == 200, path
    redirected = client.get("/api/v1/users/")
    assert redirected.status_code == 301
    assert redirected["Location"] == "https://testserver/api/v1/users/"
    # Behind the proxy, which says the client came over HTTPS: no redirect.
    assert client.get("/api/v1/users/", headers={"X-Forwarded-Proto": "https"}).status_code == 401
