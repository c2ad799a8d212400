"""GET /api/v1/orders/ and /api/v1/users/{id}/orders/: filters, strict parameters, cursors."""

from datetime import datetime, timedelta

import pytest
from django.utils import timezone

from users.models import Order, OrderStatus
from users.tests.factories import OrderFactory, UserFactory

ORDERS_URL = "/api/v1/orders/"


def _at(days_ago: float) -> datetime:
    return timezone.now() - timedelta(days=days_ago)


def _orders_with_times(user, *days_ago: float, status: str = OrderStatus.PAID) -> list[Order]:
    orders = []
    for days in days_ago:
        order = OrderFactory(user=user, status=status)
        Order.objects.filter(pk=order.pk).update(created_at=_at(days))
        orders.append(order)
    return orders


def _ids(response) -> list[int]:
    return [item["id"] for item in response.json()["results"]]


@pytest.mark.django_db
def test_a_users_orders_are_theirs_only_newest_first(user_client):
    owner, other = UserFactory(), UserFactory()
    oldest, newest, middle = _orders_with_times(owner, 3, 1, 2)
    _orders_with_times(other, 0.5, 1.5)

    response = user_client.get(f"/api/v1/users/{owner.pk}/orders/")

    assert response.status_code == 200
    body = response.json()
    assert set(body) == {"next", "previous", "results"}
    assert (body["next"], body["previous"]) == (None, None)
    assert _ids(response) == [newest.pk, middle.pk, oldest.pk]
    newest.refresh_from_db()
    assert body["results"][0] == {
        "id": newest.pk,
        "user": owner.pk,
        "status": "paid",
        "amount": "19.99",
        "created_at": newest.created_at.isoformat().replace("+00:00", "Z"),
    }
    assert {item["user"] for item in body["results"]} == {owner.pk}


@pytest.mark.django_db
def test_a_user_without_orders_has_an_empty_page(user_client):
    response = user_client.get(f"/api/v1/users/{UserFactory().pk}/orders/")

    assert response.status_code == 200
    assert response.json()["results"] == []


@pytest.mark.django_db
def test_all_orders_newest_first(user_client):
    first, second = UserFactory(), UserFactory()
    old = _orders_with_times(first, 5)
    new = _orders_with_times(second, 1)
    mid = _orders_with_times(first, 3)

    response = user_client.get(ORDERS_URL)

    assert response.status_code == 200
    assert _ids(response) == [new[0].pk, mid[0].pk, old[0].pk]


@pytest.mark.django_db
def test_orders_filtered_by_user(user_client):
    owner = UserFactory()
    mine = _orders_with_times(owner, 1, 2)
    _orders_with_times(UserFactory(), 1.5)

    response = user_client.get(ORDERS_URL, {"user": owner.pk})

    assert response.status_code == 200
    assert _ids(response) == [mine[0].pk, mine[1].pk]


@pytest.mark.django_db
def test_orders_filtered_by_a_comma_list_of_statuses(user_client):
    owner = UserFactory()
    paid = _orders_with_times(owner, 1, status=OrderStatus.PAID)
    shipped = _orders_with_times(owner, 2, status=OrderStatus.SHIPPED)
    _orders_with_times(owner, 3, status=OrderStatus.PENDING)
    _orders_with_times(owner, 4, status=OrderStatus.CANCELLED)

    response = user_client.get(ORDERS_URL, {"status": "paid,shipped"})

    assert response.status_code == 200
    assert _ids(response) == [paid[0].pk, shipped[0].pk]
    assert {item["status"] for item in response.json()["results"]} == {"paid", "shipped"}


@pytest.mark.django_db
def test_an_unknown_status_is_a_400_listing_the_allowed_ones(user_client):
    response = user_client.get(ORDERS_URL, {"status": "paid,lost"})

    assert response.status_code == 400
    assert set(response.json()) == {"status"}
    message = response.json()["status"][0]
    assert "lost" in message
    assert all(status in message for status in OrderStatus.values)


