"""GDP for "% of GDP": the World Bank figure when fetched, else ICIO value added.

`asymmetry fetch gdp` stores World Bank GDP (current USD) as facts
(``gdp_usd``, USD bn). Offline, a country's value added in the embedded OECD
ICIO 2022 network stands in (value added summed over sectors is GDP at basic
prices). Every figure says where it came from.
"""

from __future__ import annotations

from dataclasses import dataclass

from asymmetry.errors import NoDataError
from asymmetry.metrics.basis import ICIO_YEAR
from asymmetry.store.codes import resolve_country
from asymmetry.store.store import Store

GDP_FACT = "gdp_usd"
WORLD_BANK = "World Bank, World Development Indicators (NY.GDP.MKTP.CD, GDP current US$)"
ICIO_PROXY = f"value added in the OECD ICIO {ICIO_YEAR} network (GDP proxy)"


@dataclass(frozen=True, slots=True)
class Gdp:
    value_usd: float
    year: int
    source: str


def gdp(store: Store, country: str, year: int | None = None) -> Gdp | None:
    """The World Bank GDP of ``country`` in ``year`` (latest if None; the nearest year
    fetched when that one is not, earlier on a tie: its year is in ``Gdp.year``), else
    ICIO value added. A report asks a dozen times: kept by `Store.memo` (read-only)."""
    iso3 = resolve_country(country)
    return store.memo(("gdp", iso3, year), lambda: _gdp(store, iso3, year))


def _gdp(store: Store, iso3: str, year: int | None) -> Gdp | None:
    row = store.query(
        """SELECT year, value FROM facts
           WHERE indicator = $fact AND country = $c AND unit = 'USD bn'
           ORDER BY CASE WHEN $year IS NULL THEN -year ELSE abs(year - $year) END, year
           LIMIT 1""",
        {"fact": GDP_FACT, "c": iso3, "year": year},
    )
    if not row.empty:
        return Gdp(float(row["value"].iloc[0]) * 1e9, int(row["year"].iloc[0]), WORLD_BANK)
    added = store.scalar(
        "SELECT sum(value_added_usd ORDER BY value_added_usd) FROM io_nodes WHERE country = ?",
        [iso3],
    )
    if added:
        return Gdp(float(added), ICIO_YEAR, ICIO_PROXY)
    return None


def gdp_usd(store: Store, country: str, year: int) -> tuple[float, str]:
    """GDP in USD and its source; `NoDataError` saying how to get one when there is none."""
    found = gdp(store, country, year)
    if found is None:
        iso3 = resolve_country(country)
        raise NoDataError(
            f"no GDP for {iso3} in {year}: run `asymmetry fetch gdp --countries {iso3} "
            f"--years {year}` (network) or load the ICIO network"
        )
    return found.value_usd, found.source
