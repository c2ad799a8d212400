"""A broker that cannot be reached never turns a committed write into an error."""

import io
import logging
import socket

import pytest

from config.celery import app
from conftest import run_commit_hooks
from tasks.models import ImportJob, ImportStatus
from tasks.tests.brokers import publish_to
from tasks.tests.factories import row, write_csv
from users.models import User

pytestmark = pytest.mark.django_db


@pytest.fixture
def broker_down():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        closed = probe.getsockname()[1]
    previous = app.conf.broker_url
    publish_to(f"redis://127.0.0.1:{closed}/0", eager=False)
    app.conf.broker_transport_options = {**app.conf.broker_transport_options, "max_retries": 0}
    yield
    publish_to(previous, eager=True)


def test_a_new_user_is_created_and_the_missing_email_logged(admin_client, broker_down, caplog):
    caplog.set_level(logging.WARNING, logger="tasks.receivers")

    response = admin_client.post("/api/v1/users/", {"username": "kept", "email": "kept@example.com"}, format="json")

    assert response.status_code == 201
    assert User.objects.filter(username="kept").exists()
    assert "Welcome emails of 1 new users not queued" in caplog.text


def test_an_upload_that_cannot_be_queued_is_a_failed_job_saying_why(admin_client, broker_down, tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path / "media"
    handle = io.BytesIO(write_csv(tmp_path / "u.csv", [row("later")]).read_bytes())
    handle.name = "u.csv"

    response = admin_client.post("/api/v1/users/import/", {"file": handle})
    run_commit_hooks()

    assert response.status_code == 202
    job = ImportJob.objects.get(pk=response.json()["id"])
    assert job.status == ImportStatus.FAILED
    assert "broker is unreachable" in job.message
    assert not User.objects.filter(username="later").exists()
