"""Which trade numbers a metric reads: goods flows of one dataset, or ICIO.

Every metric runs on one relation with the columns (exporter, importer,
item, value_usd) — `item` an HS6 product or an ICIO seller sector — so the
same SQL serves both bases. Domestic flows (exporter = importer, present in
ICIO) are excluded: dependence is about trade with the world.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Any, Literal

from asymmetry.errors import NoDataError
from asymmetry.store.ingest_icio import ICIO_DATASET
from asymmetry.store.store import Store

Source = Literal["flows", "aggregates", "icio"]
# What a caller may ask for. "auto" is the basis ladder: goods flows when the
# store has them, else official aggregates (pair-level metrics only: see
# `asymmetry.metrics.official`), else the embedded ICIO network.
SourceChoice = Literal["auto", "flows", "aggregates", "icio"]

BASIS_LABEL = {
    "flows": "goods trade",
    "aggregates": "customs goods trade (official aggregates)",
    "icio": "intermediate inputs (ICIO)",
}
# What to run for customs goods trade by product (the first thing a
# sector-level or aggregate-only answer points to).
FETCH_HINT = (
    "`asymmetry fetch baci --release 202501 --hs HS22 --years 2023` "
    "(or `asymmetry ingest baci FILE`)"
)
NEEDS_GOODS_FLOWS = (
    "HS-level product tables need goods flows and the store holds none (only the ICIO "
    f"network's 50 sectors and official aggregates); get them with {FETCH_HINT}"
)

# Why two bases give different numbers for the same figure (one line each).
BASIS_REASON = {
    "flows": "customs goods trade by product (BACI/Comtrade: importer's CIF declaration, "
    "reconciled; goods only)",
    "aggregates": "customs goods trade as the agencies publish it (goods only; exports FOB, "
    "imports CIF; each side's own reporter)",
    "icio": f"intermediate inputs only (no final demand), goods and services, at basic "
    f"prices, {2022} only (OECD ICIO)",
}
ICIO_YEAR = 2022


@dataclass(frozen=True, slots=True)
class Basis:
    """A resolved choice of data: source, year and dataset, plus its SQL."""

    source: Source
    year: int
    dataset: str
    sql: str  # SELECT exporter, importer, item, value_usd (named params in `params`)
    params: dict[str, Any]
    # SELECT exporter, importer, value_usd summed over items (same params): the
    # few thousand rows that pair-level metrics need, read from `flow_pairs`.
    pairs_sql: str = ""
    # why this basis answers when the ladder stepped past goods flows (one sentence each)
    notes: tuple[str, ...] = ()

    @property
    def label(self) -> str:
        return BASIS_LABEL[self.source]


def resolve_basis(
    store: Store,
    *,
    source: SourceChoice = "auto",
    year: int | None = None,
    dataset: str | None = None,
    countries: Sequence[str] = (),
) -> Basis:
    """Pick the data a metric reads; `NoDataError` says what is missing and what exists.

    On "auto", ``countries`` (the pair a metric is about) apply the ladder's rule, as
    for `asymmetry.metrics.profile.profile`: goods flows answer only when they hold
    trade of every one of them that year; a partial ingest that lacks one steps down to
    the ICIO network (when it covers the year), and the basis's ``notes`` say why.
    """
    if source == "auto" and countries and dataset is None:
        return _ladder(store, year, countries)
    if source == "aggregates":
        raise NoDataError(
            "official aggregates give pair-level figures only (flows, totals, shares); this "
            f"needs trade by product and partner: ingest goods flows with {FETCH_HINT}, "
            "or use --source icio"
        )
    if source == "auto":
        has_flows = store.scalar("SELECT count(*) > 0 FROM (SELECT 1 FROM flows LIMIT 1)")
        source = "flows" if has_flows or dataset is not None else "icio"
    if source == "icio":
        if not store.scalar("SELECT count(*) FROM io_nodes"):
            raise NoDataError("the store holds no ICIO network; run `asymmetry ingest icio`")
        if year is not None and year != ICIO_YEAR:
            raise NoDataError(f"the ICIO network covers {ICIO_YEAR} only, not {year}")
        sql = """
            SELECT seller_country AS exporter, buyer_country AS importer,
                   seller_sector AS item, value_usd
            FROM io_trade WHERE seller_country <> buyer_country"""
        pairs = f"SELECT exporter, importer, sum(value_usd) AS value_usd FROM ({sql}) GROUP BY ALL"
        return Basis("icio", ICIO_YEAR, ICIO_DATASET, sql, {}, pairs)
    # asked on every request; kept while the store cannot change (`Store.memo`)
    coverage = store.memo(
        ("flow_coverage",),
        lambda: store.query(
            "SELECT source, year, sum(n_rows) AS n FROM flow_pairs GROUP BY ALL "
            "ORDER BY year DESC, n DESC"
        ),
    )
    if coverage.empty:
        raise NoDataError(
            "the store holds no goods flows; ingest BACI or a flow table "
            "(`asymmetry ingest baci FILE`), or use --source icio"
        )
    if dataset is not None:
        coverage = coverage[coverage["source"] == dataset]
        if coverage.empty:
            raise NoDataError(f"no flows from dataset {dataset!r}; see `asymmetry datasets`")
    if year is None:
        year = int(coverage["year"].iloc[0])
    in_year = coverage[coverage["year"] == year]
    if in_year.empty:
        years = ", ".join(str(y) for y in sorted(coverage["year"].unique()))
        raise NoDataError(f"no flows for {year}; years in the store: {years}")
    # Datasets may overlap (BACI and a tidy file for the same year): the
    # largest one is read, never the sum of both.
    chosen = str(in_year["source"].iloc[0])
    kind = store.memo(
        ("dataset_kind", chosen),
        lambda: store.scalar("SELECT kind FROM datasets WHERE id = ?", [chosen]),
    )
    reported = kind == "reported"
    sql = (
        reconciled_sql("flows", "product AS item, value_usd")
        if reported
        else """
        SELECT exporter, importer, product AS item, value_usd
        FROM flows WHERE source = $dataset AND year = $year AND exporter <> importer"""
    )
    pairs = (
        reconciled_sql("flow_pairs", "value_usd")
        if reported
        else """
        SELECT exporter, importer, value_usd
        FROM flow_pairs WHERE source = $dataset AND year = $year AND exporter <> importer"""
    )
    pairs = f"SELECT exporter, importer, sum(value_usd) AS value_usd FROM ({pairs}) GROUP BY ALL"
    return Basis("flows", year, chosen, sql, {"dataset": chosen, "year": year}, pairs)


def _ladder(store: Store, year: int | None, countries: Sequence[str]) -> Basis:
    """Goods flows when they hold every country's trade, else ICIO with the reason."""
    flows = resolve_basis(store, year=year)
    if flows.source != "flows":
        return flows
    lacking = lacking_trade(store, flows, countries)
    has_icio = bool(store.scalar("SELECT count(*) FROM io_nodes"))
    if not lacking or not has_icio or year not in (None, ICIO_YEAR):
        return flows  # nothing else covers the year: the metric's own error says what exists
    why = (
        f"the goods flows for {flows.year} ({flows.dataset}) hold no trade of "
        f"{' or '.join(lacking)}; the ICIO network ({ICIO_YEAR} intermediate inputs) answers"
    )
    return replace(resolve_basis(store, source="icio"), notes=(why,))


