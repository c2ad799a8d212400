"""Middleware for every response: gzip for bodies worth compressing."""

import gzip
import secrets

from django.middleware.gzip import GZipMiddleware, re_accepts_gzip
from django.utils.cache import patch_vary_headers

MIN_COMPRESSED_BYTES = 1024


class CompressionMiddleware(GZipMiddleware):
    """Django's gzip (with its BREACH padding), for bodies over 1 KB when the client
    accepts it: below that, the header bytes and the CPU outweigh what is saved.

    A response that carries its body gzipped already (`response.gzipped`, as cached
    answers keep it) is sent that way, padded afresh, instead of compressed again.
    """

    def process_response(self, request, response):
        if response.streaming:
            return super().process_response(request, response)
        if len(response.content) <= MIN_COMPRESSED_BYTES:
            patch_vary_headers(response, ("Accept-Encoding",))
            return response
        gzipped = getattr(response, "gzipped", None)
        if gzipped is None or response.has_header("Content-Encoding"):
            return super().process_response(request, response)
        patch_vary_headers(response, ("Accept-Encoding",))
        padded = pad(gzipped, self.max_random_bytes)
        if not re_accepts_gzip.search(request.META.get("HTTP_ACCEPT_ENCODING", "")) or len(padded) >= len(
            response.content
        ):
            return response
        # What GZipMiddleware does with the body it compresses.
        response.content = padded
        response.headers["Content-Length"] = str(len(padded))
        etag = response.get("ETag")
        if etag and etag.startswith('"'):
            response.headers["ETag"] = "W/" + etag
        response.headers["Content-Encoding"] = "gzip"
        return response


def pad(gzipped: bytes, max_random_bytes: int) -> bytes:
    """Gzipped data with a file name of random length in its header, as Django pads what
    it compresses (against BREACH): the length of the answer differs every time."""
    header = bytearray(gzipped[:10])
    header[3] = gzip.FNAME
    return bytes(header) + b"a" * secrets.randbelow(max_random_bytes) + b"\x00" + gzipped[10:]
