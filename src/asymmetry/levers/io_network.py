"""Trade restrictions propagated through the ICIO 2022 network (hypothetical extraction).

A restriction cuts intermediate deliveries ``C`` (USD) from the exporting
side's nodes to the importing side's nodes. The cost travels two ways:

- **upstream**: the sellers lose sales ``d = C 1``; with final demand unchanged
  the Leontief quantity model gives the output they and their suppliers lose,
  ``L d`` with ``L = (I - T)^-1``, ``T = flows / output`` (column shares);
- **downstream**: the buyers lose inputs ``c = 1' C``.

Two cases bracket the outcome:

*No-substitution bound*: nothing replaces the cut. Sellers lose all of ``d``;
buyers lose output one-for-one with missing inputs and pass the loss on, by
the Ghosh supply model, ``c' G`` with ``G = (I - B)^-1``, ``B = flows / output``
(row shares).

*CES substitution case*: buyers re-source from other suppliers at a higher
price: losing a share theta of inputs raises the input price index by
``(1 - theta)**(-1/(sigma - 1))``; deliveries from a coalition that itself
restricts those goods to the buyer (`asymmetry.metrics.coalitions`) are no
substitutes and stay outside the nest, so theta = lost / (inputs - theirs); the
unit-cost rise (times the intermediate cost share) passes downstream through the
Leontief price model
``dp = (I - T')^-1 cost`` and output falls with demand elasticity eta,
``x (1 - (1 + dp)**-eta)``. Sellers sell ``1 - income_share`` of the lost sales
elsewhere, so only ``income_share * d`` propagates upstream.

Both use first-order (linear) propagation: one LU factorisation per inverse
serves every Monte Carlo draw. For small cuts the CES downstream loss is about
``eta / (sigma - 1)`` of the bound's, so with sigma - 1 >= eta (the default
ranges) the bound is the larger. Value added lost = output lost times each
node's value-added share. Losses are capped at each node's output.

References: Miller, R. E. and Blair, P. D. (2009) *Input-Output Analysis*, 2nd
ed., ch. 12 (hypothetical extraction) and sec. 12.2 (Ghosh); Dietzenbacher, E.
(1997) "In vindication of the Ghosh model", J. Regional Science 37(4);
Feenstra (1994) for the CES price index.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
import scipy.linalg

from asymmetry.errors import ScenarioError
from asymmetry.levers.scenario import Restriction
from asymmetry.levers.uncertainty import draw, midpoint
from asymmetry.metrics.coalitions import Coalition
from asymmetry.store.ingest_icio import IcioMatrices, icio_matrices
from asymmetry.store.store import Store

MAX_CUT = 0.999


@dataclass(frozen=True, slots=True)
class NetworkOperators:
    """The network's matrices and LU factors, computed once per store and reused."""

    m: IcioMatrices
    country: np.ndarray  # node -> ISO3
    country_index: np.ndarray  # node -> position in m.countries
    sector: np.ndarray  # node -> sector code
    va_share: np.ndarray  # value added / output
    cost_share: np.ndarray  # intermediate inputs / output
    inputs: np.ndarray  # intermediate inputs bought, USD
    leontief: tuple[np.ndarray, np.ndarray]  # LU of I - T
    ghosh: tuple[np.ndarray, np.ndarray]  # LU of I - B
    price: tuple[np.ndarray, np.ndarray]  # LU of I - T'

    @classmethod
    def build(cls, m: IcioMatrices) -> NetworkOperators:
        n = len(m.output)
        x = m.output
        t = m.technical()
        with np.errstate(divide="ignore", invalid="ignore"):
            b = np.where(x[:, None] > 0, m.flows / x[:, None], 0.0)  # Ghosh allocation shares
        eye = np.eye(n)
        cost_share = t.sum(axis=0)
        return cls(
            m,
            m.node_countries(),
            np.arange(n) % m.n_countries,
            m.node_sectors(),
            np.where(x > 0, 1.0 - cost_share, 0.0),
            cost_share,
            m.flows.sum(axis=0),
            scipy.linalg.lu_factor(eye - t, check_finite=False),
            scipy.linalg.lu_factor(eye - b, check_finite=False),
            scipy.linalg.lu_factor(eye - t.T, check_finite=False),
        )

    def cut(self, lever: Restriction, sender: str, target: str) -> tuple[np.ndarray, np.ndarray]:
        """What the restriction removes at fraction 1 (USD): each seller's lost sales
        (``C 1``) and each buyer's lost inputs (``1' C``)."""
        seller, buyer = (sender, target) if lever.direction == "export" else (target, sender)
        for c in (seller, buyer):
            if c not in self.m.countries:
                raise ScenarioError(
                    f"{c} is not one of the {self.m.n_countries} ICIO economies", lever=lever.kind
                )
        products = (
            np.ones(len(self.sector), bool)
            if lever.products.all_products
            else np.isin(self.sector, lever.products.sectors)
        )
        if not products.any():
            raise ScenarioError(
                f"product set {lever.products.label!r} names no ICIO sector",
                lever=lever.kind,
                field="products",
            )
        rows = np.flatnonzero((self.country == seller) & products)
        cols = np.flatnonzero(self.country == buyer)
        block = self.m.flows[np.ix_(rows, cols)]
        if not block.any():
            raise ScenarioError(
                f"{seller} sells no intermediate inputs in {lever.products.label!r} to {buyer}",
                lever=lever.kind,
            )
        lost_sales = np.zeros(len(self.sector))
        lost_inputs = np.zeros(len(self.sector))
        lost_sales[rows] = block.sum(axis=1)
        lost_inputs[cols] = block.sum(axis=0)
        return lost_sales, lost_inputs

    def held_inputs(
        self, lever: Restriction, sender: str, target: str, coalition: Coalition | None
    ) -> tuple[np.ndarray, dict[str, float]]:
        """Inputs each target node buys from coalition members in sectors they restrict
        (USD; export restrictions only: their buyer is the target), and the total by member."""
        held = np.zeros(len(self.sector))
        if coalition is None or not coalition.scopes or lever.direction != "export":
            return held, {}
        products = (
            np.ones(len(self.sector), bool)
            if lever.products.all_products
            else np.isin(self.sector, lever.products.sectors)
        )
        closed = products & (self.country != sender) & (self.country != target)
        rows = np.flatnonzero(closed)
        rows = rows[coalition.mask(pd.Series(self.country[rows]), pd.Series(self.sector[rows]))]
        cols = np.flatnonzero(self.country == target)
        if not len(rows):
            return held, {}
        block = self.m.flows[np.ix_(rows, cols)]
        held[cols] = block.sum(axis=0)
        by_member = np.bincount(
            self.country_index[rows], weights=block.sum(axis=1), minlength=self.m.n_countries
        )
        return held, {
            str(c): float(v) for c, v in zip(self.m.countries, by_member, strict=True) if v > 0
        }

    def bound_output_loss(self, lost_sales: np.ndarray, lost_inputs: np.ndarray) -> np.ndarray:
        """Output lost by node, no substitution (upstream Leontief + downstream Ghosh)."""
        up = scipy.linalg.lu_solve(self.leontief, lost_sales, check_finite=False)
        down = scipy.linalg.lu_solve(self.ghosh, lost_inputs, trans=1, check_finite=False)
        loss: np.ndarray = np.minimum(up + down, self.m.output)
        return loss

    def ces_output_loss(
        self,
        lost_sales: np.ndarray,
        lost_inputs: np.ndarray,
        fraction: np.ndarray,
        sigma: np.ndarray,
        eta: np.ndarray,
        income_share: np.ndarray,
        held_inputs: np.ndarray | None = None,
    ) -> np.ndarray:
        """Output lost by node (nodes x draws) with substitution (see module doc)."""
        nest = self.inputs if held_inputs is None else self.inputs - held_inputs
        with np.errstate(divide="ignore", invalid="ignore"):
            theta = np.where(nest > 0, lost_inputs / nest, 0.0)
        share = np.minimum(theta[:, None] * fraction[None, :], MAX_CUT)
        price_index = (1.0 - share) ** (-1.0 / (sigma[None, :] - 1.0))
        dp = scipy.linalg.lu_solve(
            self.price, self.cost_share[:, None] * (price_index - 1.0), check_finite=False
        )
        down = self.m.output[:, None] * (1.0 - (1.0 + dp) ** (-eta[None, :]))
        up = scipy.linalg.lu_solve(
            self.leontief,
            lost_sales[:, None] * (fraction * income_share)[None, :],
            check_finite=False,
        )
        loss: np.ndarray = np.minimum(up + down, self.m.output[:, None])
        return loss


