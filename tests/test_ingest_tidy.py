"""Tidy CSV/Parquet flow tables: country spellings, HS padding, bad input."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from asymmetry.errors import IngestError, SchemaError
from asymmetry.store.ingest_tidy import ingest_table
from asymmetry.store.store import Store
from tests.conftest import snapshot

GOOD = """year,exporter,importer,product,value_usd,quantity
2022,Russia,"China, People's Rep.",270900,1000.5,3
2022,Russian Federation,CHN,2711,50,
2022,156,643,8471,200,NA
2022,842,Viet Nam,10121,5,1.5
"""


def _write(tmp_path: Path, text: str, name: str = "flows.csv") -> Path:
    path = tmp_path / name
    path.write_text(text)
    return path


def test_country_spellings_and_hs_padding(empty_store: Store, tmp_path: Path) -> None:
    report = ingest_table(empty_store, _write(tmp_path, GOOD), hs_revision="HS17")
    assert report.rows == 4 and report.dataset == "table:flows"
    got = empty_store.query(
        "SELECT exporter, importer, product, value_usd, quantity FROM flows ORDER BY value_usd"
    )
    assert got["exporter"].tolist() == ["USA", "RUS", "CHN", "RUS"]
    assert got["importer"].tolist() == ["VNM", "CHN", "RUS", "CHN"]
    assert got["product"].tolist() == ["010121", "2711", "8471", "270900"]
    assert got["quantity"].isna().tolist() == [False, True, True, False]


def test_parquet_round_trip(empty_store: Store, tmp_path: Path) -> None:
    frame = pd.DataFrame(
        {
            "year": [2021, 2021],
            "exporter": ["DEU", "FRA"],
            "importer": ["FRA", "DEU"],
            "product": ["870323", "300490"],
            "value_usd": [1e6, 2.5e5],
            "hs_revision": ["HS17", "HS17"],
        }
    )
    path = tmp_path / "flows.parquet"
    frame.to_parquet(path)
    ingest_table(empty_store, path)
    back = empty_store.query(
        "SELECT year, exporter, importer, product, value_usd, hs_revision "
        "FROM flows ORDER BY exporter"
    )
    assert back.astype(str).values.tolist() == frame.astype(str).values.tolist()


BAD = [
    ("2022,Narnia,CHN,2709,1\n", 2, "'exporter'", "unknown country", "Narnia"),
    (
        "2022,RUS,CHN,2709,1\n2022,RUS,Atlantis,2709,1\n",
        3,
        "'importer'",
        "unknown country",
        "Atlantis",
    ),
    ("2022,RUS,CHN,12345678,1\n", 2, "'product'", "not 2, 4 or 6 digits", "12345678"),
    ("2022,RUS,CHN,27AB,1\n", 2, "'product'", "not 2, 4 or 6 digits", "27AB"),
    ("2022,RUS,CHN,2709,-3\n", 2, "'value_usd'", "negative value", "-3"),
    ("2022,RUS,CHN,2709,lots\n", 2, "'value_usd'", "not a number", "lots"),
    ("2022,RUS,CHN,2709,\n", 2, "'value_usd'", "missing value", None),
    ("2022,RUS,CHN,2709,1\n2022,RUS,CHN,2709,2\n", 3, None, "duplicate key", None),
]


@pytest.mark.parametrize(("body", "line", "field", "reason", "value"), BAD)
def test_bad_rows_are_named_and_the_store_is_unchanged(
    empty_store: Store,
    tmp_path: Path,
    body: str,
    line: int,
    field: str | None,
    reason: str,
    value: str | None,
) -> None:
    ingest_table(empty_store, _write(tmp_path, GOOD, "good.csv"), hs_revision="HS17")
    before = snapshot(empty_store)
    path = _write(tmp_path, "year,exporter,importer,product,value_usd\n" + body)
    with pytest.raises(IngestError) as info:
        ingest_table(empty_store, path, hs_revision="HS17")
    message = str(info.value)
    assert f"{path}, line {line}" in message and reason in message
    if field:
        assert f"field {field}" in message
    if value:
        assert repr(value) in message
    assert snapshot(empty_store) == before


def test_missing_column(empty_store: Store, tmp_path: Path) -> None:
    path = _write(tmp_path, "year,exporter,importer,value_usd\n2022,RUS,CHN,1\n")
    with pytest.raises(SchemaError, match=r"line 1, field 'product': missing column\(s\) product"):
        ingest_table(empty_store, path, hs_revision="HS17")


def test_mixed_hs_revisions_in_one_file(empty_store: Store, tmp_path: Path) -> None:
    path = _write(
        tmp_path,
        "year,exporter,importer,product,value_usd,hs_revision\n"
        "2022,RUS,CHN,2709,1,HS17\n2022,RUS,DEU,2709,1,HS17\n"
        "2022,RUS,IND,2709,1,HS22\n",
    )
    with pytest.raises(IngestError, match=r"line 4, field 'hs_revision': mixed HS revisions"):
        ingest_table(empty_store, path)
    assert empty_store.scalar("SELECT count(*) FROM flows") == 0


def test_revision_must_be_known(empty_store: Store, tmp_path: Path) -> None:
    path = _write(tmp_path, GOOD)
    with pytest.raises(IngestError, match="unknown HS revision"):
        ingest_table(empty_store, path, hs_revision="HS99")


@pytest.mark.parametrize(("year", "revision"), [(2022, "HS22"), (2019, "HS17"), (1995, "HS92")])
def test_unstated_revision_is_the_one_in_force_and_said(
    empty_store: Store, tmp_path: Path, year: int, revision: str
) -> None:
    """The README marks hs_revision optional; a file without it was refused."""
    path = _write(tmp_path, GOOD.replace("2022,", f"{year},"))
    report = ingest_table(empty_store, path)
    assert report.rows == 4
    assert empty_store.scalar("SELECT DISTINCT hs_revision FROM flows") == revision
    assert report.notes == (
        f"no HS revision stated: {revision} assumed, the revision in force in {year} "
        "(the file's latest year); pass --hs-revision or add an hs_revision column to choose",
    )


def test_unstated_revision_follows_the_codes(empty_store: Store, tmp_path: Path) -> None:
    """Codes that only one stored code list holds decide (here 852352, new in HS17)."""
    empty_store.con.execute(
        "INSERT INTO products (code, hs_revision, chapter) VALUES "
        "('852352', 'HS17', '85'), ('270900', 'HS17', '27'), ('270900', 'HS12', '27')"
    )
    path = _write(
        tmp_path,
        "year,exporter,importer,product,value_usd\n2022,KOR,CHN,852352,5\n2022,RUS,CHN,270900,9\n",
    )
    report = ingest_table(empty_store, path)
    assert empty_store.scalar("SELECT DISTINCT hs_revision FROM flows") == "HS17"
    assert "HS17, the only one of the code lists stored (HS12, HS17)" in report.notes[0]


def test_lenient_loads_the_good_rows(empty_store: Store, tmp_path: Path) -> None:
    path = _write(
        tmp_path,
        "year,exporter,importer,product,value_usd\n"
        "2022,RUS,CHN,2709,1\n2022,Narnia,CHN,2709,1\n2022,RUS,CHN,2709,2\n"
        "2022,CHN,RUS,8703,9\n2022,CHN,RUS,8471,-1\n",
    )
    report = ingest_table(empty_store, path, hs_revision="HS17", strict=False)
    assert report.rows == 1 and report.rows_skipped == 4
    assert report.skipped["unknown country (exporter)"] == 1
    assert report.skipped["negative value (value_usd)"] == 1
    assert report.skipped["duplicate key (year, exporter, importer, product) within the file"] == 2
    assert empty_store.query("SELECT product FROM flows")["product"].tolist() == ["8703"]


def test_empty_and_binary_files(empty_store: Store, tmp_path: Path) -> None:
    with pytest.raises(IngestError, match="file is empty"):
        ingest_table(empty_store, _write(tmp_path, ""), hs_revision="HS17")
    binary = tmp_path / "blob.csv"
    binary.write_bytes(bytes(range(256)) * 10)
    with pytest.raises(IngestError):
        ingest_table(empty_store, binary, hs_revision="HS17")
    with pytest.raises(IngestError, match="file not found"):
        ingest_table(empty_store, tmp_path / "nope.csv", hs_revision="HS17")


def _pairs_by_hand(store: Store) -> list[tuple[object, ...]]:
    return sorted(
        store.con.execute(
            "SELECT source, year, exporter, importer, coalesce(reporter, ''), sum(value_usd), "
            "count(*) FROM flows GROUP BY ALL"
        ).fetchall()
    )


def _pairs_stored(store: Store) -> list[tuple[object, ...]]:
    return sorted(
        store.con.execute(
            "SELECT source, year, exporter, importer, coalesce(reporter, ''), value_usd, n_rows "
            "FROM flow_pairs"
        ).fetchall()
    )


def test_pair_sums_follow_every_ingest(empty_store: Store, tmp_path: Path) -> None:
    good = _write(tmp_path, GOOD)
    ingest_table(empty_store, good, hs_revision="HS17")
    assert _pairs_stored(empty_store) == _pairs_by_hand(empty_store)
    assert len(_pairs_stored(empty_store)) == 3  # 4 rows; the two RUS->CHN rows are one pair
    # A lenient load drops bad rows before the sums are taken.
    lenient = _write(
        tmp_path,
        "year,exporter,importer,product,value_usd\n2022,RUS,CHN,2709,1\n2022,CHN,RUS,8471,-1\n",
        "lenient.csv",
    )
    ingest_table(empty_store, lenient, hs_revision="HS17", strict=False)
    assert _pairs_stored(empty_store) == _pairs_by_hand(empty_store)
    # Replacing a file replaces its sums; a failed ingest changes none of them.
    good.write_text(GOOD.replace("1000.5", "7"))
    ingest_table(empty_store, good, hs_revision="HS17")
    assert _pairs_stored(empty_store) == _pairs_by_hand(empty_store)
    before = snapshot(empty_store)
    good.write_text(GOOD + "2022,Narnia,CHN,2709,1\n")
    with pytest.raises(IngestError):
        ingest_table(empty_store, good, hs_revision="HS17")
    assert snapshot(empty_store) == before
