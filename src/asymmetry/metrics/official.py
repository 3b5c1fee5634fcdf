"""Official aggregates as a basis: customs goods trade from cited annual figures.

The packaged ``facts:aggregates`` (and any facts a user ingests) hold the
figures the agencies publish — China's customs (GAC) for its trade with
Russia every year, Russia's customs (FCS), Eurostat, the US Census Bureau …
— each with its page and quote. This module turns them into the pair
profile's numbers for any pair that has such figures: the flows both ways,
each side's totals, the shares (bilateral ÷ that country's own total),
turnover, balance, a series over every year with figures (gaps stay gaps)
and the composition where shares or values by product group exist.

Several rows often state the same quantity. One is chosen by `choose`, the
single rule of this module, in this order:

1. an official source (a statistical agency, or an official's statement) over
   a commentator's computation or estimate;
2. for a flow, the importer's declaration, else the exporter's (the mirror
   rule of `asymmetry.metrics.basis`, as BACI does); for a country's total,
   its own agency's figure;
3. a statistical agency over an official's statement;
4. the latest release (the date in the source or its address), then the more
   precise figure (more decimals), then the source's name (so the choice is
   deterministic).

Only annual figures count (``period`` is the year): a partial year is never an
annual figure. Only money in USD is converted (``USD mn|bn|tn``); a figure
stated only in CNY or EUR is left out, with the reason, as no exchange rate is
stored. What aggregates cannot give — partner concentration (it needs every
partner) and HS-level tables — is said in `OfficialYear.cannot`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from datetime import date
from functools import cache
from typing import Any, Final

import pandas as pd

from asymmetry.store.codes import actor_table
from asymmetry.store.store import Store

# USD per unit as written in the facts table.
USD_SCALE: Final = {"USD": 1.0, "USD mn": 1e6, "USD bn": 1e9, "USD tn": 1e12}
AGGREGATES_LABEL: Final = "customs goods trade (official aggregates)"

# Who speaks in a source (the words before " via "), most specific first:
# (pattern, reporter whose statistics these are, tier). Tier 1 is a
# statistical agency (customs, statistics office, central bank, or a company
# reporting its own volumes), 2 an official's statement, 3 a commentator.
_COMMENTATOR: Final = re.compile(
    r"institute|computation|calculation|compilation|analysis|estimate|intesa|bofit|"
    r"\bIW\b|\bFDD\b|wire china|moscow times|monitoring|\bRT \(|policy brief|"
    r"council|clingendael|\bEPRS\b|chinascope|averaged by|implied",
    re.IGNORECASE,
)
_AGENCIES: Final[tuple[tuple[re.Pattern[str], str | None, int], ...]] = tuple(
    (re.compile(pattern, re.IGNORECASE), reporter, tier)
    for pattern, reporter, tier in (
        (r"\bGAC\b|china(?:'s)? customs|general administration of customs|china data", "CHN", 1),
        (r"\bFCS\b|federal customs", "RUS", 1),
        (r"bank of russia|nabiullina|rosstat", "RUS", 1),
        (r"gazprom|transneft|rosneft", "RUS", 1),
        (r"eurostat|european commission", "EU", 1),
        (r"destatis", "DEU", 1),
        (r"census bureau|federal reserve|\bTIC\b|us treasury", "USA", 1),
        (r"ministry of finance|minfin", "RUS", 1),
        (r"india.*(?:department|ministry) of commerce", "IND", 1),
        (r"\bIEA\b|\bUN data\b", None, 1),
        (
            r"customs|statistic(?:s|al) (?:bureau|office|committee|agency)|bureau of statistics",
            None,
            1,
        ),
        (r"MOFCOM", "CHN", 2),
        (r"russian export center|\bREC\b|ministry of economic development", "RUS", 2),
        (
            r"putin|lavrov|novak|mishustin|minister|\bPM\b|president|ambassador|kremlin|"
            r"consul|trade representative|spokes",
            None,
            2,
        ),
    )
)
_DATE_IN_SOURCE: Final = re.compile(r"(20\d\d)-(\d\d)(?:-(\d\d))?")
_DATE_IN_URL: Final = re.compile(r"/(20\d\d)/?(\d\d)/?(\d\d)?(?:/|\d{6}|$)")
TIER_NAMES: Final = {1: "statistical agency", 2: "official statement", 3: "commentator"}


@dataclass(frozen=True, slots=True)
class Standing:
    """Who a source is: whose statistics, how authoritative, released when."""

    agency: str
    reporter: str | None
    tier: int
    published: date | None


def agency_of(source: str) -> str:
    """Who speaks in a source: the words before "via" ("China GAC via TASS" and
    "China GAC (via TASS)" -> "China GAC"); for a joined source, each part's."""
    return "; ".join(re.split(r" \(via | via ", part)[0].strip() for part in source.split("; "))


