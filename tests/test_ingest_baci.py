"""BACI ingest: the real files in ../shared/data/baci, and every bad-input case."""

from __future__ import annotations

import csv
import hashlib
import shutil
from pathlib import Path

import pytest

from asymmetry.errors import IngestError, SchemaError
from asymmetry.store import ingest_baci as baci_module
from asymmetry.store import ingest_flows
from asymmetry.store.ingest_baci import ingest_baci, read_country_codes, read_product_codes
from asymmetry.store.store import Store
from tests.conftest import snapshot

SAMPLE = "BACI_sample_HS22_Y2023_k852352.csv"
HEADER = "t,i,j,k,v,q\n"


def _baci_dir(
    tmp_path: Path, shared_data: Path, body: str, name: str = "BACI_HS22_Y2023_V202501.csv"
) -> Path:
    """A BACI file with the real V202501 code tables beside it."""
    for table in ("country_codes_V202501.csv", "product_codes_HS22_V202501.csv"):
        shutil.copy(shared_data / "baci" / table, tmp_path / table)
    path = tmp_path / name
    path.write_text(HEADER + body)
    return path


def test_real_sample_matches_an_independent_read(empty_store: Store, shared_data: Path) -> None:
    baci = shared_data / "baci"
    with (baci / "country_codes_V202501.csv").open(encoding="utf-8-sig") as f:
        iso = {int(r["country_code"]): r["country_iso3"] for r in csv.DictReader(f)}
    with (baci / SAMPLE).open() as f:
        rows = list(csv.DictReader(f))
    expected = {(iso[int(r["j"])]): float(r["v"]) * 1000 for r in rows}

    [report] = ingest_baci(empty_store, [baci / SAMPLE])

    assert report.status == "loaded" and report.rows == len(rows) == 81
    got = empty_store.query(
        "SELECT importer, value_usd, exporter, product, hs_revision, year FROM flows"
    )
    assert set(got["exporter"]) == {"KOR"} and set(got["product"]) == {"852352"}
    assert set(got["hs_revision"]) == {"HS22"} and set(got["year"]) == {2023}
    assert dict(zip(got["importer"], got["value_usd"], strict=True)) == pytest.approx(expected)
    ds = empty_store.datasets()
    assert ds.loc[0, "id"] == "baci:BACI_sample_HS22_Y2023_k852352"
    assert len(ds.loc[0, "sha256"]) == 64 and ds.loc[0, "rows"] == 81


def test_reingest_is_a_no_op(empty_store: Store, shared_data: Path) -> None:
    path = shared_data / "baci" / SAMPLE
    ingest_baci(empty_store, [path])
    before = snapshot(empty_store)
    [again] = ingest_baci(empty_store, [path])
    assert again.status == "unchanged"
    assert snapshot(empty_store) == before


def test_changed_file_replaces_its_dataset(
    empty_store: Store, shared_data: Path, tmp_path: Path
) -> None:
    path = _baci_dir(tmp_path, shared_data, "2023,410,36,852352,1.5,0.1\n")
    ingest_baci(empty_store, [path])
    path.write_text(HEADER + "2023,410,36,852352,2.5,0.1\n2023,410,40,852352,1,NA\n")
    [report] = ingest_baci(empty_store, [path])
    assert report.status == "replaced"
    assert empty_store.query("SELECT sum(value_usd) AS v, count(*) AS n FROM flows").iloc[
        0
    ].tolist() == [3500.0, 2]


@pytest.mark.parametrize("version", ["V202201", "V202301", "V202501"])
def test_country_tables_of_every_release(shared_data: Path, version: str) -> None:
    table = read_country_codes(shared_data / "baci" / f"country_codes_{version}.csv")
    by_code = dict(zip(table["code"], table["iso3"], strict=True))
    assert by_code[490] == "S19"  # "N/A" in 2022/2023 releases
    assert by_code[842] == "USA" and by_code[251] == "FRA" and by_code[699] == "IND"
    assert by_code[516] == "NAM"  # ISO2 "NA" must not read as missing
    assert by_code[643] == "RUS" and by_code[156] == "CHN"
    assert table["iso3"].str.len().ge(3).all()


