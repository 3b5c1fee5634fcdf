"""Circumvention screen on a hand-made panel of four years."""

from __future__ import annotations

from pathlib import Path

import pytest

from asymmetry.errors import NoDataError
from asymmetry.metrics.circumvention import circumvention_screen
from asymmetry.store.ingest_tidy import ingest_table
from asymmetry.store.store import Store

# 854231 is a CHPL tier-1 item; 270900 (crude oil) is not on the list.
PANEL = {
    2020: [
        ("CHN", "RUS", "854231", 10),
        ("DEU", "RUS", "854231", 100),
        ("KAZ", "RUS", "854231", 5),
        ("TUR", "RUS", "270900", 1),
    ],
    2021: [
        ("CHN", "RUS", "854231", 10),
        ("DEU", "RUS", "854231", 100),
        ("KAZ", "RUS", "854231", 5),
        ("TUR", "RUS", "270900", 1),
    ],
    2022: [
        ("CHN", "RUS", "854231", 50),
        ("CHN", "KAZ", "854231", 30),
        ("KAZ", "RUS", "854231", 25),
        ("TUR", "RUS", "270900", 900),
    ],
    2023: [
        ("CHN", "RUS", "854231", 70),
        ("CHN", "KAZ", "854231", 30),
        ("KAZ", "RUS", "854231", 25),
        ("TUR", "RUS", "270900", 900),
    ],
}


@pytest.fixture
def panel(empty_store: Store, tmp_path: Path) -> Store:
    for year, rows in PANEL.items():
        path = tmp_path / f"y{year}.csv"
        path.write_text(
            "year,exporter,importer,product,value_usd\n"
            + "".join(f"{year},{e},{i},{k},{v}\n" for e, i, k, v in rows)
        )
        ingest_table(empty_store, path, hs_revision="HS17")
    return empty_store


def test_ranks_increases_by_route(panel: Store) -> None:
    screen = circumvention_screen(panel, "Russia", break_year=2022)
    assert screen.years_before == (2020, 2021) and screen.years_after == (2022, 2023)
    rows = screen.table[
        ["exporter", "route", "product", "before_usd", "after_usd", "increase_usd"]
    ].values.tolist()
    assert rows == [
        ["CHN", "direct", "854231", 10.0, 60.0, 50.0],
        ["CHN", "via KAZ", "854231", 0.0, 30.0, 30.0],
        ["KAZ", "direct", "854231", 5.0, 25.0, 20.0],
    ]  # DEU fell (not listed); crude oil is not a CHPL item
    assert screen.table["tier"].tolist() == ["1", "1", "1"]
    assert screen.table["ratio"].tolist()[0] == pytest.approx(6.0)
    assert screen.table["ratio"].isna().tolist()[1]  # new route: no ratio


def test_custom_neighbours_and_missing_years(panel: Store) -> None:
    direct_only = circumvention_screen(panel, "RUS", via=[], break_year=2022)
    assert set(direct_only.table["route"]) == {"direct"}
    with pytest.raises(NoDataError, match="before and from 2030"):
        circumvention_screen(panel, "RUS", break_year=2030)
