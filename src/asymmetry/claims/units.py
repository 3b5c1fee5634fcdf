"""Convert a cited figure into the unit a claim is written in, and say how.

Sources state the same quantity in different units: China's customs count crude oil
in tonnes, analysts in barrels per day; Gazprom counts LNG in tonnes, a minister in
cubic metres; a Chinese source gives yuan where the claim gives dollars. The factors
are the standard ones, stated in every conversion so a reader can redo it:

- crude oil: 7.33 barrels per tonne (BP Statistical Review of World Energy,
  "Approximate conversion factors", crude oil of average gravity); a year's tonnes
  become barrels per day over the days of that year (or of the months stated);
- LNG: 1 million tonnes = 1.36 bcm of natural gas (same BP table); China's customs count
  pipeline gas in tonnes too, converted the same way;
- yuan, rubles, euros to dollars: the year's average rate, only when a rate for that
  year is stored as a fact (`exchange_rate`, "CNY per USD"); never a guessed rate.
"""

from __future__ import annotations

import calendar
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Final

from asymmetry.claims.currencies import is_money

BARRELS_PER_TONNE: Final = 7.33
BCM_PER_MT_LNG: Final = 1.36

# A fact's unit -> (base unit, factor to it). Claim units are base units already.
_BASE: Final[dict[str, tuple[str, float]]] = {
    "USD": ("USD", 1.0), "USD mn": ("USD", 1e6), "USD bn": ("USD", 1e9), "USD tn": ("USD", 1e12),
    "CNY": ("CNY", 1.0), "CNY mn": ("CNY", 1e6), "CNY bn": ("CNY", 1e9), "CNY tn": ("CNY", 1e12),
    "EUR": ("EUR", 1.0), "EUR mn": ("EUR", 1e6), "EUR bn": ("EUR", 1e9),
    "RUB": ("RUB", 1.0), "RUB bn": ("RUB", 1e9), "RUB trn": ("RUB", 1e12),
    "percent": ("percent", 1.0), "fraction": ("percent", 100.0),
    "mb/d": ("b/d", 1e6), "thousand b/d": ("b/d", 1e3), "b/d": ("b/d", 1.0),
    "Mt": ("t", 1e6), "thousand t": ("t", 1e3), "t": ("t", 1.0),
    "bcm": ("m3", 1e9), "bcm/yr": ("m3", 1e9), "m3": ("m3", 1.0),
    "USD per 1000 m3": ("USD per 1000 m3", 1.0),
    "CNY per USD": ("CNY per USD", 1.0), "RUB per USD": ("RUB per USD", 1.0),
    "EUR per USD": ("EUR per USD", 1.0), "times": ("times", 1.0),
}  # fmt: skip
_CURRENCIES: Final = ("USD", "CNY", "EUR", "RUB")

Rate = Callable[[str, int], "tuple[float, str] | None"]  # (currency, year) -> (per USD, source)


@dataclass(frozen=True, slots=True)
class Converted:
    """A fact's value (and bounds) in the claim's unit; `how` is empty when no factor applied."""

    value: float
    low: float | None
    high: float | None
    how: str = ""


def base_unit(unit: str) -> str | None:
    """The base unit a fact's unit measures ("USD bn" -> "USD"), None when unknown."""
    found = _BASE.get(unit)
    return found[0] if found else None


def convert(
    value: float,
    low: float | None,
    high: float | None,
    unit: str,
    to: str,
    *,
    year: int | None,
    period: str | None,
    product: str | None = None,
    rate: Rate | None = None,
) -> Converted | str | None:
    """``value`` (and its bounds) from a fact's ``unit`` into the claim unit ``to``.

    Returns None when the units measure different things, a reason (str) when they
    measure the same thing but the conversion needs what is not stored (a rate).
    """
    if unit not in _BASE or (to not in _BASE and to != "fraction"):
        return None
    src, factor = _BASE[unit]
    target = "percent" if to == "fraction" else _BASE[to][0]
    scale = 0.01 if to == "fraction" else 1.0  # a fraction claim (two-thirds) is 0-1

    def done(k: float, how: str = "") -> Converted:
        def f(x: float | None) -> float | None:
            return None if x is None else x * k

        return Converted(value * k, f(low), f(high), how)

    if src == target:
        return done(factor * scale)
    if src in _CURRENCIES and target in _CURRENCIES:
        return _currency(value, unit, src, target, factor, year, rate, done)
    if {src, target} == {"t", "b/d"}:
        days = _days(year, period)
        if days is None:
            return "tonnes and barrels per day convert only over a stated year or months"
        if src == "t":
            k = factor * BARRELS_PER_TONNE / days
            how = f"{_num(value)} {unit} × {BARRELS_PER_TONNE} bbl/t ÷ {days} days"
        else:
            k = factor * days / BARRELS_PER_TONNE
            how = f"{_num(value)} {unit} × {days} days ÷ {BARRELS_PER_TONNE} bbl/t"
        return done(k, how)
    if {src, target} == {"t", "m3"} and product is not None and _is_natural_gas(product):
        if src == "t":
            k = factor / 1e6 * BCM_PER_MT_LNG * 1e9
            how = f"{_num(value)} {unit} LNG × {BCM_PER_MT_LNG} bcm/Mt"
        else:
            k = factor / 1e9 / BCM_PER_MT_LNG * 1e6
            how = f"{_num(value)} {unit} ÷ {BCM_PER_MT_LNG} bcm/Mt LNG"
        return done(k, how)
    return None


