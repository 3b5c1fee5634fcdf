"""Coverage warnings: results on a slice of a year's trade say what it lacks."""

from __future__ import annotations

from pathlib import Path

from asymmetry.metrics.circumvention import circumvention_screen
from asymmetry.metrics.coverage import dataset_coverage_warnings
from asymmetry.metrics.relief import relief
from asymmetry.store.ingest_tidy import ingest_table
from asymmetry.store.store import Store


def test_a_panel_of_years_is_warned_about_once_per_kind(
    empty_store: Store, slice_table: Path
) -> None:
    ingest_table(empty_store, slice_table, hs_revision="HS17")
    years = [("table:slice", y) for y in (2020, 2021, 2022, 2023)]
    products, countries = dataset_coverage_warnings(empty_store, years)
    assert products.startswith("coverage: table:slice holds 4 product code(s) for 2020-2023")
    assert "5 exporting and 5 importing countries for 2020-2023" in countries
    two = dataset_coverage_warnings(empty_store, [("table:slice", 2020), ("table:slice", 2023)])
    assert "for 2020, 2023" in two[0]
    assert dataset_coverage_warnings(empty_store, []) == []


def test_multi_year_results_carry_the_warnings(empty_store: Store, slice_table: Path) -> None:
    ingest_table(empty_store, slice_table, hs_revision="HS17")
    screen = circumvention_screen(empty_store, "RUS", break_year=2022)
    assert len(screen.warnings) == 2 and "for 2020-2023" in screen.warnings[0]
    lifted = relief(empty_store, "RUS", "CHN", group=["DEU", "KOR"], before_year=2021)
    assert len(lifted.warnings) == 2 and "for 2021, 2023" in lifted.warnings[0]
    assert lifted.to_dict()["warnings"] == lifted.warnings
