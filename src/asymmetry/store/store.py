"""`Store`: the one object that owns the DuckDB connection.

A store is a single DuckDB file. Opening a path that does not exist (for
writing) creates it and loads the embedded defaults (country table, packaged
facts, the OECD ICIO 2022 network) so every command works with no download; the
new store is built aside and renamed into place, so a store path never holds a
half-built store. An existing file is opened only if it carries the schema-version
marker in its ``meta`` table: any other DuckDB file is refused, never converted.
"""

from __future__ import annotations

import logging
import os
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from types import TracebackType
from typing import Any, Final, TypeVar

import duckdb
import pandas as pd

from asymmetry.errors import NotAStoreError, OutdatedStoreError, StoreError
from asymmetry.store import flow_tables
from asymmetry.store.once import OnceMap
from asymmetry.store.schema import DDL, IO_TRADE_SQL, SCHEMA_VERSION

DEFAULT_STORE_PATH: Final = Path(".asymmetry") / "store.duckdb"
STORE_ENV_VAR: Final = "ASYMMETRY_STORE"

# (stage description, fraction done in [0, 1]); the CLI draws it with rich.
ProgressCallback = Callable[[str, float], None]

# A server copying a snapshot (`asymmetry.web.state`) holds a read lock for about a
# second; a writer opening meanwhile waits this long for it instead of failing.
LOCK_WAIT_SECONDS = 10.0  # read at each call (tests shorten it)

T = TypeVar("T")

_log = logging.getLogger(__name__)


def connect_waiting(
    path: Path, *, read_only: bool, wait_seconds: float | None = None
) -> duckdb.DuckDBPyConnection:
    """`duckdb.connect`, retrying while another process holds a conflicting file lock.

    DuckDB refuses at once when the lock is taken; a short wait lets a writer
    start while `asymmetry serve` copies the store, and a reader while a
    writer commits. Any other error, or a lock held longer, is raised.
    """
    deadline = time.monotonic() + (LOCK_WAIT_SECONDS if wait_seconds is None else wait_seconds)
    while True:
        try:
            return duckdb.connect(str(path), read_only=read_only)
        except duckdb.IOException as exc:
            if "lock" not in str(exc).lower() or time.monotonic() >= deadline:
                raise
        time.sleep(0.1)


def default_store_path() -> Path:
    """`$ASYMMETRY_STORE` if set, else ``./.asymmetry/store.duckdb``."""
    env = os.environ.get(STORE_ENV_VAR)
    return Path(env) if env else DEFAULT_STORE_PATH


