"""A lever's trade on customs goods trade as the agencies publish it (official aggregates).

The basis ladder (`asymmetry.metrics.basis`) answers a lever on goods flows by product when
the store holds them, else on the ICIO network. Between the two, the packaged cited
aggregates often state the very trade a lever acts on: China's customs publish its
machinery and vehicle exports to Russia, and the share of energy in its imports from
Russia. The accounting levers (a price discount, a payment cost) are exact arithmetic on
that value, so they answer on it; a restriction's partial-equilibrium cost needs every
supplier's share by product, which aggregates do not give, so it stays on ICIO with the
customs value stated beside it.

A product group's value in a year is, in this order: a stated value of the exporter's
exports of the group to the importer; a stated share of the group in those exports; a
stated share of the group in the importer's imports from the exporter; shares times the
bilateral flow of the same year (`official.official_year`). Aggregates name groups, not
HS codes: `GROUP_CHAPTERS` maps each group label to the HS chapters it covers, so a lever
on HS 87 read from "vehicles (HS86-89)" is an upper bound, and says so.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from typing import Final, cast

import pandas as pd

from asymmetry.levers.scenario import ProductSet
from asymmetry.metrics.basis import Basis
from asymmetry.metrics.official import (
    USD_SCALE,
    Figure,
    annual_facts,
    choose,
    official_flow,
)
from asymmetry.store.store import Store

OFFICIAL_DATASET: Final = "facts:aggregates"
# The aggregates' product labels and the HS chapters each covers.
GROUP_CHAPTERS: Final[tuple[tuple[re.Pattern[str], frozenset[str]], ...]] = (
    (re.compile(r"energy|fuel|HS27", re.I), frozenset({"27"})),
    (re.compile(r"HS84-85|machinery_electrical", re.I), frozenset({"84", "85"})),
    (re.compile(r"HS86-89", re.I), frozenset({"86", "87", "88", "89"})),
)

# Parts of a chapter the aggregates state by value: a lever on the chapter read from them
# is a lower bound (crude oil is most, not all, of Russia's fuel exports to China).
CHAPTER_PARTS: Final[tuple[tuple[str, re.Pattern[str], str], ...]] = (
    ("27", re.compile(r"^crude oil$", re.I), "crude oil (HS 2709)"),
    ("27", re.compile(r"^LNG$", re.I), "LNG (HS 271111)"),
)


@dataclass(frozen=True, slots=True)
class OfficialTrade:
    """The lever's trade on official aggregates: a basis of one row per flow and group."""

    basis: Basis
    value_usd: float
    note: str  # what it rests on, and whether it is an upper bound


def _chapters(products: ProductSet) -> frozenset[str] | None:
    """The HS chapters of a product set, if it is whole chapters."""
    if not products.hs or any(len(code) != 2 for code in products.hs):
        return None
    return frozenset(products.hs)


def _groups(chapters: frozenset[str]) -> list[tuple[re.Pattern[str], frozenset[str]]] | None:
    """The aggregate groups that together cover ``chapters`` (None if they cannot)."""
    chosen = [(label, covers) for label, covers in GROUP_CHAPTERS if covers & chapters]
    covered = frozenset().union(*(covers for _, covers in chosen)) if chosen else frozenset()
    return chosen if chosen and chapters <= covered else None


def _parts(
    facts: pd.DataFrame, chapters: frozenset[str], exporter: str, importer: str
) -> tuple[int, list[tuple[str, float, str]]] | None:
    """The latest year's stated values of parts of ``chapters`` (`CHAPTER_PARTS`)."""
    parts = [(label, name) for chapter, label, name in CHAPTER_PARTS if chapter in chapters]
    if not parts or not chapters <= {chapter for chapter, _, _ in CHAPTER_PARTS}:
        return None
    for year, of_year in _latest_first(facts):
        all_goods = _all_goods(of_year, exporter, importer, year)
        found = [
            (name, *value)
            for label, name in parts
            if (value := _group_value(of_year, label, exporter, importer, year, all_goods))
            is not None
        ]
        if found:
            return year, found
    return None


def _group_value(
    facts: pd.DataFrame,
    label: re.Pattern[str],
    exporter: str,
    importer: str,
    year: int,
    all_goods: Callable[[], Figure | None],
) -> tuple[float, str] | None:
    """One group's exports from ``exporter`` to ``importer`` in ``year`` (USD, source);
    ``all_goods()`` gives the flow of all goods, for a group stated as a share of it."""
    rows = facts[(facts["year"] == year) & facts["product"].notna()]
    rows = rows[rows["product"].astype(str).str.contains(label)]
    stated = rows[
        (rows["indicator"] == "product_exports_value")
        & (rows["country"] == exporter)
        & (rows["partner"] == importer)
        & rows["unit"].isin(list(USD_SCALE))
    ]
    found = choose(stated, prefer=(exporter, importer))
    if found is not None:
        return found.value, f"{found.written} ({found.source})"
    flow = all_goods()
    if flow is None:
        return None
    for indicator, country, partner in (
        ("product_share_of_exports", exporter, importer),
        ("product_share_of_imports", importer, exporter),
    ):
        shares = rows[
            (rows["indicator"] == indicator)
            & (rows["country"] == country)
            & (rows["partner"] == partner)
            & (rows["unit"] == "percent")
        ]
        share = choose(shares, prefer=(country,), share=True)
        if share is not None:
            return (
                share.value * flow.value,
                f"{share.written} ({share.source}) of {flow.written} ({flow.source})",
            )
    return None


