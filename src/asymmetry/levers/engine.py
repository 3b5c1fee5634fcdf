"""The lever engine: runs a scenario's levers through their models and sums the costs.

Trade restrictions go to the partial-equilibrium model (`partial_eq`), price,
currency and payment levers to exact accounting (`accounting`). Parameters
are drawn jointly (`uncertainty`), so the intervals of the total are those of
the sum, not sums of intervals.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

import numpy as np

from asymmetry.errors import ScenarioError
from asymmetry.formats import usd
from asymmetry.levers.accounting import accounting_costs, product_filter
from asymmetry.levers.general_eq import (
    GEModel,
    default_model,
    ge_side_draws,
    ge_summary,
    run_draws,
)
from asymmetry.levers.io_network import NetworkOperators, network_costs, network_operators
from asymmetry.levers.official_base import icio_value, official_trade
from asymmetry.levers.partial_eq import restriction_costs
from asymmetry.levers.scenario import (
    Currency,
    Lever,
    PaymentFriction,
    PriceDiscount,
    Restriction,
    Scenario,
)
from asymmetry.levers.uncertainty import Interval, interval
from asymmetry.metrics.basis import (
    BASIS_REASON,
    FETCH_HINT,
    ICIO_YEAR,
    Basis,
    SourceChoice,
    resolve_basis,
)
from asymmetry.metrics.coalitions import Coalition, resolve_coalition
from asymmetry.metrics.coverage import coverage_warnings
from asymmetry.metrics.gdp import gdp
from asymmetry.store.store import Store

Model = Literal["pe", "network", "ge"]


@dataclass(frozen=True, slots=True)
class LeverResult:
    """Costs of a scenario to both sides (USD; positive = a loss), with intervals.

    ``cost_*_share`` divides by the country's GDP (`asymmetry.metrics.gdp`): the
    World Bank figure for the basis year when fetched, else its value added in the
    ICIO 2022 network (None when it has neither); ``gdp_source`` says which.
    ``leverage_ratio`` = target's relative cost / sender's relative cost, at the
    median; None when the sender does not lose (it gains or breaks even).
    """

    scenario: str
    sender: str
    target: str
    model: str
    basis: str
    dataset: str
    year: int
    draws: int
    seed: int
    cost_target_usd: Interval
    cost_sender_usd: Interval
    cost_target_share: Interval | None
    cost_sender_share: Interval | None
    leverage_ratio: float | None
    top_items: list[dict[str, Any]]
    by_lever: list[dict[str, Any]] = field(default_factory=list)
    # third countries that sell more when a restriction diverts trade (midpoint values)
    third_countries: list[dict[str, Any]] = field(default_factory=list)
    # network model: value added lost by country with no substitution (the bound)
    bound_va_loss_usd: dict[str, float] = field(default_factory=dict)
    # what each country's cost share divides by (source and year of its GDP)
    gdp_source: dict[str, str] = field(default_factory=dict)
    # general-equilibrium model: both sides' gross-output and value-added losses by
    # country and country-sector, parameters, legs (`general_eq.ge_summary`)
    ge: dict[str, Any] | None = None
    # what the basis's goods flows lack of a full year (`metrics.coverage`)
    warnings: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # why this basis (`Basis.notes`)
    # the states that restrict the target besides the sender, what the model did with
    # them and what they excluded (`coalition_summary`)
    coalition: dict[str, Any] = field(default_factory=dict)
    # who the sender's costs are summed over: the sender, and in the general-
    # equilibrium model a given coalition restricting with it
    sender_side: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {k: getattr(self, k) for k in self.__dataclass_fields__}


def _simulate_ge(scenario: Scenario, draws: int, seed: int, ge_model: GEModel) -> LeverResult:
    rng = np.random.default_rng(seed)
    result = run_draws(ge_model, scenario, draws, rng)
    summary = ge_summary(ge_model, scenario, result)
    sides = ge_side_draws(ge_model, scenario, result)
    (loss_t, out_t), (loss_s, out_s) = sides["target"], sides["sender"]
    share_t, share_s = interval(loss_t / out_t), interval(loss_s / out_s)
    leverage = share_t["median"] / share_s["median"] if share_s["median"] > 0 else None
    third = [
        {"country": row["country"], "gain_usd": -row["gross_output_loss_usd"]["median"]}
        for row in summary["by_country"]
        if row["side"] == "third" and row["gross_output_loss_usd"]["median"] < 0
    ]
    kinds = " + ".join(
        lv.kind
        for lv in (*scenario.levers, *scenario.counter_measures)
        if isinstance(lv, Restriction)
    )
    by_lever = [
        {
            "lever": f"{kinds} ({len(result.legs)} legs, solved jointly)",
            "base_usd": summary["severed_usd"],
            "cost_target_usd": interval(loss_t),
            "cost_sender_usd": interval(loss_s),
        }
    ]
    denominator = f"gross output, ICIO 2022 (sanction-simulator {ge_model.version} benchmark)"
    if scenario.coalition:
        given = Coalition(scenario.target, {m: None for m in scenario.coalition}, "given")
        coalition = coalition_summary(
            given,
            "restricts with the sender: its legs to the target are severed too, so it "
            "cannot take rerouted trade, and its losses count on the sender's side",
        )
    else:
        packaged = resolve_coalition(
            None if scenario.coalition is None else "none",
            target=scenario.target,
            exclude=(scenario.sender,),
        )
        coalition = coalition_summary(
            packaged,
            "not applied in the general-equilibrium model: there a coalition restricts "
            "with the sender (its legs severed, its losses on the sender's side), which "
            "changes the question; name it with --coalition to solve that scenario",
            applied=False,
        )
    return LeverResult(
        scenario.name,
        scenario.sender,
        scenario.target,
        "general equilibrium (sanction-simulator)",
        "ICIO 2022 network (sanction-simulator benchmark)",
        f"sanction-simulator {ge_model.version}",
        2022,
        draws,
        seed,
        interval(loss_t),
        interval(loss_s),
        share_t,
        share_s,
        leverage,
        summary["by_country_sector"][:20],
        by_lever,
        third[:10],
        {},
        {c: denominator for c in (scenario.target, *scenario.senders)},
        ge=summary,
        coalition=coalition,
        sender_side=list(scenario.senders),
    )


def coalition_summary(
    coalition: Coalition,
    role: str,
    *,
    excluded: dict[str, float] | None = None,
    applied: bool = True,
) -> dict[str, Any]:
    """What the output says about the coalition: who, from where, what it did, and
    (partial equilibrium) the sales it held out of the substitution nest, USD."""
    held = dict(sorted((excluded or {}).items(), key=lambda kv: (-kv[1], kv[0])))
    total = float(sum(sorted(held.values())))
    if not coalition.scopes:
        text = "none: every other supplier can take diverted trade"
    elif applied and excluded is not None:
        text = (
            f"excluded as substitutes: {coalition.label}; USD {total / 1e9:,.2f} bn of "
            f"their sales held out of the substitution nest"
        )
    else:
        text = f"{coalition.label}; {role}"
    return {
        **coalition.to_dict(),
        "applied": applied and bool(coalition.scopes),
        "role": role,
        "excluded_usd": held,
        "excluded_total_usd": total,
        "summary": text,
    }


def value_added(store: Store, country: str) -> float | None:
    """The country's value added in the ICIO 2022 network (USD), a GDP proxy."""
    value = store.scalar(
        "SELECT sum(value_added_usd ORDER BY value_added_usd) FROM io_nodes WHERE country = ?",
        [country],
    )
    return float(value) if value else None


