"""CEPII BACI yearly files (``t,i,j,k,v,q``) and their code tables.

BACI values are thousand USD and quantities tonnes. Its quirks, all seen in
real releases: a UTF-8 BOM on some tables, HS92 product codes stored as
integers (``10111`` for ``010111``), Comtrade-style country codes (842 USA,
251 France), code 490 "Other Asia, n.e.s." with ISO3 ``N/A`` (V2022/2023) or
the pseudo-code ``S19`` (V2025), Namibia's ISO2 ``NA`` that naive readers
take for a missing value, and ``NA`` for unknown quantities.

Reference: Gaulier, G. and Zignago, S. (2010) "BACI: International Trade
Database at the Product-Level", CEPII Working Paper 2010-23.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import replace
from functools import partial
from itertools import count
from pathlib import Path

import duckdb
import pandas as pd

from asymmetry.errors import IngestError, SchemaError
from asymmetry.store.codes import OTHER_ASIA, hs_sections_frame, pad_hs, refuse_duplicate_codes
from asymmetry.store.ingest_flows import (
    Check,
    FlowSource,
    OnBadRow,
    bad_row_options,
    load_flows,
    one_transaction,
)
from asymmetry.store.nomenclature import has_product_list, product_list_check
from asymmetry.store.provenance import IngestReport, require_file, sha256_file
from asymmetry.store.schema import HS_REVISIONS
from asymmetry.store.store import ProgressCallback, Store

BACI_COLUMNS = ("t", "i", "j", "k", "v", "q")
_REVISION = re.compile(r"HS(\d{2})", re.IGNORECASE)
_VERSION = re.compile(r"V(\d{6})", re.IGNORECASE)
_YEAR = re.compile(r"_Y(\d{4})(?:_|\.|$)", re.IGNORECASE)
_PLACEHOLDER_ISO3 = {"", "N/A", "NA", "NAN"}
# Country codes are ISO 3166 numeric (below 1000); the load indexes a list by them.
MAX_COUNTRY_CODE = 99_999
_scan_ids = count()


def detect_revision(*names: str) -> str | None:
    """HS revision from a BACI file name (``BACI_HS92_Y2020_V202301.csv`` -> HS92)."""
    for name in names:
        found = _REVISION.search(name)
        if found and f"HS{found.group(1)}" in HS_REVISIONS:
            return f"HS{found.group(1)}"
    return None


def year_check(path: Path) -> tuple[Check, ...]:
    """A row whose ``t`` is not the year the file is named for (``..._Y2023_...``) is bad:
    a renamed or mixed file would otherwise load under the wrong year silently."""
    found = _YEAR.search(path.name)
    if not found:
        return ()
    year = int(found.group(1))  # digits only: safe as a SQL literal
    return (Check(f"year differs from the file name's Y{year}", "year", f"year <> {year}", "year"),)


def _version(name: str) -> str | None:
    found = _VERSION.search(name)
    return found.group(1) if found else None


def find_code_table(data_file: Path, prefix: str) -> Path | None:
    """The code table beside ``data_file``: same release if present, else the newest."""
    candidates = sorted(data_file.parent.glob(f"{prefix}*.csv"))
    if not candidates:
        return None
    wanted = _version(data_file.name)
    same = [c for c in candidates if wanted and _version(c.name) == wanted]
    if same:
        return same[0]
    return max(candidates, key=lambda c: _version(c.name) or "")


def read_country_codes(path: Path) -> pd.DataFrame:
    """BACI country table as (code, iso3, name), whatever the release's layout."""
    frame = _read_small_csv(path)
    code_col = "country_code"
    iso_col = next((c for c in ("country_iso3", "iso_3digit_alpha") if c in frame), None)
    name_col = next(
        (
            c
            for c in ("country_name", "country_name_abbreviation", "country_name_full")
            if c in frame
        ),
        None,
    )
    if code_col not in frame or iso_col is None or name_col is None:
        raise SchemaError(
            "not a BACI country table: need country_code, an ISO3 column and a name column",
            file=path,
            line=1,
            value=list(frame.columns),
        )
    out = pd.DataFrame(
        {
            "code": pd.to_numeric(frame[code_col], errors="coerce"),
            "iso3": frame[iso_col].str.strip().str.upper(),
            "name": frame[name_col].str.strip(),
        }
    )
    bad = out["code"].isna()
    if bad.any():
        line = int(bad.to_numpy().nonzero()[0][0]) + 2
        raise IngestError(
            "country code is not a number",
            file=path,
            line=line,
            field=code_col,
            value=frame[code_col][bad].iloc[0],
        )
    out_of_range = (out["code"] < 0) | (out["code"] > MAX_COUNTRY_CODE) | (out["code"] % 1 != 0)
    if out_of_range.any():
        line = int(out_of_range.to_numpy().nonzero()[0][0]) + 2
        raise IngestError(
            f"country code must be a whole number from 0 to {MAX_COUNTRY_CODE}",
            file=path,
            line=line,
            field=code_col,
            value=frame[code_col][out_of_range].iloc[0],
        )
    out["code"] = out["code"].astype(int)
    refuse_duplicate_codes(
        out["code"], frame[code_col], file=path, field=code_col, what="country code"
    )
    placeholder = out["iso3"].isin(_PLACEHOLDER_ISO3)
    # 490 has no ISO3 in older releases; V2025 calls it S19. Others get X<code>.
    out.loc[placeholder, "iso3"] = [
        OTHER_ASIA if c == 490 else f"X{c:03d}" for c in out.loc[placeholder, "code"]
    ]
    return out


