"""Cited figures (`facts`): the packaged table and user-supplied files.

A facts file has the columns of `FACT_COLUMNS` (indicator, value, unit and
source required). The layout of ``reference_values_russia_china.csv``
(metric, year, value, unit, source_org, source_url) is accepted too.
"""

from __future__ import annotations

import math
from importlib import resources
from pathlib import Path
from typing import Final

import pandas as pd

from asymmetry.errors import IngestError, SchemaError
from asymmetry.store.codes import REPORTING_GROUPS, resolve_countries
from asymmetry.store.provenance import (
    IngestReport,
    Timer,
    check_dataset_id,
    previous_sha,
    record_dataset,
    require_file,
    sha256_file,
)
from asymmetry.store.schema import FACT_COLUMNS
from asymmetry.store.store import Store

PACKAGED_FACTS_DATASET = "facts:packaged"
# Official annual aggregates (China GAC, Russia FCS, Eurostat ...), re-keyed
# from ../shared/data/facts/cited_aggregates.csv by tools/rekey_aggregates.py.
AGGREGATES_DATASET = "facts:aggregates"
# Official statistics as reported by news agencies, collected to check claims
# independently of the documents that make them (data/README.md).
REPORTED_DATASET = "facts:reported"
_REQUIRED = ("indicator", "value", "unit", "source")
_REFERENCE_LAYOUT = {"metric": "indicator", "source_org": "source", "source_url": "url"}


def packaged_facts_path(name: str = "facts.csv") -> Path:
    return Path(str(resources.files("asymmetry") / "data" / name))


def read_facts(path: Path) -> pd.DataFrame:
    """Validated facts from ``path``; `IngestError` names the first bad line."""
    try:
        frame = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    except UnicodeDecodeError as exc:
        raise IngestError("not UTF-8 text", file=path) from exc
    except (pd.errors.ParserError, pd.errors.EmptyDataError) as exc:
        raise IngestError(f"not a CSV file: {exc}", file=path) from exc
    frame = frame.rename(columns=_REFERENCE_LAYOUT)
    if "locator" not in frame and "url" in frame:
        frame["locator"] = path.name
    missing = [c for c in _REQUIRED if c not in frame]
    if missing:
        raise SchemaError(
            f"missing column(s) {', '.join(missing)}; a facts file needs {', '.join(_REQUIRED)}",
            file=path,
            line=1,
            field=missing[0],
        )
    for column in FACT_COLUMNS:
        if column not in frame:
            frame[column] = ""
    frame = frame[list(FACT_COLUMNS)].replace("", None)
    for column in ("value", "low", "high", "year"):
        frame[column] = _numbers(frame[column], path, column)
    for column in ("indicator", "unit", "source"):
        empty = frame[column].isna()
        if empty.any():
            raise IngestError(
                "required field is empty",
                file=path,
                line=int(empty.to_numpy().nonzero()[0][0]) + 2,
                field=column,
            )
    # Countries must resolve or name a group of countries with statistics of
    # its own (Eurostat's "EU"); partners may also name groups ("Europe", "CHN+IND").
    given = frame["country"].dropna().unique().tolist()
    resolved = {**resolve_countries(given), **{g: g for g in given if g in REPORTING_GROUPS}}
    for i, value in enumerate(frame["country"]):
        if value is not None and resolved.get(value) is None:
            raise IngestError(
                "unknown country", file=path, line=i + 2, field="country", value=value
            )
    frame["country"] = frame["country"].map(lambda v: resolved.get(v) if v else None)
    partners = resolve_countries(frame["partner"].dropna().unique().tolist())
    frame["partner"] = frame["partner"].map(lambda v: (partners.get(v) or v) if v else None)
    frame["year"] = frame["year"].astype("Int64")
    return frame


def _numbers(column: pd.Series, path: Path, field: str) -> pd.Series:
    """The column as finite numbers (years: whole, 1900-2100); names the first bad line.

    ``inf`` and ``1e309`` parse as numbers but are not figures anyone cited, and JSON
    cannot carry them; a year of 2021.5 or 99999999999 does not fit the store's year.
    """
    numbers = pd.to_numeric(column, errors="coerce")
    # pandas reads 1e309 as NaN, Python as inf: ask Python which text is infinite
    infinite = column.map(_python_float).abs() == math.inf
    rules = [
        ("infinite or beyond the range of a double (1.8e308)", infinite),
        ("not a number", numbers.isna() & column.notna() & ~infinite),
    ]
    if field == "value":
        rules.insert(0, ("missing value", column.isna()))
    if field == "year":
        rules.append(
            (
                "not a whole year between 1900 and 2100",
                numbers.notna() & ((numbers % 1 != 0) | ~numbers.between(1900, 2100)),
            )
        )
    first = min(
        ((int(bad.to_numpy().nonzero()[0][0]), reason) for reason, bad in rules if bad.any()),
        default=None,
    )
    if first is not None:
        i, reason = first
        raise IngestError(reason, file=path, line=i + 2, field=field, value=column.iloc[i])
    return numbers


def _python_float(text: str | None) -> float:
    try:
        return float(text) if text is not None else math.nan
    except ValueError:
        return math.nan


def ingest_facts(store: Store, path: str | Path, *, dataset_id: str | None = None) -> IngestReport:
    """Load a facts file as dataset ``facts:<stem>`` (replacing an earlier load of it)."""
    timer = Timer()
    file = require_file(path)
    dataset = dataset_id or f"facts:{file.stem}"
    check_dataset_id(store.con, dataset, kind="facts", file=file, replace=dataset_id is not None)
    sha = sha256_file(file)
    previous = previous_sha(store.con, dataset)
    if previous == sha:
        rows = int(store.scalar("SELECT count(*) FROM facts WHERE dataset = ?", [dataset]))
        return IngestReport(dataset, "facts", str(file), "unchanged", rows, seconds=timer())
    frame = read_facts(file)
    frame["dataset"] = dataset
    with store.transaction() as con:
        con.execute("DELETE FROM facts WHERE dataset = ?", [dataset])
        con.register("_facts", frame)
        con.execute("INSERT INTO facts SELECT * FROM _facts")
        con.unregister("_facts")
        record_dataset(
            con, dataset_id=dataset, kind="facts", file=file, sha256=sha, rows=len(frame)
        )
    return IngestReport(
        dataset,
        "facts",
        str(file),
        "replaced" if previous else "loaded",
        len(frame),
        seconds=timer(),
    )


_PACKAGED: Final = (
    ("facts.csv", PACKAGED_FACTS_DATASET),
    ("aggregates.csv", AGGREGATES_DATASET),
    ("reported.csv", REPORTED_DATASET),
)


def packaged_facts_changed(store: Store) -> bool:
    """A store that has the packaged facts, but not the ones this package ships."""
    recorded = [previous_sha(store.con, dataset) for _, dataset in _PACKAGED]
    if not any(recorded):
        return False  # a store created without defaults keeps none
    return any(
        sha != sha256_file(packaged_facts_path(name))
        for (name, _), sha in zip(_PACKAGED, recorded, strict=True)
    )


def ingest_packaged_facts(store: Store) -> list[IngestReport]:
    """Load the facts shipped with the package (see ``asymmetry/data/README.md``).

    Three datasets: the cited figures of the seed papers and reference values
    (``facts:packaged``), the official annual aggregates (``facts:aggregates``) and
    official figures as reported by news agencies (``facts:reported``).
    """
    return [
        ingest_facts(store, packaged_facts_path(name), dataset_id=dataset)
        for name, dataset in _PACKAGED
    ]
