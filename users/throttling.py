"""Throttles: the token endpoint per client IP; the login forms per client IP and per username."""

from functools import wraps

from django.http import HttpResponse
from rest_framework.throttling import SimpleRateThrottle


class TokenObtainThrottle(SimpleRateThrottle):
    """Counts every request to the token endpoint by client IP (rate: the `token` scope)."""

    scope = "token"

    def get_cache_key(self, request, view) -> str:
        return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}


class LoginFormThrottle(SimpleRateThrottle):
    """Counts login form submissions by client IP (rate: the `login` scope)."""

    scope = "login"

    def get_cache_key(self, request, view) -> str:
        return self.cache_format % {"scope": self.scope, "ident": f"ip:{self.get_ident(request)}"}


class LoginUsernameThrottle(LoginFormThrottle):
    """Counts login form submissions by the username tried, whatever the client."""

    def get_cache_key(self, request, view) -> str | None:
        username = request.POST.get("username", "").strip().lower()
        if not username:
            return None
        return self.cache_format % {"scope": self.scope, "ident": f"username:{username[:150]}"}


def throttle_login_form(view):
    """Answer 429 with Retry-After to a login POST over the limit of its client IP or
    of the username it tries; every submission counts, successful or not."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if request.method == "POST":
            waits = [
                throttle.wait()
                for throttle in (LoginFormThrottle(), LoginUsernameThrottle())
                if not throttle.allow_request(request, None)
            ]
            if waits:
                seconds = max(1, round(max(wait or 1 for wait in waits)))
                return HttpResponse(
                    f"Too many login attempts. Try again in {seconds} seconds.\n",
                    status=429,
                    content_type="text/plain; charset=utf-8",
                    headers={"Retry-After": str(seconds)},
                )
        return view(request, *args, **kwargs)

    return wrapper