@cache
def standing(source: str, url: str | None = None, country: str | None = None) -> Standing:
    """Classify a fact's ``source`` (see `_AGENCIES`). The reporter is the agency's, else
    the country the agency's words name (`actor_table`: "Uzbek customs"), else ``country``."""
    agency = agency_of(source)
    reporter: str | None = None
    tier = 3
    if not _COMMENTATOR.search(agency):
        for pattern, who, level in _AGENCIES:
            if pattern.search(agency):
                reporter, tier = who, level
                break
    if reporter is None:
        pattern, table = actor_table()
        named = pattern.search(agency)
        reporter = table[named[1].lower()] if named else country
    return Standing(agency, reporter, tier, _published(source, url))


def _published(source: str, url: str | None) -> date | None:
    for text, pattern in ((source, _DATE_IN_SOURCE), (url or "", _DATE_IN_URL)):
        for m in pattern.finditer(text):
            try:
                return date(int(m[1]), int(m[2]), int(m[3] or 1))
            except ValueError:
                continue
    return None


@dataclass(frozen=True, slots=True)
class Figure:
    """One figure chosen from the rows that state it, with why and what else was stated."""

    value: float  # USD for money, a fraction for shares
    source: str
    year: int
    written: str  # the figure as the source wrote it, e.g. "USD 110.97 bn"
    reporter: str | None
    rule: str  # why this row was chosen
    quote: str | None = None
    url: str | None = None
    locator: str | None = None
    alternatives: list[dict[str, Any]] = field(default_factory=list)
    quotes: tuple[str, ...] = ()  # the quotes of every row it rests on (for independence checks)
    dataset: str = ""  # the facts dataset(s) of those rows

    def to_dict(self) -> dict[str, Any]:
        return {k: getattr(self, k) for k in self.__dataclass_fields__}


def _written(value: float, unit: str) -> str:
    text = f"{value:,.3f}".rstrip("0").rstrip(".")
    if unit == "percent":
        return f"{text}%"
    return f"{unit.split()[0]} {text} {' '.join(unit.split()[1:])}".strip()


def _decimals(value: float) -> int:
    text = f"{value:.6f}".rstrip("0")
    return len(text.split(".")[1]) if "." in text else 0


def choose(
    rows: pd.DataFrame, *, prefer: tuple[str, ...] = (), what: str = "", share: bool = False
) -> Figure | None:
    """The row the module's rule picks from ``rows`` (facts of one quantity), or None.

    ``prefer`` lists reporters in order of preference (the importer then the
    exporter for a flow; the country itself for a total). Rows must be
    annual; money is converted to USD, shares from percent to fractions.
    """
    if rows.empty:
        return None
    found = []
    for row in rows.to_dict("records"):
        s = standing(row["source"], row.get("url"), row.get("country"))
        rank = prefer.index(s.reporter) if s.reporter in prefer else len(prefer)
        found.append(
            (
                (
                    s.tier == 3,
                    rank,
                    s.tier,
                    -(s.published or date.min).toordinal(),
                    -_decimals(row["value"]),
                    row["source"],
                ),
                row,
                s,
            )
        )
    found.sort(key=lambda item: item[0])
    _, row, s = found[0]
    scale = 0.01 if share else USD_SCALE[row["unit"]]

    def convert(value: float, scale: float) -> float:
        # Whole dollars for money (129.14 bn is 129,140,000,000, not ...999.99998).
        return float(value) * scale if share else float(round(float(value) * scale))

    reasons = [TIER_NAMES[s.tier]]
    if prefer:
        if s.reporter == prefer[0]:
            reasons.append(f"{what or 'the preferred'} declaration")
        elif s.reporter in prefer:
            reasons.append(f"{what or 'the preferred'} declaration not stored")
    if len(found) > 1:
        reasons.append(f"chosen over {len(found) - 1} other row(s)")
    alternatives = [
        {
            "source": other["source"],
            "value": convert(other["value"], 0.01 if share else USD_SCALE[other["unit"]]),
            "written": _written(other["value"], other["unit"]),
            "reporter": o.reporter,
            "tier": TIER_NAMES[o.tier],
        }
        for _, other, o in found[1:]
    ]
    return Figure(
        convert(row["value"], scale),
        str(row["source"]),
        int(row["year"]),
        _written(row["value"], row["unit"]),
        s.reporter,
        "; ".join(reasons),
        _text(row.get("quote")),
        _text(row.get("url")),
        _text(row.get("locator")),
        alternatives,
        (str(row["quote"]),) if _text(row.get("quote")) else (),
        str(row.get("dataset") or ""),
    )


