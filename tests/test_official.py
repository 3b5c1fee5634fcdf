"""Official aggregates as a basis: shares by hand from the CSV's rows, the choice rule on
conflicting rows, a pair with some years only, and the basis ladder's fall to ICIO."""

from __future__ import annotations

import csv
import importlib.util
import json
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from asymmetry.cli import app
from asymmetry.errors import NoDataError
from asymmetry.metrics.dependence import dependencies
from asymmetry.metrics.official import standing
from asymmetry.metrics.profile import profile
from asymmetry.store.ingest_facts import ingest_facts, packaged_facts_path
from asymmetry.store.store import Store

PACKAGED = packaged_facts_path("aggregates.csv")


def row(indicator: str, country: str, year: int, source_starts: str, partner: str = "") -> float:
    """One row's value (USD bn, or USD tn x 1000) picked by hand from the packaged CSV."""
    frame = pd.read_csv(PACKAGED, dtype=str, keep_default_na=False)
    hit = frame[
        (frame["indicator"] == indicator)
        & (frame["country"] == country)
        & (frame["partner"] == partner)
        & (frame["year"] == str(year))
        & (frame["period"] == str(year))
        & frame["source"].str.startswith(source_starts)
    ]
    assert len(hit) >= 1, (indicator, country, year, source_starts)
    value, unit = float(hit["value"].iloc[0]), hit["unit"].iloc[0]
    return value * {"USD bn": 1.0, "USD tn": 1000.0}[unit]


def test_packaged_aggregates_are_the_shared_rows_rekeyed(shared_data: Path) -> None:
    """Every one of the 518 rows ships, conflicting ones included (only spellings change)."""
    source = shared_data / "facts" / "cited_aggregates.csv"
    with source.open(encoding="utf-8") as f:
        original = list(csv.DictReader(f))
    with PACKAGED.open(encoding="utf-8") as f:
        packaged = list(csv.DictReader(f))
    assert len(packaged) == len(original) == 518
    for old, new in zip(original, packaged, strict=True):
        for column in ("indicator", "country", "partner", "year", "source", "quote", "url"):
            assert old[column] == new[column]
        if old["value"]:
            assert float(old["value"]) == float(new["value"])
    spec = importlib.util.spec_from_file_location(
        "rekey", Path(__file__).parents[1] / "tools" / "rekey_aggregates.py"
    )
    assert spec is not None and spec.loader is not None
    rekey = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(rekey)
    assert rekey.period("Jan-Aug 2021") == "2021-01..2021-08"
    assert rekey.period("2024 (stated Nov 2024)") == "2024"


def test_russia_china_2023_shares_by_hand(default_store: Store) -> None:
    """China GAC's flows over each side's own customs totals (rows picked by hand)."""
    cn_to_ru = row("exports", "CHN", 2023, "China GAC via RT", "RUS")  # 110.97
    ru_to_cn = row("imports", "CHN", 2023, "China GAC via RT", "RUS")  # 129.14
    ru_imports = row("total_imports", "RUS", 2023, "Russia FCS via Agenzia Nova (2024")  # 285.1
    ru_exports = row("total_exports", "RUS", 2023, "Russia FCS via Agenzia Nova (2024")
    cn_imports = row("total_imports", "CHN", 2023, "China GAC via CNN")
    cn_exports = row("total_exports", "CHN", 2023, "China GAC via CNN")
    p = profile(default_store, "RUS", "CHN", year=2023, source="aggregates")
    assert p.source == "aggregates" and p.year == 2023
    assert p.flows_usd["b_to_a"] == pytest.approx(cn_to_ru * 1e9)
    assert p.flows_usd["a_to_b"] == pytest.approx(ru_to_cn * 1e9)
    assert p.shares["b_in_a_imports"] == pytest.approx(cn_to_ru / ru_imports)  # 38.9%
    assert p.shares["b_in_a_exports"] == pytest.approx(ru_to_cn / ru_exports)  # 30.4%
    assert p.shares["a_in_b_imports"] == pytest.approx(ru_to_cn / cn_imports)
    assert p.shares["a_in_b_trade"] == pytest.approx(
        (cn_to_ru + ru_to_cn) / (cn_imports + cn_exports)
    )
    assert 0.040 < p.shares["a_in_b_trade"] < 0.041  # "just over 4%" of China's trade
    assert p.turnover_usd == pytest.approx((cn_to_ru + ru_to_cn) * 1e9)
    assert p.balance_usd == pytest.approx((ru_to_cn - cn_to_ru) * 1e9)
    rule = p.figures["b_in_a_imports"]["rule"]
    assert "CHN exports to RUS 2023 (USD 110.97 bn, China GAC)" in rule
    assert "RUS total imports 2023 (USD 285.1 bn, Russia FCS)" in rule
    assert p.hhi["a_imports"] is None and "every partner" in p.cannot["hhi"]


