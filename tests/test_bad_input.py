"""Bad input at ingest (issue 17): each case is refused with file, line, field and reason,
never a traceback, and leaves every table of the store as it was (`snapshot`)."""

from __future__ import annotations

import csv
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from typer.testing import CliRunner

from asymmetry.cli import app
from asymmetry.errors import IngestError, SchemaError
from asymmetry.store.ingest_baci import ingest_baci, read_country_codes, read_product_codes
from asymmetry.store.ingest_facts import ingest_facts
from asymmetry.store.ingest_tidy import ingest_table
from asymmetry.store.store import Store
from tests.conftest import snapshot

runner = CliRunner()
BACI_HEADER = "t,i,j,k,v,q\n"
TIDY_HEADER = "year,exporter,importer,product,value_usd,quantity\n"
# A few real BACI codes: 410 Korea, 36 Australia, 40 Austria, 56 Belgium.
COUNTRIES = (
    "country_code,country_name,country_iso2,country_iso3\n"
    "36,Australia,AU,AUS\n40,Austria,AT,AUT\n56,Belgium,BE,BEL\n410,Rep. of Korea,KR,KOR\n"
)
PRODUCTS = "code,description\n852352,Smart cards\n270900,Crude petroleum\n"
NON_FINITE = ["+inf", "-inf", "nan", "1e309"]  # the red-team corpus


def _release(directory: Path, body: str, *, countries: str = COUNTRIES) -> Path:
    """A BACI HS22 Y2023 file of ``body`` with small code tables beside it."""
    directory.mkdir(parents=True, exist_ok=True)
    (directory / "country_codes_V202501.csv").write_text(countries)
    (directory / "product_codes_HS22_V202501.csv").write_text(PRODUCTS)
    path = directory / "BACI_HS22_Y2023_V202501.csv"
    path.write_text(BACI_HEADER + body)
    return path


@pytest.fixture
def loaded(empty_store: Store, tmp_path: Path) -> Store:
    """A store already holding one good BACI file, so 'unchanged' means something."""
    ingest_baci(empty_store, [_release(tmp_path / "good", "2023,410,36,852352,1.0,0.1\n")])
    return empty_store


def _refused(store: Store, load: Callable[[], object], *fragments: str) -> IngestError:
    """Run ``load``; it must raise naming every fragment and leave the store as it was."""
    before = snapshot(store)
    with pytest.raises(IngestError) as info:
        load()
    message = str(info.value)
    for fragment in fragments:
        assert fragment in message, message
    assert snapshot(store) == before
    return info.value


# --- 1. non-finite numbers ------------------------------------------------------------
def _reason(token: str) -> str:
    return "not a number" if "nan" in token else "infinite or beyond the range of a double"


@pytest.mark.parametrize("token", NON_FINITE)
@pytest.mark.parametrize(("row", "field"), [("{}", "v"), ("1.0,{}", "q")])
def test_baci_refuses_non_finite_values_and_quantities(
    loaded: Store, tmp_path: Path, token: str, row: str, field: str
) -> None:
    body = "2023,410,36,852352,1.0,0.1\n" + (
        f"2023,410,40,852352,{token},0.1\n" if field == "v" else f"2023,410,40,852352,1.0,{token}\n"
    )
    path = _release(tmp_path / "bad", body)
    _refused(
        loaded,
        lambda: ingest_baci(loaded, [path]),
        f"{path}, line 3, field '{field}'",
        _reason(token),
    )


def test_baci_value_that_overflows_as_usd_is_refused(loaded: Store, tmp_path: Path) -> None:
    """BACI values are thousand USD: 1e306 is finite, its 1e309 USD is not."""
    path = _release(tmp_path / "bad", "2023,410,36,852352,1e306,0.1\n")
    _refused(loaded, lambda: ingest_baci(loaded, [path]), "line 2, field 'v'", "infinite")


