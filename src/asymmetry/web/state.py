"""What the web app shares between requests: a snapshot of the store and its caches.

The server must not hold the store's file lock while it serves, or
`asymmetry ingest` could not open the store until the dashboard stops
(DuckDB lets one writer or many readers hold a file). So the server serves
a private copy (a snapshot): it takes the read lock only for the copy, when
no writer is in (a writer's transaction is then either committed in the file
or absent, never half-written). A watcher thread polls the store's file
signature (size and mtime of the file and its WAL); when it changes, a new
snapshot is copied and opened, its heavy shared results warmed, and then it
replaces the old one in one assignment. Requests in flight finish on the
snapshot they started with; it is closed and deleted after the last of them.

Each snapshot carries its own result cache and its connection's memo
(`Store.memo`), so nothing computed on one state of the data is served on
another. Each request gets its own DuckDB cursor (a connection must not
serve two threads at once).
"""

from __future__ import annotations

import logging
import shutil
import tempfile
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import partial
from pathlib import Path
from typing import Any, TypeVar

import duckdb

from asymmetry.errors import AsymmetryError, StoreError
from asymmetry.store.once import OnceMap
from asymmetry.store.store import Store, connect_waiting

T = TypeVar("T")
_log = logging.getLogger(__name__)

# (size, mtime_ns) of the store file and of its write-ahead log (None when absent)
Signature = tuple[tuple[int, int] | None, tuple[int, int] | None]


class ResultCache(OnceMap):
    """The results of one snapshot: computed once per key (`OnceMap`), LRU-bounded.

    At most ``slots`` computations run at once (a thread computing inside
    another's computation reuses its slot): on a 2-core machine more only
    slow each other down, and they would take every worker thread from the
    requests a cached result answers.
    """

    def __init__(self, size: int = 1024, *, slots: int = 2) -> None:
        super().__init__(size)
        self._slots = threading.BoundedSemaphore(slots)
        self._inside = threading.local()

    def _compute(self, compute: Callable[[], T]) -> T:
        if getattr(self._inside, "depth", 0):
            return compute()
        with self._slots:
            self._inside.depth = 1
            try:
                return compute()
            finally:
                self._inside.depth = 0


def signature(path: Path) -> Signature:
    """What changes when a writer commits: size and mtime of the file and its WAL."""

    def stat(p: Path) -> tuple[int, int] | None:
        try:
            found = p.stat()
        except FileNotFoundError:
            return None
        return found.st_size, found.st_mtime_ns

    return stat(path), stat(wal_path(path))


def wal_path(path: Path) -> Path:
    return path.with_name(path.name + ".wal")


class Snapshot:
    """One consistent state of the store: a private read-only copy, its cache, its users.

    ``generation`` counts the states the server has served (1 at start).
    """

    def __init__(
        self, source: Path, copy: Path, generation: int, stamp: Signature, cache_size: int
    ) -> None:
        self.source, self.copy, self.generation, self.signature = source, copy, generation, stamp
        self.root = Store(copy, read_only=True)
        self.cache = ResultCache(cache_size)
        self._users = 0
        self._retired = False
        self._lock = threading.Lock()

    @contextmanager
    def handle(self) -> Iterator[Store]:
        """A cursor of the request's own on this snapshot."""
        view = self.root.cursor()
        try:
            yield view
        finally:
            view.close()

    def enter(self) -> None:
        with self._lock:
            self._users += 1

    def leave(self) -> None:
        with self._lock:
            self._users -= 1
            done = self._retired and self._users == 0
        if done:
            self._discard()

    def retire(self) -> None:
        """No new users; closed and deleted when the last one leaves."""
        with self._lock:
            self._retired = True
            done = self._users == 0
        if done:
            self._discard()

    def _discard(self) -> None:
        self.root.close()
        shutil.rmtree(self.copy.parent, ignore_errors=True)


def take_snapshot(
    source: Path, generation: int, cache_size: int, *, lock_wait_seconds: float = 10.0
) -> Snapshot:
    """Copy ``source`` (and its WAL) under a read lock and open the copy read-only.

    The read lock keeps writers out while the bytes are copied; DuckDB
    refuses it while a writer is in, and we wait ``lock_wait_seconds`` at most.
    """
    if not source.exists():
        raise StoreError(
            f"store {source} does not exist; run any command without --read-only once to create it"
        )
    folder = Path(tempfile.mkdtemp(prefix="asymmetry-serve-"))
    copy = folder / source.name
    try:
        try:
            lock = connect_waiting(source, read_only=True, wait_seconds=lock_wait_seconds)
        except duckdb.Error as exc:
            raise StoreError(
                f"cannot read store {source} to serve it: {exc}. Is an ingest writing to it? "
                "Serve again when it is done."
            ) from exc
        try:
            stamp = signature(source)
            shutil.copyfile(source, copy)
            if wal_path(source).exists():
                shutil.copyfile(wal_path(source), wal_path(copy))
        except OSError as exc:
            raise StoreError(
                f"cannot copy store {source} to {folder} to serve it: {exc.strerror or exc}; "
                "free space there or point $TMPDIR at a disk with room for the store"
            ) from exc
        finally:
            lock.close()
        return Snapshot(source, copy, generation, stamp, cache_size)
    except BaseException:
        shutil.rmtree(folder, ignore_errors=True)
        raise