def read_product_codes(path: Path, hs_revision: str) -> pd.DataFrame:
    """BACI product table as (code, hs_revision, description, chapter, section, bec)."""
    frame = _read_small_csv(path)
    if "code" not in frame or "description" not in frame:
        raise SchemaError(
            "not a BACI product table: need columns code, description",
            file=path,
            line=1,
            value=list(frame.columns),
        )
    codes = frame["code"].map(pad_hs)
    bad = codes.isna() | (codes.str.len() != 6)
    if bad.any():
        line = int(bad.to_numpy().nonzero()[0][0]) + 2
        raise IngestError(
            "HS code is not 6 digits after padding",
            file=path,
            line=line,
            field="code",
            value=frame["code"][bad].iloc[0],
        )
    refuse_duplicate_codes(codes, frame["code"], file=path, field="code", what="product code")
    out = pd.DataFrame(
        {"code": codes, "hs_revision": hs_revision, "description": frame["description"].str.strip()}
    )
    out["chapter"] = out["code"].str[:2]
    sections = hs_sections_frame().set_index("chapter")["section"]
    out["section"] = out["chapter"].map(sections)
    out["bec"] = frame["bec"].replace("", None) if "bec" in frame else None
    return out


def _read_small_csv(path: Path) -> pd.DataFrame:
    try:
        # keep_default_na=False: Namibia's ISO2 code is "NA".
        frame = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    except pd.errors.EmptyDataError as exc:  # blank lines only: no header at all
        raise IngestError("code table has no header (the file is blank)", file=path) from exc
    except (OSError, UnicodeDecodeError, pd.errors.ParserError) as exc:
        raise IngestError(f"cannot read code table: {exc}", file=path) from exc
    if frame.empty:
        raise IngestError("code table has a header but no rows", file=path, line=2)
    return frame


def _check_header(path: Path) -> None:
    with path.open("rb") as handle:
        first = handle.readline(4096)
    header = first.decode("utf-8-sig", errors="replace").strip().replace('"', "")
    names = [h.strip() for h in header.split(",")]
    missing = [c for c in BACI_COLUMNS if c not in names]
    if missing:
        raise SchemaError(
            f"missing BACI column(s) {', '.join(missing)}; expected header t,i,j,k,v,q",
            file=path,
            line=1,
            field=missing[0],
            value=header[:80],
        )


# Country codes are looked up by position in a list ($codes[code + 1], a
# constant) rather than by a hash join with the code table: a join's parallel
# probe reorders rows, and the duplicate-key proof needs the file's order
# (BACI is sorted by t, i, j, k).
_COLUMNS = "{'t': 'INTEGER', 'i': 'INTEGER', 'j': 'INTEGER', 'k': 'BIGINT', 'v': 'DOUBLE', 'q': %s}"


def _iso3(column: str) -> str:
    return (
        f"coalesce(CASE WHEN s.{column} BETWEEN 0 AND len($codes) - 1 "
        f"THEN $codes[s.{column} + 1] END, '?')"
    )


