"""Product-level dependence: what A buys from B, and how replaceable B is.

For every product A imports from B, the table answers the seed papers' "no
good substitutes" claim with numbers: B's share of A's imports, how
concentrated A's suppliers are, how dominant B is in world exports, and how
much the rest of the world exports compared with what A buys from B.

Columns (money in USD, shares as fractions):

``imports_usd``            A's imports of the product from the world
``from_partner_usd``       ... of which from B
``partner_share``          from_partner_usd / imports_usd
``supplier_hhi``           Herfindahl index of A's suppliers of the product
``partner_world_share``    B's share of world exports of the product
``world_hhi``              Herfindahl index of world exporters of the product
``alternative_capacity``   world exports excluding A, B and the coalition (the states
                           that themselves restrict exports of the product to A,
                           `asymmetry.metrics.coalitions`; default: the packaged, cited
                           list), divided by A's imports from B (1 = the rest of the
                           world exports exactly what A would have to replace; below 1
                           it cannot be replaced at all)
``import_export_ratio``    A's imports / A's exports of the product (9999 when A
                           exports none): above 1, A cannot fall back on its producers
``ec_2021``                European Commission (2021) criteria 1 and 3 for one
                           country: supplier_hhi > 0.4 and import_export_ratio > 1
                           (criterion 2, the import share of demand, needs domestic
                           output and is not applied)
``geodep``                 CEPII GeoDep criteria 1-3: supplier_hhi > 0.4, world_hhi >
                           0.4 and import_export_ratio > 1 (criterion 4, persistence over
                           years, is left to the reader of several years' tables)
``chpl_tier``              tier(s) of the Common High Priority List items in the product
``end_use``                BEC end-use class (capital, intermediate, consumption, mixed)
``dependence``             partner_share / (1 + alternative_capacity): the share of A's
                           needs met by B, discounted by how easily others could cover
                           them; 1 = everything from B and nobody else exports it

References: European Commission (2021) "Strategic dependencies and capacities",
SWD(2021) 352; Lefebvre, K. and Wibaux, P. (2024) "Import dependencies: where
does the EU stand?", CEPII Policy Brief 47 (GeoDep).
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import partial
from typing import Any, Literal

import pandas as pd

from asymmetry.errors import AsymmetryError, NoDataError
from asymmetry.metrics.basis import (
    FETCH_HINT,
    NEEDS_GOODS_FLOWS,
    Basis,
    Source,
    SourceChoice,
    resolve_basis,
)
from asymmetry.metrics.coalitions import ALIASES, Coalition, resolve_coalition
from asymmetry.metrics.coverage import coverage_warnings
from asymmetry.store.codes import hs_sections_frame, resolve_country
from asymmetry.store.products import bec_end_use_frame, chpl
from asymmetry.store.store import Store

Level = Literal["hs6", "hs4", "hs2"]
LEVELS: dict[str, int] = {"hs6": 6, "hs4": 4, "hs2": 2}
HHI_THRESHOLD = 0.4  # EC (2021) and GeoDep
NO_EXPORTS_RATIO = 9999.0  # GeoDep's value when the importer exports none

COLUMNS = (
    "product",
    "name",
    "imports_usd",
    "from_partner_usd",
    "partner_share",
    "supplier_hhi",
    "partner_world_share",
    "world_hhi",
    "alternative_capacity",
    "import_export_ratio",
    "ec_2021",
    "geodep",
    "chpl_tier",
    "end_use",
    "dependence",
)


def _item_sql(basis: Basis, digits: int) -> str:
    """The product at ``digits`` as SQL: ICIO sectors and HS6 codes as stored, else the
    code's first digits."""
    return "item" if basis.source == "icio" or digits == 6 else f"substr(item, 1, {digits})"


