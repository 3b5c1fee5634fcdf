"""Provenance of ingests: dataset ids, file hashes, the `datasets` table.

Re-ingesting a file whose bytes are unchanged, with the same options, is a
no-op; a file with the same dataset id but new bytes (or other options that
change its rows) replaces the earlier load. Both rules hang on the sha256 and
the options recorded here.
"""

from __future__ import annotations

import hashlib
import json
import threading
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

import duckdb

from asymmetry import __version__
from asymmetry.errors import IngestError
from asymmetry.store.store import ProgressCallback

IngestStatus = Literal["loaded", "replaced", "unchanged"]

_CHUNK = 8 * 1024 * 1024


@dataclass(frozen=True, slots=True)
class IngestReport:
    """What one ingest did: which dataset, how many rows, what was skipped and why."""

    dataset: str
    kind: str
    file: str
    status: IngestStatus
    rows: int
    rows_skipped: int = 0
    skipped: Mapping[str, int] = field(default_factory=dict)
    examples: tuple[str, ...] = ()
    seconds: float = 0.0
    stages: Mapping[str, float] = field(default_factory=dict)  # seconds per step
    notes: tuple[str, ...] = ()  # what was assumed on the user's behalf (said, not hidden)

    def summary(self) -> str:
        text = f"{self.dataset}: {self.status}, {self.rows:,} rows"
        if self.rows_skipped:
            reasons = "; ".join(f"{n:,} {why}" for why, n in self.skipped.items())
            text += f", {self.rows_skipped:,} skipped ({reasons})"
        return text


def sha256_file(path: Path, progress: ProgressCallback | None = None) -> str:
    """Hex sha256 of a file, read in chunks so any size fits in memory."""
    digest = hashlib.sha256()
    total = max(path.stat().st_size, 1)
    done = 0
    with path.open("rb") as handle:
        while chunk := handle.read(_CHUNK):
            digest.update(chunk)
            done += len(chunk)
            if progress:
                progress(f"hashing {path.name}", done / total)
    return digest.hexdigest()


class BackgroundHash:
    """The sha256 of a file, computed in a thread started at construction.

    The hash is only needed when the dataset is recorded, at the end of the
    load, so it can run while DuckDB parses the file instead of before it:
    hashlib and file reads release the GIL, and the load rarely keeps both
    cores busy (the CSV scan waits on the order-preserving insert). On a
    9M-row BACI year that takes the hash (~0.3 s) off the critical path.
    """

    def __init__(self, path: Path) -> None:
        self.path = path
        self.seconds = 0.0  # time the hash itself took (overlapped with the load)
        self._digest: str | None = None
        self._failure: OSError | None = None
        self._thread = threading.Thread(target=self._run, name=f"sha256 {path.name}", daemon=True)
        self._thread.start()

    def _run(self) -> None:
        start = time.perf_counter()
        try:
            self._digest = sha256_file(self.path)
        except OSError as exc:  # re-raised in the caller's thread by `result`
            self._failure = exc
        self.seconds = round(time.perf_counter() - start, 3)

    def result(self) -> str:
        """Wait for the hash; an unreadable file is an `IngestError`."""
        self._thread.join()
        if self._failure is not None:
            raise IngestError(f"cannot read file: {self._failure}", file=self.path) from (
                self._failure
            )
        assert self._digest is not None
        return self._digest


def require_file(path: str | Path) -> Path:
    p = Path(path)
    if not p.is_file():
        raise IngestError("file not found or not a regular file", file=p)
    if p.stat().st_size == 0:
        raise IngestError("file is empty", file=p)
    return p


def previous_sha(con: duckdb.DuckDBPyConnection, dataset_id: str) -> str | None:
    row = con.execute("SELECT sha256 FROM datasets WHERE id = ?", [dataset_id]).fetchone()
    return None if row is None else str(row[0])


def previous_load(con: duckdb.DuckDBPyConnection, dataset_id: str) -> tuple[str, str | None] | None:
    """(sha256, options) of the dataset's recorded load, None when it was never loaded."""
    row = con.execute("SELECT sha256, options FROM datasets WHERE id = ?", [dataset_id]).fetchone()
    return None if row is None else (str(row[0]), None if row[1] is None else str(row[1]))


