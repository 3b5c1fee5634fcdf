"""What the web app shares between requests: the read-only store and a result cache.

The server never writes: it opens the store read-only, and each request gets
its own DuckDB cursor (a connection must not serve two threads at once).
Because nothing changes under it, a computed result stays valid for the
server's life and is cached (bounded, least recently used first out).
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, TypeVar

from asymmetry.store.store import Store

T = TypeVar("T")


class ReadOnlyStores:
    """One read-only connection to the store; a fresh cursor for each request.

    A cursor is made per request (about 0.2 ms), not per thread: FastAPI may
    resolve a dependency in one worker thread and run the endpoint in another.
    """

    def __init__(self, path: str | Path) -> None:
        self.root = Store(path, read_only=True)

    @contextmanager
    def handle(self) -> Iterator[Store]:
        view = self.root.cursor()
        try:
            yield view
        finally:
            view.close()

    def close(self) -> None:
        self.root.close()


class ResultCache:
    """A bounded LRU map from a request's arguments to its result, thread-safe.

    Two threads asking for the same missing key may both compute it; the
    results are equal (read-only store, seeded draws), so either is kept.
    """

    def __init__(self, size: int = 256) -> None:
        self.size = size
        self._items: OrderedDict[Hashable, Any] = OrderedDict()
        self._lock = threading.Lock()
        self.hits = self.misses = 0

    def peek(self, key: Hashable) -> Any:
        """The cached value, or None when the key was never computed."""
        with self._lock:
            if key not in self._items:
                return None
            self._items.move_to_end(key)
            self.hits += 1
            return self._items[key]

    def get(self, key: Hashable, compute: Callable[[], T]) -> T:
        with self._lock:
            if key in self._items:
                self._items.move_to_end(key)
                self.hits += 1
                found: T = self._items[key]
                return found
            self.misses += 1
        value = compute()
        with self._lock:
            self._items[key] = value
            self._items.move_to_end(key)
            while len(self._items) > self.size:
                self._items.popitem(last=False)
        return value
