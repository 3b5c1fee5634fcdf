"""Accounting levers: exact arithmetic, Monte Carlo properties, bad scenarios."""

from __future__ import annotations

from pathlib import Path

import pytest

from asymmetry.errors import ScenarioError
from asymmetry.levers.engine import simulate, value_added
from asymmetry.levers.scenario import ProductSet, Scenario
from asymmetry.store.ingest_tidy import ingest_table
from asymmetry.store.store import Store

FLOWS = """year,exporter,importer,product,value_usd
2022,RUS,CHN,270900,100
2022,RUS,CHN,440320,50
2022,CHN,RUS,847130,60
2022,DEU,RUS,870323,40
"""


@pytest.fixture
def store(default_store: Store, tmp_path: Path) -> Store:
    path = tmp_path / "f.csv"
    path.write_text(FLOWS)
    ingest_table(default_store, path, hs_revision="HS17")
    return default_store


def _scenario(*levers: dict[str, object]) -> Scenario:
    return Scenario.from_dict({"sender": "CHN", "target": "RUS", "levers": list(levers)})


def test_currency_reproduces_the_seed_arithmetic(store: Store) -> None:
    # Balzer (2021), sec. 3.6: the yuan went from about 6.3 to 7 per dollar.
    reserve = 44e9
    result = simulate(
        store,
        _scenario({"type": "currency", "rates": [6.3, 7.0], "holdings_usd": reserve}),
        draws=50,
    )
    expected = (1 - 6.3 / 7.0) * reserve
    assert result.cost_target_usd == pytest.approx(
        {"median": expected, "p05": expected, "p95": expected}
    )
    assert result.cost_sender_usd["median"] == pytest.approx(-expected)
    assert result.leverage_ratio is None  # the sender gains


def test_price_discount_on_fuels_only(store: Store) -> None:
    result = simulate(
        store, _scenario({"type": "price-discount", "products": "fuels", "discount": 0.2}), draws=10
    )
    assert result.cost_target_usd["median"] == pytest.approx(20.0)  # 20% of 100, not timber
    assert result.cost_sender_usd["median"] == pytest.approx(-20.0)
    assert result.top_items[0]["item"] == "270900"
    assert result.basis == "goods trade"


def test_payment_friction_and_leverage(store: Store) -> None:
    result = simulate(
        store,
        _scenario(
            {
                "type": "payment-friction",
                "rate": 0.1,
                "demand_elasticity": 1.0,
                "supply_elasticity": 1.0,
            }
        ),
        draws=10,
    )
    # both directions: 150 + 60 = 210; 10% of it, half each
    assert result.cost_target_usd["median"] == pytest.approx(10.5)
    assert result.cost_sender_usd["median"] == pytest.approx(10.5)
    va_rus, va_chn = value_added(store, "RUS"), value_added(store, "CHN")
    assert va_rus and va_chn
    assert result.leverage_ratio == pytest.approx((10.5 / va_rus) / (10.5 / va_chn))
    assert result.leverage_ratio > 1  # the same dollars weigh more on the smaller economy


def test_zero_lever_costs_nothing_and_costs_rise_with_size(store: Store) -> None:
    zero = simulate(
        store, _scenario({"type": "price-discount", "products": "all", "discount": 0.0}), draws=10
    )
    assert zero.cost_target_usd["median"] == 0.0
    costs = [
        simulate(
            store, _scenario({"type": "price-discount", "products": "all", "discount": d}), draws=5
        ).cost_target_usd["median"]
        for d in (0.1, 0.2, 0.4, 0.8)
    ]
    assert costs == sorted(costs) and costs[0] > 0


def test_draws_are_reproducible_and_intervals_bracket_the_median(store: Store) -> None:
    scenario = _scenario(
        {"type": "price-discount", "products": "27", "discount": [0.1, 0.3]},
        {"type": "payment-friction", "rate": "1%:5%"},
    )
    first = simulate(store, scenario, draws=500, seed=7)
    again = simulate(store, scenario, draws=500, seed=7)
    other = simulate(store, scenario, draws=500, seed=8)
    assert first.cost_target_usd == again.cost_target_usd
    assert first.cost_target_usd != other.cost_target_usd
    c = first.cost_target_usd
    assert c["p05"] < c["median"] < c["p95"]
    # 10-30% of 100 plus 1-5% of RUS's side of 210 (importer share 1/7 to 6/7)
    assert c["p05"] >= 10 + 0.01 * (60 * 6 / 7 + 150 / 7)
    assert c["p95"] <= 30 + 0.05 * (60 / 7 + 150 * 6 / 7)


