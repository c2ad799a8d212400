"""Metrics: JSON for admins at /api/v1/metrics/, Prometheus text at /metrics (admins or
METRICS_TOKEN), labelled by route template, and summed across gunicorn workers."""

import re
from concurrent.futures import ThreadPoolExecutor

import pytest

from config.tests.processes import Gunicorn, database_env
from monitoring import metrics
from tasks.models import ImportJob, ImportStatus

pytestmark = pytest.mark.django_db


def _counter(text: str, name: str, **labels: str) -> float:
    """The value of one sample in Prometheus text, 0 when absent."""
    wanted = ",".join(f'{key}="{value}"' for key, value in labels.items())
    for line in text.splitlines():
        if line.startswith(f"{name}{{{wanted}}} ") or (not labels and line.startswith(f"{name} ")):
            return float(line.rsplit(" ", 1)[1])
    return 0.0


def _endpoint(figures: dict, method: str, route: str) -> dict:
    return next(e for e in figures["requests"]["endpoints"] if (e["method"], e["route"]) == (method, route))


@pytest.mark.parametrize(("who", "status"), [("anon", 401), ("user", 403), ("manager", 403), ("admin", 200)])
def test_json_metrics_are_for_admins(who, status, client_for, anon_client, plain_user, manager_user, admin_user):
    client = (
        anon_client
        if who == "anon"
        else client_for({"user": plain_user, "manager": manager_user, "admin": admin_user}[who])
    )

    assert client.get("/api/v1/metrics/").status_code == status


def test_json_metrics_take_no_query_parameters(admin_client):
    response = admin_client.get("/api/v1/metrics/?window=5m")

    assert response.status_code == 400
    assert "window" in str(response.json())


def test_json_metrics_move_with_requests(admin_client, user_client):
    before = admin_client.get("/api/v1/metrics/").json()
    for _ in range(3):
        user_client.get("/api/v1/users/")
    user_client.get("/api/v1/users/42/")
    after = admin_client.get("/api/v1/metrics/").json()

    def count(figures, route):
        found = [e for e in figures["requests"]["endpoints"] if e["route"] == route and e["method"] == "GET"]
        return found[0]["count"] if found else 0

    assert count(after, "/api/v1/users/") - count(before, "/api/v1/users/") == 3
    assert count(after, "/api/v1/users/{pk}/") - count(before, "/api/v1/users/{pk}/") == 1
    listing = _endpoint(after, "GET", "/api/v1/users/")
    assert 0 < listing["p50_ms"] <= listing["p95_ms"] <= listing["p99_ms"]
    assert after["database"]["queries"] > before["database"]["queries"]
    assert after["cache"]["hits"] + after["cache"]["misses"] > before["cache"]["hits"] + before["cache"]["misses"]
    assert after["users"]["total_users"] == 2
    assert after["process"]["rss_bytes"] > 0 and after["process"]["cpu_seconds"] > 0
    assert set(after) >= {"system", "celery", "imports", "slowest_requests"}


def test_json_metrics_show_import_jobs(admin_client):
    ImportJob.objects.create(file="a.csv", original_name="a.csv", status=ImportStatus.RUNNING, total=10, processed=4)
    ImportJob.objects.create(file="b.csv", original_name="b.csv", status=ImportStatus.SUCCEEDED, total=5, processed=5)

    imports = admin_client.get("/api/v1/metrics/").json()["imports"]

    assert imports["by_status"] == {"pending": 0, "running": 1, "succeeded": 1, "failed": 0}
    assert [(job["file"], job["progress"]) for job in imports["recent"]] == [("b.csv", 1.0), ("a.csv", 0.4)]


def test_prometheus_needs_an_admin_or_the_metrics_token(anon_client, user_client, admin_client, settings):
    settings.METRICS_TOKEN = "scrape-secret"

    assert anon_client.get("/metrics").status_code == 401
    assert user_client.get("/metrics").status_code == 403
    assert anon_client.get("/metrics", headers={"Authorization": "Bearer wrong"}).status_code == 401
    assert admin_client.get("/metrics").status_code == 200
    scraped = anon_client.get("/metrics", headers={"Authorization": "Bearer scrape-secret"})
    assert scraped.status_code == 200
    assert scraped["Content-Type"].startswith("text/plain")


def test_no_token_configured_means_no_bearer_access(anon_client, settings):
    settings.METRICS_TOKEN = ""

    assert anon_client.get("/metrics", headers={"Authorization": "Bearer "}).status_code == 401


def test_prometheus_labels_are_route_templates_never_raw_paths(admin_client, user_client):
    for user_id in (101, 202, 303):
        user_client.get(f"/api/v1/users/{user_id}/")
    user_client.get("/api/v1/made-up/path/123/")

    text = admin_client.get("/metrics").content.decode()

    assert _counter(text, "userbase_http_requests_total", method="GET", route="/api/v1/users/{pk}/", status="404") >= 3
    assert _counter(text, "userbase_http_requests_total", method="GET", route="<unmatched>", status="404") >= 1
    assert not re.search(r'route="[^"]*(101|202|303|made-up)', text)
    for family in (
        "userbase_http_request_duration_seconds_bucket",
        "userbase_db_queries_total",
        "userbase_cache_lookups_total",
        "userbase_import_jobs",
    ):
        assert family in text


def test_route_templates():
    assert metrics._template("api/v1/users/(?P<pk>[0-9]{1,18})/$") == "/api/v1/users/{pk}/"
    assert metrics._template("api/v1/users\\.(?P<format>[a-z0-9]+)/?$") == "/api/v1/users.{format}"
    assert metrics._template("admin/users/user/<path:object_id>/change/") == "/admin/users/user/{object_id}/change/"


def test_static_files_and_unknown_paths_are_routes_of_their_own(rf):
    assert metrics.route_of(rf.get("/static/monitoring/dashboard.js")) == "<static>"
    assert metrics.route_of(rf.get("/nowhere/")) == "<unmatched>"


@pytest.mark.django_db(transaction=True)
def test_counts_add_up_across_two_gunicorn_workers(tmp_path):
    metrics_dir = tmp_path / "metrics"
    server = Gunicorn(
        tmp_path / "gunicorn.log",
        WEB_CONCURRENCY="2",
        GUNICORN_THREADS="1",
        PROMETHEUS_MULTIPROC_DIR=str(metrics_dir),
        METRICS_TOKEN="two-workers",
        **database_env(),
    )
    try:
        # Eight clients at once on one-thread workers: both workers have to take some.
        with ThreadPoolExecutor(8) as pool:
            statuses = list(pool.map(lambda _: server.request("GET", "/api/v1/health/")[0], range(80)))
        _, _, body = server.request("GET", "/metrics", {"Authorization": "Bearer two-workers"})
    finally:
        server.stop()
    text = body.decode()

    assert statuses == [200] * 80
    assert _counter(text, "userbase_http_requests_total", method="GET", route="/api/v1/health/", status="200") == 80
    assert _counter(text, "userbase_http_request_duration_seconds_count", method="GET", route="/api/v1/health/") == 80
    pids = set(re.findall(r'userbase_process_resident_memory_bytes\{pid="(\d+)"\}', text))
    assert len(pids) == 2, text  # each worker reported, and the scrape summed both
    assert len(list(metrics_dir.glob("counter_*.db"))) == 2
