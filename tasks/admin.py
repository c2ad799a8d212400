"""Import jobs in the admin: read-only, with a progress bar."""

from django.contrib import admin
from django.utils.html import format_html

from tasks.models import ImportJob


@admin.register(ImportJob)
class ImportJobAdmin(admin.ModelAdmin):
    list_display = (
        "id",
        "original_name",
        "status",
        "progress",
        "created",
        "updated",
        "skipped",
        "failed",
        "created_at",
    )
    list_filter = ("status",)
    ordering = ("-created_at", "-id")
    show_facets = admin.ShowFacets.NEVER
    readonly_fields = (
        "status",
        "progress",
        "original_name",
        "size",
        "dry_run",
        "update_existing",
        "created_by",
        "task_id",
        "total",
        "processed",
        "created",
        "updated",
        "skipped",
        "failed",
        "errors",
        "message",
        "created_at",
        "started_at",
        "finished_at",
    )
    exclude = ("file", "line_done")

    @admin.display(description="Progress")
    def progress(self, job: ImportJob) -> str:
        total = job.total or 0
        return format_html(
            '<progress value="{}" max="{}"></progress> {} / {}',
            job.processed,
            max(total, 1),
            job.processed,
            total or "?",
        )

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False
