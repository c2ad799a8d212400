"""Writes of the tasks app: starting an import job."""

import uuid

from django.core.files.storage import default_storage
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction

from tasks.models import ImportJob
from tasks.tasks import queue_import
from users.models import User


def import_job_create(*, actor: User | None, upload: UploadedFile, dry_run: bool, update_existing: bool) -> ImportJob:
    """Store a checked upload, record its job and queue the job once that commits."""
    stored = default_storage.save(f"imports/{uuid.uuid4().hex}.csv", upload)
    with transaction.atomic():
        job = ImportJob.objects.create(
            file=stored,
            original_name=(upload.name or "")[:255],
            size=upload.size or 0,
            dry_run=dry_run,
            update_existing=update_existing,
            created_by=actor,
            task_id=str(uuid.uuid4()),
        )
        queue_import(job)
    return job