def _accounting_basis(
    store: Store, basis: Basis, lever: Lever, sender: str, target: str, source: SourceChoice
) -> tuple[Basis, list[str]]:
    """The basis an accounting lever reads: the ladder's, except that where the ladder
    fell to the ICIO network and the official aggregates state the lever's trade
    (`official_base`), they answer, and the ICIO value stands beside with the reason."""
    if basis.source != "icio" or source == "icio":
        return basis, []
    if not isinstance(lever, PriceDiscount | PaymentFriction):  # a currency reads no trade
        return basis, []
    flows = [(target, sender)] if isinstance(lever, PriceDiscount) else [
        (target, sender), (sender, target)]  # fmt: skip
    official = official_trade(store, lever.products, flows)
    if official is None:
        return basis, []
    icio = icio_value(store, basis, lever.products, flows)
    return official.basis, [
        f"{lever.kind}: on customs goods trade (official aggregates), {official.note}; the "
        f"ICIO network holds {usd(icio)} of it in {basis.year} "
        f"({BASIS_REASON['icio']})"
    ]


def _customs_beside(
    store: Store, lever: Restriction, sender: str, target: str, icio_base: float
) -> list[str]:
    """A restriction priced on ICIO: the customs value of the same trade, stated beside."""
    exporter, importer = (sender, target) if lever.direction == "export" else (target, sender)
    official = official_trade(store, lever.products, [(exporter, importer)])
    if official is None:
        return []
    return [
        f"{lever.kind} on {lever.products.label}: the ICIO network holds {usd(icio_base)} of "
        f"this trade ({ICIO_YEAR} intermediate inputs only); customs goods trade (official "
        f"aggregates) states {usd(official.value_usd)} ({official.note}). Pricing the cut on "
        f"customs goods trade needs every supplier's share by product: {FETCH_HINT}"
    ]


