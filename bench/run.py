"""The SPEC §6 benchmark: builds the data, starts the stack, drives it and a textbook baseline, prints the figures.

    make bench                      # 1,000,000 users (database userbase_bench)
    make bench-quick                # 20,000 users, 10 s per workload (database userbase_bench_20000)

Environment (all optional): BENCH_USERS, BENCH_SECONDS (each measured run), BENCH_WARMUP,
BENCH_TEXTBOOK_SECONDS, BENCH_CONNECTIONS, BENCH_DEPTH (deep pages: how far `next` is
walked), BENCH_IMPORT_ROWS, WEB_CONCURRENCY and GUNICORN_THREADS (both servers),
BENCH_PG (the PostgreSQL server, default postgres://postgres@127.0.0.1:5432).
Everything it starts runs in process groups of its own and is stopped on the way out,
Ctrl-C and failures included. The results go to bench/results/latest.json.
"""

import csv
import io
import json
import os
import platform
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
import uuid
from contextlib import ExitStack, contextmanager
from datetime import UTC, datetime
from pathlib import Path

import psycopg
import redis

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from bench.report import parse_prometheus, parse_wrk, queries_per_request, ratio, table

BASE_DIR = Path(__file__).resolve().parents[1]
VENV_BIN = Path(sys.executable).parent
RESULTS = BASE_DIR / "bench" / "results"
MIX_LUA = BASE_DIR / "bench" / "wrk" / "mix.lua"
CLASSES = ("mix", "first", "detail", "search", "deep", "stats")
PORTS = {"userbase": 8801, "textbook": 8802}
FULL_USERS = 1_000_000
COMMON_MATCHES_AT_1M = 15_000
IMPORT_PREFIX = "benchimport"
METRICS_TOKEN = uuid.uuid4().hex
WRK_TIMEOUT = "30s"  # a slow textbook answer is a slow request, not a socket timeout


def env_int(name: str, default: int) -> int:
    return int(os.environ.get(name) or default)


