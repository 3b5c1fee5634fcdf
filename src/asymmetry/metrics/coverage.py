"""Coverage: how much of a year's trade a goods-flows dataset holds.

A result computed on a slice reads like a whole: on the 81-row BACI sample (one
HS6 product, one exporter) Korea is "100% of China's imports". Every result on
goods flows carries `coverage_warnings` for its basis (none on a full year).

A full BACI year holds about 5,000 HS6 products and 220 countries as exporter,
importer and (for declarations) reporter (CEPII BACI V202501); a dataset far
below either is a slice, whatever its rows.
"""

from __future__ import annotations

from typing import Final

from asymmetry.metrics.basis import Basis
from asymmetry.store.store import Store

FULL_YEAR_PRODUCTS: Final = 5000
FULL_YEAR_COUNTRIES: Final = 220
# Below these a dataset is a slice of the year (a fifth of the products, a
# quarter of the countries): the threshold errs toward warning.
MIN_PRODUCTS: Final = FULL_YEAR_PRODUCTS // 5
MIN_COUNTRIES: Final = 50

_COUNTS_SQL: Final = """
    SELECT (SELECT count(DISTINCT product) FROM flows
            WHERE source = $dataset AND year = $year) AS products,
           count(DISTINCT exporter) AS exporters,
           count(DISTINCT importer) AS importers,
           count(DISTINCT reporter) AS reporters
    FROM flow_pairs WHERE source = $dataset AND year = $year"""


def coverage_warnings(store: Store, basis: Basis) -> list[str]:
    """What the basis's dataset lacks of a full year, one sentence each ([] if nothing)."""
    if basis.source != "flows":
        return []
    row = store.query(_COUNTS_SQL, basis.params).iloc[0]
    products, exporters, importers, reporters = (int(row[k] or 0) for k in row.index)
    where = f"{basis.dataset} holds"
    after = "shares and totals count only what it holds"
    warnings = []
    if products < MIN_PRODUCTS:
        warnings.append(
            f"coverage: {where} {products:,} product code(s) for {basis.year} (a full year "
            f"has about {FULL_YEAR_PRODUCTS:,}); {after}"
        )
    if min(exporters, importers) < MIN_COUNTRIES:
        warnings.append(
            f"coverage: {where} {exporters:,} exporting and {importers:,} importing "
            f"countries for {basis.year} (a full year has about {FULL_YEAR_COUNTRIES}); {after}"
        )
    if reporters and reporters < MIN_COUNTRIES:
        warnings.append(
            f"coverage: {where} the declarations of {reporters:,} reporting countries for "
            f"{basis.year}; partners' mirror figures stand in for the others"
        )
    return warnings