def official_trade(
    store: Store, products: ProductSet, flows: list[tuple[str, str]]
) -> OfficialTrade | None:
    """The trade of ``flows`` (exporter, importer) in ``products`` on official aggregates,
    in the latest year that states all of it; None when the aggregates do not. A battery
    asks the same question for each lever: `Store.memo` keeps the answer (read-only)."""
    return store.memo(
        ("official trade", products, tuple(flows)),
        lambda: _official_trade(store, products, flows),
    )


def _official_trade(
    store: Store, products: ProductSet, flows: list[tuple[str, str]]
) -> OfficialTrade | None:
    countries = tuple(dict.fromkeys(c for pair in flows for c in pair))
    facts = annual_facts(store, countries)
    if facts.empty:
        return None
    chapters = None if products.all_products else _chapters(products)
    groups = _groups(chapters) if chapters is not None else None
    if not products.all_products and groups is None:
        if chapters is None or len(flows) != 1:
            return None
        return _from_parts(facts, products, chapters, *flows[0])
    for year, of_year in _latest_first(facts):
        found = _year_rows(of_year, groups, flows, year)
        if found is not None:
            return _trade(products, groups, year, *found)
    if chapters is not None and len(flows) == 1:  # the groups are not stated: their parts
        return _from_parts(facts, products, chapters, *flows[0])
    return None


def _latest_first(facts: pd.DataFrame) -> list[tuple[int, pd.DataFrame]]:
    """Each year's facts, the latest year first (one split, not a filter per question)."""
    years = [(int(cast(float, year)), rows) for year, rows in facts.groupby("year")]
    return sorted(years, key=lambda item: -item[0])


def _all_goods(
    facts: pd.DataFrame, exporter: str, importer: str, year: int
) -> Callable[[], Figure | None]:
    """The flow of all goods, computed once, and only when a group needs it."""
    return cache(lambda: official_flow(facts, exporter, importer, year))


def _year_rows(
    facts: pd.DataFrame,
    groups: list[tuple[re.Pattern[str], frozenset[str]]] | None,
    flows: list[tuple[str, str]],
    year: int,
) -> tuple[list[tuple[str, str, str, float]], list[str]] | None:
    """Every flow's value in ``year`` (all goods when ``groups`` is None, else each group),
    with what it rests on; None when one of them is not stated that year."""
    rows: list[tuple[str, str, str, float]] = []
    said: list[str] = []
    for exporter, importer in flows:
        if groups is None:
            flow = official_flow(facts, exporter, importer, year)
            if flow is None:
                return None
            rows.append((exporter, importer, "all goods", flow.value))
            said.append(f"{exporter} to {importer} {flow.written} ({flow.source})")
            continue
        all_goods = _all_goods(facts, exporter, importer, year)
        for label, covers in groups:
            found = _group_value(facts, label, exporter, importer, year, all_goods)
            if found is None:
                return None
            item = f"HS {min(covers)}-{max(covers)}" if len(covers) > 1 else f"HS {min(covers)}"
            rows.append((exporter, importer, item, found[0]))
            said.append(f"{exporter} to {importer} {item}: {found[1]}")
    return (rows, said) if rows else None


def _from_parts(
    facts: pd.DataFrame,
    products: ProductSet,
    chapters: frozenset[str],
    exporter: str,
    importer: str,
) -> OfficialTrade | None:
    found = _parts(facts, chapters, exporter, importer)
    if found is None:
        return None
    year, parts = found
    rows = [(exporter, importer, name, value) for name, value, _ in parts]
    said = [f"{exporter} to {importer} {name}: {where}" for name, _, where in parts]
    trade = _trade(products, None, year, rows, said)
    named = ", ".join(name for name, _, _ in parts)
    return OfficialTrade(
        trade.basis,
        trade.value_usd,
        trade.note + f"; a lower bound: only {named} of HS {', '.join(sorted(chapters))} "
        "is stated by value",
    )


def _trade(
    products: ProductSet,
    groups: list[tuple[re.Pattern[str], frozenset[str]]] | None,
    year: int,
    rows: list[tuple[str, str, str, float]],
    said: list[str],
) -> OfficialTrade:
    values = ", ".join(f"('{e}', '{i}', '{item}', {value!r}::DOUBLE)" for e, i, item, value in rows)
    sql = f"SELECT * FROM (VALUES {values}) AS t(exporter, importer, item, value_usd)"
    pairs = f"SELECT exporter, importer, sum(value_usd) AS value_usd FROM ({sql}) GROUP BY ALL"
    basis = Basis("aggregates", year, OFFICIAL_DATASET, sql, {}, pairs)
    extra = sorted(
        frozenset().union(*(c for _, c in groups)) - frozenset(products.hs) if groups else ()
    )
    bound = (
        f"; an upper bound: the published groups also hold HS {', '.join(extra)}" if extra else ""
    )
    total = sum(value for *_, value in rows)
    return OfficialTrade(basis, total, f"{year}: " + "; ".join(said) + bound)


def icio_value(
    store: Store, basis: Basis, products: ProductSet, flows: list[tuple[str, str]]
) -> float:
    """The same trade in the ICIO network (USD), to state beside the customs value."""
    from asymmetry.levers.accounting import product_filter

    condition, params = product_filter(products, basis)
    clauses = " OR ".join(f"(exporter = $e{i} AND importer = $i{i})" for i in range(len(flows)))
    named = {f"{k}{i}": v for i, (e, m) in enumerate(flows) for k, v in (("e", e), ("i", m))}
    value = store.scalar(
        f"SELECT sum(value_usd ORDER BY value_usd) FROM ({basis.sql}) "
        f"WHERE ({clauses}) AND {condition}",
        {**basis.params, **params, **named},
    )
    return float(value or 0.0)