def _canonical(quantity: str, year: str = "s.t") -> str:
    """The canonical columns of a BACI row ``s``, given the SQL for quantity and year.

    The product code is padded by concatenation, not `lpad` (half the cost).
    """
    return f"""
            {year} AS year,
            {_iso3("i")} AS exporter,
            {_iso3("j")} AS importer,
            CASE WHEN s.k BETWEEN 100000 AND 999999 THEN s.k::VARCHAR
                 WHEN s.k BETWEEN 10000 AND 99999 THEN '0' || s.k::VARCHAR  -- HS92 stored as int
                 ELSE '?' || coalesce(s.k::VARCHAR, '') END AS product,
            $revision AS hs_revision,
            s.v * 1000.0 AS value_usd,
            {quantity} AS quantity,
            NULL::VARCHAR AS reporter"""


def _select(scan: str) -> Callable[[bool, OnBadRow], str]:
    """Tolerant SELECT over a BACI file ($file): ``q`` read as text, so that
    an unreadable quantity becomes NaN (the quantity check names its line)."""

    def build(with_line: bool, on_bad_row: OnBadRow) -> str:
        rejects = bad_row_options(on_bad_row, scan)
        line = "row_number() OVER () AS line, " if with_line else ""
        quantity = (
            "CASE WHEN s.q IS NULL OR trim(s.q) IN ('', 'NA') THEN NULL "
            "ELSE coalesce(TRY_CAST(s.q AS DOUBLE), 'NaN'::DOUBLE) END"
        )
        year = "coalesce(TRY_CAST(s.t AS SMALLINT), -1)"  # -1: the year check names it
        return f"""
        SELECT {"s.line, " if with_line else ""}{_canonical(quantity, year=year)},
            s.t AS raw_year, s.i AS raw_exporter, s.j AS raw_importer, s.k AS raw_product,
            s.v AS raw_value, s.q AS raw_quantity, NULL AS raw_flow
        FROM (SELECT {line}* FROM read_csv($file, header = true,
                     columns = {_COLUMNS % "'VARCHAR'"} {rejects})) s"""

    return build


def _fast_select() -> str:
    """Typed SELECT for the optimistic pass: ``q`` parsed as DOUBLE while reading.

    Casting 9M quantities from text costs about a fifth of the load. ``NA`` and
    empty fields read as NULL here in every column (DuckDB has no per-column
    null string, and its `force_not_null` turns them off for every column
    unless the file has quotes), so a NULL anywhere but ``q`` raises, as does
    anything else the reader cannot parse ("x1", " NA"): the file is then read
    by `_select`, which treats those fields as it always has. For every file
    this reads, both give the same rows.
    """
    any_null = " OR ".join(f"s.{c} IS NULL" for c in BACI_COLUMNS if c != "q")
    year = f"CASE WHEN {any_null} THEN error('NA or empty field: read as text') ELSE s.t END"
    return f"""
        SELECT {_canonical("s.q", year=year)}
        FROM read_csv($file, header = true, columns = {_COLUMNS % "'DOUBLE'"},
                      nullstr = ['NA', '']) s"""


def _code_list(codes: pd.DataFrame) -> list[str | None]:
    """ISO3 by position: ``list[code]`` (NULL where the table has no such code)."""
    out: list[str | None] = [None] * (int(codes["code"].max()) + 1 if len(codes) else 0)
    for code, iso3 in zip(codes["code"], codes["iso3"], strict=True):
        out[int(code)] = str(iso3)
    return out


def ingest_baci(
    store: Store,
    files: Sequence[str | Path],
    *,
    country_codes: str | Path | None = None,
    product_codes: str | Path | None = None,
    hs_revision: str | None = None,
    strict: bool = True,
    check_year: bool = True,
    progress: ProgressCallback | None = None,
) -> list[IngestReport]:
    """Load BACI yearly CSVs; each file becomes dataset ``baci:<file stem>``.

    Code tables are found beside each file unless given. All the files are one
    transaction: a bad file leaves the store as it was, the good ones included
    (`BatchIngestError` says which were fine). Rows whose ``t`` is not the year in
    the file name (``_Y2023``) are refused (skipped when lenient) unless
    ``check_year=False``. Product codes not in the revision's product table
    (`nomenclature`) are refused; a lenient load keeps them and says so in ``notes``.
    """
    return one_transaction(
        store,
        files,
        partial(
            _ingest_each,
            store,
            files,
            country_codes=country_codes,
            product_codes=product_codes,
            hs_revision=hs_revision,
            strict=strict,
            check_year=check_year,
            progress=progress,
        ),
    )


