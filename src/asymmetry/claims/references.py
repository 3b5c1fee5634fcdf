"""Every value in the store a claim can be checked against, with where it comes from.

A reference is the same quantity as the claim — same measure, countries, product
and period — in the claim's unit (`asymmetry.claims.units` converts and says how).
It comes from one of:

1. a cited fact: the same indicator or a synonym (turnover is also "bilateral
   trade"; China's crude imports from Russia are Russia's crude exports to China,
   declared by the other side);
2. arithmetic on cited facts: a ratio (national-currency settlement / turnover) or a
   year-on-year change (LNG 2023 / LNG 2022 - 1);
3. the metrics engine on the best basis (`asymmetry.metrics.profile`): turnover,
   partner shares and product shares from goods flows or official aggregates (never
   ICIO intermediate inputs, which are not the same quantity).

A fact quoted from the document being checked is never independent: it is kept,
marked, and can never decide a verdict. A figure for a part of what the claim
measures (crude oil, when the claim is about all fuels) is a lower bound; one for a
whole that contains it, an upper bound. Figures of the same quantity for another
period (January to August, a neighbouring year) are not references; they are listed as
`near` so the reason can say what exists.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any, Final, Literal

import pandas as pd

from asymmetry.claims import context as ctx
from asymmetry.claims.extract import Claim
from asymmetry.claims.units import Converted, base_unit, convert, written
from asymmetry.errors import AsymmetryError
from asymmetry.metrics.official import TIER_NAMES, agency_of, product_group, standing
from asymmetry.store.store import Store

Bound = Literal["lower", "upper"]

# Claim measure -> fact indicators that state the same thing.
INDICATORS: Final[dict[str, tuple[str, ...]]] = {
    "trade_turnover": ("trade_turnover",),
    "share_of_imports": ("partner_share_of_imports",),
    "share_of_exports": ("partner_share_of_exports",),
    "share_of_trade": ("partner_share_of_trade",),
    "oil_volume": ("crude_oil_exports", "crude_oil_imports"),
    "gas_volume": ("pipeline_gas_exports", "lng_exports"),
    "lng_volume": ("lng_exports", "lng_imports"),
    "coal_volume": ("coal_exports",),
    "capacity": ("pipeline_capacity",),
    "price": ("gas_export_price", "gas_import_price"),
    "share_of_gdp": ("hydrocarbon_share_of_gdp",),
    "share_of_budget": ("hydrocarbon_share_of_budget",),
    "share_of_reserves": ("cny_share_of_reserves",),
    "share_of_fdi": ("partner_share_of_fdi_stock",),
    "fdi": ("fdi_stock",),
    "investment": ("chinese_investment_cumulative", "chinese_investment_in_russian_business"),
    "currency_purchase": ("cny_purchases",),
    "loss": ("reserve_valuation_loss",),
    "debt_holdings": ("us_treasury_holdings",),
    "exchange_rate": ("exchange_rate",),
    "exports_value": ("exports",),
    "imports_value": ("imports",),
    "settlement_value": ("national_currency_settlement",),
}
# Indicators that name their product: a volume of crude oil needs no product match.
_INHERENT: Final = {
    "crude_oil_exports", "crude_oil_imports", "pipeline_gas_exports", "lng_exports",
    "lng_imports", "coal_exports", "pipeline_capacity",
    "share_of_crude_oil_exports", "lng_exports_growth", "lng_imports_growth",
    "hydrocarbon_share_of_gdp",
    "hydrocarbon_share_of_budget",
}  # fmt: skip
_SYMMETRIC: Final = {
    "trade_turnover", "national_currency_settlement",
    "national_currency_share_of_bilateral_settlement", "cny_share_of_bilateral_settlement",
    "rub_share_of_bilateral_settlement",
}  # fmt: skip
# Names of Europe in sources (Eurostat's EU, Gazprom's "Europe", a compiler's EUR): one party.
_ALIASES: Final = {"EUR": "EU", "Europe": "EU"}
# A's exports to B are B's imports from A: the same flow, declared by the other side.
_MIRROR: Final = {"crude_oil_exports": "crude_oil_imports", "exports": "imports",
                  "lng_exports": "lng_imports", "gas_export_price": "gas_import_price",
                  "lng_exports_growth": "lng_imports_growth"}  # fmt: skip
for _cur in ("usd", "cny", "rub", "eur"):  # a currency's share of A's exports to B = of B's imports
    for _kind in ("settlements", "invoicing"):
        _MIRROR[f"{_cur}_share_of_export_{_kind}"] = f"{_cur}_share_of_import_{_kind}"
_MIRROR.update({v: k for k, v in list(_MIRROR.items())})
_CURRENCY_WORDS: Final = (("yuan", "cny"), ("renminbi", "cny"), ("ruble", "rub"),
                          ("rouble", "rub"), ("dollar", "usd"), ("euro", "eur"))  # fmt: skip
_DIRECTED: Final = {"crude_oil_exports": "exports", "crude_oil_imports": "imports",
                    "lng_exports": "exports", "lng_imports": "imports"}  # fmt: skip
_CURRENCY_COUNTRY: Final = {"CNY": "CHN", "RUB": "RUS", "EUR": "EU"}
# A flow's product that names one route of it, so a part of the flow.
_ONE_ROUTE: Final = re.compile(
    r"\((?:transneft|[^)]*\b(?:route|transit|seaborne|by rail|by sea)\b)", re.IGNORECASE
)
# Indicators whose product may name a route (a pipeline).
_ROUTED: Final = {"pipeline_capacity", "pipeline_gas_exports"}
# Indicators whose other side is in their name, whoever else the sentence names.
_ISSUER: Final = {"us_treasury_holdings": "USA"}
# Measures of a stock at a date: the end-of-year value is the year's.
STOCKS: Final = {"debt_holdings", "fdi", "share_of_fdi", "share_of_reserves"}
# Indicators that measure a part of another: the yuan's share of settlements is at most the
# share of both national currencies, so it bounds that share from below.
_PART_OF: Final = {
    "national_currency_share_of_bilateral_settlement": (
        "cny_share_of_bilateral_settlement", "rub_share_of_bilateral_settlement"),
}  # fmt: skip
_PART_INDICATORS: Final = {i for parts in _PART_OF.values() for i in parts}


@dataclass(frozen=True, slots=True)
class Reference:
    """A value the claim can be compared with, in the claim's unit."""

    value: float
    source: str
    detail: str  # what it is: indicator, countries and period
    low: float | None = None
    high: float | None = None
    year: int | None = None
    period: str | None = None
    how: str = ""  # the conversion or arithmetic, to redo by hand
    bound: Bound | None = None  # a part (lower) or a whole (upper) of what the claim measures
    independent: bool = True
    tier: int = 3  # 1 statistical agency, 2 official statement, 3 commentator
    url: str | None = None

    @property
    def standing(self) -> str:
        return TIER_NAMES.get(self.tier, "")

    def meets(self, lo: float, hi: float) -> bool:
        """The claim's interval [lo, hi] is consistent with this reference."""
        ref_lo = self.low if self.low is not None else self.value
        ref_hi = self.high if self.high is not None else self.value
        if self.bound == "lower":
            return hi >= ref_lo
        if self.bound == "upper":
            return lo <= ref_hi
        return ref_hi >= lo and ref_lo <= hi

    def to_dict(self) -> dict[str, Any]:
        out = {k: getattr(self, k) for k in self.__dataclass_fields__}
        out["standing"] = self.standing
        return out


