"""Read responses kept rendered in the cache, valid while the data they show is unchanged.

Django's `cache_page` keys an answer by URL and by the headers in `Vary`: here that
would be the `Authorization` header, one copy per token, and it cannot tell when the
data changed. These entries are keyed instead by what decides the answer (scheme, host,
path, the query with its parameters in a normal order, and what the caller may see)
and carry the data version they were built at: a write bumps the version, so the very
next read builds again. An entry keeps its ETag, so a revalidation is a 304 with no
SQL and no serialization.
"""

import hashlib
from collections.abc import Callable

import orjson
from django.http import HttpResponse
from rest_framework.response import Response

from api import cache
from api.conditional import etag_of
from api.renderers import JSONRenderer, render_json

RESPONSE_TIMEOUT = 300  # seconds; the version decides validity, this only bounds memory


class CachedResponseMixin:
    """A view whose read actions return `self.cached(build)`.

    The view says which data version an answer depends on (`cache_version`) and who
    may see what (`cache_visibility`: callers with the same value get the same
    answer); `cache_key_extra` adds anything else an answer depends on. Only JSON
    answers are cached; the browsable API is built each time.
    """

    def cache_version(self) -> str:
        raise NotImplementedError

    def cache_visibility(self) -> str:
        raise NotImplementedError

    def cache_key_extra(self) -> str:
        return ""

    def cached(self, build: Callable[[], Response]) -> HttpResponse | Response:
        request = self.request
        if not isinstance(getattr(request, "accepted_renderer", None), JSONRenderer):
            return build()
        key = self._response_key()
        version = self.cache_version()
        entry = cache.get_many([key]).get(key)
        if entry is not None and entry["version"] == version:
            return _json_response(entry["body"], entry["etag"])
        body = render_json(build().data)
        etag = etag_of(body)
        cache.set(key, {"version": version, "body": body, "etag": etag}, RESPONSE_TIMEOUT)
        return _json_response(body, etag)

    def _response_key(self) -> str:
        request = self.request
        query = sorted(request.query_params.lists())
        identity = [request.scheme, request.get_host(), request.path, query, self.cache_key_extra()]
        digest = hashlib.sha256(orjson.dumps(identity)).hexdigest()[:32]
        return f"response:{self.cache_visibility()}:{digest}"


def _json_response(body: bytes, etag: str) -> HttpResponse:
    return HttpResponse(body, content_type="application/json", headers={"ETag": etag})
