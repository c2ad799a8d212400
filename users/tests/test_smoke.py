"""The API answers a token holder with a page of users."""

from users.tests.factories import UserFactory


def test_list_returns_users(admin_client):
    UserFactory.create_batch(3)
    response = admin_client.get("/api/v1/users/")
    assert response.status_code == 200
    assert len(response.json()["results"]) == 4
