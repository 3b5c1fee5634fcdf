"""Load a file of trade flows into its dataset's table (`flows` is the view over them):
one transaction, validated, idempotent.

Format readers (BACI, tidy CSV/Parquet) describe their file as a SQL SELECT
producing the canonical columns, with markers instead of failing casts:
``'?'`` for an exporter/importer code that did not resolve, ``'?'``-prefixed
products for HS codes that are not 2/4/6 digits, NaN for an unreadable
quantity, -1 for a year that is missing or not a whole number. Rows are
inserted in one streaming pass (the fast path), then checked with one
aggregate query. Only when a check fails is the file read again with line
numbers, to name the first offending line.

Where the time goes, and why it is cheap (``benchmarks/bench_ingest.py``):

* the file's sha256 runs in a thread beside the load (`BackgroundHash`);
* a reader may give a stricter, typed ``fast_select`` for the optimistic
  pass (BACI reads ``q`` as DOUBLE instead of text + TRY_CAST); any row it
  cannot parse sends the file through the tolerant ``select`` instead;
* every row rule is a ``count(*) FILTER (WHERE predicate)`` of the one
  aggregate in `_violations`. **A new row-level check is one more `Check` in
  `CHECKS` or in a reader's ``FlowSource.checks`` (as the non-finite values
  and `nomenclature.product_list_check` are): a predicate over the canonical
  columns, evaluated in that same single pass**, located by line only when
  it fails;
* the duplicate-key rule is proved in that same pass when the rows arrive
  grouped by pair and sorted by product within each pair, as BACI releases
  are (`_DUPLICATE_PROOF`); only otherwise does it cost a distinct count over
  every key.
"""

from __future__ import annotations

import csv
from bisect import bisect_right
from collections.abc import Callable, Mapping, Sequence
from contextvars import ContextVar
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import Any, Literal

import duckdb

from asymmetry.errors import BatchIngestError, IngestError
from asymmetry.store import flow_tables
from asymmetry.store.provenance import (
    BackgroundHash,
    IngestReport,
    Timer,
    check_dataset_id,
    execute_with_progress,
    options_key,
    previous_load,
    record_dataset,
)
from asymmetry.store.schema import FLOW_PAIRS_SQL
from asymmetry.store.store import ProgressCallback, Store

# What the CSV reader does with a row it cannot parse: raise, log it to the
# rejects table (and skip it), or skip it silently.
OnBadRow = Literal["fail", "log", "skip"]

# What a dataset's own table holds (`flow_tables`): the dataset id and the HS
# revision are one value for the whole file, added by the `flows` view.
_STORED = ", ".join(flow_tables.STORED_COLUMNS)


def bad_row_options(on_bad_row: OnBadRow, rejects_table: str) -> str:
    """Extra `read_csv` options for ``on_bad_row`` (empty for "fail")."""
    if on_bad_row == "log":
        return (
            f", store_rejects = true, rejects_table = '{rejects_table}', "
            f"rejects_scan = '{rejects_table}_scan'"
        )
    if on_bad_row == "skip":
        return ", ignore_errors = true"
    return ""


@dataclass(frozen=True, slots=True)
class Check:
    """One row-level rule; ``predicate`` is true for a bad row of the SELECT.

    A strict load refuses a file with any failing row. A lenient one skips the
    failing rows, except for a ``warn`` rule (say, product codes missing from the
    revision's code list): those rows may be right, so they stay and the report
    says how many rows, codes and dollars the rule flagged.
    """

    reason: str
    field: str  # canonical column; the reader maps it to the file's own name
    predicate: str
    raw: str  # column of the SELECT holding the value as written in the file
    warn: bool = False


