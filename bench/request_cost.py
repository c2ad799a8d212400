"""What one request costs the web process, per SPEC §6 class: CPU and wall microseconds.

    DATABASE_URL=postgres://…/userbase_bench REDIS_URL=redis://127.0.0.1:6379/8 SECRET_KEY=x \\
        .venv/bin/python bench/request_cost.py [--requests 2000] [--profile detail]

Requests go through the WSGI application itself (config.wsgi, every middleware), in this
process, against the configured PostgreSQL and Redis, with a token of `bench-admin`
(`make bench` creates it): no server, no network client, so the figures are the
application's own share of a request. CPU is process time (PostgreSQL's and Redis's own
work is not in it; the wall figure includes their round trips). `--profile CLASS` prints
where that class spends its time (cProfile, sorted by own time).
"""

import argparse
import cProfile
import io
import os
import pstats
import random
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ.setdefault("LOG_LEVEL", "WARNING")

ROUNDS = 5


def paths(max_id: int, deep: list[str]) -> dict:
    """Each class as a function giving its next path, as bench/wrk/mix.lua draws them."""
    terms = ["aria", "oscar", "alice", "lina.gupta142857", "sofia.miller333333", "olga.santos500000"]
    return {
        "live": lambda: "/api/v1/health/live/",
        "first": lambda: "/api/v1/users/",
        "detail": lambda: f"/api/v1/users/{random.randint(1, max_id)}/",
        "search": lambda: f"/api/v1/users/?search={random.choice(terms)}",
        "deep": lambda: random.choice(deep),
        "stats": lambda: "/api/v1/users/stats/",
    }


def environ_for(path_and_query: str, token: str) -> dict:
    path, _, query = path_and_query.partition("?")
    return {
        "REQUEST_METHOD": "GET",
        "PATH_INFO": path,
        "QUERY_STRING": query,
        "SERVER_NAME": "127.0.0.1",
        "SERVER_PORT": "8801",
        "HTTP_HOST": "127.0.0.1:8801",
        "HTTP_AUTHORIZATION": f"Token {token}",
        "HTTP_ACCEPT_ENCODING": "gzip",
        "REMOTE_ADDR": "127.0.0.1",
        "wsgi.url_scheme": "http",
        "wsgi.input": io.BytesIO(),
        "wsgi.errors": sys.stderr,
        "wsgi.version": (1, 0),
        "wsgi.multithread": True,
        "wsgi.multiprocess": True,
        "wsgi.run_once": False,
        "SERVER_PROTOCOL": "HTTP/1.1",
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=2000, help="requests per class")
    parser.add_argument("--profile", help="print a profile of this class instead")
    parser.add_argument("--classes", default="live,first,detail,search,deep,stats")
    options = parser.parse_args()

    import django

    django.setup()

    import orjson
    from rest_framework.authtoken.models import Token

    from config.wsgi import application
    from users.models import User

    token = Token.objects.get(user__username="bench-admin").key
    max_id = User.objects.order_by("-id").values_list("id", flat=True).first()
    statuses: dict[int, int] = {}

    def start_response(status, headers, exc_info=None):
        code = int(status.split()[0])
        statuses[code] = statuses.get(code, 0) + 1

    def call(path: str) -> None:
        body = application(environ_for(path, token), start_response)
        b"".join(body)
        body.close()

    # Deep pages: `next` walked 60 pages down, the last 40 of them drawn from.
    deep, url = [], "/api/v1/users/"
    for _ in range(60):
        env = environ_for(url, token)
        env.pop("HTTP_ACCEPT_ENCODING")
        page = orjson.loads(b"".join(application(env, start_response)))
        url = page["next"].split("8801", 1)[1]
        deep.append(url)
    makers = paths(max_id, deep[-40:])
    if options.profile:
        make = makers[options.profile]
        for _ in range(200):
            call(make())
        profile = cProfile.Profile()
        profile.enable()
        for _ in range(options.requests):
            call(make())
        profile.disable()
        stats = pstats.Stats(profile)
        stats.sort_stats("tottime").print_stats(45)
        stats.sort_stats("cumulative").print_stats(60)
        return
    print(f"{'class':8} {'CPU µs':>8} {'wall µs':>8}   (median of {ROUNDS} rounds of {options.requests // ROUNDS})")
    for name in options.classes.split(","):
        make = makers[name]
        for _ in range(100):
            call(make())
        cpu, wall = [], []
        for _ in range(ROUNDS):
            batch = [make() for _ in range(options.requests // ROUNDS)]
            started, started_cpu = time.perf_counter(), time.process_time()
            for path in batch:
                call(path)
            cpu.append((time.process_time() - started_cpu) / len(batch) * 1e6)
            wall.append((time.perf_counter() - started) / len(batch) * 1e6)
        print(f"{name:8} {statistics.median(cpu):8.0f} {statistics.median(wall):8.0f}")
    bad = {code: count for code, count in statuses.items() if code >= 400}
    if bad:
        sys.exit(f"error statuses: {bad}")


if __name__ == "__main__":
    main()
