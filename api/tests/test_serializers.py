"""Strict bodies: JSON types as the schema says, no coercion of look-alikes."""

import pytest

from users.models import User

pytestmark = pytest.mark.django_db

USERS_URL = "/api/v1/users/"


@pytest.mark.parametrize(
    ("change", "errors"),
    [
        pytest.param({"username": 123}, {"username": ["Expected a string."]}, id="number-for-string"),
        pytest.param(
            {"is_active": "true"}, {"is_active": ["Expected a boolean: true or false."]}, id="string-for-bool"
        ),
        pytest.param({"is_active": 1}, {"is_active": ["Expected a boolean: true or false."]}, id="number-for-bool"),
        pytest.param({"role": 1}, {"role": ["Expected a string."]}, id="number-for-choice"),
        pytest.param({"full_name": ["a"]}, {"full_name": ["Expected a string."]}, id="list-for-string"),
        pytest.param({"profile": {"bio": 0}}, {"profile": {"bio": ["Expected a string."]}}, id="nested"),
        pytest.param({"password": None}, {"password": ["This field may not be null."]}, id="null"),
    ],
)
def test_a_value_of_the_wrong_json_type_is_a_400(admin_client, change, errors):
    body = {"username": "typed", "email": "typed@example.com", **change}

    response = admin_client.post(USERS_URL, body, format="json")

    assert response.status_code == 400
    assert response.json() == errors
    assert not User.objects.filter(email="typed@example.com").exists()


def test_the_right_types_are_accepted(admin_client):
    body = {"username": "typed", "email": "typed@example.com", "is_active": False, "profile": {"bio": "Hi"}}

    response = admin_client.post(USERS_URL, body, format="json")

    assert response.status_code == 201
    assert response.json()["is_active"] is False
