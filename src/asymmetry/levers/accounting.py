"""Accounting levers: price discounts, currency moves, payment friction.

These levers move money between the two sides without (in this first-order
accounting) changing what is traded, so their cost is exact arithmetic on
observed values, with no behavioural model:

- price discount d on the target's sales of a product set to the sender worth
  V (observed): the target loses ``d * V``, the sender gains it;
- currency move from e0 to e1 units of the sender's currency per USD (e.g. 6.3
  -> 7.0 CNY per USD) on the target's holdings H of that currency, valued in USD
  before the move: the target loses ``H * (1 - e0/e1)`` in USD and the issuer's
  liabilities shrink by as much (a gain to the sender);
- payment friction t on bilateral trade T in a product set (both directions):
  a deadweight cost ``t * T``, of which the target bears the share ``incidence``.

Second-round effects (lost volumes, re-routing, exchange-rate pass-through)
are not in these numbers; the trade-restriction models cover volume effects.
References: the seed papers' own arithmetic, e.g. Balzer (2021), Atlantic
Council, sec. 3.6 (yuan from 6.2-6.4 to 7 per USD, a loss of about $5 billion).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from asymmetry.errors import ScenarioError
from asymmetry.levers.partial_eq import restriction_costs
from asymmetry.levers.scenario import (
    Currency,
    Lever,
    PaymentFriction,
    PriceDiscount,
    ProductSet,
    Restriction,
    Scenario,
)
from asymmetry.levers.uncertainty import Interval, draw, interval, midpoint
from asymmetry.metrics.basis import Basis, SourceChoice, resolve_basis
from asymmetry.store.store import Store


@dataclass(frozen=True, slots=True)
class LeverResult:
    """Costs of a scenario to both sides (USD; positive = a loss), with intervals.

    ``cost_*_share`` divides by the country's value added in the ICIO 2022 network
    (a GDP proxy; None when the country is not one of its 80 economies).
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

    def to_dict(self) -> dict[str, Any]:
        return {k: getattr(self, k) for k in self.__dataclass_fields__}


def _product_filter(products: ProductSet, basis: Basis) -> tuple[str, dict[str, Any]]:
    """SQL condition on ``item`` selecting the product set in this basis."""
    if products.all_products:
        return "TRUE", {}
    if basis.source == "icio":
        if not products.sectors:
            raise ScenarioError(
                f"product set {products.label!r} names HS codes, but the data "
                "is the ICIO network (sectors); use a named group such as "
                "fuels, machinery, electrical, vehicles, or sector codes",
                field="products",
                value=products.label,
            )
        return "list_contains($items, item)", {"items": list(products.sectors)}
    if not products.hs:
        raise ScenarioError(
            f"product set {products.label!r} names ICIO sectors, but the data "
            "is goods flows (HS codes)",
            field="products",
            value=products.label,
        )
    # HS prefixes are digits only (checked by ProductSet.parse)
    return "regexp_matches(item, $pattern)", {"pattern": "^(" + "|".join(products.hs) + ")"}


def _flows_by_item(
    store: Store, basis: Basis, products: ProductSet, pairs: list[tuple[str, str]]
) -> pd.DataFrame:
    condition, params = _product_filter(products, basis)
    clauses = " OR ".join(f"(exporter = $e{i} AND importer = $i{i})" for i in range(len(pairs)))
    pair_params = {f"{k}{i}": v for i, (e, m) in enumerate(pairs) for k, v in (("e", e), ("i", m))}
    return store.query(
        f"SELECT exporter, importer, item, sum(value_usd) AS value_usd FROM ({basis.sql}) "
        f"WHERE ({clauses}) AND {condition} GROUP BY ALL ORDER BY value_usd DESC",
        {**basis.params, **params, **pair_params},
    )


def value_added(store: Store, country: str) -> float | None:
    """The country's value added in the ICIO 2022 network (USD), a GDP proxy."""
    value = store.scalar("SELECT sum(value_added_usd) FROM io_nodes WHERE country = ?", [country])
    return float(value) if value else None


