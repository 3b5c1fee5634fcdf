"""Can B replace A's lost market? Lost volume, B's capacity, the gap, and the price cost.

The seed papers' gas arithmetic for Russia: 175-180 bcm a year went to Europe
at the 2018-19 peak; the pipelines to China carry 38 bcm (Power of Siberia)
and might add 50 (Power of Siberia 2); so B can take at most 88 and the gap is
87-92 bcm, and what China pays against what Europe paid sets what each cubic
metre moved east costs. Every input is a cited figure in the facts table
(volume, capacity and price indicators named below), so the answer is as good
as its sources and says which it used. Missing inputs raise `NoDataError`
naming the facts to add (`asymmetry ingest facts`).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

import pandas as pd

from asymmetry.errors import NoDataError
from asymmetry.store.codes import resolve_pair
from asymmetry.store.store import Store

VOLUME = "pipeline_gas_exports"  # bcm a year, by country -> partner
CAPACITY = "pipeline_capacity"  # bcm a year, one row per route (product names it)
PRICE = "gas_export_price"  # USD per 1000 m3
THOUSAND_M3_PER_BCM = 1e6


@dataclass(frozen=True, slots=True)
class Replacement:
    """A's lost market, what B can take, the gap (bcm a year) and the price difference."""

    country: str
    partner: str
    lost_market: str
    product: str
    lost_bcm: dict[str, float]  # value, low, high
    lost_period: str
    capacity_bcm: float
    routes: list[dict[str, Any]]  # each capacity fact: route, bcm, source
    gap_bcm: dict[str, float]  # lost - capacity: value, low, high
    volumes: list[dict[str, Any]]  # A -> B volumes by year and source
    latest_bcm: float | None  # A -> B in the latest year cited
    unused_capacity_bcm: float | None
    price: dict[str, Any] | None  # year, to_partner, to_lost_market, per year cost (USD)
    sources: list[str]

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


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
    if lost.empty:
        raise NoDataError(
            f"no cited figure of {a}'s pipeline gas exports to {lost_market} (facts "
            f"indicator {VOLUME}); add one with `asymmetry ingest facts`"
        )
    routes = _facts(store, CAPACITY, a, b)
    if routes.empty:
        raise NoDataError(
            f"no cited pipeline capacity from {a} to {b} (facts indicator {CAPACITY})"
        )
    peak = lost.loc[lost["value"].idxmax()]
    value = _number(peak["value"])
    low = _number(peak["low"]) if pd.notna(peak["low"]) else value
    high = _number(peak["high"]) if pd.notna(peak["high"]) else value
    lost_bcm = {"value": value, "low": low, "high": high}
    capacity = float(routes["value"].sum())
    gap = {k: v - capacity for k, v in lost_bcm.items()}
    flows = _facts(store, VOLUME, a, b).dropna(subset=["year"])
    volumes = [
        {"year": int(r["year"]), "bcm": float(r["value"]), "source": str(r["source"])}
        for r in flows.to_dict("records")
    ]
    latest = _number(flows.loc[flows["year"].idxmax(), "value"]) if not flows.empty else None
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
            {"route": str(r["product"]), "bcm": float(r["value"]), "source": str(r["source"])}
            for r in routes.to_dict("records")
        ],
        gap,
        volumes,
        latest,
        None if latest is None else capacity - latest,
        _price_difference(store, a, b, lost_market, str(peak["product"]), flows, sources),
        sorted(set(sources)),
    )


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
