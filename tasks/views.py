"""The import and task endpoints (admins only): upload a CSV, follow its job, ask a task's state."""

from celery.result import AsyncResult
from django.conf import settings
from django.http import Http404
from django.urls import reverse
from django_celery_results.models import TaskResult
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import status, viewsets
from rest_framework.exceptions import ValidationError
from rest_framework.parsers import MultiPartParser
from rest_framework.response import Response
from rest_framework.views import APIView

from api.exceptions import PayloadTooLarge
from api.filters import ID_PATTERN
from api.pagination import KeysetPagination
from api.params import StrictQueryParamsMixin
from api.permissions import IsAdmin
from tasks import services
from tasks.imports import CSVRejected, check_upload
from tasks.models import ImportJob
from tasks.serializers import ImportAcceptedSerializer, ImportJobSerializer, ImportUploadSerializer, TaskStateSerializer

MULTIPART_OVERHEAD = 64 * 1024  # boundaries and the other fields, beside the file itself


class ImportUploadView(APIView):
    """Upload a CSV of users to import in the background."""

    permission_classes = [IsAdmin]
    parser_classes = [MultiPartParser]

    @extend_schema(
        operation_id="users_import",
        tags=["imports"],
        summary="Import users from a CSV file",
        description=(
            "Admins only. Checks the header at once, then imports in the background: follow "
            "`status_url` for progress and row errors. Importing the same file again creates no "
            "duplicates; `update_existing` updates the users it names."
        ),
        request={"multipart/form-data": ImportUploadSerializer},
        responses={202: ImportAcceptedSerializer},
    )
    def post(self, request):
        limit = settings.IMPORT_MAX_BYTES
        if _content_length(request) > limit + MULTIPART_OVERHEAD:
            raise PayloadTooLarge(limit)  # refused before the body is read
        serializer = ImportUploadSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        upload = serializer.validated_data["file"]
        if upload.size > limit:
            raise PayloadTooLarge(limit)
        try:
            check_upload(upload.chunks())
        except CSVRejected as exc:
            raise ValidationError({"file": [str(exc)]}) from None
        upload.seek(0)
        job = services.import_job_create(
            actor=request.user,
            upload=upload,
            dry_run=serializer.validated_data["dry_run"],
            update_existing=serializer.validated_data["update_existing"],
        )
        status_url = request.build_absolute_uri(reverse("importjob-detail", args=[job.pk]))
        return Response(
            {"id": job.pk, "status_url": status_url, "task_id": job.task_id}, status=status.HTTP_202_ACCEPTED
        )


def _content_length(request) -> int:
    try:
        return int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return 0  # not a number: the body is read and measured instead


@extend_schema_view(
    list=extend_schema(summary="List import jobs", description="Admins only; newest first, with their progress."),
    retrieve=extend_schema(
        summary="Read an import job",
        description="Admins only; its state, counts so far and row errors (`row` is the line in the file).",
    ),
)
class ImportJobViewSet(StrictQueryParamsMixin, viewsets.ReadOnlyModelViewSet):
    """Import jobs, newest first, with their progress and row errors."""

    queryset = ImportJob.objects.all()
    serializer_class = ImportJobSerializer
    permission_classes = [IsAdmin]
    pagination_class = KeysetPagination
    ordering_fields = ("id", "created_at")
    default_ordering = "-created_at"
    lookup_value_regex = ID_PATTERN


class TaskStateView(APIView):
    """A background task's state: progress while it runs, its result once done."""

    permission_classes = [IsAdmin]

    @extend_schema(
        summary="Read a background task's state",
        description="Admins only; progress while it runs, its result once it succeeded.",
        request=None,
        responses=TaskStateSerializer,
        parameters=[
            OpenApiParameter("task_id", str, OpenApiParameter.PATH, description="A task id, as an upload returns.")
        ],
    )
    def get(self, request, task_id: str):
        if not (
            ImportJob.objects.filter(task_id=task_id).exists() or TaskResult.objects.filter(task_id=task_id).exists()
        ):
            raise Http404
        result = AsyncResult(task_id)
        info = result.info if isinstance(result.info, dict) else None
        body = {
            "task_id": task_id,
            "state": result.state,
            "progress": info if result.state == "PROGRESS" else None,
            "result": result.result if result.successful() else None,
        }
        return Response(body)