@dataclass(slots=True)
class Search:
    """What the store holds on a claim: references, near misses, and why there is none."""

    references: list[Reference] = field(default_factory=list)
    near: list[str] = field(default_factory=list)  # the same quantity for other periods
    elsewhere: list[Reference] = field(default_factory=list)  # …as references
    why: str = ""  # when no reference could be formed
    kind: str = ""  # the reason's group (see `asymmetry.claims.verify.REASONS`)


class References:
    """Reference search over one store for the claims of some documents."""

    def __init__(self, store: Store, claims: Iterable[Claim]) -> None:
        self.store = store
        frame = store.query("SELECT * FROM facts")
        frame["quote_norm"] = frame["quote"].fillna("").map(norm)
        frame["tier"] = [
            standing(str(s), u if isinstance(u, str) else None).tier
            for s, u in zip(frame["source"], frame["url"], strict=True)
        ]
        self.facts = frame
        self.texts: dict[str, str] = {}
        for c in claims:  # sentences that hold figures: where a document quotes itself
            self.texts[c.document] = self.texts.get(c.document, "") + " " + norm(c.sentence)
        self._profiles: dict[tuple[str, str, int], Any] = {}
        self._rates: dict[tuple[str, int], tuple[float, str] | None] = {}

    # -- the search -----------------------------------------------------------------------

    def search(self, claim: Claim, years: list[int | None]) -> Search:
        """References for ``claim`` in each candidate year (in order), see the module doc."""
        found = Search()
        pool = self._pool(claim)
        for year in years:
            found.references += self._fact_references(claim, pool, year, found)
            found.references += self._derived(claim, year)
        # the metrics engine on the best basis stands beside cited facts (it is computed
        # from the statistical agencies' own figures, so it often outranks what is stated)
        ref, why = self._profile_reference(claim)
        if ref is not None:
            found.references.append(ref)
        elif why[0] and not any(r.independent for r in found.references):
            found.why, found.kind = why
        elsewhere = self._near(claim, pool, years)
        found.elsewhere = [ref for _, ref in elsewhere if ref is not None]
        if not any(r.independent for r in found.references):
            found.near += [text for text, _ in elsewhere][:6]
        return found

    def _near(
        self, claim: Claim, pool: pd.DataFrame, years: list[int | None]
    ) -> list[tuple[str, Reference | None]]:
        """Independent figures of the same quantity for other periods, nearest year first:
        as text for a reason, and as a reference where it converts (to say which period a
        wrong figure would fit)."""
        if pool.empty:
            return []
        sentence, doc = norm(claim.sentence), self.texts.get(claim.document, "")
        out: list[tuple[str, Reference | None]] = []
        target = claim.year if claim.year is not None else claim.context_year or 9999
        distance = (pool["year"].astype("Float64") - target).abs().fillna(99)
        ordered = pool.assign(distance=distance).sort_values(["distance", "tier"], kind="stable")
        for row in ordered.itertuples():
            quote = str(row.quote_norm)
            if quote and (quote in sentence or quote in doc):
                continue
            if any(_same_period(claim, y, row) and _year(row) == y for y in years):
                continue  # a reference already, not a figure of another period
            conv = self._convert(claim, row, _year(row))
            if conv is None:
                continue
            text = _near(row)
            if all(text != t for t, _ in out):
                ref = _fact_reference(row, conv, own=None) if isinstance(conv, Converted) else None
                out.append((text, ref))
        return out

    def _pool(self, claim: Claim) -> pd.DataFrame:
        """Facts on the claim's indicators, countries and product (any period), each row
        with its value converted to the claim's unit (`conv`) and its product relation."""
        facts = self.facts
        indicators = indicators_for(claim)
        direct = facts[facts["indicator"].isin(indicators)]
        mirrored_names = [_MIRROR[i] for i in indicators if i in _MIRROR]
        mirrored = facts[facts["indicator"].isin(mirrored_names)]
        mirrored = mirrored.assign(country=mirrored["partner"], partner=mirrored["country"])
        pool = pd.concat([direct.assign(mirrored=False), mirrored.assign(mirrored=True)])
        pool = self.same_parties(pool, claim)
        if pool.empty:
            return pool
        relation = [self._product_relation(claim, r) for r in pool.itertuples()]
        pool = pool.assign(relation=pd.Series(relation, index=pool.index, dtype=object))
        return pool[pool["relation"].notna()]

    def _fact_references(
        self, claim: Claim, pool: pd.DataFrame, year: int | None, found: Search
    ) -> list[Reference]:
        if pool.empty:
            return []
        sentence = norm(claim.sentence)
        doc = self.texts.get(claim.document, "")
        if year is None and claim.measure == "capacity":
            same_year = pool  # a pipeline's capacity is its design figure, whenever cited
        elif year is None:
            same_year = pool[pool["year"].isna()]
        elif claim.period and re.fullmatch(r"\d{4}-\d{4}", claim.period) and year == claim.year:
            # a span ("2018-19") is keyed by its text: a source may file it under either year
            spans = pool["period"].fillna("").str.replace("..", "-", regex=False)
            same_year = pool[spans == claim.period]
        else:
            same_year = pool[pool["year"] == year]
        out = []
        for row in same_year.itertuples():
            quote = str(row.quote_norm)
            own = None
            if quote and quote in sentence:
                own = "quoted from this sentence"
            elif quote and quote in doc:
                own = "stated elsewhere in this document"
            conv = self._convert(claim, row, year)
            if conv is None:
                continue  # another unit of measure (value, not volume)
            if not _same_period(claim, year, row):
                continue
            if isinstance(conv, str):
                found.near.append(f"{_near(row)} ({conv})")
                continue
            out.append(_fact_reference(row, conv, own=own))
        return out

    # -- derived references ---------------------------------------------------------------

    def _derived(self, claim: Claim, year: int | None) -> list[Reference]:
        """Arithmetic on cited facts (`asymmetry.claims.derived`)."""
        from asymmetry.claims.derived import derived_references

        return [] if year is None else derived_references(self, claim, year)

    def _profile_reference(self, claim: Claim) -> tuple[Reference | None, tuple[str, str]]:
        """Turnover, partner and product shares on the best basis for the claim's year
        (goods flows, else official aggregates; never ICIO intermediate inputs)."""
        from asymmetry.metrics.profile import profile

        keys = {"share_of_imports": "imports", "share_of_exports": "exports",
                "share_of_trade": "trade"}  # fmt: skip
        if claim.measure not in (*keys, "trade_turnover"):
            return None, ("", "")
        if claim.country is None or claim.partner is None or claim.year is None:
            return None, (
                "the claim names no pair of countries and year to compute it for",
                "no_pair",
            )
        if ctx.is_partial(claim.period):
            return None, (f"no figure for the part-year {claim.period}", "no_period")
        key3 = (claim.country, claim.partner, claim.year)
        if key3 not in self._profiles:
            try:
                self._profiles[key3] = profile(
                    self.store, *key3[:2], year=key3[2], source="auto", series=False
                )
            except AsymmetryError as exc:
                self._profiles[key3] = exc
        p = self._profiles[key3]
        if isinstance(p, AsymmetryError):
            return None, (f"no goods flows or official aggregates to compute it: {p}", "no_flows")
        if p.source == "icio" or p.year != claim.year:
            return None, (
                f"no goods flows or official aggregates for {claim.country}-{claim.partner} in "
                f"{claim.year} (ICIO intermediate inputs are not the same quantity); "
                "run `asymmetry fetch baci` for goods flows",
                "no_flows",
            )
        if claim.product and share_within_product(claim):
            # "20% of China's crude oil imports": a partner's share of one product's trade
            return None, (
                f"no figure on {claim.partner}'s share of {claim.country}'s "
                f"{keys[claim.measure]} of HS {claim.product} in {claim.year}; run "
                "`asymmetry fetch baci` for goods flows by product",
                "no_flows",
            )
        if claim.product:
            return self._composition_reference(claim, p, keys)
        key = "turnover" if claim.measure == "trade_turnover" else f"b_in_a_{keys[claim.measure]}"
        figure = p.figures.get(key)
        doc = self.texts.get(claim.document, "")
        if figure is not None and any(norm(q) in doc for q in figure.get("quotes", ()) if q):
            return None, (
                "the only figures to compute it from are quoted by this document itself",
                "no_independent",
            )
        how = figure["rule"] if figure else f"{p.basis}, {p.dataset}, {p.year}"
        source = "metrics: pair profile" if figure is None else f"{p.basis}: {figure['source']}"
        where = dict(year=claim.year, period=str(claim.year), tier=1, how=how)
        if claim.measure == "trade_turnover":
            if claim.unit != "USD":
                return None, ("turnover is computed in USD only", "no_rate")
            if p.turnover_usd is None:
                why = p.cannot.get("turnover", "no turnover for the year")
                return None, (why, "no_figure")
            detail = f"turnover {claim.country}-{claim.partner} {claim.year}"
            return Reference(p.turnover_usd, source, detail, **where), ("", "")  # type: ignore[arg-type]
        share = p.shares[key]
        if share is None:
            why = p.cannot.get(key, f"{claim.country} has no {keys[claim.measure]} in {claim.year}")
            return None, (why, "no_figure")
        value = share * (100.0 if claim.unit == "percent" else 1.0)
        detail = f"{claim.partner} in {claim.country}'s {keys[claim.measure]} {claim.year}"
        return Reference(value, source, detail, **where), ("", "")  # type: ignore[arg-type]

    def _composition_reference(
        self, claim: Claim, p: Any, keys: dict[str, str]
    ) -> tuple[Reference | None, tuple[str, str]]:
        """A product's share of one direction's trade, from the profile's composition."""
        side = keys.get(claim.measure)
        if side not in ("exports", "imports") or claim.product is None:
            return None, ("", "")
        direction = "a_to_b" if side == "exports" else "b_to_a"
        entries = p.composition.get(direction, [])
        best: tuple[int, dict[str, Any], Bound | None] | None = None
        for entry in entries:
            relation = relate(claim.product, str(entry.get("code", "")))
            if relation is None:
                continue
            bound: Bound | None = None if relation == "same" else relation
            rank = 0 if bound is None else 1
            if best is None or rank < best[0]:
                best = (rank, entry, bound)
        if best is None:
            have = ", ".join(str(e.get("name")) for e in entries) or "no product figures"
            return None, (
                f"no figure for HS {claim.product} in {claim.country}'s {side} with "
                f"{claim.partner} in {claim.year} (the figures name: {have}); "
                "run `asymmetry fetch baci` for every product",
                "no_figure",
            )
        _, entry, bound = best
        scale = 100.0 if claim.unit == "percent" else 1.0
        return Reference(
            float(entry["share"]) * scale,
            f"{p.basis}: {entry['source']}",
            f"{entry['name']} in {claim.country}'s {side} with {claim.partner} {claim.year}",
            year=claim.year,
            period=str(claim.year),
            how=str(entry.get("how", "")),
            bound=bound,
            tier=standing(str(entry["source"])).tier,
        ), ("", "")

    # -- helpers ----------------------------------------------------------------------------

    def indicator_rows(self, indicator: str) -> pd.DataFrame:
        facts = self.facts
        direct = facts[facts["indicator"] == indicator]
        mirror = _MIRROR.get(indicator)
        if mirror is None:
            return direct
        other = facts[facts["indicator"] == mirror]
        other = other.assign(country=other["partner"], partner=other["country"])
        return pd.concat([direct, other])

    def same_parties(self, pool: pd.DataFrame, claim: Claim) -> pd.DataFrame:
        if pool.empty:
            return pool
        if claim.measure == "exchange_rate":
            currency = claim.unit.split(" per ")[0]
            return pool[pool["country"] == _CURRENCY_COUNTRY.get(currency)]
        country, partner = _party(claim.country), _party(claim.partner)
        if country is None:
            return pool.iloc[0:0]
        pool = pool.assign(country=pool["country"].map(_party), partner=pool["partner"].map(_party))
        symmetric = pool["indicator"].isin(_SYMMETRIC)
        price = pool["indicator"].isin(["gas_export_price", "gas_import_price"])
        to_partner = pool["partner"].isna() if partner is None else pool["partner"] == partner
        if partner is None and claim.measure == "price":
            to_partner = pd.Series(True, index=pool.index)  # "Turkmen gas was $210": to anyone
        issuer = pool["indicator"].map(_ISSUER)
        # "Russia's holdings of US Treasuries": the indicator names the other side
        to_partner = to_partner.where(issuer.isna(), pool["partner"] == issuer)
        direct = (pool["country"] == country) & to_partner
        swapped = (symmetric | price) & (pool["country"] == partner) & (pool["partner"] == country)
        matched: pd.DataFrame = pool[direct | swapped]
        return matched

    def _product_relation(self, claim: Claim, row: Any) -> str | None:
        """How the fact's product relates to the claim's: same, lower (a part), upper (a whole)."""
        indicator = str(row.indicator)
        if indicator in _PART_INDICATORS and claim.measure == "settlement_currency_share":
            return "lower"
        if indicator in ("gas_export_price", "gas_import_price"):
            # LNG and pipeline gas are priced apart: the claim's sentence says which
            lng_claim = ctx.is_lng(claim.sentence)
            lng_fact = isinstance(row.product, str) and is_lng_product(row.product)
            return "same" if lng_claim == lng_fact else None
        if indicator in _ROUTED and claim.route and isinstance(row.product, str):
            named = ctx.route(row.product)
            if named is not None:  # "Power of Siberia 2" is not the first line
                return "same" if named == claim.route else None
        if indicator in _INHERENT:
            # "crude oil (Transneft pipelines)", "(TurkStream route)": one route's part of it
            part = isinstance(row.product, str) and _ONE_ROUTE.search(row.product)
            return "lower" if part else "same"
        fact_product = row.product if isinstance(row.product, str) and row.product else None
        if claim.product is None:
            return "same" if fact_product is None else None
        if fact_product is None:
            # "share_of_imports" of one product is not the partner's share of all trade
            return None if indicator.startswith("partner_share") or indicator in (
                "exports", "imports", "trade_turnover") else "same"  # fmt: skip
        mapped = product_group(fact_product)
        code = mapped[1] if mapped else fact_product
        return relate(claim.product, code)

    def _convert(self, claim: Claim, row: Any, year: int | None) -> Converted | str | None:
        low = None if pd.isna(row.low) else float(row.low)
        high = None if pd.isna(row.high) else float(row.high)
        period = row.period if isinstance(row.period, str) else None
        return convert(
            float(row.value), low, high, str(row.unit), claim.unit,
            year=None if pd.isna(row.year) else int(row.year), period=period,
            product=str(row.product) if isinstance(row.product, str) else str(row.indicator),
            rate=self.rate,
        )  # fmt: skip

    def rate(self, currency: str, year: int) -> tuple[float, str] | None:
        """The year's average ``currency`` per USD, from an `exchange_rate` fact."""
        key = (currency, year)
        if key not in self._rates:
            facts = self.facts
            rows = facts[
                (facts["indicator"] == "exchange_rate")
                & (facts["unit"] == f"{currency} per USD")
                & (facts["year"] == year)
                & (facts["period"].isna() | (facts["period"] == str(year)))
            ].sort_values("tier", kind="stable")
            self._rates[key] = (
                None
                if rows.empty
                else (float(rows.iloc[0]["value"]), agency_of(str(rows.iloc[0]["source"])))
            )
        return self._rates[key]