_INFINITE = "{} is infinite or beyond the range of a double (1.8e308)"
CHECKS: tuple[Check, ...] = (
    Check("flow must be import or export (or M/X)", "flow", "exporter = '!'", "raw_flow"),
    Check("unknown country", "exporter", "exporter = '?'", "raw_exporter"),
    Check("unknown country", "importer", "importer = '?'", "raw_importer"),
    Check(
        "HS code is not 2, 4 or 6 digits after padding",
        "product",
        "product[1] = '?'",
        "raw_product",
    ),
    Check("missing value", "value_usd", "value_usd IS NULL", "raw_value"),
    Check("value is not a number", "value_usd", "isnan(value_usd)", "raw_value"),
    # A double overflows to inf past 1.8e308 (1e309 reads as inf); JSON has no inf.
    Check(_INFINITE.format("value"), "value_usd", "isinf(value_usd)", "raw_value"),
    Check("negative value", "value_usd", "value_usd < 0", "raw_value"),
    Check("quantity is not a number", "quantity", "isnan(quantity)", "raw_quantity"),
    Check(_INFINITE.format("quantity"), "quantity", "isinf(quantity)", "raw_quantity"),
    Check("negative quantity", "quantity", "quantity < 0", "raw_quantity"),
    Check(
        "missing or implausible year (need a whole number 1900-2100)",
        "year",
        "year IS NULL OR year NOT BETWEEN 1900 AND 2100",
        "raw_year",
    ),
)
# Two customs' reports of one flow are not duplicates: the reporter is part of the key.
_KEY = "year, exporter, importer, product, reporter"
_DUPLICATE = "duplicate key (year, exporter, importer, product) within the file"


@dataclass(frozen=True, slots=True)
class FlowSource:
    """A file described as SQL: how to read it, and how to name its fields."""

    file: Path
    kind: str
    dataset_id: str
    # (with_line, on_bad_row) -> SELECT of canonical + raw_* columns (+ line)
    select: Callable[[bool, OnBadRow], str]
    params: dict[str, Any]  # named SQL parameters of ``select`` ($file, $revision)
    rejects_table: str
    field_names: dict[str, str]  # canonical field -> the file's column name
    line_label: str = "line"  # "row" for Parquet (no text lines)
    note: str | None = None
    checks: tuple[Check, ...] = ()  # this source's own rules, beside `CHECKS`
    # What else shapes the rows (code tables' sha256 ...), beside strictness, `params`
    # and `checks`: all of it is the idempotency key with the file's sha256.
    options: Mapping[str, object] = field(default_factory=dict)
    replace: bool = False  # may replace a same-kind dataset loaded from another file
    # `params` derived from inputs already in the key (BACI's country list by code:
    # its table's sha256 is in `options`), left out of it.
    unkeyed_params: tuple[str, ...] = ()

    def load_options(self, *, strict: bool) -> str:
        """The idempotency key's options part (`provenance.options_key`)."""
        shaping = {
            k: v for k, v in self.params.items() if k != "file" and k not in self.unkeyed_params
        }
        checks = [c.reason for c in self.checks]
        return options_key({"strict": strict, **shaping, "checks": checks, **self.options})

    # A cheaper SELECT of the canonical columns for the optimistic strict pass
    # (typed reads instead of text + casts). It must fail on any row that
    # `select` would read differently: the file is then loaded through
    # `select`, so both give the same rows whenever this one succeeds.
    fast_select: Callable[[], str] | None = None

    def field(self, canonical: str) -> str:
        return self.field_names.get(canonical, canonical)


def load_flows(
    store: Store,
    source: FlowSource,
    *,
    strict: bool = True,
    prepare: Callable[[duckdb.DuckDBPyConnection], None] | None = None,
    progress: ProgressCallback | None = None,
) -> IngestReport:
    """Insert one file's flows as dataset ``source.dataset_id`` (see module doc).

    Inside `one_transaction` the load joins the batch's transaction and reports to it.
    """
    batch = _BATCH.get()
    report = _load(store, source, strict=strict, prepare=prepare, progress=progress, batch=batch)
    if batch is not None:
        batch.done.append(report)
    return report


