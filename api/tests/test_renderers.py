"""The orjson renderer writes what DRF's JSON renderer writes."""

from decimal import Decimal

import pytest
from django.utils.translation import gettext_lazy
from rest_framework.renderers import JSONRenderer as DRFJSONRenderer
from rest_framework.utils.serializer_helpers import ReturnDict

from api.renderers import JSONRenderer

SAMPLES = [
    {"id": 1, "name": "Zoë ☃", "ok": True, "none": None, "list": [1.5, "a", {"n": []}]},
    ReturnDict({"amount": Decimal("19.99"), "detail": gettext_lazy("Not found.")}, serializer=None),
    ["line\u2028separator\u2029paragraph"],
    [],
]


@pytest.mark.parametrize("data", SAMPLES)
def test_output_is_byte_for_byte_drfs(data):
    assert JSONRenderer().render(data) == DRFJSONRenderer().render(data)


def test_an_indented_rendering_still_works_for_the_browsable_api():
    rendered = JSONRenderer().render({"a": [1]}, "application/json; indent=4", {})

    assert rendered == DRFJSONRenderer().render({"a": [1]}, "application/json; indent=4", {})
    assert b"\n    " in rendered


def test_what_json_cannot_hold_is_an_error():
    with pytest.raises(TypeError):
        JSONRenderer().render({"a": {1, 2}})
