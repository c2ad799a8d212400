"""Log lines: one event per line, with its request id, as text or JSON (LOG_FORMAT)."""

import json
import logging
import os
import subprocess
import sys

from config.logging import OneLineFilter, RequestIdFilter
from config.tests.processes import BASE_DIR
from monitoring import context


def test_a_message_on_several_lines_is_folded_onto_one():
    record = logging.LogRecord(
        "x", logging.ERROR, __file__, 1, "Cannot connect to %s.\nTrying again in %s s", ("redis", 2), None
    )

    assert OneLineFilter().filter(record) is True
    assert record.getMessage() == "Cannot connect to redis. Trying again in 2 s"


def test_a_one_line_message_is_left_as_it_is():
    record = logging.LogRecord("x", logging.INFO, __file__, 1, "Ready on %s", ("8000",), None)

    OneLineFilter().filter(record)

    assert (record.msg, record.args) == ("Ready on %s", ("8000",))


def _log_from_a_process(log_format: str) -> subprocess.CompletedProcess:
    """A warning with an extra field, logged by a process configured with LOG_FORMAT."""
    script = (
        "import logging; from monitoring import context; context.begin('req-77'); "
        "logging.getLogger('userbase.slow').warning('slow query %s ms', 150, extra={'sql': 'SELECT 1'})"
    )
    return subprocess.run(  # noqa: S603 (our own interpreter and project)
        [sys.executable, "manage.py", "shell", "-c", script],
        cwd=BASE_DIR,
        env={**os.environ, "LOG_FORMAT": log_format},
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )


def test_log_format_json_writes_one_object_per_line():
    [line] = [line for line in _log_from_a_process("json").stderr.splitlines() if "slow query" in line]

    event = json.loads(line)
    assert event["message"] == "slow query 150 ms"
    assert (event["level"], event["logger"], event["request_id"], event["sql"]) == (
        "WARNING",
        "userbase.slow",
        "req-77",
        "SELECT 1",
    )
    assert event["time"].endswith("+00:00")


def test_plain_lines_carry_the_request_id():
    [line] = [line for line in _log_from_a_process("plain").stderr.splitlines() if "slow query" in line]

    assert "WARNING userbase.slow [req-77] slow query 150 ms" in line


def test_outside_a_request_the_id_is_a_dash():
    record = logging.LogRecord("x", logging.INFO, __file__, 1, "idle", (), None)
    context.end()

    RequestIdFilter().filter(record)

    assert record.request_id == "-"