def _text(value: Any) -> str | None:
    return None if value is None or (isinstance(value, float) and value != value) else str(value)


# -- reading the facts -----------------------------------------------------
_ANNUAL_SQL: Final = """
    SELECT indicator, country, partner, product, year, period, value, unit, source,
           locator, quote, url, dataset
    FROM facts
    WHERE year IS NOT NULL AND (period IS NULL OR period = CAST(year AS VARCHAR))
      AND (country IN $countries OR partner IN $countries)
"""


def annual_facts(store: Store, countries: tuple[str, ...]) -> pd.DataFrame:
    """Every annual fact naming one of ``countries``; ``money`` marks USD amounts."""
    frame = store.query(_ANNUAL_SQL, {"countries": list(countries)})
    frame["money"] = frame["unit"].isin(list(USD_SCALE))
    return frame


@dataclass(frozen=True, slots=True)
class OfficialYear:
    """The pair's official figures for one year (see module doc); shares are fractions."""

    a: str
    b: str
    year: int
    figures: dict[str, Figure]  # a_to_b, b_to_a, turnover, a_imports ... and each share
    cannot: dict[str, str]  # figure -> why it cannot be given

    def value(self, key: str) -> float | None:
        f = self.figures.get(key)
        return None if f is None else f.value


SHARE_KEYS: Final = (
    "b_in_a_imports",
    "b_in_a_exports",
    "a_in_b_imports",
    "a_in_b_exports",
    "b_in_a_trade",
    "a_in_b_trade",
)
_SIDE_TOTAL: Final = {"imports": "total_imports", "exports": "total_exports"}


def _money_of_all_goods(frame: pd.DataFrame, year: int) -> pd.DataFrame:
    rows = frame[frame["year"] == year]
    return rows[rows["money"] & rows["product"].isna()]


def _flow(money: pd.DataFrame, exporter: str, importer: str) -> Figure | None:
    stated = money[
        ((money["indicator"] == "exports") & (money["country"] == exporter))
        & (money["partner"] == importer)
        | ((money["indicator"] == "imports") & (money["country"] == importer))
        & (money["partner"] == exporter)
    ]
    return choose(stated, prefer=(importer, exporter), what="importer's")


def official_flow(frame: pd.DataFrame, exporter: str, importer: str, year: int) -> Figure | None:
    """All goods from ``exporter`` to ``importer`` in ``year``: `official_year`'s
    ``a_to_b`` alone, without the totals and shares it also works out."""
    return _flow(_money_of_all_goods(frame, year), exporter, importer)


