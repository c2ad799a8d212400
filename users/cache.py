"""What the users app keeps in the cache, and when it stops being true.

One data version covers users, profiles and orders (orders change only with their
user; nothing else writes them). Every committed write announces itself once
(`users_changed`), and the announcement replaces the version with a new random one:
O(1), no key scans, and no old entry can ever match again, even after Redis loses the
version key. Entries built under an older version are simply ignored and expire.

A login only moves `last_login_at`: it replaces a second, logins version, which only
the answers showing or ordered by login times depend on, so a login does not throw
away every cached list, token and the stats.

Kept here: API answers (`api.response_cache`), token → user for authentication, and
the stats aggregate, with one recomputation at a time when it goes stale.
"""

import logging
import secrets
import threading
import time
from datetime import UTC

from django.utils import timezone

from api import cache
from api.response_cache import Caller
from users import selectors
from users.models import Role, User

VERSION_KEY = "users:version"
LOGINS_KEY = "users:logins"
DAY = "utc-day"  # not a cache key: the day an answer counted from, as versions name it
TOKEN_KEY_LENGTH = 40  # DRF's; anything else cannot be a token and is not looked up in the cache
VERSION_TIMEOUT = None  # kept until replaced
TOKEN_TIMEOUT = 300
STATS_TIMEOUT = 24 * 3600
STATS_FRESH_SECONDS = 60  # past this, one process recomputes while the others serve the entry
STATS_LOCK_SECONDS = 30
STATS_WAIT_SECONDS = 2.0
STATS_POLL_SECONDS = 0.02
BUMP_RETRY_SECONDS = 5
BUMP_RETRIES = 60

logger = logging.getLogger(__name__)
_refreshing = threading.Lock()
_owed: set[str] = set()  # versions a write could not replace yet
_owed_lock = threading.Lock()


def bump_version(key: str = VERSION_KEY) -> str | None:
    """Make every entry built on `key` so far stale (on users_changed); returns the new
    version, or None if the cache did not answer. Then other processes may serve old
    answers until it does: this process tries again on its next read and every few
    seconds meanwhile, and says so in the log."""
    version = secrets.token_hex(8)
    if cache.set(key, version, VERSION_TIMEOUT, force=True):
        with _owed_lock:
            _owed.discard(key)
        return version
    with _owed_lock:
        start_retrying = not _owed
        _owed.add(key)
    if start_retrying:
        logger.error("Cached %s may be stale on other processes until the cache answers again.", key)
        _retry_bumps(BUMP_RETRIES)
    return None


def _retry_bumps(left: int) -> None:
    """While versions are owed, try them again every BUMP_RETRY_SECONDS (`left` times);
    after that, the next read in this process tries."""

    def retry() -> None:
        for key in list(_owed):
            bump_version(key)
        if _owed:
            if left > 1:
                _retry_bumps(left - 1)
            else:
                with _owed_lock:
                    _owed.clear()  # given up: a later failure starts retrying afresh
                logger.error("Gave up marking cached data stale; entries expire within their timeouts.")

    timer = threading.Timer(BUMP_RETRY_SECONDS, retry)
    timer.daemon = True
    timer.start()


def _versions(request, found: dict) -> tuple[str, str]:
    """The data and logins versions, from `found` (fetched with other keys) or the
    cache, read once per request (memoized on it)."""
    holder = getattr(request, "_request", request)
    versions = getattr(holder, "_users_versions", None)
    if versions is None:
        versions = (_version_of(VERSION_KEY, found), _version_of(LOGINS_KEY, found))
        if holder is not None:
            holder._users_versions = versions
    return versions


def data_version(request=None) -> str:
    """What every cached read of users, profiles and orders depends on."""
    return _versions(request, _fetch_versions(request))[0]


def logins_version(request=None) -> str:
    """What cached reads showing (or ordered by) login times also depend on."""
    return _versions(request, _fetch_versions(request))[1]


def _fetch_versions(request) -> dict:
    holder = getattr(request, "_request", request)
    if getattr(holder, "_users_versions", None) is not None:
        return {}
    return cache.get_many([VERSION_KEY, LOGINS_KEY])


def _version_of(key: str, found: dict) -> str:
    """The version of `key` in `found`, starting one if the cache has none. While the
    cache is unavailable each call makes up a version of its own, so nothing cached
    can match."""
    if key in _owed and (version := bump_version(key)):
        return version
    version = found.get(key)
    if version is None:
        # Ours, or a rival's that got there first (`add` is atomic): read back what is stored.
        cache.add(key, secrets.token_hex(8), VERSION_TIMEOUT)
        version = cache.get_many([key]).get(key) or secrets.token_hex(8)
    return version


