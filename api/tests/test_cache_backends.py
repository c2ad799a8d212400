"""The embedded default's file cache: `add` is won by exactly one caller, even across processes."""

import multiprocessing

from api.cache_backends import FileCache


def _cache(directory) -> FileCache:
    return FileCache(str(directory), {})


def _try_add(directory, results) -> None:
    results.put(_cache(directory).add("lock", 1, 30))


def test_add_is_won_once_and_again_after_the_entry_expires(tmp_path):
    cache = _cache(tmp_path)

    assert cache.add("key", "first", 30) is True
    assert cache.add("key", "second", 30) is False
    assert cache.get("key") == "first"
    cache.set("old", "stale", -1)  # already expired
    assert cache.add("old", "fresh", 30) is True
    assert cache.get("old") == "fresh"


def test_many_processes_adding_at_once_make_one_winner(tmp_path):
    context = multiprocessing.get_context("fork")
    results = context.Queue()
    racers = [context.Process(target=_try_add, args=(tmp_path, results)) for _ in range(8)]
    for racer in racers:
        racer.start()
    for racer in racers:
        racer.join(timeout=30)

    outcomes = [results.get(timeout=5) for _ in racers]
    assert outcomes.count(True) == 1
    assert outcomes.count(False) == 7