def dependence_sql(basis: Basis, *, digits: int, pair_filter: bool) -> str:
    """One query for every (importer, exporter, product), optionally one pair.

    With ``pair_filter`` the parameters ``$a`` (importer) and ``$b`` (exporter)
    select one pair, and only the flows of the products the pair trades are
    aggregated.
    """
    # HS6 goods flows are unique per (importer, exporter, product) within a
    # dataset (checked at ingest), so they need no re-aggregation.
    unique_keys = basis.source == "icio" or digits == 6
    item = _item_sql(basis, digits)
    where = "WHERE b.importer = $a AND b.exporter = $b" if pair_filter else ""
    rows = f"SELECT exporter, importer, {item} AS product, value_usd AS v FROM ({basis.sql})"
    # Every aggregate below is per product, so one pair needs only the flows of the
    # products it trades: the year is scanned, but only those flows are materialised
    # and grouped (a few per cent of a BACI year for most pairs; 10x faster).
    flows = (
        f"""t_all AS ({rows}),
    t AS (SELECT * FROM t_all WHERE product IN
          (SELECT product FROM t_all WHERE importer = $a AND exporter = $b))"""
        if pair_filter
        else f"t AS ({rows})"
    )
    return f"""
    WITH {flows},
    bil AS MATERIALIZED ({
        "SELECT * FROM t"
        if unique_keys
        else "SELECT importer, exporter, product, sum(v) AS v FROM t GROUP BY ALL"
    }),
    imp AS (SELECT importer, product, sum(v) AS imports_usd,
                   sum(v * v) / (sum(v) * sum(v)) AS supplier_hhi
            FROM bil GROUP BY ALL),
    exp AS (SELECT exporter, product, sum(v) AS exports_usd FROM bil GROUP BY ALL),
    wld AS (SELECT product, sum(exports_usd) AS world_usd,
                   sum(exports_usd * exports_usd) / (sum(exports_usd) * sum(exports_usd))
                       AS world_hhi
            FROM exp GROUP BY ALL),
    -- each exporter's sales with its product's world totals (small: one row per
    -- exporter and product), so the big join below is key-to-key only
    sup AS MATERIALIZED (SELECT e.exporter, e.product, e.exports_usd, w.world_usd, w.world_hhi
            FROM exp e JOIN wld w ON w.product = e.product)
    SELECT b.importer, b.exporter, b.product,
           imp.imports_usd,
           b.v AS from_partner_usd,
           b.v / imp.imports_usd AS partner_share,
           imp.supplier_hhi,
           eb.exports_usd / eb.world_usd AS partner_world_share,
           eb.world_hhi,
           -- greatest(): the subtraction can round to -1e-11 when A and B are the
           -- only exporters
           greatest(eb.world_usd - eb.exports_usd - coalesce(ea.exports_usd, 0), 0) / b.v
               AS alternative_capacity,
           CASE WHEN coalesce(ea.exports_usd, 0) > 0 THEN imp.imports_usd / ea.exports_usd
                ELSE {NO_EXPORTS_RATIO} END AS import_export_ratio
    FROM bil b
    JOIN imp ON imp.importer = b.importer AND imp.product = b.product
    JOIN sup eb ON eb.exporter = b.exporter AND eb.product = b.product
    LEFT JOIN exp ea ON ea.exporter = b.importer AND ea.product = b.product
    {where}"""


@contextmanager
def written_join_order(store: Store) -> Iterator[None]:
    """Run `dependence_sql` with its joins in the written order.

    DuckDB infers ``imp.product = sup.product`` from the join keys and, on
    BACI-scale data, joins those two first on product alone (126M rows for
    9M flows, 5x slower). Every join as written is key-to-key. Other engines
    (Spark) plan the query themselves.
    """
    if store.engine != "duckdb":
        yield
        return
    store.con.execute("SET disabled_optimizers = 'join_order'")
    try:
        yield
    finally:
        store.con.execute("RESET disabled_optimizers")


