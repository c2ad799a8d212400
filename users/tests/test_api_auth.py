"""Token auth: POST /api/v1/auth/token/, deactivated users, 401s and the per-IP throttle."""

import pytest
from rest_framework.authtoken.models import Token

from users.tests.factories import UserFactory

TOKEN_URL = "/api/v1/auth/token/"
USERS_URL = "/api/v1/users/"
PASSWORD = "pass-word-123"  # what UserFactory sets

pytestmark = pytest.mark.django_db


def obtain(client, body, **extra):
    return client.post(TOKEN_URL, body, format="json", **extra)


@pytest.fixture
def alice():
    return UserFactory(username="alice")


def test_valid_credentials_return_the_users_token(anon_client, alice):
    response = obtain(anon_client, {"username": "alice", "password": PASSWORD})

    assert response.status_code == 200
    assert response.json() == {"token": Token.objects.get(user=alice).key}


def test_the_token_authenticates_later_requests(anon_client, alice):
    key = obtain(anon_client, {"username": "alice", "password": PASSWORD}).json()["token"]
    anon_client.credentials(HTTP_AUTHORIZATION=f"Token {key}")

    response = anon_client.get(f"/api/v1/users/{alice.pk}/")

    assert response.status_code == 200
    assert response.json()["username"] == "alice"


def test_logging_in_twice_returns_the_same_token(anon_client, alice):
    first = obtain(anon_client, {"username": "alice", "password": PASSWORD}).json()["token"]
    second = obtain(anon_client, {"username": "alice", "password": PASSWORD}).json()["token"]

    assert first == second
    assert Token.objects.filter(user=alice).count() == 1


def test_login_records_last_login_at(anon_client, alice):
    assert alice.last_login_at is None

    obtain(anon_client, {"username": "alice", "password": PASSWORD})

    alice.refresh_from_db()
    assert alice.last_login_at is not None


@pytest.mark.parametrize(
    "body",
    [
        pytest.param({"username": "alice", "password": "wrong-password"}, id="wrong-password"),
        pytest.param({"username": "nobody", "password": PASSWORD}, id="unknown-user"),
    ],
)
def test_bad_credentials_are_a_400_with_detail(anon_client, alice, body):
    response = obtain(anon_client, body)

    assert response.status_code == 400
    assert set(response.json()) == {"detail"}
    assert "credentials" in response.json()["detail"]
    assert not Token.objects.exists()


def test_missing_fields_are_named(anon_client):
    response = obtain(anon_client, {})

    assert response.status_code == 400
    assert set(response.json()) == {"username", "password"}


def test_an_unknown_body_field_is_a_400_naming_it(anon_client, alice):
    response = obtain(anon_client, {"username": "alice", "password": PASSWORD, "remember_me": True})

    assert response.status_code == 400
    assert set(response.json()) == {"remember_me"}
    assert not Token.objects.exists()


def test_an_inactive_user_cannot_obtain_a_token(anon_client):
    UserFactory(username="gone", is_active=False)

    response = obtain(anon_client, {"username": "gone", "password": PASSWORD})

    assert response.status_code == 400
    assert "detail" in response.json()
    assert not Token.objects.exists()


def test_the_token_of_a_user_deactivated_later_stops_working(anon_client, admin_client, alice):
    key = obtain(anon_client, {"username": "alice", "password": PASSWORD}).json()["token"]
    assert admin_client.patch(f"/api/v1/users/{alice.pk}/", {"is_active": False}, format="json").status_code == 200
    anon_client.credentials(HTTP_AUTHORIZATION=f"Token {key}")

    response = anon_client.get(USERS_URL)

    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Token"
    assert "detail" in response.json()


@pytest.mark.parametrize(
    "authorization",
    [
        pytest.param(None, id="no-credentials"),
        pytest.param("Token not-a-real-key", id="unknown-token"),
        pytest.param("Token", id="malformed-header"),
    ],
)
def test_unauthenticated_requests_get_401_with_www_authenticate(anon_client, authorization):
    if authorization:
        anon_client.credentials(HTTP_AUTHORIZATION=authorization)

    response = anon_client.get(USERS_URL)

    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Token"
    assert set(response.json()) == {"detail"}


# --- throttle: 5 requests per minute per client IP -----------------------------------


def test_the_sixth_request_from_one_ip_is_throttled_with_retry_after(anon_client, alice):
    good = {"username": "alice", "password": PASSWORD}
    bad = {"username": "alice", "password": "wrong-password"}
    # Every request counts, whatever its outcome: successes, bad credentials, bad bodies.
    statuses = [obtain(anon_client, body).status_code for body in (good, bad, {}, good, bad)]
    assert statuses == [200, 400, 400, 200, 400]

    response = obtain(anon_client, good)

    assert response.status_code == 429
    assert "detail" in response.json()
    retry_after = response["Retry-After"]
    assert retry_after.isdigit()
    assert 1 <= int(retry_after) <= 60


def test_the_throttle_is_per_client_ip(anon_client, alice):
    for _ in range(5):
        obtain(anon_client, {"username": "alice", "password": "wrong-password"}, REMOTE_ADDR="10.0.0.1")
    assert obtain(anon_client, {"username": "alice", "password": PASSWORD}, REMOTE_ADDR="10.0.0.1").status_code == 429

    response = obtain(anon_client, {"username": "alice", "password": PASSWORD}, REMOTE_ADDR="10.0.0.2")

    assert response.status_code == 200
    assert "token" in response.json()


def test_a_spoofed_forwarded_for_header_does_not_escape_the_throttle(anon_client, alice):
    # With no trusted proxy configured, the client cannot choose its own identity.
    for n in range(5):
        obtain(anon_client, {"username": "alice", "password": PASSWORD}, HTTP_X_FORWARDED_FOR=f"198.51.100.{n}")

    response = obtain(anon_client, {"username": "alice", "password": PASSWORD}, HTTP_X_FORWARDED_FOR="198.51.100.99")

    assert response.status_code == 429


def test_the_throttle_does_not_apply_to_other_endpoints(admin_client):
    statuses = {admin_client.get(USERS_URL).status_code for _ in range(7)}

    assert statuses == {200}