def indicators_for(claim: Claim) -> tuple[str, ...]:
    """The fact indicators that state what ``claim`` measures (direction-aware)."""
    if claim.measure == "settlement_currency_share":
        return _settlement_indicators(claim)
    if claim.measure in ("share_of_exports", "share_of_imports") and claim.product:
        side = claim.measure.split("_")[-1]
        if share_within_product(claim):
            oil = claim.product in ("27", "2709")
            return (f"share_of_crude_oil_{side}",) if oil else ()
        return (f"product_share_of_{side}",)
    if claim.measure == "growth":
        lng = ctx.is_lng(claim.sentence)
        return ("lng_exports_growth", "lng_imports_growth") if lng else ()
    if claim.measure == "gas_volume":  # pipeline gas unless the sentence says LNG
        lng = ctx.is_lng(claim.sentence)
        return ("lng_exports", "lng_imports") if lng else ("pipeline_gas_exports",)
    found = INDICATORS.get(claim.measure, ())
    direction = claim.direction
    if direction in ("exports", "imports") and any(i in _DIRECTED for i in found):
        return tuple(i for i in found if _DIRECTED.get(i, direction) == direction)
    return found


def _settlement_indicators(claim: Claim) -> tuple[str, ...]:
    """A currency's share of a country's export or import payments (`{cur}_share_of_export_
    settlements`; "invoicing" is the same statistic) or of the pair's settlements."""
    s = claim.sentence.lower()
    if "national currenc" in s:
        return ("national_currency_share_of_bilateral_settlement",
                *_PART_OF["national_currency_share_of_bilateral_settlement"])  # fmt: skip
    currency = next((code for word, code in _CURRENCY_WORDS if word in s), None)
    if currency is None:
        return ()
    if claim.direction in ("exports", "imports"):
        side = claim.direction[:-1]
        return (f"{currency}_share_of_{side}_settlements", f"{currency}_share_of_{side}_invoicing")
    return (f"{currency}_share_of_bilateral_settlement",)


