"""Helpers for tests that start the project in another process (a server, a worker)."""

import http.client
import os
import socket
import subprocess
import sys
import time
from pathlib import Path

from django.db import connection

BASE_DIR = Path(__file__).resolve().parents[2]


def database_env() -> dict[str, str]:
    """What another process needs to use the test database itself."""
    settings = connection.settings_dict
    if connection.vendor == "postgresql":
        user, host, port = settings["USER"], settings["HOST"] or "127.0.0.1", settings["PORT"] or 5432
        return {"DATABASE_URL": f"postgres://{user}@{host}:{port}/{settings['NAME']}"}
    return {"SQLITE_PATH": str(settings["NAME"])}


def wait_for(condition, seconds: float, what: str) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"Waited {seconds} s for {what}.")
        time.sleep(0.2)


def free_port() -> int:
    """A port nothing listens on (closed again: a server may take it)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Gunicorn:
    """The project's server (`gunicorn -c config/gunicorn.py`) on a free port, with `env`
    added to this process's environment (or to `environment` alone, when given); its
    output goes to `log`. Ready once it answers anything over HTTP."""

    def __init__(self, log: Path, environment: dict[str, str] | None = None, **env: str) -> None:
        self.port = free_port()
        self.log = log
        base = os.environ if environment is None else environment
        environment = {**base, "GUNICORN_BIND": f"127.0.0.1:{self.port}", "WEB_CONCURRENCY": "1", **env}
        with open(log, "ab") as output:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "gunicorn", "-c", "config/gunicorn.py", "config.wsgi"],
                cwd=BASE_DIR,
                env=environment,
                stdout=output,
                stderr=subprocess.STDOUT,
            )
        try:
            wait_for(self._answers, 30, "gunicorn to answer")
        except AssertionError:
            self.stop()
            raise

    def _answers(self) -> bool:
        if self.process.poll() is not None:
            raise AssertionError(f"gunicorn exited: {self.log.read_text(errors='replace')[-2000:]}")
        try:
            self.request("GET", "/api/v1/health/live/")  # a 400 for a host not allowed will do
        except OSError:
            return False
        return True

    def request(self, method: str, path: str, headers: dict | None = None) -> tuple[int, dict, bytes]:
        """One request on a connection of its own (so that any worker may take it)."""
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=10)
        try:
            connection.request(method, path, headers=headers or {})
            response = connection.getresponse()
            return response.status, dict(response.getheaders()), response.read()
        finally:
            connection.close()

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(timeout=5)
