"""Throttles: the token endpoint is limited per client IP."""

from rest_framework.throttling import SimpleRateThrottle


class TokenObtainThrottle(SimpleRateThrottle):
    """Counts every request to the token endpoint by client IP (rate: the `token` scope)."""

    scope = "token"

    def get_cache_key(self, request, view) -> str:
        return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}
