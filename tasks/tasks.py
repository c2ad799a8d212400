"""Celery tasks. Each takes ids, never model instances, and may run twice safely."""

import logging
from smtplib import SMTPException

from celery import shared_task
from django.conf import settings
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils import timezone
from kombu.exceptions import OperationalError

from tasks import cleanup, emails
from tasks.imports import MAX_STORED_ERRORS, BatchResult, CSVRejected, ImportOptions, count_rows, run_import
from tasks.models import ImportJob, ImportStatus

logger = logging.getLogger(__name__)


@shared_task(bind=True)
def import_users(self, job_id: int) -> dict:
    """Run an import job, or resume it after the last batch a killed worker committed.
    A finished job is left as it is, so a delivery of the same task again does nothing."""
    job = ImportJob.objects.select_related("created_by").get(pk=job_id)
    if job.finished:
        return _summary(job)
    path = default_storage.path(job.file)
    ImportJob.objects.filter(pk=job.pk).update(status=ImportStatus.RUNNING, started_at=job.started_at or timezone.now())
    try:
        if job.total is None:
            job.total = count_rows(path)
            ImportJob.objects.filter(pk=job.pk).update(total=job.total)
        options = ImportOptions(actor=job.created_by, dry_run=job.dry_run, update_existing=job.update_existing)

        def record(result: BatchResult) -> None:
            _record_batch(job, result)
            self.update_state(state="PROGRESS", meta={"job": job.pk, "processed": job.processed, "total": job.total})

        run_import(path, options, start_line=job.line_done, expected_rows=job.total, on_batch=record)
    except (CSVRejected, OSError) as exc:
        _finish(job, ImportStatus.FAILED, str(exc))
        logger.warning("Import %s failed: %s", job.pk, exc)
    except Exception as exc:
        # Recorded so the job does not look as if it were still running; raised again
        # so Celery reports the task failed, with its traceback.
        _finish(job, ImportStatus.FAILED, f"{type(exc).__name__}: {exc}")
        raise
    else:
        _finish(job, ImportStatus.SUCCEEDED)
    job.refresh_from_db()
    logger.info(
        "Import %s %s: %s rows, %s created, %s updated, %s failed.",
        job.pk,
        job.status,
        job.processed,
        job.created,
        job.updated,
        job.failed,
    )
    return _summary(job)


def _finish(job: ImportJob, status: str, message: str = "") -> None:
    """Mark a job done and remove its upload: a finished job is never run again."""
    ImportJob.objects.filter(pk=job.pk).update(status=status, message=message, finished_at=timezone.now())
    default_storage.delete(job.file)


def _record_batch(job: ImportJob, result: BatchResult) -> None:
    """Add a batch to the job's counts, inside the batch's own transaction."""
    job.processed += result.processed
    job.created += result.created
    job.updated += result.updated
    job.skipped += result.skipped
    job.failed += result.failed
    room = MAX_STORED_ERRORS - len(job.errors)
    job.errors = job.errors + [error.as_dict() for error in result.errors[: max(room, 0)]]
    job.line_done = result.line
    job.save(update_fields=["processed", "created", "updated", "skipped", "failed", "errors", "line_done"])


def _summary(job: ImportJob) -> dict:
    fields = ("status", "total", "processed", "created", "updated", "skipped", "failed")
    return {"job": job.pk, **{name: getattr(job, name) for name in fields}}


@shared_task(autoretry_for=(SMTPException, OSError), retry_backoff=True, max_retries=8)
def send_welcome_emails(user_ids: list[int]) -> int:
    """Retried with a growing delay while the mail server refuses (about 4 hours in all)."""
    return emails.send_welcome_emails(user_ids)


@shared_task
def cleanup_inactive_users(days: int | None = None) -> int:
    days = settings.CLEANUP_INACTIVE_DAYS if days is None else days
    removed = cleanup.cleanup_inactive_users(days=days)
    logger.info("Removed %s users deactivated and unchanged for %s days.", removed, days)
    return removed


def queue_import(job: ImportJob) -> None:
    """Queue a job's task once the transaction that created the job commits."""
    transaction.on_commit(lambda: _send_import(job))


def _send_import(job: ImportJob) -> None:
    try:
        import_users.apply_async(args=[job.pk], task_id=job.task_id)
    except OperationalError as exc:
        logger.warning("Import %s not queued, the broker is unreachable: %s", job.pk, exc)
        _finish(job, ImportStatus.FAILED, f"The job could not be queued (the broker is unreachable): {exc}")
