"""General-equilibrium levers: the published network model, called through its package.

`--model ge` runs the model of Bhattathiripad & Veetil, *Political Power in
International Trade* (package `sanction-simulator`, its `power_trade_estimation`
module): after a restriction severs trade legs of the OECD ICIO 2022 network,
buyers and sellers reroute what they can by two-sided RAS balancing (rerouting
friction ``tau``, sanction leakage ``delta``), and output settles at a CES
capacity-rationing equilibrium (inner curvature ``rho``; outer curvature
``varrho`` at the package's baseline). Nothing of the model is re-implemented
here: this module maps a `Scenario` onto the package's severance legs, calls
`ScenarioBatch.balance` and `ScenarioBatch.solve`, and sums the results.

Mapping: an export restriction by the sender (and each coalition member) on
products P is the leg (member -> target) restricted to the ICIO seller sectors
that make P (the package's sector-partial leg, its row mask); an import
restriction is the leg (target -> member); the target's counter-measures are the
same legs seen from its side. A partial cut (``fraction`` f) scales the row mask
to f, so the package severs that share of each seller sector's deliveries. Two
restrictions on one leg combine sector by sector (the larger cut).

Coalition (`Scenario.coalition`, `asymmetry.metrics.coalitions`): a coalition
given by name restricts with the sender. Its members' legs to the target are
severed on the same products, the only way this model keeps a state from taking
rerouted trade (the RAS step reroutes through every open leg), and their losses
count on the sender's side. The packaged default (the cited list of states that
restrict the target) is not applied here: it would make every Chinese lever on
Russia a joint lever of China and 33 states, and change the question from what the
sender's lever does to what the whole coalition's does; the output names it and
says so. (Solving the coalition's restrictions as the reference and reporting the
sender's increment would answer the first question; it is not done: two solves a draw.)

Reported, in USD, by country and country-sector: the gross-output loss
``s - s_omega`` (the package's headline, gamma = loss / benchmark output) and the
value-added loss ``zeta = (1 - kappa_eff) z``: the final-demand deliveries lost
to the degraded input bundle (the paper's zeta/N decomposition, Lemma
m-intermediate-input). Monte Carlo draws tau, delta and rho uniformly from the
ranges in `Structural` (default: the paper's sensitivity grids). Each draw is a
full balance and solve (about 2 s on ICIO 2022), so draws sharing (tau, delta,
legs) share one balance and identical draws one solve; scenarios are never
batched together, because the package's stopping rule is per batch and a batch
of one reproduces its own numbers exactly.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass
from functools import lru_cache
from importlib import metadata
from types import ModuleType
from typing import Any

import numpy as np

from asymmetry.errors import ScenarioError
from asymmetry.levers.scenario import Restriction, Scenario
from asymmetry.levers.uncertainty import Interval, draw, interval

# Default Monte Carlo draws for --model ge: each draw is a full solve (about 2 s
# here), so 20 draws (about 45 s) give a first 5-95% interval (between the 1st
# and 2nd, 19th and 20th order statistics); use --draws 100 for a firmer one.
DEFAULT_GE_DRAWS = 20
USD_PER_UNIT = 1e6  # the package's benchmark is in USD million
TOP_SECTORS = 10  # country-sector rows reported per country on either side
TOP_COUNTRIES = 15  # third countries reported by the size of their change

# One severance leg: (seller index, buyer index, seller-sector mask or None).
Leg = tuple[int, int, np.ndarray | None]


@dataclass(frozen=True, slots=True)
class GEModel:
    """The package's model module and its ICIO 2022 benchmark, loaded once."""

    pte: ModuleType
    bench: Any
    version: str

    @classmethod
    def load(cls) -> GEModel:
        """Load `sanction-simulator`'s benchmark network (about 1 s)."""
        try:
            import sanction_simulator as ss

            pte = importlib.import_module("sanction_simulator.power_trade_estimation")
        except ImportError as exc:  # pragma: no cover - a declared dependency
            raise ScenarioError(
                "--model ge needs the package sanction-simulator; pip install sanction-simulator",
                field="model",
            ) from exc
        bench = pte.Benchmark(ss.data_dir(), cache=ss.bench_cache())
        return cls(pte, bench, metadata.version("sanction-simulator"))

    def index(self, country: str) -> int:
        try:
            return int(self.bench.cidx[country])
        except KeyError:
            raise ScenarioError(
                f"{country} is not one of the {self.bench.C} economies of the ICIO 2022 "
                "network the general-equilibrium model runs on",
                field="country",
                value=country,
            ) from None


