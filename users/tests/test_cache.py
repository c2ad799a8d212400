"""What the users app caches: answers, stats and tokens, all stale after any committed write."""

import threading
from datetime import UTC, datetime, timedelta

import pytest
from django.core.cache import cache as cache_backend
from django.core.management import call_command
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from api import cache
from api import cache as api_cache
from conftest import run_commit_hooks
from users import cache as users_cache
from users import selectors, services
from users.models import Role, User
from users.tests.factories import UserFactory

pytestmark = pytest.mark.django_db

PASSWORD = "pass-word-123"  # what UserFactory sets
USERS_URL = "/api/v1/users/"
STATS_URL = "/api/v1/users/stats/"


def test_a_committed_write_replaces_the_data_version(announced, admin_user):
    before = users_cache.data_version()

    assert announced(lambda: services.user_update(actor=None, user_id=admin_user.pk, data={"full_name": "X"})) == 1

    assert users_cache.data_version() != before


def test_the_version_survives_losing_its_key():
    first = users_cache.data_version()
    cache.delete(users_cache.VERSION_KEY)

    assert users_cache.data_version() != first  # a new random one: no old entry can match


# --- every write path makes the next read fresh ---------------------------------------------


def _api_patch(client, user):
    return client.patch(f"{USERS_URL}{user.pk}/", {"full_name": "Fresh Name"}, format="json")


def _admin_change(client, user):
    client.force_login(User.objects.get(username="root-admin"))
    form = {
        "username": user.username,
        "email": user.email,
        "full_name": "Fresh Name",
        "role": user.role,
        "is_active": "on",
        "profile-TOTAL_FORMS": "1",
        "profile-INITIAL_FORMS": "1",
        "profile-MIN_NUM_FORMS": "0",
        "profile-MAX_NUM_FORMS": "1",
        "profile-0-user": str(user.pk),
    }
    return client.post(reverse("admin:users_user_change", args=[user.pk]), form)


def _shell(client, user):
    services.user_update(actor=None, user_id=user.pk, data={"full_name": "Fresh Name"})
    run_commit_hooks()


@pytest.mark.parametrize("write", [_api_patch, _admin_change, _shell], ids=["api", "admin-site", "services"])
def test_the_next_read_after_any_write_is_fresh(admin_client, client, write):
    target = UserFactory(full_name="Old Name")
    detail = f"{USERS_URL}{target.pk}/"
    assert admin_client.get(detail).json()["full_name"] == "Old Name"
    assert admin_client.get(USERS_URL).json()["results"][0]["full_name"] == "Old Name"

    write(admin_client if write is _api_patch else client, target)

    assert admin_client.get(detail).json()["full_name"] == "Fresh Name"
    assert admin_client.get(USERS_URL).json()["results"][0]["full_name"] == "Fresh Name"


def test_stats_are_exact_right_after_writes_of_every_kind(admin_client):
    assert admin_client.get(STATS_URL).json()["total_users"] == 1
    created = admin_client.post(USERS_URL, {"username": "n1", "email": "n1@example.com"}, format="json").json()
    assert admin_client.get(STATS_URL).json()["total_users"] == 2

    User.objects.create_user("n2", "n2@example.com")
    run_commit_hooks()
    assert admin_client.get(STATS_URL).json()["total_users"] == 3

    call_command("seed_demo", users=4, orders_per_user=0, verbosity=0)
    run_commit_hooks()
    assert admin_client.get(STATS_URL).json()["total_users"] == 7

    admin_client.delete(f"{USERS_URL}{created['id']}/")
    assert admin_client.get(STATS_URL).json()["total_users"] == 6


def test_new_today_turns_over_at_utc_midnight(admin_client, monkeypatch):
    midnight = datetime.combine(timezone.now().astimezone(UTC).date(), datetime.min.time(), tzinfo=UTC)
    late = UserFactory()
    User.objects.filter(pk=late.pk).update(created_at=midnight - timedelta(seconds=30))
    User.objects.filter(username="root-admin").update(created_at=midnight - timedelta(days=2))

    monkeypatch.setattr(timezone, "now", lambda: midnight - timedelta(seconds=1))
    assert admin_client.get(STATS_URL).json()["new_today"] == 1
    monkeypatch.setattr(timezone, "now", lambda: midnight + timedelta(seconds=1))

    assert admin_client.get(STATS_URL).json()["new_today"] == 0


