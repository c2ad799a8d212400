"""Conditional requests: ETags on GET and HEAD, 304 for a known version."""

import pytest

pytestmark = pytest.mark.django_db


@pytest.fixture
def urls(plain_user) -> list[str]:
    return ["/api/v1/users/", f"/api/v1/users/{plain_user.pk}/", "/api/v1/users/stats/", "/api/v1/orders/"]


def test_head_answers_like_get_without_a_body(user_client, urls):
    for url in urls:
        get, head = user_client.get(url), user_client.head(url)

        assert head.status_code == 200, url
        assert head.content == b""
        assert head["ETag"] == get["ETag"]
        assert head["Content-Type"] == get["Content-Type"]


def test_if_none_match_with_the_current_etag_is_a_304_for_get_and_head(user_client, urls):
    for url in urls:
        etag = user_client.get(url)["ETag"]

        for method in (user_client.get, user_client.head):
            response = method(url, HTTP_IF_NONE_MATCH=etag)
            assert response.status_code == 304, url
            assert response.content == b""
            assert response["ETag"] == etag


def test_a_stale_etag_gets_the_full_response(user_client, urls):
    response = user_client.get(urls[0], HTTP_IF_NONE_MATCH='"stale"')

    assert response.status_code == 200
    assert response.json()["results"]
