"""Every response names its request and its cost: X-Request-ID, X-Process-Time and
Server-Timing, on answers and errors alike; slow requests are logged with their SQL."""

import logging
import re

import pytest

pytestmark = pytest.mark.django_db

SERVER_TIMING = re.compile(r'app;dur=(?P<app>[\d.]+), db;dur=(?P<db>[\d.]+);desc="(?P<queries>\d+) queries"')


def _timing(response) -> dict:
    match = SERVER_TIMING.fullmatch(response["Server-Timing"])
    assert match, response["Server-Timing"]
    return {"app": float(match["app"]), "db": float(match["db"]), "queries": int(match["queries"])}


@pytest.mark.parametrize(
    ("who", "path", "status"),
    [
        ("user", "/api/v1/users/", 200),
        ("user", "/api/v1/users/999999/", 404),
        ("user", "/api/v1/users/?bogus=1", 400),
        ("anon", "/api/v1/users/", 401),
        ("user", "/api/v1/no-such-thing/", 404),
        ("anon", "/api/v1/health/live/", 200),
    ],
)
def test_every_response_carries_the_three_headers(who, path, status, user_client, anon_client):
    client = user_client if who == "user" else anon_client

    response = client.get(path)

    assert response.status_code == status
    assert re.fullmatch(r"[0-9a-f]{32}", response["X-Request-ID"])
    assert float(response["X-Process-Time"]) > 0
    timing = _timing(response)
    assert timing["app"] >= timing["db"] >= 0
    assert abs(timing["app"] / 1000 - float(response["X-Process-Time"])) < 0.001


def test_server_timing_counts_the_queries_of_the_request(user_client, django_assert_num_queries):
    user_client.get("/api/v1/users/")  # the version keys, the token: cached from now on
    with django_assert_num_queries(2) as captured:
        response = user_client.get("/api/v1/users/?fields=id,username&include_total=true")

    assert _timing(response)["queries"] == len(captured.captured_queries) == 2
    assert _timing(response)["db"] > 0


def test_a_sane_request_id_is_echoed_and_anything_else_replaced(user_client):
    echoed = user_client.get("/api/v1/users/", headers={"X-Request-ID": "lb-7f3a.2:9_x"})
    injected = user_client.get("/api/v1/users/", headers={"X-Request-ID": "evil\r\nSet-Cookie: a=b"})
    too_long = user_client.get("/api/v1/users/", headers={"X-Request-ID": "a" * 129})

    assert echoed["X-Request-ID"] == "lb-7f3a.2:9_x"
    assert re.fullmatch(r"[0-9a-f]{32}", injected["X-Request-ID"])
    assert re.fullmatch(r"[0-9a-f]{32}", too_long["X-Request-ID"])


def test_the_request_id_is_in_every_log_line_of_the_request(user_client, log_lines):
    user_client.get("/api/v1/users/999999/", headers={"X-Request-ID": "trace-404"})
    user_client.get("/api/v1/no-such-thing/", headers={"X-Request-ID": "trace-nowhere"})

    lines = log_lines()
    assert any("[trace-404]" in line and "Not Found: /api/v1/users/999999/" in line for line in lines), lines
    assert any("[trace-nowhere]" in line and "/api/v1/no-such-thing/" in line for line in lines), lines


def test_a_slow_request_is_logged_with_its_sql(user_client, settings, caplog):
    settings.SLOW_REQUEST_MS = 0
    with caplog.at_level(logging.WARNING, logger="userbase.slow"):
        response = user_client.get("/api/v1/users/?search=ada", headers={"X-Request-ID": "slow-one"})

    [record] = [r for r in caplog.records if r.getMessage().startswith("slow request")]
    assert record.route == "/api/v1/users/" and record.status == 200
    assert record.queries == _timing(response)["queries"] >= 1
    assert any("FROM" in statement["sql"] and "users_user" in statement["sql"] for statement in record.sql)
    assert "GET /api/v1/users/?search=ada" in record.getMessage()


def test_a_fast_request_is_not_logged(user_client, caplog):
    with caplog.at_level(logging.WARNING, logger="userbase.slow"):
        user_client.get("/api/v1/health/live/")

    assert not [r for r in caplog.records if r.name == "userbase.slow"]
