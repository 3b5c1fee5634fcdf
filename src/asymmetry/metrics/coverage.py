"""Coverage: how much of a year's trade a goods-flows dataset holds.

A result computed on a slice reads like a whole: on the 81-row BACI sample (one
HS6 product, one exporter) Korea is "100% of China's imports". Every result on
goods flows carries coverage warnings for its basis (none on a full year, and
none on ICIO or official aggregates, which are whole by construction).

A full BACI year holds about 5,000 HS6 products and 220 countries as exporter,
importer and (for declarations) reporter (CEPII BACI V202501); a dataset far
below either is a slice, whatever its rows.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import partial
from typing import Final

from asymmetry.metrics.basis import Basis
from asymmetry.store.store import Store

FULL_YEAR_PRODUCTS: Final = 5000
FULL_YEAR_COUNTRIES: Final = 220
# Below these a dataset is a slice of the year (a fifth of the products, a
# quarter of the countries): the threshold errs toward warning.
MIN_PRODUCTS: Final = FULL_YEAR_PRODUCTS // 5
MIN_COUNTRIES: Final = 50

# Plain SQL (one dataset and year a query) so that Spark runs it unchanged.
_COUNTS_SQL: Final = """
    SELECT (SELECT count(DISTINCT product) FROM flows
            WHERE source = $dataset AND year = $year) AS products,
           count(DISTINCT exporter) AS exporters,
           count(DISTINCT importer) AS importers,
           count(DISTINCT reporter) AS reporters
    FROM flow_pairs WHERE source = $dataset AND year = $year"""


@dataclass(frozen=True, slots=True)
class _Counts:
    """What one dataset holds for one year."""

    dataset: str
    year: int
    products: int
    exporters: int
    importers: int
    reporters: int  # 0 for reconciled datasets (BACI, tidy files)


def coverage_warnings(store: Store, basis: Basis) -> list[str]:
    """What the basis's dataset lacks of a full year, one sentence each ([] if nothing)."""
    if basis.source != "flows":
        return []
    return dataset_coverage_warnings(store, [(basis.dataset, basis.year)])


def dataset_coverage_warnings(store: Store, datasets: Iterable[tuple[str, int]]) -> list[str]:
    """Coverage warnings for results read from several (dataset, year) slices at once
    (a panel of years: the circumvention screen), one sentence per dataset and kind."""
    counts = []
    for dataset, year in sorted(set(datasets)):
        key = ("coverage_counts", dataset, year)
        counts.append(store.memo(key, partial(_count, store, dataset, year)))
    warnings: list[str] = []
    for dataset in dict.fromkeys(c.dataset for c in counts):
        warnings += _warnings([c for c in counts if c.dataset == dataset])
    return warnings


def _count(store: Store, dataset: str, year: int) -> _Counts:
    """One slice's counts: a scan of the year, kept while the store cannot change."""
    row = store.query(_COUNTS_SQL, {"dataset": dataset, "year": year}).iloc[0]
    return _Counts(dataset, year, *(int(row[k] or 0) for k in row.index))


def _warnings(counts: Sequence[_Counts]) -> list[str]:
    """One dataset's warnings; over several years each names the years it concerns."""
    where = f"{counts[0].dataset} holds"
    after = "shares and totals count only what it holds"
    found = []
    few_products = [c for c in counts if c.products < MIN_PRODUCTS]
    if few_products:
        found.append(
            f"coverage: {where} {_most(few_products, 'products')} product code(s) for "
            f"{_years(few_products)} (a full year has about {FULL_YEAR_PRODUCTS:,}); {after}"
        )
    few_countries = [c for c in counts if min(c.exporters, c.importers) < MIN_COUNTRIES]
    if few_countries:
        found.append(
            f"coverage: {where} {_most(few_countries, 'exporters')} exporting and "
            f"{_most(few_countries, 'importers')} importing countries for "
            f"{_years(few_countries)} (a full year has about {FULL_YEAR_COUNTRIES}); {after}"
        )
    few_reporters = [c for c in counts if 0 < c.reporters < MIN_COUNTRIES]
    if few_reporters:
        found.append(
            f"coverage: {where} the declarations of {_most(few_reporters, 'reporters')} "
            f"reporting countries for {_years(few_reporters)}; partners' mirror figures "
            "stand in for the others"
        )
    return found


def _most(counts: Sequence[_Counts], field: str) -> str:
    """The largest count over the years ("at most N" when the years differ)."""
    values = {getattr(c, field) for c in counts}
    return f"{max(values):,}" if len(values) == 1 else f"at most {max(values):,}"


def _years(counts: Sequence[_Counts]) -> str:
    """2023, or 2019-2021 for consecutive years, else 2019, 2021."""
    years = sorted(c.year for c in counts)
    if len(years) > 2 and years == list(range(years[0], years[-1] + 1)):
        return f"{years[0]}-{years[-1]}"
    return ", ".join(map(str, years))
