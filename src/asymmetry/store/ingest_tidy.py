"""Tidy flow tables (CSV or Parquet): year, exporter, importer, product, value_usd.

The shape analysts export from spreadsheets and other tools. Countries may be
ISO3, ISO numeric (including Comtrade's 842/251/381/699) or names in common
forms ("Russian Federation", "China, People's Rep."); HS codes may have lost a
leading zero. Optional columns: quantity (tonnes) and hs_revision.
"""

from __future__ import annotations

import csv
from collections.abc import Callable
from dataclasses import dataclass
from dataclasses import replace as with_changes
from itertools import count, islice
from pathlib import Path

import duckdb
import pandas as pd

from asymmetry.errors import IngestError, SchemaError
from asymmetry.store.codes import resolve_countries
from asymmetry.store.ingest_baci import detect_revision
from asymmetry.store.ingest_flows import FlowSource, OnBadRow, bad_row_options, load_flows
from asymmetry.store.provenance import IngestReport, require_file
from asymmetry.store.schema import HS_IN_FORCE_FROM, HS_REVISIONS
from asymmetry.store.store import ProgressCallback, Store

REQUIRED = ("year", "exporter", "importer", "product", "value_usd")
REPORTED_REQUIRED = ("year", "reporter", "partner", "flow", "product", "value_usd")
# UN Comtrade API / bulk column names -> ours (lower-cased).
COMTRADE_ALIASES = {
    "refyear": "year",
    "reporteriso": "reporter",
    "partneriso": "partner",
    "flowcode": "flow",
    "cmdcode": "product",
    "primaryvalue": "value_usd",
}
WORLD_PARTNER = ("W00", "WLD", "WORLD", "0")
_scan_ids = count()


def _is_parquet(path: Path) -> bool:
    return path.suffix.lower() == ".parquet"


def _reader(path: Path, on_bad_row: OnBadRow = "fail", scan: str = "") -> str:
    """Table function reading the file ($file)."""
    if _is_parquet(path):
        return "read_parquet($file)"
    options = bad_row_options(on_bad_row, scan)
    return f"read_csv($file, header = true, all_varchar = true{options})"


def _columns(con: duckdb.DuckDBPyConnection, path: Path, reader: str) -> list[str]:
    try:
        described = con.execute(f"DESCRIBE SELECT * FROM {reader}", {"file": str(path)}).fetchall()
    except duckdb.Error as exc:
        raise IngestError(f"cannot read file: {str(exc).splitlines()[0]}", file=path) from exc
    return [str(r[0]).strip().lower() for r in described]


@dataclass(frozen=True, slots=True)
class _Layout:
    """How a tidy file names its trade partners: SQL fragments for the SELECT."""

    kind: str
    required: tuple[str, ...]
    country_columns: tuple[str, ...]  # columns whose values are countries
    exporter: str
    importer: str
    reporter: str
    raw_exporter: str
    raw_importer: str
    raw_flow: str
    joins: str
    where: str


def _layout(names: dict[str, str], reported: bool) -> _Layout:
    col = {k: f'trim(s."{v}"::VARCHAR)' for k, v in names.items()}
    if not reported:
        return _Layout(
            "table",
            REQUIRED,
            ("exporter", "importer"),
            "coalesce(e.iso3, '?')",
            "coalesce(m.iso3, '?')",
            "NULL::VARCHAR",
            col.get("exporter", "NULL"),
            col.get("importer", "NULL"),
            "NULL",
            f"LEFT JOIN _tidy_countries e ON e.raw = {col.get('exporter')}\n"
            f"LEFT JOIN _tidy_countries m ON m.raw = {col.get('importer')}",
            "",
        )
    flow = (
        f"CASE WHEN lower({col.get('flow')}) IN ('m', 'import', 'imports') THEN 'import' "
        f"WHEN lower({col.get('flow')}) IN ('x', 'export', 'exports') THEN 'export' END"
    )
    rep, par = "coalesce(r.iso3, '?')", "coalesce(p.iso3, '?')"
    raw_rep, raw_par = col.get("reporter", "NULL"), col.get("partner", "NULL")
    return _Layout(
        "reported",
        REPORTED_REQUIRED,
        ("reporter", "partner"),
        # '!' marks a row whose flow is neither import nor export
        f"CASE {flow} WHEN 'export' THEN {rep} WHEN 'import' THEN {par} ELSE '!' END",
        f"CASE {flow} WHEN 'export' THEN {par} WHEN 'import' THEN {rep} ELSE '!' END",
        rep,
        f"CASE {flow} WHEN 'import' THEN {raw_par} ELSE {raw_rep} END",
        f"CASE {flow} WHEN 'import' THEN {raw_rep} ELSE {raw_par} END",
        col.get("flow", "NULL"),
        f"LEFT JOIN _tidy_countries r ON r.raw = {raw_rep}\n"
        f"LEFT JOIN _tidy_countries p ON p.raw = {raw_par}",
        # Partner "World" rows are totals over partners, not flows.
        f"WHERE upper({raw_par}) NOT IN ({', '.join(repr(w) for w in WORLD_PARTNER)})",
    )