def _ingest_each(
    store: Store,
    files: Sequence[str | Path],
    *,
    country_codes: str | Path | None,
    product_codes: str | Path | None,
    hs_revision: str | None,
    strict: bool,
    check_year: bool,
    progress: ProgressCallback | None,
) -> list[IngestReport]:
    reports = []
    for raw in files:
        path = require_file(raw)
        _check_header(path)
        revision = hs_revision or detect_revision(path.name)
        products_path = Path(product_codes) if product_codes else None
        if products_path is None and revision:
            products_path = find_code_table(path, f"product_codes_{revision}")
        if revision is None and products_path is not None:
            revision = detect_revision(products_path.name)
        if revision is None:
            raise IngestError(
                "cannot tell the HS revision from the file name; pass "
                "--hs-revision (one of " + ", ".join(HS_REVISIONS) + ")",
                file=path,
            )
        if revision not in HS_REVISIONS:
            raise IngestError(
                f"unknown HS revision; use one of {', '.join(HS_REVISIONS)}",
                file=path,
                value=revision,
            )
        countries_path = (
            Path(country_codes) if country_codes else find_code_table(path, "country_codes")
        )
        if countries_path is None:
            raise IngestError(
                "no country_codes_V*.csv beside the file; pass --country-codes", file=path
            )
        code_table = read_country_codes(require_file(countries_path))
        product_table = (
            read_product_codes(require_file(products_path), revision)
            if products_path is not None
            else None
        )
        scan = f"_baci_rejects_{next(_scan_ids)}"
        product_checks, notes = _product_checks(store, revision, products_path)

        def prepare(
            con: duckdb.DuckDBPyConnection,
            codes: pd.DataFrame = code_table,
            products: pd.DataFrame | None = product_table,
        ) -> None:
            _register_codes(con, codes)
            if products is not None:
                _register_products(con, products)

        source = FlowSource(
            file=path,
            kind="baci",
            dataset_id=f"baci:{path.stem}",
            select=_select(scan),
            fast_select=_fast_select,
            params={"file": str(path), "revision": revision, "codes": _code_list(code_table)},
            unkeyed_params=("codes",),
            rejects_table=scan,
            field_names={
                "exporter": "i",
                "importer": "j",
                "product": "k",
                "value_usd": "v",
                "quantity": "q",
                "year": "t",
            },
            note=f"{revision}; countries from {countries_path.name}"
            + (f"; products from {products_path.name}" if products_path else ""),
            checks=(*(year_check(path) if check_year else ()), *product_checks),
            options=_code_tables_key(countries_path, products_path),
        )
        report = load_flows(store, source, strict=strict, prepare=prepare, progress=progress)
        reports.append(replace(report, notes=(*notes, *report.notes)) if notes else report)
    return reports


def _product_checks(
    store: Store, revision: str, products_path: Path | None
) -> tuple[tuple[Check, ...], tuple[str, ...]]:
    """The check of product codes against the revision's list, or a note saying why not."""
    if products_path is not None:
        return (product_list_check(revision, listed_in=products_path.name),), ()
    if has_product_list(store.con, revision):
        return (product_list_check(revision, listed_in=f"the store's {revision} list"),), ()
    return (), (
        f"product codes not checked: no {revision} product table beside the file or in "
        "the store; pass --product-codes",
    )


def _code_tables_key(countries: Path, products: Path | None) -> dict[str, str | None]:
    """The code tables shape the rows (which ISO3 a code becomes): their sha256 is part
    of the load's idempotency key."""
    return {
        "country_codes": sha256_file(countries),
        "product_codes": sha256_file(products) if products is not None else None,
    }


def _register_codes(con: duckdb.DuckDBPyConnection, codes: pd.DataFrame) -> None:
    con.register("_baci_codes_df", codes)
    con.execute("CREATE OR REPLACE TEMP TABLE _baci_codes AS SELECT * FROM _baci_codes_df")
    con.unregister("_baci_codes_df")
    con.execute("""
        INSERT INTO countries
        SELECT DISTINCT ON (iso3) iso3, NULL, name FROM _baci_codes
        WHERE iso3 NOT IN (SELECT iso3 FROM countries) ORDER BY iso3, code""")
    con.execute("""
        INSERT OR REPLACE INTO country_codes
        SELECT 'baci', code::VARCHAR, iso3, name FROM _baci_codes""")


def _register_products(con: duckdb.DuckDBPyConnection, products: pd.DataFrame) -> None:
    con.register("_products_df", products)
    con.execute("""
        INSERT OR REPLACE INTO products
        SELECT code, hs_revision, description, chapter, section, bec FROM _products_df""")
    con.unregister("_products_df")