def _currency(
    value: float,
    unit: str,
    src: str,
    target: str,
    factor: float,
    year: int | None,
    rate: Rate | None,
    done: Callable[[float, str], Converted],
) -> Converted | str:
    if year is None or rate is None:
        return f"{src} to {target} needs the year's exchange rate; the figure has no year"
    k = factor
    steps = []
    for currency, direction in ((src, "from"), (target, "to")):
        if currency == "USD":
            continue
        found = rate(currency, year)
        if found is None:
            return (
                f"no {currency} per USD rate for {year} is stored (add an `exchange_rate` "
                f"fact: `asymmetry ingest facts FILE`)"
            )
        per_usd, source = found
        k = k / per_usd if direction == "from" else k * per_usd
        steps.append(f"{'÷' if direction == 'from' else '×'} {per_usd:g} {currency}/USD "
                     f"({year}, {source})")  # fmt: skip
    return done(k, f"{_num(value)} {unit} " + " ".join(steps))


def _days(year: int | None, period: str | None) -> int | None:
    if year is None:
        return None
    if period is None or period == str(year):
        return 366 if calendar.isleap(year) else 365
    m = re.fullmatch(r"(\d{4})-(\d\d)(?:\.\.(\d{4})-(\d\d))?", period)
    if not m:
        return None
    y, first = int(m[1]), int(m[2])
    y2, last = (int(m[3]), int(m[4])) if m[3] else (y, first)
    days, at_y, at_m = 0, y, first
    while (at_y, at_m) <= (y2, last):
        days += calendar.monthrange(at_y, at_m)[1]
        at_y, at_m = (at_y + 1, 1) if at_m == 12 else (at_y, at_m + 1)
    return days


def _is_natural_gas(product: str) -> bool:
    """Natural gas counted by mass: LNG, or pipeline gas as China's customs record it (not
    liquefied petroleum gas: propane and butane weigh and burn differently)."""
    if re.search(r"petroleum gas|\bLPG\b|27111[2-9]", product, re.IGNORECASE):
        return False
    return bool(re.search(r"\bLNG\b|liquefied natural|2711[12]1|\bgas\b", product, re.I))


def _num(x: float) -> str:
    """A number as people write it: 4 significant digits below 10,000, whole above."""
    return f"{x:,.4g}" if abs(x) < 1e4 else f"{x:,.0f}"


def show(value: float | None, unit: str) -> str:
    """A value in a claim unit as people read it: USD 146.9 bn, 38.9%, 1.60 mb/d, 22.7 bcm."""
    if value is None:
        return "n/a"
    if value in (float("inf"), float("-inf")):
        return "∞" if value > 0 else "−∞"
    a = abs(value)
    if is_money(unit):
        for scale, word in ((1e12, "tn"), (1e9, "bn"), (1e6, "mn")):
            if a >= scale:
                return f"{unit} {_num(value / scale)} {word}"
        return f"{unit} {_num(value)}"
    if unit == "percent":
        if a >= 1 or value == 0:
            return f"{value:,.1f}%"
        return f"{value:.2g}%" if a >= 0.01 else "<0.01%"
    if unit == "pp":
        return f"{value:,.1f} pp"
    if unit == "fraction":
        return f"{value:.0%}"
    if unit == "times":
        return f"{value:.3g}×"
    if unit == "b/d":
        return f"{value / 1e6:.2f} mb/d" if a >= 1e5 else f"{value:,.0f} b/d"
    if unit == "m3":
        return f"{value / 1e9:,.4g} bcm" if a >= 1e8 else f"{value / 1e6:,.4g} mcm"
    if unit == "t":
        return f"{value / 1e6:,.4g} Mt" if a >= 1e5 else f"{value:,.0f} t"
    if " per " in unit:
        money, base = unit.split(" per ", 1)
        if is_money(money) and base != "USD":
            return f"{money} {value:,.4g} per {base.replace('1000 m3', '1,000 m³')}"
        return f"{value:,.4g} {unit}"
    return f"{value:,.4g} {unit}".strip()


def written(value: float, unit: str) -> str:
    """A fact's value in its own unit, as people write it: "USD 8 bn", "17.5%", "107 Mt",
    "USD 212 per 1,000 m³" (the unit as the source gave it, no conversion)."""
    number = f"{value:,.6g}" if abs(value) < 1e6 else f"{value:,.0f}"
    parts = unit.split(" ", 1)
    if unit == "percent":
        return f"{number}%"
    if is_money(parts[0]) and len(parts) == 2 and parts[1] in ("mn", "bn", "tn", "trn"):
        return f"{parts[0]} {number} {parts[1]}"
    if is_money(parts[0]) and unit.endswith("per 1000 m3"):
        return f"{parts[0]} {number} per 1,000 m³"
    if is_money(parts[0]) and len(parts) == 1:
        return f"{parts[0]} {number}"
    return f"{number} {unit}"