class Store:
    """An open asymmetry store.

    Examples
    --------
    >>> import asymmetry
    >>> with asymmetry.open("/tmp/example.duckdb") as store:  # doctest: +SKIP
    ...     store.query("SELECT count(*) AS n FROM io_network")
    """

    engine = "duckdb"  # what runs the SQL (`asymmetry.store.spark.SparkStore`: "spark")

    def __init__(
        self,
        path: str | Path | None = None,
        *,
        read_only: bool = False,
        defaults: bool = True,
        progress: ProgressCallback | None = None,
        create: bool = True,
    ) -> None:
        self.path = Path(path) if path is not None else default_store_path()
        self.read_only = read_only
        if not self.path.exists():
            if read_only or not create:
                raise StoreError(
                    f"store {self.path} does not exist; `asymmetry --store {self.path} init` "
                    "creates it with the embedded defaults (ICIO 2022, packaged facts)"
                )
            _create(self.path, defaults=defaults, progress=progress)
        self.con = _connect(self.path, read_only=read_only)
        self._in_transaction = False
        self._memo = OnceMap(size=1024)  # LRU: per-pair tables come and go, the network stays
        if not self.is_initialised():
            # A DuckDB file of something else: refused whatever the command, never converted.
            self.con.close()
            raise NotAStoreError(self.path, "a DuckDB file with no asymmetry schema version")
        if self.schema_version() < SCHEMA_VERSION:
            self._migrate()
        elif not read_only:
            self._refresh_packaged_facts()

    def _refresh_packaged_facts(self) -> None:
        """Re-load the packaged facts a newer package ships (same schema, new figures): a
        sha256 per file, so an unchanged file costs a hash and nothing is rewritten."""
        from asymmetry.store.ingest_facts import ingest_packaged_facts, packaged_facts_changed

        if packaged_facts_changed(self):
            ingest_packaged_facts(self)

    # -- lifecycle -----------------------------------------------------------
    def close(self) -> None:
        self.con.close()

    def cursor(self) -> Store:
        """A second handle on the same open database for another thread.

        A DuckDB connection must not be used by two threads at once; its
        cursors may (one each). Closing the handle closes only the cursor.
        """
        view = object.__new__(Store)
        view.path, view.read_only, view.con = self.path, self.read_only, self.con.cursor()
        view._memo = self._memo
        return view

    def memo(self, key: Any, compute: Callable[[], T]) -> T:
        """``compute()``, kept for the life of a read-only connection (shared by its cursors).

        Derived data that costs seconds (the ICIO network's matrices, its
        Leontief solution) is valid as long as the data cannot change: on a
        read-only open. A writable store computes every time. Threads asking
        together wait for one computation (`OnceMap`).
        """
        memo: OnceMap | None = getattr(self, "_memo", None)
        if memo is None or not self.read_only:
            return compute()
        return memo.get(key, compute)

    def remembered(self, key: Any) -> Any:
        """The value `memo` keeps for ``key``, or None when none is kept."""
        memo: OnceMap | None = getattr(self, "_memo", None)
        return None if memo is None else memo.peek(key)

    def __enter__(self) -> Store:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"Store({str(self.path)!r}, read_only={self.read_only})"

    # -- queries -------------------------------------------------------------
    def query(self, sql: str, params: Sequence[Any] | dict[str, Any] | None = None) -> pd.DataFrame:
        """Run a parameterised SQL query and return a DataFrame."""
        return self.con.execute(sql, params).df()

    def rows(
        self, sql: str, params: Sequence[Any] | dict[str, Any] | None = None
    ) -> list[tuple[Any, ...]]:
        """A query's rows as tuples: for a small result, without a DataFrame's cost."""
        return self.con.execute(sql, params).fetchall()

    def scalar(self, sql: str, params: Sequence[Any] | dict[str, Any] | None = None) -> Any:
        row = self.con.execute(sql, params).fetchone()
        return None if row is None else row[0]

    @contextmanager
    def transaction(self) -> Iterator[duckdb.DuckDBPyConnection]:
        """All-or-nothing block: on any exception the store is left as before.

        A transaction opened inside another joins it (DuckDB has no savepoints): the
        outermost block commits or rolls back everything, so several loads can be made
        one (`ingest_flows.one_transaction`).
        """
        if self.read_only:
            raise StoreError(f"store {self.path} is open read-only")
        if self.in_transaction:
            yield self.con
            return
        self.con.begin()
        self._in_transaction = True
        try:
            yield self.con
        except BaseException:
            self.con.rollback()
            raise
        else:
            self.con.commit()
        finally:
            self._in_transaction = False

    @property
    def in_transaction(self) -> bool:
        """True inside `transaction` (whose block an inner `transaction` joins)."""
        return getattr(self, "_in_transaction", False)

    def is_initialised(self) -> bool:
        found = self.con.execute(
            "SELECT count(*) FROM information_schema.tables WHERE table_name = 'meta'"
        ).fetchone()
        if not found or not found[0]:
            return False
        version = self.scalar("SELECT value FROM meta WHERE key = 'schema_version'")
        return version is not None

    def schema_version(self) -> int:
        return int(self.scalar("SELECT value FROM meta WHERE key = 'schema_version'"))

    def _migrate(self) -> None:
        """Bring a store written by an older version up to date, in one transaction."""
        if self.read_only:
            version = self.schema_version()
            self.con.close()
            raise OutdatedStoreError(
                f"store {self.path} was written by an older version (schema "
                f"{version}, now {SCHEMA_VERSION}); "
                f"`asymmetry --store {self.path} init` upgrades it"
            )
        with self.transaction() as con:
            version = self.schema_version()
            if version < 3:
                con.execute("ALTER TABLE flows ADD COLUMN IF NOT EXISTS reporter VARCHAR")
            if version < 7:
                con.execute("ALTER TABLE datasets ADD COLUMN IF NOT EXISTS options VARCHAR")
            con.execute(DDL)  # new tables and views; existing ones are kept
            if version < 2:
                con.execute(IO_TRADE_SQL)
            if version < 4:
                con.execute(
                    "INSERT INTO flow_pairs SELECT source, year, exporter, importer, reporter, "
                    "sum(value_usd), count(*) FROM flows GROUP BY ALL"
                )
            if version < 8:
                flow_tables.split_legacy_table(con)
            con.execute(
                "UPDATE meta SET value = ? WHERE key = 'schema_version'", [str(SCHEMA_VERSION)]
            )
        if version < 6 and self.scalar("SELECT count(*) FROM datasets WHERE kind = 'facts'"):
            # Version 5 ships the official aggregates beside the packaged facts, version 6
            # the reported official figures (re-ingesting unchanged files is a no-op).
            from asymmetry.store.ingest_facts import ingest_packaged_facts

            ingest_packaged_facts(self)

    def datasets(self) -> pd.DataFrame:
        """Provenance of every ingest, newest first."""
        return self.query("SELECT * FROM datasets ORDER BY ingested_at DESC, id")

    def table_counts(self) -> dict[str, int]:
        names = [
            "flows",
            "flow_pairs",
            "countries",
            "country_codes",
            "products",
            "io_nodes",
            "io_network",
            "io_trade",
            "facts",
            "datasets",
        ]
        return {n: int(self.scalar(f"SELECT count(*) FROM {n}")) for n in names}

    # -- creation ------------------------------------------------------------
    def _initialise(self, *, defaults: bool, progress: ProgressCallback | None) -> None:
        # Imported here: ingest modules import Store for typing.
        from asymmetry.store.codes import COMTRADE_SPECIAL_CODES, reference_countries
        from asymmetry.store.ingest_facts import ingest_packaged_facts
        from asymmetry.store.ingest_icio import ingest_icio

        with self.transaction() as con:
            con.execute(DDL)
            flow_tables.rebuild_view(con)
            countries = reference_countries()
            con.register("_countries", countries)
            con.execute(
                "INSERT OR IGNORE INTO countries SELECT iso3, iso_numeric, name FROM _countries"
            )
            con.unregister("_countries")
            con.executemany(
                "INSERT OR IGNORE INTO country_codes VALUES ('comtrade', ?, ?, ?)",
                [[code, iso3, name] for code, (iso3, name) in COMTRADE_SPECIAL_CODES.items()],
            )
        if defaults:
            # Each default load is its own idempotent transaction; the version
            # is written last so an interrupted first open is retried in full.
            _log.info("initialising %s with embedded defaults", self.path)
            ingest_packaged_facts(self)
            ingest_icio(self, progress=progress)
        self.con.execute(
            "INSERT OR REPLACE INTO meta VALUES ('schema_version', ?)", [str(SCHEMA_VERSION)]
        )


