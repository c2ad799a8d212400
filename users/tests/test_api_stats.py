"""GET /api/v1/users/stats/: counts by state, role and UTC day, in one query."""

from datetime import UTC, datetime, time, timedelta

import pytest
from django.utils import timezone

from users.models import Role, User
from users.tests.factories import UserFactory

STATS_URL = "/api/v1/users/stats/"


@pytest.fixture
def population(admin_user):
    """Besides admin_user: 2 managers (1 inactive) and 4 users (1 inactive), 2 of them from yesterday."""
    UserFactory(role=Role.MANAGER)
    UserFactory(role=Role.MANAGER, is_active=False)
    users = [UserFactory(role=Role.USER) for _ in range(3)] + [UserFactory(role=Role.USER, is_active=False)]
    User.objects.filter(pk__in=[users[0].pk, users[3].pk]).update(created_at=timezone.now() - timedelta(days=1))


# What stats report for the `population` fixture (admin_client's admin included).
POPULATION_STATS = {
    "total_users": 7,
    "active_users": 5,
    "inactive_users": 2,
    "new_today": 5,
    "by_role": {"admin": 1, "manager": 2, "user": 4},
}


@pytest.mark.django_db
def test_stats_counts_users_by_state_role_and_day(admin_client, population):
    response = admin_client.get(STATS_URL)

    assert response.status_code == 200
    assert response.json() == POPULATION_STATS


@pytest.mark.django_db
def test_stats_on_a_nearly_empty_table_lists_every_role(admin_client):
    assert admin_client.get(STATS_URL).json() == {
        "total_users": 1,
        "active_users": 1,
        "inactive_users": 0,
        "new_today": 1,
        "by_role": {"admin": 1, "manager": 0, "user": 0},
    }


@pytest.mark.django_db
@pytest.mark.parametrize("time_zone", ["UTC", "Pacific/Kiritimati", "America/Anchorage"])
def test_new_today_is_the_utc_calendar_day(admin_client, settings, time_zone):
    settings.TIME_ZONE = time_zone
    midnight = datetime.combine(datetime.now(UTC).date(), time.min, tzinfo=UTC)
    at_midnight, just_before = UserFactory(), UserFactory()
    User.objects.filter(pk=at_midnight.pk).update(created_at=midnight)
    User.objects.filter(pk=just_before.pk).update(created_at=midnight - timedelta(microseconds=1))

    stats = admin_client.get(STATS_URL).json()

    assert stats["total_users"] == 3
    assert stats["new_today"] == 2  # admin_user and the one created at 00:00 UTC


@pytest.mark.django_db
def test_stats_are_readable_by_every_role(user_client, population):
    response = user_client.get(STATS_URL)

    assert response.status_code == 200
    assert response.json()["total_users"] == 8  # population plus plain_user


@pytest.mark.django_db
def test_stats_follow_writes_through_the_api(admin_client, population):
    assert admin_client.get(STATS_URL).json()["total_users"] == 7

    created = admin_client.post(
        "/api/v1/users/", {"username": "fresh", "email": "fresh@example.com", "role": "manager"}, format="json"
    )
    assert created.status_code == 201
    after_create = admin_client.get(STATS_URL).json()
    assert (after_create["total_users"], after_create["new_today"]) == (8, 6)
    assert after_create["by_role"] == {"admin": 1, "manager": 3, "user": 4}

    deactivated = admin_client.patch(f"/api/v1/users/{created.json()['id']}/", {"is_active": False}, format="json")
    assert deactivated.status_code == 200
    after_deactivate = admin_client.get(STATS_URL).json()
    assert (after_deactivate["active_users"], after_deactivate["inactive_users"]) == (5, 3)

    assert admin_client.delete(f"/api/v1/users/{created.json()['id']}/").status_code == 204
    assert admin_client.get(STATS_URL).json() == POPULATION_STATS


@pytest.mark.django_db
def test_stats_cost_at_most_two_queries(admin_client, population, django_assert_max_num_queries):
    # One for the token, one for the aggregate.
    with django_assert_max_num_queries(2):
        response = admin_client.get(STATS_URL)

    assert response.status_code == 200