@pytest.mark.django_db
def test_orders_filtered_by_creation_window(user_client):
    owner = UserFactory()
    _orders_with_times(owner, 10)
    inside = _orders_with_times(owner, 6, 4)
    _orders_with_times(owner, 1)
    window = {"created_after": _at(7).isoformat(), "created_before": _at(3).isoformat()}

    response = user_client.get(ORDERS_URL, window)

    assert response.status_code == 200
    assert _ids(response) == [inside[1].pk, inside[0].pk]


@pytest.mark.django_db
def test_the_user_route_takes_the_same_filters(user_client):
    owner = UserFactory()
    _orders_with_times(owner, 1, status=OrderStatus.PENDING)
    shipped = _orders_with_times(owner, 2, status=OrderStatus.SHIPPED)

    response = user_client.get(f"/api/v1/users/{owner.pk}/orders/", {"status": "shipped"})

    assert _ids(response) == [shipped[0].pk]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("params", "named"),
    [
        pytest.param({"created_after": "last tuesday"}, "created_after", id="bad-date"),
        pytest.param({"created_before": "2024-13-45"}, "created_before", id="impossible-date"),
        pytest.param({"user": "abc"}, "user", id="bad-user"),
        pytest.param({"colour": "red"}, "colour", id="unknown-param"),
        pytest.param({"amount": "19.99"}, "amount", id="unfilterable-field"),
    ],
)
def test_bad_order_parameters_are_a_400_naming_them(user_client, params, named):
    response = user_client.get(ORDERS_URL, params)

    assert response.status_code == 400
    assert set(response.json()) == {named}


@pytest.mark.django_db
def test_the_user_route_refuses_a_user_filter(user_client):
    owner, other = UserFactory(), UserFactory()

    response = user_client.get(f"/api/v1/users/{owner.pk}/orders/", {"user": other.pk})

    assert response.status_code == 400
    assert set(response.json()) == {"user"}
    assert "user" not in response.json()["user"][0].split("Accepted:")[1]


@pytest.mark.django_db
def test_a_cursor_of_one_users_orders_is_refused_for_another_user(user_client):
    owner, other = UserFactory(), UserFactory()
    OrderFactory.create_batch(2, user=owner)
    OrderFactory.create_batch(2, user=other)
    link = user_client.get(f"/api/v1/users/{owner.pk}/orders/", {"page_size": 1}).json()["next"]
    cursor = link.split("cursor=")[1].split("&")[0]

    response = user_client.get(f"/api/v1/users/{other.pk}/orders/?page_size=1&cursor={cursor}")

    assert response.status_code == 400
    assert set(response.json()) == {"cursor"}


@pytest.mark.django_db
def test_an_unknown_parameter_lists_the_accepted_ones(user_client):
    message = user_client.get(ORDERS_URL, {"colour": "red"}).json()["colour"][0]

    for accepted in ("user", "status", "created_after", "created_before", "cursor", "page_size", "ordering"):
        assert accepted in message


@pytest.mark.django_db
def test_a_cursor_walk_visits_every_order_once(user_client):
    owners = [UserFactory(), UserFactory()]
    orders = [OrderFactory(user=owners[n % 2]) for n in range(9)]
    # Ties on created_at are where a value-only cursor would skip or repeat rows.
    same_time = _at(1)
    Order.objects.filter(pk__in=[order.pk for order in orders[:5]]).update(created_at=same_time)
    expected = list(Order.objects.order_by("-created_at", "-id").values_list("pk", flat=True))

    seen, url, pages = [], f"{ORDERS_URL}?page_size=2", 0
    while url:
        response = user_client.get(url)
        assert response.status_code == 200
        seen.extend(_ids(response))
        url = response.json()["next"]
        pages += 1
        assert pages <= 10

    assert seen == expected
    assert pages == 5
