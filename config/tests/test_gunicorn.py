"""The project's gunicorn settings, tried on a real gunicorn: long request lines reach
Django (which answers in JSON), and HEAD answers carry no body."""

import http.client
import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

BASE_DIR = Path(__file__).resolve().parents[2]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextmanager
def gunicorn(env: dict[str, str]) -> Iterator[int]:
    """A real gunicorn with the project's config and `env`, on a free port: yields the port
    once the server answers."""
    port = _free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "-c", "config/gunicorn.py", "config.wsgi"],
        cwd=BASE_DIR,
        env={**env, "GUNICORN_BIND": f"127.0.0.1:{port}", "WEB_CONCURRENCY": "1"},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                _request(port, "GET", "/api/v1/health/live/")
                break
            except OSError:
                if time.monotonic() > deadline or process.poll() is not None:
                    raise
                time.sleep(0.2)
        yield port
    finally:
        process.terminate()
        process.wait(timeout=10)


@pytest.fixture(scope="module")
def server():
    with gunicorn(dict(os.environ)) as port:
        yield port


def _request(port: int, method: str, path: str) -> tuple[int, dict, bytes]:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        connection.request(method, path)
        response = connection.getresponse()
        return response.status, dict(response.getheaders()), response.read()
    finally:
        connection.close()


def test_a_request_line_over_four_kilobytes_is_answered_by_django_in_json(server):
    path = "/api/v1/users/?search=" + "a" * 6_000

    status, headers, body = _request(server, "GET", path)

    # Django saw it: no credentials, so its JSON 401 (gunicorn's own answer is HTML).
    assert status == 401
    assert headers["Content-Type"].startswith("application/json")
    assert b"credentials" in body


def test_head_has_the_headers_of_get_and_no_body(server):
    get_status, get_headers, get_body = _request(server, "GET", "/api/v1/health/live/")
    head_status, head_headers, head_body = _request(server, "HEAD", "/api/v1/health/live/")

    assert (get_status, head_status) == (200, 200)
    assert get_body and head_body == b""
    assert head_headers["Content-Type"] == get_headers["Content-Type"]