def test_lenient_baci_skips_non_finite_rows_and_says_why(
    empty_store: Store, tmp_path: Path
) -> None:
    path = _release(
        tmp_path,
        "2023,410,36,852352,1.0,0.1\n2023,410,40,852352,inf,0.1\n2023,410,56,852352,1,1e309\n",
    )
    [report] = ingest_baci(empty_store, [path], strict=False)
    assert report.rows == 1 and report.rows_skipped == 2
    assert set(report.skipped) == {
        "value is infinite or beyond the range of a double (1.8e308) (v)",
        "quantity is infinite or beyond the range of a double (1.8e308) (q)",
    }
    assert empty_store.scalar("SELECT count(*) FROM flows WHERE isinf(value_usd)") == 0


@pytest.mark.parametrize("token", NON_FINITE)
@pytest.mark.parametrize("field", ["value_usd", "quantity"])
def test_tidy_refuses_non_finite_values_and_quantities(
    loaded: Store, tmp_path: Path, token: str, field: str
) -> None:
    row = (
        f"2022,RUS,DEU,2709,{token},1\n"
        if field == "value_usd"
        else f"2022,RUS,DEU,2709,1,{token}\n"
    )
    path = tmp_path / "flows.csv"
    path.write_text(TIDY_HEADER + "2022,RUS,CHN,2709,1,1\n" + row)
    _refused(
        loaded,
        lambda: ingest_table(loaded, path, hs_revision="HS17"),
        f"{path}, line 3, field '{field}'",
        _reason(token),
        repr(token),
    )


@pytest.mark.parametrize("token", NON_FINITE)
@pytest.mark.parametrize("field", ["value", "low", "high"])
def test_facts_refuse_non_finite_numbers(
    empty_store: Store, tmp_path: Path, token: str, field: str
) -> None:
    path = tmp_path / "facts.csv"
    numbers = {"value": "1", "low": "0.5", "high": "2", field: token}
    path.write_text(
        "indicator,value,low,high,unit,source\nx,1,0.5,2,USD,me\n"
        f"y,{numbers['value']},{numbers['low']},{numbers['high']},USD,me\n"
    )
    _refused(
        empty_store,
        lambda: ingest_facts(empty_store, path),
        f"{path}, line 3, field '{field}'",
        _reason(token),
    )


# --- 2. duplicated codes in code tables -------------------------------------------------
def test_duplicated_country_code_is_refused_not_joined_twice(loaded: Store, tmp_path: Path) -> None:
    """The red-team file: 2,000 rows stored as 2,005 because code 410 was listed twice."""
    body = "".join(f"2023,410,36,{270000 + n},1.0,0.1\n" for n in range(5))
    countries = COUNTRIES + "410,Korea (again),KR,KOR\n"
    path = _release(tmp_path / "bad", body, countries=countries)
    table = tmp_path / "bad" / "country_codes_V202501.csv"
    error = _refused(
        loaded,
        lambda: ingest_baci(loaded, [path]),
        f"{table}, line 6, field 'country_code'",
        "country code 410 is listed twice (first on line 5)",
    )
    assert error.value == "410"


def test_duplicated_product_code_is_refused(tmp_path: Path) -> None:
    """HS92 tables store codes as integers: 10111 and 010111 are the same code."""
    path = tmp_path / "product_codes_HS92_V202301.csv"
    path.write_text("code,description\n10111,Horses\n10119,Other horses\n010111,Horses again\n")
    with pytest.raises(IngestError, match=r"line 4, field 'code': product code 010111 is listed"):
        read_product_codes(path, "HS92")


# --- 3. blank code tables and bad years in facts ------------------------------------------
@pytest.mark.parametrize("text", ["   \n  \n", "\n\n\n", " "])
def test_blank_code_tables_are_an_error_not_a_traceback(tmp_path: Path, text: str) -> None:
    path = tmp_path / "country_codes_V202501.csv"
    path.write_text(text)
    with pytest.raises(IngestError, match="code table has no header"):
        read_country_codes(path)
    with pytest.raises(IngestError, match="code table has no header"):
        read_product_codes(path, "HS22")


