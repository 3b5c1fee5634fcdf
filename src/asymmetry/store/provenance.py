"""Provenance of ingests: dataset ids, file hashes, the `datasets` table.

Re-ingesting a file whose bytes are unchanged is a no-op; a file with the
same dataset id but new bytes replaces the earlier load. Both rules hang on
the sha256 recorded here.
"""

from __future__ import annotations

import hashlib
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
) -> None:
    con.execute("DELETE FROM datasets WHERE id = ?", [dataset_id])
    con.execute(
        "INSERT INTO datasets VALUES (?, ?, ?, ?, ?, ?, now()::TIMESTAMP, ?, ?)",
        [dataset_id, kind, str(file), sha256, rows, rows_skipped, __version__, note],
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
