"""Token authentication from the cache: no query for a known token, and every revocation
(deactivation, deletion, a new password, a deleted token) takes effect on the next request."""

import pytest
from django.urls import reverse
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from users.tests.factories import UserFactory

pytestmark = pytest.mark.django_db

STATS_URL = "/api/v1/users/stats/"


@pytest.fixture
def alice():
    return UserFactory(username="alice")


@pytest.fixture
def alice_client(alice) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=alice).key}")
    return client


def test_a_known_token_costs_no_query(alice_client, django_assert_num_queries):
    assert alice_client.get(STATS_URL).status_code == 200  # looks the token up, caches the answer

    with django_assert_num_queries(0):
        response = alice_client.get(STATS_URL)

    assert response.status_code == 200


@pytest.mark.parametrize(
    "revoke",
    [
        pytest.param(
            lambda admin, alice: admin.patch(f"/api/v1/users/{alice.pk}/", {"is_active": False}, format="json"),
            id="deactivated",
        ),
        pytest.param(lambda admin, alice: admin.delete(f"/api/v1/users/{alice.pk}/"), id="deleted"),
        pytest.param(
            lambda admin, alice: admin.patch(
                f"/api/v1/users/{alice.pk}/", {"password": "Qz7-vortex-harbour-91"}, format="json"
            ),
            id="new-password",
        ),
    ],
)
def test_a_revoking_write_takes_effect_on_the_next_request(alice_client, admin_client, alice, revoke):
    assert alice_client.get(STATS_URL).status_code == 200
    assert alice_client.get(STATS_URL).status_code == 200  # served from the cache

    assert revoke(admin_client, alice).status_code in (200, 204)

    response = alice_client.get(STATS_URL)
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Token"


def test_a_token_deleted_in_the_admin_stops_working_at_once(alice_client, alice, client, admin_user):
    assert alice_client.get(STATS_URL).status_code == 200
    token = Token.objects.get(user=alice)
    client.force_login(admin_user)

    # The token admin names a token by its user's id.
    client.post(reverse("admin:authtoken_tokenproxy_delete", args=[alice.pk]), {"post": "yes"})

    assert not Token.objects.filter(key=token.key).exists()
    assert alice_client.get(STATS_URL).status_code == 401


def test_an_unknown_or_malformed_token_is_refused(anon_client):
    for key in ("0" * 40, "short", "x" * 300):
        anon_client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
        response = anon_client.get(STATS_URL)
        assert response.status_code == 401
        assert response.json() == {"detail": "Invalid token."}