def _load(
    store: Store,
    source: FlowSource,
    *,
    strict: bool,
    prepare: Callable[[duckdb.DuckDBPyConnection], None] | None,
    progress: ProgressCallback | None,
    batch: _Batch | None,
) -> IngestReport:
    timer = Timer()
    check_dataset_id(
        store.con, source.dataset_id, kind=source.kind, file=source.file, replace=source.replace
    )
    hashing = BackgroundHash(source.file)
    options = source.load_options(strict=strict)
    previous = previous_load(store.con, source.dataset_id)
    if previous is not None:
        # Re-ingest: the hash decides whether there is anything to do.
        if previous == (hashing.result(), options):
            rows = int(store.scalar("SELECT rows FROM datasets WHERE id = ?", [source.dataset_id]))
            return IngestReport(
                source.dataset_id, source.kind, str(source.file), "unchanged", rows, seconds=timer()
            )
        timer.lap("hash")
    attempt = partial(
        _insert,
        store,
        source,
        hashing,
        options,
        previous is not None,
        strict=strict,
        prepare=prepare,
        progress=progress,
        timer=timer,
    )
    if batch is not None:
        # No retry inside a batch: a failed statement aborts the whole transaction, so
        # `one_transaction` rolls back and runs the batch again with the reject log.
        return attempt(log_rejects=batch.log_rejects or not strict)
    try:
        # Optimistic strict pass: no reject log (it costs ~15% of the load).
        return attempt(log_rejects=not strict)
    except _UnparsableRow:
        # Some row does not parse; read again with DuckDB's reject log to name it.
        return attempt(log_rejects=True)


@dataclass(slots=True)
class _Batch:
    """Several files being loaded as one transaction (`one_transaction`)."""

    log_rejects: bool
    done: list[IngestReport] = field(default_factory=list)


_BATCH: ContextVar[_Batch | None] = ContextVar("asymmetry_flow_batch", default=None)


def one_transaction(
    store: Store, files: Sequence[str | Path], load: Callable[[], list[IngestReport]]
) -> list[IngestReport]:
    """Run ``load``, which loads ``files`` in order with `load_flows`, as one transaction.

    All the files load or none does: when one is refused, the store is left as it was
    and the `BatchIngestError` says so, naming the files that were fine, the refused
    one's line and field, and the files not read.
    """
    if len(files) < 2:
        return load()
    for log_rejects in (False, True):
        batch = _Batch(log_rejects)
        token = _BATCH.set(batch)
        try:
            with store.transaction():
                return load()
        except _UnparsableRow:
            continue  # rolled back; again with the reject log, to name the row
        except IngestError as exc:
            done = len(batch.done)
            raise BatchIngestError(exc, fine=files[:done], unread=files[done + 1 :]) from exc
        finally:
            _BATCH.reset(token)
    raise AssertionError("the reject-log pass never raises _UnparsableRow")


class _UnparsableRow(Exception):
    """The optimistic pass met a row DuckDB could not parse (never leaves this module)."""


def _insert(
    store: Store,
    source: FlowSource,
    hashing: BackgroundHash,
    options: str,
    previous: bool,
    *,
    strict: bool,
    log_rejects: bool,
    prepare: Callable[[duckdb.DuckDBPyConnection], None] | None,
    progress: ProgressCallback | None,
    timer: Timer,
) -> IngestReport:
    with store.transaction() as con:
        if prepare is not None:
            prepare(con)
        # a new, empty table (replacing the dataset's rows, if any) in the `flows` view
        table = flow_tables.create(con, source.dataset_id, str(source.params["revision"]))
        if log_rejects or source.fast_select is None:
            select = source.select(False, "log" if log_rejects else "fail")
        else:
            select = source.fast_select()
        try:
            execute_with_progress(
                con,
                f"INSERT INTO {table} ({_STORED}) SELECT {_STORED} FROM ({select})",
                source.params,
                stage=f"loading {source.file.name}",
                progress=progress,
            )
        except duckdb.Error as exc:
            if not log_rejects:
                raise _UnparsableRow from exc
            raise IngestError(f"cannot read file: {_first_line(exc)}", file=source.file) from exc
        timer.lap("load")
        rejects = _rejects(con, source) if log_rejects else []
        counts = _violations(con, source.dataset_id, (*CHECKS, *source.checks))
        if strict:
            if rejects:
                raise rejects[0]
            for check, n in counts.items():
                if n:
                    raise _refusal(con, source, check, n)
            skipped: dict[str, int] = {}
            examples: list[str] = []
        else:
            skipped, examples = _drop_bad_rows(con, source, rejects, counts)
        notes = () if strict else _warnings(con, source, counts)
        rows = _count_rows(con, source.dataset_id)
        n_skipped = sum(skipped.values())
        if rows == 0:
            raise IngestError("no valid rows to load", file=source.file)
        refresh_flow_pairs(con, source.dataset_id)
        timer.lap("check")
        sha = hashing.result()
        timer.lap("hash wait")
        timer.stages["hash (in a thread)"] = hashing.seconds
        record_dataset(
            con,
            dataset_id=source.dataset_id,
            kind=source.kind,
            file=source.file,
            sha256=sha,
            rows=rows,
            rows_skipped=n_skipped,
            note=source.note,
            options=options,
        )
        con.execute(f"DROP TABLE IF EXISTS {source.rejects_table}")
        con.execute(f"DROP TABLE IF EXISTS {source.rejects_table}_scan")
    timer.lap("commit")
    return IngestReport(
        source.dataset_id,
        source.kind,
        str(source.file),
        "replaced" if previous else "loaded",
        rows,
        n_skipped,
        skipped,
        tuple(examples),
        timer(),
        dict(timer.stages),
        notes,
    )


