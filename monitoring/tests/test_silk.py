"""Silk: off unless SILK_ENABLED, then sampled, staff-only, capped, purged, and shown
bodies as the views wrote them (never gzipped)."""

import json
import os
import subprocess
import sys

import pytest
from django.conf import settings
from django.db import connection

from config.tests.processes import BASE_DIR

pytestmark = pytest.mark.django_db


def test_off_by_default_silk_is_nowhere(admin_client):
    admin_client.get("/api/v1/users/")

    assert settings.SILK_ENABLED is False
    assert "silk" not in settings.INSTALLED_APPS
    assert not [name for name in settings.MIDDLEWARE if "silk" in name]
    assert not [table for table in connection.introspection.table_names() if table.startswith("silk_")]
    assert admin_client.get("/silk/").status_code == 404


def _silk_session(tmp_path, percent: str) -> dict:
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "SILK_ENABLED": "true",
        "SILKY_INTERCEPT_PERCENT": percent,
        "ALLOWED_HOSTS": "testserver",
        "CACHE_DIR": str(tmp_path / "cache"),
        "SQLITE_PATH": str(tmp_path / "silk.sqlite3"),
        "MEDIA_ROOT": str(tmp_path / "media"),
    }
    for name in ("DATABASE_URL", "REDIS_URL", "CELERY_BROKER_URL"):
        env.pop(name, None)  # a database of its own: silk's tables are created there alone
    run = dict(cwd=BASE_DIR, env=env, capture_output=True, text=True, timeout=120, check=True)
    subprocess.run([sys.executable, "manage.py", "migrate", "--noinput", "-v", "0"], **run)
    done = subprocess.run([sys.executable, "-m", "monitoring.tests.silk_session"], **run)
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_on_silk_records_profiles_and_stays_staff_only(tmp_path):
    seen = _silk_session(tmp_path, "100")

    assert seen["listing_encoding"] == "gzip" and seen["listing_users"] == 20  # the client got gzip…
    assert seen["recorded"] == 1
    assert json.loads(seen["recorded_body"])["results"]  # …silk kept the JSON the view wrote
    assert seen["profiled"] is True
    assert (seen["purged"], seen["old_left"]) == (1, False)
    assert seen["staff_ui"] == 200
    assert seen["plain_ui"] in (302, 403) and seen["anon_ui"] == 302


def test_at_zero_percent_silk_records_nothing(tmp_path):
    seen = _silk_session(tmp_path, "0")

    assert seen["listing_users"] == 20
    assert seen["recorded"] == 0