@lru_cache(maxsize=1)
def default_model() -> GEModel:
    """The benchmark loaded once per process and reused by every scenario."""
    return GEModel.load()


def _mask(model: GEModel, lever: Restriction, fraction: float) -> np.ndarray | None:
    """Seller-sector row mask for a lever: None = every sector, fully cut."""
    sectors = model.bench.sectors
    if lever.products.all_products:
        return None if fraction == 1.0 else np.full(len(sectors), fraction)
    if not lever.products.sectors:
        raise ScenarioError(
            f"product set {lever.products.label!r} maps to no ICIO sector; the "
            "general-equilibrium model cuts seller sectors (use HS chapters, a named "
            "group, a section or sector codes)",
            lever=lever.kind,
            field="products",
        )
    unknown = sorted(set(lever.products.sectors) - set(sectors))
    if unknown:
        raise ScenarioError(
            f"unknown ICIO sector(s) {', '.join(unknown)}",
            lever=lever.kind,
            field="products",
            value=unknown,
        )
    return np.where(np.isin(np.array(sectors), lever.products.sectors), fraction, 0.0)


def scenario_legs(model: GEModel, scenario: Scenario, fractions: list[float]) -> list[Leg]:
    """The package's severance legs for the scenario, one fraction per restriction.

    ``fractions`` follows the order of the scenario's restrictions, then its
    counter-measures. Legs come out in a fixed order: for each restriction, for each
    member of the sender's side.
    """
    target = model.index(scenario.target)
    senders = [model.index(c) for c in scenario.senders]
    restrictions = [lv for lv in scenario.levers if isinstance(lv, Restriction)]
    legs: dict[tuple[int, int], np.ndarray | None] = {}
    owners = [("sender", lv) for lv in restrictions] + [
        ("target", lv) for lv in scenario.counter_measures
    ]
    for (who, lever), fraction in zip(owners, fractions, strict=True):
        mask = _mask(model, lever, fraction)
        for member in senders:
            # export by the sender's side = its sales to the target; a counter-
            # measure "export" = the target's sales to the sender's side
            to_target = (lever.direction == "export") == (who == "sender")
            key = (member, target) if to_target else (target, member)
            if key in legs:
                old = legs[key]
                legs[key] = (
                    None
                    if old is None and mask is None
                    else np.maximum(
                        np.ones(model.bench.S) if old is None else old,
                        np.ones(model.bench.S) if mask is None else mask,
                    )
                )
            else:
                legs[key] = mask
    return [(seller, buyer, mask) for (seller, buyer), mask in legs.items()]


def _package_legs(legs: list[Leg]) -> list[tuple[Any, ...]]:
    return [(s, b) if m is None else (s, b, m) for s, b, m in legs]


def solve_point(
    model: GEModel, legs: list[Leg], tau: float, delta: float, rho: float
) -> dict[str, np.ndarray]:
    """One equilibrium: gross-output and value-added loss by node (USD), via the package."""
    batch = model.pte.ScenarioBatch(model.bench, [_package_legs(legs)], tau=tau, delta=delta)
    batch.balance()
    return _losses(model, batch.solve(rho=rho))


def _losses(model: GEModel, res: dict[str, Any]) -> dict[str, np.ndarray]:
    bench = model.bench
    return {
        "gross_output": (bench.s - res["s_omega"][0]) * USD_PER_UNIT,
        "value_added": (1.0 - res["kappa_eff"][0]) * bench.z * USD_PER_UNIT,
        "iters": np.asarray(res["iters"][0]),
        "resid_h": np.asarray(res["resid_h"][0]),
    }