def test_payment_friction_follows_the_market_not_the_labels(store: Store) -> None:
    friction = {"type": "payment-friction", "rate": "2%:5%"}
    one = simulate(store, _scenario(friction), draws=200, seed=3)
    swapped = simulate(
        store,
        Scenario.from_dict({"sender": "RUS", "target": "CHN", "levers": [friction]}),
        draws=200,
        seed=3,
    )
    assert one.cost_target_usd == swapped.cost_sender_usd  # exactly, not approximately
    assert one.cost_sender_usd == swapped.cost_target_usd
    # importer bears e_s / (e_s + e_d): an inelastic exporter (e_s 0.5) bears most
    inelastic = {**friction, "rate": 0.1, "supply_elasticity": 0.5, "demand_elasticity": 2.0}
    r = simulate(store, _scenario(inelastic), draws=1)
    # RUS exports 150 (bears 0.8 of it), imports 60 (bears 0.2 of it)
    assert r.cost_target_usd["median"] == pytest.approx(0.1 * (0.8 * 150 + 0.2 * 60))
    assert r.cost_sender_usd["median"] == pytest.approx(0.1 * (0.2 * 150 + 0.8 * 60))
    with pytest.raises(ScenarioError, match="incidence comes from the market"):
        _scenario({**friction, "incidence": 0.7})


@pytest.mark.parametrize(
    ("lever", "message"),
    [
        ({"type": "blockade"}, "unknown lever type 'blockade'"),
        (
            {"type": "price-discount", "products": "spaceships", "discount": 0.1},
            "unknown product group 'spaceships'",
        ),
        (
            {"type": "price-discount", "products": "fuels", "discount": 1.5},
            "lever 'price-discount', field 'discount': must lie in [0.0, 1.0)",
        ),
        ({"type": "payment-friction", "rate": [0.3, 0.1]}, "range is reversed"),
        ({"type": "currency", "move": 0.1}, "needs holdings_usd"),
        ({"type": "payment-friction", "rate": "lots"}, "not a number"),
    ],
)
def test_bad_levers_name_the_lever_and_field(lever: dict[str, object], message: str) -> None:
    with pytest.raises(
        ScenarioError, match=message.replace("[", r"\[").replace("(", r"\(").replace(")", r"\)")
    ):
        _scenario(lever)


def test_contradictions_and_empty_targets(store: Store) -> None:
    with pytest.raises(ScenarioError, match="two currency levers"):
        _scenario(
            {"type": "currency", "move": 0.1, "holdings_usd": 1},
            {"type": "currency", "move": 0.2, "holdings_usd": 1},
        )
    with pytest.raises(ScenarioError, match="RUS sells nothing in 'vehicles' to CHN"):
        simulate(
            store, _scenario({"type": "price-discount", "products": "vehicles", "discount": 0.1})
        )
    with pytest.raises(ScenarioError, match="same country"):
        Scenario.from_dict(
            {
                "sender": "RUS",
                "target": "Russia",
                "levers": [{"type": "payment-friction", "rate": 0.1}],
            }
        )


def test_yaml_scenario_file(store: Store, tmp_path: Path) -> None:
    path = tmp_path / "s.yaml"
    path.write_text(
        "name: discount\nsender: China\ntarget: Russian Federation\nlevers:\n"
        "  - {type: price-discount, products: '27', discount: [0.2, 0.2]}\n"
    )
    scenario = Scenario.from_file(path)
    assert (scenario.sender, scenario.target, scenario.name) == ("CHN", "RUS", "discount")
    assert simulate(store, scenario).cost_target_usd["median"] == pytest.approx(20.0)
    bad = tmp_path / "bad.yaml"
    bad.write_text("sender: [unclosed\n")
    with pytest.raises(ScenarioError, match="not valid YAML"):
        Scenario.from_file(bad)


def test_product_sets_follow_the_basis(store: Store) -> None:
    # HS chapter 27 reaches the ICIO sectors that make fuels (coal, crude and gas, refining)
    assert ProductSet.parse("2709").sectors == ("B05", "B06", "C19")
    with pytest.raises(ScenarioError, match="names ICIO sectors, but the data is goods flows"):
        simulate(store, _scenario({"type": "price-discount", "products": "B06", "discount": 0.1}))