def lacking_trade(store: Store, basis: Basis, countries: Sequence[str]) -> list[str]:
    """Which of ``countries`` has no flow at all in the basis (a partial ingest)."""

    def trading() -> frozenset[str]:  # a few hundred codes, kept per basis (`Store.memo`)
        found = store.query(
            f"SELECT exporter AS c FROM ({basis.pairs_sql}) UNION "
            f"SELECT importer FROM ({basis.pairs_sql})",
            basis.params,
        )
        return frozenset(str(c) for c in found["c"])

    key = ("trading_countries", basis.pairs_sql, tuple(sorted(basis.params.items())))
    present = store.memo(key, trading)
    return [c for c in countries if c not in present]


# Declarations by reporter hold most flows twice (the exporter's and the
# importer's report). One of them is kept, as BACI does: the importer's
# declaration, and the exporter's (mirror) where the importer reported no
# imports that year (Russia since 2022). Mirror values are FOB, not CIF.
def reconciled_sql(table: str, columns: str) -> str:
    """The reconciled rows of ``table`` (flows, or their pair sums in flow_pairs)."""
    return f"""
    SELECT exporter, importer, {columns}
    FROM {table}
    WHERE source = $dataset AND year = $year AND exporter <> importer
      AND (reporter = importer
           OR (reporter = exporter AND importer NOT IN (
                SELECT DISTINCT reporter FROM flow_pairs
                WHERE source = $dataset AND year = $year AND reporter = importer)))"""


def available_years(store: Store, *, dataset: str | None = None) -> list[int]:
    """Years with goods flows in the store (in one dataset if given), ascending."""

    def compute() -> tuple[int, ...]:
        frame = store.query(
            "SELECT DISTINCT year FROM flow_pairs WHERE $dataset IS NULL OR source = $dataset "
            "ORDER BY year",
            {"dataset": dataset},
        )
        return tuple(int(y) for y in frame["year"])

    return list(store.memo(("available_years", dataset), compute))


# The dataset read for each year: the largest (as `resolve_basis`), never the sum.
_CHOSEN_SQL = """
    SELECT year, arg_max(source, n) AS source
    FROM (SELECT year, source, sum(n_rows) AS n FROM flow_pairs GROUP BY ALL)
    GROUP BY year"""


def all_years_sql() -> str:
    """Goods flows of every year, one dataset per year (the largest, as `resolve_basis`)."""
    return f"""
        SELECT f.year, f.exporter, f.importer, f.product, f.value_usd
        FROM flows f
        JOIN ({_CHOSEN_SQL}) chosen
          ON chosen.year = f.year AND chosen.source = f.source
        WHERE f.exporter <> f.importer"""


def chosen_datasets(store: Store) -> dict[int, str]:
    """The dataset `all_years_sql` reads for each year of goods flows."""
    frame = store.query(f"{_CHOSEN_SQL} ORDER BY year")
    return {int(y): str(s) for y, s in zip(frame["year"], frame["source"], strict=True)}
