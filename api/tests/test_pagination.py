"""Keyset pagination: the ordering is parsed once per request, though the view needs it first."""

import pytest

from api.pagination import KeysetPagination

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("url", ["/api/v1/users/?ordering=-username", "/api/v1/orders/?ordering=amount"])
def test_the_ordering_is_parsed_once_per_request(user_client, monkeypatch, url):
    calls = []
    parse = KeysetPagination._parse_ordering

    def counting(self, request, view):
        calls.append(request.path)
        return parse(self, request, view)

    monkeypatch.setattr(KeysetPagination, "_parse_ordering", counting)

    # Two different pages, so that neither comes from the response cache.
    assert user_client.get(url, {"page_size": 1}).status_code == 200
    assert user_client.get(url, {"page_size": 2}).status_code == 200
    assert len(calls) == 2
