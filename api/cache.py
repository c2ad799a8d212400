"""The cache as the API uses it: a few round trips a request, and never a reason to fail one.

A Redis error counts as a miss. After one, this process leaves Redis alone for
RETRY_SECONDS and logs one warning, so while Redis is down no request waits on it
more than once per period, and caching resumes by itself when it is back. The
embedded default's file cache raises nothing it does not report as a miss.
"""

import logging
import threading
import time
from collections.abc import Callable, Iterable
from typing import Any

from django.core.cache import cache
from django_redis.exceptions import ConnectionInterrupted
from redis.exceptions import RedisError

RETRY_SECONDS = 5.0
FAILURES = (ConnectionInterrupted, RedisError, OSError)
_FAILED = object()

logger = logging.getLogger(__name__)


class _Breaker:
    """Per process: whether Redis failed lately."""

    def __init__(self) -> None:
        self.down_until = 0.0
        self.lock = threading.Lock()

    def closed(self) -> bool:
        return time.monotonic() >= self.down_until

    def trip(self, exc: Exception) -> None:
        with self.lock:
            if self.closed():
                logger.warning("Cache unavailable (%s); serving from the database for %.0f s.", exc, RETRY_SECONDS)
            self.down_until = time.monotonic() + RETRY_SECONDS


_breaker = _Breaker()


def _client():
    """django-redis's client raises where the cache object (IGNORE_EXCEPTIONS) would
    pretend a miss; other backends are their own client."""
    return getattr(cache, "client", cache)


def _call(method: str, *args, default: Any, force: bool = False, **kwargs) -> Any:
    """Call the cache, or return `default` while it is failing (`force`: try anyway)."""
    if not (force or _breaker.closed()):
        return default
    try:
        return getattr(_client(), method)(*args, **kwargs)
    except FAILURES as exc:
        _breaker.trip(exc)
        return default


# Whoever wants to know how lookups go (the monitoring app counts hits and misses):
# callables taking (hits, misses), told after each lookup.
_lookup_observers: list[Callable[[int, int], None]] = []


def observe_lookups(observer: Callable[[int, int], None]) -> None:
    if observer not in _lookup_observers:
        _lookup_observers.append(observer)


def get_many(keys: Iterable[str], *, counted: bool = True) -> dict[str, Any]:
    """The keys found. `counted=False` leaves observers untold: the caller fetched more
    than it needs and tells `note_lookups` about the keys it used."""
    keys = list(keys)
    found = _call("get_many", keys, default={})
    if counted:
        note_lookups(len(found), len(keys) - len(found))
    return found


def note_lookups(hits: int, misses: int) -> None:
    for observer in _lookup_observers:
        observer(hits, misses)


def set(key: str, value: Any, timeout: float | None, *, force: bool = False) -> bool:
    """Whether the value was stored (backends differ in what `set` returns: only an
    error says it was not). `force` tries even while the cache is failing, for a write
    that must not be skipped."""
    return _call("set", key, value, timeout, default=_FAILED, force=force) is not _FAILED


def add(key: str, value: Any, timeout: float | None) -> bool:
    """Store only if the key is absent; False also when the cache is unavailable."""
    return bool(_call("add", key, value, timeout, default=False))


def delete(key: str) -> None:
    _call("delete", key, default=None)


def available() -> bool:
    """Whether the last call found the cache working (or none failed lately)."""
    return _breaker.closed()
