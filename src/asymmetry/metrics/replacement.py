"""Can B replace A's lost market? Lost volume, B's capacity, the gap, and the price cost.

The seed papers' gas arithmetic for Russia: 175-180 bcm a year went to Europe
at the 2018-19 peak; the pipeline to China in service carries 38 bcm (Power of
Siberia), so the gap is 137-142 bcm; Power of Siberia 2 (50 bcm) is planned,
not built, and would cut it to 87-92 bcm. Built and planned capacity are kept
apart (`IN_SERVICE`). What China pays against what Europe paid sets what each
cubic metre moved east costs. Every input is a cited figure in the facts table
(volume, capacity and price indicators named below), so the answer is as good
as its sources and says which it used. Missing inputs raise `NoDataError`
naming the facts to add (`asymmetry ingest facts`).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

import pandas as pd

from asymmetry.errors import NoDataError, NotApplicableError
from asymmetry.metrics.official import standing
from asymmetry.store.codes import resolve_pair
from asymmetry.store.store import Store

VOLUME = "pipeline_gas_exports"  # bcm a year, by country -> partner
CAPACITY = "pipeline_capacity"  # bcm a year, one row per route (product names it)
PRICE = "gas_export_price"  # USD per 1000 m3
THOUSAND_M3_PER_BCM = 1e6
# Routes carrying gas today (lower-case route name -> since when); a cited route not
# listed is counted as planned. Power of Siberia: first gas 2 December 2019 (Gazprom;
# the RIA Novosti / TASS rows of the packaged aggregates). Power of Siberia 2 and the
# Far Eastern route had no gas flowing as of 2024.
IN_SERVICE: dict[str, int] = {"power of siberia": 2019, "power of siberia 1": 2019}


@dataclass(frozen=True, slots=True)
class Replacement:
    """A's lost market, what B can take, the gap (bcm a year) and the price difference."""

    country: str
    partner: str
    lost_market: str
    product: str
    lost_bcm: dict[str, float]  # value, low, high
    lost_period: str
    capacity_bcm: float  # routes in service only
    routes: list[dict[str, Any]]  # each capacity fact: route, bcm, status, source
    gap_bcm: dict[str, float]  # lost - capacity in service: value, low, high
    volumes: list[dict[str, Any]]  # A -> B volumes by year and source
    latest_bcm: float | None  # A -> B in the latest year cited
    unused_capacity_bcm: float | None
    price: dict[str, Any] | None  # year, to_partner, to_lost_market, per year cost (USD)
    sources: list[str]
    planned_bcm: float = 0.0  # routes cited but not built
    gap_with_planned_bcm: dict[str, float] | None = None  # if every planned route were built

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @property
    def planned_routes(self) -> list[dict[str, Any]]:
        return [r for r in self.routes if r["status"] == "planned"]


def _facts(store: Store, indicator: str, country: str, partner: str) -> pd.DataFrame:
    return store.query(
        """SELECT product, year, period, value, low, high, unit, source, locator, quote
           FROM facts WHERE indicator = $i AND country = $c AND partner = $p
           ORDER BY year NULLS LAST, source""",
        {"i": indicator, "c": country, "p": partner},
    )


