"""Relief counterfactual: would restoring trade with third parties reduce A's dependence on B?

The Clingendael paper's policy question. After a break (Russia, 2022), A's
trade with a group of partners (the EU and the G7) fell and B took its place.
Restore a share ``r`` of what each partner of the group lost (``r * max(before
- now, 0)``, per partner and direction; partners whose trade grew are left as
they are), keep everything else as it is now, and recompute B's share of A's
imports and exports. ``r = 0`` gives today's shares; ``r = 1`` puts every
group member back at its pre-break level.

Pair sums come from the store's `flow_pairs` (via `Basis.pairs_sql`), one
dataset per year, as every other metric.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from typing import Any

import pandas as pd

from asymmetry.errors import AsymmetryError, NoDataError
from asymmetry.metrics.basis import resolve_basis
from asymmetry.metrics.coverage import dataset_coverage_warnings
from asymmetry.store.codes import resolve_country, resolve_pair
from asymmetry.store.store import Store

# Members as of 2020 onwards (the EU after the UK left on 31 January 2020).
EU27 = (
    "AUT", "BEL", "BGR", "HRV", "CYP", "CZE", "DNK", "EST", "FIN", "FRA", "DEU", "GRC", "HUN",
    "IRL", "ITA", "LVA", "LTU", "LUX", "MLT", "NLD", "POL", "PRT", "ROU", "SVK", "SVN", "ESP",
    "SWE",
)  # fmt: skip
G7 = ("CAN", "FRA", "DEU", "ITA", "JPN", "GBR", "USA")
PARTNER_GROUPS: dict[str, tuple[str, ...]] = {
    "EU": EU27,
    "G7": G7,
    "EU+G7": tuple(dict.fromkeys(EU27 + G7)),
}


def partner_group(spec: str | Sequence[str]) -> tuple[str, ...]:
    """A named group (EU, G7, EU+G7) or a comma list of countries, as ISO3."""
    if isinstance(spec, str):
        if spec.upper() in PARTNER_GROUPS:
            return PARTNER_GROUPS[spec.upper()]
        spec = [s for s in spec.split(",") if s.strip()]
    members = tuple(dict.fromkeys(resolve_country(s.strip()) for s in spec))
    if not members:
        raise AsymmetryError(
            f"empty partner group; name one of {', '.join(PARTNER_GROUPS)} or list countries"
        )
    return members


@dataclass(frozen=True, slots=True)
class Relief:
    """B's share of A's imports and exports before, now, and with relief (fractions)."""

    country: str
    partner: str
    group: tuple[str, ...]
    restored: float
    before_year: int
    year: int
    dataset_before: str
    dataset: str
    shares_before: dict[str, float]
    shares_now: dict[str, float]
    shares_relief: dict[str, float]
    group_usd: dict[str, float]  # group trade before / now / with relief, by direction
    warnings: list[str] = field(default_factory=list)  # coverage (`metrics.coverage`)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def _trade_by_partner(store: Store, country: str, year: int) -> tuple[pd.DataFrame, str]:
    """A's imports and exports by partner in ``year`` (USD)."""
    basis = resolve_basis(store, source="flows", year=year)
    frame = store.query(
        f"""SELECT CASE WHEN importer = $c THEN exporter ELSE importer END AS partner,
                   sum(CASE WHEN importer = $c THEN value_usd ELSE 0 END) AS imports,
                   sum(CASE WHEN exporter = $c THEN value_usd ELSE 0 END) AS exports
            FROM ({basis.pairs_sql}) WHERE importer = $c OR exporter = $c GROUP BY 1""",
        {**basis.params, "c": country},
    )
    return frame.set_index("partner"), basis.dataset


def relief(
    store: Store,
    country: str,
    partner: str,
    *,
    group: str | Sequence[str] = "EU+G7",
    restored: float = 1.0,
    before_year: int = 2021,
    year: int | None = None,
) -> Relief:
    """B's share of A's trade if ``restored`` of A's lost trade with ``group`` came back.

    ``before_year`` is the last year before the break; ``year`` the year to
    restore into (default: the latest year of goods flows).
    """
    a, b = resolve_pair(country, partner)
    if not 0.0 <= restored <= 1.0:
        raise AsymmetryError(f"restored must be a share in [0, 1], got {restored}")
    members = tuple(m for m in partner_group(group) if m not in (a, b))
    if not store.scalar("SELECT count(*) > 0 FROM (SELECT 1 FROM flow_pairs LIMIT 1)"):
        raise NoDataError(
            "the store holds no goods flows (the ICIO network has one year); ingest BACI "
            "or Comtrade flows (`asymmetry ingest baci FILE`)"
        )
    year = resolve_basis(store, source="flows", year=year).year
    if year <= before_year:
        raise AsymmetryError(
            f"the year to restore into ({year}) must come after the pre-break year "
            f"({before_year}); ingest later flows or pick an earlier --before-year"
        )
    before, dataset_before = _trade_by_partner(store, a, before_year)
    now, dataset = _trade_by_partner(store, a, year)
    shares: dict[str, dict[str, float]] = {"before": {}, "now": {}, "relief": {}}
    group_usd: dict[str, float] = {}
    for label, frame, y in (("before", before, before_year), ("now", now, year)):
        if frame.empty or not frame["imports"].sum() or not frame["exports"].sum():
            raise NoDataError(f"{a} has no recorded imports or exports in {y} ({label} the break)")
    for side in ("imports", "exports"):
        then = before[side].reindex(list(members), fill_value=0.0)
        today = now[side].reindex(list(members), fill_value=0.0)
        added = float((restored * (then - today).clip(lower=0.0)).sum())
        from_b_before = float(before[side].get(b, 0.0))
        from_b_now = float(now[side].get(b, 0.0))
        shares["before"][side] = from_b_before / float(before[side].sum())
        shares["now"][side] = from_b_now / float(now[side].sum())
        shares["relief"][side] = from_b_now / (float(now[side].sum()) + added)
        group_usd |= {
            f"{side}_before": float(then.sum()),
            f"{side}_now": float(today.sum()),
            f"{side}_relief": float(today.sum()) + added,
        }
    return Relief(
        a,
        b,
        members,
        restored,
        before_year,
        year,
        dataset_before,
        dataset,
        {f"b_in_a_{k}": v for k, v in shares["before"].items()},
        {f"b_in_a_{k}": v for k, v in shares["now"].items()},
        {f"b_in_a_{k}": v for k, v in shares["relief"].items()},
        group_usd,
        dataset_coverage_warnings(store, [(dataset_before, before_year), (dataset, year)]),
    )