def test_a_stated_share_stands_beside_the_computed_one_with_why(default_store: Store) -> None:
    """The paper's 36.5% (Clingendael 2024) beside our 38.9%: with China's 110.97 bn of
    exports, 36.5% implies Russian imports of 110.97 / 0.365 = 304.0 bn, not FCS's 285.1."""
    p = profile(default_store, "RUS", "CHN", year=2023, source="aggregates")
    (line,) = [x for x in p.stated_beside("b_in_a_imports") if x.startswith("36.5%")]
    assert "Clingendael" in line
    assert f"USD {round(110.97 / 0.365, 1):g} bn" in line and "USD 285.1 bn" in line


def test_series_spans_every_year_and_keeps_gaps(default_store: Store) -> None:
    p = profile(default_store, "RUS", "CHN", source="aggregates")
    years = [r["year"] for r in p.series]
    assert years == list(range(2013, 2025))
    by_year = {r["year"]: r for r in p.series}
    # China's customs give no export/import split for 2021: a gap, not an interpolation.
    assert by_year[2021]["a_to_b"] is None and by_year[2021]["share_b_in_a_imports"] is None
    assert by_year[2021]["turnover"] == pytest.approx(
        row("trade_turnover", "CHN", 2021, "China GAC (background figure)", "RUS") * 1e9
    )
    # 2018: the importer's declaration wins for each flow (BACI's rule).
    assert by_year[2018]["b_to_a"] == pytest.approx(
        row("imports", "RUS", 2018, "Russian government data (FCS)", "CHN") * 1e9
    )
    assert by_year[2018]["a_to_b"] == pytest.approx(
        row("imports", "CHN", 2018, "China GAC via RT", "RUS") * 1e9
    )


def test_profile_2021_answers_on_trade_shares_and_says_what_it_cannot(
    default_store: Store,
) -> None:
    p = profile(default_store, "RUS", "CHN", year=2021)
    assert p.source == "aggregates"
    assert p.shares["b_in_a_imports"] is None
    assert "no annual figure" in p.cannot["a_to_b"]
    assert p.shares["a_in_b_trade"] is not None and p.shares["b_in_a_trade"] is not None


CONFLICTS = """indicator,country,partner,product,year,period,value,low,high,unit,source
exports,KAZ,UZB,,2019,2019,3.0,,,USD bn,Kazakhstan statistics bureau via X
imports,UZB,KAZ,,2019,2019,3.4,,,USD bn,Uzbek customs via Y
imports,UZB,KAZ,,2019,2019,3.9,,,USD bn,Some Institute computation
imports,UZB,KAZ,,2019,2019-01..2019-06,1.7,,,USD bn,Uzbek customs via Z
total_imports,UZB,,,2019,2019,24.0,,,USD bn,Uzbek customs via A (2020-01-20)
total_imports,UZB,,,2019,2019,24.3,,,USD bn,Uzbek customs via B (2020-06-30)
total_imports,UZB,,,2019,2019,25.0,,,USD bn,Analyst estimate
exports,UZB,KAZ,,2019,2019,1.1,,,USD bn,Uzbek customs via Y
total_imports,KAZ,,,2019,2019,38.0,,,USD bn,Kazakhstan statistics bureau via X
total_imports,KAZ,,,2021,2021,2.0,,,CNY tn,Kazakhstan statistics bureau via X
exports,UZB,KAZ,,2021,2021,1.3,,,USD bn,Uzbek customs via Y
"""


@pytest.fixture
def conflict_store(empty_store: Store, tmp_path: Path) -> Store:
    path = tmp_path / "kaz_uzb.csv"
    path.write_text(CONFLICTS)
    ingest_facts(empty_store, path)
    return empty_store