def official_year(frame: pd.DataFrame, a: str, b: str, year: int) -> OfficialYear:
    """Flows, totals and shares of A and B in ``year`` from annual facts (`annual_facts`)."""
    rows = frame[frame["year"] == year]
    all_goods = rows["product"].isna()
    money = _money_of_all_goods(frame, year)
    figures: dict[str, Figure] = {}
    cannot: dict[str, str] = {}

    def flow(exporter: str, importer: str) -> Figure | None:
        return _flow(money, exporter, importer)

    def total(country: str, indicator: str) -> Figure | None:
        stated = money[
            (money["indicator"] == indicator)
            & (money["country"] == country)
            & money["partner"].isna()
        ]
        return choose(stated, prefer=(country,), what=f"{country}'s own")

    def unconverted(mask: pd.Series) -> str:
        hit = rows[mask & all_goods & ~rows["money"]]
        if hit.empty:
            return "no annual figure stored"
        units = ", ".join(sorted(set(hit["unit"])))
        return f"stated only in {units}; no exchange rate is stored"

    for key, (x, y) in {"a_to_b": (a, b), "b_to_a": (b, a)}.items():
        found = flow(x, y)
        if found is not None:
            figures[key] = found
        else:
            cannot[key] = f"{x} to {y}: " + unconverted(
                (rows["indicator"].isin(["exports", "imports"]))
                & rows["country"].isin([x, y])
                & rows["partner"].isin([x, y])
            )
    for who, c in (("a", a), ("b", b)):
        for side, indicator in _SIDE_TOTAL.items():
            found = total(c, indicator)
            if found is not None:
                figures[f"{who}_{side}"] = found
            else:
                cannot[f"{who}_{side}"] = f"{c}'s total {side}: " + unconverted(
                    (rows["indicator"] == indicator)
                    & (rows["country"] == c)
                    & rows["partner"].isna()
                )
        _trade_total(figures, cannot, who, c, total(c, "total_trade"))
    _turnover(figures, money, a, b, year)
    for key, (num, den) in {
        "b_in_a_imports": ("b_to_a", "a_imports"),
        "b_in_a_exports": ("a_to_b", "a_exports"),
        "a_in_b_imports": ("a_to_b", "b_imports"),
        "a_in_b_exports": ("b_to_a", "b_exports"),
        "b_in_a_trade": ("turnover", "a_trade"),
        "a_in_b_trade": ("turnover", "b_trade"),
    }.items():
        stated = _stated_shares(rows, key, a, b)
        share = _share(figures, num, den, year, a, b)
        if share is not None:
            share = _beside(share, stated, figures[num], figures[den], num, den, a, b)
        else:
            share = _stated_share(stated)
        if share is not None:
            figures[key] = share
        else:
            missing = [cannot.get(k, k) for k in (num, den) if k not in figures]
            cannot[key] = "needs " + " and ".join(missing)
    cannot["hhi"] = (
        "partner concentration needs every partner's trade; official aggregates name a "
        "few partners only (ingest BACI: `asymmetry fetch baci`)"
    )
    return OfficialYear(a, b, year, figures, cannot)


def _sources(*parts: Figure) -> str:
    return "; ".join(dict.fromkeys(p.source for p in parts))


def _combined(parts: tuple[Figure, ...], value: float, written: str, rule: str) -> Figure:
    """A figure computed from others (a sum or a ratio), citing all of them."""
    reporters = {p.reporter for p in parts}
    return Figure(
        value,
        _sources(*parts),
        parts[0].year,
        written,
        reporters.pop() if len(reporters) == 1 else None,
        rule,
        quotes=tuple(q for p in parts for q in p.quotes),
        dataset=", ".join(dict.fromkeys(d for p in parts for d in p.dataset.split(", ") if d)),
    )


def _trade_total(
    figures: dict[str, Figure], cannot: dict[str, str], who: str, c: str, stated: Figure | None
) -> None:
    """A country's total trade: its exports plus imports when both are known, else as stated."""
    ex, im = figures.get(f"{who}_exports"), figures.get(f"{who}_imports")
    if ex is not None and im is not None:
        figures[f"{who}_trade"] = _combined(
            (ex, im),
            ex.value + im.value,
            f"{ex.written} + {im.written}",
            "sum of the chosen total exports and imports",
        )
    elif stated is not None:
        figures[f"{who}_trade"] = stated
    else:
        cannot[f"{who}_trade"] = f"{c}'s total trade: no annual figure in USD stored"


