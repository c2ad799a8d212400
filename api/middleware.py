"""Middleware for every response: gzip for bodies worth compressing."""

from django.middleware.gzip import GZipMiddleware
from django.utils.cache import patch_vary_headers

MIN_COMPRESSED_BYTES = 1024


class CompressionMiddleware(GZipMiddleware):
    """Django's gzip (with its BREACH padding), for bodies over 1 KB when the client
    accepts it: below that, the header bytes and the CPU outweigh what is saved."""

    def process_response(self, request, response):
        if not response.streaming and len(response.content) <= MIN_COMPRESSED_BYTES:
            patch_vary_headers(response, ("Accept-Encoding",))
            return response
        return super().process_response(request, response)
