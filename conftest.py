"""Fixtures shared by every test: API clients per role, a clean cache, a fast hasher."""

import tempfile

import pytest
from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.test import Client
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from config.celery import app as celery_app
from users.models import Role
from users.signals import users_changed
from users.tests.factories import UserFactory


def pytest_configure(config) -> None:
    # The embedded default's file cache, in a place of the tests' own (not the one a
    # server started with `make run` uses).
    if settings.CACHES["default"]["BACKEND"] == "api.cache_backends.FileCache":
        settings.CACHES["default"]["LOCATION"] = tempfile.mkdtemp(prefix="userbase-test-cache-")
    # Real hashers cost ~0.2 s each; tests only need passwords to round-trip.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    # Tasks run in the test's process, whatever broker is configured; the tests that
    # need a real worker (tasks/tests/test_worker.py) switch this off for themselves.
    celery_app.conf.task_always_eager = True
    celery_app.conf.task_eager_propagates = True  # a failing task fails its test


@pytest.fixture(autouse=True)
def _clear_cache():
    """Throttle counters and cached values live in the cache: start each test empty."""
    cache.clear()
    yield
    cache.clear()


def _client_for(user) -> APIClient:
    client = APIClient()
    token, _ = Token.objects.get_or_create(user=user)
    client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    client.user = user
    return client


@pytest.fixture
def anon_client() -> APIClient:
    return APIClient()


@pytest.fixture
def admin_user(db):
    return UserFactory(role=Role.ADMIN, username="root-admin")


@pytest.fixture
def manager_user(db):
    return UserFactory(role=Role.MANAGER, username="the-manager")


@pytest.fixture
def plain_user(db):
    return UserFactory(role=Role.USER, username="plain-user")


@pytest.fixture
def admin_client(admin_user) -> APIClient:
    return _client_for(admin_user)


@pytest.fixture
def manager_client(manager_user) -> APIClient:
    return _client_for(manager_user)


@pytest.fixture
def user_client(plain_user) -> APIClient:
    return _client_for(plain_user)


@pytest.fixture
def client_for():
    """Build an authenticated API client for any user."""
    return _client_for


def run_commit_hooks() -> None:
    """Do with the waiting on-commit callbacks what a commit does: run them and forget
    them, and those they register in turn (after a real commit these run at once). A
    test's transaction never commits, so without this no write would ever announce
    itself, and no task queued after commit would run."""
    while pending := list(connection.run_on_commit):
        connection.run_on_commit.clear()
        for _, callback, _ in pending:
            callback()


@pytest.fixture(autouse=True)
def _requests_commit(monkeypatch):
    """Each test-client request commits, as it does when served: what the test wrote
    before it, and what it wrote itself."""
    request = Client.request

    def committing_request(self, **kwargs):
        run_commit_hooks()
        response = request(self, **kwargs)
        run_commit_hooks()
        return response

    monkeypatch.setattr(Client, "request", committing_request)


@pytest.fixture
def announced():
    """`announced(write)` runs `write()` and commits it; returns how many times
    users_changed was sent."""
    sent = []

    def receiver(sender, **kwargs):
        sent.append(sender)

    def count(write) -> int:
        run_commit_hooks()
        sent.clear()
        write()
        run_commit_hooks()
        return len(sent)

    users_changed.connect(receiver)
    yield count
    users_changed.disconnect(receiver)
