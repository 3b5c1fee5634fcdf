"""`OnceMap`: a thread-safe map that computes each missing key once (single flight).

Under load, many requests ask for the same missing result at the same moment
(20 clients, a dozen popular pairs). Computing it in each of them multiplies
the work by the number of waiters on a 2-core machine; here the first asker
computes and the others wait for its value. A failed computation is not kept:
the next asker computes again (and raises the same error for a bad request).
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Any, TypeVar

T = TypeVar("T")


class OnceMap:
    """Key -> value, each computed by one thread while others wait; LRU-bounded by ``size``.

    Examples
    --------
    >>> m = OnceMap(size=2)
    >>> m.get("a", lambda: 1), m.get("a", lambda: 2)
    (1, 1)
    """

    def __init__(self, size: int | None = None) -> None:
        self.size = size
        self._items: OrderedDict[Hashable, Any] = OrderedDict()
        self._pending: dict[Hashable, threading.Event] = {}
        self._lock = threading.Lock()
        self.hits = self.misses = 0

    def peek(self, key: Hashable) -> Any:
        """The kept value, or None when the key is not kept (nothing is computed)."""
        with self._lock:
            if key not in self._items:
                return None
            self._items.move_to_end(key)
            self.hits += 1
            return self._items[key]

    def put(self, key: Hashable, value: Any) -> None:
        """Keep ``value`` for ``key`` (made elsewhere, e.g. an answer as it was sent)."""
        with self._lock:
            self._items[key] = value
            self._items.move_to_end(key)
            self._trim()

    def _trim(self) -> None:
        while self.size is not None and len(self._items) > self.size:
            self._items.popitem(last=False)

    def get(self, key: Hashable, compute: Callable[[], T], *, heavy: bool = True) -> T:
        """The kept value for ``key``, or ``compute()`` run once for all who ask meanwhile.

        ``heavy`` says the computation is real work, which a subclass may bound
        (`_compute`); rendering what is already computed is not.
        """
        while True:
            with self._lock:
                if key in self._items:
                    self._items.move_to_end(key)
                    self.hits += 1
                    found: T = self._items[key]
                    return found
                pending = self._pending.get(key)
                if pending is None:
                    pending = self._pending[key] = threading.Event()
                    self.misses += 1
                    break
            pending.wait()  # then look again: kept, or failed and ours to retry
        try:
            value = self._compute(compute) if heavy else compute()
            with self._lock:
                self._items[key] = value
                self._items.move_to_end(key)
                self._trim()
            return value
        finally:
            with self._lock:
                del self._pending[key]
            pending.set()

    def _compute(self, compute: Callable[[], T]) -> T:
        """Where subclasses bound how many computations run at once."""
        return compute()
