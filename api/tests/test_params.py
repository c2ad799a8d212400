"""Strict query strings on every list: unknown, repeated (unless a list) or empty parameters are a 400 naming them."""

import pytest

from users.tests.factories import UserFactory

pytestmark = pytest.mark.django_db

LISTS = ["/api/v1/users/", "/api/v1/orders/"]


def assert_rejected(response, name: str, words: str) -> None:
    assert response.status_code == 400, response.content
    assert set(response.json()) == {name}
    assert words in response.json()[name][0]


@pytest.mark.parametrize("url", LISTS)
@pytest.mark.parametrize("name", ["created_after", "ordering", "page_size", "cursor", "include_total"])
def test_a_parameter_given_twice_is_refused(user_client, url, name):
    value = {"created_after": "2024-01-01", "ordering": "id", "page_size": "5", "cursor": "x", "include_total": "1"}

    response = user_client.get(f"{url}?{name}={value[name]}&{name}={value[name]}")

    assert_rejected(response, name, "Give this parameter once")


def test_a_single_valued_parameter_given_twice_is_refused_even_with_lists_beside_it(user_client):
    response = user_client.get("/api/v1/users/?search=a&search=b&role=user&role=admin")

    assert_rejected(response, "search", "separate several values with commas")


@pytest.mark.parametrize(
    ("url", "name", "values"),
    [
        ("/api/v1/users/", "role", ("manager", "admin")),
        ("/api/v1/orders/", "status", ("paid", "shipped")),
        ("/api/v1/users/", "fields", ("id", "role")),
    ],
)
def test_a_list_parameter_may_be_repeated_as_generated_clients_send_it(user_client, url, name, values):
    UserFactory.create_batch(2, role="manager")
    comma = user_client.get(url, {name: ",".join(values)})

    repeated = user_client.get(url, {name: list(values)})

    assert repeated.status_code == 200, repeated.content
    assert repeated.json() == comma.json()


@pytest.mark.parametrize(
    ("url", "name"),
    [
        *[
            ("/api/v1/users/", name)
            for name in ("search", "is_active", "role", "created_after", "created_before", "ids")
        ],
        *[("/api/v1/users/", name) for name in ("department", "fields", "omit", "expand", "ordering", "page_size")],
        *[("/api/v1/orders/", name) for name in ("user", "status", "created_after", "created_before", "cursor")],
    ],
)
@pytest.mark.parametrize("value", ["", "   "])
def test_an_empty_value_is_refused_on_every_parameter(user_client, url, name, value):
    assert_rejected(user_client.get(url, {name: value}), name, "may not be empty")


def test_the_detail_is_strict_too(user_client, plain_user):
    response = user_client.get(f"/api/v1/users/{plain_user.pk}/?fields=id&colour=red")

    assert_rejected(response, "colour", "Unknown query parameter")


def test_at_most_twenty_bad_parameters_are_named(user_client):
    query = "&".join(f"p{n}=1" for n in range(500))

    response = user_client.get(f"/api/v1/users/?{query}")

    assert response.status_code == 400
    assert len(response.json()) == 20


@pytest.mark.parametrize("method", ["post", "put", "patch", "delete"])
def test_a_wrong_method_is_a_405_whatever_the_query(admin_client, method):
    response = getattr(admin_client, method)("/api/v1/orders/?status=paid&colour=red")

    assert response.status_code == 405
    assert response.json()["detail"] == f'Method "{method.upper()}" not allowed.'


def test_a_good_query_still_works(user_client):
    UserFactory.create_batch(2, role="manager")

    response = user_client.get("/api/v1/users/", {"role": "manager,admin", "ordering": "-id", "page_size": "1"})

    assert response.status_code == 200
    assert len(response.json()["results"]) == 1
