"""Verify claims against the store: cited facts, and figures the metrics engine computes.

For each claim the checker looks for a reference value of the same measure,
countries and period: first a cited fact from *another* source (a fact quoted
from the very sentence being checked would prove nothing), then a ratio of two
cited facts (settlement in national currencies / bilateral trade), then the
metrics engine on loaded goods flows (turnover, partner shares, product shares).
The verdict compares the reference with the claim's tolerance interval
(`asymmetry.claims.tolerance`). Without a reference the claim is `unverifiable`
and the reason says what is missing.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import asdict, dataclass
from typing import Any, Final, Literal

import pandas as pd

from asymmetry.claims import context as ctx
from asymmetry.claims.extract import Claim
from asymmetry.claims.tolerance import interval
from asymmetry.errors import AsymmetryError
from asymmetry.store.store import Store

Verdict = Literal["consistent", "discrepant", "unverifiable"]

# Claim measure -> fact indicators that state the same thing.
_INDICATORS: Final[dict[str, tuple[str, ...]]] = {
    "trade_turnover": ("trade_turnover",),
    "share_of_imports": ("partner_share_of_imports",),
    "share_of_exports": ("partner_share_of_exports",),
    "share_of_trade": ("partner_share_of_trade",),
    "oil_volume": ("crude_oil_exports", "crude_oil_imports"),
    "gas_volume": ("pipeline_gas_exports",),
    "capacity": ("pipeline_capacity",),
    "price": ("gas_export_price",),
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
    "growth": ("lng_exports_growth",),
}
_SYMMETRIC: Final = {"trade_turnover", "national_currency_settlement"}
# A's exports to B are B's imports from A: the same flow, declared by the other side.
_MIRROR: Final = {"crude_oil_exports": "crude_oil_imports", "exports": "imports"}
_MIRROR.update({v: k for k, v in list(_MIRROR.items())})
# Fact units -> (claim unit, factor).
_UNITS: Final[dict[str, tuple[str, float]]] = {
    "USD bn": ("USD", 1e9), "USD": ("USD", 1.0), "USD mn": ("USD", 1e6),
    "percent": ("percent", 1.0), "mb/d": ("b/d", 1e6), "b/d": ("b/d", 1.0),
    "bcm": ("m3", 1e9), "bcm/yr": ("m3", 1e9), "USD per 1000 m3": ("USD per 1000 m3", 1.0),
    "CNY per USD": ("CNY per USD", 1.0), "RUB per USD": ("RUB per USD", 1.0),
}  # fmt: skip
_CURRENCY_COUNTRY: Final = {"CNY": "CHN", "RUB": "RUS", "EUR": "EU", "USD": "USA"}


@dataclass(frozen=True, slots=True)
class Reference:
    """The value a claim was checked against, in the claim's unit."""

    value: float
    source: str
    detail: str  # indicator, countries and period of the reference
    low: float | None = None
    high: float | None = None


@dataclass(frozen=True, slots=True)
class CheckedClaim:
    """A claim with its verdict; `gap` = claim value - reference value (claim unit)."""

    claim: Claim
    verdict: Verdict
    reason: str
    reference: Reference | None = None

    @property
    def gap(self) -> float | None:
        return None if self.reference is None else self.claim.value - self.reference.value

    def to_dict(self) -> dict[str, Any]:
        c = self.claim
        return {
            "id": c.id,
            "document": c.document,
            "quote": c.quote,
            "sentence": c.sentence,
            "value": c.value,
            "low": c.low,
            "high": c.high,
            "unit": c.unit,
            "hedge": c.hedge,
            "year": c.year,
            "period": c.period,
            "subject": c.measure,
            "country": c.country,
            "partner": c.partner,
            "actors": list(c.actors),
            "direction": c.direction,
            "product": c.product,
            "verdict": self.verdict,
            "reason": self.reason,
            "reference": None if self.reference is None else asdict(self.reference),
            "gap": self.gap,
        }


