"""What monitoring costs per request: the request middleware, and silk at 0% and 100%.

    .venv/bin/python bench/monitoring_overhead.py [--requests 3000]

Each variant runs in a process of its own (silk is switched on at settings time) on a
fresh SQLite database in a temporary directory, through Django's test client, so the
figures are the application's own CPU time per request (process time, so other load on
the machine disturbs them little), without a network or a server.
"""

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parents[1]
PATHS = ("/api/v1/health/live/", "/api/v1/users/?page_size=20", "/api/v1/users/1/")
VARIANTS = {
    "without the monitoring middleware": {"monitoring": False},
    "with the monitoring middleware": {},
    "the same, multi-process metrics (gunicorn)": {"PROMETHEUS_MULTIPROC_DIR": "{scratch}/metrics"},
    "with silk, SILKY_INTERCEPT_PERCENT=0": {"SILK_ENABLED": "true", "SILKY_INTERCEPT_PERCENT": "0"},
    "with silk, SILKY_INTERCEPT_PERCENT=100": {"SILK_ENABLED": "true", "SILKY_INTERCEPT_PERCENT": "100"},
}


def measure(requests: int, monitoring: bool) -> dict[str, float]:
    """In the child process: microseconds per request for each path (median of 5 rounds)."""
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.test import Client
    from rest_framework.authtoken.models import Token

    from users.models import Role, User

    if not monitoring:
        settings.MIDDLEWARE = [m for m in settings.MIDDLEWARE if not m.startswith("monitoring.")]
    call_command("migrate", verbosity=0)
    call_command("seed_demo", users=200, orders_per_user=1, verbosity=0)
    admin = User.objects.create_user(username="bench-admin", email="bench@example.com", role=Role.ADMIN)
    client = Client(headers={"Authorization": f"Token {Token.objects.create(user=admin).key}"})
    figures = {}
    for path in PATHS:
        assert client.get(path).status_code == 200, path
        rounds = []
        for _ in range(5):
            started = time.process_time()
            for _ in range(requests // 5):
                client.get(path)
            rounds.append((time.process_time() - started) / (requests // 5) * 1e6)
        figures[path] = statistics.median(rounds)
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=3000, help="requests per path and variant")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    options = parser.parse_args()
    if options.child:
        print(json.dumps(measure(options.requests, options.child == "monitoring")))
        return
    results = {}
    for name, variant in VARIANTS.items():
        with tempfile.TemporaryDirectory() as scratch:
            env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "REDIS_URL", "CELERY_BROKER_URL")}
            env.update({k: v.format(scratch=scratch) for k, v in variant.items() if k != "monitoring"})
            Path(scratch, "metrics").mkdir()
            env.update(
                DJANGO_SETTINGS_MODULE="config.settings",
                SQLITE_PATH=f"{scratch}/bench.sqlite3",
                CACHE_DIR=f"{scratch}/cache",
                ALLOWED_HOSTS="testserver",
                LOG_LEVEL="ERROR",
            )
            child = "monitoring" if variant.get("monitoring", True) else "bare"
            done = subprocess.run(  # noqa: S603 (this script, with our own interpreter)
                [sys.executable, __file__, "--requests", str(options.requests), "--child", child],
                cwd=BASE_DIR,
                env=env,
                capture_output=True,
                text=True,
            )
            if done.returncode:
                sys.exit(f"{name}: failed\n{done.stderr[-3000:]}")
            results[name] = json.loads(done.stdout.strip().splitlines()[-1])
    base = results["without the monitoring middleware"]
    print(f"{'CPU µs per request (median of 5 rounds)':<42}" + "".join(f"{path:>30}" for path in PATHS))
    for name, figures in results.items():
        cells = "".join(f"{figures[p]:>20.0f} ({figures[p] - base[p]:+6.0f})" for p in PATHS)
        print(f"{name:<42}{cells}")


if __name__ == "__main__":
    sys.path.insert(0, str(BASE_DIR))
    main()