def market_replacement(
    store: Store, country: str, partner: str, *, lost_market: str = "Europe"
) -> Replacement:
    """How much of ``country``'s lost gas market ``partner`` can take (see module doc)."""
    a, b = resolve_pair(country, partner)
    lost = _facts(store, VOLUME, a, lost_market)
    if lost.empty and not store.scalar(
        "SELECT count(*) FROM facts WHERE indicator = $i AND country = $c", {"i": VOLUME, "c": a}
    ):
        raise NotApplicableError(
            f"the question is asked of pipeline gas, the market Russia lost in Europe; no "
            f"pipeline gas exports of {a} are cited (facts indicator {VOLUME}), so it does "
            "not apply to its trade"
        )
    if lost.empty:
        raise NoDataError(
            f"no cited figure of {a}'s pipeline gas exports to {lost_market} (facts "
            f"indicator {VOLUME}); add one with `asymmetry ingest facts`"
        )
    routes = _one_per_route(_facts(store, CAPACITY, a, b))
    if routes.empty:
        raise NoDataError(
            f"no cited pipeline capacity from {a} to {b} (facts indicator {CAPACITY})"
        )
    peak = lost.loc[lost["value"].idxmax()]
    value = _number(peak["value"])
    low = _number(peak["low"]) if pd.notna(peak["low"]) else value
    high = _number(peak["high"]) if pd.notna(peak["high"]) else value
    lost_bcm = {"value": value, "low": low, "high": high}
    built = routes["product"].astype(str).str.strip().str.lower().isin(list(IN_SERVICE))
    capacity = float(routes.loc[built, "value"].sum())
    planned = float(routes.loc[~built, "value"].sum())
    gap = {k: v - capacity for k, v in lost_bcm.items()}
    flows = _facts(store, VOLUME, a, b).dropna(subset=["year"])
    volumes = _one_per_year(flows)
    latest = volumes[-1]["bcm"] if volumes else None
    sources = sorted({str(peak["source"]), *routes["source"].astype(str)})
    return Replacement(
        a,
        b,
        lost_market,
        str(peak["product"]),
        lost_bcm,
        str(peak["period"]),
        capacity,
        [
            {
                "route": str(r["product"]),
                "bcm": float(r["value"]),
                "status": "in service" if is_built else "planned",
                "source": str(r["source"]),
            }
            for r, is_built in zip(routes.to_dict("records"), built, strict=True)
        ],
        gap,
        volumes,
        latest,
        None if latest is None else capacity - latest,
        _price_difference(store, a, b, lost_market, str(peak["product"]), flows, sources),
        sorted(set(sources)),
        planned,
        {k: v - planned for k, v in gap.items()} if planned else None,
    )


def _one_per_year(flows: pd.DataFrame) -> list[dict[str, Any]]:
    """One volume per year: the best-standing source's figure (an agency over a statement
    over a commentator), with how many sources report the year; a year's partial figures
    ("2019-12") are not the year's."""
    annual = flows[flows["period"].isna() | (flows["period"] == flows["year"].astype(str))]
    out = []
    for _, rows in annual.groupby("year", sort=True):
        tiers = rows["source"].astype(str).map(lambda s: standing(s).tier)
        best = rows.assign(_tier=tiers).sort_values(["_tier", "source"], kind="stable").iloc[0]
        out.append(
            {
                "year": int(best["year"]),
                "bcm": float(best["value"]),
                "source": str(best["source"]),
                "reports": len(rows),
            }
        )
    return out


def _one_per_route(routes: pd.DataFrame) -> pd.DataFrame:
    """One capacity per route: two sources citing Power of Siberia's 38 bcm are one pipe,
    not two. The better-standing source is kept (`asymmetry.metrics.official.standing`)."""
    if routes.empty:
        return routes
    key = routes["product"].astype(str).str.strip().str.lower()
    tier = routes["source"].astype(str).map(lambda s: standing(s).tier)
    ranked = routes.assign(_route=key, _tier=tier).sort_values(["_tier", "source"], kind="stable")
    kept = ranked.drop_duplicates("_route").sort_index()
    return kept.drop(columns=["_route", "_tier"])


def _number(value: Any) -> float:
    return float(value)


def _price_difference(
    store: Store,
    a: str,
    b: str,
    lost_market: str,
    product: str,
    volumes: pd.DataFrame,
    sources: list[str],
) -> dict[str, Any] | None:
    """Price to B vs to the lost market in the latest year both are cited, and what the
    difference costs A a year on that year's volume to B (positive = A earns less)."""
    to_b = _facts(store, PRICE, a, b)
    to_lost = _facts(store, PRICE, a, lost_market)
    to_b = to_b[to_b["product"] == product]
    to_lost = to_lost[to_lost["product"] == product]
    years = sorted(set(to_b["year"].dropna()) & set(to_lost["year"].dropna()))
    if not years:
        return None
    year = years[-1]
    p_b = float(to_b.loc[to_b["year"] == year, "value"].iloc[0])
    p_lost = float(to_lost.loc[to_lost["year"] == year, "value"].iloc[0])
    in_year = volumes[volumes["year"] == year]
    volume = float(in_year["value"].iloc[0]) if not in_year.empty else None
    sources += sorted(set(to_b["source"].astype(str)) | set(to_lost["source"].astype(str)))
    return {
        "year": int(year),
        "unit": "USD per 1000 m3",
        "to_partner": p_b,
        "to_lost_market": p_lost,
        "difference": p_lost - p_b,
        "volume_bcm": volume,
        "cost_usd": None if volume is None else (p_lost - p_b) * volume * THOUSAND_M3_PER_BCM,
    }
