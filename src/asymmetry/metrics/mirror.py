"""Mirror statistics: each side's customs against the other's.

Every flow can be declared twice: as an export by the origin and as an import
by the destination. The two rarely agree (CIF import values include freight
and insurance, goods in transit are attributed differently, and some
declarations are missing or misclassified), and the gap is informative in
itself. When a country stops publishing (Russia, 2022), its trade can be
rebuilt from its partners' declarations: its imports are what partners
report exporting to it, its exports what they report importing from it.

Needs declarations by reporter (`asymmetry ingest reported`, UN Comtrade
style); reconciled datasets like BACI hold one value per flow and have no
mirror to compare.

References: UN Statistics Division (2011) *International Merchandise Trade
Statistics: Concepts and Definitions 2010*, ch. on bilateral asymmetries;
Gaulier, G. and Zignago, S. (2010) "BACI", CEPII WP 2010-23, sec. 3.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

from asymmetry.errors import AsymmetryError, NoDataError
from asymmetry.metrics.coverage import dataset_coverage_warnings
from asymmetry.store.codes import resolve_country, resolve_pair
from asymmetry.store.store import Store


@dataclass(frozen=True, slots=True)
class MirrorGap:
    """Per product and direction: the exporter's and the importer's declaration."""

    a: str
    b: str
    year: int
    dataset: str
    table: pd.DataFrame  # direction, product, exports_declared_usd, imports_declared_usd, gap
    warnings: list[str] = field(default_factory=list)  # coverage (`metrics.coverage`)


@dataclass(frozen=True, slots=True)
class MirrorTrade:
    """A country's trade by partner, as it declared it and as its partners did."""

    country: str
    year: int
    dataset: str
    reports_imports: bool
    reports_exports: bool
    table: pd.DataFrame  # partner, imports_declared_usd, imports_mirror_usd, exports_...
    warnings: list[str] = field(default_factory=list)  # coverage (`metrics.coverage`)


def _reported_dataset(store: Store, year: int | None, dataset: str | None) -> tuple[str, int]:
    found = store.query(
        "SELECT f.source, f.year, count(*) AS n FROM flows f JOIN datasets d ON d.id = f.source "
        "WHERE d.kind = 'reported' AND ($dataset IS NULL OR f.source = $dataset) "
        "AND ($year IS NULL OR f.year = $year) GROUP BY ALL ORDER BY f.year DESC, n DESC",
        {"dataset": dataset, "year": year},
    )
    if found.empty:
        raise NoDataError(
            "mirror statistics need declarations by reporter (UN Comtrade "
            "style): load them with `asymmetry ingest reported FILE`"
            + (f"; none for {year}" if year else "")
        )
    return str(found["source"].iloc[0]), int(found["year"].iloc[0])


def mirror_gap(
    store: Store,
    a: str,
    b: str,
    *,
    year: int | None = None,
    dataset: str | None = None,
    digits: int = 6,
) -> MirrorGap:
    """Exports declared by the origin vs imports declared by the destination, both ways.

    ``gap_usd`` = imports declared - exports declared (positive is normal: CIF > FOB);
    ``ratio`` = imports declared / exports declared.
    """
    a, b = resolve_pair(a, b)
    if digits not in (2, 4, 6):
        raise AsymmetryError(f"digits must be 2, 4 or 6, not {digits}")
    chosen, year_used = _reported_dataset(store, year, dataset)
    table = store.query(
        f"""
        SELECT exporter || '->' || importer AS direction, substr(product, 1, {digits}) AS product,
               coalesce(sum(value_usd) FILTER (WHERE reporter = exporter), 0)
                   AS exports_declared_usd,
               coalesce(sum(value_usd) FILTER (WHERE reporter = importer), 0)
                   AS imports_declared_usd
        FROM flows
        WHERE source = $dataset AND year = $year
          AND ((exporter = $a AND importer = $b) OR (exporter = $b AND importer = $a))
        GROUP BY ALL
        """,
        {"dataset": chosen, "year": year_used, "a": a, "b": b},
    )
    if table.empty:
        raise NoDataError(
            f"neither {a} nor {b} declared trade with the other in {year_used} ({chosen})"
        )
    table["gap_usd"] = table["imports_declared_usd"] - table["exports_declared_usd"]
    table["ratio"] = table["imports_declared_usd"] / table["exports_declared_usd"].where(
        table["exports_declared_usd"] > 0
    )
    # largest discrepancies (either sign) first within each direction
    order = (
        table.assign(size=table["gap_usd"].abs())
        .sort_values(["direction", "size"], ascending=[True, False])
        .index
    )
    return MirrorGap(
        a,
        b,
        year_used,
        chosen,
        table.loc[order].reset_index(drop=True),
        dataset_coverage_warnings(store, [(chosen, year_used)]),
    )


def mirror_trade(
    store: Store, country: str, *, year: int | None = None, dataset: str | None = None
) -> MirrorTrade:
    """``country``'s trade with each partner: its own declarations next to the mirror."""
    iso = resolve_country(country)
    chosen, year_used = _reported_dataset(store, year, dataset)
    table = store.query(
        """
        SELECT CASE WHEN importer = $c THEN exporter ELSE importer END AS partner,
               sum(value_usd) FILTER (WHERE importer = $c AND reporter = $c)
                   AS imports_declared_usd,
               sum(value_usd) FILTER (WHERE importer = $c AND reporter = exporter)
                   AS imports_mirror_usd,
               sum(value_usd) FILTER (WHERE exporter = $c AND reporter = $c)
                   AS exports_declared_usd,
               sum(value_usd) FILTER (WHERE exporter = $c AND reporter = importer)
                   AS exports_mirror_usd
        FROM flows
        WHERE source = $dataset AND year = $year AND (importer = $c OR exporter = $c)
          AND exporter <> importer
        GROUP BY ALL ORDER BY coalesce(imports_mirror_usd, 0) + coalesce(exports_mirror_usd, 0)
                 + coalesce(imports_declared_usd, 0) + coalesce(exports_declared_usd, 0) DESC
        """,
        {"dataset": chosen, "year": year_used, "c": iso},
    )
    if table.empty:
        raise NoDataError(f"no declarations involving {iso} in {year_used} ({chosen})")
    return MirrorTrade(
        iso,
        year_used,
        chosen,
        bool(table["imports_declared_usd"].notna().any()),
        bool(table["exports_declared_usd"].notna().any()),
        table.reset_index(drop=True),
        dataset_coverage_warnings(store, [(chosen, year_used)]),
    )