def _turnover(figures: dict[str, Figure], money: pd.DataFrame, a: str, b: str, year: int) -> None:
    """The pair's turnover: the two chosen flows' sum, else a stated turnover."""
    x, y = figures.get("a_to_b"), figures.get("b_to_a")
    if x is not None and y is not None:
        figures["turnover"] = _combined(
            (x, y),
            x.value + y.value,
            f"{x.written} + {y.written}",
            "sum of the chosen flows both ways",
        )
        return
    stated = money[
        (money["indicator"] == "trade_turnover")
        & money["country"].isin([a, b])
        & money["partner"].isin([a, b])
    ]
    found = choose(stated)
    if found is not None:
        figures["turnover"] = found


def _share(
    figures: dict[str, Figure], num: str, den: str, year: int, a: str, b: str
) -> Figure | None:
    n, d = figures.get(num), figures.get(den)
    if n is None or d is None or not d.value:
        return None
    return _combined(
        (n, d),
        n.value / d.value,
        f"{n.written} / {d.written}",
        f"computed: {figure_label(num, a, b)} {year} ({n.written}, {agency_of(n.source)}) / "
        f"{figure_label(den, a, b)} {year} ({d.written}, {agency_of(d.source)})",
    )


def _stated_shares(rows: pd.DataFrame, key: str, a: str, b: str) -> pd.DataFrame:
    """Annual rows stating share ``key`` of all goods (any source: papers too)."""
    side = key.rsplit("_", 1)[1]
    country, partner = (a, b) if key.startswith("b_in_a") else (b, a)
    return rows[
        (rows["indicator"] == f"partner_share_of_{side}")
        & (rows["country"] == country)
        & (rows["partner"] == partner)
        & rows["product"].isna()
        & (rows["unit"] == "percent")
    ]


def _beside(
    share: Figure,
    stated: pd.DataFrame,
    n: Figure,
    d: Figure,
    num: str,
    den: str,
    a: str,
    b: str,
) -> Figure:
    """The computed share with every stated figure of it beside, and why they differ:
    with the same numerator, a stated share implies its own denominator
    (numerator / stated share), which can be set against the one used."""
    beside = []
    for row in stated.to_dict("records"):
        value = float(row["value"]) / 100
        if not value:
            continue
        implied = _written(round(n.value / value / 1e9, 1), "USD bn")
        used = _written(round(d.value / 1e9, 1), "USD bn")
        beside.append(
            {
                "source": row["source"],
                "value": value,
                "written": _written(row["value"], "percent"),
                "tier": TIER_NAMES[standing(row["source"]).tier],
                "why": f"with the same {figure_label(num, a, b)} ({n.written}), it implies "
                f"{figure_label(den, a, b)} of {implied}, against the {used} used "
                f"({agency_of(d.source)})",
            }
        )
    return replace(share, alternatives=beside)


def _stated_share(stated: pd.DataFrame) -> Figure | None:
    """An official's stated share of all goods, when the share cannot be computed."""
    stated = stated[[standing(s).tier < 3 for s in stated["source"]]] if len(stated) else stated
    found = choose(stated, share=True)
    if found is None:
        return None
    return replace(
        found, rule=f"stated by the source (a flow or total to compute it is missing); {found.rule}"
    )


FIGURE_LABELS: Final = {
    "a_to_b": "{a} exports to {b}",
    "b_to_a": "{b} exports to {a}",
    "turnover": "{a}-{b} turnover",
    "a_imports": "{a} total imports",
    "a_exports": "{a} total exports",
    "a_trade": "{a} total trade",
    "b_imports": "{b} total imports",
    "b_exports": "{b} total exports",
    "b_trade": "{b} total trade",
    "b_in_a_imports": "{b} in {a}'s imports",
    "b_in_a_exports": "{b} in {a}'s exports",
    "a_in_b_imports": "{a} in {b}'s imports",
    "a_in_b_exports": "{a} in {b}'s exports",
    "b_in_a_trade": "{b} in {a}'s trade",
    "a_in_b_trade": "{a} in {b}'s trade",
}


def figure_label(key: str, a: str, b: str) -> str:
    """A pair figure's name for people ("CHN in RUS's imports")."""
    return FIGURE_LABELS.get(key, key).format(a=a, b=b)


