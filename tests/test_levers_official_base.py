"""Levers on the best basis: official aggregates answer an accounting lever where the store
holds no goods flows, and the ICIO value stands beside with the reason they differ."""

from __future__ import annotations

import pytest

from asymmetry.levers.engine import simulate
from asymmetry.levers.official_base import official_trade
from asymmetry.levers.scenario import ProductSet, Scenario
from asymmetry.store.store import Store


def test_fuels_read_from_crude_oil_are_a_lower_bound(default_store: Store) -> None:
    """China's customs: Russia's crude oil exports to China, USD 60.6 bn in 2023 (the
    packaged aggregates, China GAC via TASS); crude is only part of HS 27."""
    trade = official_trade(default_store, ProductSet.parse("fuels"), [("RUS", "CHN")])
    assert trade is not None
    assert trade.basis.year == 2023 and trade.value_usd == pytest.approx(60.6e9)
    assert "lower bound" in trade.note and "crude oil" in trade.note


def test_all_goods_both_ways_is_the_latest_year_with_both_flows(default_store: Store) -> None:
    """2024, China GAC: Russia to China USD 129.32 bn, China to Russia USD 115.49 bn."""
    trade = official_trade(default_store, ProductSet.parse("all"), [("RUS", "CHN"), ("CHN", "RUS")])
    assert trade is not None and trade.basis.year == 2024
    assert trade.value_usd == pytest.approx(129.32e9 + 115.49e9)


def test_a_group_the_aggregates_do_not_state_is_not_answered(default_store: Store) -> None:
    assert official_trade(default_store, ProductSet.parse("44"), [("RUS", "CHN")]) is None


def test_a_price_discount_answers_on_customs_trade_with_icio_beside(default_store: Store) -> None:
    """A 20% discount (a point) on USD 60.6 bn costs Russia USD 12.12 bn exactly."""
    scenario = Scenario.from_dict(
        {"sender": "CHN", "target": "RUS",
         "levers": [{"type": "price-discount", "products": "fuels", "discount": 0.2}]}
    )  # fmt: skip
    result = simulate(default_store, scenario, draws=10)
    (lever,) = result.by_lever
    assert lever["basis"] == "customs goods trade (official aggregates) (2023)"
    assert result.cost_target_usd["median"] == pytest.approx(0.2 * 60.6e9)
    (note,) = [n for n in result.notes if n.startswith("price-discount")]
    assert "the ICIO network holds USD" in note and "intermediate inputs only" in note
    icio = simulate(default_store, scenario, draws=10, source="icio")
    assert icio.by_lever[0]["basis"] == "intermediate inputs (ICIO) (2022)"
    assert icio.cost_target_usd["median"] < result.cost_target_usd["median"]


def test_a_restriction_on_icio_states_the_customs_value_beside(default_store: Store) -> None:
    scenario = Scenario.from_dict(
        {"sender": "CHN", "target": "RUS", "coalition": "none",
         "levers": [{"type": "import-restriction", "products": "fuels"}]}
    )  # fmt: skip
    result = simulate(default_store, scenario, draws=10)
    assert result.by_lever[0]["basis"] == "intermediate inputs (ICIO) (2022)"
    (note,) = [n for n in result.notes if n.startswith("import-restriction")]
    assert "USD 60.6 bn" in note and "fetch baci" in note
