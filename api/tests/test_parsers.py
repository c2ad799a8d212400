"""JSON bodies at a bounded cost: a depth limit, a size limit, strict JSON, bounded errors."""

import json

import pytest
from rest_framework.authtoken.models import Token

from api.parsers import MAX_DEPTH
from users.models import User

pytestmark = pytest.mark.django_db

TOKEN_URL = "/api/v1/auth/token/"
USERS_URL = "/api/v1/users/"


def nested(depth: int) -> str:
    return "[" * depth + "]" * depth


def post(client, url: str, raw, content_type: str = "application/json"):
    return client.post(url, raw, content_type=content_type)


@pytest.mark.parametrize("depth", [MAX_DEPTH + 1, 1_000, 100_000])
def test_json_nested_deeper_than_the_limit_is_a_400_even_unauthenticated(anon_client, depth):
    response = post(anon_client, TOKEN_URL, nested(depth))

    assert response.status_code == 400
    assert set(response.json()) == {"detail"}
    assert "JSON parse error" in response.json()["detail"]


def test_deep_objects_inside_a_valid_body_are_refused_too(admin_client):
    deep_value = "{" + '"a":{' * MAX_DEPTH + "}" * MAX_DEPTH + "}"

    response = post(
        admin_client, USERS_URL, f'{{"username": "deep", "email": "d@example.com", "profile": {deep_value}}}'
    )

    assert response.status_code == 400
    assert f"nested deeper than {MAX_DEPTH} levels" in response.json()["detail"]
    assert not User.objects.filter(username="deep").exists()


def test_nesting_up_to_the_limit_is_parsed(anon_client):
    response = post(anon_client, TOKEN_URL, nested(MAX_DEPTH))

    # Parsed, then refused by the serializer for being a list rather than an object.
    assert response.status_code == 400
    assert "JSON parse error" not in json.dumps(response.json())


def test_a_body_over_the_upload_limit_is_a_413_naming_the_limit(admin_client, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1_000
    body = json.dumps({"username": "big", "email": "big@example.com", "full_name": "x" * 2_000})

    response = post(admin_client, USERS_URL, body)

    assert response.status_code == 413
    assert response.json() == {"detail": "The request body is larger than the limit of 1000 bytes."}
    assert not User.objects.filter(username="big").exists()


def test_a_body_at_the_upload_limit_is_accepted(admin_client, settings):
    body = json.dumps({"username": "fits", "email": "fits@example.com"})
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = len(body)

    assert post(admin_client, USERS_URL, body).status_code == 201


@pytest.mark.parametrize(
    ("raw", "content_type"),
    [
        pytest.param('{"username": NaN}', "application/json", id="nan"),
        pytest.param('{"username": "a"', "application/json", id="truncated"),
        pytest.param(b'{"username": "\xff"}', "application/json", id="not-utf8"),
        pytest.param('{"username": "\\ud800"}', "application/json", id="lone-surrogate"),
        pytest.param('{"username": "a"}', "application/json; charset=bz2_codec", id="not-a-text-charset"),
    ],
)
def test_malformed_json_is_a_400(anon_client, raw, content_type):
    response = post(anon_client, TOKEN_URL, raw, content_type)

    assert response.status_code == 400
    assert set(response.json()) == {"detail"}


def test_a_body_in_another_declared_charset_is_read(anon_client, admin_user):
    body = '{"username": "root-admin", "password": "pass-word-123"}'.encode("utf-16")

    response = post(anon_client, TOKEN_URL, body, "application/json; charset=utf-16")

    assert response.status_code == 200
    assert response.json() == {"token": Token.objects.get(user=admin_user).key}


def test_thousands_of_unknown_keys_give_a_small_error_naming_twenty(anon_client):
    body = {"username": "a", "password": "b", **{f"junk{n}": 1 for n in range(50_000)}}

    response = post(anon_client, TOKEN_URL, json.dumps(body))

    assert response.status_code == 400
    errors = response.json()
    assert len(errors) == 21
    assert [name for name in errors if name.startswith("junk")] == [f"junk{n}" for n in range(20)]
    assert errors["non_field_errors"] == ["50000 unknown fields; the first 20 are named."]
    assert len(response.content) < 4_000


def test_a_long_unknown_key_is_shortened_in_the_error(admin_client):
    response = post(admin_client, USERS_URL, json.dumps({"username": "k", "email": "k@example.com", "x" * 10_000: 1}))

    assert response.status_code == 400
    assert list(response.json()) == ["x" * 100 + "…"]
    assert len(response.content) < 1_000
