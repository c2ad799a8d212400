"""Strict bodies: JSON types as the schema says, no coercion of look-alikes."""

import pytest
from rest_framework import serializers as drf

from users.models import User
from users.serializers import SavedUserSerializer, UserDetailSerializer

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


def test_fields_are_worked_out_once_per_class_and_copied_for_each_serializer(monkeypatch):
    built = []
    original = drf.ModelSerializer.get_fields
    monkeypatch.setattr(drf.ModelSerializer, "get_fields", lambda self: built.append(type(self)) or original(self))
    for cls in (UserDetailSerializer, SavedUserSerializer):
        if "_fields_once" in cls.__dict__:  # worked out by an earlier test: start afresh
            monkeypatch.delattr(cls, "_fields_once")
    user = User(id=7, username="ada", email="ada@example.com")

    first, second = UserDetailSerializer(user, fields=("id", "username")), UserDetailSerializer(user)
    saved = SavedUserSerializer(user)

    assert first.data == {"id": 7, "username": "ada"}  # one instance's choice…
    assert set(second.data) >= {"id", "username", "email", "role"}  # …leaves the other's fields alone
    assert set(saved.data) == set(second.data)
    assert first.fields["id"] is not second.fields["id"]
    assert built.count(UserDetailSerializer) == 1 and built.count(SavedUserSerializer) == 1
