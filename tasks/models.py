"""Import jobs: one CSV upload each, with its progress, counts and row errors."""

from django.conf import settings
from django.db import models


class ImportStatus(models.TextChoices):
    PENDING = "pending", "Pending"
    RUNNING = "running", "Running"
    SUCCEEDED = "succeeded", "Succeeded"
    FAILED = "failed", "Failed"


class ImportJob(models.Model):
    """A CSV file of users being imported. `line_done` is the last line whose batch
    committed: a task delivered again resumes after it."""

    status = models.CharField(max_length=10, choices=ImportStatus.choices, default=ImportStatus.PENDING)
    file = models.CharField(max_length=255, help_text="Path of the upload in the default storage.")
    original_name = models.CharField(max_length=255, blank=True, default="")
    size = models.BigIntegerField(default=0, help_text="Bytes.")
    dry_run = models.BooleanField(default=False)
    update_existing = models.BooleanField(default=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    task_id = models.CharField(max_length=64, blank=True, default="", db_index=True)
    total = models.PositiveIntegerField(null=True, blank=True, help_text="Data rows in the file, once counted.")
    processed = models.PositiveIntegerField(default=0)
    created = models.PositiveIntegerField(default=0)
    updated = models.PositiveIntegerField(default=0)
    skipped = models.PositiveIntegerField(default=0)
    failed = models.PositiveIntegerField(default=0)
    errors = models.JSONField(default=list, blank=True, help_text="The first row errors: row, field, message.")
    line_done = models.PositiveIntegerField(default=1, help_text="Last line of the file already imported.")
    message = models.TextField(blank=True, default="", help_text="Why the job failed, if it did.")
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["created_at", "id"], name="imports_created_at_id_idx")]

    def __str__(self) -> str:
        return f"Import {self.pk} ({self.status})"

    @property
    def finished(self) -> bool:
        return self.status in (ImportStatus.SUCCEEDED, ImportStatus.FAILED)
