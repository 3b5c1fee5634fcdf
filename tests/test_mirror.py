"""Declarations by reporter: ingest, mirror gaps, a non-reporter rebuilt from partners."""

from __future__ import annotations

from pathlib import Path

import pytest

from asymmetry.errors import IngestError, NoDataError
from asymmetry.metrics.mirror import mirror_gap, mirror_trade
from asymmetry.metrics.profile import profile
from asymmetry.store.ingest_tidy import ingest_reported
from asymmetry.store.store import Store
from tests.conftest import snapshot

# Russia declares nothing (as since 2022). China and Germany declare both ways;
# their trade with each other is declared by both sides (CIF 320 vs FOB 300).
DECLARATIONS = """year,reporter,partner,flow,product,value_usd
2022,CHN,RUS,X,847130,100
2022,CHN,RUS,M,270900,500
2022,DEU,RUS,export,870323,40
2022,DEU,RUS,import,270900,200
2022,CHN,DEU,X,847130,300
2022,DEU,CHN,M,847130,320
2022,CHN,World,X,847130,1000
"""


@pytest.fixture
def declared(empty_store: Store, tmp_path: Path) -> Store:
    path = tmp_path / "comtrade.csv"
    path.write_text(DECLARATIONS)
    report = ingest_reported(empty_store, path, hs_revision="HS17")
    assert report.rows == 6 and report.dataset == "reported:comtrade"  # World row left out
    return empty_store


def test_non_reporter_rebuilt_from_partners(declared: Store) -> None:
    trade = mirror_trade(declared, "Russia")
    assert not trade.reports_imports and not trade.reports_exports
    rows = trade.table.set_index("partner")
    assert rows.loc["CHN", "imports_mirror_usd"] == 100
    assert rows.loc["CHN", "exports_mirror_usd"] == 500
    assert rows.loc["DEU", "imports_mirror_usd"] == 40
    assert rows.loc["DEU", "exports_mirror_usd"] == 200


def test_gap_between_the_two_declarations(declared: Store) -> None:
    gap = mirror_gap(declared, "CHN", "DEU")
    row = gap.table[gap.table["direction"] == "CHN->DEU"].iloc[0]
    assert row["product"] == "847130"
    assert (row["exports_declared_usd"], row["imports_declared_usd"]) == (300, 320)
    assert row["gap_usd"] == 20 and row["ratio"] == pytest.approx(320 / 300)
    hs2 = mirror_gap(declared, "CHN", "DEU", digits=2)
    assert hs2.table["product"].tolist() == ["84"]


def test_metrics_read_one_declaration_per_flow(declared: Store) -> None:
    p = profile(declared, "RUS", "CHN")
    # RUS declares nothing: its imports from CHN come from China's export declaration
    assert p.flows_usd == {"a_to_b": 500.0, "b_to_a": 100.0}
    # China's exports: 100 to RUS (mirror) + 320 to DEU (Germany's import declaration)
    assert p.totals_usd["b_exports"] == 420.0


def test_bad_flow_and_aliases(empty_store: Store, tmp_path: Path) -> None:
    bad = tmp_path / "bad.csv"
    bad.write_text(
        "year,reporter,partner,flow,product,value_usd\n2022,CHN,RUS,X,8471,1\n"
        "2022,CHN,RUS,Q,8471,1\n"
    )
    before = snapshot(empty_store)
    with pytest.raises(IngestError, match=r"line 3, field 'flow': flow must be import or export"):
        ingest_reported(empty_store, bad, hs_revision="HS17")
    assert snapshot(empty_store) == before
    comtrade = tmp_path / "api.csv"
    comtrade.write_text(
        "refYear,reporterISO,partnerISO,flowCode,cmdCode,primaryValue\n"
        "2023,CHN,RUS,X,8703,7\n2023,RUS,CHN,M,8703,8\n"
    )
    report = ingest_reported(empty_store, comtrade, hs_revision="HS22")
    assert report.rows == 2  # the same flow declared by both sides is not a duplicate


def test_needs_declarations(empty_store: Store) -> None:
    with pytest.raises(NoDataError, match="ingest reported"):
        mirror_trade(empty_store, "RUS")
