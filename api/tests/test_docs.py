"""The OpenAPI schema and the docs page: JSON by default, JSON errors, a hint to sign in."""

import pytest

pytestmark = pytest.mark.django_db


def test_the_schema_is_json_and_describes_the_api(user_client):
    response = user_client.get("/api/schema/")

    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.oai.openapi+json")
    schema = response.json()
    assert schema["openapi"].startswith("3.")
    for path in ("/api/v1/users/", "/api/v1/users/{id}/", "/api/v1/orders/", "/api/v1/auth/token/"):
        assert path in schema["paths"]


def test_the_schema_is_still_available_in_yaml(user_client):
    response = user_client.get("/api/schema/", {"format": "yaml"})

    assert response.status_code == 200
    assert response.content.decode().startswith("openapi: 3")


@pytest.mark.parametrize(
    ("path", "accept"),
    [
        ("/api/schema/", "*/*"),
        ("/api/schema/", "application/yaml"),
        ("/api/schema/?format=yaml", "*/*"),
        ("/api/docs/", "text/html"),
    ],
)
def test_without_credentials_the_answer_is_a_json_401_saying_how_to_sign_in(anon_client, path, accept):
    response = anon_client.get(path, HTTP_ACCEPT=accept)

    assert response.status_code == 401
    assert response["Content-Type"].startswith("application/json")
    assert response["WWW-Authenticate"] == "Token"
    detail = response.json()["detail"]
    assert "Authorization: Token <key>" in detail
    assert "/api-auth/login/?next=" in detail


def test_the_docs_page_is_html_for_a_signed_in_reader(user_client):
    response = user_client.get("/api/docs/")

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/html")
    assert "swagger" in response.content.decode().lower()
    assert "/api/schema/" in response.content.decode()