def relate(claim_code: str, fact_code: str) -> Bound | Literal["same"] | None:
    """ "same" when two product codes cover the same goods; "lower" when the fact's goods are
    a part of the claim's (crude oil 2709 within fuels 27); "upper" when they contain them."""
    outer, inner = _prefixes(claim_code), _prefixes(fact_code)
    if not outer or not inner:
        return None
    inner_in = all(any(i.startswith(o) for o in outer) for i in inner)
    outer_in = all(any(o.startswith(i) for i in inner) for o in outer)
    if inner_in and outer_in:
        return "same"
    if inner_in:
        return "lower"
    if outer_in:
        return "upper"
    return None


def _prefixes(code: str) -> list[str]:
    """HS prefixes of a code: "25-27" -> 25, 26, 27; "2709+2711" -> 2709, 2711."""
    out: list[str] = []
    for part in code.split("+"):
        m = re.fullmatch(r"(\d{2,6})(?:-(\d{2,6}))?", part.strip())
        if not m:
            return []
        if m[2] and len(m[1]) == len(m[2]):
            out += [str(n).zfill(len(m[1])) for n in range(int(m[1]), int(m[2]) + 1)]
        else:
            out.append(m[1])
    return out


def share_within_product(claim: Claim) -> bool:
    """ "45% of Russian oil exports went to China" (a partner's share of one product's
    exports), not "oil is three-fourths of exports to China" (a product's share)."""
    after = claim.sentence[claim.end : claim.end + 60]
    m = re.match(r"\s*of\s+([\w’' -]{0,40}?)\s*(?:exports|imports)", after)
    return bool(m and ctx.product(m[1]))


