"""validate_user_rows: the API's write rules, per row, without a request, in constant queries."""

import pytest

from users.models import Role
from users.tests.factories import UserFactory
from users.validation import validate_user_rows

pytestmark = pytest.mark.django_db


def row(name: str, **extra) -> dict:
    return {"username": name, "email": f"{name}@example.com", **extra}


def test_good_rows_come_back_cleaned_by_index():
    result = validate_user_rows([row("ann", role="manager", is_active=False), row("bo")], actor=None)

    assert result.errors == {}
    assert result.valid[0] == {"username": "ann", "email": "ann@example.com", "role": "manager", "is_active": False}
    assert result.valid[1] == {"username": "bo", "email": "bo@example.com"}


def test_field_errors_are_the_apis_own(admin_client):
    rows = [row("ok"), {"username": "bad name!", "email": "nope"}, row("x", role="wizard", nickname="Z")]

    result = validate_user_rows(rows, actor=None)

    assert set(result.valid) == {0}
    api_errors = admin_client.post("/api/v1/users/", rows[1], format="json").json()
    assert result.errors[1] == api_errors
    assert set(result.errors[2]) == {"nickname"}  # unknown fields are refused first, as in the API


def test_names_taken_in_the_table_or_earlier_in_the_batch_are_refused(admin_client):
    UserFactory(username="taken", email="Taken@Example.com")
    rows = [
        row("fresh"),
        row("taken", email="other@example.com"),
        {"username": "other", "email": "TAKEN@example.com"},
        row("twin"),
        {"username": "twin", "email": "twin2@example.com"},
        {"username": "twin3", "email": "TWIN@example.com"},
    ]

    result = validate_user_rows(rows, actor=None)

    assert set(result.valid) == {0, 3}
    assert result.errors[1] == {"username": ["A user with that username already exists."]}
    assert result.errors[2] == {"email": ["A user with that email already exists."]}
    assert result.errors[4] == {"username": ["Row 3 has the same username."]}
    assert result.errors[5] == {"email": ["Row 3 has the same email."]}
    api_errors = admin_client.post("/api/v1/users/", rows[2], format="json").json()
    assert result.errors[2] == api_errors


def test_the_actors_role_rules_apply_per_row(manager_user):
    result = validate_user_rows([row("helper", role="manager"), row("boss", role="admin")], actor=manager_user)

    assert set(result.valid) == {0}
    assert result.errors[1] == {"role": ["Managers may not grant the admin role."]}


def test_passwords_meet_the_validators_with_the_rows_own_details():
    rows = [
        row("strong", password="Qz7-vortex-harbour-91"),
        row("weak", password="123"),
        row("marie.curie1", password="marie.curie1"),
    ]

    result = validate_user_rows(rows, actor=None)

    assert set(result.valid) == {0}
    assert result.errors[1] == {"password": ["Ensure this field has at least 8 characters."]}
    assert "too similar" in " ".join(result.errors[2]["password"])


def test_rows_that_change_users_name_their_id_and_keep_their_own_names(manager_user):
    plain = UserFactory(username="plain", email="plain@example.com", role=Role.USER)
    admin = UserFactory(role=Role.ADMIN)
    other = UserFactory(username="other")
    targets = {user.pk: user for user in (plain, admin, other)}
    rows = [
        {"id": plain.pk, "username": "plain", "email": "PLAIN@example.com", "full_name": "Kept"},
        {"id": admin.pk, "full_name": "Not yours"},
        {"id": 999_999, "full_name": "Nobody"},
        {"id": other.pk, "username": "plain"},
    ]

    result = validate_user_rows(rows, actor=manager_user, targets=targets)

    assert result.valid == {0: {"username": "plain", "email": "PLAIN@example.com", "full_name": "Kept"}}
    assert result.errors[1] == {"role": ["Managers may not modify an admin."]}
    assert result.errors[2] == {"id": ["Give the id of an existing user."]}
    assert result.errors[3] == {"username": ["Row 0 has the same username."]}


def test_a_batch_costs_two_queries_whatever_its_size(django_assert_num_queries):
    rows = [row(f"user{n}") for n in range(200)]

    with django_assert_num_queries(2):
        result = validate_user_rows(rows, actor=None)

    assert len(result.valid) == 200