@dataclass(frozen=True, slots=True)
class Dependencies:
    """Products ``country`` imports from ``on``, most dependent first (see module doc)."""

    country: str
    on: str
    year: int
    source: Source
    basis: str
    dataset: str
    level: str
    table: pd.DataFrame
    warnings: list[str] = field(default_factory=list)  # coverage (`metrics.coverage`)
    ladder: list[str] = field(default_factory=list)  # why this basis (`Basis.notes`)
    # who was kept out of the alternative capacity, and how much (USD, world exports)
    coalition: dict[str, Any] = field(default_factory=dict)

    @property
    def notes(self) -> list[str]:
        """Why this basis answers, and what the table cannot show on it (ICIO: sectors)."""
        why = (
            f"HS-level product tables need goods flows of both countries; get them with "
            f"{FETCH_HINT}"
            if self.ladder
            else NEEDS_GOODS_FLOWS  # (the store holds none)
        )
        sectors = [f"ICIO sectors only, not products: {why}"]
        return [*self.ladder, *(sectors if self.source == "icio" else [])]

    def scarce(self) -> pd.DataFrame:
        """Rows that cannot be replaced by this measure: the rest of the world exports
        less than the importer buys from the partner (alternative capacity below 1)."""
        return self.table[self.table["alternative_capacity"] < 1]

    def to_frame(self) -> pd.DataFrame:
        return self.table.copy()

    def to_dict(self) -> dict[str, Any]:
        items = [
            {k: None if _missing(v) else v for k, v in row.items()}
            for row in self.table.to_dict("records")
        ]
        return {
            "country": self.country,
            "on": self.on,
            "year": self.year,
            "source": self.source,
            "basis": self.basis,
            "dataset": self.dataset,
            "level": self.level,
            "notes": self.notes,
            "warnings": self.warnings,
            "coalition": self.coalition,
            "items": items,
        }


def _missing(value: object) -> bool:
    return value is None or (isinstance(value, float) and value != value)  # NaN


def dependencies(
    store: Store,
    country: str,
    *,
    on: str,
    year: int | None = None,
    level: Level | None = None,
    source: SourceChoice = "auto",
    dataset: str | None = None,
    top: int | None = 50,
    min_value_usd: float = 0.0,
    coalition: str | Sequence[str] | None = None,
) -> Dependencies:
    """What ``country`` imports from ``on``, product by product (see module doc).

    ``coalition``: the states whose exports do not count as alternative capacity
    (they restrict exports to ``country``): None or "auto" = the packaged, cited
    list, by product; "none"; or countries and groups ("eu,g7,CHE"), every product.

    Rows with imports from ``on`` below ``min_value_usd`` are dropped; the
    rest are sorted by ``dependence`` (ties: larger imports first).

    Examples
    --------
    >>> dependencies(store, "RUS", on="CHN", level="hs4", top=10)  # doctest: +SKIP
    """
    a, b = resolve_country(country), resolve_country(on)
    if a == b:
        raise AsymmetryError(f"a country cannot depend on itself ({a})")
    if level is not None and level not in LEVELS:
        raise AsymmetryError(f"unknown level {level!r}; use one of {', '.join(LEVELS)}")
    # HS detail asked for: goods flows or an error naming what they lack, never ICIO sectors
    ladder = (a, b) if level is None else ()
    basis = resolve_basis(store, source=source, year=year, dataset=dataset, countries=ladder)
    if basis.source == "icio" and level is not None:
        raise NoDataError(NEEDS_GOODS_FLOWS)
    level = level or "hs6"  # on ICIO the level is the sector, whatever is asked
    members = resolve_coalition(coalition, target=a, exclude=(b,))
    # The whole ranked table, whatever ``top``: the dashboard asks for one pair's table
    # at several lengths (page, API, CSV), and a read-only store keeps it (`Store.memo`).
    key = (
        "dependencies", a, b, basis.source, basis.dataset, basis.year, level, min_value_usd,
        tuple(sorted((m, tuple(s) if s is not None else None) for m, s in members.scopes.items())),
    )  # fmt: skip
    frame, held = store.memo(
        key, partial(_ranked, store, a, b, basis, level, min_value_usd, members)
    )
    if top is not None:
        frame = frame.head(top)
    return Dependencies(
        a,
        b,
        basis.year,
        basis.source,
        basis.label,
        basis.dataset,
        level if basis.source == "flows" else "icio sector",
        frame[list(COLUMNS)].reset_index(drop=True),
        coverage_warnings(store, basis),
        list(basis.notes),
        {
            **members.to_dict(),
            "excluded_usd": held,
            "excluded_total_usd": float(sum(sorted(held.values()))),
        },
    )


