"""Read responses kept rendered in the cache, valid while the data they show is unchanged,
and served straight from it, before sessions, authentication and the view run.

Django's `cache_page` keys an answer by URL and by the headers in `Vary`: here that
would be the `Authorization` header, one copy per token, and it cannot tell when the
data changed. These entries are keyed instead by what decides the answer (scheme, host,
path, the query with its parameters in a normal order, and what the caller may see)
and carry the data versions they were built at: a write replaces a version, so the very
next read builds again. An entry keeps its ETag, the headers the view gave it and its
gzipped body, so a hit (or a revalidation, a 304) costs no SQL, no serialization and no
compression.

Two places read the entries:
- `CachedAnswerMiddleware`, early in MIDDLEWARE: for a caller the registered identity
  recognises from the cache alone (a token seen since the last write), it serves a
  current entry without the rest of the stack.
- `CachedResponseMixin.cached()`, in the view, for everything else, and to build and
  store the entry on a miss.
"""

import gzip
import hashlib
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Protocol

import orjson
from django.http import HttpRequest, HttpResponse
from django.urls import Resolver404, resolve
from django.utils.cache import patch_vary_headers
from rest_framework.compat import split_header_value
from rest_framework.response import Response

from api import cache
from api.conditional import etag_of, read_answer
from api.middleware import MIN_COMPRESSED_BYTES
from api.renderers import JSONRenderer, render_json

RESPONSE_TIMEOUT = 300  # seconds; the versions decide validity, this only bounds memory
JSON_ACCEPTS = frozenset({"", "*/*", "application/json"})


@dataclass(frozen=True)
class Caller:
    """Who asks, as far as cached answers care: callers of the same visibility may see
    the same answers; `versions` are the data versions in force now, by name."""

    visibility: str
    versions: Mapping[str, str]


class CallerIdentity(Protocol):
    """How the app that knows the callers tells who asks from the cache alone: the keys to
    fetch for a request (none when it cannot tell), then the Caller from what was found
    (None when that is not enough); `visibilities` lists every visibility there is, so
    that the answer for each can come in the same round trip."""

    visibilities: tuple[str, ...]

    def keys(self, request: HttpRequest) -> list[str]: ...

    def caller(self, request: HttpRequest, found: dict) -> Caller | None: ...


_identity: CallerIdentity | None = None  # registered by users when it loads


def identify_callers_with(identity: CallerIdentity) -> None:
    global _identity
    _identity = identity


def _digest(request: HttpRequest) -> str:
    """What decides an answer besides who asks; worked out once per request (the
    middleware's lookup and the view's both need it)."""
    digest = getattr(request, "_answer_digest", None)
    if digest is None:
        query = sorted(request.GET.lists())
        identity = [request.scheme, request.get_host(), request.path, query]
        digest = request._answer_digest = hashlib.sha256(orjson.dumps(identity)).hexdigest()[:32]
    return digest


def answer_key(request: HttpRequest, visibility: str) -> str:
    return f"response:{visibility}:{_digest(request)}"


def _current(entry, versions: Mapping[str, str]) -> bool:
    """Whether `entry` was built at the `versions` in force (an entry of another shape,
    left by an earlier release of the code, never is)."""
    built_at = entry.get("versions") if isinstance(entry, dict) else None
    return isinstance(built_at, dict) and all(versions.get(name) == value for name, value in built_at.items())


def _body_response(entry: dict) -> HttpResponse:
    response = HttpResponse(entry["body"], content_type="application/json", headers={"ETag": entry["etag"]})
    response.gzipped = entry["gzipped"]  # api.middleware.CompressionMiddleware sends it as it is
    return response


class CachedResponseMixin:
    """A view whose read actions return `self.cached(build)`.

    The view says which data versions an answer depends on (`cache_versions`, by name,
    a subset of what the identity reports) and who may see what
    (`cache_visibility`: callers with the same value get the same answer, so an answer
    may be cached only if the view lets every caller of one visibility read it). Only
    JSON answers are cached; the browsable API is built each time.
    """

    def cache_versions(self) -> dict[str, str]:
        raise NotImplementedError

    def cache_visibility(self) -> str:
        raise NotImplementedError

    def cached(self, build: Callable[[], Response]) -> HttpResponse | Response:
        request = self.request
        if not isinstance(getattr(request, "accepted_renderer", None), JSONRenderer):
            return build()
        http_request = request._request
        key = answer_key(http_request, self.cache_visibility())
        versions = self.cache_versions()
        looked_up = getattr(http_request, "_answer_lookup", None)
        entry = looked_up[1] if looked_up and looked_up[0] == key else cache.get_many([key]).get(key)
        if _current(entry, versions):
            return _body_response(entry)
        body = render_json(build().data)
        entry = {
            "versions": versions,
            "body": body,
            "etag": etag_of(body),
            "gzipped": gzip.compress(body, compresslevel=6, mtime=0) if len(body) > MIN_COMPRESSED_BYTES else None,
            "headers": dict(self.headers),  # what DRF adds to every answer of this view (Allow, Vary)
        }
        cache.set(key, entry, RESPONSE_TIMEOUT)
        return _body_response(entry)


class CachedAnswerMiddleware:
    """Answers a GET or HEAD from the cache when the caller is known from the cache alone
    and asks for JSON, as the view would have answered it (its headers, ETag and 304
    included). It sits inside the middleware that every response needs (monitoring,
    compression, security headers, Content-Length) and before sessions and
    authentication, which a hit does without; it resolves the path only to know the view
    (and so that monitoring names the route). On a miss the request goes on, and the view
    reuses the lookups made here (the caller's token, the entry) rather than repeat them.
    """

    def __init__(self, get_response) -> None:
        self.get_response = get_response

    def __call__(self, request):
        return self.from_cache(request) or self.get_response(request)

    def from_cache(self, request) -> HttpResponse | None:
        if (
            _identity is None
            or request.method not in ("GET", "HEAD")
            or request.headers.get("Accept", "").strip() not in JSON_ACCEPTS
            or "format" in request.GET
        ):
            return None
        try:
            match = resolve(request.path_info)
        except Resolver404:
            return None
        view_class = getattr(match.func, "cls", None)
        if not (isinstance(view_class, type) and issubclass(view_class, CachedResponseMixin)):
            return None
        identity_keys = _identity.keys(request)
        if not identity_keys:
            return None
        # The caller's identity and the answer for every visibility, in one round trip.
        answer_keys = {visibility: answer_key(request, visibility) for visibility in _identity.visibilities}
        found = cache.get_many([*identity_keys, *answer_keys.values()], counted=False)
        caller = _identity.caller(request, found)
        key = answer_keys.get(caller.visibility) if caller else None
        used = [*identity_keys, key] if key else identity_keys
        cache.note_lookups(sum(name in found for name in used), sum(name not in found for name in used))
        if key is None:
            return None
        entry = found.get(key)
        request._answer_lookup = (key, entry)
        if not _current(entry, caller.versions):
            return None
        request.resolver_match = match  # what monitoring names the route by
        response = _body_response(entry)
        for name, value in entry["headers"].items():  # as DRF's finalize_response adds them
            if name == "Vary":
                patch_vary_headers(response, list(split_header_value(value)))
            else:
                response[name] = value
        return read_answer(request, response, entry["etag"])
