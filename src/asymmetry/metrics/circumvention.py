"""Circumvention screen: dual-use goods reaching a sanctioned country by new routes.

After a break (Russia, 2022), battlefield items on the Common High Priority
List that Western suppliers stopped shipping reappear as exports from third
countries, to the target directly or to its neighbours (re-export hubs). The
screen compares, for each (exporter, destination, item), the average yearly
value before the break with the average from the break on, and ranks by the
increase. It finds candidates for scrutiny, not proof: demand can rise for
other reasons, and re-exports are not observed directly.

References: Hilgenstock, B. et al. (2023) "Russia's Military Capacity and the
Role of Imported Components", KSE Institute; US BIS, Common High Priority List.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import pandas as pd

from asymmetry.errors import AsymmetryError, NoDataError
from asymmetry.metrics.basis import all_years_sql, chosen_datasets
from asymmetry.metrics.coverage import dataset_coverage_warnings
from asymmetry.store.codes import resolve_country
from asymmetry.store.products import chpl
from asymmetry.store.store import Store

# Russia's transit neighbours named in the sanctions-evasion literature
# (Eurasian Economic Union members, the Caucasus, Central Asia, Turkey).
DEFAULT_VIA: dict[str, tuple[str, ...]] = {
    "RUS": ("ARM", "KAZ", "KGZ", "BLR", "GEO", "UZB", "TJK", "AZE", "TUR"),
}


@dataclass(frozen=True, slots=True)
class Screen:
    target: str
    via: tuple[str, ...]
    break_year: int
    years_before: tuple[int, ...]
    years_after: tuple[int, ...]
    table: pd.DataFrame  # exporter, destination, route, product, tier, before/after/increase
    warnings: list[str] = field(default_factory=list)  # coverage (`metrics.coverage`)


def circumvention_screen(
    store: Store,
    target: str,
    *,
    break_year: int = 2022,
    via: Sequence[str] | None = None,
    window: int = 3,
    top: int | None = 50,
) -> Screen:
    """CHPL items whose exports to ``target`` (or its neighbours) rose after ``break_year``.

    ``window`` years before the break and up to ``window`` from it are averaged
    (a year without the flow counts as zero). Neighbours can be exporters too:
    Kazakhstan selling chips to Russia is a route.
    """
    iso = resolve_country(target)
    neighbours = tuple(
        resolve_country(v) for v in (via if via is not None else DEFAULT_VIA.get(iso, ()))
    )
    if iso in neighbours:
        raise AsymmetryError(f"{iso} cannot be its own neighbour (--via)")
    chosen = chosen_datasets(store)  # year -> the dataset read for it
    years = list(chosen)
    before = tuple(y for y in years if break_year - window <= y < break_year)
    after = tuple(y for y in years if break_year <= y < break_year + window)
    if not before or not after:
        raise NoDataError(
            f"the screen needs flows before and from {break_year}; years in "
            f"the store: {', '.join(map(str, years)) or 'none'}"
        )
    items = chpl()
    destinations = [iso, *neighbours]
    frame = store.query(
        f"""
        WITH t AS ({all_years_sql()}),
        hits AS (SELECT exporter, importer AS destination, product,
                        sum(value_usd) FILTER (WHERE year IN (SELECT unnest($before)))
                            / len($before) AS before_usd,
                        sum(value_usd) FILTER (WHERE year IN (SELECT unnest($after)))
                            / len($after) AS after_usd
                 FROM t
                 WHERE importer IN (SELECT unnest($dest)) AND exporter <> $target
                   AND product IN (SELECT unnest($items))
                 GROUP BY ALL)
        SELECT exporter, destination, product, coalesce(before_usd, 0) AS before_usd,
               coalesce(after_usd, 0) AS after_usd,
               coalesce(after_usd, 0) - coalesce(before_usd, 0) AS increase_usd,
               CASE WHEN coalesce(before_usd, 0) > 0 THEN coalesce(after_usd, 0) / before_usd
                    END AS ratio
        FROM hits WHERE coalesce(after_usd, 0) > coalesce(before_usd, 0)
        ORDER BY increase_usd DESC
        """,
        {
            "before": list(before),
            "after": list(after),
            "dest": destinations,
            "target": iso,
            "items": items["hs6"].tolist(),
        },
    )
    frame.insert(2, "route", ["direct" if d == iso else f"via {d}" for d in frame["destination"]])
    frame = frame.merge(items.rename(columns={"hs6": "product"}), on="product", how="left")
    if top is not None:
        frame = frame.head(top)
    warnings = dataset_coverage_warnings(store, [(chosen[y], y) for y in (*before, *after)])
    return Screen(
        iso, neighbours, break_year, before, after, frame.reset_index(drop=True), warnings
    )
