"""Internal consistency: does a text agree with itself?

Two checks that need no data: a change stated next to its endpoints ("from
$2.28 billion to $480 million, a fivefold drop"; "decreased by 250 percent" is
impossible), and parts that add up to more than their whole (shares of one
total in one sentence summing past 100%).
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Sequence
from dataclasses import dataclass

from asymmetry.claims.extract import Claim
from asymmetry.claims.tolerance import interval


@dataclass(frozen=True, slots=True)
class Inconsistency:
    """Claims of one sentence that contradict each other or arithmetic."""

    claim_ids: tuple[str, ...]
    kind: str  # "change", "impossible-decrease", "parts-exceed-whole"
    message: str


def check_consistency(claims: Sequence[Claim]) -> list[Inconsistency]:
    """Inconsistencies within each sentence of ``claims``."""
    by_sentence: dict[tuple[str, int, str], list[Claim]] = {}
    for c in claims:
        by_sentence.setdefault((c.document, c.paragraph, c.sentence), []).append(c)
    found: list[Inconsistency] = []
    for group in by_sentence.values():
        found += _changes(group) + _parts(group)
    return found


def _falling(sentence: str) -> bool:
    return bool(re.search(r"decreas|declin|drop|fell|fall|down|cut|lower|reduc", sentence, re.I))


def _changes(group: list[Claim]) -> list[Inconsistency]:
    out = []
    sentence = group[0].sentence
    for c in group:
        if c.unit == "percent" and c.measure == "growth" and c.value > 100 and _falling(sentence):
            out.append(
                Inconsistency(
                    (c.id,),
                    "impossible-decrease",
                    f"'{c.quote}': a decrease of more than 100% would leave less than nothing",
                )
            )
    ranges = [c for c in group if c.low is not None and c.high is not None and c.unit != "percent"]
    endpoints = [c for c in group if c.unit not in ("percent", "times", "fraction")]
    pairs: list[tuple[float, float, Claim]] = []
    for c in ranges:  # "from ¥5.4 billion to ¥8.75 billion" reads as one range
        if re.search(r"from\s\S*\s?$", sentence[: c.start]):
            assert c.low is not None and c.high is not None
            pairs.append((c.low, c.high, c))
    for a, b in itertools.pairwise(endpoints):
        between = sentence[a.end : b.start]
        if a.unit == b.unit and re.search(r"\bto\b", between) and "from" in sentence[: a.start]:
            pairs.append((a.value, b.value, a))
    for start, end, anchor in pairs:
        if start <= 0 or end <= 0:
            continue
        first, last = sorted((start, end)) if anchor.low is not None else (start, end)
        if anchor.low is not None and _falling(sentence):
            first, last = max(start, end), min(start, end)
        for c in group:
            implied = _implied(c, first, last)
            if implied is None:
                continue
            lo, hi = interval(
                c.value, unit=c.unit, decimals=c.decimals, hedge=c.hedge, written=c.quote
            )
            if not lo <= implied <= hi:
                out.append(
                    Inconsistency(
                        (anchor.id, c.id),
                        "change",
                        f"'{c.quote}' but {first:,.4g} to {last:,.4g} is "
                        f"{implied:,.3g}{'x' if c.unit == 'times' else '%'}",
                    )
                )
    return out


def _implied(c: Claim, first: float, last: float) -> float | None:
    """The stated change's value as implied by the endpoints, in the claim's unit."""
    if c.unit == "times":
        return max(first, last) / min(first, last)
    if c.unit == "percent" and c.measure == "growth":
        return abs(last - first) / first * 100.0
    return None


def _parts(group: list[Claim]) -> list[Inconsistency]:
    shares: dict[tuple[str, str | None, str | None], list[Claim]] = {}
    for c in group:
        if c.unit == "percent" and c.measure.startswith("share_of") and c.hedge is None:
            shares.setdefault((c.measure, c.country, c.partner), []).append(c)
    out = []
    for parts in shares.values():
        distinct_products = {c.product for c in parts}
        if len(parts) < 2 or len(distinct_products) < len(parts):
            continue  # the same product twice is a series, not parts of a whole
        total = sum(c.value for c in parts)
        if total > 100.5:
            out.append(
                Inconsistency(
                    tuple(c.id for c in parts),
                    "parts-exceed-whole",
                    f"shares of one total add up to {total:g}%: "
                    + ", ".join(c.quote for c in parts),
                )
            )
    return out