def verify(store: Store, claims: Iterable[Claim]) -> list[CheckedClaim]:
    """Check each claim against the store's facts and flows; see the module docstring."""
    claims = list(claims)
    facts = _facts(store)
    texts = {c.document: "" for c in claims}
    for c in claims:  # sentences that hold figures: where a document quotes itself
        texts[c.document] += " " + _norm(c.sentence)
    has_flows = bool(store.scalar("SELECT count(*) > 0 FROM (SELECT 1 FROM flows LIMIT 1)"))
    profiles: dict[tuple[str, str, int], Any] = {}  # one profile per pair and year
    return [_check(store, c, facts, texts[c.document], has_flows, profiles) for c in claims]


def _facts(store: Store) -> pd.DataFrame:
    frame = store.query("SELECT * FROM facts")
    frame["quote_norm"] = frame["quote"].fillna("").map(_norm)
    return frame


def _norm(text: str) -> str:
    return re.sub(r"\s+", " ", text.replace("’", "'").replace("“", '"').replace("”", '"')).lower()


def _check(
    store: Store,
    claim: Claim,
    facts: pd.DataFrame,
    doc_text: str,
    has_flows: bool,
    profiles: dict[tuple[str, str, int], Any],
) -> CheckedClaim:
    lo, hi = interval(
        claim.value,
        unit=claim.unit,
        decimals=claim.decimals,
        hedge=claim.hedge,
        low=claim.low,
        high=claim.high,
    )
    pool = _matching_facts(claim, facts)
    refs = [
        r
        for year in _candidate_years(claim)
        for r in (
            _fact_reference(claim, pool, doc_text, year),
            _derived_reference(claim, facts, year),
        )
        if r is not None
    ]
    why_not = ""
    if not refs:
        flow_ref, why_not = _flow_reference(store, claim, doc_text, profiles)
        refs = [flow_ref] if flow_ref else []
    if not refs:
        reason = why_not or _why_unverifiable(claim, has_flows)
        if _only_self_quoted(claim, pool):
            reason = "the only fact on it is this sentence itself (no independent source)"
        return CheckedClaim(claim, "unverifiable", reason)
    shown = f"{lo:,.4g} to {hi:,.4g}".replace("inf", "∞")
    # A year read from the paragraph is a guess: any candidate year's reference may confirm it.
    for ref in refs:
        ref_lo = ref.low if ref.low is not None else ref.value
        ref_hi = ref.high if ref.high is not None else ref.value
        if ref_hi >= lo and ref_lo <= hi:
            return CheckedClaim(
                claim, "consistent", f"reference {ref.value:,.4g} within {shown}", ref
            )
    ref = refs[0]
    rel = (claim.value - ref.value) / ref.value if ref.value else float("nan")
    return CheckedClaim(
        claim,
        "discrepant",
        f"reference {ref.value:,.4g} {claim.unit} outside {shown}; the claim is {rel:+.0%} off",
        ref,
    )


def _candidate_years(claim: Claim) -> list[int | None]:
    if claim.year is None:
        # No year in the sentence: undated facts, then the paragraph's year and the one before.
        near = claim.context_year
        return [None] if near is None else [None, near, near - 1]
    # A year read from the paragraph may be the year of writing: the latest full year before it.
    return [claim.year] if claim.year_stated else [claim.year, claim.year - 1]


def _matching_facts(claim: Claim, facts: pd.DataFrame) -> pd.DataFrame:
    """Facts on the claim's indicator, unit, countries and product (any year)."""
    indicators = _indicators(claim)
    mirrored = facts[facts["indicator"].isin([_MIRROR[i] for i in indicators if i in _MIRROR])]
    mirrored = mirrored.assign(country=mirrored["partner"], partner=mirrored["country"])
    pool = pd.concat([facts[facts["indicator"].isin(indicators)], mirrored])
    pool = pool[pool["unit"].map(lambda u: _UNITS.get(u, ("", 0.0))[0] == claim.unit).astype(bool)]
    pool = _same_parties(pool, claim)
    if claim.product and not pool.empty:
        product = claim.product
        pool = pool[pool["product"].map(lambda p: _product_matches(p, product)).astype(bool)]
    elif not pool.empty and claim.measure.startswith("share_of_"):
        # A share of all trade is not a share of one product's trade.
        pool = pool[pool["product"].isna()]
    # A partial year (January-October) or a point in time is not the year's figure.
    annual = pool["period"].isna() | (pool["period"] == pool["year"].astype("string"))
    return pool[annual.fillna(True).astype(bool)]


