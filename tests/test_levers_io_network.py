"""ICIO network propagation: a hand-built two-node economy, bound >= CES, monotonicity."""

from __future__ import annotations

import numpy as np
import pytest

from asymmetry.errors import ScenarioError
from asymmetry.levers.engine import simulate
from asymmetry.levers.io_network import NetworkOperators, network_operators
from asymmetry.levers.scenario import ProductSet, Restriction, Scenario
from asymmetry.store.ingest_icio import IcioMatrices
from asymmetry.store.store import Store

TWO = IcioMatrices(
    ("AAA", "BBB"),
    ("S1",),
    np.array([[10.0, 20.0], [30.0, 40.0]]),
    np.array([100.0, 200.0]),
    np.array([0.4, 0.35]),
)


def _ban(products: str = "all", **params: object) -> Scenario:
    return Scenario.from_dict(
        {
            "sender": "CHN",
            "target": "RUS",
            "levers": [{"type": "export-restriction", "products": products, **params}],
        }
    )


def test_two_node_bound_by_hand() -> None:
    ops = NetworkOperators.build(TWO)
    lever = Restriction("export", ProductSet.parse("all"))
    lost_sales, lost_inputs = ops.cut(lever, "AAA", "BBB")
    assert (lost_sales.tolist(), lost_inputs.tolist()) == ([20.0, 0.0], [0.0, 20.0])
    x = TWO.output
    t = TWO.flows / x[None, :]
    b = TWO.flows / x[:, None]
    upstream = np.linalg.inv(np.eye(2) - t) @ np.array([20.0, 0.0])
    downstream = np.array([0.0, 20.0]) @ np.linalg.inv(np.eye(2) - b)
    np.testing.assert_allclose(
        ops.bound_output_loss(lost_sales, lost_inputs), np.minimum(upstream + downstream, x)
    )
    # AAA loses the sale and its supplier share: 20 * 0.8 / 0.69
    assert upstream[0] == pytest.approx(20 * 0.8 / 0.69)


def test_ces_case_zero_cut_and_first_order_ratio() -> None:
    ops = NetworkOperators.build(TWO)
    sales, inputs = np.array([20.0, 0.0]), np.array([0.0, 20.0])
    zero = ops.ces_output_loss(
        sales, inputs, np.array([0.0]), np.array([5.0]), np.array([1.0]), np.array([0.5])
    )
    assert np.allclose(zero, 0.0)
    # a tiny cut: CES downstream loss ~ eta / (sigma - 1) of the bound's (module doc)
    tiny = 1e-6
    ces = ops.ces_output_loss(
        sales * 0, inputs, np.array([tiny]), np.array([5.0]), np.array([1.0]), np.array([0.0])
    )[:, 0]
    bound = ops.bound_output_loss(sales * 0, inputs * tiny)
    assert ces.sum() == pytest.approx(bound.sum() / 4, rel=1e-3)


def test_bound_exceeds_ces_and_costs_rise_with_the_cut(readonly_store: Store) -> None:
    ops = network_operators(readonly_store)
    result = simulate(readonly_store, _ban("84,85,87"), model="network", draws=300, operators=ops)
    assert result.model == "io network (CES)"
    bound = result.bound_va_loss_usd
    assert result.cost_target_usd["p95"] <= bound["RUS"]
    assert result.cost_sender_usd["p95"] <= bound["CHN"]
    assert result.leverage_ratio is not None and result.leverage_ratio > 1
    medians = [
        simulate(
            readonly_store,
            _ban("84,85,87", fraction=f, sigma=5.0, eta=1.0, income_share=0.3),
            model="network",
            draws=3,
            operators=ops,
        ).cost_target_usd["median"]
        for f in (0.0, 0.25, 0.5, 1.0)
    ]
    assert medians[0] == 0 and medians == sorted(medians)


def test_network_model_refuses_goods_flows(readonly_store: Store) -> None:
    with pytest.raises(ScenarioError, match="runs on the ICIO network"):
        simulate(readonly_store, _ban(), model="network", source="flows")
    with pytest.raises(ScenarioError, match="not one of the 2 ICIO economies"):
        NetworkOperators.build(TWO).cut(
            Restriction("export", ProductSet.parse("all")), "AAA", "CCC"
        )
    with pytest.raises(ScenarioError, match="unknown model"):
        simulate(readonly_store, _ban(), model="magic")  # type: ignore[arg-type]


def test_coalition_deliveries_stay_out_of_the_nest(readonly_store: Store) -> None:
    lever = {"type": "export-restriction", "products": "84,85,87"}

    def run(model: str, coalition: str | None) -> object:
        sc = Scenario.from_dict(
            {"sender": "CHN", "target": "RUS", "levers": [lever], "coalition": coalition}
        )
        return simulate(readonly_store, sc, draws=20, model=model)  # type: ignore[arg-type]

    ops = network_operators(readonly_store)
    auto, none = run("network", None), run("network", "none")
    held = auto.coalition["excluded_usd"]  # type: ignore[attr-defined]
    # the network's matrices and the partial-equilibrium SQL over the same ICIO flows
    # find the same coalition deliveries to Russia in C26-C29
    pe = run("pe", None).coalition["excluded_usd"]  # type: ignore[attr-defined]
    assert held.keys() == pe.keys() and all(held[k] == pytest.approx(pe[k]) for k in held)
    deu = (ops.country == "DEU") & np.isin(ops.sector, ["C26", "C27", "C28", "C29"])
    assert held["DEU"] == pytest.approx(ops.m.flows[np.ix_(deu, ops.country == "RUS")].sum())
    assert none.coalition["excluded_usd"] == {}  # type: ignore[attr-defined]
    # fewer substitutes in the nest: a larger share lost, a larger loss
    assert auto.cost_target_usd["median"] > none.cost_target_usd["median"]  # type: ignore[attr-defined]
    # China's loss moves only through the network (Russia's dearer inputs feed back)
    sender_auto = auto.cost_sender_usd["median"]  # type: ignore[attr-defined]
    assert sender_auto == pytest.approx(none.cost_sender_usd["median"], rel=0.01)  # type: ignore[attr-defined]