def _ranked(
    store: Store,
    a: str,
    b: str,
    basis: Basis,
    level: Level,
    min_value_usd: float,
    members: Coalition,
) -> tuple[pd.DataFrame, dict[str, float]]:
    """Every product ``a`` imports from ``b`` on ``basis``, annotated, most dependent first,
    with the coalition's exports out of the alternative capacity (and those, by member)."""
    if store.engine == "duckdb" and basis.source == "flows":
        frame = _pair_rows(store, a, b, basis, digits=LEVELS[level])
    else:
        sql = dependence_sql(basis, digits=LEVELS[level], pair_filter=True)
        with written_join_order(store):
            frame = store.query(sql, {**basis.params, "a": a, "b": b})
    if frame.empty:
        raise NoDataError(
            f"{a} imports nothing from {b} in {basis.label} ({basis.dataset}, {basis.year})"
        )
    frame = frame[frame["from_partner_usd"] >= min_value_usd].drop(columns=["importer", "exporter"])
    frame, held = _without_coalition(store, basis, frame, members, digits=LEVELS[level])
    frame = _annotate(store, frame, basis, level)
    return frame.sort_values(["dependence", "from_partner_usd"], ascending=False), held


def world_exports(store: Store, basis: Basis, *, digits: int) -> pd.DataFrame:
    """Each product's world exports (USD) and exporters' Herfindahl index in the basis,
    indexed by product: the part of `dependence_sql` that needs the whole year, computed
    once per dataset, year and level on a read-only store (a few thousand rows)."""
    item = _item_sql(basis, digits)

    def compute() -> pd.DataFrame:
        frame = store.query(
            f"""WITH e AS (SELECT exporter, {item} AS product, sum(value_usd) AS v
                           FROM ({basis.sql}) GROUP BY ALL)
                SELECT product, sum(v) AS world_usd,
                       sum(v * v) / (sum(v) * sum(v)) AS world_hhi
                FROM e GROUP BY product ORDER BY product""",
            basis.params,
        )
        frame = frame.set_index("product")
        # build the index's lookup table now, before request threads share the frame
        # (pandas fills it lazily; concurrent first lookups race: pandas #21150, #28439)
        frame.index.get_indexer(frame.index[:1])
        assert frame.index.is_unique  # one row per product, by the GROUP BY
        return frame

    return store.memo(("world_exports", basis.dataset, basis.year, digits), compute)


def _pair_rows(store: Store, a: str, b: str, basis: Basis, *, digits: int) -> pd.DataFrame:
    """`dependence_sql`'s rows for one pair (importer ``a``, exporter ``b``) on goods flows.

    Only what ``a`` buys (every supplier) and what ``a`` and ``b`` sell are read; the
    world totals come from `world_exports`, kept per dataset. The columns and formulas are
    those of `dependence_sql` (and its brute-force test); a first dependence table of a
    pair costs a scan of the year's importer and exporter columns instead of grouping
    every flow of the products the pair trades (10x faster on a 2M-row year).
    """
    item = _item_sql(basis, digits)
    params = {**basis.params, "a": a, "b": b}
    bought = store.query(
        f"""WITH s AS (SELECT exporter, {item} AS product, sum(value_usd) AS v
                       FROM ({basis.sql}) WHERE importer = $a GROUP BY ALL)
            SELECT product, sum(v) AS imports_usd,
                   sum(v) FILTER (WHERE exporter = $b) AS from_partner_usd,
                   sum(v * v) / (sum(v) * sum(v)) AS supplier_hhi
            FROM s GROUP BY product HAVING count(*) FILTER (WHERE exporter = $b) > 0
            ORDER BY product""",
        params,
    )
    sold = store.query(
        f"""SELECT exporter, {item} AS product, sum(value_usd) AS v
            FROM ({basis.sql}) WHERE exporter IN ($a, $b) GROUP BY ALL""",
        params,
    )
    by_seller = sold.pivot_table(index="product", columns="exporter", values="v", aggfunc="sum")
    frame = bought.join(world_exports(store, basis, digits=digits), on="product")

    def sales(country: str) -> pd.Series:
        found = by_seller[country] if country in by_seller else pd.Series(dtype=float)
        return frame["product"].map(found).fillna(0.0)

    partner, own = sales(b), sales(a)
    frame.insert(0, "importer", a)
    frame.insert(1, "exporter", b)
    frame["partner_share"] = frame["from_partner_usd"] / frame["imports_usd"]
    frame["partner_world_share"] = partner / frame["world_usd"]
    # clip: the subtraction can round to -1e-11 when A and B are the only exporters
    rest = (frame["world_usd"] - partner - own).clip(lower=0.0)
    frame["alternative_capacity"] = rest / frame["from_partner_usd"]
    frame["import_export_ratio"] = (frame["imports_usd"] / own.where(own > 0)).fillna(
        NO_EXPORTS_RATIO
    )
    return frame[
        ["importer", "exporter", "product", "imports_usd", "from_partner_usd", "partner_share",
         "supplier_hhi", "partner_world_share", "world_hhi", "alternative_capacity",
         "import_export_ratio"]
    ]  # fmt: skip


