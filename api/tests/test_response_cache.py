"""Cached read answers: no query on a hit, keys that ignore parameter order but not who
asks or where, fresh after a write, 304s from the cache, and the HTTP caching headers."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from api import cache
from api.response_cache import answer_key
from conftest import run_commit_hooks
from users import services
from users.models import Role
from users.tests.factories import OrderFactory, UserFactory

pytestmark = pytest.mark.django_db

READS = [
    "/api/v1/users/?page_size=5&ordering=username",
    "/api/v1/users/stats/",
    "/api/v1/orders/?status=paid",
]


@pytest.fixture
def data(plain_user):
    OrderFactory.create_batch(3, user=plain_user)
    UserFactory.create_batch(3)


@pytest.mark.parametrize("url", READS)
def test_a_repeated_read_costs_no_query(user_client, data, url, django_assert_num_queries):
    first = user_client.get(url)

    with django_assert_num_queries(0):
        again = user_client.get(url)

    assert again.status_code == 200
    assert again.content == first.content
    assert again["ETag"] == first["ETag"]


def test_a_cached_detail_costs_no_query(user_client, plain_user, django_assert_num_queries):
    user_client.get(f"/api/v1/users/{plain_user.pk}/?expand=orders")

    with django_assert_num_queries(0):
        assert user_client.get(f"/api/v1/users/{plain_user.pk}/?expand=orders").status_code == 200


def test_the_order_of_parameters_does_not_matter(user_client, data, django_assert_num_queries):
    user_client.get("/api/v1/users/?page_size=2&ordering=-id&fields=id,username")

    with django_assert_num_queries(0):
        response = user_client.get("/api/v1/users/?fields=id,username&ordering=-id&page_size=2")

    assert [set(row) for row in response.json()["results"]] == [{"id", "username"}] * 2


def test_a_304_from_the_cache_costs_no_query(user_client, data, django_assert_num_queries):
    etag = user_client.get(READS[0])["ETag"]

    with django_assert_num_queries(0):
        response = user_client.get(READS[0], HTTP_IF_NONE_MATCH=etag)

    assert response.status_code == 304
    assert response.content == b""


def _queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_each_role_has_its_own_copy(client_for, data):
    manager, first_user, second_user = (client_for(UserFactory(role=role)) for role in ("manager", "user", "user"))
    for api in (manager, first_user, second_user):
        api.get("/api/v1/users/stats/")  # each token is looked up once, and then cached
    assert _queries(manager, READS[0]) > 0

    assert _queries(first_user, READS[0]) > 0  # not the manager's copy: built again for this role
    assert _queries(second_user, READS[0]) == 0  # the same role shares it


def test_links_are_built_for_the_host_asked(user_client, data):
    first = user_client.get("/api/v1/users/?page_size=2").json()["next"]
    other = user_client.get("/api/v1/users/?page_size=2", HTTP_HOST="localhost").json()["next"]

    assert first.startswith("http://testserver/") and other.startswith("http://localhost/")


def test_a_write_shows_on_the_very_next_read(user_client, admin_client, plain_user):
    url = f"/api/v1/users/{plain_user.pk}/"
    old = user_client.get(url)

    admin_client.patch(url, {"full_name": "Now Renamed"}, format="json")
    response = user_client.get(url, HTTP_IF_NONE_MATCH=old["ETag"])

    assert response.status_code == 200
    assert response.json()["full_name"] == "Now Renamed"
    assert response["ETag"] != old["ETag"]


def test_a_write_through_the_services_shows_too(user_client, plain_user):
    url = "/api/v1/users/stats/"
    assert user_client.get(url).json()["by_role"]["manager"] == 0

    services.user_update(actor=None, user_id=plain_user.pk, data={"role": Role.MANAGER})
    run_commit_hooks()

    assert user_client.get(url).json()["by_role"]["manager"] == 1


def test_if_match_still_guards_writes_after_a_cached_read(user_client, admin_client, plain_user):
    url = f"/api/v1/users/{plain_user.pk}/"
    etag = admin_client.get(url)["ETag"]
    assert admin_client.get(url)["ETag"] == etag  # cached

    assert admin_client.patch(url, {"full_name": "A"}, format="json", HTTP_IF_MATCH=etag).status_code == 200
    stale = admin_client.patch(url, {"full_name": "B"}, format="json", HTTP_IF_MATCH=etag)

    assert stale.status_code == 412
    assert stale["ETag"] == admin_client.get(url)["ETag"]


@pytest.mark.parametrize("url", [*READS, "/api/v1/users/{id}/"])
def test_reads_are_private_revalidated_and_vary_on_the_caller(user_client, plain_user, url):
    url = url.format(id=plain_user.pk)
    for response in (user_client.get(url), user_client.get(url, HTTP_IF_NONE_MATCH=user_client.get(url)["ETag"])):
        assert response.status_code in (200, 304)
        directives = {part.strip() for part in response["Cache-Control"].split(",")}
        assert directives == {"private", "max-age=0", "must-revalidate"}
        assert {"Authorization", "Cookie", "Accept-Encoding"} <= {part.strip() for part in response["Vary"].split(",")}


def test_the_browsable_api_is_built_each_time_and_still_has_an_etag(user_client, data):
    user_client.get(READS[0], HTTP_ACCEPT="text/html")

    with CaptureQueriesContext(connection) as queries:
        response = user_client.get(READS[0], HTTP_ACCEPT="text/html")

    assert len(queries) > 0
    assert response["Content-Type"].startswith("text/html")
    assert response["ETag"]


def test_an_entry_of_another_shape_is_built_again_not_served(user_client, data, rf):
    """An entry left by an earlier release (another layout) is stale, never a 500."""
    user_client.get(READS[0])
    key = answer_key(rf.get(READS[0]), "user")
    assert cache.get_many([key])  # the key the read above stored under
    cache.set(key, {"version": "old", "body": b"{}", "etag": '"old"'}, 300)

    response = user_client.get(READS[0])

    assert response.status_code == 200
    assert response["ETag"] != '"old"' and response.json()["results"]
