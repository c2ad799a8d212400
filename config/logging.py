"""Logging helpers: one event per line, each with the id of the request (or task) it belongs to."""

import json
import logging
from datetime import UTC, datetime

from monitoring.context import current_request_id

# What every LogRecord has; anything else on a record came in through `extra=`.
_STANDARD = frozenset(vars(logging.LogRecord("", 0, "", 0, "", (), None))) | {"message", "asctime", "request_id"}


class OneLineFilter(logging.Filter):
    """Folds a multi-line message onto one line (Celery's "cannot connect … Trying
    again" is two), so each event is one line for people and log shippers alike.
    Tracebacks keep their lines: they are attached apart from the message."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        if "\n" in message:
            record.msg, record.args = " ".join(part.strip() for part in message.splitlines() if part.strip()), ()
        return True


class RequestIdFilter(logging.Filter):
    """Adds `request_id`: the current request's or task's, "-" outside of one."""

    def filter(self, record: logging.LogRecord) -> bool:
        if not hasattr(record, "request_id"):
            record.request_id = current_request_id() or "-"
        return True


class JsonFormatter(logging.Formatter):
    """One JSON object per line (LOG_FORMAT=json): time, level, logger, message,
    request_id, what the call passed in `extra`, and the traceback if any."""

    def format(self, record: logging.LogRecord) -> str:
        event = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            "request_id": getattr(record, "request_id", "-"),
        }
        event.update((key, value) for key, value in vars(record).items() if key not in _STANDARD)
        if record.exc_info:
            event["exception"] = self.formatException(record.exc_info)
        return json.dumps(event, default=str)