def _only_self_quoted(claim: Claim, pool: pd.DataFrame) -> bool:
    """Every matching fact (for the claim's year) quotes the claim's own sentence."""
    if claim.year is not None:
        pool = pool[pool["year"] == claim.year]
    sentence = _norm(claim.sentence)
    return not pool.empty and bool(
        pool["quote_norm"].map(lambda q: bool(q) and q in sentence).all()
    )


def _fact_reference(
    claim: Claim, pool: pd.DataFrame, doc_text: str, year: int | None
) -> Reference | None:
    """The best fact of ``pool`` (see `_matching_facts`) for ``year``, independent first."""
    sentence = _norm(claim.sentence)
    pool = pool[pool["quote_norm"].map(lambda q: not q or q not in sentence).astype(bool)]
    hits = pool[pool["year"].isna()] if year is None else pool[pool["year"] == year]
    if hits.empty:
        return None
    # Independent sources first: a figure the document itself states elsewhere comes last.
    own = hits["quote_norm"].map(lambda q: bool(q) and q in doc_text).astype(bool)
    hits = hits.assign(own=own).sort_values("own", kind="stable")
    row = hits.iloc[0]
    return _reference_from_fact(row, claim.unit, own_document=bool(row["own"]))


def _indicators(claim: Claim) -> tuple[str, ...]:
    if claim.measure == "settlement_currency_share":
        s = claim.sentence.lower()
        if "yuan" in s:
            return ("cny_share_of_bilateral_settlement",)
        if "ruble" in s:
            return ("rub_share_of_import_invoicing",)
        if "dollar" in s:
            return ("usd_share_of_export_invoicing", "usd_share_of_import_invoicing")
        return ()
    if claim.measure in ("share_of_exports", "share_of_imports") and claim.product:
        within = _share_within_product(claim)
        side = claim.measure.split("_")[-1]
        if within:
            return (f"share_of_crude_oil_{side}",) if claim.product == "27" else ()
        return (f"product_share_of_{side}",)
    return _INDICATORS.get(claim.measure, ())


def _share_within_product(claim: Claim) -> bool:
    """ "45% of Russian oil exports went to China" (a partner's share of one product's
    exports), not "oil is three-fourths of exports to China" (a product's share)."""
    after = claim.sentence[claim.end : claim.end + 60]
    m = re.match(r"\s*of\s+([\w’' -]{0,40}?)\s*(?:exports|imports)", after)
    return bool(m and ctx.product(m[1]))


def _same_parties(pool: pd.DataFrame, claim: Claim) -> pd.DataFrame:
    if pool.empty:
        return pool
    if claim.measure == "exchange_rate":
        currency = claim.unit.split(" per ")[0]
        return pool[pool["country"] == _CURRENCY_COUNTRY.get(currency)]
    country, partner = claim.country, claim.partner
    if country is None:
        return pool.iloc[0:0]
    symmetric = pool["indicator"].isin(_SYMMETRIC)
    direct = (pool["country"] == country) & (pool["partner"].isna() | (pool["partner"] == partner))
    swapped = symmetric & (pool["country"] == partner) & (pool["partner"] == country)
    return pool[direct | swapped]


def _product_matches(fact_product: object, product: str) -> bool:
    if not isinstance(fact_product, str) or not fact_product:
        return True
    return fact_product.startswith(product) or product in fact_product


def _reference_from_fact(row: pd.Series, unit: str, *, own_document: bool) -> Reference:
    _, factor = _UNITS[str(row["unit"])]

    def conv(x: Any) -> float | None:
        return None if x is None or pd.isna(x) else float(x) * factor

    value = conv(row["value"])
    assert value is not None
    where = f"{row['indicator']} {row['country']}" + (
        f"-{row['partner']}" if isinstance(row["partner"], str) else ""
    )
    period = row["period"] if isinstance(row["period"], str) else row["year"]
    source = str(row["source"]) + (" (stated elsewhere in this document)" if own_document else "")
    return Reference(value, source, f"{where}, {period}", conv(row["low"]), conv(row["high"]))