def _connect(path: Path, *, read_only: bool) -> duckdb.DuckDBPyConnection:
    from asymmetry.store.locking import open_error

    try:
        con = connect_waiting(path, read_only=read_only)
    except duckdb.Error as exc:
        raise open_error(path, exc) from exc
    # Progress is reported through callbacks; DuckDB must not draw its own.
    con.execute("SET enable_progress_bar_print = false")
    return con


def _create(path: Path, *, defaults: bool, progress: ProgressCallback | None) -> None:
    """Build a new store beside ``path`` and move it into place when complete.

    The rename is atomic, so a store path holds either nothing or a whole store:
    an interrupted creation leaves no half-built file for the next command to take
    for a store (or to refuse as a foreign DuckDB file).
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(f".{path.name}.{os.getpid()}.creating")
    leftovers = (partial, partial.with_name(partial.name + ".wal"))
    for leftover in leftovers:
        leftover.unlink(missing_ok=True)
    try:
        store = object.__new__(Store)
        store.path, store.read_only = partial, False
        store.con = _connect(partial, read_only=False)
        try:
            store._initialise(defaults=defaults, progress=progress)
            store.con.execute("CHECKPOINT")
        finally:
            store.close()
        os.replace(partial, path)
    finally:
        for leftover in leftovers:
            leftover.unlink(missing_ok=True)


def open_up_to_date(path: str | Path, *, progress: ProgressCallback | None = None) -> Store:
    """A read-only handle on the store at ``path`` (created if missing), first brought up
    to date (schema, packaged facts) when this package is newer than the store.

    For the default store, which the package builds from its embedded data and keeps
    current; a store the user names is only changed by commands that load data.
    """
    if not Path(path).exists():
        Store(path, progress=progress).close()
    try:
        store = Store(path, read_only=True)
    except OutdatedStoreError:
        Store(path).close()  # migrates
        return Store(path, read_only=True)
    from asymmetry.store.ingest_facts import packaged_facts_changed

    if packaged_facts_changed(store):
        store.close()
        Store(path).close()  # re-loads the packaged facts
        store = Store(path, read_only=True)
    return store


def open(
    path: str | Path | None = None,
    *,
    read_only: bool = False,
    defaults: bool = True,
    progress: ProgressCallback | None = None,
) -> Store:
    """Open (creating if needed) the store at ``path`` or the default location."""
    return Store(path, read_only=read_only, defaults=defaults, progress=progress)
