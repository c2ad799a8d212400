"""POST /users/import/, GET /imports/ and /imports/{id}/, GET /tasks/{task_id}/ (admins only)."""

import io

import pytest
from django.core import mail
from django.core.files.storage import default_storage

import tasks.tasks
from tasks.models import ImportJob, ImportStatus
from tasks.tests.factories import row, write_csv
from users.models import User
from users.tests.factories import UserFactory

pytestmark = pytest.mark.django_db

URL = "/api/v1/users/import/"


def upload(client, content: bytes, **fields):
    handle = io.BytesIO(content)
    handle.name = "users.csv"
    return client.post(URL, {"file": handle, **fields})


@pytest.fixture
def csv_bytes(tmp_path) -> bytes:
    rows = [row("alpha"), row("beta", role="manager"), row("bad name!", email="bad@example.com"), row("gamma")]
    return write_csv(tmp_path / "users.csv", rows).read_bytes()


def test_an_upload_is_accepted_and_its_job_reports_counts_and_row_errors(admin_client, csv_bytes):
    response = upload(admin_client, csv_bytes)

    assert response.status_code == 202
    body = response.json()
    assert set(body) == {"id", "status_url", "task_id"}
    assert body["status_url"] == f"http://testserver/api/v1/imports/{body['id']}/"
    job = admin_client.get(body["status_url"]).json()
    assert job["status"] == "succeeded"
    assert {name: job[name] for name in ("total", "processed", "created", "updated", "skipped", "failed")} == {
        "total": 4,
        "processed": 4,
        "created": 3,
        "updated": 0,
        "skipped": 0,
        "failed": 1,
    }
    assert (
        job["errors"]
        == [{"row": 4, "field": "username", "message": "Enter a valid username: letters, digits and @ . + - _ only."}]
        or job["errors"][0]["row"] == 4
    )
    assert job["started_at"] and job["finished_at"]
    assert set(User.objects.filter(username__in=["alpha", "beta", "gamma"]).values_list("username", flat=True)) == {
        "alpha",
        "beta",
        "gamma",
    }


def test_the_task_reports_its_state_and_result(admin_client, csv_bytes):
    task_id = upload(admin_client, csv_bytes).json()["task_id"]

    response = admin_client.get(f"/api/v1/tasks/{task_id}/")

    assert response.status_code == 200
    body = response.json()
    assert (body["task_id"], body["state"], body["progress"]) == (task_id, "SUCCESS", None)
    assert body["result"]["status"] == "succeeded"
    assert body["result"]["created"] == 3


def test_an_unknown_task_is_a_404(admin_client):
    assert admin_client.get("/api/v1/tasks/00000000-0000-0000-0000-000000000000/").status_code == 404


def test_the_same_file_twice_creates_no_duplicates(admin_client, csv_bytes):
    upload(admin_client, csv_bytes)
    second = admin_client.get(upload(admin_client, csv_bytes).json()["status_url"]).json()

    assert (second["created"], second["skipped"], second["failed"]) == (0, 3, 1)
    assert User.objects.filter(username="alpha").count() == 1


def test_dry_run_and_update_existing_are_options_of_the_upload(admin_client, tmp_path):
    UserFactory(username="known", email="known@example.com", full_name="Before")
    content = write_csv(tmp_path / "u.csv", [row("known", full_name="After"), row("fresh")]).read_bytes()

    dry = admin_client.get(upload(admin_client, content, dry_run="true").json()["status_url"]).json()
    assert (dry["dry_run"], dry["created"], dry["skipped"]) == (True, 1, 1)
    assert not User.objects.filter(username="fresh").exists()

    real = admin_client.get(upload(admin_client, content, update_existing="yes").json()["status_url"]).json()
    assert (real["created"], real["updated"]) == (1, 1)
    assert User.objects.get(username="known").full_name == "After"