def simulate(
    store: Store,
    scenario: Scenario,
    *,
    draws: int = 1000,
    seed: int = 0,
    source: SourceChoice = "auto",
    dataset: str | None = None,
    model: Model = "pe",
    operators: NetworkOperators | None = None,
    ge_model: GEModel | None = None,
) -> LeverResult:
    """Costs of the scenario's levers to target and sender, with 5-95% intervals.

    ``model`` "pe" prices restrictions product by product (partial equilibrium);
    "network" propagates them through the ICIO network (value added lost, CES case,
    with the no-substitution bound in ``bound_va_loss_usd``). Price, currency and
    payment levers are exact accounting either way. Pass ``operators``
    (`NetworkOperators.build`) to reuse the network's factorisations across scenarios.
    "ge" solves the published general-equilibrium model (`general_eq`, package
    sanction-simulator): costs are gross-output losses, shares divide by benchmark
    output (the paper's gamma), and ``ge`` holds both sides' gross-output and
    value-added losses by country and country-sector.
    """
    if draws < 1:
        raise ScenarioError("draws must be at least 1", field="draws", value=draws)
    if model not in ("pe", "network", "ge"):
        raise ScenarioError(f"unknown model {model!r}; use pe, network or ge", field="model")
    if model == "ge":
        if source == "flows":
            raise ScenarioError(
                "the general-equilibrium model runs on the ICIO 2022 network; drop the source",
                field="model",
            )
        if scenario.year not in (None, 2022):
            raise ScenarioError(
                f"the general-equilibrium model has one year, 2022 (its ICIO benchmark); "
                f"drop the year {scenario.year}",
                field="year",
                value=scenario.year,
            )
        return _simulate_ge(scenario, draws, seed, ge_model or default_model())
    if scenario.counter_measures:
        raise ScenarioError(
            "counter-measures run in the general-equilibrium model only (model ge)",
            field="model",
        )
    coalition = resolve_coalition(
        None if scenario.coalition is None else (scenario.coalition or "none"),
        target=scenario.target,
        exclude=(scenario.sender,),
    )
    excluded: dict[str, float] = {}
    if model == "network":
        if source == "flows":
            raise ScenarioError(
                "the network model runs on the ICIO network; drop --source flows or use --model pe",
                field="model",
            )
        source = "icio"
    basis = resolve_basis(
        store,
        source=source,
        year=scenario.year,
        dataset=dataset,
        countries=(scenario.sender, scenario.target),
    )
    if model == "network" and operators is None:
        operators = network_operators(store)
    elif model == "pe":
        operators = None
    bound: dict[str, float] = {}
    notes: list[str] = list(basis.notes)
    lever_basis = basis
    used: list[Basis] = []  # the basis each lever read
    rng = np.random.default_rng(seed)
    s, t = scenario.sender, scenario.target
    cost_target, cost_sender = np.zeros(draws), np.zeros(draws)
    items: list[dict[str, Any]] = []
    lever_items: list[dict[str, Any]]
    by_lever: list[dict[str, Any]] = []
    gains: dict[str, float] = {}
    for lever in scenario.levers:
        if isinstance(lever, Restriction) and operators is not None:
            target_part, sender_part, lever_bound, base, lever_items, held = network_costs(
                operators, lever, s, t, draws, rng, coalition
            )
            for country, value in held.items():
                excluded[country] = excluded.get(country, 0.0) + value
            for country, loss in lever_bound.items():
                bound[country] = bound.get(country, 0.0) + loss
        elif isinstance(lever, Restriction):
            target_part, sender_part, lever_items, base, lever_gains, held = restriction_costs(
                store,
                basis,
                lever,
                s,
                t,
                draws,
                rng,
                product_filter(lever.products, basis),
                coalition,
            )
            for country, gain in lever_gains.items():
                gains[country] = gains.get(country, 0.0) + gain
            for country, value in held.items():
                excluded[country] = excluded.get(country, 0.0) + value
        else:
            lever_basis, said = _accounting_basis(store, basis, lever, s, t, source)
            notes += said
            target_part, sender_part, lever_items, base = accounting_costs(
                store, lever_basis, lever, s, t, draws, rng
            )
        if isinstance(lever, Restriction) and basis.source == "icio":
            notes += _customs_beside(store, lever, s, t, base)
        cost_target += target_part
        cost_sender += sender_part
        items += lever_items
        read = basis if isinstance(lever, Restriction) else lever_basis
        if not isinstance(lever, Currency):  # a currency move reads holdings, no trade
            used.append(read)
        by_lever.append(
            {
                "lever": lever.kind,
                "basis": "holdings (no trade read)"
                if isinstance(lever, Currency)
                else f"{read.label} ({read.year})",
                "base_usd": base,
                "cost_target_usd": interval(target_part),
                "cost_sender_usd": interval(sender_part),
            }
        )
    # one basis for every lever: the result says it; else each lever's is in by_lever
    shown = used[0] if used and all(b == used[0] for b in used) else basis
    gdp_t, gdp_s = gdp(store, t, shown.year), gdp(store, s, shown.year)
    share_t = interval(cost_target / gdp_t.value_usd) if gdp_t else None
    share_s = interval(cost_sender / gdp_s.value_usd) if gdp_s else None
    denominators = {
        country: f"{found.source}, {found.year}"
        for country, found in ((t, gdp_t), (s, gdp_s))
        if found is not None
    }
    leverage = None
    if share_t and share_s and share_s["median"] > 0:
        leverage = share_t["median"] / share_s["median"]
    items.sort(key=lambda x: -abs(x["cost_target_usd"]) - abs(x.get("cost_sender_usd", 0.0)))
    restrictions = any(isinstance(lv, Restriction) for lv in scenario.levers)
    accounting = any(not isinstance(lv, Restriction) for lv in scenario.levers)
    restriction_model = "io network (CES)" if operators is not None else "partial equilibrium"
    label = " + ".join(
        m for m, used in ((restriction_model, restrictions), ("accounting", accounting)) if used
    )
    top_bound = dict(sorted(bound.items(), key=lambda kv: -kv[1])[:10])
    third = [
        {"country": c, "gain_usd": g} for c, g in sorted(gains.items(), key=lambda kv: -kv[1])[:10]
    ]
    return LeverResult(
        scenario.name,
        s,
        t,
        label,
        shown.label,
        shown.dataset,
        shown.year,
        draws,
        seed,
        interval(cost_target),
        interval(cost_sender),
        share_t,
        share_s,
        leverage,
        items[:20],
        by_lever,
        third,
        top_bound,
        denominators,
        warnings=coverage_warnings(store, basis),
        notes=notes,
        coalition=_pe_coalition(coalition, excluded, scenario, network=operators is not None),
        sender_side=[s],
    )


def _pe_coalition(
    coalition: Coalition, excluded: dict[str, float], scenario: Scenario, *, network: bool
) -> dict[str, Any]:
    exports = any(
        isinstance(lv, Restriction) and lv.direction == "export" for lv in scenario.levers
    )
    if not exports:
        return coalition_summary(
            coalition,
            "not applied: no export restriction here, and the coalition restricts exports "
            "to the target (an import restriction's buyer is the sender)",
            applied=False,
        )
    return coalition_summary(
        coalition,
        "no substitutes: their deliveries to the target stay as they are, outside the "
        "substitution nest" + ("" if network else ", and they take none of the diverted trade"),
        excluded=excluded,
    )
