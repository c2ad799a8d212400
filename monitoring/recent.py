"""The slowest requests of the last few minutes, for the dashboard.

Each process keeps its own few; under gunicorn it also leaves them in a file of the
metrics directory now and then, so that the worker drawing the dashboard shows them
all. Keeping them costs a comparison per request.
"""

import heapq
import itertools
import json
import logging
import os
import threading
import time
from pathlib import Path

KEEP = 10  # requests per process
WINDOW = 300.0  # seconds a request stays "recent"
WRITE_EVERY = 2.0  # seconds between two writes of a process's file
FILE_PREFIX = "slowest_"

logger = logging.getLogger(__name__)


class SlowestRequests:
    def __init__(self) -> None:
        # A min-heap of (seconds, sequence, at, request): the sequence keeps ties apart.
        self.entries: list[tuple[float, int, float, dict]] = []
        self.sequence = itertools.count()
        self.lock = threading.Lock()
        self.changed = False
        self.written_at = 0.0

    def note(self, seconds: float, request: dict, directory: str = "") -> None:
        now = time.time()
        with self.lock:
            self._expire(now)
            if len(self.entries) < KEEP:
                heapq.heappush(self.entries, (seconds, next(self.sequence), now, request))
                self.changed = True
            elif seconds > self.entries[0][0]:
                heapq.heapreplace(self.entries, (seconds, next(self.sequence), now, request))
                self.changed = True
            due = self.changed and now - self.written_at >= WRITE_EVERY
        if directory and due:
            self.write(directory)

    def _expire(self, now: float) -> None:
        if self.entries and min(entry[2] for entry in self.entries) < now - WINDOW:
            self.entries = [entry for entry in self.entries if entry[2] >= now - WINDOW]
            heapq.heapify(self.entries)

    def mine(self) -> list[dict]:
        now = time.time()
        with self.lock:
            self._expire(now)
            return [{**request, "seconds": round(seconds, 4), "at": at} for seconds, _, at, request in self.entries]

    def write(self, directory: str) -> None:
        with self.lock:
            if not self.changed:
                return
            self.changed, self.written_at = False, time.time()
        path = Path(directory) / f"{FILE_PREFIX}{os.getpid()}.json"
        partial = path.with_suffix(".tmp")
        try:
            partial.write_text(json.dumps(self.mine()))
            partial.replace(path)
        except OSError as exc:  # the dashboard misses a list; the request must not fail
            logger.warning("Could not write the slowest requests to %s: %s", path, exc)


slowest = SlowestRequests()


def slowest_recent(directory: str, limit: int = KEEP) -> list[dict]:
    """The slowest recent requests of every process (this one's from memory)."""
    found = slowest.mine()
    if directory:
        for path in Path(directory).glob(f"{FILE_PREFIX}*.json"):
            if path.stem != f"{FILE_PREFIX}{os.getpid()}":
                try:
                    found.extend(json.loads(path.read_text()))
                except (OSError, ValueError):  # a worker gone or caught mid-write
                    continue
    cutoff = time.time() - WINDOW
    return sorted((r for r in found if r["at"] >= cutoff), key=lambda r: r["seconds"], reverse=True)[:limit]


def forget_process(directory: str, pid: int) -> None:
    """For gunicorn's child_exit: a dead worker's requests leave the list."""
    (Path(directory) / f"{FILE_PREFIX}{pid}.json").unlink(missing_ok=True)
