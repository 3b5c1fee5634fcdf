"""Relief counterfactual and market replacement, against figures computed by hand."""

from __future__ import annotations

from pathlib import Path

import pytest

from asymmetry.errors import AsymmetryError, NoDataError, NotApplicableError
from asymmetry.metrics.profile import profile
from asymmetry.metrics.relief import PARTNER_GROUPS, partner_group, relief
from asymmetry.metrics.replacement import market_replacement
from asymmetry.store.ingest_tidy import ingest_table
from asymmetry.store.store import Store

# Russia's imports and exports by partner before (2021) and after (2023) a break,
# in USD; Germany (EU) and Japan (G7) fall away, China takes their place.
FLOWS = """year,exporter,importer,product,value_usd
2021,CHN,RUS,847130,40
2021,DEU,RUS,847130,50
2021,JPN,RUS,870323,30
2021,KAZ,RUS,870323,10
2021,RUS,CHN,270900,60
2021,RUS,DEU,270900,80
2021,RUS,IND,270900,20
2023,CHN,RUS,847130,90
2023,DEU,RUS,847130,10
2023,JPN,RUS,870323,40
2023,KAZ,RUS,870323,20
2023,RUS,CHN,270900,120
2023,RUS,DEU,270900,20
2023,RUS,IND,270900,60
"""


@pytest.fixture
def break_store(empty_store: Store, tmp_path: Path) -> Store:
    path = tmp_path / "flows.csv"
    path.write_text(FLOWS)
    ingest_table(empty_store, path, hs_revision="HS17")
    return empty_store


def test_relief_shares_by_hand(break_store: Store) -> None:
    none = relief(break_store, "RUS", "CHN", group="EU+G7", restored=0.0, before_year=2021)
    # Today: imports 90 of 160, exports 120 of 200; before: 40 of 130, 60 of 160.
    assert none.shares_now == pytest.approx({"b_in_a_imports": 90 / 160, "b_in_a_exports": 0.6})
    assert none.shares_relief == pytest.approx(none.shares_now)
    assert none.shares_before == pytest.approx(
        {"b_in_a_imports": 40 / 130, "b_in_a_exports": 60 / 160}
    )
    full = relief(break_store, "RUS", "CHN", group="EU+G7", restored=1.0, before_year=2021)
    # Germany's imports come back from 10 to 50 (+40); Japan's grew (40 > 30): unchanged.
    # Germany's exports come back from 20 to 80 (+60).
    assert full.shares_relief == pytest.approx(
        {"b_in_a_imports": 90 / (160 + 40), "b_in_a_exports": 120 / (200 + 60)}
    )
    assert full.group_usd["imports_relief"] == pytest.approx(50 + 40)
    half = relief(break_store, "RUS", "CHN", group="DEU", restored=0.5, before_year=2021)
    assert half.group == ("DEU",)
    assert half.shares_relief["b_in_a_imports"] == pytest.approx(90 / (160 + 20))
    # The "now" shares are the profile's.
    p = profile(break_store, "RUS", "CHN", year=2023)
    assert full.shares_now["b_in_a_imports"] == pytest.approx(p.shares["b_in_a_imports"])


def test_relief_refuses_bad_input(break_store: Store) -> None:
    with pytest.raises(AsymmetryError, match=r"share in \[0, 1\]"):
        relief(break_store, "RUS", "CHN", restored=1.5, before_year=2021)
    with pytest.raises(AsymmetryError, match="must come after"):
        relief(break_store, "RUS", "CHN", before_year=2023)
    with pytest.raises(NoDataError, match="2019"):
        relief(break_store, "RUS", "CHN", before_year=2019)
    assert partner_group("g7") == PARTNER_GROUPS["G7"]
    assert partner_group("Germany, FRA") == ("DEU", "FRA")


def test_market_replacement_gas_gap(default_store: Store) -> None:
    r = market_replacement(default_store, "RUS", "CHN")
    # Clingendael (2024): 175-180 bcm to Europe at the 2018-19 peak; Power of
    # Siberia 38 bcm (in service since 2019) and Power of Siberia 2 a further 50 bcm
    # (planned, unbuilt: once counted as capacity).
    assert r.lost_bcm == {"value": 177.5, "low": 175.0, "high": 180.0}
    assert (r.capacity_bcm, r.planned_bcm) == (38, 50)
    assert [x["status"] for x in r.routes] == ["in service", "planned"]
    assert r.gap_bcm == {"value": 177.5 - 38, "low": 175.0 - 38, "high": 180.0 - 38}
    assert r.gap_with_planned_bcm == {"value": 89.5, "low": 87.0, "high": 92.0}
    # Gazprom via TASS (packaged aggregates): 31.12 bcm through Power of Siberia in 2024.
    assert r.latest_bcm == 31.12 and r.unused_capacity_bcm == pytest.approx(38 - 31.12)
    # Atlantic Council (2021): 2020 prices, China 150.2 vs Europe 143 USD per 1000 m3.
    assert r.price is not None and r.price["year"] == 2020
    assert r.price["difference"] == pytest.approx(143 - 150.2)
    assert r.price["cost_usd"] == pytest.approx((143 - 150.2) * 4.1e9 / 1000)


def test_market_replacement_names_missing_facts(default_store: Store) -> None:
    """Germany exports no pipeline gas: the question does not apply (and says so)."""
    with pytest.raises(NotApplicableError, match=r"pipeline_gas_exports.*does not apply"):
        market_replacement(default_store, "DEU", "CHN")