USERS = env_int("BENCH_USERS", FULL_USERS)
QUICK = USERS < FULL_USERS
SECONDS = env_int("BENCH_SECONDS", 10 if QUICK else 30)
WARMUP = env_int("BENCH_WARMUP", 2 if QUICK else 5)
TEXTBOOK_SECONDS = env_int("BENCH_TEXTBOOK_SECONDS", 5 if QUICK else 30)
CONNECTIONS = env_int("BENCH_CONNECTIONS", 100)
DEPTH = env_int("BENCH_DEPTH", min(300, max(2, USERS // 20 // 2)))
IMPORT_ROWS = env_int("BENCH_IMPORT_ROWS", 10_000 if QUICK else 100_000)
WORKERS = env_int("WEB_CONCURRENCY", os.cpu_count() or 2)
THREADS = env_int("GUNICORN_THREADS", 8)
PG = os.environ.get("BENCH_PG", "postgres://postgres@127.0.0.1:5432").rstrip("/")
DATABASE = "userbase_bench" if not QUICK else f"userbase_bench_{USERS}"
DATABASE_URL = f"{PG}/{DATABASE}"
REDIS_URL = "redis://127.0.0.1:6379/8"


def say(message: str) -> None:
    print(f"[bench {datetime.now(UTC):%H:%M:%S}] {message}", flush=True)


def base_env(**extra: str) -> dict[str, str]:
    env = {
        **os.environ,
        "DATABASE_URL": DATABASE_URL,
        "REDIS_URL": REDIS_URL,
        "SECRET_KEY": "userbase-bench-only",
        "METRICS_TOKEN": METRICS_TOKEN,
        "WEB_CONCURRENCY": str(WORKERS),
        "GUNICORN_THREADS": str(THREADS),
        # Welcome emails of the imported users go nowhere rather than into a log.
        "EMAIL_BACKEND": "django.core.mail.backends.dummy.EmailBackend",
        "LOG_LEVEL": "WARNING",
    }
    env.pop("DJANGO_SETTINGS_MODULE", None)
    env.update(extra)
    return env


def manage(*args: str, capture: bool = False) -> str:
    result = subprocess.run(  # noqa: S603 (our own commands)
        [sys.executable, "manage.py", *args],
        cwd=BASE_DIR,
        env=base_env(),
        check=True,
        text=True,
        stdout=subprocess.PIPE if capture else None,
    )
    return result.stdout or ""


# --- Data ------------------------------------------------------------------------------


def build_data() -> float:
    """Create, migrate and seed the database unless it holds the data already; seconds spent."""
    started = time.monotonic()
    with psycopg.connect(f"{PG}/postgres", autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [DATABASE]).fetchone():
            say(f"creating database {DATABASE}")
            conn.execute(f'CREATE DATABASE "{DATABASE}"')
    manage("migrate", "--noinput", "--verbosity", "0")
    manage("seed_demo", "--users", str(USERS), "--orders-per-user", "3", "--if-empty", "--seed", "1")
    with psycopg.connect(DATABASE_URL) as conn:
        seeded = conn.execute(
            "SELECT count(*) FROM users_user WHERE username NOT LIKE %s AND username <> 'bench-admin'",
            [f"{IMPORT_PREFIX}%"],
        ).fetchone()[0]
    if seeded != USERS:
        raise SystemExit(f"{DATABASE} holds {seeded} users, not {USERS}: drop it to rebuild it.")
    return time.monotonic() - started


def admin_token() -> str:
    snippet = (
        "from rest_framework.authtoken.models import Token\n"
        "from users.models import User\n"
        "user = User.objects.filter(username='bench-admin').first() or User.objects.create_superuser("
        "'bench-admin', 'bench-admin@example.com', None)\n"
        "print(Token.objects.get_or_create(user=user)[0].key)\n"
    )
    return manage("shell", "-c", snippet, capture=True).strip().splitlines()[-1]


def search_terms(conn) -> tuple[list[str], list[str], dict[str, int]]:
    """Common terms (first names matching about 15,000 users at 1M, scaled) and
    near-unique ones (whole usernames), with how many users each matches."""
    rows = conn.execute(
        "SELECT lower(split_part(full_name, ' ', 1)), count(*) FROM users_user WHERE username NOT LIKE %s GROUP BY 1",
        [f"{IMPORT_PREFIX}%"],
    ).fetchall()
    names = [name for name, _ in rows]
    last = {
        lower
        for (lower,) in conn.execute("SELECT DISTINCT lower(split_part(full_name, ' ', 2)) FROM users_user LIMIT 1000")
    }
    target = COMMON_MATCHES_AT_1M * USERS / FULL_USERS
    # A name inside another first or last name ("ana" in "hana") would match more than its users.
    alone = [
        (abs(count - target), name)
        for name, count in rows
        if len(name) >= 3 and not any(name in other for other in [*names, *last] if other != name)
    ]
    common = [name for _, name in sorted(alone)[:3]]
    unique = [
        username
        for (username,) in conn.execute(
            "SELECT username FROM users_user WHERE id = ANY(%s)", [[USERS // 7, USERS // 3, USERS // 2]]
        )
    ]
    where = "upper(username) LIKE upper(%s) OR upper(email) LIKE upper(%s) OR upper(full_name) LIKE upper(%s)"
    counts = {
        term: conn.execute(f"SELECT count(*) FROM users_user WHERE {where}", [f"%{term}%"] * 3).fetchone()[0]
        for term in [*common, *unique]
    }
    return common, unique, counts


# --- Processes --------------------------------------------------------------------------


def children(pid: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
                found.append(int(entry.name))
    return found


def _summed(pids: list[int], file: str, field: str) -> int:
    """A memory figure (kB lines of /proc/PID/FILE) summed over processes, in bytes;
    processes gone meanwhile count nothing."""
    total = 0
    for pid in pids:
        try:
            for line in Path(f"/proc/{pid}/{file}").read_text().splitlines():
                if line.startswith(field):
                    total += int(line.split()[1]) * 1024
        except OSError:
            continue
    return total


def rss(pids: list[int]) -> int:
    return _summed(pids, "status", "VmRSS:")


def pss(pids: list[int]) -> int:
    """Proportional memory: shared pages (PostgreSQL's buffers, a forked worker's code)
    split among the processes sharing them, so a sum over processes counts each once."""
    return _summed(pids, "smaps_rollup", "Pss:")


def named(*names: str) -> list[int]:
    """Processes whose command is one of `names` (PostgreSQL's and Redis's servers)."""
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if (entry / "comm").read_text().strip() in names:
                    found.append(int(entry.name))
            except OSError:
                continue
    return found


@contextmanager
def rss_peak(pids_of, measure=rss):
    """Samples the summed RSS (or `measure`) of pids_of() twice a second; yields a dict that gets 'peak' and 'end'."""
    seen = {"peak": 0, "end": 0}
    stop = threading.Event()

    def sample() -> None:
        while not stop.is_set():
            seen["peak"] = max(seen["peak"], measure(pids_of()))
            stop.wait(0.5)

    thread = threading.Thread(target=sample, daemon=True)
    thread.start()
    try:
        yield seen
    finally:
        stop.set()
        thread.join()
        seen["end"] = measure(pids_of())
        seen["peak"] = max(seen["peak"], seen["end"])


class Stack:
    """The processes the benchmark starts, each in its own process group, all stopped at exit."""

    def __init__(self, logs: Path) -> None:
        self.logs = logs
        self.processes: dict[str, subprocess.Popen] = {}

    def start(self, name: str, command: list[str], env: dict[str, str]) -> subprocess.Popen:
        log = open(self.logs / f"{name}.log", "w")
        process = subprocess.Popen(  # noqa: S603 (our own commands)
            command, cwd=BASE_DIR, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
        )
        log.close()
        self.processes[name] = process
        return process

    def stop(self) -> None:
        for process in self.processes.values():
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGTERM)
        deadline = time.monotonic() + 20
        for process in self.processes.values():
            try:
                process.wait(max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()
        self.processes.clear()


def gunicorn(stack: Stack, name: str, wsgi: str, scratch: Path, **extra: str) -> None:
    port = PORTS[name]
    env = base_env(
        PORT=str(port),
        PUBLIC_URL=f"http://127.0.0.1:{port}",
        PROMETHEUS_MULTIPROC_DIR=str(scratch / f"metrics-{name}"),
        **extra,
    )
    stack.start(name, [str(VENV_BIN / "gunicorn"), "-c", "config/gunicorn.py", wsgi], env)


def wait_until_up(url: str, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while True:
        try:
            with urllib.request.urlopen(url, timeout=5) as response:  # noqa: S310 (our own server)
                if response.status == 200:
                    return
        except OSError:
            if time.monotonic() > deadline:
                raise
        time.sleep(0.3)


def http(url: str, token: str | None = None, scheme: str = "Token", data=None, headers=None) -> bytes:
    request = urllib.request.Request(url, data=data, headers=dict(headers or {}))  # noqa: S310
    if token:
        request.add_header("Authorization", f"{scheme} {token}")
    with urllib.request.urlopen(request, timeout=120) as response:  # noqa: S310 (our own server)
        return response.read()


def drain(url: str, seconds: float = 120) -> None:
    """Wait until requests that wrk left queued are answered: until a cheap request is quick."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        started = time.monotonic()
        try:
            http(url)
        except OSError:
            pass
        if time.monotonic() - started < 0.2:
            return
        time.sleep(0.2)


# --- Workloads --------------------------------------------------------------------------


def deep_paths(token: str, scratch: Path) -> tuple[Path, Path, list[int]]:
    """Walk `next` DEPTH pages down; the last pages (up to 100) are the deep ones, and the
    textbook's deep pages are the same page numbers."""
    base = f"http://127.0.0.1:{PORTS['userbase']}"
    url, cursor_pages = f"{base}/api/v1/users/", []
    for _ in range(DEPTH):
        page = json.loads(http(url, token))
        url = page["next"]
        cursor_pages.append(url.removeprefix(base))
    numbers = list(range(DEPTH - len(cursor_pages[-100:]) + 2, DEPTH + 2))
    ours, theirs = scratch / "deep-userbase.txt", scratch / "deep-textbook.txt"
    ours.write_text("\n".join(cursor_pages[-100:]) + "\n")
    theirs.write_text("\n".join(f"/users/?page={n}" for n in numbers) + "\n")
    return ours, theirs, numbers


def wrk(klass: str, seconds: int, env: dict[str, str], port: int, connections: int = CONNECTIONS) -> dict:
    command = [
        "wrk",
        "-t2",
        f"-c{connections}",
        f"-d{seconds}s",
        f"--timeout={WRK_TIMEOUT}",
        "-s",
        str(MIX_LUA),
        f"http://127.0.0.1:{port}",
    ]
    output = subprocess.run(  # noqa: S603 (our own command)
        command, env={**os.environ, **env, "BENCH_MIX": klass}, check=True, text=True, capture_output=True
    ).stdout
    return parse_wrk(output)


def scrape() -> dict[str, float]:
    url = f"http://127.0.0.1:{PORTS['userbase']}/metrics"
    return parse_prometheus(http(url, METRICS_TOKEN, scheme="Bearer").decode())


def drive(name: str, stack: Stack, env: dict[str, str], seconds: int, warmup: int, think_ms: int = 0) -> list[dict]:
    port, server = PORTS[name], stack.processes[name]
    cheap = f"http://127.0.0.1:{port}" + ("/health/live/" if name == "userbase" else "/users/1/")
    classes = ("mix",) if think_ms else CLASSES
    run_env = {**env, "BENCH_THINK_MS": str(think_ms)} if think_ms else env
    results = []
    for klass in classes:
        if warmup:
            wrk(klass, warmup, run_env, port)
            drain(cheap)
        before = scrape() if name == "userbase" else None
        with rss_peak(lambda: children(server.pid)) as memory, rss_peak(lambda: stack_pids(stack), pss) as whole:
            result = wrk(klass, seconds, run_env, port)
        after = scrape() if name == "userbase" else None
        drain(cheap)
        result.update(
            server=name,
            workload="steady" if think_ms else klass,
            queries_per_request=queries_per_request(before, after) if before else None,
            web_rss_peak_mb=memory["peak"] / 2**20,
            web_rss_end_mb=memory["end"] / 2**20,
            stack_pss_peak_mb=whole["peak"] / 2**20 if name == "userbase" else None,
        )
        results.append(result)
        say(
            f"{name:9} {result['workload']:7} {result['rps']:8.1f} req/s  p50 {result['p50_ms']:.1f}  "
            f"p95 {result['p95_ms']:.1f}  p99 {result['p99_ms']:.1f} ms  errors {result['errors']}"
        )
    return results


def stack_pids(stack: Stack) -> list[int]:
    """Userbase's whole stack: gunicorn (master and workers), the Celery worker and its
    children, PostgreSQL and Redis (the textbook server, idle meanwhile, is left out)."""
    ours = [stack.processes[name].pid for name in ("userbase", "worker")]
    return [*ours, *(child for pid in ours for child in children(pid)), *named("postgres", "redis-server")]


def idle_timings(token: str, rounds: int = 30) -> dict:
    """Stats on an otherwise idle server, one request at a time: answered from the cache,
    and right after a write (a PATCH of the bench admin's name), when the aggregate is
    counted again over every user."""
    base = f"http://127.0.0.1:{PORTS['userbase']}/api/v1"
    me = json.loads(http(f"{base}/users/?search=bench-admin&fields=id", token))["results"][0]["id"]

    def timed(url: str) -> float:
        started = time.perf_counter()
        http(url, token)
        return (time.perf_counter() - started) * 1000

    timed(f"{base}/users/stats/")
    cached = sorted(timed(f"{base}/users/stats/") for _ in range(rounds))
    fresh = []
    for n in range(5):
        body = json.dumps({"full_name": f"Bench Admin {n}"}).encode()
        request = urllib.request.Request(  # noqa: S310 (our own server)
            f"{base}/users/{me}/", data=body, method="PATCH", headers={"Content-Type": "application/json"}
        )
        request.add_header("Authorization", f"Token {token}")
        urllib.request.urlopen(request, timeout=30).read()  # noqa: S310
        fresh.append(timed(f"{base}/users/stats/"))
    fresh.sort()
    result = {
        "stats_cached_p50_ms": cached[len(cached) // 2],
        "stats_cached_p95_ms": cached[int(len(cached) * 0.95)],
        "stats_after_write_median_ms": fresh[len(fresh) // 2],
        "stats_after_write_max_ms": fresh[-1],
    }
    say(
        "idle server: stats cached p50 {stats_cached_p50_ms:.1f} ms, p95 {stats_cached_p95_ms:.1f} ms; "
        "after a write median {stats_after_write_median_ms:.0f} ms, max {stats_after_write_max_ms:.0f} ms".format(
            **result
        )
    )
    return result


def clean_imported(conn) -> None:
    """Delete what an import left (this run's or a failed run's), so the data set stays as seeded."""
    imported = "SELECT id FROM users_user WHERE username LIKE %s"
    pattern = [f"{IMPORT_PREFIX}%"]
    for table_name in ("users_profile", "users_order", "authtoken_token"):
        conn.execute(f"DELETE FROM {table_name} WHERE user_id IN ({imported})", pattern)
    deleted = conn.execute("DELETE FROM users_user WHERE username LIKE %s", pattern).rowcount
    if deleted:
        conn.execute("VACUUM ANALYZE users_user, users_profile")


def import_csv(token: str, stack: Stack, conn) -> dict:
    """Upload IMPORT_ROWS new users as CSV and wait for the job to succeed."""
    run = uuid.uuid4().hex[:8]
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(["username", "email", "full_name", "role", "is_active", "department", "phone", "location"])
    for i in range(IMPORT_ROWS):
        name = f"{IMPORT_PREFIX}{run}x{i}"
        writer.writerow([name, f"{name}@import.example", f"Imported User {i}", "user", "true", "Sales", "", "Oslo"])
    boundary = uuid.uuid4().hex
    body = (
        f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="users.csv"\r\n'
        f"Content-Type: text/csv\r\n\r\n{buffer.getvalue()}\r\n--{boundary}--\r\n"
    ).encode()
    base = f"http://127.0.0.1:{PORTS['userbase']}"
    worker = stack.processes["worker"]

    def worker_pids() -> list[int]:
        return [worker.pid, *children(worker.pid)]

    with rss_peak(worker_pids) as memory:
        started = time.monotonic()
        job = json.loads(
            http(
                f"{base}/api/v1/users/import/",
                token,
                data=body,
                headers={"Content-Type": f"multipart/form-data; boundary={boundary}"},
            )
        )
        while True:
            status = json.loads(http(f"{base}/api/v1/imports/{job['id']}/", token))
            if status["status"] in ("succeeded", "failed"):
                break
            time.sleep(0.2)
        seconds = time.monotonic() - started
    result = {
        "rows": IMPORT_ROWS,
        "seconds": seconds,
        "status": status["status"],
        "created": status["created"],
        "failed": status["failed"],
        "worker_rss_peak_mb": memory["peak"] / 2**20,
    }
    peak = result["worker_rss_peak_mb"]
    say(f"import of {IMPORT_ROWS:,} rows: {status['status']} in {seconds:.1f} s, worker RSS peak {peak:.0f} MB")
    clean_imported(conn)
    return result


# --- Report -----------------------------------------------------------------------------

TARGETS = {
    "mix": "p95 ≤ 100 ms, p99 ≤ 250 ms, 0 errors, ≥ 50 times textbook",
    "first": "—",
    "detail": "—",
    "search": "p95 ≤ 50 ms",
    "deep": "p95 ≤ 1.5 times first page",
    "stats": "cached ≤ 5 ms",
    "steady": "p95 ≤ 20 ms at 200 req/s",
}


def summary(results: dict) -> str:
    ours = {r["workload"]: r for r in results["userbase"]}
    theirs = {r["workload"]: r for r in results["textbook"]}
    rows = []
    for workload in [*CLASSES, "steady"]:
        mine, base = ours.get(workload), theirs.get(workload)
        rows.append(
            [
                workload,
                TARGETS[workload],
                mine["rps"],
                mine["p50_ms"],
                mine["p95_ms"],
                mine["p99_ms"],
                mine["errors"],
                mine["queries_per_request"],
                mine["web_rss_peak_mb"],
                mine.get("stack_pss_peak_mb"),
                base["rps"] if base else None,
                base["p95_ms"] if base else None,
                base["errors"] if base else None,
                ratio(mine["rps"], base["rps"]) if base else None,
            ]
        )
    headers = [
        "workload",
        "SPEC target",
        "req/s",
        "p50 ms",
        "p95 ms",
        "p99 ms",
        "errors",
        "queries/req",
        "web RSS MB",
        "stack PSS MB",
        "textbook req/s",
        "textbook p95 ms",
        "textbook errors",
        "ratio",
    ]
    return table(rows, headers)


def main() -> None:
    RESULTS.mkdir(exist_ok=True)
    logs = RESULTS / "logs"
    logs.mkdir(exist_ok=True)
    begun = time.monotonic()
    say(f"{USERS:,} users in {DATABASE}; {CONNECTIONS} connections; {WORKERS} workers x {THREADS} threads")
    data_seconds = build_data()
    say(f"data ready in {data_seconds:.0f} s")
    results: dict = {
        "started_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": {"cpus": os.cpu_count(), "platform": platform.platform(), "loadavg_before": os.getloadavg()},
        "settings": {
            "users": USERS,
            "database": DATABASE,
            "connections": CONNECTIONS,
            "seconds": SECONDS,
            "warmup": WARMUP,
            "textbook_seconds": TEXTBOOK_SECONDS,
            "web_concurrency": WORKERS,
            "gunicorn_threads": THREADS,
            "depth": DEPTH,
        },
        "data_seconds": data_seconds,
    }
    token = admin_token()
    with ExitStack() as exits, psycopg.connect(DATABASE_URL, autocommit=True) as conn:
        scratch = Path(exits.enter_context(tempfile.TemporaryDirectory(prefix="userbase-bench-")))
        stack = Stack(logs)
        exits.callback(stack.stop)
        # Ctrl-C and a kill both unwind through the ExitStack; SIGINT explicitly, as a shell
        # starting the driver in the background leaves it ignored.
        signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
        signal.signal(signal.SIGINT, signal.default_int_handler)
        clean_imported(conn)
        redis.Redis.from_url(REDIS_URL).flushdb()
        gunicorn(stack, "userbase", "config.wsgi", scratch)
        gunicorn(stack, "textbook", "bench.textbook.wsgi", scratch, GUNICORN_TIMEOUT="120")
        stack.start(
            "worker",
            [str(VENV_BIN / "celery"), "-A", "config", "worker", "-Q", "default,imports,email", "--concurrency", "2"],
            base_env(),
        )
        wait_until_up(f"http://127.0.0.1:{PORTS['userbase']}/health/live/")
        wait_until_up(f"http://127.0.0.1:{PORTS['textbook']}/users/1/")
        say("stack up: userbase :8801, textbook :8802, a Celery worker")

        ours_deep, their_deep, numbers = deep_paths(token, scratch)
        common, unique, counts = search_terms(conn)
        for term, count in counts.items():
            say(f"search term {term!r} matches {count:,} users")
        terms = scratch / "terms.txt"
        terms.write_text("\n".join([*common, *unique]) + "\n")
        results.update(search_terms=counts, deep_pages=[numbers[0], numbers[-1]])
        shared = {"BENCH_TERMS_FILE": str(terms), "BENCH_MAX_ID": str(USERS)}
        ours_env = {**shared, "BENCH_TOKEN": token, "BENCH_DEEP_FILE": str(ours_deep)}
        their_env = {**shared, "BENCH_PREFIX": "", "BENCH_DEEP_FILE": str(their_deep)}

        results["userbase"] = drive("userbase", stack, ours_env, SECONDS, WARMUP)
        results["userbase"] += drive("userbase", stack, ours_env, SECONDS, WARMUP, think_ms=500)
        results["idle"] = idle_timings(token)
        results["textbook"] = drive("textbook", stack, their_env, TEXTBOOK_SECONDS, 0)
        results["import"] = import_csv(token, stack, conn)
        results["loadavg_after"] = os.getloadavg()
    results["total_seconds"] = time.monotonic() - begun
    text = summary(results)
    results["table"] = text
    (RESULTS / "latest.json").write_text(json.dumps(results, indent=2) + "\n")
    print()
    print(text)
    idle = results["idle"]
    print(
        f"\nstats on an idle server: cached p50 {idle['stats_cached_p50_ms']:.1f} ms, "
        f"p95 {idle['stats_cached_p95_ms']:.1f} ms; right after a write median "
        f"{idle['stats_after_write_median_ms']:.0f} ms, max {idle['stats_after_write_max_ms']:.0f} ms"
    )
    imported = results["import"]
    print(
        f"\nimport: {imported['rows']:,} rows {imported['status']} in {imported['seconds']:.1f} s "
        f"(worker RSS peak {imported['worker_rss_peak_mb']:.0f} MB); data {data_seconds:.0f} s; "
        f"whole run {results['total_seconds']:.0f} s; results in {RESULTS / 'latest.json'}"
    )


if __name__ == "__main__":
    if not shutil.which("wrk"):
        raise SystemExit("wrk is missing: run bench/install-tools")
    main()