def test_hs92_codes_get_their_leading_zero_back(shared_data: Path) -> None:
    path = shared_data / "baci" / "product_codes_HS92_V202301.csv"
    table = read_product_codes(path, "HS92")
    with path.open() as f:
        assert len(table) == len(list(csv.DictReader(f)))
    assert table["code"].str.len().eq(6).all()
    assert table.iloc[0]["code"] == "010111" and table.iloc[0]["section"] == "I"


def test_hs17_table_carries_bec(shared_data: Path) -> None:
    table = read_product_codes(shared_data / "baci" / "product_codes_HS17_V202201.csv", "HS17")
    assert table.set_index("code").loc["010121", "bec"] == "41"


def test_products_and_pseudo_countries_land_in_the_store(
    empty_store: Store, shared_data: Path
) -> None:
    ingest_baci(empty_store, [shared_data / "baci" / SAMPLE])
    with (shared_data / "baci" / "product_codes_HS22_V202501.csv").open() as f:
        codes = {r["code"] for r in csv.DictReader(f)}
    assert empty_store.scalar("SELECT count(*) FROM products WHERE hs_revision='HS22'") == len(
        codes
    )
    assert (
        empty_store.scalar("SELECT iso3 FROM country_codes WHERE scheme='baci' AND code='490'")
        == "S19"
    )
    assert empty_store.scalar("SELECT description FROM products WHERE code='852352'")


BAD_CASES = [
    (
        "2023,410,36,852352,1.0,0.1\n2023,999,36,852352,1.0,0.1\n",
        3,
        "'i'",
        "unknown country",
        IngestError,
    ),
    (
        "2023,410,36,852352,1.0,0.1\n2023,410,36,1234567,1.0,0.1\n",
        3,
        "'k'",
        "HS code is not",
        IngestError,
    ),
    ("2023,410,36,852352,-4.0,0.1\n", 2, "'v'", "negative value", IngestError),
    (
        "2023,410,36,852352,1.0,0.1\n2023,410,40,852352,abc,0.1\n",
        3,
        "'v'",
        "not a number",
        IngestError,
    ),
    ("2023,410,36,852352,1.0,x1\n", 2, "'q'", "quantity is not a number", IngestError),
    (  # a Y2023 file whose t says 2022 once loaded silently
        "2023,410,36,852352,1.0,0.1\n2022,410,40,852352,1.0,0.1\n",
        3,
        "'t'",
        "year differs from the file name's Y2023 (got 2022)",
        IngestError,
    ),
    (
        "2023,410,36,852352,1.0,0.1\n2023,410,40,852352,1.0,0.1\n2023,410,36,852352,2.0,0.1\n",
        4,
        None,
        "duplicate key",
        IngestError,
    ),
    ("2023,410,36,852352,1.0\n", 2, None, "too few fields", IngestError),
    # the typed fast pass refuses an empty value; the tolerant pass names it
    (
        "2023,410,36,852352,1.0,0.1\n2023,410,40,852352,,0.1\n",
        3,
        "'v'",
        "missing value",
        IngestError,
    ),
    ("2023,410,36,852352,NA,0.1\n", 2, "'v'", "not a number", IngestError),
    ("2023,410,36,852352,1.0,0.1\n2023,410,40,,1.0,0.1\n", 3, "'k'", "HS code", IngestError),
    ("2023,410,36,852352,1.0,0.1\n99999,410,40,852352,1.0,0.1\n", 3, "'t'", "year", IngestError),
]


@pytest.mark.parametrize(("body", "line", "field", "reason", "kind"), BAD_CASES)
def test_bad_input_names_line_and_field_and_changes_nothing(
    empty_store: Store,
    shared_data: Path,
    tmp_path: Path,
    body: str,
    line: int,
    field: str | None,
    reason: str,
    kind: type[Exception],
) -> None:
    ingest_baci(empty_store, [shared_data / "baci" / SAMPLE])
    before = snapshot(empty_store)
    path = _baci_dir(tmp_path, shared_data, body)
    with pytest.raises(kind) as info:
        ingest_baci(empty_store, [path])
    message = str(info.value)
    assert str(path) in message and f"line {line}" in message and reason in message
    if field:
        assert f"field {field}" in message
    assert snapshot(empty_store) == before