def simulate(
    store: Store,
    scenario: Scenario,
    *,
    draws: int = 1000,
    seed: int = 0,
    source: SourceChoice = "auto",
    dataset: str | None = None,
) -> LeverResult:
    """Costs of the scenario's accounting levers to target and sender, with intervals."""
    if draws < 1:
        raise ScenarioError("draws must be at least 1", field="draws", value=draws)
    basis = resolve_basis(store, source=source, year=scenario.year, dataset=dataset)
    rng = np.random.default_rng(seed)
    s, t = scenario.sender, scenario.target
    cost_target, cost_sender = np.zeros(draws), np.zeros(draws)
    items: list[dict[str, Any]] = []
    by_lever: list[dict[str, Any]] = []
    gains: dict[str, float] = {}
    for lever in scenario.levers:
        if isinstance(lever, Restriction):
            target_part, sender_part, lever_items, base, lever_gains = restriction_costs(
                store, basis, lever, s, t, draws, rng, _product_filter(lever.products, basis)
            )
            for country, gain in lever_gains.items():
                gains[country] = gains.get(country, 0.0) + gain
        else:
            target_part, sender_part, lever_items, base = _lever_costs(
                store, basis, lever, s, t, draws, rng
            )
        cost_target += target_part
        cost_sender += sender_part
        items += lever_items
        by_lever.append(
            {
                "lever": lever.kind,
                "base_usd": base,
                "cost_target_usd": interval(target_part),
                "cost_sender_usd": interval(sender_part),
            }
        )
    va_t, va_s = value_added(store, t), value_added(store, s)
    share_t = interval(cost_target / va_t) if va_t else None
    share_s = interval(cost_sender / va_s) if va_s else None
    leverage = None
    if share_t and share_s and share_s["median"] > 0:
        leverage = share_t["median"] / share_s["median"]
    items.sort(key=lambda x: -abs(x["cost_target_usd"]) - abs(x.get("cost_sender_usd", 0.0)))
    restrictions = any(isinstance(lv, Restriction) for lv in scenario.levers)
    accounting = any(not isinstance(lv, Restriction) for lv in scenario.levers)
    model = " + ".join(
        m for m, used in (("partial equilibrium", restrictions), ("accounting", accounting)) if used
    )
    third = [
        {"country": c, "gain_usd": g} for c, g in sorted(gains.items(), key=lambda kv: -kv[1])[:10]
    ]
    return LeverResult(
        scenario.name,
        s,
        t,
        model,
        basis.label,
        basis.dataset,
        basis.year,
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
    )


def _lever_costs(
    store: Store,
    basis: Basis,
    lever: Lever,
    sender: str,
    target: str,
    n: int,
    rng: np.random.Generator,
) -> tuple[np.ndarray, np.ndarray, list[dict[str, Any]], float]:
    """(target cost draws, sender cost draws, per-item costs at midpoints, base USD)."""
    if isinstance(lever, Currency):
        ratio = draw(lever.from_rate, n, rng) / draw(lever.to_rate, n, rng)
        loss = lever.holdings_usd * (1 - ratio)
        mid = lever.holdings_usd * (1 - midpoint(lever.from_rate) / midpoint(lever.to_rate))
        item = {
            "lever": lever.kind,
            "item": "holdings in the sender's currency",
            "value_usd": lever.holdings_usd,
            "cost_target_usd": mid,
        }
        return loss, -loss, [item], lever.holdings_usd
    if isinstance(lever, PriceDiscount):
        flows = _flows_by_item(store, basis, lever.products, [(target, sender)])
        base = float(flows["value_usd"].sum())
        if base <= 0:
            raise ScenarioError(
                f"{target} sells nothing in {lever.products.label!r} to "
                f"{sender} in {basis.label} ({basis.year})",
                lever=lever.kind,
                field="products",
            )
        rate = draw(lever.discount, n, rng)
        mid = midpoint(lever.discount)
        lever_items = [
            {
                "lever": lever.kind,
                "item": r["item"],
                "value_usd": r["value_usd"],
                "cost_target_usd": mid * r["value_usd"],
            }
            for r in flows.head(20).to_dict("records")
        ]
        return rate * base, -rate * base, lever_items, base
    if isinstance(lever, PaymentFriction):
        flows = _flows_by_item(store, basis, lever.products, [(target, sender), (sender, target)])
        base = float(flows["value_usd"].sum())
        if base <= 0:
            raise ScenarioError(
                f"no trade between {sender} and {target} in {lever.products.label!r}",
                lever=lever.kind,
                field="products",
            )
        total = draw(lever.rate, n, rng) * base
        incidence = draw(lever.incidence, n, rng)
        mid = midpoint(lever.rate) * midpoint(lever.incidence)
        lever_items = [
            {
                "lever": lever.kind,
                "item": f"{r['exporter']}->{r['importer']} {r['item']}",
                "value_usd": r["value_usd"],
                "cost_target_usd": mid * r["value_usd"],
            }
            for r in flows.head(20).to_dict("records")
        ]
        return incidence * total, (1 - incidence) * total, lever_items, base
    raise ScenarioError(f"the accounting model does not handle {lever.kind}", lever=lever.kind)
