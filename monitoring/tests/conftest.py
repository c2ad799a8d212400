"""Fixtures of the monitoring tests."""

import io
import logging

import pytest

from config.logging import RequestIdFilter


@pytest.fixture
def log_lines(settings):
    """The lines the console handler of LOGGING would write, as a list."""
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(logging.Formatter(settings.LOGGING["formatters"]["plain"]["format"]))
    handler.addFilter(RequestIdFilter())
    logging.getLogger().addHandler(handler)
    yield lambda: stream.getvalue().splitlines()
    logging.getLogger().removeHandler(handler)