def test_missing_column_is_a_schema_error(
    empty_store: Store, shared_data: Path, tmp_path: Path
) -> None:
    path = _baci_dir(tmp_path, shared_data, "")
    path.write_text("t,i,j,k,q\n2023,410,36,852352,0.1\n")
    before = snapshot(empty_store)
    with pytest.raises(SchemaError, match=r"line 1, field 'v': missing BACI column"):
        ingest_baci(empty_store, [path])
    assert snapshot(empty_store) == before


def test_lenient_skips_bad_rows_and_says_why(
    empty_store: Store, shared_data: Path, tmp_path: Path
) -> None:
    path = _baci_dir(
        tmp_path,
        shared_data,
        "2023,410,36,852352,1.0,0.1\n2023,999,36,852352,1.0,0.1\n"
        "2023,410,40,852352,abc,0.1\n2023,410,48,852352,-1,0.1\n"
        "2023,410,56,852352,2.0,NA\n",
    )
    [report] = ingest_baci(empty_store, [path], strict=False)
    assert report.rows == 2 and report.rows_skipped == 3
    assert report.skipped == {
        "not a number (v)": 1,
        "unknown country (i)": 1,
        "negative value (v)": 1,
    }
    # line numbers stay right even though DuckDB dropped the unparsable line 4
    assert any("line 3" in e and "999" in e for e in report.examples)
    assert any("line 5" in e and "negative" in e for e in report.examples)
    assert empty_store.scalar("SELECT count(*) FROM flows WHERE quantity IS NULL") == 1


def test_year_check_can_be_turned_off(
    empty_store: Store, shared_data: Path, tmp_path: Path
) -> None:
    path = _baci_dir(tmp_path, shared_data, "2022,410,36,852352,1.0,0.1\n")
    [report] = ingest_baci(empty_store, [path], check_year=False)
    assert report.rows == 1 and empty_store.scalar("SELECT DISTINCT year FROM flows") == 2022
    (tmp_path / "mixed").mkdir()
    mixed = _baci_dir(
        tmp_path / "mixed", shared_data, "2023,410,36,852352,1.0,0.1\n2022,410,40,852352,1.0,0.1\n"
    )
    [lenient] = ingest_baci(empty_store, [mixed], strict=False)
    assert lenient.rows == 1 and lenient.skipped == {
        "year differs from the file name's Y2023 (t)": 1
    }


def test_hs_revision_is_required_when_the_name_does_not_tell(
    empty_store: Store, tmp_path: Path
) -> None:
    path = tmp_path / "trade.csv"
    path.write_text(HEADER + "2023,410,36,852352,1.0,0.1\n")
    with pytest.raises(IngestError, match="HS revision"):
        ingest_baci(empty_store, [path])


def test_recorded_sha256_is_the_files(empty_store: Store, shared_data: Path) -> None:
    """The hash runs in a thread beside the load; it must still be the file's."""
    path = shared_data / "baci" / SAMPLE
    ingest_baci(empty_store, [path])
    expected = hashlib.sha256(path.read_bytes()).hexdigest()
    assert empty_store.scalar("SELECT sha256 FROM datasets") == expected


# No quoted field: DuckDB's reader changes how it reads NA when the file has quotes.
QUANTITIES = ["0.5", "NA", "", "1e3", ".5", " 7 ", "-0", "1_000"]
IMPORTERS = [36, 40, 56, 76, 124, 156, 251, 276, 392, 842]  # BACI codes, one per row


def _quantity_file(tmp_path: Path, shared_data: Path, quantities: list[str]) -> Path:
    body = "".join(
        f"2023,410,{j},852352,1.0,{q}\n" for j, q in zip(IMPORTERS, quantities, strict=False)
    )
    return _baci_dir(tmp_path, shared_data, body)