def _without_coalition(
    store: Store, basis: Basis, frame: pd.DataFrame, coalition: Coalition, *, digits: int
) -> tuple[pd.DataFrame, dict[str, float]]:
    """The frame with each coalition member's world exports of a product it restricts
    taken out of the alternative capacity; and those exports by member (USD)."""
    if frame.empty or not coalition.scopes:
        return frame, {}
    exporters = sorted({a for m in coalition.scopes for a in (m, *ALIASES.get(m, ()))})
    item = _item_sql(basis, digits)
    sales = store.query(
        f"""SELECT exporter, {item} AS product, sum(value_usd ORDER BY value_usd) AS v
            FROM ({basis.sql}) WHERE list_contains($exporters, exporter)
              AND list_contains($products, {item})
            GROUP BY ALL ORDER BY exporter, product""",
        {**basis.params, "exporters": exporters, "products": frame["product"].tolist()},
    )
    if sales.empty:
        return frame, {}
    sales = sales[coalition.mask(sales["exporter"], sales["product"])]
    held_by_product = sales.groupby("product")["v"].sum()
    frame = frame.copy()
    capacity = frame["alternative_capacity"] * frame["from_partner_usd"]
    held = frame["product"].map(held_by_product).fillna(0.0)
    frame["alternative_capacity"] = (capacity - held).clip(lower=0.0) / frame["from_partner_usd"]
    by_member = sales.groupby("exporter")["v"].sum()
    return frame, {
        str(k): float(v) for k, v in sorted(by_member.items(), key=lambda kv: (-kv[1], kv[0]))
    }


def _annotate(store: Store, frame: pd.DataFrame, basis: Basis, level: Level) -> pd.DataFrame:
    """Flags, names, CHPL tiers, end use and the dependence score."""
    frame = frame.copy()
    hhi_high = frame["supplier_hhi"] > HHI_THRESHOLD
    net_importer = frame["import_export_ratio"] > 1
    frame["ec_2021"] = hhi_high & net_importer
    frame["geodep"] = hhi_high & (frame["world_hhi"] > HHI_THRESHOLD) & net_importer
    frame["dependence"] = frame["partner_share"] / (1 + frame["alternative_capacity"])
    if basis.source == "icio":
        names = store.query("SELECT DISTINCT sector AS product, sector_name AS name FROM io_nodes")
        frame = frame.merge(names, on="product", how="left")
        frame["chpl_tier"] = None
        frame["end_use"] = None
        return frame
    revision = store.memo(
        ("hs_revision", basis.dataset),
        lambda: store.scalar(
            "SELECT any_value(hs_revision) FROM flows WHERE source = ?", [basis.dataset]
        ),
    )
    digits = LEVELS[level]
    if digits == 6:
        names = store.query(
            "SELECT code AS product, description AS name, bec FROM products WHERE hs_revision = ?",
            [revision],
        )
        frame = frame.merge(names, on="product", how="left")
        ends = bec_end_use_frame()
        frame = frame.merge(ends, on="bec", how="left").drop(columns=["bec"])
    else:
        sections = hs_sections_frame()
        frame["chapter"] = frame["product"].str[:2]
        frame = frame.merge(sections, on="chapter", how="left")
        frame["name"] = "HS " + frame["product"] + " (" + frame["section_name"].fillna("?") + ")"
        frame["end_use"] = None
        frame = frame.drop(columns=["chapter", "section", "section_name"])
    tiers = chpl()
    prefix = tiers.assign(product=tiers["hs6"].str[:digits])
    grouped = prefix.groupby("product")["tier"].agg(lambda t: ",".join(sorted(set(t))))
    frame["chpl_tier"] = frame["product"].map(grouped)
    return frame
