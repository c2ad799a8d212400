"""Filter fields: dates every database can store, strict booleans, comma lists."""

from datetime import UTC, datetime, timedelta

import pytest
from django.http import QueryDict
from django.utils import timezone

from users.filters import OrderFilter, UserFilter, UserOrderFilter
from users.models import Order, User
from users.tests.factories import OrderFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("url", ["/api/v1/users/", "/api/v1/orders/", "/api/v1/users/1/orders/"])
@pytest.mark.parametrize("offset", ["-22:23", "+16:00", "-16:00"])
@pytest.mark.parametrize("name", ["created_after", "created_before"])
def test_a_utc_offset_the_database_cannot_store_is_a_400(user_client, plain_user, url, offset, name):
    OrderFactory(user=plain_user)

    response = user_client.get(url.replace("/1/", f"/{plain_user.pk}/"), {name: f"2000-01-01T00:00:00{offset}"})

    assert response.status_code == 400
    assert response.json() == {name: ["Give a UTC offset between -15:59 and +15:59."]}


def test_an_extreme_but_storable_offset_is_compared_in_utc(user_client, plain_user):
    User.objects.filter(pk=plain_user.pk).update(created_at=datetime(2024, 5, 1, 12, 0, tzinfo=UTC))
    # 2024-05-02 01:00 at +14:00 is 2024-05-01 11:00 UTC, an hour before the user.
    before = user_client.get("/api/v1/users/", {"created_after": "2024-05-02T01:00:00+14:00"})
    after = user_client.get("/api/v1/users/", {"created_after": "2024-05-02T03:00:00+14:00"})

    assert [row["id"] for row in before.json()["results"]] == [plain_user.pk]
    assert after.json()["results"] == []


def test_booleans_use_the_one_parser(user_client):
    UserFactory(is_active=False, username="gone")

    assert [row["username"] for row in user_client.get("/api/v1/users/", {"is_active": "No"}).json()["results"]] == [
        "gone"
    ]
    assert user_client.get("/api/v1/users/", {"is_active": "off"}).status_code == 400


def test_recent_dates_work(user_client, plain_user):
    since = (timezone.now() - timedelta(hours=1)).isoformat()

    response = user_client.get("/api/v1/users/", {"created_after": since})

    assert [row["id"] for row in response.json()["results"]] == [plain_user.pk]


def test_a_filter_set_builds_its_form_class_once_and_each_form_its_own_fields():
    first = UserFilter(QueryDict("search=ada"), queryset=User.objects.all())
    second = UserFilter(QueryDict("role=admin"), queryset=User.objects.all())

    assert type(first.form) is type(second.form)
    assert first.form.fields["search"] is not second.form.fields["search"]
    assert (first.is_valid(), second.is_valid()) == (True, True)
    assert first.form.cleaned_data["search"] == "ada" and second.form.cleaned_data["role"] == ["admin"]


def test_a_sub_filter_set_gets_a_form_class_of_its_own():
    # The parent's form class first: a subclass must not inherit it.
    parent = UserOrderFilter(QueryDict("user=5"), queryset=Order.objects.all())
    child = OrderFilter(QueryDict("user=5"), queryset=Order.objects.all())

    assert "user" not in parent.form.fields
    assert "user" in child.form.fields
    assert child.is_valid() and child.form.cleaned_data["user"] == 5