def with_measure(claim: Claim, measure: str) -> Claim:
    from dataclasses import replace

    return replace(claim, measure=measure)


def _same_period(claim: Claim, year: int | None, row: Any) -> bool:
    """The fact's period is the claim's: the same part of the year, or both the whole year."""
    period = row.period if isinstance(row.period, str) and row.period else None
    if year is None:
        return True
    claim_period = claim.period if claim.year == year else str(year)
    if claim_period is not None and ctx.is_partial(claim_period):
        return period == claim_period
    annual = period is None or period == str(year)
    if claim.measure in STOCKS and period in (f"{year}-12", f"{year}-12-31"):
        annual = True  # a stock "in 2019" is its value at the end of 2019
    if claim_period and re.fullmatch(r"\d{4}-\d{4}", claim_period):  # a span: "2014-2018"
        return period is not None and period.replace("..", "-") == claim_period
    return annual


def _fact_reference(row: Any, conv: Converted, *, own: str | None) -> Reference:
    where = f"{str(row.indicator).replace('_', ' ')} {row.country}" + (
        f"-{row.partner}" if isinstance(row.partner, str) else ""
    )
    if isinstance(row.product, str) and row.product and str(row.indicator) not in _INHERENT:
        where += f" ({row.product})"
    period = row.period if isinstance(row.period, str) else (
        None if pd.isna(row.year) else str(int(row.year)))  # fmt: skip
    mirrored = " (declared by the partner)" if row.mirrored else ""
    relation = str(row.relation)
    return Reference(
        conv.value,
        str(row.source) + (f" — {own}" if own else ""),
        f"{where}, {period}{mirrored}",
        conv.low,
        conv.high,
        year=None if pd.isna(row.year) else int(row.year),
        period=period,
        how=conv.how,
        bound=None if relation == "same" else relation,  # type: ignore[arg-type]
        independent=own is None,
        tier=int(row.tier),
        url=url_of(row.url),
    )


