"""Verify claims against the store: every independent reference, and which one decides.

For each claim `asymmetry.claims.references` finds every value of the same
quantity the store holds (cited facts and their synonyms, arithmetic on them, the
metrics engine on the best basis), converted to the claim's unit. The verdict:

- only *independent* references decide: a figure this document states elsewhere, or
  that is quoted from it, is shown but never counts;
- among references of the claim's year, the best-standing source decides — a
  statistical agency over an official's statement over a commentator (the rule of
  `asymmetry.metrics.official.standing`), then the order found; when a paragraph's
  year was only inferred, any candidate year's reference may confirm the claim;
- each other reference is shown with its own agreement, so "consistent with China's
  customs, discrepant with a minister" is an outcome, not a bug;
- a reference that bounds the claim (crude oil alone, when the claim is about all
  fuels) can prove it wrong but not right: satisfied, it leaves the claim
  unverifiable and says so.

The tolerance comes from how the figure is written (`asymmetry.claims.tolerance`).
Without a reference the claim is `unverifiable`; its `kind` groups the reason and
`REMEDIES` says what data would make it checkable.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, Final, Literal

from asymmetry.claims import context as ctx
from asymmetry.claims.extract import Claim
from asymmetry.claims.references import (
    INDICATORS,
    STOCKS,
    Reference,
    References,
    indicators_for,
)
from asymmetry.claims.tolerance import interval
from asymmetry.claims.units import show
from asymmetry.store.store import Store

Verdict = Literal["consistent", "discrepant", "unverifiable"]

# Why a claim has no verdict, grouped: kind -> (label, what would make it checkable).
REMEDIES: Final[dict[str, tuple[str, str]]] = {
    "not_measurable": ("not a trade or energy quantity the data can check", ""),
    "no_source": ("no data source covers what it measures", "a cited figure on it "
                  "(`asymmetry ingest facts FILE`)"),
    "no_country": ("the sentence names no country", ""),
    "no_year": ("no year stated", "the year the figure is about"),
    "no_pair": ("no pair of countries and year to compute it for", ""),
    "no_independent": ("only this document states it (no independent source)",
                       "an independent cited figure (`asymmetry ingest facts FILE`)"),
    "no_period": ("independent figures only for other periods",
                  "a figure for the same period (`asymmetry ingest facts FILE`)"),
    "no_figure": ("no independent figure for that year",
                  "a cited figure for that year (`asymmetry ingest facts FILE`)"),
    "no_flows": ("needs goods flows", "goods flows (`asymmetry fetch baci`)"),
    "no_rate": ("needs an exchange rate", "the year's exchange rate as an `exchange_rate` fact"),
    "bound_only": ("only a bound, which it satisfies",
                   "a figure for exactly the goods it names (`asymmetry fetch baci`)"),
}  # fmt: skip
_GENERIC: Final = {"quantity", "share", "money", "multiple"}
_TIMELESS: Final = {"exchange_rate", "capacity"}


@dataclass(frozen=True, slots=True)
class CheckedClaim:
    """A claim with its verdict; `reference` decided it, `others` were found beside it."""

    claim: Claim
    verdict: Verdict
    reason: str
    reference: Reference | None = None
    others: tuple[Reference, ...] = ()
    kind: str = ""  # for an unverifiable claim: the reason's group (`REMEDIES`)

    @property
    def gap(self) -> float | None:
        """Claim value minus the deciding reference (claim unit)."""
        return None if self.reference is None else self.claim.value - self.reference.value

    @property
    def group(self) -> str:
        """The coverage line this claim counts under (`REMEDIES`' label for its kind)."""
        if self.verdict != "unverifiable":
            return self.verdict
        return REMEDIES.get(self.kind, (self.kind, ""))[0]

    @property
    def about(self) -> str:
        """What an unverifiable claim measures, and when: "price in 2020"."""
        c = self.claim
        when = f" in {c.period or c.year}" if c.year else ""
        return f"{c.measure.replace('_', ' ')}{when}"

    @property
    def remedy(self) -> str:
        return REMEDIES.get(self.kind, ("", ""))[1] if self.verdict == "unverifiable" else ""

    def to_dict(self) -> dict[str, Any]:
        c = self.claim
        ref = self.reference
        return {
            "id": c.id,
            "document": c.document,
            "quote": c.quote,
            "sentence": c.sentence,
            "value": c.value,
            "value_text": show(c.value, c.unit),
            "low": c.low,
            "high": c.high,
            "unit": c.unit,
            "hedge": c.hedge,
            "year": c.year,
            "period": c.period,
            "year_note": c.year_note,
            "subject": c.measure,
            "country": c.country,
            "partner": c.partner,
            "actors": list(c.actors),
            "direction": c.direction,
            "product": c.product,
            "route": c.route,
            "verdict": self.verdict,
            "reason": self.reason,
            "kind": self.kind,
            "remedy": self.remedy,
            "reference": None if ref is None else ref.to_dict(),
            "reference_text": None if ref is None else show(ref.value, c.unit),
            "others": [{**r.to_dict(), "value_text": show(r.value, c.unit)} for r in self.others],
            "gap": self.gap,
        }


def verify(store: Store, claims: Iterable[Claim]) -> list[CheckedClaim]:
    """Check each claim against the store's facts and flows; see the module docstring."""
    claims = list(claims)
    references = References(store, claims)
    return [_check(c, references) for c in claims]


def _check(claim: Claim, references: References) -> CheckedClaim:
    if claim.measure in _GENERIC:
        return CheckedClaim(
            claim, "unverifiable", "what is measured could not be told from the sentence",
            kind="not_measurable",
        )  # fmt: skip
    if not indicators_for(claim) and claim.measure not in INDICATORS and claim.measure != "growth":
        return CheckedClaim(
            claim, "unverifiable",
            f"no data source covers '{claim.measure.replace('_', ' ')}'", kind="no_source",
        )  # fmt: skip
    if claim.country is None and claim.measure != "exchange_rate":
        return CheckedClaim(claim, "unverifiable", "the sentence names no country",
                            kind="no_country")  # fmt: skip
    lo, hi = interval(
        claim.value, unit=claim.unit, decimals=claim.decimals, hedge=claim.hedge,
        low=claim.low, high=claim.high, written=claim.quote,
    )  # fmt: skip
    years = _candidate_years(claim)
    found = references.search(claim, years)
    independent = [r for r in found.references if r.independent]
    own = [r for r in found.references if not r.independent]
    if not independent:
        reason, kind = _why_unverifiable(claim, found.why, found.kind, found.near, own)
        return CheckedClaim(claim, "unverifiable", reason, None, tuple(own), kind)
    exact = [r for r in independent if r.bound is None]
    bounds = [r for r in independent if r.bound is not None]
    rank = {y: i for i, y in enumerate(years)}

    def order(r: Reference) -> tuple[int, int]:
        return (rank.get(r.year, len(years)), r.tier)

    shown = _shown_interval(lo, hi, claim.unit)
    if exact:
        ranked = sorted(exact, key=order)
        best_year = [r for r in ranked if order(r)[0] == order(ranked[0])[0]]
        guessed = not claim.year_stated and claim.year_note is None
        agreeing = [r for r in ranked if r.meets(lo, hi)]
        decider = agreeing[0] if guessed and agreeing else best_year[0]
        others = tuple(r for r in found.references if r is not decider)
        verdict: Verdict = "consistent" if decider.meets(lo, hi) else "discrepant"
        reason = _reason(claim, decider, others, shown, lo, hi)
        if verdict == "discrepant":
            fits = [
                r
                for r in found.elsewhere
                if r.bound is None and r.meets(lo, hi)
                and (not ctx.is_partial(r.period) or claim.measure in STOCKS)
            ]  # fmt: skip
            if fits:  # "a bit over $6 billion" of "end-2019" is the end-2020 figure
                reason += (
                    f"; the figure fits {fits[0].period} instead: {_describe(fits[0], claim.unit)}"
                )
        return CheckedClaim(claim, verdict, reason, decider, others)
    broken = sorted((r for r in bounds if not r.meets(lo, hi)), key=order)
    if broken:
        decider = broken[0]
        others = tuple(r for r in found.references if r is not decider)
        return CheckedClaim(
            claim, "discrepant", _reason(claim, decider, others, shown, lo, hi), decider, others
        )
    best = sorted(bounds, key=order)[0]
    side = "below" if best.bound == "lower" else "above"
    text = (
        f"not contradicted, not confirmed: {_describe(best, claim.unit)} bounds what the "
        f"claim measures from {side} (it covers a part or a whole of the claim's goods)"
    )
    return CheckedClaim(claim, "unverifiable", text, None, tuple(found.references), "bound_only")


def _candidate_years(claim: Claim) -> list[int | None]:
    if claim.year is None:
        # No year in the sentence: undated facts, then the paragraph's year and the one before
        # (a rate or a capacity is of a moment: the paragraph's year says nothing of it).
        near = claim.context_year
        return [None] if near is None or claim.measure in _TIMELESS else [None, near, near - 1]
    if claim.year_stated or claim.year_note:
        return [claim.year]
    # A year read from the paragraph may be the year of writing: the latest full year before it.
    return [claim.year, claim.year - 1]


def _shown_interval(lo: float, hi: float, unit: str) -> str:
    if hi == float("inf"):
        return f"at least {show(lo, unit)}"
    if lo == float("-inf") or (lo == 0 and unit in ("percent", "fraction")):
        return f"at most {show(hi, unit)}"
    return f"{show(lo, unit)} to {show(hi, unit)}"


def _describe(ref: Reference, unit: str) -> str:
    period = f", {ref.period}" if ref.period else ""
    standing = f", {ref.standing}" if ref.standing else ""
    how = f" = {ref.how}" if ref.how else ""
    bound = f", a {ref.bound} bound" if ref.bound else ""
    return f"{show(ref.value, unit)} ({ref.source}{period}{standing}{bound}){how}"


def _reason(
    claim: Claim,
    decider: Reference,
    others: tuple[Reference, ...],
    shown: str,
    lo: float,
    hi: float,
) -> str:
    """The verdict's reason: the deciding reference against the claim's interval, then
    every other independent reference with its own agreement, then why the decider won."""
    verdict = "within" if decider.meets(lo, hi) else "outside"
    same = [r for r in others if r.independent and _same_figure(r, decider, claim.unit)]
    also = f" (and {_reports(len(same))} of it)" if same else ""
    text = f"{_describe(decider, claim.unit)}{also} is {verdict} {shown}"
    if verdict == "outside" and decider.value and decider.bound is None:
        text += f"; the claim is {(claim.value - decider.value) / decider.value:+.0%} off"
    if claim.year_note:
        text += f"; year: {claim.year_note}"
    rest = [r for r in others if r.independent and not _same_figure(r, decider, claim.unit)]
    agree = [r for r in rest if r.meets(lo, hi)]
    disagree = [r for r in rest if not r.meets(lo, hi)]
    if agree:
        text += "; also consistent with " + _listed(agree, claim.unit, decider)
    if disagree:
        text += "; discrepant with " + _listed(disagree, claim.unit, decider)
    if (agree and verdict == "outside") or (disagree and verdict == "within"):
        rivals = [r for r in (agree if verdict == "outside" else disagree)]
        text += f". Decided by {decider.source}: " + _why_decider(decider, rivals[0], claim)
    own = [r for r in others if not r.independent and "this sentence" not in r.source]
    if own:
        text += "; not counted (this document's own figure): " + _listed(own, claim.unit, None)
    return text


def _listed(refs: list[Reference], unit: str, decider: Reference | None) -> str:
    """References in a reason, each figure once: reports of the same figure for the same
    period at the same standing (eight outlets quoting China's customs) are counted."""
    groups: dict[tuple[str, str | None, int], list[Reference]] = {}
    for r in refs:
        groups.setdefault((show(r.value, unit), r.period, r.tier), []).append(r)
    key_of_decider = (
        None if decider is None else (show(decider.value, unit), decider.period, decider.tier)
    )
    parts = []
    for key, same in groups.items():
        if key == key_of_decider:
            parts.append(f"{_reports(len(same))} of the same figure")
            continue
        text = _describe(same[0], unit)
        if len(same) > 1:
            text += f" and {_reports(len(same) - 1)} of it"
        parts.append(text)
    return "; ".join(parts)


def _same_figure(a: Reference, b: Reference, unit: str) -> bool:
    return (show(a.value, unit), a.period, a.tier) == (show(b.value, unit), b.period, b.tier)


def _reports(n: int) -> str:
    return f"{n} more report" + ("s" if n > 1 else "")


def _why_decider(decider: Reference, rival: Reference, claim: Claim) -> str:
    if decider.year == claim.year and rival.year != claim.year:
        return f"its year is the claim's ({claim.year})"
    if decider.year != rival.year and not claim.year_stated:
        return f"the claim's year is inferred; {decider.year} confirms it"
    if decider.tier < rival.tier:
        return f"{_a(decider.standing)} ranks above {_a(rival.standing)}"
    return "same standing; the first found (importer's declaration, then latest release)"


def _a(noun: str) -> str:
    return ("an " if noun[:1] in "aeiou" else "a ") + noun


def _why_unverifiable(
    claim: Claim, why: str, kind: str, near: list[str], own: list[Reference]
) -> tuple[str, str]:
    measure = claim.measure.replace("_", " ")
    where = f" of {claim.country}" + (f"-{claim.partner}" if claim.partner else "")
    when = f" for {claim.period or claim.year}" if claim.year else " (no year stated)"
    if own and not near:
        text = "only this document states it (no independent source): " + "; ".join(
            _describe(r, claim.unit) for r in own
        )
        return text, "no_independent"
    if near:
        text = f"no independent figure on {measure}{where}{when}; the store has " + "; ".join(near)
        return text, "no_period" if claim.year else "no_year"
    if why:
        return why, kind or "no_figure"
    if claim.year is None:
        return f"no figure on {measure}{where} without a year (no year stated)", "no_year"
    return f"no independent figure on {measure}{where}{when}", "no_figure"
