"""Import jobs in the admin: listed with progress, shown read-only, never added or changed."""

import pytest

from tasks.models import ImportJob, ImportStatus

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_browser(client, admin_user):
    client.force_login(admin_user)
    return client


@pytest.fixture
def job():
    return ImportJob.objects.create(
        file="imports/people.csv", original_name="people.csv", status=ImportStatus.RUNNING, total=10, processed=4
    )


def test_the_list_shows_each_job_with_its_progress(admin_browser, job):
    page = admin_browser.get("/admin/tasks/importjob/").content.decode()

    assert "people.csv" in page
    assert '<progress value="4" max="10"></progress> 4 / 10' in page


def test_a_job_page_shows_every_report_field_read_only(admin_browser, job):
    page = admin_browser.get(f"/admin/tasks/importjob/{job.pk}/change/").content.decode()

    for field in ("status", "progress", "original_name", "created_by", "task_id", "errors", "created_at"):
        assert f"field-{field}" in page
    assert "field-file" not in page and "field-line_done" not in page
    assert 'name="_save"' not in page


def test_jobs_cannot_be_added_or_changed(admin_browser, job):
    assert admin_browser.get("/admin/tasks/importjob/add/").status_code == 403
    admin_browser.post(f"/admin/tasks/importjob/{job.pk}/change/", {"status": ImportStatus.FAILED})

    job.refresh_from_db()
    assert job.status == ImportStatus.RUNNING