def test_new_users_get_one_welcome_email_each_with_a_set_password_link(admin_client, csv_bytes, client):
    upload(admin_client, csv_bytes)

    assert sorted(message.to[0] for message in mail.outbox) == [
        "alpha@example.com",
        "beta@example.com",
        "gamma@example.com",
    ]
    link = next(line.strip() for line in mail.outbox[0].body.splitlines() if "/accounts/set-password/" in line)
    page = client.get(link.removeprefix("http://127.0.0.1:8000"), follow=True)
    assert page.status_code == 200
    assert "new_password1" in page.content.decode()


@pytest.mark.parametrize(
    ("content", "words"),
    [
        pytest.param(b"name,mail\nx,y\n", "header must be", id="wrong-header"),
        pytest.param("username,email\n".encode("utf-16"), "not a CSV file", id="utf-16"),
        pytest.param(
            b"username,email,full_name,role,is_active,department,phone,location\n\xff\xfe\n", "not UTF-8", id="latin"
        ),
        pytest.param(b"\x89PNG\r\n\x1a\n\x00\x00", "not a CSV file", id="png"),
        pytest.param(b"", "empty", id="empty"),
    ],
)
def test_a_file_that_cannot_be_imported_is_a_400_at_once(admin_client, content, words):
    response = upload(admin_client, content)

    assert response.status_code == 400
    assert words in response.json()["file"][0]
    assert not ImportJob.objects.exists()


def test_a_file_over_the_limit_is_a_413(admin_client, csv_bytes, settings):
    settings.IMPORT_MAX_BYTES = 100

    response = upload(admin_client, csv_bytes)

    assert response.status_code == 413
    assert response.json() == {"detail": "The request body is larger than the limit of 100 bytes."}
    assert not ImportJob.objects.exists()


def test_a_bad_option_value_is_a_400(admin_client, csv_bytes):
    response = upload(admin_client, csv_bytes, dry_run="perhaps")

    assert response.status_code == 400
    assert set(response.json()) == {"dry_run"}


@pytest.mark.parametrize("client_name", ["manager_client", "user_client"])
def test_only_admins_import_and_read_jobs(request, client_name, csv_bytes):
    client = request.getfixturevalue(client_name)

    assert upload(client, csv_bytes).status_code == 403
    assert client.get("/api/v1/imports/").status_code == 403


def test_jobs_are_listed_newest_first(admin_client, csv_bytes):
    first = upload(admin_client, csv_bytes).json()["id"]
    second = upload(admin_client, csv_bytes).json()["id"]

    body = admin_client.get("/api/v1/imports/").json()

    assert [job["id"] for job in body["results"]] == [second, first]
    assert ImportJob.objects.get(pk=first).status == ImportStatus.SUCCEEDED


def test_a_finished_job_leaves_no_upload_behind(admin_client, csv_bytes):
    job = ImportJob.objects.get(pk=upload(admin_client, csv_bytes).json()["id"])

    assert job.status == ImportStatus.SUCCEEDED
    assert not default_storage.exists(job.file)


def test_a_job_that_breaks_is_marked_failed_and_the_task_fails(admin_client, csv_bytes, monkeypatch):
    job_id = upload(admin_client, csv_bytes).json()["id"]
    ImportJob.objects.filter(pk=job_id).update(status=ImportStatus.PENDING, line_done=1)

    def broken(*args, **kwargs):
        raise RuntimeError("the database went away")

    monkeypatch.setattr(tasks.tasks, "run_import", broken)
    with pytest.raises(RuntimeError):
        tasks.tasks.import_users.apply(args=[job_id])

    job = ImportJob.objects.get(pk=job_id)
    assert (job.status, job.message) == (ImportStatus.FAILED, "RuntimeError: the database went away")
    assert job.finished_at is not None


def test_a_task_delivered_again_after_its_job_finished_does_nothing(admin_client, csv_bytes):
    job_id = upload(admin_client, csv_bytes).json()["id"]
    before = User.objects.count()

    summary = tasks.tasks.import_users.apply(args=[job_id]).get()

    assert summary["status"] == "succeeded"
    assert User.objects.count() == before