def test_blank_code_table_through_the_cli(empty_store: Store, tmp_path: Path) -> None:
    path = _release(tmp_path, "2023,410,36,852352,1.0,0.1\n", countries="  \n \n")
    empty_store.close()
    result = runner.invoke(
        app, ["--store", str(tmp_path / "store.duckdb"), "ingest", "baci", str(path)]
    )
    assert result.exit_code == 2, result.output
    assert "code table has no header" in result.output and "Traceback" not in result.output


@pytest.mark.parametrize("year", ["2021.5", "99999999999", "1800", "2022.9", "-2022"])
def test_facts_year_must_be_a_whole_plausible_year(
    empty_store: Store, tmp_path: Path, year: str
) -> None:
    path = tmp_path / "facts.csv"
    path.write_text(f"indicator,value,unit,source,year\nx,1,USD,me,2021\ny,1,USD,me,{year}\n")
    _refused(
        empty_store,
        lambda: ingest_facts(empty_store, path),
        f"{path}, line 3, field 'year': not a whole year",
        repr(year),
    )


def test_facts_bad_year_through_the_cli(empty_store: Store, tmp_path: Path) -> None:
    path = tmp_path / "facts.csv"
    path.write_text("indicator,value,unit,source,year\nx,1,USD,me,99999999999\n")
    empty_store.close()
    result = runner.invoke(
        app, ["--store", str(tmp_path / "store.duckdb"), "ingest", "facts", str(path)]
    )
    assert result.exit_code == 2, result.output
    assert "line 2, field 'year'" in " ".join(result.output.split())
    assert "Traceback" not in result.output


# --- 4. tidy files: ragged rows and bad years -----------------------------------------------
@pytest.mark.parametrize("strict", [True, False])
def test_extra_field_per_row_says_so(loaded: Store, tmp_path: Path, strict: bool) -> None:
    """DuckDB's sniffer took the header for a stray line: "missing column(s) year ..."."""
    path = tmp_path / "flows.csv"
    path.write_text(
        "year,exporter,importer,product,value_usd\n2022,RUS,CHN,2709,1,5\n2022,RUS,DEU,2709,1,5\n"
    )
    error = _refused(
        loaded,
        lambda: ingest_table(loaded, path, hs_revision="HS17", strict=strict),
        f"{path}, line 2: row has 6 fields, the header (line 1) has 5",
    )
    assert isinstance(error, SchemaError) and "missing column" not in str(error)


@pytest.mark.parametrize("year", ["20x2", "", "2021.5", "99999", "1800", "1e3"])
def test_tidy_bad_year_names_line_and_field(loaded: Store, tmp_path: Path, year: str) -> None:
    """Was "NOT NULL constraint failed: flows.year"; 2021.5 loaded silently as 2022."""
    path = tmp_path / "flows.csv"
    path.write_text(TIDY_HEADER + "2022,RUS,CHN,2709,1,1\n" + f"{year},RUS,DEU,2709,1,1\n")
    error = _refused(
        loaded,
        lambda: ingest_table(loaded, path, hs_revision="HS17"),
        f"{path}, line 3, field 'year': missing or implausible year",
    )
    assert error.value == (year or None)


def test_lenient_tidy_skips_bad_years(empty_store: Store, tmp_path: Path) -> None:
    path = tmp_path / "flows.csv"
    path.write_text(
        TIDY_HEADER + "2022,RUS,CHN,2709,1,1\n2021.5,RUS,DEU,2709,1,1\n,RUS,FRA,2709,1,1\n"
    )
    report = ingest_table(empty_store, path, hs_revision="HS17", strict=False)
    assert report.rows == 1 and report.rows_skipped == 2
    assert empty_store.scalar("SELECT list(DISTINCT year) FROM flows") == [2022]


