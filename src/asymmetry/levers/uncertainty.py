"""Monte Carlo over parameter ranges: draws, and the median with a 5-95% interval.

Every range is drawn uniformly and independently; a plain number is held
fixed, so a scenario without ranges collapses to a point. The same seed gives
the same draws (`numpy.random.default_rng`).
"""

from __future__ import annotations

from typing import TypedDict

import numpy as np

from asymmetry.levers.scenario import Param


class Interval(TypedDict):
    median: float
    p05: float
    p95: float


def draw(param: Param, n: int, rng: np.random.Generator) -> np.ndarray:
    """``n`` values of ``param``: constant for a number, uniform for a (low, high) range."""
    if isinstance(param, tuple):
        low, high = param
        values: np.ndarray = rng.uniform(low, high, size=n) if high > low else np.full(n, low)
        return values
    return np.full(n, float(param))


def midpoint(param: Param) -> float:
    return (param[0] + param[1]) / 2 if isinstance(param, tuple) else float(param)


def interval(values: np.ndarray) -> Interval:
    """Median and 5th/95th percentiles of the draws."""
    p05, median, p95 = np.percentile(values, [5, 50, 95])
    return {"median": float(median), "p05": float(p05), "p95": float(p95)}
