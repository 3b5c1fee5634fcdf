"""What the web app shares between requests: the read-only store and a result cache.

The server never writes: it opens the store read-only, and each worker
thread gets its own DuckDB cursor (a connection is not shared between
threads). Because nothing changes under it, a computed result stays valid
for the server's life and is cached (bounded, least recently used first out).
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from pathlib import Path
from typing import Any, TypeVar

from asymmetry.store.store import Store

T = TypeVar("T")


class ReadOnlyStores:
    """One read-only connection to the store, one cursor per worker thread."""

    def __init__(self, path: str | Path) -> None:
        self.root = Store(path, read_only=True)
        self._local = threading.local()
        self._views: list[Store] = []
        self._lock = threading.Lock()

    def get(self) -> Store:
        view: Store | None = getattr(self._local, "store", None)
        if view is None:
            view = self.root.cursor()
            self._local.store = view
            with self._lock:
                self._views.append(view)
        return view

    def close(self) -> None:
        with self._lock:
            for view in self._views:
                view.close()
            self._views.clear()
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