def _year(text: str) -> str:
    """SQL for the year in ``text``; -1 (refused by the year check) when it is missing,
    fractional or out of SMALLINT range. A plain cast would round 2021.5 to 2022."""
    whole = f"TRY_CAST({text} AS SMALLINT)"
    return f"CASE WHEN TRY_CAST({text} AS DOUBLE) = {whole} THEN {whole} ELSE -1 END"


def _select(
    path: Path, scan: str, names: dict[str, str], layout: _Layout
) -> Callable[[bool, OnBadRow], str]:
    """SELECT of canonical columns over the tidy file ($file, revision $revision)."""
    q = f's."{names["quantity"]}"' if "quantity" in names else "NULL"
    col = {k: f'trim(s."{v}"::VARCHAR)' for k, v in names.items()}

    def build(with_line: bool, on_bad_row: OnBadRow) -> str:
        reader = _reader(path, on_bad_row, scan)
        line = "row_number() OVER () AS line, " if with_line else ""
        return f"""
        SELECT {"s.line, " if with_line else ""}
            {_year(col["year"])} AS year,
            {layout.exporter} AS exporter,
            {layout.importer} AS importer,
            CASE WHEN regexp_full_match({col["product"]}, '\\d{{1,6}}')
                 THEN (CASE WHEN length({col["product"]}) % 2 = 1
                            THEN '0' || {col["product"]} ELSE {col["product"]} END)
                 ELSE '?' || coalesce({col["product"]}, '') END AS product,
            $revision AS hs_revision,
            CASE WHEN {col["value_usd"]} IS NULL OR {col["value_usd"]} = '' THEN NULL
                 ELSE coalesce(TRY_CAST({col["value_usd"]} AS DOUBLE), 'NaN'::DOUBLE)
                 END AS value_usd,
            CASE WHEN {q} IS NULL OR trim({q}::VARCHAR) IN ('', 'NA') THEN NULL
                 ELSE coalesce(TRY_CAST({q} AS DOUBLE), 'NaN'::DOUBLE) END AS quantity,
            {layout.reporter} AS reporter,
            {col["year"]} AS raw_year, {layout.raw_exporter} AS raw_exporter,
            {layout.raw_importer} AS raw_importer,
            {col["product"]} AS raw_product, {col["value_usd"]} AS raw_value,
            {q} AS raw_quantity, {layout.raw_flow} AS raw_flow
        FROM (SELECT {line}* FROM {reader}) s
        {layout.joins}
        {layout.where}"""

    return build


def ingest_table(
    store: Store,
    path: str | Path,
    *,
    hs_revision: str | None = None,
    dataset_id: str | None = None,
    strict: bool = True,
    replace: bool = False,
    progress: ProgressCallback | None = None,
) -> IngestReport:
    """Load a tidy CSV/Parquet file of flows as dataset ``table:<file stem>``.

    Values are USD (not thousands). The file must hold one HS revision. A
    ``dataset_id`` must be of this kind (``table:...``); replacing a dataset loaded
    from another file takes ``replace=True``.
    """
    return _ingest(
        store,
        path,
        reported=False,
        hs_revision=hs_revision,
        dataset_id=dataset_id,
        strict=strict,
        replace=replace,
        progress=progress,
    )


