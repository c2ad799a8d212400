"""JSON request bodies, parsed at a bounded cost: a size limit (413) and a depth limit (400)."""

import codecs

import orjson
from django.conf import settings
from rest_framework import parsers
from rest_framework.exceptions import ParseError

from api.exceptions import PayloadTooLarge

MAX_DEPTH = 64
_CONTAINERS = (dict, list)


class JSONParser(parsers.JSONParser):
    """DRF's JSON parser on orjson, which reads several times faster than the standard
    library and raises a parse error instead of RecursionError on deep nesting.

    The body may hold at most DATA_UPLOAD_MAX_MEMORY_SIZE bytes (more: 413, read no
    further) and nest at most MAX_DEPTH levels (deeper: 400). NaN and Infinity are
    refused, as strict JSON requires.
    """

    def parse(self, stream, media_type=None, parser_context=None):
        limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        raw = stream.read() if limit is None else stream.read(limit + 1)
        if limit is not None and len(raw) > limit:
            raise PayloadTooLarge(limit)
        encoding = parsers.get_encoding(parser_context or {})
        try:
            if codecs.lookup(encoding).name != "utf-8":
                raw = raw.decode(encoding).encode()
            data = orjson.loads(raw)
        except (orjson.JSONDecodeError, UnicodeError) as exc:
            raise ParseError(f"JSON parse error - {exc}") from None
        if _deeper_than(data, MAX_DEPTH):
            raise ParseError(f"JSON parse error - nested deeper than {MAX_DEPTH} levels.")
        return data


def _deeper_than(data, limit: int) -> bool:
    """Whether objects and arrays nest more than `limit` levels, level by level and
    without recursion."""
    level = [data] if isinstance(data, _CONTAINERS) else []
    depth = 0
    while level:
        depth += 1
        if depth > limit:
            return True
        level = [
            child
            for node in level
            for child in (node.values() if isinstance(node, dict) else node)
            if isinstance(child, _CONTAINERS)
        ]
    return False
