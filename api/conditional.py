"""Content-based ETags: If-None-Match on reads answers 304, a stale If-Match on writes 412."""

import hashlib
import json
from typing import Any

from django.http import HttpResponseNotModified
from rest_framework import status
from rest_framework.exceptions import APIException
from rest_framework.utils.encoders import JSONEncoder


def etag_for(data: Any) -> str:
    """A strong ETag for the data a response carries, independent of how it is rendered."""
    canonical = json.dumps(data, cls=JSONEncoder, sort_keys=True, separators=(",", ":"))
    return f'"{hashlib.md5(canonical.encode(), usedforsecurity=False).hexdigest()}"'


def etag_matches(header: str | None, etag: str) -> bool:
    """Whether an If-Match / If-None-Match header names `etag` (or `*`).

    Compression middleware turns an ETag weak (W/"…"); the tag still names the same
    data, so the comparison ignores the weak prefix.
    """
    if not header:
        return False
    tags = {tag.strip().removeprefix("W/") for tag in header.split(",")}
    return "*" in tags or etag in tags


class PreconditionFailed(APIException):
    status_code = status.HTTP_412_PRECONDITION_FAILED
    default_detail = "The resource has changed since you read it: fetch it again and retry with its new ETag."
    default_code = "precondition_failed"

    def __init__(self, etag: str):
        super().__init__()
        self.etag = etag


def require_if_match(request, current_etag: str) -> None:
    """Refuse a write whose If-Match names another version than the current one."""
    header = request.headers.get("If-Match")
    if header is not None and not etag_matches(header, current_etag):
        raise PreconditionFailed(current_etag)


class ConditionalGetMixin:
    """Adds an ETag to successful GET (and HEAD) responses and answers 304 when the
    client has it."""

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        if request.method not in ("GET", "HEAD") or response.status_code != status.HTTP_200_OK:
            return response
        etag = etag_for(response.data)
        if etag_matches(request.headers.get("If-None-Match"), etag):
            not_modified = HttpResponseNotModified()
            not_modified["ETag"] = etag
            return not_modified
        response["ETag"] = etag
        return response