def test_choice_rule_on_conflicting_rows(conflict_store: Store) -> None:
    p = profile(conflict_store, "UZB", "KAZ", year=2019, source="aggregates")
    # KAZ -> UZB: the importer's (Uzbek) declaration over the exporter's; the official
    # customs figure over a commentator's; the partial-year row never counts.
    assert p.flows_usd["b_to_a"] == pytest.approx(3.4e9)
    kaz_to_uzb = p.figures["b_to_a"]
    assert "importer's declaration" in kaz_to_uzb["rule"]
    assert {a["written"] for a in kaz_to_uzb["alternatives"]} == {"USD 3 bn", "USD 3.9 bn"}
    # UZB's total imports: its own agency, the latest release (2020-06-30).
    assert p.totals_usd["a_imports"] == pytest.approx(24.3e9)
    assert p.shares["b_in_a_imports"] == pytest.approx(3.4 / 24.3)
    # UZB -> KAZ: only the exporter's declaration exists; used, and said so.
    assert p.flows_usd["a_to_b"] == pytest.approx(1.1e9)
    assert "not stored" in p.figures["a_to_b"]["rule"]
    assert p.shares["a_in_b_imports"] == pytest.approx(1.1 / 38.0)


def test_pair_with_some_years_only(conflict_store: Store) -> None:
    p = profile(conflict_store, "UZB", "KAZ", source="aggregates")
    assert [r["year"] for r in p.series] == [2019, 2021]
    assert p.year == 2019  # the latest year with both import shares
    later = profile(conflict_store, "UZB", "KAZ", year=2021, source="aggregates")
    assert later.shares["a_in_b_imports"] is None
    assert "CNY tn; no exchange rate" in later.cannot["b_imports"]
    with pytest.raises(NoDataError, match="years: 2019, 2021"):
        profile(conflict_store, "UZB", "KAZ", year=2020, source="aggregates")


def test_pair_without_aggregates_falls_to_icio_and_says_so(default_store: Store) -> None:
    p = profile(default_store, "USA", "MEX")
    assert p.source == "icio" and p.year == 2022
    assert any("no official aggregates" in n and "fetch baci" in n for n in p.notes)
    with pytest.raises(NoDataError, match="no official aggregates"):
        profile(default_store, "USA", "MEX", source="aggregates")


def test_icio_still_gives_todays_numbers(default_store: Store) -> None:
    p = profile(default_store, "RUS", "CHN", source="icio")
    assert p.source == "icio" and p.year == 2022
    assert p.shares["b_in_a_imports"] == pytest.approx(0.167, abs=0.001)


def test_source_standing() -> None:
    assert standing("China GAC via RT (tellerreport)").tier == 1
    assert standing("China GAC via RT (tellerreport)").reporter == "CHN"
    assert standing("Russia FCS via Agenzia Nova (2024-02-17)").published is not None
    assert standing("Vladimir Putin statement via RT").tier == 2
    assert standing("Gaidar Institute (IEP) computation from China customs data").tier == 3
    assert standing("Intesa Sanpaolo report on Russian trade via Ticinonline").tier == 3


def test_hs_level_without_goods_flows_is_refused(default_store: Store) -> None:
    with pytest.raises(NoDataError, match="fetch baci"):
        dependencies(default_store, "RUS", on="CHN", level="hs4")
    sectors = dependencies(default_store, "RUS", on="CHN")
    assert sectors.source == "icio" and "sectors only" in sectors.notes[0]


def test_cli_profile_years_and_levels(store_env: Path) -> None:
    runner = CliRunner()
    for year in (2021, 2023):
        result = runner.invoke(
            app, ["profile", "RUS", "CHN", "--year", str(year), "--format", "json"]
        )
        assert result.exit_code == 0, result.output
        data = json.loads(result.stdout)
        assert data["source"] == "aggregates" and data["year"] == year
    icio = runner.invoke(app, ["profile", "RUS", "CHN", "--source", "icio", "--format", "json"])
    assert json.loads(icio.stdout)["source"] == "icio"
    refused = runner.invoke(app, ["dependencies", "RUS", "--on", "CHN", "--level", "hs4"])
    assert refused.exit_code == 2
    assert "fetch baci" in refused.output and "Traceback" not in refused.output
    table = runner.invoke(app, ["profile", "RUS", "CHN"])
    assert "38.9%" in table.stdout and "China GAC" in table.stdout
