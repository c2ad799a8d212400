"""Logging helpers: one event per line, whatever the message holds."""

import logging


class OneLineFilter(logging.Filter):
    """Folds a multi-line message onto one line (Celery's "cannot connect … Trying
    again" is two), so each event is one line for people and log shippers alike.
    Tracebacks keep their lines: they are attached apart from the message."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        if "\n" in message:
            record.msg, record.args = " ".join(part.strip() for part in message.splitlines() if part.strip()), ()
        return True
