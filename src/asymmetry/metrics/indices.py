"""Classic bilateral trade indices for a pair, from one `Basis`.

- Trade intensity (WITS definition): ``T_ab = (x_ab / X_a) / (M_b / M_w)``, A's
  exports to B as a share of A's exports, over B's imports as a share of world
  imports; above 1, A sells to B more than B's size in world trade predicts.
- Trade complementarity (Michaely 1996): ``C_ab = 1 - sum_k |m_bk - x_ak| / 2``,
  where m_bk is product k's share of B's imports and x_ak its share of A's
  exports; 1 = A exports exactly what B imports, 0 = nothing in common.
  (WITS reports it times 100.)
- Export concentration: Herfindahl index of a country's exports over products,
  and its normalised form ``(H - 1/N) / (1 - 1/N)`` for N products.

References: Michaely, M. (1996) "Trade preferential agreements in Latin
America: an ex-ante assessment", World Bank Policy Research WP 1583; World
Integrated Trade Solution, "Trade Indicators" (trade intensity, complementarity).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

from asymmetry.errors import NoDataError
from asymmetry.metrics.basis import SourceChoice, resolve_basis
from asymmetry.metrics.coverage import coverage_warnings
from asymmetry.store.codes import resolve_pair
from asymmetry.store.store import Store


@dataclass(frozen=True, slots=True)
class PairIndices:
    a: str
    b: str
    year: int
    basis: str
    dataset: str
    intensity_a_to_b: float | None
    intensity_b_to_a: float | None
    complementarity_a_exports_b_imports: float
    complementarity_b_exports_a_imports: float
    export_hhi_a: float
    export_hhi_b: float
    export_hhi_normalised_a: float
    export_hhi_normalised_b: float
    warnings: list[str] = field(default_factory=list)  # coverage (`metrics.coverage`)
    notes: list[str] = field(default_factory=list)  # why this basis (`Basis.notes`)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def pair_indices(
    store: Store,
    a: str,
    b: str,
    *,
    year: int | None = None,
    source: SourceChoice = "auto",
    dataset: str | None = None,
) -> PairIndices:
    """Trade intensity both ways, complementarity both ways, export concentration."""
    a, b = resolve_pair(a, b)
    basis = resolve_basis(store, source=source, year=year, dataset=dataset, countries=(a, b))
    row = store.con.execute(
        f"""
        WITH t AS ({basis.sql}),
        world AS (SELECT sum(value_usd) AS w FROM t),
        tot AS (SELECT
            sum(value_usd) FILTER (WHERE exporter = $a) AS xa,
            sum(value_usd) FILTER (WHERE exporter = $b) AS xb,
            sum(value_usd) FILTER (WHERE importer = $a) AS ma,
            sum(value_usd) FILTER (WHERE importer = $b) AS mb,
            sum(value_usd) FILTER (WHERE exporter = $a AND importer = $b) AS xab,
            sum(value_usd) FILTER (WHERE exporter = $b AND importer = $a) AS xba
            FROM t),
        by_product AS (SELECT item,
            sum(value_usd) FILTER (WHERE exporter = $a) AS xa,
            sum(value_usd) FILTER (WHERE exporter = $b) AS xb,
            sum(value_usd) FILTER (WHERE importer = $a) AS ma,
            sum(value_usd) FILTER (WHERE importer = $b) AS mb
            FROM t WHERE exporter IN ($a, $b) OR importer IN ($a, $b) GROUP BY item),
        shares AS (SELECT coalesce(p.xa, 0) / tot.xa AS sxa, coalesce(p.xb, 0) / tot.xb AS sxb,
                          coalesce(p.ma, 0) / tot.ma AS sma, coalesce(p.mb, 0) / tot.mb AS smb
                   FROM by_product p, tot)
        SELECT tot.xa, tot.xb, tot.ma, tot.mb, tot.xab, tot.xba, world.w,
               1 - sum(abs(smb - sxa)) / 2, 1 - sum(abs(sma - sxb)) / 2,
               sum(sxa * sxa), sum(sxb * sxb),
               count(*) FILTER (WHERE sxa > 0), count(*) FILTER (WHERE sxb > 0)
        FROM shares, tot, world GROUP BY ALL
        """,
        {**basis.params, "a": a, "b": b},
    ).fetchone()
    if row is None or not row[0] or not row[1] or not row[2] or not row[3]:
        raise NoDataError(
            f"{a} and {b} both need exports and imports in {basis.label} "
            f"({basis.dataset}, {basis.year})"
        )
    xa, xb, ma, mb, xab, xba, world, c_ab, c_ba, ha, hb, na, nb = row
    xab, xba = xab or 0.0, xba or 0.0

    def normalised(h: float, n: int) -> float:
        return (h - 1 / n) / (1 - 1 / n) if n > 1 else 1.0

    return PairIndices(
        a,
        b,
        basis.year,
        basis.label,
        basis.dataset,
        (xab / xa) / (mb / world),
        (xba / xb) / (ma / world),
        float(c_ab),
        float(c_ba),
        float(ha),
        float(hb),
        normalised(float(ha), int(na)),
        normalised(float(hb), int(nb)),
        coverage_warnings(store, basis),
        list(basis.notes),
    )
