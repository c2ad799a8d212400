"""The slowest recent requests: the few slowest of the last minutes, per process and across
processes, and a failure to share them never fails a request."""

import json
import os
import time

from monitoring import recent
from monitoring.recent import KEEP, SlowestRequests, slowest_recent


def test_keeps_the_slowest_few():
    kept = SlowestRequests()
    for n in range(KEEP * 3):
        kept.note(n / 1000, {"path": f"/r/{n}"})

    assert sorted(r["path"] for r in kept.mine()) == sorted(f"/r/{n}" for n in range(KEEP * 2, KEEP * 3))


def test_old_requests_leave_the_list(monkeypatch):
    kept = SlowestRequests()
    kept.note(5.0, {"path": "/long-ago"})
    later = time.time() + recent.WINDOW + 1
    monkeypatch.setattr(recent.time, "time", lambda: later)

    kept.note(0.001, {"path": "/now"})

    assert [r["path"] for r in kept.mine()] == ["/now"]


def test_other_processes_lists_are_read_from_the_directory(tmp_path, monkeypatch):
    monkeypatch.setattr(recent, "slowest", SlowestRequests())
    other = {"path": "/other-worker", "seconds": 2.5, "at": time.time()}
    (tmp_path / f"{recent.FILE_PREFIX}{os.getpid() + 1}.json").write_text(json.dumps([other]))
    recent.slowest.note(0.5, {"path": "/this-worker"}, str(tmp_path))

    assert [r["path"] for r in slowest_recent(str(tmp_path))] == ["/other-worker", "/this-worker"]
    assert (tmp_path / f"{recent.FILE_PREFIX}{os.getpid()}.json").exists()


def test_a_directory_that_cannot_be_written_costs_the_list_not_the_request(tmp_path, caplog):
    kept = SlowestRequests()

    kept.note(0.5, {"path": "/still-answered"}, str(tmp_path / "gone"))

    assert [r["path"] for r in kept.mine()] == ["/still-answered"]
    assert "Could not write the slowest requests" in caplog.text