def refresh_flow_pairs(con: duckdb.DuckDBPyConnection, dataset_id: str) -> None:
    """Recompute the dataset's pair sums (`flow_pairs`) from its committed-to-be flows."""
    for statement in FLOW_PAIRS_SQL.split(";"):
        if statement.strip():
            con.execute(statement, {"dataset": dataset_id})


def _count_rows(con: duckdb.DuckDBPyConnection, dataset_id: str) -> int:
    table = flow_tables.table_name(dataset_id)
    row = con.execute(f"SELECT count(*) FROM {table}").fetchone()
    return int(row[0]) if row else 0


def _first_line(exc: BaseException) -> str:
    return str(exc).strip().splitlines()[0]


def _rejects(con: duckdb.DuckDBPyConnection, source: FlowSource) -> list[IngestError]:
    """Rows DuckDB could not parse (bad numbers, wrong field counts), in file order."""
    exists = con.execute(
        "SELECT count(*) FROM duckdb_tables() WHERE table_name = ?", [source.rejects_table]
    ).fetchone()
    if not exists or not exists[0]:
        return []
    rows = con.execute(
        f"SELECT line, column_idx, column_name, error_type::VARCHAR, csv_line, error_message "
        f"FROM {source.rejects_table} ORDER BY line"
    ).fetchall()
    errors = []
    for line, column_idx, column, kind, csv_line, message in rows:
        value = None
        if kind == "CAST":
            value = _field_value(csv_line, column_idx)
            reason = "not a number"
        elif kind == "MISSING COLUMNS":
            reason = "row has too few fields"
        elif kind == "TOO MANY COLUMNS":
            reason = "row has too many fields"
        else:
            reason = _first_line(Exception(message))
        errors.append(
            IngestError(
                reason,
                file=source.file,
                line=int(line),
                field=column or None,
                value=value,
                count=len(rows),
            )
        )
    return errors


def _field_value(csv_line: str | None, column_idx: int | None) -> str | None:
    """The raw text of the 1-based field ``column_idx`` of a rejected CSV line."""
    if not csv_line or not column_idx:
        return None
    fields = next(csv.reader([csv_line]), [])
    return fields[column_idx - 1] if column_idx <= len(fields) else None


# Proof that no key repeats, from one streaming pass in the rows' stored order:
# if every pair (year, exporter, importer, reporter) is one contiguous run
# (no pair starts two runs) and products rise strictly within each run, no
# (pair, product) can occur twice. Any order that is not grouped and sorted
# only fails the proof, never passes a duplicate. `lag() OVER ()` is a
# streaming window: no sort, unlike a distinct count over every key; the one
# distinct count left is over the run starts (a few per pair), not every row.
# Runs are told apart by a hash of the pair (one column through the window, a
# third of the time of four): equal pairs hash equal, which is all the proof
# needs; two pairs that collide only merge into one run, inside which products
# must still rise, so a collision can fail the proof but never pass a duplicate.
_PAIR = ("year", "exporter", "importer", "reporter")
_DUPLICATE_PROOF = f"""
SELECT count(*) FILTER (WHERE _new_run),
       count(DISTINCT _pair) FILTER (WHERE _new_run),
       count(*) FILTER (WHERE NOT _new_run AND product <= _prev_product)
FROM (SELECT _pair, product, _pair IS DISTINCT FROM lag(_pair) OVER () AS _new_run,
             lag(product) OVER () AS _prev_product
      FROM (SELECT hash({", ".join(_PAIR)}) AS _pair, product FROM {{table}}))
"""


