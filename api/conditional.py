"""Conditional requests and HTTP caching headers: ETags on reads (If-None-Match → 304),
If-Match on writes (stale → 412), and private, revalidated caching by clients."""

import hashlib
from typing import Any

from django.http import HttpResponseNotModified
from django.utils.cache import patch_cache_control, patch_vary_headers
from rest_framework import status
from rest_framework.exceptions import APIException

from api.renderers import render_json

# Every answer depends on who asks (token or session) and may be compressed.
VARY = ("Authorization", "Cookie", "Accept-Encoding")


def etag_for(data: Any) -> str:
    """A strong ETag for the data a response carries: a digest of its JSON rendering."""
    return etag_of(render_json(data))


def etag_of(body: bytes) -> str:
    return f'"{hashlib.md5(body, usedforsecurity=False).hexdigest()}"'


def etag_matches(header: str | None, etag: str) -> bool:
    """Whether an If-Match / If-None-Match header names `etag` (or `*`).

    Compression turns an ETag weak (W/"…"); the tag still names the same data, so the
    comparison ignores the weak prefix.
    """
    if not header:
        return False
    tags = {tag.strip().removeprefix("W/") for tag in header.split(",")}
    return "*" in tags or etag.removeprefix("W/") in tags


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
    """On GET and HEAD: an ETag on every 200 (the one a cached answer carries, or one
    made from the data), 304 when the client has it, and headers that let only the
    caller's own client keep the answer, revalidating before each use.

    `max-age=0`: a write must show on the very next read (SPEC), so no client may reuse
    an answer unasked; revalidation costs a 304 served from the cache.
    """

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        if request.method not in ("GET", "HEAD"):
            return response
        if response.status_code == status.HTTP_200_OK:
            return read_answer(request, response, response.get("ETag") or etag_for(response.data))
        if response.status_code == status.HTTP_304_NOT_MODIFIED:
            patch_read_caching(response)
        return response


def read_answer(request, response, etag: str):
    """A read's 200 with its ETag, or a 304 when the client holds that ETag already;
    either way cacheable by the caller's own client only. The views' answers and those
    served straight from the cache (`api.response_cache`) both end here."""
    if etag_matches(request.headers.get("If-None-Match"), etag):
        response = HttpResponseNotModified()
    response["ETag"] = etag
    patch_read_caching(response)
    return response


def patch_read_caching(response) -> None:
    patch_cache_control(response, private=True, max_age=0, must_revalidate=True)
    patch_vary_headers(response, VARY)
