"""`OnceMap` and the web's `ResultCache`: one computation per key, bounded concurrency."""

from __future__ import annotations

import threading
import time
from concurrent.futures import ThreadPoolExecutor

import pytest

from asymmetry.store.once import OnceMap
from asymmetry.web.state import ResultCache


def test_threads_asking_together_compute_once() -> None:
    calls: list[int] = []
    started = threading.Event()

    def slow() -> str:
        calls.append(1)
        started.set()
        time.sleep(0.2)
        return "value"

    once = OnceMap()
    with ThreadPoolExecutor(8) as pool:
        results = list(pool.map(lambda _: once.get("k", slow), range(8)))
    assert results == ["value"] * 8
    assert len(calls) == 1


def test_a_failure_is_not_kept_and_the_bound_evicts_the_oldest() -> None:
    once = OnceMap(size=2)

    def fail() -> int:
        raise ValueError("bad request")

    with pytest.raises(ValueError):
        once.get("k", fail)
    assert once.get("k", lambda: 1) == 1  # computed again after the failure
    once.get("a", lambda: 2)
    once.get("b", lambda: 3)
    assert once.peek("k") is None and once.peek("b") == 3


def test_at_most_two_heavy_computations_at_once() -> None:
    cache = ResultCache(slots=2)
    running = peak = 0
    lock = threading.Lock()

    def heavy() -> int:
        nonlocal running, peak
        with lock:
            running += 1
            peak = max(peak, running)
        time.sleep(0.1)
        # a computation inside another (the report inside a page) reuses its slot
        inner = cache.get(("inner", threading.get_ident()), lambda: 1)
        with lock:
            running -= 1
        return inner

    with ThreadPoolExecutor(6) as pool:
        assert list(pool.map(lambda n: cache.get(n, heavy), range(6))) == [1] * 6
    assert peak == 2
    # rendering what is computed takes no slot, even while both are taken
    taken = [cache._slots.acquire(), cache._slots.acquire()]
    assert all(taken)
    assert cache.get("page", lambda: "html", heavy=False) == "html"