@pytest.mark.parametrize(
    ("t", "k", "field"), [("", "852352", "t"), ("40000", "852352", "t"), ("2023", "", "k")]
)
def test_baci_missing_year_or_product_names_the_field(
    loaded: Store, tmp_path: Path, t: str, k: str, field: str
) -> None:
    """Were constraint errors ("NOT NULL constraint failed", "out of range") without a line."""
    path = _release(tmp_path / "bad", f"2023,410,36,852352,1.0,0.1\n{t},410,40,{k},1.0,0.1\n")
    _refused(
        loaded,
        lambda: ingest_baci(loaded, [path], check_year=False),
        f"{path}, line 3, field '{field}'",
    )


# --- 5. BACI product codes against the revision's code list ------------------------------------
def _codes(path: Path) -> list[str]:
    with path.open(encoding="utf-8-sig") as handle:
        return [row["code"].zfill(6) for row in csv.DictReader(handle)]


@pytest.fixture
def hs92_file_named_hs17(tmp_path: Path, shared_data: Path) -> tuple[Path, list[str], list[str]]:
    """An HS17 release whose data file carries HS92 codes: (file, foreign codes, HS17 codes)."""
    baci = shared_data / "baci"
    hs17 = _codes(baci / "product_codes_HS17_V202201.csv")
    foreign = sorted(set(_codes(baci / "product_codes_HS92_V202301.csv")) - set(hs17))[:40]
    shared = hs17[:10]
    for table in ("country_codes_V202201.csv", "product_codes_HS17_V202201.csv"):
        shutil.copy(baci / table, tmp_path / table)
    # every foreign code on 2 rows (to AUS and AUT, 3 thousand USD each), HS17 codes on 1
    rows = [f"2020,410,{j},{code},3,1\n" for code in foreign for j in (36, 40)]
    rows += [f"2020,410,36,{code},1,1\n" for code in shared]
    path = tmp_path / "BACI_HS17_Y2020_V202201.csv"
    path.write_text(BACI_HEADER + "".join(rows))
    return path, foreign, shared


def test_codes_outside_the_revision_are_refused_with_counts(
    empty_store: Store, hs92_file_named_hs17: tuple[Path, list[str], list[str]]
) -> None:
    path, foreign, shared = hs92_file_named_hs17
    assert len(foreign) == 40  # HS92 has codes HS17 dropped (the real tables)
    n = len(foreign) + len(shared)
    _refused(
        empty_store,
        lambda: ingest_baci(empty_store, [path]),
        f"{path}, line 2, field 'k': product code not in the HS17 nomenclature "
        "(product_codes_HS17_V202201.csv)",
        f"40 of {n} distinct 'k' values, 80 of {80 + len(shared)} rows",
        f"USD 240,000 of USD {240_000 + 1_000 * len(shared):,}",
        f"e.g. {foreign[0]} (2 rows)",
    )


def test_lenient_loads_codes_outside_the_revision_with_a_warning(
    empty_store: Store, hs92_file_named_hs17: tuple[Path, list[str], list[str]]
) -> None:
    path, _, shared = hs92_file_named_hs17
    [report] = ingest_baci(empty_store, [path], strict=False)
    assert report.rows == 80 + len(shared) and report.rows_skipped == 0
    [note] = report.notes
    assert note.startswith("product code not in the HS17 nomenclature")
    assert "40 of 50 distinct 'k' values, 80 of 90 rows" in note and "--strict refuses" in note


def test_no_product_table_is_said(empty_store: Store, tmp_path: Path) -> None:
    path = _release(tmp_path, "2023,410,36,852352,1.0,0.1\n")
    (tmp_path / "product_codes_HS22_V202501.csv").unlink()
    [report] = ingest_baci(empty_store, [path])
    assert report.notes == (
        "product codes not checked: no HS22 product table beside the file or in the store; "
        "pass --product-codes",
    )


def test_real_release_passes_the_product_check(empty_store: Store, shared_data: Path) -> None:
    [report] = ingest_baci(
        empty_store, [shared_data / "baci" / "BACI_sample_HS22_Y2023_k852352.csv"]
    )
    assert report.rows == 81 and report.notes == ()
