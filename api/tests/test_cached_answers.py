"""Cached answers served before the view: the same answer the view gives (status,
headers, body, 304s, gzip), without reaching it, and only to callers it may serve."""

import gzip
from unittest import mock

import pytest

from api import cache
from api.response_cache import answer_key
from users.tests.factories import OrderFactory, UserFactory
from users.views import UserViewSet

pytestmark = pytest.mark.django_db

PER_REQUEST = {"X-Request-ID", "X-Process-Time", "Server-Timing", "Content-Length"}  # compared apart
READS = [
    "/api/v1/users/?page_size=5&ordering=username",
    "/api/v1/users/?search=user0",
    "/api/v1/users/stats/",
    "/api/v1/users/{id}/",
    "/api/v1/users/{id}/orders/",
    "/api/v1/orders/?status=paid",
]


@pytest.fixture
def data(plain_user):
    OrderFactory.create_batch(3, user=plain_user, status="paid")
    UserFactory.create_batch(30)


def _headers(response) -> dict[str, str]:
    """The headers that say what the answer is. A gzipped body's length changes with its
    padding at every answer: then only its presence counts."""
    headers = {name: value for name, value in response.headers.items() if name not in PER_REQUEST}
    if "Content-Length" in response:
        gzipped = response.get("Content-Encoding") == "gzip"
        headers["Content-Length"] = "(gzipped)" if gzipped else response["Content-Length"]
    return headers


def _body(response) -> bytes:
    content = response.content
    return gzip.decompress(content) if response.get("Content-Encoding") == "gzip" else content


@pytest.mark.parametrize("url", READS)
@pytest.mark.parametrize("encoding", ["", "gzip"])
def test_a_hit_is_the_answer_the_view_gave(user_client, plain_user, data, url, encoding):
    url = url.format(id=plain_user.pk)
    built = user_client.get(url, HTTP_ACCEPT_ENCODING=encoding)

    with mock.patch.object(UserViewSet, "initial", side_effect=AssertionError("the view ran")):
        served = user_client.get(url, HTTP_ACCEPT_ENCODING=encoding)

    assert built.status_code == served.status_code == 200
    assert _headers(served) == _headers(built)
    assert _body(served) == _body(built)


def test_a_large_hit_is_gzipped_from_what_was_kept(user_client, data):
    url = "/api/v1/users/?page_size=30"
    plain = user_client.get(url).content  # built and kept
    assert len(plain) > 1024

    sizes = set()
    with (
        mock.patch.object(UserViewSet, "initial", side_effect=AssertionError("the view ran")),
        mock.patch("django.middleware.gzip.compress_string", side_effect=AssertionError("compressed again")),
    ):
        for _ in range(10):
            response = user_client.get(url, HTTP_ACCEPT_ENCODING="gzip, deflate")
            assert response["Content-Encoding"] == "gzip" and response["ETag"].startswith('W/"')
            assert gzip.decompress(response.content) == plain
            assert int(response["Content-Length"]) == len(response.content)
            sizes.add(len(response.content))

    assert len(sizes) > 1  # padded afresh each time, as Django's gzip does against BREACH


def test_a_304_from_the_cache_is_the_views_304(user_client, data, rf):
    url = "/api/v1/users/?page_size=5"
    etag = user_client.get(url)["ETag"]
    cache.delete(answer_key(rf.get(url), "user"))
    built = user_client.get(url, HTTP_IF_NONE_MATCH=etag)  # the view builds it again, then answers 304

    with mock.patch.object(UserViewSet, "initial", side_effect=AssertionError("the view ran")):
        served = user_client.get(url, HTTP_IF_NONE_MATCH=etag)

    assert built.status_code == served.status_code == 304
    assert _headers(served) == _headers(built)
    assert served.content == b""


@pytest.mark.parametrize(
    "headers",
    [
        {"HTTP_ACCEPT": "text/html"},  # the browsable API is built each time
        {"HTTP_ACCEPT": "application/json; indent=4"},
    ],
)
def test_other_representations_go_to_the_view(user_client, data, headers):
    url = "/api/v1/users/?page_size=5"
    user_client.get(url)

    with mock.patch.object(UserViewSet, "initial", side_effect=AssertionError("the view ran")):
        with pytest.raises(AssertionError, match="the view ran"):
            user_client.get(url, **headers)


def test_format_in_the_query_goes_to_the_view(user_client, data):
    url = "/api/v1/users/?page_size=5&format=json"
    user_client.get(url)

    with mock.patch.object(UserViewSet, "initial", side_effect=AssertionError("the view ran")):
        with pytest.raises(AssertionError, match="the view ran"):
            user_client.get(url)


def test_a_deactivated_callers_token_is_refused_though_its_answer_is_cached(user_client, admin_client, plain_user):
    url = "/api/v1/users/?page_size=5"
    assert user_client.get(url).status_code == 200

    admin_client.patch(f"/api/v1/users/{plain_user.pk}/", {"is_active": False}, format="json")

    assert user_client.get(url).status_code == 401


def test_another_role_does_not_get_this_roles_answer(client_for, data):
    url = "/api/v1/users/?page_size=5"
    manager, user = client_for(UserFactory(role="manager")), client_for(UserFactory(role="user"))
    for api in (manager, user):
        api.get("/api/v1/users/stats/")  # each token known to the cache from now on
    manager.get(url)

    with mock.patch.object(UserViewSet, "initial", side_effect=AssertionError("the view ran")):
        manager.get(url)  # the manager's own copy is served
        with pytest.raises(AssertionError, match="the view ran"):
            user.get(url)