def pair_years(frame: pd.DataFrame, a: str, b: str) -> list[int]:
    """Years with an annual USD figure of the pair's bilateral trade, ascending."""
    pair = frame[
        frame["money"]
        & frame["product"].isna()
        & frame["indicator"].isin(["exports", "imports", "trade_turnover"])
        & frame["country"].isin([a, b])
        & frame["partner"].isin([a, b])
    ]
    return sorted(int(y) for y in pair["year"].unique())


# How sources name products -> (group of `asymmetry.levers.scenario.GROUPS`
# or a union of them, HS code(s), whether the row covers the whole group).
# First match wins, so the specific names come before the general ones.
_PRODUCTS: Final[tuple[tuple[re.Pattern[str], str, str, bool], ...]] = tuple(
    (re.compile(pattern, re.IGNORECASE), group, code, whole)
    for pattern, group, code, whole in (
        (r"machinery, equipment & vehicles", "machinery+electrical+vehicles", "84-87", True),
        (r"machinery_electrical", "machinery+electrical", "84-85", True),
        (r"vehicles \(HS86-89\)", "vehicles", "86-89", True),
        (r"cars", "vehicles", "8703", False),
        (r"trucks", "vehicles", "8704", False),
        (r"^electrical", "electrical", "85", True),
        (r"crude oil and natural gas", "fuels", "2709+2711", False),
        (r"\bLNG\b", "fuels", "271111", False),
        (r"natural gas", "fuels", "2711", False),
        (r"crude oil|petroleum oil", "fuels", "2709", False),
        (r"fuel oil", "fuels", "2710", False),
        (r"coal", "fuels", "2701", False),
        (r"fuels|energy|mineral fuel", "fuels", "27", True),
        (r"iron & steel", "metals", "72", False),
        (r"fertilisers", "chemicals", "31", False),
    )
)


def product_group(label: str) -> tuple[str, str, bool] | None:
    """(group, HS code(s), covers the whole group) for a source's product name."""
    for pattern, group, code, whole in _PRODUCTS:
        if pattern.search(label):
            return group, code, whole
    return None


def official_composition(
    frame: pd.DataFrame, exporter: str, importer: str, year: int, flow: Figure | None
) -> list[dict[str, Any]]:
    """Product groups' shares of one direction's trade in ``year``, where figures exist.

    A product's value is divided by the chosen flow (`official_year`); a stated
    share is taken as stated. Per product the better source wins (tier, then
    a computed share over a stated one).
    """
    rows = frame[(frame["year"] == year) & frame["product"].notna()]
    values = rows[
        (rows["indicator"] == "product_exports_value")
        & (rows["country"] == exporter)
        & (rows["partner"] == importer)
        & rows["money"]
    ]
    stated = rows[
        (
            (rows["indicator"] == "product_share_of_exports")
            & (rows["country"] == exporter)
            & (rows["partner"] == importer)
            | (rows["indicator"] == "product_share_of_imports")
            & (rows["country"] == importer)
            & (rows["partner"] == exporter)
        )
        & (rows["unit"] == "percent")
    ]
    best: dict[str, tuple[tuple[int, int], dict[str, Any]]] = {}
    for kind, subset in (("value", values), ("share", stated)):
        for label in subset["product"].unique():
            mapped = product_group(str(label))
            if mapped is None:
                continue
            group, code, whole = mapped
            found = choose(subset[subset["product"] == label], share=kind == "share")
            if found is None:
                continue
            tier = standing(found.source).tier
            if kind == "value":
                if flow is None or not flow.value:
                    continue
                share = found.value / flow.value
                how = (
                    f"computed: {label} {year} ({found.written}, {agency_of(found.source)}) / "
                    f"{exporter} exports to {importer} {year} ({flow.written}, "
                    f"{agency_of(flow.source)})"
                )
                value: float | None = found.value
            else:
                share, value = found.value, None
                how = f"stated: {found.written} ({agency_of(found.source)}, {TIER_NAMES[tier]})"
            rank = (tier, 0 if kind == "value" else 1)
            if code not in best or rank < best[code][0]:
                best[code] = (
                    rank,
                    {
                        "code": code,
                        "name": str(label),
                        "group": group,
                        "whole_group": whole,
                        "value_usd": value,
                        "share": share,
                        "source": found.source,
                        "how": how,
                    },
                )
    return sorted((entry for _, entry in best.values()), key=lambda e: -e["share"])
