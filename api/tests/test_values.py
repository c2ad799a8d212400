"""The one true/false parser behind settings, filters and pagination."""

import pytest

from api.values import parse_bool


@pytest.mark.parametrize(
    ("text", "expected"), [("true", True), ("YES", True), (" 1 ", True), ("False", False), ("no", False), ("0", False)]
)
def test_parse_bool_reads_the_accepted_words(text, expected):
    assert parse_bool(text) is expected


@pytest.mark.parametrize("text", ["", "on", "off", "y", "2", "truthy"])
def test_parse_bool_refuses_anything_else(text):
    with pytest.raises(ValueError, match="true or false"):
        parse_bool(text)
