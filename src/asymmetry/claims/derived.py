"""References computed from several cited facts: the arithmetic a reader would do by hand.

- a ratio of two amounts of the same year (`_RATIOS`: national-currency settlement over the
  pair's turnover, oil-and-gas revenue over all federal revenue, a partner's FDI over all FDI);
- a year-on-year change from two annual figures of the same flow (LNG 2023 / LNG 2022 - 1);
- a gas price as value over volume (China's import value over its volume, or the seller's
  revenue over its deliveries, at the year's stored exchange rate);
- a product's share of the exports to a partner, from the partner's share of the product's
  exports and the product's total exports.

Each states its arithmetic in `Reference.how` and takes the weakest standing of its inputs.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Final

import pandas as pd

from asymmetry.claims import context as ctx
from asymmetry.claims.extract import Claim
from asymmetry.claims.references import (
    Reference,
    agencies_of,
    is_lng_product,
    relate,
    share_within_product,
    url_of,
    with_measure,
)
from asymmetry.claims.units import Converted, convert, written

if TYPE_CHECKING:
    from asymmetry.claims.references import References

# Shares computed from two cited amounts: measure -> (words the sentence needs, part, whole).
# The whole is the pair's (settlement / the pair's turnover) or the country's total (a
# partner's FDI / all FDI in the country; oil-and-gas revenue / all budget revenue).
_RATIOS: Final = {
    "settlement_currency_share": (r"national currenc", "national_currency_settlement",
                                  "trade_turnover", "pair"),
    "share_of_budget": ("", "oil_gas_budget_revenue", "federal_budget_revenue", "total"),
    "share_of_fdi": ("", "fdi_stock", "fdi_stock", "total"),
}  # fmt: skip
# What a growth rate is the growth of, by the words around it; most specific first.
_GROWTH_OF: Final = (
    (r"\bLNG\b|liquefied", "lng_exports"),
    (r"crude|\boil\b", "crude_oil_exports"),
    (r"pipeline|\bgas\b", "pipeline_gas_exports"),
    (r"turnover|\btrade\b", "trade_turnover"),
    (r"export", "exports"),
    (r"import", "imports"),
)
# A gas price from a value and a volume of the same flow and year.
_PRICE_VALUES: Final = ("gas_imports_value", "pipeline_gas_export_revenue", "lng_export_revenue")
_PRICE_VOLUMES: Final = ("gas_imports_volume", "pipeline_gas_exports", "lng_exports", "lng_imports")


def product_share(refs: References, claim: Claim, year: int) -> Reference | None:
    """A product's share of the exports to a partner, when no one states the product's
    value to that partner: the partner's share of the product's exports times the
    product's exports over the exports to the partner (share and product value from the
    same source first; China took 39.4% of Russia's USD 8.6 bn of timber exports, of
    USD 61.05 bn)."""
    if (
        claim.measure != "share_of_exports"
        or claim.product is None
        or claim.partner is None
        or claim.unit != "percent"
        or share_within_product(claim)
    ):
        return None
    facts = refs.facts[(refs.facts["year"] == year) & (refs.facts["period"] == str(year))]
    doc = refs.texts.get(claim.document, "")
    facts = facts[facts["quote_norm"].map(lambda q: not q or q not in doc).astype(bool)]
    product = facts["product"].fillna("").map(lambda p: relate(claim.product or "", p))
    same = facts[product == "same"]
    shares = same[
        (same["indicator"] == "partner_share_of_exports")
        & (same["country"] == claim.country)
        & (same["partner"] == claim.partner)
    ]
    values = same[(same["indicator"] == "product_exports_value")
                  & (same["country"] == claim.country)
                  & (same["partner"].isna() | (same["partner"] == "World"))]  # fmt: skip
    flows = pd.concat([
        facts[(facts["indicator"] == "exports") & (facts["country"] == claim.country)
              & (facts["partner"] == claim.partner) & facts["product"].isna()],
        facts[(facts["indicator"] == "imports") & (facts["country"] == claim.partner)
              & (facts["partner"] == claim.country) & facts["product"].isna()],
    ]).sort_values("tier", kind="stable")  # fmt: skip
    pairs = sorted(
        ((int(a["source"] != b["source"]), max(int(a["tier"]), int(b["tier"])), a, b)
         for _, a in shares.iterrows() for _, b in values.iterrows()
         if a["unit"] == "percent"),
        key=lambda t: (t[0], t[1]),
    )  # fmt: skip
    if not pairs or flows.empty:
        return None
    _, _, share, value = pairs[0]
    flow = next((f for _, f in flows.iterrows() if f["unit"] == value["unit"]), None)
    if flow is None or not float(flow["value"]):
        return None
    result = float(share["value"]) * float(value["value"]) / float(flow["value"])
    return Reference(
        result,
        agencies_of(share["source"], value["source"], flow["source"]),
        f"HS {claim.product} in {claim.country}'s exports to {claim.partner}, {year}",
        year=year,
        period=str(year),
        how=f"{share['value']:g}% × {written(float(value['value']), str(value['unit']))} / "
        f"{written(float(flow['value']), str(flow['unit']))}",
        tier=max(int(share["tier"]), int(value["tier"]), int(flow["tier"])),
        url=url_of(share["url"]),
    )


def unit_price(refs: References, claim: Claim, year: int) -> Reference | None:
    """A gas price as a year's value over its volume: China's import value over its
    import volume, or the seller's revenue over its deliveries (Gazprom's RUB revenue
    from China at the year's rate over its bcm). Value and volume from the same reporter
    first; the volume converted from tonnes where stated in tonnes."""
    if claim.measure != "price" or claim.unit != "USD per 1000 m3" or claim.country is None:
        return None
    lng = ctx.is_lng(claim.sentence)
    facts = refs.facts[(refs.facts["year"] == year) & (refs.facts["period"] == str(year))]
    what = facts["product"].fillna("") + " " + facts["indicator"]
    facts = facts[what.map(is_lng_product) == lng]
    pair = {claim.country, claim.partner} - {None}
    if claim.partner is None:
        pair.add("CHN")  # a supplier's price at China's border, as the customs record it
    facts = facts[facts["country"].isin(pair) & facts["partner"].isin(pair)]
    values = facts[facts["indicator"].isin(_PRICE_VALUES)]
    volumes = facts[facts["indicator"].isin(_PRICE_VOLUMES)]
    pairs = [
        (int(v["country"] != q["country"]), max(int(v["tier"]), int(q["tier"])), v, q)
        for _, v in values.iterrows()
        for _, q in volumes.iterrows()
    ]
    for _, tier, v, q in sorted(pairs, key=lambda t: (t[0], t[1])):
        usd = convert(float(v["value"]), None, None, str(v["unit"]), "USD", year=year,
                      period=str(year), rate=refs.rate)  # fmt: skip
        m3 = convert(float(q["value"]), None, None, str(q["unit"]), "m3", year=year,
                     period=str(year), product=f"{q['product']} {q['indicator']}")  # fmt: skip
        if not isinstance(usd, Converted) or not isinstance(m3, Converted) or not m3.value:
            continue
        steps = " ".join(f"({h})" for h in (usd.how, m3.how) if h)
        return Reference(
            usd.value / m3.value * 1000.0,
            agencies_of(v["source"], q["source"]),
            f"{str(v['indicator']).replace('_', ' ')} / {str(q['indicator']).replace('_', ' ')}"
            f" {claim.country}-{claim.partner or 'CHN'}, {year}",
            year=year,
            period=str(year),
            how=f"{written(float(v['value']), str(v['unit']))} / "
            f"{written(float(q['value']), str(q['unit']))} × 1,000 {steps}".strip(),
            tier=tier,
            url=url_of(v["url"]),
        )
    return None


def ratio(refs: References, claim: Claim, year: int) -> Reference | None:
    """A share as the ratio of two cited amounts of the same year (`_RATIOS`)."""
    spec = _RATIOS.get(claim.measure)
    if spec is None or claim.unit not in ("percent", "fraction"):
        return None
    needs, part_name, whole_name, scope = spec
    if needs and not re.search(needs, claim.sentence, re.IGNORECASE):
        return None
    facts = refs.facts[(refs.facts["year"] == year)]
    facts = facts[facts["period"].isna() | (facts["period"] == str(year))]
    doc = refs.texts.get(claim.document, "")
    facts = facts[facts["quote_norm"].map(lambda q: not q or q not in doc).astype(bool)]
    part = facts[facts["indicator"] == part_name].sort_values("tier", kind="stable")
    whole = facts[facts["indicator"] == whole_name].sort_values("tier", kind="stable")
    pair = {claim.country, claim.partner} - {None}
    if scope == "pair":
        part = part[part["country"].isin(pair) & part["partner"].isin(pair)]
        whole = whole[whole["country"].isin(pair) & whole["partner"].isin(pair)]
    elif claim.partner is None and part_name == whole_name:
        return None  # "foreign firms held 30% of FDI": without a partner there is no part
    elif claim.partner is None:  # a country's share of its own total
        part = part[(part["country"] == claim.country) & part["partner"].isna()]
        whole = whole[(whole["country"] == claim.country) & whole["partner"].isna()]
    else:  # a partner's part of a country's total (either way round: "FDI in Russia")
        holders = [c for c in (claim.country, claim.partner) if c is not None]
        p_rows, w_rows = part.iloc[0:0], whole.iloc[0:0]
        for holder in holders:
            other = next(c for c in holders if c != holder) if len(holders) > 1 else None
            p_rows = part[(part["country"] == holder) & (part["partner"] == other)]
            w_rows = whole[(whole["country"] == holder) & whole["partner"].isna()]
            if not p_rows.empty and not w_rows.empty:
                break
        part, whole = p_rows, w_rows
    whole = whole[whole["unit"].isin(part["unit"])]
    if part.empty or whole.empty:
        return None
    p = part.iloc[0]
    whole = whole[whole["unit"] == p["unit"]]
    same_source = (whole["source"] != p["source"]).astype(int)  # the part's own total first
    w = whole.assign(other=same_source).sort_values(["other", "tier"], kind="stable").iloc[0]
    share = float(p["value"]) / float(w["value"]) * (100.0 if claim.unit == "percent" else 1.0)
    return Reference(
        share,
        agencies_of(p["source"], w["source"]),
        f"{part_name.replace('_', ' ')} / {whole_name.replace('_', ' ')}, {year}",
        year=year,
        period=str(year),
        how=f"{written(float(p['value']), str(p['unit']))} / "
        f"{written(float(w['value']), str(w['unit']))}",
        tier=int(max(p["tier"], w["tier"])),
        url=url_of(p["url"]),
    )


def growth(refs: References, claim: Claim, year: int) -> Reference | None:
    """A year-on-year change from two cited annual figures of the same flow."""
    if claim.measure != "growth" or claim.unit != "percent" or claim.country is None:
        return None
    indicator = next(
        (name for pattern, name in _GROWTH_OF if re.search(pattern, claim.sentence, re.I)),
        None,
    )
    if indicator is None:
        return None
    probe = with_measure(claim, indicator)
    pool = refs.same_parties(refs.indicator_rows(indicator), probe)
    doc = refs.texts.get(claim.document, "")

    def best(y: int) -> pd.Series | None:
        rows = pool[(pool["year"] == y) & (pool["period"].isna() | (pool["period"] == str(y)))]
        rows = rows[rows["quote_norm"].map(lambda q: not q or q not in doc).astype(bool)]
        if rows.empty:
            return None
        unit = rows["unit"].mode().iloc[0]
        chosen: pd.Series = rows[rows["unit"] == unit].sort_values("tier", kind="stable").iloc[0]
        return chosen

    now, before = best(year), best(year - 1)
    if now is None or before is None or now["unit"] != before["unit"] or not before["value"]:
        return None
    change = 100.0 * (float(now["value"]) / float(before["value"]) - 1.0)
    return Reference(
        change,
        agencies_of(now["source"], before["source"]),
        f"{indicator.replace('_', ' ')} {claim.country}-{claim.partner or 'world'}, "
        f"{year} on {year - 1}",
        year=year,
        period=str(year),
        how=f"{written(float(now['value']), str(now['unit']))} ({year}) / "
        f"{written(float(before['value']), str(before['unit']))} ({year - 1}) − 1",
        tier=int(max(now["tier"], before["tier"])),
        url=url_of(now["url"]),
    )


def derived_references(refs: References, claim: Claim, year: int) -> list[Reference]:
    """Every derived reference for ``claim`` in ``year`` (see the module docstring)."""
    found = (ratio(refs, claim, year), growth(refs, claim, year), unit_price(refs, claim, year),
             product_share(refs, claim, year))  # fmt: skip
    return [r for r in found if r is not None]
