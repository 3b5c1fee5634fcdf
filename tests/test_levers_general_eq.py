"""`--model ge`: the published general-equilibrium model, called through sanction-simulator.

The reference is the package itself, used exactly as its README shows (its module
on ``sys.path``, its own `Benchmark`, `ScenarioBatch`, legs helpers), so the
wrapper's mapping of scenarios onto legs, its units and its sums are what is tested.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from typer.testing import CliRunner

from asymmetry.cli import app
from asymmetry.errors import ScenarioError
from asymmetry.levers import general_eq, scenario
from asymmetry.levers.engine import simulate
from asymmetry.levers.general_eq import GEModel, default_model, run_draws, scenario_legs
from asymmetry.levers.scenario import Scenario

ss = pytest.importorskip("sanction_simulator")
pytestmark = pytest.mark.slow
TOL = 1e-9


@pytest.fixture(scope="module")
def package() -> tuple[Any, Any]:
    """The package's own module and benchmark, loaded the README's way."""
    sys.path.insert(0, ss._PKG_DIR)
    import power_trade_estimation as pte

    return pte, pte.Benchmark(ss.data_dir(), cache=ss.bench_cache())


@pytest.fixture(scope="module")
def model() -> GEModel:
    return default_model()


def their_losses(pte: Any, bench: Any, legs: list[Any]) -> tuple[np.ndarray, np.ndarray]:
    sb = pte.ScenarioBatch(bench, [legs], tau=0.30, delta=0.10)
    sb.balance()
    res = sb.solve(rho=-1.0)
    return bench.s - res["s_omega"][0], (1.0 - res["kappa_eff"][0]) * bench.z


def point(sender: str, target: str, levers: list[dict[str, Any]]) -> Scenario:
    return Scenario.from_dict(
        {"sender": sender, "target": target, "levers": levers, "tau": 0.3, "delta": 0.1, "rho": -1}
    )


def assert_same(ours: np.ndarray, theirs: np.ndarray) -> None:
    scale = np.abs(theirs).max()
    np.testing.assert_allclose(ours / 1e6, theirs, rtol=TOL, atol=TOL * scale)


@pytest.mark.parametrize(
    ("sender", "target", "levers", "their_legs"),
    [
        # the package README's scenario: USA <-> CHN, both ways
        (
            "USA",
            "CHN",
            [{"type": "embargo"}],
            lambda p, b: p.bilateral_legs(b.cidx["USA"], b.cidx["CHN"]),
        ),
        (
            "CHN",
            "RUS",
            [{"type": "embargo"}],
            lambda p, b: p.bilateral_legs(b.cidx["RUS"], b.cidx["CHN"]),
        ),
        # a sector-partial leg: CHN stops selling HS 84/85/87 (ICIO C26-C29) to RUS
        (
            "CHN",
            "RUS",
            [{"type": "export-restriction", "products": "84,85,87"}],
            lambda p, b: [
                (
                    b.cidx["CHN"],
                    b.cidx["RUS"],
                    np.isin(np.array(b.sectors), ["C26", "C27", "C28", "C29"]).astype(float),
                )
            ],
        ),
    ],
)
def test_equals_the_packages_own_solve(
    package: tuple[Any, Any], model: GEModel, sender: str, target: str, levers: Any, their_legs: Any
) -> None:
    pte, bench = package
    theirs_go, theirs_va = their_losses(pte, bench, their_legs(pte, bench))
    ours = run_draws(model, point(sender, target, levers), 1, np.random.default_rng(0))
    assert_same(ours.gross_output[0], theirs_go)
    assert_same(ours.value_added[0], theirs_va)
    # and the country sums the result reports
    result = simulate(None, point(sender, target, levers), draws=1, model="ge")  # type: ignore[arg-type]
    for side, country in (("target", target), ("sender", sender)):
        k = bench.cidx[country]
        go = theirs_go.reshape(bench.S, bench.C).sum(axis=0)[k] * 1e6
        va = theirs_va.reshape(bench.S, bench.C).sum(axis=0)[k] * 1e6
        assert result.ge is not None
        got = result.ge[side]
        assert got["gross_output_loss_usd"]["median"] == pytest.approx(go, rel=TOL)
        assert got["value_added_loss_usd"]["median"] == pytest.approx(va, rel=TOL)
        assert got["gross_output_loss_usd"]["p05"] == got["gross_output_loss_usd"]["p95"]


def test_default_ranges_span_the_papers_sensitivity_grids(package: tuple[Any, Any]) -> None:
    pte, _ = package
    assert (min(pte.TAU_GRID), max(pte.TAU_GRID)) == scenario.DEFAULT_TAU
    assert (min(pte.DELTA_GRID), max(pte.DELTA_GRID)) == scenario.DEFAULT_DELTA
    assert (min(pte.RHO_GRID), max(pte.RHO_GRID)) == scenario.DEFAULT_RHO


def test_coalition_counter_measures_and_fractions_map_to_legs(model: GEModel) -> None:
    c = model.bench.cidx
    sc = Scenario.from_dict(
        {
            "sender": "USA",
            "target": "RUS",
            "coalition": "DEU,JPN,USA",
            "levers": [{"type": "export-restriction", "products": "machinery", "fraction": 0.5}],
            "counter_measures": [{"type": "export-restriction", "products": "fuels"}],
        }
    )
    assert sc.senders == ("USA", "DEU", "JPN")
    legs = scenario_legs(model, sc, [0.5, 1.0])
    pairs = [(s, b) for s, b, _ in legs]
    assert pairs == [
        (c["USA"], c["RUS"]),
        (c["DEU"], c["RUS"]),
        (c["JPN"], c["RUS"]),
        (c["RUS"], c["USA"]),
        (c["RUS"], c["DEU"]),
        (c["RUS"], c["JPN"]),
    ]
    sectors = model.bench.sectors
    machinery = legs[0][2]
    assert machinery is not None
    assert {sectors[r]: machinery[r] for r in range(len(sectors)) if machinery[r]} == {"C28": 0.5}
    fuels = legs[3][2]
    assert fuels is not None
    assert {sectors[r] for r in range(len(sectors)) if fuels[r]} == {"B05", "B06", "C19"}


def test_a_counter_measure_on_the_same_leg_takes_the_larger_cut(model: GEModel) -> None:
    sc = Scenario.from_dict(
        {
            "sender": "CHN",
            "target": "RUS",
            "levers": [{"type": "import-restriction", "products": "fuels", "fraction": 0.5}],
            "counter_measures": [{"type": "export-restriction", "products": "C19"}],
        }
    )
    (leg,) = scenario_legs(model, sc, [0.5, 1.0])
    mask = leg[2]
    assert mask is not None
    by_sector = dict(zip(model.bench.sectors, mask, strict=True))
    assert (by_sector["B06"], by_sector["C19"], by_sector["C28"]) == (0.5, 1.0, 0.0)


def test_accounting_levers_and_unknown_economies_are_refused(model: GEModel) -> None:
    sc = Scenario.from_dict(
        {"sender": "CHN", "target": "RUS", "levers": [{"type": "payment-friction", "rate": 0.02}]}
    )
    with pytest.raises(ScenarioError, match="--model pe"):
        run_draws(model, sc, 1, np.random.default_rng(0))
    with pytest.raises(ScenarioError, match="not one of the 80 economies"):
        model.index("XKX")
    with pytest.raises(ScenarioError, match="rho"):
        Scenario.from_dict(
            {"sender": "CHN", "target": "RUS", "levers": [{"type": "embargo"}], "rho": 0.5}
        )


def test_identical_draws_share_one_solve(model: GEModel) -> None:
    sc = point("CHN", "RUS", [{"type": "export-restriction", "products": "C19"}])
    result = run_draws(model, sc, 3, np.random.default_rng(0))
    assert result.solves == 1
    assert (result.gross_output[0] == result.gross_output[2]).all()
    assert general_eq.DEFAULT_GE_DRAWS == 20


def test_done_when_command_answers_both_sides(store_env: Path) -> None:
    args = "lever --sender CHN --target RUS --embargo --model ge --tau 0.3 --delta 0.1 --rho -1"
    result = CliRunner().invoke(app, [*args.split(), "--draws", "1", "--format", "json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    for side in ("target", "sender"):
        for measure in ("gross_output_loss_usd", "value_added_loss_usd"):
            assert set(data["ge"][side][measure]) == {"median", "p05", "p95"}
    assert data["ge"]["target"]["gross_output_loss_usd"]["median"] == pytest.approx(
        72.688e9, rel=1e-4
    )
    assert data["ge"]["parameters"]["tau"] == 0.3
    assert {row["country"] for row in data["ge"]["by_country_sector"]} == {"CHN", "RUS"}
    # the packaged coalition against Russia is named but not applied here (it would join
    # the sender's side and change the question); the peer's own scenario is solved
    assert data["coalition"]["applied"] is False and "DEU" in data["coalition"]["members"]
    assert "not applied in the general-equilibrium model" in data["coalition"]["summary"]
    assert data["sender_side"] == ["CHN"]


def test_a_given_coalition_sends_with_the_sender_and_heads_the_table(store_env: Path) -> None:
    args = (
        "lever --sender USA --target RUS --coalition DEU,JPN --export-restriction C28 "
        "--model ge --tau 0.3 --delta 0.1 --rho -1 --draws 1"
    )
    result = CliRunner().invoke(app, args.split(), env={"COLUMNS": "200"})
    assert result.exit_code == 0, result.output
    assert "cost to USA+DEU+JPN" in result.output
    assert "cost to USA " not in result.output.replace("cost to USA+", "")
    assert "restricts with the sender" in result.output


def test_a_range_of_cuts_reports_the_legs_at_its_median(model: GEModel) -> None:
    """With fraction 0.5-1.0 every draw cuts a different amount: the legs (and the trade
    they sever) shown are those at the median draw, not whichever draw came last."""
    sc = Scenario.from_dict(
        {"sender": "CHN", "target": "RUS", "tau": 0.3, "delta": 0.1, "rho": -1,
         "levers": [{"type": "export-restriction", "products": "C19", "fraction": [0.5, 1.0]}]}
    )  # fmt: skip
    rng = np.random.default_rng(0)
    result = run_draws(model, sc, 3, rng)
    shown = {round(float(m.max()), 9) for _, _, m in result.legs if m is not None}
    assert len(shown) == 1 and 0.5 < shown.pop() < 1.0  # one cut: the median, not 1.0 or 0.5
    # (the same seed giving the same legs: test_levers_rerun, byte for byte)


def test_the_general_equilibrium_model_has_one_year(store_env: Path) -> None:
    out = CliRunner().invoke(
        app, ["lever", "--sender", "CHN", "--target", "RUS", "--embargo", "--model", "ge",
              "--year", "2019", "--draws", "1"],
    )  # fmt: skip
    assert out.exit_code == 2 and "one year, 2022" in out.output