def _violations(
    con: duckdb.DuckDBPyConnection, dataset_id: str, checks: tuple[Check, ...]
) -> dict[Check | str, int]:
    """Bad-row counts per check (and duplicates) over the rows just inserted.

    One scan evaluates every check's predicate, one more the duplicate proof
    (apart, they take less time than one query of both: the proof's window runs
    on one thread over two columns); the exact duplicate count runs only when
    the proof does not hold.
    """
    filters = ", ".join(f"count(*) FILTER (WHERE {c.predicate})" for c in checks)
    table = flow_tables.table_name(dataset_id)
    row = con.execute(f"SELECT {filters} FROM {table}").fetchone()
    proof = con.execute(_DUPLICATE_PROOF.format(table=table)).fetchone()
    assert row is not None and proof is not None
    counts: dict[Check | str, int] = {c: int(n) for c, n in zip(checks, row, strict=True)}
    runs, pairs, unsorted = (int(n) for n in proof)
    counts[_DUPLICATE] = 0 if runs == pairs and not unsorted else _duplicates(con, dataset_id)
    return counts


def _duplicates(con: duckdb.DuckDBPyConnection, dataset_id: str) -> int:
    """Rows beyond the first of each key: a distinct count over every key, exact."""
    row = con.execute(
        f"SELECT count(*) - count(DISTINCT hash({_KEY})) FROM flows WHERE source = ?",
        [dataset_id],
    ).fetchone()
    maybe = int(row[0]) if row else 0
    if not maybe:
        return 0
    # A hash collision is possible in principle: confirm exactly.
    exact = con.execute(
        f"SELECT coalesce(sum(n - 1), 0) FROM (SELECT count(*) AS n FROM flows "
        f"WHERE source = ? GROUP BY {_KEY} HAVING n > 1)",
        [dataset_id],
    ).fetchone()
    return int(exact[0]) if exact else 0


def _locate(
    con: duckdb.DuckDBPyConnection,
    source: FlowSource,
    check: Check | str,
    count: int,
    reject_lines: list[int],
) -> IngestError:
    """Re-read the file with line numbers to name the first row failing ``check``."""
    # Rows DuckDB rejected are skipped here and accounted for by _file_line.
    numbered = source.select(True, "skip" if reject_lines else "fail")
    if isinstance(check, Check):
        row = con.execute(
            f"SELECT line, {check.raw} FROM ({numbered}) WHERE {check.predicate} "
            "ORDER BY line LIMIT 1",
            source.params,
        ).fetchone()
        line = _file_line(int(row[0]), reject_lines) if row else None
        value = row[1] if row else None
        return IngestError(
            check.reason,
            file=source.file,
            line=line,
            field=source.field(check.field),
            value=value,
            count=count,
        )
    row = con.execute(
        f"SELECT list(line ORDER BY line), {_KEY} FROM ({numbered}) GROUP BY {_KEY} "
        "HAVING count(*) > 1 ORDER BY min(line) LIMIT 1",
        source.params,
    ).fetchone()
    if row is None:
        return IngestError(_DUPLICATE, file=source.file, count=count)
    lines = [_file_line(int(n), reject_lines) for n in row[0]]
    key = "/".join(str(v) for v in row[1:] if v is not None)
    return IngestError(
        f"{_DUPLICATE}: {key} first on {source.line_label} {lines[0]}",
        file=source.file,
        line=lines[1],
        count=count,
    )


def _refusal(
    con: duckdb.DuckDBPyConnection, source: FlowSource, check: Check | str, count: int
) -> IngestError:
    """The strict load's error for ``check``; a ``warn`` rule also says how much it flags."""
    error = _locate(con, source, check, count, [])
    if not isinstance(check, Check) or not check.warn:
        return error
    return IngestError(
        f"{check.reason}: {_flagged(con, source, check)}; --lenient loads them with a warning",
        file=error.file,
        line=error.line,
        field=error.field,
        value=error.value,
    )


