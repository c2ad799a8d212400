"""How import jobs and task states look on the wire, and what an upload sends."""

from rest_framework import serializers

from api.serializers import StrictInputMixin, TextBooleanField
from tasks.models import ImportJob


class ImportJobSerializer(serializers.ModelSerializer):
    errors = serializers.ListField(
        child=serializers.DictField(),
        help_text="The first 1,000 row errors: `row` (its line in the file, header = 1), `field`, `message`.",
    )

    class Meta:
        model = ImportJob
        fields = (
            "id",
            "status",
            "total",
            "processed",
            "created",
            "updated",
            "skipped",
            "failed",
            "errors",
            "message",
            "dry_run",
            "update_existing",
            "created_at",
            "started_at",
            "finished_at",
        )
        read_only_fields = fields


class ImportUploadSerializer(StrictInputMixin, serializers.Serializer):
    """A CSV of users, UTF-8, with the header username,email,full_name,role,is_active,department,phone,location."""

    check_json_types = False

    file = serializers.FileField(help_text="The CSV file.")
    dry_run = TextBooleanField(default=False, help_text="Check every row, write nothing.")
    update_existing = TextBooleanField(default=False, help_text="Update users whose username exists.")


class ImportAcceptedSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    status_url = serializers.URLField()
    task_id = serializers.CharField()


class TaskStateSerializer(serializers.Serializer):
    task_id = serializers.CharField()
    state = serializers.CharField(help_text="Celery's state: PENDING, STARTED, PROGRESS, SUCCESS, FAILURE, RETRY.")
    progress = serializers.DictField(allow_null=True, help_text="While it runs, where it stands.")
    result = serializers.JSONField(allow_null=True, help_text="Once it succeeded, what it returned.")