def test_typed_fast_pass_reads_what_the_tolerant_pass_reads(
    empty_store: Store, shared_data: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = _quantity_file(tmp_path, shared_data, QUANTITIES)
    tolerant = baci_module._select("unused")(False, "fail")
    fast = baci_module._fast_select()
    codes = read_country_codes(tmp_path / "country_codes_V202501.csv")
    params = {"file": str(path), "revision": "HS22", "codes": baci_module._code_list(codes)}
    columns = "year, exporter, importer, product, hs_revision, value_usd, quantity, reporter"
    read = [
        empty_store.con.execute(f"SELECT {columns} FROM ({q})", params).fetchall()
        for q in (tolerant, fast)
    ]
    assert read[0] == read[1] and len(read[0]) == len(QUANTITIES)
    assert [r[6] for r in read[1]] == [0.5, None, None, 1000.0, 0.5, 7.0, 0.0, 1000.0]
    # and the load takes the fast pass for this file (no retry through the tolerant one)
    tolerant_passes: list[bool] = []
    select = ingest_flows.FlowSource.__init__

    def watch(self: ingest_flows.FlowSource, *args: object, **kwargs: object) -> None:
        select(self, *args, **kwargs)  # type: ignore[arg-type]
        original = self.select

        def counted(with_line: bool, on_bad_row: ingest_flows.OnBadRow) -> str:
            tolerant_passes.append(with_line)
            return original(with_line, on_bad_row)

        object.__setattr__(self, "select", counted)

    monkeypatch.setattr(ingest_flows.FlowSource, "__init__", watch)
    [report] = ingest_baci(empty_store, [path])
    assert report.rows == len(QUANTITIES) and tolerant_passes == []


def test_quantity_the_typed_reader_refuses_goes_through_the_tolerant_pass(
    empty_store: Store, shared_data: Path, tmp_path: Path
) -> None:
    """ " NA" is no number to the typed reader; the text pass reads it as unknown."""
    path = _quantity_file(tmp_path, shared_data, ["0.5", " NA", "NA "])
    [report] = ingest_baci(empty_store, [path])
    assert report.rows == 3
    assert empty_store.scalar("SELECT count(*) FROM flows WHERE quantity IS NULL") == 2


def test_country_code_out_of_range_is_refused(
    empty_store: Store, shared_data: Path, tmp_path: Path
) -> None:
    path = _baci_dir(tmp_path, shared_data, "2023,410,36,852352,1.0,0.1\n")
    table = tmp_path / "country_codes_V202501.csv"
    lines = table.read_text(encoding="utf-8-sig").splitlines()
    lines.insert(3, "100000,Nowhere,XX,XXX")
    table.write_text("\n".join(lines) + "\n")
    before = snapshot(empty_store)
    with pytest.raises(IngestError, match=r"line 4, field 'country_code'.*0 to 99999"):
        ingest_baci(empty_store, [path])
    assert snapshot(empty_store) == before


def test_sorted_release_is_proved_free_of_duplicates_in_one_pass(
    empty_store: Store, shared_data: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A file sorted like a BACI release (t, i, j, k), over several row groups: the load
    keeps its order, so the checks pass clears every key without a distinct count."""
    table = read_country_codes(shared_data / "baci" / "country_codes_V202501.csv")
    codes = table.drop_duplicates("iso3", keep=False)["code"][:40]  # 56 and 58 are both BEL
    listed = read_product_codes(shared_data / "baci" / "product_codes_HS22_V202501.csv", "HS22")
    products = sorted(int(code) for code in listed["code"])[:170]  # in the nomenclature
    body = "".join(
        f"2023,{i},{j},{k},1.5,NA\n" for i in codes for j in codes if i != j for k in products
    )
    path = _baci_dir(tmp_path, shared_data, body)

    def refuse(*_: object) -> int:
        raise AssertionError("the exact distinct count ran: the proof did not hold")

    monkeypatch.setattr(ingest_flows, "_duplicates", refuse)
    [report] = ingest_baci(empty_store, [path])
    assert report.rows == 40 * 39 * 170  # 265,200 rows, three row groups


def test_country_list_stays_out_of_the_idempotency_key(
    empty_store: Store, shared_data: Path
) -> None:
    """The list the load indexes by code is derived from the country table, whose
    sha256 is in the key already; the key stays a short record of the options."""
    ingest_baci(empty_store, [shared_data / "baci" / SAMPLE])
    options = empty_store.scalar("SELECT options FROM datasets")
    assert '"codes"' not in options and '"country_codes"' in options and len(options) < 500
