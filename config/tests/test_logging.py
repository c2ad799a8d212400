"""Log lines: one event per line."""

import logging

from config.logging import OneLineFilter


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
