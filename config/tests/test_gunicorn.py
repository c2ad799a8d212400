"""The project's gunicorn settings, tried on a real gunicorn: long request lines reach
Django (which answers in JSON), and HEAD answers carry no body."""

import json

import pytest

from config.tests.processes import Gunicorn


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    server = Gunicorn(tmp_path_factory.mktemp("gunicorn") / "gunicorn.log")
    yield server
    server.stop()


def test_a_request_line_over_four_kilobytes_is_answered_by_django_in_json(server):
    path = "/api/v1/users/?search=" + "a" * 6_000

    status, headers, body = server.request("GET", path)

    # Django saw it: no credentials, so its JSON 401 (gunicorn's own answer is HTML).
    assert status == 401
    assert headers["Content-Type"].startswith("application/json")
    assert b"credentials" in body


def test_head_has_the_headers_of_get_and_no_body(server):
    get_status, get_headers, get_body = server.request("GET", "/api/v1/health/live/")
    head_status, head_headers, head_body = server.request("HEAD", "/api/v1/health/live/")

    assert (get_status, head_status) == (200, 200)
    assert get_body and head_body == b""
    assert head_headers["Content-Type"] == get_headers["Content-Type"]


def test_log_format_json_makes_every_line_of_gunicorn_json_too(tmp_path):
    server = Gunicorn(tmp_path / "gunicorn.log", LOG_FORMAT="json")
    try:
        server.request("GET", "/api/v1/health/live/", {"X-Request-ID": "json-line"})
    finally:
        server.stop()

    events = [json.loads(line) for line in server.log.read_text().splitlines()]
    [access] = [e for e in events if e["logger"] == "gunicorn.access" and e["request_id"] == "json-line"]
    assert '"GET /api/v1/health/live/ HTTP/1.1" 200' in access["message"]
    assert any(event["logger"] == "gunicorn.error" and "Listening at" in event["message"] for event in events)