def _near(row: Any) -> str:
    period = row.period if isinstance(row.period, str) else row.year
    return f"{written(float(row.value), str(row.unit))} for {period} ({agency_of(str(row.source))})"


def _party(code: object) -> Any:
    """A party's code as compared: aliases of Europe merged, a group's members sorted."""
    if not isinstance(code, str):
        return code
    return "+".join(sorted(_ALIASES.get(c, c) for c in code.split("+")))


def is_lng_product(text: str) -> bool:
    """LNG by name or HS code (2711 11: liquefied natural gas; 2711 21 is gas in pipes)."""
    return "lng" in text.lower() or text.strip().startswith("271111")


def agencies_of(*names: object) -> str:
    """The agencies of a computed reference, each once: "China GAC", "Bank of Russia; Minfin"."""
    return "; ".join(dict.fromkeys(agency_of(str(n)) for n in names))


def _year(row: Any) -> int | None:
    return None if pd.isna(row.year) else int(row.year)


def url_of(value: object) -> str | None:
    return value if isinstance(value, str) and value else None


def norm(text: str) -> str:
    """Text compared for quoting: quotes and spaces unified, lower case."""
    return re.sub(r"\s+", " ", text.replace("’", "'").replace("“", '"').replace("”", '"')).lower()


__all__ = ["Reference", "References", "Search", "base_unit", "indicators_for", "relate"]
