"""Partial-equilibrium cost of trade restrictions, product by product.

The importing side buys each product from several suppliers, combined with a
constant elasticity of substitution sigma (Armington). If a supplier with
share theta of the importer's purchases withdraws a fraction f of them, the
price index of the product rises by

    P1 / P0 = (1 - f * theta) ** (-1 / (sigma - 1))

(Feenstra 1994; Arkolakis, Costinot and Rodriguez-Clare 2012): the same
formula that values new varieties values lost ones. With a constant price
elasticity eta of the importer's demand for the product, its loss of consumer
surplus (compensating variation) on imports M is

    M / (1 - eta) * ((P1/P0) ** (1 - eta) - 1)     (M * ln(P1/P0) when eta = 1).

Spending moves to the other suppliers: their sales become
``M * (P1/P0)**(1-eta) * (1-theta) / (1-f*theta)``, shared among them in
proportion to their current sales (who gains). The exporting side loses
``f * sales`` of revenue, of which ``income_share`` is lost income (the rest is
sold elsewhere or redeployed).

Suppliers that themselves restrict exports to the importer (the coalition,
`asymmetry.metrics.coalitions`) are no substitutes: their sales stay as they are,
outside the nest, so the nest is the importer's purchases from everyone else,
``M' = M - coalition sales``, the withdrawn supplier's share in it is
``theta' = sales / M'``, and only suppliers outside the coalition take the
diverted trade. The substitution capacity, ``M' - sales``, falls by exactly the
coalition's sales. (This holds for export restrictions, whose importer is the
target; an import restriction's importer is the sender, whose suppliers no
coalition against the target restricts.)

A product the importer buys only from the restricting supplier has no
substitute in this model (theta = 1, f = 1 gives an infinite price); the cut is
capped at 99.9% of its purchases (``MAX_CUT``), so such products count as a
price rise of 10**(3/(sigma-1)) (5.6x for sigma = 5), and are flagged.

References: Feenstra, R. C. (1994) "New Product Varieties and the Measurement
of International Prices", AER 84(1); Arkolakis, C., Costinot, A. and
Rodriguez-Clare, A. (2012) "New Trade Models, Same Old Gains?", AER 102(1).
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from asymmetry.errors import ScenarioError
from asymmetry.levers.scenario import Restriction
from asymmetry.levers.uncertainty import draw, midpoint
from asymmetry.metrics.basis import Basis
from asymmetry.metrics.coalitions import Coalition
from asymmetry.store.store import Store

MAX_CUT = 0.999


def price_ratio(theta: np.ndarray, fraction: np.ndarray, sigma: np.ndarray) -> np.ndarray:
    """CES price index after a supplier with share ``theta`` withdraws ``fraction``."""
    cut = np.minimum(fraction * theta, MAX_CUT)
    ratio: np.ndarray = (1.0 - cut) ** (-1.0 / (sigma - 1.0))
    return ratio


def consumer_loss(imports: np.ndarray, ratio: np.ndarray, eta: np.ndarray) -> np.ndarray:
    """Compensating variation for a price rise ``ratio`` with demand elasticity ``eta``."""
    near_one = np.abs(eta - 1.0) < 1e-9
    safe_eta = np.where(near_one, 2.0, eta)  # any value: replaced below
    general = imports / (1.0 - safe_eta) * (ratio ** (1.0 - safe_eta) - 1.0)
    loss: np.ndarray = np.where(near_one, imports * np.log(ratio), general)
    return loss


def restriction_costs(
    store: Store,
    basis: Basis,
    lever: Restriction,
    sender: str,
    target: str,
    n: int,
    rng: np.random.Generator,
    product_filter: tuple[str, dict[str, Any]],
    coalition: Coalition | None = None,
) -> tuple[np.ndarray, np.ndarray, list[dict[str, Any]], float, dict[str, float], dict[str, float]]:
    """(target cost draws, sender cost draws, items, base USD, third-country gains,
    coalition sales held out of the nest by member, USD)."""
    importer, exporter = (target, sender) if lever.direction == "export" else (sender, target)
    condition, params = product_filter
    flows = store.query(
        f"""
        SELECT item, exporter AS supplier, sum(value_usd ORDER BY value_usd) AS value_usd
        FROM ({basis.sql}) WHERE importer = $importer AND {condition}
          AND item IN (SELECT item FROM ({basis.sql})
                       WHERE importer = $importer AND exporter = $exporter AND {condition})
        GROUP BY ALL ORDER BY item, supplier""",
        {**basis.params, **params, "importer": importer, "exporter": exporter},
    )
    if flows.empty:
        raise ScenarioError(
            f"{exporter} sells nothing in {lever.products.label!r} to "
            f"{importer} in {basis.label} ({basis.year})",
            lever=lever.kind,
            field="products",
        )
    held = _coalition_rows(flows, coalition, exporter) if lever.direction == "export" else None
    excluded: dict[str, float] = {}
    if held is not None and held.any():
        kept = flows[held]
        excluded = {
            str(k): float(v)
            for k, v in kept.groupby("supplier")["value_usd"].sum().sort_values().items()
        }
        flows = flows[~held]
    totals = flows.groupby("item")["value_usd"].sum()
    restricted = flows[flows["supplier"] == exporter].set_index("item")["value_usd"]
    items = totals.index.to_numpy()
    imports = totals.to_numpy()[:, None]  # products x 1
    hit = restricted.reindex(totals.index).to_numpy()[:, None]
    theta = hit / imports
    fraction = draw(lever.fraction, n, rng)[None, :]
    sigma = draw(lever.sigma, n, rng)[None, :]
    eta = draw(lever.eta, n, rng)[None, :]
    income_share = draw(lever.income_share, n, rng)[None, :]
    ratio = price_ratio(theta, fraction, sigma)
    importer_loss = consumer_loss(imports, ratio, eta).sum(axis=0)
    exporter_loss = (income_share * fraction * hit).sum(axis=0)
    target_cost, sender_cost = (
        (importer_loss, exporter_loss)
        if lever.direction == "export"
        else (exporter_loss, importer_loss)
    )

    # Items and third-country gains at the parameters' midpoints.
    mid = {k: np.array([[midpoint(getattr(lever, k))]]) for k in ("fraction", "sigma", "eta")}
    mid_ratio = price_ratio(theta, mid["fraction"], mid["sigma"])
    mid_loss = consumer_loss(imports, mid_ratio, mid["eta"])[:, 0]
    others_after = (
        imports
        * mid_ratio ** (1 - mid["eta"])
        * (1 - theta)
        / (1 - np.minimum(mid["fraction"] * theta, MAX_CUT))
    )[:, 0]
    diverted = pd.Series(others_after - (imports - hit)[:, 0], index=totals.index)
    others = flows[flows["supplier"] != exporter].copy()
    others["share"] = others["value_usd"] / others.groupby("item")["value_usd"].transform("sum")
    others["gain"] = others["share"] * others["item"].map(diverted)
    gains = others.groupby("supplier")["gain"].sum().sort_values(ascending=False)
    mid_income = midpoint(lever.income_share) * midpoint(lever.fraction) * hit[:, 0]
    importer_is_target = lever.direction == "export"
    item_rows: list[dict[str, Any]] = [
        {
            "lever": lever.kind,
            "item": str(item),
            "value_usd": float(h),
            "partner_share": float(t),
            "no_other_supplier": bool(t >= 1.0),
            "cost_target_usd": float(loss if importer_is_target else income),
            "cost_sender_usd": float(income if importer_is_target else loss),
        }
        for item, h, t, loss, income in zip(
            items, hit[:, 0], theta[:, 0], mid_loss, mid_income, strict=True
        )
    ]
    item_rows.sort(key=lambda r: -(r["cost_target_usd"] + r["cost_sender_usd"]))
    return (
        target_cost,
        sender_cost,
        item_rows[:20],
        float(np.nansum(hit)),
        {str(k): float(v) for k, v in gains.head(10).items()},
        dict(sorted(excluded.items(), key=lambda kv: (-kv[1], kv[0]))),
    )


def _coalition_rows(flows: pd.DataFrame, coalition: Coalition | None, exporter: str) -> Any:
    """Boolean mask of the flows whose supplier restricts that item (not the exporter)."""
    if coalition is None or not coalition.scopes:
        return None
    mask = coalition.mask(flows["supplier"], flows["item"])
    return pd.Series(mask & (flows["supplier"] != exporter).to_numpy(), index=flows.index)