def options_key(options: Mapping[str, Any]) -> str:
    """The options that shape a load's rows as canonical JSON (the idempotency key beside
    the file's sha256: same bytes loaded leniently, then strictly, are two loads)."""
    return json.dumps(dict(options), sort_keys=True, separators=(",", ":"), default=str)


def check_dataset_id(
    con: duckdb.DuckDBPyConnection, dataset_id: str, *, kind: str, file: Path, replace: bool
) -> None:
    """Refuse an id that would overwrite what it should not.

    The prefix before ':' names the kind (the ingester): ``icio:oecd-2022`` given to a
    tidy-table ingest would replace the ICIO provenance. An existing dataset of the same
    kind loaded from another file is replaced only when ``replace`` says so.
    """
    prefix = dataset_id.split(":", 1)[0] if ":" in dataset_id else None
    if prefix is not None and prefix != kind:
        raise IngestError(
            f"dataset id {dataset_id!r} names a {prefix!r} dataset; this ingest loads "
            f"{kind!r} datasets, whose ids start with '{kind}:' (e.g. {kind}:{file.stem})",
            file=file,
            field="dataset",
            value=dataset_id,
        )
    row = con.execute("SELECT kind, file FROM datasets WHERE id = ?", [dataset_id]).fetchone()
    if row is None:
        return
    held_kind, held_file = str(row[0]), Path(str(row[1]))
    if held_kind != kind:
        raise IngestError(
            f"dataset {dataset_id!r} is a {held_kind!r} dataset (from {held_file.name}), "
            f"not {kind!r}; choose another dataset id",
            file=file,
            field="dataset",
            value=dataset_id,
        )
    if held_file.name != file.name and not replace:
        raise IngestError(
            f"dataset {dataset_id!r} holds {held_file.name}, another file; pass --replace "
            "to replace it with this one, or choose another dataset id",
            file=file,
            field="dataset",
            value=dataset_id,
        )


def record_dataset(
    con: duckdb.DuckDBPyConnection,
    *,
    dataset_id: str,
    kind: str,
    file: Path,
    sha256: str,
    rows: int,
    rows_skipped: int = 0,
    note: str | None = None,
    options: str | None = None,
) -> None:
    con.execute("DELETE FROM datasets WHERE id = ?", [dataset_id])
    con.execute(
        "INSERT INTO datasets (id, kind, file, sha256, rows, rows_skipped, ingested_at, "
        "tool_version, note, options) VALUES (?, ?, ?, ?, ?, ?, now()::TIMESTAMP, ?, ?, ?)",
        [dataset_id, kind, str(file), sha256, rows, rows_skipped, __version__, note, options],
    )


def execute_with_progress(
    con: duckdb.DuckDBPyConnection,
    sql: str,
    params: list[Any] | dict[str, Any] | None,
    *,
    stage: str,
    progress: ProgressCallback | None,
) -> None:
    """Run one long statement, reporting DuckDB's own progress estimate.

    DuckDB exposes progress only to another thread, so the statement runs
    in a worker while this thread polls `query_progress`.
    """
    if progress is None:
        con.execute(sql, params)
        return
    con.execute("SET enable_progress_bar = true; SET enable_progress_bar_print = false")
    failure: list[BaseException] = []

    def work() -> None:
        try:
            con.execute(sql, params)
        except BaseException as exc:  # re-raised in the caller's thread
            failure.append(exc)

    worker = threading.Thread(target=work, daemon=True)
    worker.start()
    while worker.is_alive():
        done = con.query_progress()
        if done >= 0:
            progress(stage, min(done / 100.0, 1.0))
        worker.join(0.1)
    if failure:
        raise failure[0]
    progress(stage, 1.0)


class Timer:
    """Wall-clock seconds since creation, and per named step (`lap`)."""

    def __init__(self) -> None:
        self.start = self.last = time.perf_counter()
        self.stages: dict[str, float] = {}

    def __call__(self) -> float:
        return round(time.perf_counter() - self.start, 3)

    def lap(self, stage: str) -> None:
        now = time.perf_counter()
        self.stages[stage] = self.stages.get(stage, 0.0) + round(now - self.last, 3)
        self.last = now
