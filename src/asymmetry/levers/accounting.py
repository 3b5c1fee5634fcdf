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
  a deadweight cost ``t * T``, shared on each flow by the standard tax-incidence
  rule: the importer bears ``e_s / (e_s + e_d)`` (export-supply elasticity e_s,
  import-demand elasticity e_d), the exporter ``e_d / (e_s + e_d)``, so the split
  follows who trades what, not which side is called the target (Fullerton, D. and
  Metcalf, G. E. (2002) "Tax Incidence", Handbook of Public Economics vol. 4, sec. 2).

Second-round effects (lost volumes, re-routing, exchange-rate pass-through)
are not in these numbers; the trade-restriction models cover volume effects.
References: the seed papers' own arithmetic, e.g. Balzer (2021), Atlantic
Council, sec. 3.6 (yuan from 6.2-6.4 to 7 per USD, a loss of about $5 billion).
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pandas as pd

from asymmetry.errors import ScenarioError
from asymmetry.levers.scenario import (
    Currency,
    Lever,
    PaymentFriction,
    PriceDiscount,
    ProductSet,
)
from asymmetry.levers.uncertainty import draw, midpoint
from asymmetry.metrics.basis import Basis
from asymmetry.store.store import Store


def product_filter(products: ProductSet, basis: Basis) -> tuple[str, dict[str, Any]]:
    """SQL condition on ``item`` selecting the product set in this basis."""
    if products.all_products or basis.source == "aggregates":
        return "TRUE", {}  # official aggregates hold the lever's product group only
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
    condition, params = product_filter(products, basis)
    clauses = " OR ".join(f"(exporter = $e{i} AND importer = $i{i})" for i in range(len(pairs)))
    pair_params = {f"{k}{i}": v for i, (e, m) in enumerate(pairs) for k, v in (("e", e), ("i", m))}
    return store.query(
        f"SELECT exporter, importer, item, sum(value_usd ORDER BY value_usd) AS value_usd "
        f"FROM ({basis.sql}) "
        f"WHERE ({clauses}) AND {condition} GROUP BY ALL "
        "ORDER BY value_usd DESC, exporter, importer, item",
        {**basis.params, **params, **pair_params},
    )


def accounting_costs(
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
        # exact (correctly rounded) sums: the same numbers whatever order rows come in
        to_target = math.fsum(flows.loc[flows["importer"] == target, "value_usd"])
        to_sender = math.fsum(flows.loc[flows["importer"] == sender, "value_usd"])
        base = to_target + to_sender
        if base <= 0:
            raise ScenarioError(
                f"no trade between {sender} and {target} in {lever.products.label!r}",
                lever=lever.kind,
                field="products",
            )
        rate = draw(lever.rate, n, rng)
        e_d, e_s = draw(lever.demand_elasticity, n, rng), draw(lever.supply_elasticity, n, rng)
        importer_share = e_s / (e_s + e_d)
        exporter_share = e_d / (e_s + e_d)
        # each side: as importer of one flow plus as exporter of the other (a + b, so
        # swapping sender and target adds the same two terms: costs mirror exactly)
        cost_target = (rate * importer_share) * to_target + (rate * exporter_share) * to_sender
        cost_sender = (rate * importer_share) * to_sender + (rate * exporter_share) * to_target
        e_d_mid, e_s_mid = midpoint(lever.demand_elasticity), midpoint(lever.supply_elasticity)
        mid_importer = e_s_mid / (e_s_mid + e_d_mid)
        lever_items = [
            {
                "lever": lever.kind,
                "item": f"{r['exporter']}->{r['importer']} {r['item']}",
                "value_usd": r["value_usd"],
                "cost_target_usd": midpoint(lever.rate)
                * (mid_importer if r["importer"] == target else 1 - mid_importer)
                * r["value_usd"],
            }
            for r in flows.head(20).to_dict("records")
        ]
        return cost_target, cost_sender, lever_items, base
    raise ScenarioError(f"the accounting model does not handle {lever.kind}", lever=lever.kind)
