"""Stats, orders, JSON errors under /api/, health endpoints and the OpenAPI schema."""

import json
from datetime import UTC, datetime, time, timedelta

import pytest
from django.db import OperationalError
from django.test import RequestFactory
from django.utils import timezone

from api.errors import server_error
from monitoring import views as health_views
from users import views as user_views
from users.models import Order, OrderStatus, Role, User
from users.tests.factories import OrderFactory, UserFactory

STATS_URL = "/api/v1/users/stats/"
ORDERS_URL = "/api/v1/orders/"


def is_json(response) -> bool:
    return response["Content-Type"].startswith("application/json")


# --- stats ------------------------------------------------------------------------------


@pytest.fixture
def population(admin_user):
    """Besides admin_user: 2 managers (1 inactive) and 4 users (1 inactive), 2 of them from yesterday."""
    UserFactory(role=Role.MANAGER)
    UserFactory(role=Role.MANAGER, is_active=False)
    users = [UserFactory(role=Role.USER) for _ in range(3)] + [UserFactory(role=Role.USER, is_active=False)]
    User.objects.filter(pk__in=[users[0].pk, users[3].pk]).update(created_at=timezone.now() - timedelta(days=1))


# What stats report for the `population` fixture (admin_client's admin included).
POPULATION_STATS = {
    "total_users": 7,
    "active_users": 5,
    "inactive_users": 2,
    "new_today": 5,
    "by_role": {"admin": 1, "manager": 2, "user": 4},
}


@pytest.mark.django_db
def test_stats_counts_users_by_state_role_and_day(admin_client, population):
    response = admin_client.get(STATS_URL)

    assert response.status_code == 200
    assert response.json() == POPULATION_STATS


@pytest.mark.django_db
def test_stats_on_a_nearly_empty_table_lists_every_role(admin_client):
    assert admin_client.get(STATS_URL).json() == {
        "total_users": 1,
        "active_users": 1,
        "inactive_users": 0,
        "new_today": 1,
        "by_role": {"admin": 1, "manager": 0, "user": 0},
    }


@pytest.mark.django_db
@pytest.mark.parametrize("time_zone", ["UTC", "Pacific/Kiritimati", "America/Anchorage"])
def test_new_today_is_the_utc_calendar_day(admin_client, settings, time_zone):
    settings.TIME_ZONE = time_zone
    midnight = datetime.combine(datetime.now(UTC).date(), time.min, tzinfo=UTC)
    at_midnight, just_before = UserFactory(), UserFactory()
    User.objects.filter(pk=at_midnight.pk).update(created_at=midnight)
    User.objects.filter(pk=just_before.pk).update(created_at=midnight - timedelta(microseconds=1))

    stats = admin_client.get(STATS_URL).json()

    assert stats["total_users"] == 3
    assert stats["new_today"] == 2  # admin_user and the one created at 00:00 UTC


@pytest.mark.django_db
def test_stats_are_readable_by_every_role(user_client, population):
    response = user_client.get(STATS_URL)

    assert response.status_code == 200
    assert response.json()["total_users"] == 8  # population plus plain_user


@pytest.mark.django_db
def test_stats_follow_writes_through_the_api(admin_client, population):
    assert admin_client.get(STATS_URL).json()["total_users"] == 7

    created = admin_client.post(
        "/api/v1/users/", {"username": "fresh", "email": "fresh@example.com", "role": "manager"}, format="json"
    )
    assert created.status_code == 201
    after_create = admin_client.get(STATS_URL).json()
    assert (after_create["total_users"], after_create["new_today"]) == (8, 6)
    assert after_create["by_role"] == {"admin": 1, "manager": 3, "user": 4}

    deactivated = admin_client.patch(f"/api/v1/users/{created.json()['id']}/", {"is_active": False}, format="json")
    assert deactivated.status_code == 200
    after_deactivate = admin_client.get(STATS_URL).json()
    assert (after_deactivate["active_users"], after_deactivate["inactive_users"]) == (5, 3)

    assert admin_client.delete(f"/api/v1/users/{created.json()['id']}/").status_code == 204
    assert admin_client.get(STATS_URL).json() == POPULATION_STATS


@pytest.mark.django_db
def test_stats_cost_at_most_two_queries(admin_client, population, django_assert_max_num_queries):
    # One for the token, one for the aggregate.
    with django_assert_max_num_queries(2):
        response = admin_client.get(STATS_URL)

    assert response.status_code == 200