def network_operators(store: Store) -> NetworkOperators:
    """The stored network's operators, built once per read-only connection (`Store.memo`):
    three LU factorisations of the ~3,600-node system take seconds, and every network
    lever on the same data reuses them."""
    return store.memo(("network_operators",), lambda: NetworkOperators.build(icio_matrices(store)))


def network_costs(
    ops: NetworkOperators,
    lever: Restriction,
    sender: str,
    target: str,
    n: int,
    rng: np.random.Generator,
    coalition: Coalition | None = None,
) -> tuple[np.ndarray, np.ndarray, dict[str, float], float, list[dict[str, Any]], dict[str, float]]:
    """Value added lost (draws) by target and sender in the CES case, the bound by country.

    Returns (target draws, sender draws, {country: bound value added lost, USD}, base,
    the 20 country-sectors losing most value added, {coalition member: its deliveries
    held out of the nest, USD}), base being the value of the deliveries cut at fraction 1.
    """
    lost_sales, lost_inputs = ops.cut(lever, sender, target)
    held, held_by_member = ops.held_inputs(lever, sender, target, coalition)
    fraction = draw(lever.fraction, n, rng)
    ces = ops.ces_output_loss(
        lost_sales,
        lost_inputs,
        fraction,
        draw(lever.sigma, n, rng),
        draw(lever.eta, n, rng),
        draw(lever.income_share, n, rng),
        held,
    )
    ces *= ops.va_share[:, None]
    scale = midpoint(lever.fraction)
    bound = ops.bound_output_loss(lost_sales * scale, lost_inputs * scale) * ops.va_share
    totals = np.bincount(ops.country_index, weights=bound, minlength=ops.m.n_countries)
    by_country = {c: float(v) for c, v in zip(ops.m.countries, totals, strict=True)}
    median = np.median(ces, axis=1)
    items = [
        {
            "lever": lever.kind,
            "item": f"{ops.country[k]} {ops.sector[k]}",
            "country": str(ops.country[k]),
            "va_loss_usd": float(median[k]),
            "bound_va_loss_usd": float(bound[k]),
            "cost_target_usd": float(median[k]) if ops.country[k] == target else 0.0,
            "cost_sender_usd": float(median[k]) if ops.country[k] == sender else 0.0,
        }
        for k in np.argsort(-median)[:20]
    ]
    return (
        ces[ops.country == target].sum(axis=0),
        ces[ops.country == sender].sum(axis=0),
        by_country,
        float(lost_sales.sum()),
        items,
        held_by_member,
    )