def ingest_reported(
    store: Store,
    path: str | Path,
    *,
    hs_revision: str | None = None,
    dataset_id: str | None = None,
    strict: bool = True,
    replace: bool = False,
    progress: ProgressCallback | None = None,
) -> IngestReport:
    """Load declarations as reported by each country's customs (UN Comtrade style).

    Columns: year, reporter, partner, flow (import/export or M/X), product,
    value_usd [, quantity]; Comtrade's own names (refYear, reporterISO,
    partnerISO, flowCode, cmdCode, primaryValue) work too. Rows with partner
    "World" are totals and are left out. Both sides' reports of the same flow
    are kept (that is what mirror statistics compare); dataset ``reported:<stem>``.
    """
    return _ingest(
        store,
        path,
        reported=True,
        hs_revision=hs_revision,
        dataset_id=dataset_id,
        strict=strict,
        replace=replace,
        progress=progress,
    )


def _ingest(
    store: Store,
    path: str | Path,
    *,
    reported: bool,
    hs_revision: str | None,
    dataset_id: str | None,
    strict: bool,
    replace: bool,
    progress: ProgressCallback | None,
) -> IngestReport:
    file = require_file(path)
    scan = f"_tidy_rejects_{next(_scan_ids)}"
    reader = _reader(file)
    columns = _columns(store.con, file, reader)
    names = {c.strip().lower(): c for c in columns}
    if reported:
        for alias, canonical in COMTRADE_ALIASES.items():
            if alias in names and canonical not in names:
                names[canonical] = names.pop(alias)
    layout = _layout(names, reported)
    missing = [c for c in layout.required if c not in names]
    if missing:
        if not _is_parquet(file):
            _refuse_ragged_rows(file)
        raise SchemaError(
            f"missing column(s) {', '.join(missing)}; a {layout.kind} file needs "
            f"{', '.join(layout.required)} [, quantity, hs_revision]",
            file=file,
            line=1,
            field=missing[0],
            value=columns,
        )
    has_revision = "hs_revision" in names
    revision = _revision(store.con, file, reader, names, hs_revision, has_revision)
    notes: tuple[str, ...] = ()
    if not revision:
        revision, note = _infer_revision(store.con, file, reader, names)
        notes = (note,)

    def prepare(con: duckdb.DuckDBPyConnection) -> None:
        union = " UNION ".join(
            f'SELECT DISTINCT trim("{names[c]}"::VARCHAR) FROM {reader}'
            for c in layout.country_columns
        )
        raw = con.execute(union, {"file": str(file)}).fetchall()
        values = [r[0] for r in raw if r[0] is not None]
        mapping = resolve_countries(values)
        frame = pd.DataFrame({"raw": list(mapping), "iso3": list(mapping.values())})
        con.register("_tidy_df", frame)
        con.execute(
            "CREATE OR REPLACE TEMP TABLE _tidy_countries AS "
            "SELECT raw, iso3 FROM _tidy_df WHERE iso3 IS NOT NULL"
        )
        con.unregister("_tidy_df")

    field_names = {k: names[k] for k in (*REQUIRED, "quantity", "flow") if k in names}
    if reported:
        field_names |= {
            "exporter": f"{names['reporter']}/{names['partner']}",
            "importer": f"{names['reporter']}/{names['partner']}",
        }
    source = FlowSource(
        file=file,
        kind=layout.kind,
        dataset_id=dataset_id or f"{layout.kind}:{file.stem}",
        select=_select(file, scan, names, layout),
        params={"file": str(file), "revision": revision},
        rejects_table=scan,
        field_names=field_names,
        line_label="row" if _is_parquet(file) else "line",
        note=revision,
        replace=replace,
    )
    report = load_flows(store, source, strict=strict, prepare=prepare, progress=progress)
    return with_changes(report, notes=(*notes, *report.notes)) if notes else report


