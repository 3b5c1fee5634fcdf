"""Numbers for people: USD 147.0 bn, 36.5%, never 1.47e+11 (one formatter for every layer)."""

from __future__ import annotations

import math
from typing import Any


def pct(x: Any, digits: int = 1) -> str:
    """A fraction as a percentage; below 0.01% it says so (never 2.4e-06 on a page)."""
    if x is None or (isinstance(x, float) and math.isnan(x)):
        return "n/a"
    x = float(x)
    if 0 < abs(x) < 0.001:
        return f"{x:.2%}" if abs(x) >= 0.0001 else ("<0.01%" if x > 0 else ">-0.01%")
    return f"{x:.{digits}%}"


def usd(x: Any) -> str:
    """Money in the units an analyst reads: USD 1.2 bn, USD 340 m."""
    if x is None or (isinstance(x, float) and math.isnan(x)):
        return "n/a"
    x = float(x)
    for scale, unit in ((1e12, "tn"), (1e9, "bn"), (1e6, "m"), (1e3, "k")):
        if abs(x) >= scale:
            return f"USD {x / scale:,.1f} {unit}"
    return f"USD {x:,.0f}"


def compact(x: Any) -> str:
    """A number with a scale word (107.8 bn) or four significant digits."""
    if x is None or (isinstance(x, float) and math.isnan(x)):
        return "n/a"
    x = float(x)
    for scale, unit in ((1e12, "tn"), (1e9, "bn"), (1e6, "m")):
        if abs(x) >= scale:
            return f"{x / scale:,.1f} {unit}"
    return f"{x:,.4g}"
