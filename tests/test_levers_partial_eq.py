"""Trade restrictions: closed forms on a toy market, monotonicity, roles, diversion."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pytest

from asymmetry.errors import ScenarioError
from asymmetry.levers.engine import simulate
from asymmetry.levers.partial_eq import consumer_loss, price_ratio
from asymmetry.levers.scenario import ProductSet, Scenario
from asymmetry.store.ingest_tidy import ingest_table
from asymmetry.store.store import Store

# Russia buys machine 847130 from China (50) and Germany (50): a two-supplier market.
# China buys crude 270900 from Russia (80) and Saudi Arabia (20).
TOY = """year,exporter,importer,product,value_usd
2022,CHN,RUS,847130,50
2022,DEU,RUS,847130,50
2022,RUS,CHN,270900,80
2022,SAU,CHN,270900,20
"""


@pytest.fixture
def toy(empty_store: Store, tmp_path: Path) -> Store:
    path = tmp_path / "toy.csv"
    path.write_text(TOY)
    ingest_table(empty_store, path, hs_revision="HS17")
    return empty_store


def _restriction(
    direction: str, products: str, coalition: str | None = "none", **params: object
) -> Scenario:
    """China restricts Russia; no coalition unless given (the closed forms are for an
    open market: Germany, which itself restricts Russia, is the only other supplier)."""
    lever = {"type": f"{direction}-restriction", "products": products, **params}
    return Scenario.from_dict(
        {"sender": "CHN", "target": "RUS", "levers": [lever], "coalition": coalition}
    )


def test_closed_form_two_supplier_market(toy: Store) -> None:
    # theta = 0.5, full ban, sigma = 5, eta = 1: P1/P0 = 0.5 ** (-1/4); loss = M ln(P1/P0).
    result = simulate(
        toy,
        _restriction("export", "84", fraction=1.0, sigma=5.0, eta=1.0, income_share=0.3),
        draws=20,
    )
    expected = 100 * math.log(0.5 ** (-1 / 4))
    assert result.cost_target_usd == pytest.approx(
        {"median": expected, "p05": expected, "p95": expected}
    )
    assert result.cost_sender_usd["median"] == pytest.approx(0.3 * 50)  # lost income
    # eta = 2: loss = M / (1 - eta) * (ratio ** (1 - eta) - 1)
    eta2 = simulate(toy, _restriction("export", "84", sigma=5.0, eta=2.0), draws=5)
    ratio = 0.5 ** (-1 / 4)
    assert eta2.cost_target_usd["median"] == pytest.approx(-100 * (ratio**-1 - 1))
    # Germany takes the diverted demand. With eta = 1 spending on the product is
    # unchanged (100), and all of it now goes to Germany: a gain of 50.
    gain = 100 * ratio ** (1 - 1.0) * (1 - 0.5) / (1 - 0.5) - 50
    mid = simulate(toy, _restriction("export", "84", sigma=5.0, eta=1.0), draws=5)
    assert mid.third_countries[0] == {"country": "DEU", "gain_usd": pytest.approx(gain)}


def test_zero_cut_costs_nothing_and_costs_rise_with_the_cut(toy: Store) -> None:
    zero = simulate(toy, _restriction("export", "84", fraction=0.0), draws=50)
    assert zero.cost_target_usd["median"] == 0 and zero.cost_sender_usd["median"] == 0
    medians = [
        simulate(
            toy,
            _restriction("export", "84", fraction=f, sigma=4.0, eta=1.0, income_share=0.3),
            draws=5,
        ).cost_target_usd["median"]
        for f in (0.1, 0.3, 0.6, 1.0)
    ]
    assert medians == sorted(medians) and medians[0] > 0


def test_import_restriction_swaps_the_roles(toy: Store) -> None:
    # China stops buying Russian crude: China pays the price rise, Russia loses income.
    result = simulate(
        toy, _restriction("import", "fuels", sigma=5.0, eta=1.0, income_share=0.4), draws=5
    )
    assert result.cost_sender_usd["median"] == pytest.approx(100 * math.log(0.2 ** (-1 / 4)))
    assert result.cost_target_usd["median"] == pytest.approx(0.4 * 80)
    assert result.model == "partial equilibrium"


def test_intervals_and_reproducibility(toy: Store) -> None:
    scenario = _restriction("export", "84")  # default ranges for sigma, eta, income share
    a = simulate(toy, scenario, draws=400, seed=3)
    b = simulate(toy, scenario, draws=400, seed=3)
    assert a.cost_target_usd == b.cost_target_usd
    assert a.cost_target_usd["p05"] < a.cost_target_usd["median"] < a.cost_target_usd["p95"]


def test_no_other_supplier_is_capped_and_flagged(empty_store: Store, tmp_path: Path) -> None:
    path = tmp_path / "mono.csv"
    path.write_text(
        "year,exporter,importer,product,value_usd\n2022,CHN,RUS,854231,10\n2022,CHN,DEU,854231,5\n"
    )
    ingest_table(empty_store, path, hs_revision="HS17")
    result = simulate(empty_store, _restriction("export", "chpl", sigma=5.0, eta=1.0), draws=3)
    assert result.top_items[0]["no_other_supplier"]
    assert np.isfinite(result.cost_target_usd["median"])
    assert result.cost_target_usd["median"] == pytest.approx(10 * math.log(0.001 ** (-1 / 4)))


def test_formulas_vectorise_and_edge_cases() -> None:
    theta = np.array([[0.0], [0.5]])
    assert price_ratio(theta, np.array([[1.0]]), np.array([[5.0]]))[0, 0] == 1.0
    loss = consumer_loss(
        np.array([[100.0]]), np.array([[1.2, 1.2]]), np.array([[1.0, 1.0 + 1e-12]])
    )
    assert loss[0, 0] == pytest.approx(loss[0, 1])


def test_bad_restrictions(toy: Store) -> None:
    with pytest.raises(ScenarioError, match="cover the same products"):
        Scenario.from_dict(
            {
                "sender": "CHN",
                "target": "RUS",
                "levers": [
                    {"type": "export-restriction", "products": "84"},
                    {"type": "export-restriction", "products": "8471"},
                ],
            }
        )
    with pytest.raises(ScenarioError, match="field 'fraction': must lie in"):
        _restriction("export", "84", fraction=1.5)
    with pytest.raises(ScenarioError, match="field 'sigma'"):
        _restriction("export", "84", sigma=1.0)
    with pytest.raises(ScenarioError, match="CHN sells nothing in 'vehicles' to RUS"):
        simulate(toy, _restriction("export", "vehicles"))


def test_hs_chapters_map_to_icio_sectors(default_store: Store) -> None:
    assert ProductSet.parse("84,85,87").sectors == ("C28", "C26", "C27", "C29")
    result = simulate(default_store, _restriction("export", "84,85,87"), draws=200)
    assert result.basis == "intermediate inputs (ICIO)"
    assert result.leverage_ratio is not None and result.leverage_ratio > 1


# A three-supplier market: Russia buys 847130 from China (40), Germany (30, a member of
# the EU's export controls on HS 84) and Kazakhstan (30, restricting nothing).
THREE = """year,exporter,importer,product,value_usd
2022,CHN,RUS,847130,40
2022,DEU,RUS,847130,30
2022,KAZ,RUS,847130,30
"""


@pytest.fixture
def three(empty_store: Store, tmp_path: Path) -> Store:
    path = tmp_path / "three.csv"
    path.write_text(THREE)
    ingest_table(empty_store, path, hs_revision="HS17")
    return empty_store


def test_a_coalition_member_is_no_substitute_by_an_exact_amount(three: Store) -> None:
    # Open market: M = 100, theta = 0.4, capacity of the others 60 (DEU 30 + KAZ 30).
    # With Germany in the coalition its 30 stay outside the nest: M' = 70,
    # theta' = 40/70, capacity 30, i.e. 30 less, exactly Germany's sales.
    params = {"fraction": 1.0, "sigma": 5.0, "eta": 1.0, "income_share": 0.3}
    open_market = simulate(three, _restriction("export", "84", "none", **params), draws=3)
    assert open_market.cost_target_usd["median"] == pytest.approx(100 * math.log(0.6**-0.25))
    assert open_market.coalition["applied"] is False
    # eta = 1: the others' sales rise from 60 to 100, shared 50:50.
    assert {g["country"]: g["gain_usd"] for g in open_market.third_countries} == pytest.approx(
        {"DEU": 20.0, "KAZ": 20.0}
    )
    closed = simulate(three, _restriction("export", "84", None, **params), draws=3)
    assert closed.cost_target_usd["median"] == pytest.approx(70 * math.log((3 / 7) ** -0.25))
    assert closed.coalition["excluded_usd"] == {"DEU": 30.0}
    assert closed.coalition["excluded_total_usd"] == 30.0
    assert "DEU" in closed.coalition["members"] and closed.coalition["source"] == "packaged"
    # Kazakhstan now takes the whole 40: spending on the nest stays 70, all of it its own.
    assert closed.third_countries == [{"country": "KAZ", "gain_usd": pytest.approx(40.0)}]
    assert closed.cost_sender_usd == open_market.cost_sender_usd  # China's lost income
    # a given coalition excludes its members on every product of the lever
    given = simulate(three, _restriction("export", "84", "KAZ", **params), draws=3)
    assert given.coalition["excluded_usd"] == {"KAZ": 30.0}
    assert [g["country"] for g in given.third_countries] == ["DEU"]


def test_the_coalition_does_not_touch_an_import_restriction(toy: Store) -> None:
    result = simulate(toy, _restriction("import", "27", None, sigma=5.0, eta=1.0), draws=3)
    assert result.coalition["applied"] is False and "import" in result.coalition["role"]
    assert [g["country"] for g in result.third_countries] == ["SAU"]


def test_chinese_ban_on_russia_no_longer_diverts_to_coalition_members(
    default_store: Store,
) -> None:
    # The measured case (ICIO basis): Germany took USD 1.67 bn of the diverted trade
    # in HS 84/85/87 while itself restricting those exports to Russia.
    lever = {"type": "export-restriction", "products": "84,85,87"}

    def run(coalition: str | None) -> object:
        sc = Scenario.from_dict(
            {"sender": "CHN", "target": "RUS", "levers": [lever], "coalition": coalition}
        )
        return simulate(default_store, sc, draws=5)

    default, none = run(None), run("none")
    takers = {g["country"] for g in default.third_countries}  # type: ignore[attr-defined]
    members = set(default.coalition["members"])  # type: ignore[attr-defined]
    assert {"DEU", "USA", "JPN", "FRA", "ITA", "GBR"} <= members
    # the EU, the USA and Japan restrict every sector of the ban (84, 85 and cars, 8703,
    # close C26-C29 on ICIO): none takes diverted trade; members restricting only part
    # (Britain: no cited car ban) could take trade in the rest, but none does here
    assert takers and not takers & members
    assert "DEU" in {g["country"] for g in none.third_countries}  # type: ignore[attr-defined]
    assert default.coalition["excluded_total_usd"] > 0  # type: ignore[attr-defined]
    assert default.coalition["excluded_usd"]["DEU"] > 0  # type: ignore[attr-defined]
    # fewer substitutes: Russia loses more
    assert default.cost_target_usd["median"] > none.cost_target_usd["median"]  # type: ignore[attr-defined]