def visibility(user: User) -> str:
    """Callers who may see the same data share cached answers: today one class per role."""
    return Role.ADMIN if user.is_admin else user.role


def utc_day() -> str:
    return timezone.now().astimezone(UTC).date().isoformat()


def versions(request, *, logins: bool = False, day: bool = False) -> dict[str, str]:
    """The versions a cached answer depends on, by name: the users data always; the
    logins when it shows login times; the UTC day when it counts from midnight."""
    found = {VERSION_KEY: data_version(request)}
    if logins:
        found[LOGINS_KEY] = logins_version(request)
    if day:
        found[DAY] = utc_day()
    return found


class TokenCallers:
    """How `api.response_cache` knows a caller before authentication runs: by the token
    in `Authorization: Token <key>`, if it was used since the last write (then its entry
    is in the cache, with its user). Any other caller (no token, an unknown one, or one
    whose user may have changed) is left to the whole stack."""

    visibilities = tuple(Role.values)

    def keys(self, request) -> list[str]:
        key = _token_in(request)
        return [] if key is None else [VERSION_KEY, LOGINS_KEY, _token_key(key)]

    def caller(self, request, found: dict) -> Caller | None:
        token = _token_from(request, _token_in(request), found)
        if token is None:
            return None
        return Caller(visibility(token.user), versions(request, logins=True, day=True))


def _token_in(request) -> str | None:
    scheme, _, key = request.headers.get("Authorization", "").partition(" ")
    return key if scheme == "Token" and len(key) == TOKEN_KEY_LENGTH else None


# --- token authentication ------------------------------------------------------------------


def _token_key(key: str) -> str:
    return f"users:token:{key}"


def token_of(request, key: str):
    """The token (with its user) as it stood under the current data version, if
    remembered; the versions come in the same round trip. Both are kept for the request,
    so asking again (authentication after the cached-answer middleware) costs nothing."""
    holder = getattr(request, "_request", request)
    memo = getattr(holder, "_users_token", None)
    if memo is not None and memo[0] == key:
        return memo[1]
    return _token_from(request, key, cache.get_many([VERSION_KEY, LOGINS_KEY, _token_key(key)]))


def _token_from(request, key: str, found: dict):
    version = _versions(request, found)[0]
    entry = found.get(_token_key(key))
    token = entry["token"] if entry is not None and entry["version"] == version else None
    holder = getattr(request, "_request", request)
    if holder is not None:
        holder._users_token = (key, token)
    return token


def remember_token(request, token) -> None:
    """Keep a token and its active user until the next write to users."""
    cache.set(_token_key(token.key), {"version": data_version(request), "token": token}, TOKEN_TIMEOUT)


def forget_token(key: str) -> None:
    cache.delete(_token_key(key))


# --- stats ---------------------------------------------------------------------------------


def _stats_key(day) -> str:
    return f"users:stats:{day.isoformat()}"


def _refresh_stats(key: str, version: str) -> dict | None:
    """Recompute and store the stats if no one else is at it; None if someone is: one
    thread of this process at a time, and one process at a time through a lock taken
    with the cache's atomic `add`."""
    if not _refreshing.acquire(blocking=False):
        return None
    try:
        if not cache.add(f"{key}:lock", 1, STATS_LOCK_SECONDS):
            return None
        try:
            stats = selectors.user_stats()
            entry = {"version": version, "stats": stats, "fresh_until": time.time() + STATS_FRESH_SECONDS}
            cache.set(key, entry, STATS_TIMEOUT)
            return stats
        finally:
            cache.delete(f"{key}:lock")
    finally:
        _refreshing.release()


def user_stats(request=None) -> dict:
    """The stats aggregate, from the cache while the data and the UTC day are unchanged.

    When the data changed, one caller recomputes and the others wait for it (briefly),
    so a write shows at once. When the entry is merely old, one caller recomputes and
    the others serve the entry meanwhile.
    """
    version = data_version(request)
    key = _stats_key(timezone.now().astimezone(UTC).date())
    deadline = time.monotonic() + STATS_WAIT_SECONDS
    while True:
        entry = cache.get_many([key]).get(key)
        current = entry is not None and entry["version"] == version
        if current and time.time() < entry["fresh_until"]:
            return entry["stats"]
        stats = _refresh_stats(key, version)
        if stats is not None:
            return stats
        if current:
            return entry["stats"]  # someone is refreshing an old entry: serve it meanwhile
        if time.monotonic() >= deadline or not cache.available():
            return selectors.user_stats()
        time.sleep(STATS_POLL_SECONDS)
