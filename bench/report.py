"""Pure helpers of the benchmark: reading wrk's and Prometheus' output, and the result table."""

import json

from prometheus_client.parser import text_string_to_metric_families

RESULT_PREFIX = "BENCH_RESULT "
# Requests the driver itself makes between two scrapes; they are not part of the workload.
OWN_ROUTES = ("metrics", "health")


def parse_wrk(output: str) -> dict:
    """The JSON line that bench/wrk/mix.lua's done() prints, with errors added up."""
    for line in output.splitlines():
        if line.startswith(RESULT_PREFIX):
            result = json.loads(line[len(RESULT_PREFIX) :])
            result["errors"] = result["status_errors"] + result["socket_errors"] + result["timeouts"]
            result["rps"] = result["requests"] / result["seconds"] if result["seconds"] else 0.0
            return result
    raise ValueError(f"wrk printed no {RESULT_PREFIX.strip()} line:\n{output}")


def parse_prometheus(text: str) -> dict[str, float]:
    """From a /metrics exposition: workload requests answered and database queries made."""
    requests = queries = 0.0
    for family in text_string_to_metric_families(text):
        for sample in family.samples:
            if sample.name == "userbase_http_requests_total":
                if not any(own in sample.labels.get("route", "") for own in OWN_ROUTES):
                    requests += sample.value
            elif sample.name == "userbase_db_queries_total":
                queries += sample.value
    return {"requests": requests, "queries": queries}


def queries_per_request(before: dict[str, float], after: dict[str, float]) -> float | None:
    requests = after["requests"] - before["requests"]
    return (after["queries"] - before["queries"]) / requests if requests > 0 else None


def ratio(ours: float | None, baseline: float | None) -> float | None:
    return ours / baseline if ours and baseline else None


def _cell(value, digits: int = 1) -> str:
    if value is None:
        return "—"
    if isinstance(value, float):
        return f"{value:,.{digits}f}"
    return f"{value:,}"


def table(rows: list[list], headers: list[str]) -> str:
    """A Markdown table (it reads as well in a terminal as in docs/performance.md)."""
    cells = [[_cell(value) if not isinstance(value, str) else value for value in row] for row in rows]
    lines = ["| " + " | ".join(headers) + " |", "| " + " | ".join("---" for _ in headers) + " |"]
    lines += ["| " + " | ".join(row) + " |" for row in cells]
    return "\n".join(lines)
