"""What the monitoring knows about the request (or task) being served: its id, its queries."""

import re
import uuid
from contextvars import ContextVar
from dataclasses import dataclass, field

# Ids a proxy or client may choose (nginx's $request_id, UUIDs, trace ids); anything
# else is replaced, so a log line never carries what a client injected.
SANE_REQUEST_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._:-]{0,127}")
STATEMENTS_KEPT = 100  # per request: enough for a slow-request log line to name the costly ones


@dataclass(slots=True)
class Activity:
    """One request or task: its id, and its database queries (count, time, statements)."""

    request_id: str
    queries: int = 0
    db_seconds: float = 0.0
    statements: list[tuple[float, str]] = field(default_factory=list)

    def add_query(self, sql: str, seconds: float) -> None:
        self.queries += 1
        self.db_seconds += seconds
        if len(self.statements) < STATEMENTS_KEPT:
            self.statements.append((seconds, sql))

    def slowest_statements(self, count: int) -> list[tuple[float, str]]:
        return sorted(self.statements, key=lambda statement: statement[0], reverse=True)[:count]


_current: ContextVar[Activity | None] = ContextVar("userbase_activity", default=None)


def request_id_from(header: str | None) -> str:
    """The client's id when it is a sane one, a new one otherwise."""
    if header and SANE_REQUEST_ID.fullmatch(header):
        return header
    return uuid.uuid4().hex


def current() -> Activity | None:
    return _current.get()


def current_request_id() -> str | None:
    activity = _current.get()
    return activity.request_id if activity else None


def begin(request_id: str) -> Activity:
    """Makes a new `Activity(request_id)` current, and returns it."""
    activity = Activity(request_id)
    _current.set(activity)
    return activity


def end() -> None:
    _current.set(None)
