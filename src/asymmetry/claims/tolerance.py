"""How far a figure may be from the data and still be what the author meant.

A claim's precision is in how it is written: "36.5%" means 36.45-36.55, "4%"
means 3.5-4.5, "about 10 bcm" more loosely still (±10%; "about 88%" ±5% of it),
"just over 4%" means 4 to about 4.6, "less than 15%" anything below 15. On top of
the written precision we allow 2% for revisions and source differences (two customs
offices rarely agree to the last digit).
"""

from __future__ import annotations

import math
import re
from typing import Final

SOURCE_SLACK: Final = 0.02  # relative: revisions, CIF/FOB, exchange rates between sources
LOOSE: Final = 0.10  # "about", "around", "roughly": ±10%
LOOSE_SHARE: Final = 0.05  # …of a percentage: ±5% of it
_LOOSE_HEDGES: Final = {"about", "around", "roughly", "approximately", "some", "an estimated",
                        "estimated", "close to", "perhaps"}  # fmt: skip
_LOWER_BOUND: Final = {"more than", "over", "above", "at least"}
_UPPER_BOUND: Final = {"less than", "fewer than", "under", "below", "at most", "up to"}
_JUST_ABOVE: Final = {"just over", "a bit over", "a bit more than"}
_JUST_BELOW: Final = {"nearly", "almost", "just under", "just below", "barely"}
# Spelled fractions and multiples are rounder than digits: "two-thirds" is 0.6-0.73.
_ROUND_UNITS: Final = {"fraction": 0.10, "times": 0.15}


def interval(
    value: float,
    *,
    unit: str = "",
    decimals: int = 0,
    hedge: str | None = None,
    low: float | None = None,
    high: float | None = None,
    written: str | None = None,
) -> tuple[float, float]:
    """The values consistent with a claim, as (low, high); infinite bounds allowed.

    ``written`` is the number as the text wrote it ("147" of "$147 billion"): the last
    digit is counted in its units (half a billion, not half a dollar), and a round amount
    ("$170 billion", "$200 billion") is precise to the ten (± 5 billion). Percentages keep
    every digit: "40%" is 39.5-40.5.

    >>> interval(36.5, decimals=1)
    (35.721, 37.281)
    >>> interval(170e9, unit="USD", written="170")
    (161700000000.0, 178500000000.0)
    """
    lo, hi = (low, high) if low is not None and high is not None else (value, value)
    digit = 0.0 if unit == "fraction" else 0.5 * 10.0 ** (-decimals)  # a fifth: no digits
    number = _number(written)
    if number and unit != "fraction":
        digit *= abs(lo) / number if lo else 1.0  # the written number's units
        zeros = len(written_int := f"{int(number)}") - len(written_int.rstrip("0"))
        if decimals == 0 and number >= 100 and zeros and unit not in ("percent", "pp"):
            digit *= 10.0  # "$170 billion": to the ten (not "$200 billion" to the hundred)
    rel = _ROUND_UNITS.get(unit, 0.0)
    if hedge in _LOOSE_HEDGES:
        # "about 88%" is 84-92, not 79-97: a share is read tighter than an amount
        rel = max(rel, LOOSE_SHARE if unit == "percent" else LOOSE)
    lo = lo - digit - abs(lo) * rel
    hi = hi + digit + abs(hi) * rel
    if hedge in _LOWER_BOUND:
        hi = math.inf
    elif hedge in _UPPER_BOUND:
        lo = -math.inf if value > 0 else lo
        lo = 0.0 if lo == -math.inf and unit in ("percent", "fraction") else lo
    elif hedge in _JUST_ABOVE:
        lo, hi = value - digit, value * (1 + LOOSE + 0.05) + digit
    elif hedge in _JUST_BELOW:
        lo, hi = value * (1 - LOOSE - 0.05) - digit, value + digit
    return (_round(lo - abs(lo) * SOURCE_SLACK), _round(hi + abs(hi) * SOURCE_SLACK))


def _number(written: str | None) -> float | None:
    """The first number written in a quote ("$1,251.3 billion" -> 1251.3)."""
    m = re.search(r"\d[\d,]*(?:\.\d+)?", written or "")
    return float(m[0].replace(",", "")) if m else None


def _round(x: float) -> float:
    return x if math.isinf(x) else round(x, 4)
