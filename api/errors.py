"""JSON errors under /api/: DRF's exception handler, extended, and Django's error views."""

from django.conf import settings
from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import JsonResponse
from django.views import csrf, defaults
from rest_framework import exceptions, status
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response
from rest_framework.views import exception_handler

from api.exceptions import Conflict, PayloadTooLarge

API_PREFIX = "/api/"


class ConflictError(exceptions.APIException):
    status_code = status.HTTP_409_CONFLICT
    default_code = "conflict"


def api_exception_handler(exc, context):
    """DRF's handler, plus what services raise: Django ValidationErrors (400) and
    Conflicts (409); a failed precondition (412) carries the current ETag."""
    if isinstance(exc, DjangoValidationError):
        exc = exceptions.ValidationError(
            exc.message_dict if hasattr(exc, "error_dict") else {"detail": " ".join(exc.messages)}
        )
    elif isinstance(exc, Conflict):
        exc = ConflictError(str(exc))
    response = exception_handler(exc, context)
    etag = getattr(exc, "etag", None)
    if response is not None and etag:
        response["ETag"] = etag
    return response


def _is_api(request) -> bool:
    return request.path.startswith(API_PREFIX)


class JSONErrorsMixin:
    """For a DRF view that renders something other than JSON (a YAML schema, an HTML
    page): its errors still answer in JSON, like everything else under /api/."""

    def finalize_response(self, request, response, *args, **kwargs):
        if isinstance(response, Response) and response.status_code >= 400:
            request.accepted_renderer = JSONRenderer()
            request.accepted_media_type = JSONRenderer.media_type
        return super().finalize_response(request, response, *args, **kwargs)


def bad_request(request, exception, template_name="400.html"):
    """Django's 400 for suspicious requests; under /api/ a body over the upload limit is
    a 413 that names the limit, and too many parameters a 400 that names theirs."""
    if not _is_api(request):
        return defaults.bad_request(request, exception)
    if isinstance(exception, RequestDataTooBig):
        return JsonResponse({"detail": PayloadTooLarge(settings.DATA_UPLOAD_MAX_MEMORY_SIZE).detail}, status=413)
    if isinstance(exception, TooManyFieldsSent):
        limit = settings.DATA_UPLOAD_MAX_NUMBER_FIELDS
        return JsonResponse({"detail": f"Too many parameters: at most {limit} are accepted."}, status=400)
    return JsonResponse({"detail": "Bad request."}, status=400)


def csrf_failure(request, reason: str = ""):
    """A session-authenticated write without a valid CSRF token."""
    if _is_api(request):
        return JsonResponse({"detail": f"CSRF Failed: {reason}"}, status=403)
    return csrf.csrf_failure(request, reason)


def permission_denied(request, exception, template_name="403.html"):
    if _is_api(request):
        return JsonResponse({"detail": "You do not have permission to perform this action."}, status=403)
    return defaults.permission_denied(request, exception)


def page_not_found(request, exception, template_name="404.html"):
    if _is_api(request):
        return JsonResponse({"detail": "Not found."}, status=404)
    return defaults.page_not_found(request, exception)


def server_error(request, template_name="500.html"):
    if _is_api(request):
        return JsonResponse({"detail": "Internal server error."}, status=500)
    return defaults.server_error(request)