# --- orders -----------------------------------------------------------------------------


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
    assert body["results"][0] == {
        "id": newest.pk,
        "user": owner.pk,
        "status": "paid",
        "amount": "19.99",
        "created_at": body["results"][0]["created_at"],
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


# --- JSON errors under /api/ --------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/nope",
        "/api/v1/nope/",
        "/api/v1/users/abc/",
        "/api/v2/users/",
        "/api/v1/users/987654/",  # a user that does not exist
        "/api/v1/users/987654/orders/",  # and their orders
    ],
)
def test_an_unknown_api_url_is_a_404_json(admin_client, path):
    response = admin_client.get(path)

    assert response.status_code == 404
    assert is_json(response)
    assert set(response.json()) == {"detail"}


def test_an_unknown_api_url_is_a_404_json_without_credentials(anon_client):
    response = anon_client.get("/api/v1/nope")

    assert response.status_code == 404
    assert is_json(response)
    assert set(response.json()) == {"detail"}


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("put", "/api/v1/users/"),
        ("delete", "/api/v1/users/stats/"),
        ("post", "/api/v1/users/stats/"),
        ("get", "/api/v1/auth/token/"),
        ("post", "/api/v1/orders/"),
        ("post", "/api/v1/health/"),
        ("post", "/api/v1/health/live/"),
    ],
)
def test_a_wrong_method_is_a_405_json(admin_client, method, path):
    response = getattr(admin_client, method)(path)

    assert response.status_code == 405
    assert "GET" in response["Allow"] or "POST" in response["Allow"]
    assert is_json(response), response["Content-Type"]
    assert "detail" in response.json()


def test_server_error_under_api_is_json():
    response = server_error(RequestFactory().get("/api/v1/x"))

    assert response.status_code == 500
    assert is_json(response)
    assert set(json.loads(response.content)) == {"detail"}


def test_server_error_elsewhere_is_html():
    response = server_error(RequestFactory().get("/admin/x"))

    assert response.status_code == 500
    assert response["Content-Type"].startswith("text/html")
    assert b"Server Error" in response.content


@pytest.mark.django_db
def test_an_unhandled_exception_in_a_view_is_a_500_json(admin_user, client_for, monkeypatch):
    def explode():
        raise RuntimeError("boom")

    monkeypatch.setattr(user_views.selectors, "user_stats", explode)
    client = client_for(admin_user)
    client.raise_request_exception = False

    response = client.get(STATS_URL)

    assert response.status_code == 500
    assert is_json(response)
    assert set(response.json()) == {"detail"}
    assert "boom" not in response.content.decode()


# --- health -----------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/api/v1/health/live/", "/health/live/"])
def test_liveness_needs_no_auth_and_no_io(anon_client, path, django_assert_num_queries):
    with django_assert_num_queries(0):
        response = anon_client.get(path)

    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/api/v1/health/", "/api/v1/health/ready/", "/health/", "/health/ready/"])
def test_readiness_reports_each_check(anon_client, path):
    response = anon_client.get(path)

    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert set(body["checks"]) == {"database", "cache", "broker"}
    assert body["checks"]["database"] == "ok"
    assert body["checks"]["cache"] == "ok"
    assert body["checks"]["broker"] in ("ok", "skipped")
    assert "no-cache" in response["Cache-Control"]


@pytest.mark.django_db
def test_readiness_is_503_naming_the_database_when_it_is_down(anon_client, monkeypatch):
    class DownConnection:
        def cursor(self):
            raise OperationalError("connection refused")

    monkeypatch.setattr(health_views, "connection", DownConnection())

    response = anon_client.get("/api/v1/health/")

    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "error"
    assert body["checks"]["database"].startswith("error:")
    assert "connection refused" in body["checks"]["database"]
    assert body["checks"]["cache"] == "ok"


# --- OpenAPI ----------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_schema_describes_the_users_api(user_client):
    response = user_client.get("/api/schema/")

    assert response.status_code == 200
    content = response.content.decode()
    assert "openapi: 3" in content
    for path in ("/api/v1/users/", "/api/v1/users/{id}/", "/api/v1/orders/", "/api/v1/auth/token/"):
        assert path in content


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/api/schema/", "/api/docs/"])
def test_the_schema_and_docs_need_authentication(anon_client, path):
    # SPEC §4: everything but the health endpoints needs authentication.
    response = anon_client.get(path)

    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Token"


@pytest.mark.django_db
def test_the_docs_page_is_html(user_client):
    response = user_client.get("/api/docs/")

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/html")
    assert "swagger" in response.content.decode().lower()
    assert "/api/schema/" in response.content.decode()
