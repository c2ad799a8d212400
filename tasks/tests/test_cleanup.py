"""cleanup_inactive_users: users deactivated and unchanged for D days go, in batches,
through the write path; the command and beat's task share the code."""

from datetime import timedelta
from io import StringIO

import pytest
from django.conf import settings
from django.core.management import call_command
from django.utils import timezone

from config.celery import app
from tasks.cleanup import cleanup_inactive_users, inactive
from tasks.tasks import cleanup_inactive_users as cleanup_task
from users import services
from users.models import Role, User
from users.tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def population():
    """Two long-deactivated users, one recently deactivated, one long-inactive admin
    (inactive admins are not protected), one old but active user."""
    old = timezone.now() - timedelta(days=400)
    stale = [UserFactory(is_active=False), UserFactory(is_active=False), UserFactory(is_active=False, role=Role.ADMIN)]
    recent = UserFactory(is_active=False)
    active = UserFactory()
    User.objects.filter(pk__in=[user.pk for user in [*stale, active]]).update(updated_at=old)
    return {"stale": stale, "recent": recent, "active": active}


def test_only_users_deactivated_and_unchanged_for_long_go(population, admin_user):
    removed = cleanup_inactive_users(days=365, batch_size=2)

    assert removed == 3
    remaining = set(User.objects.values_list("pk", flat=True))
    assert remaining == {population["recent"].pk, population["active"].pk, admin_user.pk}


def test_batches_are_reported_as_they_go(population):
    totals = []

    cleanup_inactive_users(days=365, batch_size=2, on_batch=totals.append)

    assert totals == [2, 3]


def test_stats_follow_the_cleanup(population, admin_client):
    before = admin_client.get("/api/v1/users/stats/").json()["total_users"]

    call_command("cleanup_inactive_users", stdout=StringIO())

    assert admin_client.get("/api/v1/users/stats/").json()["total_users"] == before - 3


def test_the_command_counts_in_a_dry_run_and_says_what_it_removed(population):
    dry = StringIO()
    call_command("cleanup_inactive_users", "--dry-run", "--days", "365", stdout=dry)
    assert "3 users" in dry.getvalue()
    assert User.objects.count() == 5

    done = StringIO()
    call_command("cleanup_inactive_users", "--days", "365", stdout=done)
    assert "Removed 3 users" in done.getvalue()


def test_the_task_uses_the_configured_days(population, settings):
    settings.CLEANUP_INACTIVE_DAYS = 500

    assert cleanup_task.delay().get() == 0
    assert cleanup_task.delay(days=365).get() == 3


def test_beat_runs_the_cleanup_daily():
    entry = settings.CELERY_BEAT_SCHEDULE["cleanup-inactive-users"]

    assert entry["task"] in app.tasks
    assert entry["task"] == cleanup_task.name
    assert str(entry["schedule"]).startswith("<crontab: 30 3 * * *")


def test_a_user_reactivated_after_being_picked_is_kept(population):
    picked = [user.pk for user in population["stale"]]
    User.objects.filter(pk=picked[0]).update(is_active=True)  # someone reactivates them meanwhile

    removed = services.users_delete(actor=None, user_ids=picked, still=inactive(days=365))

    assert removed == 2
    assert User.objects.filter(pk=picked[0]).exists()
