"""What a load balancer's health probes cost a running server: latency, and the CPU the
server's processes spend per call.

    .venv/bin/python bench/health_cost.py --port 8000 --pids $(pgrep -f "gunicorn -c config/gunicorn.py")
"""

import argparse
import http.client
import os
import statistics
import time

PATHS = ("/api/v1/health/live/", "/api/v1/health/")


def cpu_seconds(pids: list[int]) -> float:
    """User and system CPU of the processes, from /proc (Linux)."""
    total = 0
    for pid in pids:
        with open(f"/proc/{pid}/stat") as stat:
            fields = stat.read().rsplit(")", 1)[1].split()
        total += int(fields[11]) + int(fields[12])  # utime, stime
    return total / os.sysconf("SC_CLK_TCK")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=8000)
    parser.add_argument("--pids", type=int, nargs="+", required=True, help="the server's processes")
    parser.add_argument("--calls", type=int, default=300)
    options = parser.parse_args()
    connection = http.client.HTTPConnection("127.0.0.1", options.port, timeout=10)
    for path in PATHS:
        times = []
        cpu_before = cpu_seconds(options.pids)
        for _ in range(options.calls):
            started = time.perf_counter()
            connection.request("GET", path)
            response = connection.getresponse()
            response.read()
            times.append((time.perf_counter() - started) * 1000)
            if response.status != 200:
                raise SystemExit(f"{path} answered {response.status}")
        cpu = (cpu_seconds(options.pids) - cpu_before) * 1000 / options.calls
        p95 = statistics.quantiles(times, n=20)[-1]
        print(f"{path}: mean {statistics.mean(times):.2f} ms, p95 {p95:.2f} ms, server CPU {cpu:.2f} ms per call")


if __name__ == "__main__":
    main()