def _refuse_ragged_rows(file: Path, *, lines: int = 1_000) -> None:
    """`SchemaError` if an early row has more or fewer fields than the header.

    With every row one field longer than the header, DuckDB's sniffer takes the
    header for a stray line and the first data row for the header, so the real
    columns look "missing". Called only when columns are missing; reads at most
    ``lines`` lines.
    """
    try:
        with file.open(encoding="utf-8-sig", newline="") as handle:
            rows = csv.reader(handle)
            header = next(rows, [])
            for row in islice(rows, lines):
                if row and len(row) != len(header):
                    raise SchemaError(
                        f"row has {len(row)} fields, the header (line 1) "
                        f"has {len(header)}; every row needs one field per column name",
                        file=file,
                        line=rows.line_num,
                        value=",".join(row)[:80],
                    )
    except (UnicodeDecodeError, csv.Error):
        return  # not a text CSV: the caller's error says what is missing


def _revision(
    con: duckdb.DuckDBPyConnection,
    file: Path,
    reader: str,
    names: dict[str, str],
    given: str | None,
    has_column: bool,
) -> str:
    """The file's single HS revision: from its column, the option, its name, or ""."""
    if has_column:
        column = names["hs_revision"]
        found = con.execute(
            f'SELECT upper(trim("{column}"::VARCHAR)) AS r, min(line) FROM '
            f"(SELECT row_number() OVER () + 1 AS line, * FROM {reader}) "
            "GROUP BY r ORDER BY 2",
            {"file": str(file)},
        ).fetchall()
        if len(found) > 1:
            first, other = found[0], found[1]
            raise IngestError(
                f"mixed HS revisions in one file ({first[0]} from line "
                f"{first[1]}); split the file by revision",
                file=file,
                line=int(other[1]),
                field=column,
                value=other[0],
            )
        revision = str(found[0][0]) if found else ""
    else:
        revision = (given or detect_revision(file.name) or "").upper()
    if revision and revision not in HS_REVISIONS:
        raise IngestError(
            f"unknown HS revision; use one of {', '.join(HS_REVISIONS)}",
            file=file,
            field="hs_revision",
            value=revision,
        )
    return revision


def _infer_revision(
    con: duckdb.DuckDBPyConnection, file: Path, reader: str, names: dict[str, str]
) -> tuple[str, str]:
    """(revision, the note saying so) for a file that does not state its HS revision.

    The codes decide when they fit the code list of only one revision the store holds
    (lists come with BACI's product_codes files); otherwise the revision in force in
    the file's latest year, which is how customs report that year.
    """
    product, year = names["product"], names["year"]
    codes = f"""
        SELECT DISTINCT lpad(trim("{product}"::VARCHAR), 6, '0') AS code FROM {reader}
        WHERE length(trim("{product}"::VARCHAR)) IN (5, 6)"""
    fits = con.execute(
        f"WITH f AS ({codes}), lists AS (SELECT DISTINCT hs_revision FROM products) "
        "SELECT l.hs_revision, count(p.code) = (SELECT count(*) FROM f) AS fits "
        "FROM lists l LEFT JOIN products p ON p.hs_revision = l.hs_revision "
        "AND p.code IN (SELECT code FROM f) GROUP BY 1 ORDER BY 1",
        {"file": str(file)},
    ).fetchall()
    fitting = [str(r) for r, ok in fits if ok]
    how = "pass --hs-revision or add an hs_revision column to choose"
    if len(fitting) == 1 and len(fits) > 1:
        listed = ", ".join(str(r) for r, _ in fits)
        return fitting[0], (
            f"no HS revision stated: {fitting[0]}, the only one of the code lists "
            f"stored ({listed}) that holds every product code; {how}"
        )
    latest = con.execute(
        f'SELECT max(try_cast(trim("{year}"::VARCHAR) AS INTEGER)) FROM {reader}',
        {"file": str(file)},
    ).fetchone()
    last_year = (
        int(latest[0]) if latest and latest[0] is not None else max(HS_IN_FORCE_FROM.values())
    )
    revision = max(
        (r for r, start in HS_IN_FORCE_FROM.items() if start <= last_year),
        key=HS_IN_FORCE_FROM.__getitem__,
        default="HS92",
    )
    return revision, (
        f"no HS revision stated: {revision} assumed, the revision in force in "
        f"{last_year} (the file's latest year); {how}"
    )
