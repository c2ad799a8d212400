"""The Celery setup: late acknowledgement, redelivery of a lost task, queues and routes."""

import pytest
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from config import settings as project_settings
from config.celery import app
from tasks.tasks import cleanup_inactive_users, import_users, send_welcome_emails


def test_celery_is_set_to_acknowledge_late_and_put_back_a_dead_workers_task():
    assert app.conf.task_acks_late is True
    assert app.conf.task_reject_on_worker_lost is True
    assert app.conf.worker_prefetch_multiplier == 1


def test_redis_gives_a_lost_task_to_another_worker_only_after_the_longest_import():
    # SPEC: a million rows in at most 5 minutes; an hour leaves room to spare.
    assert app.conf.broker_transport_options["visibility_timeout"] >= 3600


def test_tasks_go_to_their_queues():
    assert {queue.name for queue in app.conf.task_queues} == {"default", "imports", "email"}
    routes = app.conf.task_routes
    assert routes[import_users.name] == {"queue": "imports"}
    assert routes[send_welcome_emails.name] == {"queue": "email"}
    assert cleanup_inactive_users.name not in routes  # the default queue


def test_celery_is_set_to_wait_for_its_broker_as_long_as_it_takes():
    assert app.conf.broker_connection_retry_on_startup is True
    assert app.conf.broker_connection_max_retries is None


@pytest.mark.parametrize("line", ["daily", "30 3 * *", "61 3 * * *"])
def test_a_bad_cleanup_schedule_is_a_configuration_error(line):
    with pytest.raises(ImproperlyConfigured, match="CLEANUP_SCHEDULE"):
        project_settings.env_crontab("CLEANUP_SCHEDULE", line)


def test_the_schedule_comes_from_the_environment():
    schedule = project_settings.env_crontab("CLEANUP_SCHEDULE", "15 2 * * 0")

    assert (schedule.minute, schedule.hour, schedule.day_of_week) == ({15}, {2}, {0})
    assert settings.CELERY_BEAT_SCHEDULE["cleanup-inactive-users"]["schedule"] is not None