# --- stats without a stampede ---------------------------------------------------------------


def test_stats_come_from_the_cache_until_a_write(admin_user, django_assert_num_queries):
    users_cache.user_stats()

    with django_assert_num_queries(0):
        assert users_cache.user_stats()["total_users"] == 1

    services.user_update(actor=None, user_id=admin_user.pk, data={"role": Role.ADMIN, "full_name": "Y"})
    run_commit_hooks()
    with django_assert_num_queries(1):
        users_cache.user_stats()


def test_an_old_entry_is_served_while_another_process_refreshes_it(admin_user, django_assert_num_queries, monkeypatch):
    users_cache.user_stats()
    monkeypatch.setattr(users_cache, "STATS_FRESH_SECONDS", -1)
    users_cache.user_stats()  # now stored as already old
    day = timezone.now().astimezone(UTC).date()
    assert cache.add(f"{users_cache._stats_key(day)}:lock", 1, 30)  # someone is refreshing

    with django_assert_num_queries(0):
        assert users_cache.user_stats()["total_users"] == 1


@pytest.mark.django_db(transaction=True)
def test_concurrent_readers_after_a_write_compute_the_stats_once(admin_user, monkeypatch):
    computed = []
    aggregate = selectors.user_stats

    def slow_aggregate():
        computed.append(1)
        result = aggregate()
        threading.Event().wait(0.3)  # long enough for every reader to find the lock taken
        return result

    monkeypatch.setattr(selectors, "user_stats", slow_aggregate)
    results = []

    def read():
        results.append(users_cache.user_stats()["total_users"])
        connection.close()

    readers = [threading.Thread(target=read) for _ in range(6)]
    for reader in readers:
        reader.start()
    for reader in readers:
        reader.join(timeout=10)

    assert len(results) == 6
    assert len(set(results)) == 1
    assert computed == [1]


# --- logins ----------------------------------------------------------------------------------


def test_a_login_keeps_cached_lists_stats_and_tokens(user_client, plain_user, anon_client, django_assert_num_queries):
    other = UserFactory(username="logs-in")
    for url in (USERS_URL, STATS_URL):
        user_client.get(url)

    assert (
        anon_client.post(
            "/api/v1/auth/token/", {"username": "logs-in", "password": PASSWORD}, format="json"
        ).status_code
        == 200
    )

    with django_assert_num_queries(0):
        assert user_client.get(USERS_URL).status_code == 200
        assert user_client.get(STATS_URL).status_code == 200
    assert user_client.get(f"{USERS_URL}{other.pk}/").json()["last_login_at"] is not None
    # Descending, users who never logged in come first (NULLS FIRST): keep to those who did.
    latest = user_client.get(USERS_URL, {"ordering": "last_login_at", "page_size": 1}).json()["results"]
    assert [row["username"] for row in latest] == ["logs-in"]


def test_a_list_by_login_time_follows_logins(user_client, anon_client):
    first, second = UserFactory(username="first-in"), UserFactory(username="second-in")
    query = {"ordering": "-last_login_at", "ids": f"{first.pk},{second.pk}", "fields": "username"}
    for user in (first, second):
        anon_client.post("/api/v1/auth/token/", {"username": user.username, "password": PASSWORD}, format="json")
    assert user_client.get(USERS_URL, query).json()["results"] == [{"username": "second-in"}, {"username": "first-in"}]

    anon_client.post("/api/v1/auth/token/", {"username": "first-in", "password": PASSWORD}, format="json")

    assert user_client.get(USERS_URL, query).json()["results"] == [{"username": "first-in"}, {"username": "second-in"}]


# --- a write's bump is never skipped -----------------------------------------------------


def test_a_bump_is_tried_even_while_this_process_thinks_the_cache_is_down(monkeypatch):
    breaker = api_cache._Breaker()
    breaker.down_until = float("inf")
    monkeypatch.setattr(api_cache, "_breaker", breaker)
    before = cache_backend.get(users_cache.VERSION_KEY)

    assert users_cache.bump_version() is not None

    assert cache_backend.get(users_cache.VERSION_KEY) not in (None, before)
