"""POST, PATCH and DELETE /api/v1/users/bulk/: all or nothing, errors by index, the same
rules as single writes, a constant number of queries, one announcement per batch."""

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.db.models import BigAutoField

from tasks.receivers import queue_welcome_emails
from users import services
from users.models import Profile, Role, User
from users.signals import users_created
from users.tests.factories import UserFactory

pytestmark = pytest.mark.django_db

URL = "/api/v1/users/bulk/"


def insert_statements(rows: int) -> int:
    """What inserting `rows` new users and profiles costs in counted queries. PostgreSQL:
    one query draws the ids, then two COPYs load the rows (COPY is not a query Django
    counts). SQLite: as many INSERTs of each table as keep each under 999 parameters."""
    if connection.vendor == "postgresql":
        return 1
    total = 0
    for model in (User, Profile):
        fields = [field for field in model._meta.concrete_fields if not isinstance(field, BigAutoField)]
        total += -(-rows // connection.ops.bulk_batch_size(fields, range(rows)))
    return total


def warm_token(client) -> None:
    """Look the caller's token up now, so that what is counted next is the write alone."""
    assert client.get("/api/v1/users/stats/").status_code == 200


def new(name: str, **extra) -> dict:
    return {"username": name, "email": f"{name}@example.com", **extra}


def errors_of(response) -> dict[int, dict]:
    assert response.status_code == 400, response.content
    return {item["index"]: item["errors"] for item in response.json()["errors"]}


# --- create ------------------------------------------------------------------------------


def test_create_returns_the_ids_in_input_order(admin_client):
    rows = [new("zed", role="manager", profile={"department": "Sales"}), new("amy"), new("kim", is_active=False)]

    response = admin_client.post(URL, rows, format="json")

    assert response.status_code == 201
    body = response.json()
    assert body["created"] == 3
    assert [User.objects.get(pk=pk).username for pk in body["ids"]] == ["zed", "amy", "kim"]
    zed = User.objects.select_related("profile").get(username="zed")
    assert (zed.role, zed.profile.department, zed.has_usable_password()) == (Role.MANAGER, "Sales", False)
    assert Profile.objects.filter(user_id__in=body["ids"]).count() == 3
    assert User.objects.get(username="kim").is_active is False


def test_one_bad_row_creates_nothing_and_every_error_is_indexed(admin_client):
    UserFactory(username="taken")
    rows = [new("fine"), new("taken"), {"username": "bad name", "email": "x"}, new("fine2", nickname="N"), new("fine")]

    response = admin_client.post(URL, rows, format="json")

    errors = errors_of(response)
    assert set(errors) == {1, 2, 3, 4}
    assert errors[1] == {
        "username": ["A user with that username already exists."],
        "email": ["A user with that email already exists."],
    }
    assert set(errors[2]) == {"username", "email"}
    assert set(errors[3]) == {"nickname"}
    assert errors[4] == {"username": ["Row 0 has the same username."], "email": ["Row 0 has the same email."]}
    assert not User.objects.filter(username__in=["fine", "fine2"]).exists()


def test_nested_profile_errors_stay_nested_under_their_index(admin_client):
    response = admin_client.post(URL, [new("ok"), new("nested", profile={"bio": 0, "twitter": "@n"})], format="json")

    errors = errors_of(response)
    assert errors == {1: {"profile": {"twitter": [errors[1]["profile"]["twitter"][0]]}}}
    assert "Unknown field" in errors[1]["profile"]["twitter"][0]


def test_a_password_is_refused_in_bulk(admin_client):
    errors = errors_of(admin_client.post(URL, [new("pw", password="Qz7-vortex-harbour-91")], format="json"))

    assert set(errors[0]) == {"password"}


def test_a_manager_may_not_create_admins_in_bulk(manager_client):
    errors = errors_of(manager_client.post(URL, [new("helper"), new("boss", role="admin")], format="json"))

    assert errors == {1: {"role": ["Managers may not grant the admin role."]}}
    assert not User.objects.filter(username="helper").exists()


@pytest.mark.parametrize(
    ("body", "message"),
    [
        pytest.param([], "between 1 and 1000", id="empty"),
        pytest.param({"username": "x"}, "JSON array", id="object"),
        pytest.param([new(f"u{n}") for n in range(1001)], "between 1 and 1000", id="too-many"),
    ],
)
def test_the_list_itself_must_be_right(admin_client, body, message):
    response = admin_client.post(URL, body, format="json")

    assert response.status_code == 400
    assert message in response.json()["detail"]


@pytest.fixture
def without_welcome_emails():
    """The welcome emails are a task of their own (run inline by the embedded default's
    eager Celery): keep them out of a count of the write's queries."""
    users_created.disconnect(queue_welcome_emails)
    yield
    users_created.connect(queue_welcome_emails)


def test_create_costs_a_constant_number_of_queries(
    admin_client, django_assert_num_queries, announced, without_welcome_emails
):
    for size in (10, 500):
        rows = [new(f"batch{size}-{n}") for n in range(size)]
        warm_token(admin_client)
        # 2 uniqueness checks, a savepoint and its release, the inserts of users and profiles
        with django_assert_num_queries(4 + insert_statements(size)):
            assert announced(lambda rows=rows: admin_client.post(URL, rows, format="json")) == 1
    assert User.objects.filter(username__startswith="batch500-").count() == 500


# --- update ------------------------------------------------------------------------------


def test_update_changes_every_listed_user(admin_client):
    one, two = UserFactory(username="one"), UserFactory(username="two")

    response = admin_client.patch(
        URL,
        [{"id": one.pk, "full_name": "First", "profile": {"location": "Oslo"}}, {"id": two.pk, "is_active": False}],
        format="json",
    )

    assert response.status_code == 200
    assert response.json() == {"updated": 2}
    one.refresh_from_db()
    two.refresh_from_db()
    one.profile.refresh_from_db()
    assert (one.full_name, one.profile.location, two.is_active) == ("First", "Oslo", False)


def test_update_is_all_or_nothing_with_indexed_errors(admin_client):
    one, two = UserFactory(username="one"), UserFactory(username="two", email="two@example.com")

    response = admin_client.patch(
        URL,
        [
            {"id": one.pk, "full_name": "Kept Back"},
            {"id": 987654, "full_name": "Nobody"},
            {"id": one.pk, "email": "TWO@example.com"},
            {"id": two.pk, "role": "wizard"},
        ],
        format="json",
    )

    errors = errors_of(response)
    assert errors[1] == {"id": ["Give the id of an existing user."]}
    assert errors[2]["id"] == ["Item 0 names the same user."]
    assert set(errors[3]) == {"role"}
    one.refresh_from_db()
    assert one.full_name != "Kept Back"


@pytest.mark.parametrize("bad_id", [{}, [], "7", True, None, -1, 2**63, 2**64 - 1])
def test_an_id_that_is_not_a_user_id_is_an_indexed_error(admin_client, bad_id):
    response = admin_client.patch(URL, [{"id": bad_id, "full_name": "X"}], format="json")

    assert errors_of(response) == {0: {"id": ["Give the id of an existing user."]}}


def test_a_manager_may_not_touch_admins_or_peers_in_bulk(manager_client):
    admin, peer, plain = UserFactory(role=Role.ADMIN), UserFactory(role=Role.MANAGER), UserFactory()

    response = manager_client.patch(
        URL,
        [{"id": plain.pk, "full_name": "Ok"}, {"id": admin.pk, "full_name": "X"}, {"id": peer.pk, "full_name": "Y"}],
        format="json",
    )

    errors = errors_of(response)
    assert set(errors) == {1, 2}
    plain.refresh_from_db()
    assert plain.full_name != "Ok"


def test_bulk_deactivating_every_other_admin_and_yourself_is_a_409(admin_client, admin_user):
    other = UserFactory(role=Role.ADMIN)

    response = admin_client.patch(
        URL, [{"id": other.pk, "is_active": False}, {"id": admin_user.pk, "is_active": False}], format="json"
    )

    assert response.status_code == 409
    other.refresh_from_db()
    assert other.is_active


def test_update_costs_a_constant_number_of_queries(admin_client, django_assert_max_num_queries):
    for size in (5, 300):
        users = UserFactory.create_batch(size)
        rows = [{"id": user.pk, "full_name": f"Renamed {n}"} for n, user in enumerate(users)]
        warm_token(admin_client)
        with django_assert_max_num_queries(9):
            assert admin_client.patch(URL, rows, format="json").status_code == 200


# --- delete ------------------------------------------------------------------------------


def test_delete_removes_every_listed_user(admin_client):
    doomed = UserFactory.create_batch(3)

    response = admin_client.delete(URL, [{"id": user.pk} for user in doomed], format="json")

    assert response.status_code == 204
    assert not User.objects.filter(pk__in=[user.pk for user in doomed]).exists()


def test_delete_is_all_or_nothing(admin_client):
    keep = UserFactory()

    response = admin_client.delete(URL, [{"id": keep.pk}, {"id": 987654}, {"user": 1}, {"id": keep.pk}], format="json")

    errors = errors_of(response)
    assert set(errors) == {1, 2, 3}
    assert User.objects.filter(pk=keep.pk).exists()


def test_delete_refuses_yourself_with_a_409(admin_client, admin_user):
    other = UserFactory()

    response = admin_client.delete(URL, [{"id": other.pk}, {"id": admin_user.pk}], format="json")

    assert response.status_code == 409
    assert User.objects.filter(pk=other.pk).exists()


def test_only_admins_delete_in_bulk(manager_client):
    target = UserFactory()

    assert manager_client.delete(URL, [{"id": target.pk}], format="json").status_code == 403
    assert User.objects.filter(pk=target.pk).exists()


def test_delete_costs_a_constant_number_of_queries(admin_client, django_assert_num_queries):
    for size in (5, 300):
        users = UserFactory.create_batch(size)
        warm_token(admin_client)
        # Django deletes the users themselves 100 at a time, their related rows at once.
        with django_assert_num_queries(12 + -(-size // 100)):
            response = admin_client.delete(URL, [{"id": user.pk} for user in users], format="json")
        assert response.status_code == 204


@pytest.mark.parametrize("huge", [2**63, 2**64 - 1])
def test_a_delete_of_an_id_beyond_64_bits_is_a_400(admin_client, huge):
    response = admin_client.delete(URL, [{"id": huge}], format="json")

    assert set(errors_of(response)[0]) == {"id"}


def test_a_user_deleted_between_the_check_and_the_change_is_a_400(admin_client, admin_user):
    gone = UserFactory()
    gone_id = gone.pk
    gone.delete()

    with pytest.raises(ValidationError, match=f"No user with id {gone_id}"):
        services.users_update_many(actor=admin_user, changes={gone_id: {"full_name": "Ghost"}})