def _severed_usd(model: GEModel, legs: list[Leg]) -> float:
    """Benchmark intermediate deliveries on the severed legs (USD, before leakage)."""
    bench = model.bench
    spend = (bench.omb * bench.s).reshape(bench.S, bench.C)
    total = 0.0
    for seller, buyer, mask in legs:
        flows = bench.Tc[:, seller, :, buyer] * spend[:, buyer][None, :]
        if mask is not None:
            flows = flows * mask[:, None]
        total += float(flows.sum())
    return total * USD_PER_UNIT


@dataclass(frozen=True, slots=True)
class GEDraws:
    """Losses by node for every draw (draws x nodes, USD) and the parameters drawn."""

    gross_output: np.ndarray
    value_added: np.ndarray
    params: dict[str, np.ndarray]
    legs: list[Leg]
    solves: int
    max_iters: int
    max_resid_h: float


def run_draws(model: GEModel, scenario: Scenario, draws: int, rng: np.random.Generator) -> GEDraws:
    """Draw tau, delta, rho and each restriction's fraction; solve each distinct draw."""
    restrictions = [lv for lv in scenario.levers if isinstance(lv, Restriction)]
    if len(restrictions) != len(scenario.levers):
        others = sorted({lv.kind for lv in scenario.levers if not isinstance(lv, Restriction)})
        raise ScenarioError(
            f"the general-equilibrium model takes trade restrictions only; run "
            f"{', '.join(others)} with --model pe (exact accounting)",
            field="model",
        )
    st = scenario.structural
    params = {
        "tau": draw(st.tau, draws, rng),
        "delta": draw(st.delta, draws, rng),
        "rho": draw(st.rho, draws, rng),
    }
    cuts = [draw(lv.fraction, draws, rng) for lv in (*restrictions, *scenario.counter_measures)]
    n = model.bench.N
    gross, va = np.empty((draws, n)), np.empty((draws, n))
    balanced: dict[tuple[float, ...], Any] = {}
    solved: dict[tuple[float, ...], dict[str, np.ndarray]] = {}
    legs: list[Leg] = []
    iters, resid = 0, 0.0
    for i in range(draws):
        fractions = [float(c[i]) for c in cuts]
        tau, delta, rho = (float(params[k][i]) for k in ("tau", "delta", "rho"))
        key = (tau, delta, *fractions)
        if key not in balanced:
            legs = scenario_legs(model, scenario, fractions)
            batch = model.pte.ScenarioBatch(
                model.bench, [_package_legs(legs)], tau=tau, delta=delta
            )
            batch.balance()
            balanced[key] = (batch, legs)
        batch, legs = balanced[key]
        if (*key, rho) not in solved:
            solved[(*key, rho)] = _losses(model, batch.solve(rho=rho))
        point = solved[(*key, rho)]
        gross[i], va[i] = point["gross_output"], point["value_added"]
        iters = max(iters, int(point["iters"]))
        resid = max(resid, float(point["resid_h"]))
    # The legs shown (and the trade they sever) are those at each cut's median draw, not
    # the last draw's: with a range of fractions, every draw cuts a different amount.
    shown = scenario_legs(model, scenario, [float(np.median(c)) for c in cuts]) if draws else legs
    return GEDraws(gross, va, params, shown, len(solved), iters, resid)


def _by_country(model: GEModel, nodes: np.ndarray) -> np.ndarray:
    """Node values (draws x N, sector-major) summed over sectors: draws x countries."""
    b = model.bench
    summed: np.ndarray = nodes.reshape(nodes.shape[0], b.S, b.C).sum(axis=1)
    return summed


def _range(param: Any) -> float | list[float]:
    return [float(param[0]), float(param[1])] if isinstance(param, tuple) else float(param)


