"""The benchmark's parsing of wrk and Prometheus output, and its table."""

import pytest

from bench.report import parse_prometheus, parse_wrk, queries_per_request, ratio, table

EXPOSITION = """\
# HELP userbase_http_requests_total HTTP requests answered, by route template and status.
# TYPE userbase_http_requests_total counter
userbase_http_requests_total{method="GET",route="/api/v1/users/{pk}/",status="200"} 1347.0
userbase_http_requests_total{method="GET",route="/api/v1/users/",status="200"} 653.0
userbase_http_requests_total{method="GET",route="/metrics",status="200"} 4.0
userbase_http_requests_total{method="GET",route="/health/live/",status="200"} 9.0
userbase_db_queries_total 2600.0
userbase_process_resident_memory_bytes{pid="123"} 9.0e+07
"""


def test_prometheus_counts_workload_requests_and_queries_whatever_braces_the_route_holds():
    assert parse_prometheus(EXPOSITION) == {"requests": 2000.0, "queries": 2600.0}


def test_queries_per_request_is_the_ratio_of_the_deltas():
    before, after = {"requests": 100.0, "queries": 50.0}, {"requests": 1100.0, "queries": 2050.0}
    assert queries_per_request(before, after) == 2.0
    assert queries_per_request(after, after) is None


def test_wrk_result_line_is_read_and_its_errors_added_up():
    output = (
        "Running 10s test @ http://127.0.0.1:8801\n"
        'BENCH_RESULT {"class": "mix", "requests": 5000, "seconds": 10.0, "p50_ms": 1.5, "p95_ms": 9.0, '
        '"p99_ms": 20.0, "max_ms": 80.0, "status_errors": 2, "socket_errors": 1, "timeouts": 3}\n'
    )
    result = parse_wrk(output)
    assert (result["rps"], result["errors"], result["p95_ms"]) == (500.0, 6, 9.0)


def test_wrk_output_without_a_result_line_is_an_error():
    with pytest.raises(ValueError, match="BENCH_RESULT"):
        parse_wrk("unable to connect to 127.0.0.1:8801 Connection refused\n")


def test_ratio_is_missing_when_either_side_is():
    assert ratio(700.0, 14.0) == 50.0
    assert ratio(700.0, None) is None


def test_table_is_markdown_with_missing_values_as_dashes():
    assert table([["mix", 1234.5, None]], ["workload", "req/s", "ratio"]).splitlines() == [
        "| workload | req/s | ratio |",
        "| --- | --- | --- |",
        "| mix | 1,234.5 | — |",
    ]