def _warnings(
    con: duckdb.DuckDBPyConnection, source: FlowSource, counts: dict[Check | str, int]
) -> tuple[str, ...]:
    """Lenient mode: what each ``warn`` rule flagged among the rows kept."""
    return tuple(
        f"{check.reason}: {_flagged(con, source, check)}; loaded anyway (--strict refuses them)"
        for check, n in counts.items()
        if n and isinstance(check, Check) and check.warn and _flagged_rows(con, source, check)
    )


def _flagged_rows(con: duckdb.DuckDBPyConnection, source: FlowSource, check: Check) -> int:
    row = con.execute(
        f"SELECT count(*) FROM flows WHERE source = ? AND ({check.predicate})",
        [source.dataset_id],
    ).fetchone()
    return int(row[0]) if row else 0


def _flagged(con: duckdb.DuckDBPyConnection, source: FlowSource, check: Check) -> str:
    """How many distinct values, rows and dollars of the dataset ``check`` flags, with
    the values flagging most rows: "1,985 of 2,000 distinct 'k' values (...)"."""
    column, bad = check.field, f"({check.predicate})"
    row = con.execute(
        f"SELECT count(DISTINCT {column}) FILTER (WHERE {bad}), count(DISTINCT {column}), "
        f"count(*) FILTER (WHERE {bad}), count(*), "
        f"coalesce(sum(value_usd) FILTER (WHERE {bad}), 0), coalesce(sum(value_usd), 0) "
        "FROM flows WHERE source = ?",
        [source.dataset_id],
    ).fetchone()
    assert row is not None
    top = con.execute(
        f"SELECT {column}, count(*) AS n FROM flows WHERE source = ? AND {bad} "
        "GROUP BY 1 ORDER BY n DESC, 1 LIMIT 3",
        [source.dataset_id],
    ).fetchall()
    values, all_values, rows, all_rows, usd, all_usd = row
    examples = ", ".join(f"{value} ({n:,} row{'s' if n != 1 else ''})" for value, n in top)
    return (
        f"{values:,} of {all_values:,} distinct {source.field(column)!r} values, "
        f"{rows:,} of {all_rows:,} rows, USD {usd:,.0f} of USD {all_usd:,.0f}; e.g. {examples}"
    )


def _file_line(data_row: int, reject_lines: list[int]) -> int:
    """Line number in the file of the ``data_row``-th parsed row (1-based + header).

    Rows DuckDB rejected are not numbered by ``row_number()``; skip over them.
    """
    line = data_row + 1
    skipped = 0
    while True:
        now = bisect_right(reject_lines, line)
        if now == skipped:
            return line
        line += now - skipped
        skipped = now


def _drop_bad_rows(
    con: duckdb.DuckDBPyConnection,
    source: FlowSource,
    rejects: list[IngestError],
    counts: dict[Check | str, int],
) -> tuple[dict[str, int], list[str]]:
    """Lenient mode: delete failing rows, return counts by reason and examples."""
    skipped: dict[str, int] = {}
    examples: list[str] = [str(e) for e in rejects[:3]]
    for err in rejects:
        key = f"{err.reason} ({err.field})" if err.field else err.reason
        skipped[key] = skipped.get(key, 0) + 1
    reject_lines = sorted(e.line for e in rejects if e.line is not None)
    table = flow_tables.table_name(source.dataset_id)
    for check, n in counts.items():
        if not n or (isinstance(check, Check) and check.warn):
            continue
        examples.append(str(_locate(con, source, check, n, reject_lines)))
        if isinstance(check, Check):
            deleted = con.execute(f"DELETE FROM {table} WHERE {check.predicate}").fetchone()
            key = f"{check.reason} ({source.field(check.field)})"
        else:
            # Which copy of a duplicated key is right cannot be known: drop all.
            deleted = con.execute(
                f"DELETE FROM {table} f USING (SELECT {_KEY} FROM {table} "
                f"GROUP BY {_KEY} HAVING count(*) > 1) d WHERE "
                "f.year = d.year AND f.exporter = d.exporter AND f.importer = d.importer "
                "AND f.product = d.product AND f.reporter IS NOT DISTINCT FROM d.reporter"
            ).fetchone()
            key = check
        n = int(deleted[0]) if deleted else 0
        if not n:  # an earlier rule already removed these rows
            continue
        skipped[key] = skipped.get(key, 0) + n
    return skipped, examples
