"""Imports run by a real Celery worker process through the real Redis broker, including
one whose worker is killed with SIGKILL halfway: the job still finishes, every row
present exactly once."""

import io
import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest
import redis

from config.celery import app
from config.tests.processes import database_env, free_port, wait_for
from tasks.models import ImportJob, ImportStatus
from tasks.tests.brokers import publish_to
from tasks.tests.factories import row, write_csv
from users.models import User

pytestmark = pytest.mark.django_db(transaction=True)

BASE_DIR = Path(__file__).resolve().parents[2]
# The Redis of the suite, or the machine's: a database of its own for this broker.
BROKER_URL = os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0").rsplit("/", 1)[0] + "/12"
VISIBILITY_TIMEOUT = 5  # seconds before Redis hands a dead worker's task to another
WORKER_OPTIONS = ("-Q", "imports,default", "-c", "1", "--without-gossip", "--without-mingle", "-l", "info")


class Worker:
    """`celery worker` for the imports queue, in its own process group."""

    def __init__(self, log: Path, media_root: Path) -> None:
        self.log = log
        env = {
            **os.environ,
            **database_env(),
            "CELERY_BROKER_URL": BROKER_URL,
            "CELERY_TASK_ALWAYS_EAGER": "false",
            "CELERY_VISIBILITY_TIMEOUT": str(VISIBILITY_TIMEOUT),
            "MEDIA_ROOT": str(media_root),
            "SECRET_KEY": os.environ.get("SECRET_KEY", "userbase-tests-only"),
        }
        with open(log, "ab") as output:
            self.process = subprocess.Popen(  # noqa: S603 (our own interpreter and project)
                [sys.executable, "-m", "celery", "-A", "config", "worker", *WORKER_OPTIONS],
                cwd=BASE_DIR,
                env=env,
                stdout=output,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        wait_for(lambda: "ready." in log.read_text(errors="replace"), 60, "the worker to start")

    def kill(self) -> None:
        os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=10)

    def stop(self) -> None:
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.kill()


@pytest.fixture
def broker(settings, tmp_path):
    """The test process publishes to the real broker; uploads land where workers look."""
    redis.Redis.from_url(BROKER_URL).flushdb()
    settings.MEDIA_ROOT = tmp_path / "media"
    previous = app.conf.broker_url
    publish_to(BROKER_URL, eager=False)
    yield
    publish_to(previous, eager=True)
    redis.Redis.from_url(BROKER_URL).flushdb()


@pytest.fixture
def workers(broker, tmp_path, settings):
    started: list[Worker] = []

    def start() -> Worker:
        worker = Worker(tmp_path / "worker.log", settings.MEDIA_ROOT)
        started.append(worker)
        return worker

    yield start
    for worker in started:
        worker.stop()


def _upload(admin_client, path: Path, request_id: str = "") -> ImportJob:
    handle = io.BytesIO(path.read_bytes())
    handle.name = path.name
    headers = {"X-Request-ID": request_id} if request_id else {}
    response = admin_client.post("/api/v1/users/import/", {"file": handle}, headers=headers)
    assert response.status_code == 202, response.content
    return ImportJob.objects.get(pk=response.json()["id"])


def _finished(job: ImportJob) -> bool:
    job.refresh_from_db()
    return job.finished


def test_a_worker_runs_an_uploaded_import(admin_client, workers, tmp_path):
    worker = workers()
    path = write_csv(
        tmp_path / "users.csv", [row(f"worker{n}") for n in range(50)] + [row("bad name!", email="b@x.io")]
    )

    job = _upload(admin_client, path, request_id="upload-4711")
    wait_for(lambda: _finished(job), 60, "the import")
    wait_for(lambda: f"Import {job.pk} succeeded" in worker.log.read_text(), 10, "the task's log line")

    # The task's own log lines carry the id of the request that queued it.
    finished = [line for line in worker.log.read_text().splitlines() if f"Import {job.pk} succeeded" in line]
    assert finished and all("[upload-4711]" in line for line in finished), finished

    assert (job.status, job.total, job.created, job.failed) == (ImportStatus.SUCCEEDED, 51, 50, 1)
    assert User.objects.filter(username__startswith="worker").count() == 50
    task = admin_client.get(f"/api/v1/tasks/{job.task_id}/").json()
    assert (task["state"], task["result"]["created"]) == ("SUCCESS", 50)


def test_an_import_survives_its_worker_being_killed(admin_client, workers, tmp_path):
    rows = 20_000
    path = write_csv(tmp_path / "users.csv", [row(f"survivor{n}") for n in range(rows)])
    first = workers()

    job = _upload(admin_client, path)
    wait_for(lambda: (job.refresh_from_db() or job.processed) >= 1000, 60, "the first batches")
    first.kill()
    job.refresh_from_db()
    assert job.status == ImportStatus.RUNNING
    assert 0 < job.processed < rows  # killed halfway

    workers()  # takes the task back once its visibility timeout has passed
    wait_for(lambda: _finished(job), 120, "the import to finish after the kill")

    assert (job.status, job.processed, job.created, job.failed) == (ImportStatus.SUCCEEDED, rows, rows, 0)
    usernames = list(User.objects.filter(username__startswith="survivor").values_list("username", flat=True))
    assert len(usernames) == len(set(usernames)) == rows


def test_a_worker_without_its_broker_says_so_in_one_line_and_retries(tmp_path):
    closed = free_port()
    log = tmp_path / "worker.log"
    with open(log, "ab") as output:
        process = subprocess.Popen(  # noqa: S603 (our own interpreter and project)
            [sys.executable, "-m", "celery", "-A", "config", "worker", *WORKER_OPTIONS],
            cwd=BASE_DIR,
            env={
                **os.environ,
                "CELERY_BROKER_URL": f"redis://127.0.0.1:{closed}/0",
                "CELERY_TASK_ALWAYS_EAGER": "false",
            },
            stdout=output,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    try:
        wait_for(lambda: log.read_text(errors="replace").count("Cannot connect") >= 2, 30, "two attempts")
        assert process.poll() is None  # still trying
    finally:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=10)
    attempts = [line for line in log.read_text(errors="replace").splitlines() if "Cannot connect" in line]
    assert all("Trying again" in line for line in attempts)
