"""JSON errors under /api/: 404, 405, 500 and the handlers behind them; HTML elsewhere."""

import json

import pytest
from django.core.exceptions import RequestDataTooBig
from django.test import Client, RequestFactory

from api.errors import bad_request, server_error
from users import views as user_views

STATS_URL = "/api/v1/users/stats/"


def is_json(response) -> bool:
    return response["Content-Type"].startswith("application/json")


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("path", "anonymous_status"),
    [
        ("/api/v1/nope", 404),
        ("/api/v1/nope/", 404),
        ("/api/v1/users/abc/", 404),
        ("/api/v2/users/", 404),
        # Existing routes ask for credentials before they look the user up.
        ("/api/v1/users/987654/", 401),
        ("/api/v1/users/987654/orders/", 401),
    ],
)
@pytest.mark.parametrize("signed_in", [True, False], ids=["admin", "anonymous"])
def test_an_unknown_api_url_is_a_404_json(admin_client, anon_client, path, anonymous_status, signed_in):
    response = (admin_client if signed_in else anon_client).get(path)

    assert is_json(response)
    if signed_in or anonymous_status == 404:
        assert response.status_code == 404
        assert response.json() == {"detail": "Not found."}
    else:
        assert response.status_code == 401
        assert response["WWW-Authenticate"] == "Token"


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("method", "path", "allowed"),
    [
        ("put", "/api/v1/users/", {"GET", "POST", "HEAD", "OPTIONS"}),
        ("delete", "/api/v1/users/stats/", {"GET", "HEAD", "OPTIONS"}),
        ("post", "/api/v1/users/stats/", {"GET", "HEAD", "OPTIONS"}),
        ("get", "/api/v1/auth/token/", {"POST", "OPTIONS"}),
        ("post", "/api/v1/orders/", {"GET", "HEAD", "OPTIONS"}),
        ("post", "/api/v1/health/", {"GET", "HEAD"}),
        ("post", "/api/v1/health/live/", {"GET", "HEAD"}),
    ],
)
def test_a_wrong_method_is_a_405_json_with_the_allowed_ones(admin_client, method, path, allowed):
    response = getattr(admin_client, method)(path)

    assert response.status_code == 405
    assert {name.strip() for name in response["Allow"].split(",")} == allowed
    assert is_json(response), response["Content-Type"]
    assert response.json() == {"detail": f'Method "{method.upper()}" not allowed.'}


@pytest.mark.django_db
def test_a_write_without_its_csrf_token_is_a_json_403(admin_user):
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(admin_user)

    response = browser.post("/api/v1/users/stats/")

    assert response.status_code == 403
    assert is_json(response)
    assert response.json()["detail"].startswith("CSRF Failed")


@pytest.mark.django_db
def test_a_session_write_to_the_api_without_csrf_is_refused(admin_user):
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(admin_user)

    response = browser.post("/api/v1/users/", {"username": "x", "email": "x@example.com"}, "application/json")

    assert response.status_code == 403
    assert response.json()["detail"].startswith("CSRF Failed")


def test_a_body_django_refuses_as_too_big_is_a_json_413_naming_the_limit(settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 10
    request = RequestFactory().post("/api/v1/users/", "x" * 100, content_type="application/octet-stream")

    response = bad_request(request, RequestDataTooBig("too big"))

    assert response.status_code == 413
    assert json.loads(response.content) == {"detail": "The request body is larger than the limit of 10 bytes."}


def test_too_many_parameters_is_a_json_400_naming_the_limit(user_client, settings):
    settings.DATA_UPLOAD_MAX_NUMBER_FIELDS = 10
    query = "&".join(f"p{n}=1" for n in range(11))

    response = user_client.get(f"/api/v1/users/?{query}")

    assert response.status_code == 400
    assert response.json() == {"detail": "Too many parameters: at most 10 are accepted."}


def test_server_error_under_api_is_json():
    response = server_error(RequestFactory().get("/api/v1/x"))

    assert response.status_code == 500
    assert is_json(response)
    assert set(json.loads(response.content)) == {"detail"}


def test_server_error_elsewhere_is_html():
    response = server_error(RequestFactory().get("/admin/x"))

    assert response.status_code == 500
    assert response["Content-Type"].startswith("text/html")
    assert b"Server Error" in response.content


@pytest.mark.django_db
def test_an_unhandled_exception_in_a_view_is_a_500_json(admin_user, client_for, monkeypatch):
    def explode():
        raise RuntimeError("boom")

    monkeypatch.setattr(user_views.selectors, "user_stats", explode)
    client = client_for(admin_user)
    client.raise_request_exception = False

    response = client.get(STATS_URL)

    assert response.status_code == 500
    assert is_json(response)
    assert set(response.json()) == {"detail"}
    assert "boom" not in response.content.decode()