def ge_summary(model: GEModel, scenario: Scenario, result: GEDraws) -> dict[str, Any]:
    """Both sides' losses with intervals, by country and country-sector (JSON-ready)."""
    b = model.bench
    go_c, va_c = _by_country(model, result.gross_output), _by_country(model, result.value_added)
    output = b.s_country * USD_PER_UNIT
    # the loss (1 - kappa_eff) * z is in the package's z units: its share is of each country's
    # benchmark z (summed over the world z equals value added; per country they differ by
    # net exports, so dividing by (1 - omega) * s would mix two quantities)
    value_added = b.z_country * USD_PER_UNIT
    sides = {"target": [scenario.target], "sender": list(scenario.senders)}

    def side(countries: list[str]) -> dict[str, Any]:
        idx = [model.index(c) for c in countries]
        go, va = go_c[:, idx].sum(axis=1), va_c[:, idx].sum(axis=1)
        return {
            "countries": countries,
            "gross_output_loss_usd": interval(go),
            "gross_output_loss_share": interval(go / output[idx].sum()),
            "value_added_loss_usd": interval(va),
            "value_added_loss_share": interval(va / value_added[idx].sum()),
        }

    def country_row(k: int, role: str) -> dict[str, Any]:
        return {
            "country": b.countries[k],
            "side": role,
            "gross_output_loss_usd": interval(go_c[:, k]),
            "gross_output_loss_share": float(np.median(go_c[:, k]) / output[k]),
            "value_added_loss_usd": interval(va_c[:, k]),
        }

    role = {c: name for name, members in sides.items() for c in members}
    members = [model.index(c) for c in (*sides["target"], *sides["sender"])]
    third = [k for k in range(b.C) if k not in members]
    third.sort(key=lambda k: (-abs(float(np.median(go_c[:, k]))), b.countries[k]))
    countries = [country_row(k, role[b.countries[k]]) for k in members] + [
        country_row(k, "third") for k in third[:TOP_COUNTRIES]
    ]
    sectors: list[dict[str, Any]] = []
    for k in members:
        nodes = [r * b.C + k for r in range(b.S)]
        median = np.median(result.gross_output[:, nodes], axis=0)
        for r in sorted(range(b.S), key=lambda r: (-median[r], r))[:TOP_SECTORS]:
            node = nodes[r]
            sectors.append(
                {
                    "country": b.countries[k],
                    "sector": b.sectors[r],
                    "sector_name": b.sname.get(b.sectors[r], b.sectors[r]),
                    "gross_output_loss_usd": interval(result.gross_output[:, node]),
                    "value_added_loss_usd": interval(result.value_added[:, node]),
                }
            )
    st = scenario.structural
    return {
        "model": (
            f"sanction-simulator {model.version} (Bhattathiripad & Veetil, Political Power "
            "in International Trade): two-sided RAS rerouting + CES capacity rationing, "
            "OECD ICIO 2022"
        ),
        "parameters": {
            "tau": _range(st.tau),
            "delta": _range(st.delta),
            "rho": _range(st.rho),
            "rho_out": float(model.pte.RHO_OUT),
            "ranges": "uniform draws; default ranges span the paper's sensitivity grids",
        },
        "legs": [
            {
                "seller": b.countries[s],
                "buyer": b.countries[k],
                "sectors": "all" if m is None else [b.sectors[r] for r in range(b.S) if m[r] > 0],
                "cut": 1.0 if m is None else float(m.max()),
            }
            for s, k, m in result.legs
        ],
        "severed_usd": _severed_usd(model, result.legs),
        "legs_at": "each cut's median draw (a range of fractions cuts a different amount per draw)",
        "target": side(sides["target"]),
        "sender": side(sides["sender"]),
        "by_country": countries,
        "by_country_sector": sectors,
        "diagnostics": {
            "solves": result.solves,
            "max_fixed_point_iterations": result.max_iters,
            "max_residual_h": result.max_resid_h,
        },
    }


def ge_side_draws(
    model: GEModel, scenario: Scenario, result: GEDraws
) -> dict[str, tuple[np.ndarray, float]]:
    """Gross-output loss draws (USD) and benchmark output of the target and sender sides."""
    go_c = _by_country(model, result.gross_output)
    output = model.bench.s_country * USD_PER_UNIT
    out = {}
    for name, countries in (("target", [scenario.target]), ("sender", list(scenario.senders))):
        idx = [model.index(c) for c in countries]
        out[name] = (go_c[:, idx].sum(axis=1), float(output[idx].sum()))
    return out


__all__ = [
    "DEFAULT_GE_DRAWS",
    "GEDraws",
    "GEModel",
    "Interval",
    "default_model",
    "ge_side_draws",
    "ge_summary",
    "run_draws",
    "scenario_legs",
    "solve_point",
]
