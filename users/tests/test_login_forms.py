"""The session login forms (/admin/login/, /api-auth/login/): throttled per client IP and
per username, and a browsable-API login lands on the API."""

import pytest
from django.urls import reverse

from users.tests.factories import UserFactory

pytestmark = pytest.mark.django_db

PASSWORD = "pass-word-123"  # what UserFactory sets
FORMS = [pytest.param("/admin/login/", id="admin"), pytest.param("/api-auth/login/", id="api-auth")]


@pytest.fixture
def alice():
    return UserFactory(username="alice")


@pytest.mark.parametrize("url", FORMS)
def test_the_sixth_submission_from_one_ip_is_refused_even_with_the_right_password(client, alice, url):
    for n in range(5):
        wrong = client.post(url, {"username": f"guess{n}", "password": "wrong"}, REMOTE_ADDR="10.1.1.1")
        assert wrong.status_code == 200  # the form again, with its error

    response = client.post(url, {"username": "alice", "password": PASSWORD}, REMOTE_ADDR="10.1.1.1")

    assert response.status_code == 429
    assert 1 <= int(response["Retry-After"]) <= 60
    assert "Too many login attempts" in response.content.decode()
    assert "_auth_user_id" not in client.session


@pytest.mark.parametrize("url", FORMS)
def test_one_username_is_limited_across_client_ips(client, alice, url):
    for n in range(5):
        client.post(url, {"username": "Alice", "password": "wrong"}, REMOTE_ADDR=f"10.2.0.{n}")

    response = client.post(url, {"username": "alice", "password": PASSWORD}, REMOTE_ADDR="10.2.0.99")

    assert response.status_code == 429
    assert "_auth_user_id" not in client.session


def test_other_users_and_addresses_are_not_affected(client, alice):
    UserFactory(username="bob")
    for _ in range(5):
        client.post("/admin/login/", {"username": "alice", "password": "wrong"}, REMOTE_ADDR="10.3.0.1")

    response = client.post("/api-auth/login/", {"username": "bob", "password": PASSWORD}, REMOTE_ADDR="10.3.0.2")

    assert response.status_code == 302


def test_showing_the_form_is_not_counted(client):
    statuses = {client.get("/admin/login/").status_code for _ in range(8)}

    assert statuses == {200}


def test_browsable_api_login_without_next_lands_on_the_api(client, alice):
    response = client.post("/api-auth/login/", {"username": "alice", "password": PASSWORD})

    assert response.status_code == 302
    assert response["Location"] == "/api/v1/"
    assert client.get(response["Location"], HTTP_ACCEPT="text/html").status_code == 200


def test_browsable_api_login_honours_next(client, alice):
    response = client.post(
        reverse("rest_framework:login") + "?next=/api/v1/users/", {"username": "alice", "password": PASSWORD}
    )

    assert response["Location"] == "/api/v1/users/"