# What `warm` computes or carries over: results of the ICIO network alone.
ICIO_MEMO_KEYS = (
    ("icio_matrices",),
    ("icio_value_added_by_country",),
    ("icio_sector_names",),
    ("network_operators",),
)
ICIO_FINGERPRINT_SQL = """
SELECT (SELECT count(*) FROM io_network),
       (SELECT string_agg(id || kind || sha256 || rows || CAST(ingested_at AS VARCHAR), ','
                          ORDER BY id)
        FROM datasets WHERE kind = 'icio' OR id LIKE 'icio:%')"""


def identity(value: T) -> T:
    return value


def icio_fingerprint(db: Store) -> tuple[Any, ...]:
    """What the ICIO results depend on: the network's size and its ingests."""
    row = db.con.execute(ICIO_FINGERPRINT_SQL).fetchone()
    return tuple(row or ())


def warm(snapshot: Snapshot, previous: Snapshot | None = None) -> None:
    """Compute what every exposure and network lever shares (the ICIO matrices and the
    value-added origins: seconds of work) before the snapshot takes requests.

    When the ICIO network is the same as in ``previous`` (an ingest of goods
    flows), its results are carried over instead of computed again.
    """
    with snapshot.handle() as db:
        if previous is None:
            warm_store(db)
            return
        with previous.handle() as old:
            warm_store(db, old)


def warm_store(db: Store, previous: Store | None = None, *, compute: bool = True) -> None:
    """`warm` on a store (the server's snapshot, or a worker process's view of it);
    ``compute=False`` only carries over what ``previous`` holds."""
    from asymmetry.metrics.io_exposure import value_added_by_country
    from asymmetry.store.ingest_icio import icio_matrices

    if not db.scalar("SELECT count(*) FROM io_nodes"):
        return
    if previous is not None and icio_fingerprint(previous) == icio_fingerprint(db):
        for key in ICIO_MEMO_KEYS:
            value = previous.remembered(key)
            if value is not None:
                db.memo(key, partial(identity, value))
    if compute:
        m = icio_matrices(db)
        db.memo(("icio_value_added_by_country",), lambda: value_added_by_country(m))


class SnapshotStores:
    """The snapshot requests use now, replaced when an ingest commits to the store.

    ``poll_seconds`` is how often the store's signature is read (a stat, no
    lock); None never looks again (a store nobody writes). A change found
    while a writer still holds the store waits ``lock_wait_seconds`` at most,
    then the next poll tries again.
    """

    def __init__(
        self,
        path: str | Path,
        *,
        cache_size: int = 1024,
        poll_seconds: float | None = 1.0,
        prepare: Callable[[Snapshot, Snapshot | None], None] = warm,
        lock_wait_seconds: float = 0.5,
    ) -> None:
        self.path = Path(path)
        self.cache_size = cache_size
        self.prepare = prepare
        self.lock_wait_seconds = lock_wait_seconds
        self._current = take_snapshot(self.path, 1, cache_size)  # fails now, not later
        self._swap_lock = threading.Lock()
        self._stop = threading.Event()
        self._watcher: threading.Thread | None = None
        if poll_seconds is not None:
            self._watcher = threading.Thread(
                target=self._watch, args=(poll_seconds,), name="store-watcher", daemon=True
            )
            self._watcher.start()

    @property
    def current(self) -> Snapshot:
        return self._current

    @contextmanager
    def lease(self) -> Iterator[Snapshot]:
        """The current snapshot, kept open until the block ends even if replaced."""
        with self._swap_lock:
            snapshot = self._current
            snapshot.enter()
        try:
            yield snapshot
        finally:
            snapshot.leave()

    @contextmanager
    def handle(self) -> Iterator[Store]:
        """A cursor on the current snapshot."""
        with self.lease() as snapshot, snapshot.handle() as db:
            yield db

    def refresh(self) -> bool:
        """Take a new snapshot if the store changed since the current one; True if it did.

        A store being written (lock held), or one that fails to open, keeps the
        current snapshot; the next poll tries again.
        """
        if signature(self.path) == self._current.signature:
            return False
        try:
            fresh = take_snapshot(
                self.path,
                self._current.generation + 1,
                self.cache_size,
                lock_wait_seconds=self.lock_wait_seconds,
            )
        except (AsymmetryError, OSError) as exc:
            _log.info("store %s changed but cannot be read yet: %s", self.path, exc)
            return False
        try:
            self.prepare(fresh, self._current)
        except Exception:
            fresh.retire()
            raise
        with self._swap_lock:
            old, self._current = self._current, fresh
        old.retire()
        _log.info("serving generation %d of %s", fresh.generation, self.path)
        return True

    def _watch(self, seconds: float) -> None:
        try:  # the first snapshot is warmed here, so the server starts at once
            with self.lease() as first:  # held: a close meanwhile waits for the warming
                self.prepare(first, None)
        except Exception:
            _log.exception("warming the snapshot of %s failed", self.path)
        while not self._stop.wait(seconds):
            try:
                self.refresh()
            except Exception:  # a watcher that dies would serve stale data silently
                _log.exception("refreshing the snapshot of %s failed", self.path)

    def close(self) -> None:
        self._stop.set()
        if self._watcher is not None:
            self._watcher.join(timeout=5)
        self._current.retire()