def _derived_reference(claim: Claim, facts: pd.DataFrame, year: int | None) -> Reference | None:
    """A share as the ratio of two cited amounts: settlement in national currencies / trade."""
    if claim.measure != "settlement_currency_share" or "national currenc" not in claim.sentence:
        return None
    if year is None:
        return None
    part = facts[(facts["indicator"] == "national_currency_settlement") & (facts["year"] == year)]
    whole = facts[(facts["indicator"] == "trade_turnover") & (facts["year"] == year)]
    whole = whole[whole["source"].isin(part["source"])] if not part.empty else whole
    if part.empty or whole.empty:
        return None
    p, w = part.iloc[0], whole.iloc[0]
    share = 100.0 * float(p["value"]) / float(w["value"])
    return Reference(
        share,
        str(p["source"]),
        f"national_currency_settlement / trade_turnover, {year}: "
        f"{p['value']:g} / {w['value']:g} {w['unit']}",
    )


def _flow_reference(
    store: Store, claim: Claim, doc_text: str, profiles: dict[tuple[str, str, int], Any]
) -> tuple[Reference | None, str]:
    """Turnover and partner shares on the best basis for the claim's year (goods flows,
    else official aggregates; never ICIO intermediate inputs), with the arithmetic."""
    from asymmetry.metrics.profile import profile

    keys = {"share_of_imports": "imports", "share_of_exports": "exports", "share_of_trade": "trade"}
    if claim.measure not in (*keys, "trade_turnover") or claim.product:
        return None, ""
    if claim.country is None or claim.partner is None or claim.year is None:
        return None, "the claim names no pair of countries and year to compute it for"
    key3 = (claim.country, claim.partner, claim.year)
    if key3 not in profiles:
        try:
            profiles[key3] = profile(store, *key3[:2], year=claim.year, source="auto")
        except AsymmetryError as exc:
            profiles[key3] = exc
    p = profiles[key3]
    if isinstance(p, AsymmetryError):
        return None, f"no goods flows or official aggregates to compute it: {p}"
    if p.source == "icio" or p.year != claim.year:
        return None, (
            f"no goods flows or official aggregates for {claim.country}-{claim.partner} in "
            f"{claim.year} (ICIO intermediate inputs are not the same quantity)"
        )
    key = "turnover" if claim.measure == "trade_turnover" else f"b_in_a_{keys[claim.measure]}"
    figure = p.figures.get(key)
    if figure is not None and any(_norm(q) in doc_text for q in figure.get("quotes", ()) if q):
        return None, "the only figures to compute it from are quoted by this document itself"
    how = figure["rule"] if figure else f"{p.basis}, {p.dataset}, {p.year}"
    source = "metrics: pair profile" if figure is None else f"{p.basis}: {figure['source']}"
    if claim.measure == "trade_turnover":
        if claim.unit != "USD":
            return None, "turnover computed in USD only"
        if p.turnover_usd is None:
            return None, p.cannot.get("turnover", "no turnover for the year")
        return Reference(p.turnover_usd, source, f"turnover {claim.year}: {how}"), ""
    share = p.shares[key]
    if share is None:
        return None, p.cannot.get(
            key, f"{claim.country} has no {keys[claim.measure]} in {claim.year}"
        )
    value = share * (100.0 if claim.unit == "percent" else 1.0)
    return Reference(value, source, f"{claim.partner} in {claim.country} "
                     f"{keys[claim.measure]} {claim.year}: {how}"), ""  # fmt: skip


def _why_unverifiable(claim: Claim, has_flows: bool) -> str:
    if claim.measure in ("quantity", "share", "money", "multiple"):
        return "what is measured could not be told from the sentence"
    if not _indicators(claim) and claim.measure not in ("share_of_trade",):
        return f"no data source covers '{claim.measure.replace('_', ' ')}'"
    if claim.country is None:
        return "the sentence names no country"
    year = f" for {claim.year}" if claim.year else " (no year stated)"
    flows = (
        ""
        if has_flows
        else "; no goods flows are loaded (the ICIO network is intermediate inputs, 2022)"
    )
    return f"no fact on {claim.measure.replace('_', ' ')} of {claim.country}{year}{flows}"
