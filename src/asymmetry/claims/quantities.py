"""The domain grammar of quantities in trade and energy writing.

General-purpose parsers (quantulum3) read "mb/d" as millibarn per day, miss
"15.4 bcm" and "fivefold", and read "($16.6 billion)" as a negative amount.
This module recognises what analysts write about trade: money with scale words
and currency symbols, percentages and ranges of them, oil in barrels per day,
gas in cubic metres, prices per 1,000 m³, exchange rates, multiples ("nine
times", "fivefold") and fractions ("two-thirds", "a fifth"). Values are
normalised to base units: USD (not billions), b/d, m³, t, percent.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, replace
from typing import Final

from asymmetry.claims.currencies import bare_dollar, currencies, is_money, resolve

_WORD_NUMBERS: Final = {
    "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
    "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "fifteen": 15, "twenty": 20,
    "thirty": 30, "forty": 40, "fifty": 50, "hundred": 100,
}  # fmt: skip
_FRACTIONS: Final = {
    "half": 2, "halves": 2, "third": 3, "thirds": 3, "quarter": 4, "quarters": 4,
    "fourth": 4, "fourths": 4, "fifth": 5, "fifths": 5, "sixth": 6, "tenth": 10, "tenths": 10,
}  # fmt: skip
_SCALES: Final = {
    "thousand": 1e3, "k": 1e3, "million": 1e6, "mln": 1e6, "mn": 1e6, "m": 1e6, "mio": 1e6,
    "billion": 1e9, "bn": 1e9, "bln": 1e9, "mlrd": 1e9, "trillion": 1e12, "tn": 1e12,
    # Indian numbering: a lakh is 100,000 and a crore 10 million ("Rs 6,702 crore")
    "lakh": 1e5, "lakhs": 1e5, "lac": 1e5, "crore": 1e7, "crores": 1e7,
    "lakh crore": 1e12, "lakh crores": 1e12,  # "Rs 2.32 lakh crore": 2.32 trillion rupees
    "b": 1e9,  # only straight after an amount of money: "$18.8b", "1.6B DKK"
    # "364 thsd tonnes" (thousand, in Russian and Central Asian agencies' English), "€ 908 mill."
    "thsd": 1e3, "ths": 1e3, "mill": 1e6,
}  # fmt: skip
# The few currencies `_rate_currency` reads in a sentence about an exchange rate.
_RATE_WORDS: Final = {
    "yuan": "CNY", "renminbi": "CNY", "rubles": "RUB", "roubles": "RUB", "ruble": "RUB",
    "rouble": "RUB", "euros": "EUR", "euro": "EUR",
}  # fmt: skip
# Physical units: surface -> (canonical unit, factor to it).
_PHYSICAL: Final = {
    "mb/d": ("b/d", 1e6), "mbd": ("b/d", 1e6), "mbpd": ("b/d", 1e6), "b/d": ("b/d", 1.0),
    "kb/d": ("b/d", 1e3), "kbd": ("b/d", 1e3), "kbpd": ("b/d", 1e3), "t": ("t", 1.0),
    "bpd": ("b/d", 1.0), "barrels per day": ("b/d", 1.0), "barrels a day": ("b/d", 1.0),
    "barrels daily": ("b/d", 1.0), "barrels of oil per day": ("b/d", 1.0),
    "barrels of oil a day": ("b/d", 1.0),
    "bcm": ("m3", 1e9), "tcm": ("m3", 1e12), "mcm": ("m3", 1e6), "cubic meters": ("m3", 1.0),
    "cubic metres": ("m3", 1.0), "m3": ("m3", 1.0), "m³": ("m3", 1.0),
    "tonnes": ("t", 1.0), "tons": ("t", 1.0), "mt": ("t", 1e6), "barrels": ("bbl", 1.0),
    "metric tons": ("t", 1.0), "metric tonnes": ("t", 1.0),
    # "600,000 bopd" (barrels of oil per day), "4.5 million cu m", "a 10 million tonne mine"
    "bopd": ("b/d", 1.0), "cu m": ("m3", 1.0), "cu. m": ("m3", 1.0), "tonne": ("t", 1.0),
    "metric tonne": ("t", 1.0), "metric ton": ("t", 1.0),
    # "200,000 bbl/d", "225,000 bbl/day", "110,000 barrels of crude per day"
    "bbl/d": ("b/d", 1.0), "bbl/day": ("b/d", 1.0), "barrels of crude per day": ("b/d", 1.0),
    "barrels of crude a day": ("b/d", 1.0), "barrels of crude oil per day": ("b/d", 1.0),
    "barrels of crude oil a day": ("b/d", 1.0),
    # "984.97 million kg of nickel", "a 75,000-ton goal"
    "kg": ("t", 1e-3), "kilograms": ("t", 1e-3), "kilogrammes": ("t", 1e-3), "ton": ("t", 1.0),
    "kgs": ("t", 1e-3), "kilogram": ("t", 1e-3), "kilogramme": ("t", 1e-3),
    # "3.33 MMb/d" (million barrels a day, as North American agencies write it)
    "mmb/d": ("b/d", 1e6), "mmbpd": ("b/d", 1e6), "mmbd": ("b/d", 1e6),
    # "the 315,000 barrel-per-day field"
    "barrel-per-day": ("b/d", 1.0), "barrels-per-day": ("b/d", 1.0),
    # "2.28 MnT" and "3.2 MMT" (million tonnes, Indian trade press), "65.4bn cu metres"
    "mnt": ("t", 1e6), "mmt": ("t", 1e6), "cu metres": ("m3", 1.0), "cu meters": ("m3", 1.0),
}  # fmt: skip
_PRICE_BASES: Final = {
    "1,000 cubic meters": "1000 m3", "1,000 cubic metres": "1000 m3",
    "1000 cubic meters": "1000 m3",
    "thousand cubic meters": "1000 m3", "thousand cubic metres": "1000 m3", "1,000 m3": "1000 m3",
    "1,000 m³": "1000 m3", "tcm": "1000 m3", "mcm": "1000 m3", "barrel": "bbl", "bbl": "bbl",
    "tonne": "t", "ton": "t", "metric ton": "t", "metric tonne": "t", "t": "t", "mwh": "MWh",
    "mmbtu": "MMBtu", "mt": "t", "kg": "t", "kilogram": "t", "kilo": "t",
    # timber, LNG by volume: "US$562.47 per cubic metre"
    "cubic metre": "m3", "cubic meter": "m3", "m3": "m3", "m³": "m3",
}  # fmt: skip
# A price per kilogram is quoted per tonne, as every tonne price is: "US$1.48/kg" is
# USD 1,480 per t.
_PRICE_FACTOR: Final = {"kg": 1e3, "kilogram": 1e3, "kilo": 1e3}
_PER_KILO_END: Final = re.compile(r"(?:per|a|/)\s?(?:kg|kilo|kilogram)s?$", re.IGNORECASE)
HEDGES: Final = (
    "approximately", "a bit more than", "a bit over", "just over", "just under", "just below",
    "more than", "less than", "fewer than", "at least", "at most", "up to", "close to",
    "roughly", "around", "about", "nearly", "almost", "some", "over", "under", "below",
    "above", "barely", "perhaps", "an estimated", "estimated", "just", "only", "a record",
)  # fmt: skip

# A number is at most 18 digits before the point and 10 after, and is never read from the
# middle of a longer digit run: without the guards, each start inside "99…9" (5,000 digits)
# scans to the run's end and back, which makes reading a digit run quadratic.
# Indian (lakh/crore) grouping writes the thousands in threes and the rest in pairs:
# "17,35,286 tonnes" is 1,735,286 (Indian Standard IS 2:1960; MPEDA and most Indian
# statistics); it is read first so that "35,286" is never read out of its middle.
_NUM = (
    r"(?<!\d)(?<!\d\.)(?<!\d,)"
    r"(?:\d{1,2}(?:,\d\d){1,5},\d{3}(?!,\d)(?:\.\d{1,10})?"
    r"|\d{1,3}(?:,\d{3}){1,6}(?:\.\d{1,10})?"
    # "114 000 tonnes" (FAO, French and Russian usage: thousands set apart by a space)
    r"|\d{1,3}(?:[ \u00a0\u202f]\d{3}){1,4}(?=\s?[a-zA-Z%])"
    # "(4,6 percent)", "$973,5 million": a comma before one or two digits separates no
    # thousands; it is a decimal comma (European usage, kept in translated releases)
    r"|\d{1,3},\d{1,2}(?![\d,])"
    r"|\d{1,18}(?:\.\d{1,10})?)"
    r"(?!\d|\.\d)"
)
_WORDNUM = "|".join(sorted(_WORD_NUMBERS, key=len, reverse=True))
# "eight million tonnes", "almost nine trillion roubles", "four to five percent"
_NUMW = rf"{_NUM}|\b(?:{_WORDNUM})\b"
_SCALE = (
    r"(?:thousand|million|billion|trillion|mln|mlrd|mio|bln|bn|mn|tn|lakh\scrores?|lakhs?|lac|"
    r"crores?|thsd|ths|"
    r"mill|k|m)\b"
)
# A currency before the number ("RM252.8 billion", "MAD 25.4 billion", "Sh153 billion") or
# after it ("42.47 billion dirhams"): every currency in CLDR (`claims.currencies`), never
# read out of the middle of a word ("PM2.5" is no money).
_SYM = rf"(?<![^\W_])(?:US\s?\$|U\.S\.\s?\$|US\sdollars\s|{currencies().symbol_pattern()})\s?"
_CURWORD = currencies().word_pattern()
# "$5-6 billion", "$5 billion to $6 billion"; a hyphen set apart by spaces is a dash
# between clauses ("NOK 44.1 billion - 22.6 per cent higher than in 2011"), no range
_DASH = r"(?!\s-\s)\s?(?:-|–|—|to)\s?"
_AND = r"\s?(?:-|–|—|to|and)\s?"  # "between $200 and $206"
_PHYS = "|".join(re.escape(k) for k in sorted(_PHYSICAL, key=len, reverse=True))
_BASES = "|".join(re.escape(k) for k in sorted(_PRICE_BASES, key=len, reverse=True))

_MONEY = re.compile(
    rf"(?P<btw>between\s)?(?P<sym>{_SYM})(?P<n1>{_NUM})(?:[\s-]?(?P<s1>{_SCALE})|(?P<b1>b)\b)?"
    rf"(?:(?(btw){_AND}|{_DASH})(?:{_SYM})?(?P<n2>{_NUM})(?:\s?(?P<s2>{_SCALE})|(?P<b2>b)\b)?)?"
    rf"|(?P<n3>{_NUMW})(?:{_DASH}(?P<n4>{_NUMW}))?(?:\s?(?P<s3>{_SCALE}|b\b))?\s(?P<word>{_CURWORD})",
    re.IGNORECASE,
)
# "$54 a barrel", "$43.3 per one barrel", "USD 78.8/ton"
_PER = re.compile(rf"^(?:\s?(?:per|a)\s(?:one\s)?|\s?/\s?)(?P<base>{_BASES})\b", re.IGNORECASE)
# "between 30% and 50%" is a range; "24.7% and 22.6%" are two figures
_PERCENT = re.compile(
    rf"(?P<btw>between\s)?(?P<n1>{_NUMW})\s?(?:%|percent\b|per cent\b)?"
    rf"(?:\s?(?:-|–|—|to|(?(btw)and|(?!x)x))\s?(?P<n2>{_NUMW}))?"
    r"[\s-]?(?P<u>%|percent\b|per cent\b|pct\b|pc\b|percentage points?\b|basis[- ]points?\b)",
    re.IGNORECASE,
)
_PHYSICAL_RE = re.compile(
    # "a 40-tonne target": a unit word joined by a hyphen
    # "between 20,000 and 40,000 bpd" is a range, as for money and percentages
    rf"(?P<btw>between\s)?(?P<n1>{_NUMW})(?:(?(btw){_AND}|{_DASH})(?P<n2>{_NUMW}))?"
    # "the 3.8-million-ton-per-year unit"
    rf"(?:\s|-(?=[a-z]{{3}}))?(?:(?P<s>{_SCALE})[\s-])?"
    rf"(?P<u>{_PHYS})(?![\w/])",
    re.IGNORECASE,
)
_MULTIPLE = re.compile(
    rf"\b(?P<n>{_NUM}|{_WORDNUM})(?:-|\s)?fold\b"
    # "2.6 times to $6.75 billion", "nine times greater"; not "three times a year"
    rf"|\b(?P<m>{_NUM}|{_WORDNUM}) times\b(?!\s(?:a|per|each|every|in\s(?:a|one))\s)"
    r"|\b(?P<v>doubled|tripled|quadrupled|doubling|tripling|halved|"
    r"twice(?=\s(?:the|as|that|its|what))|"
    # "should probably double by the end of 2015": a forecast of twice the level
    # "set to triple from its 2015 level by 2017"
    r"(?:double|triple|quadruple)(?=\s(?:the|its|that|what|their|by|within|from)\b))\b"
    rf"|\b(?P<h>{_NUM}|{_WORDNUM}) and a half times\b",
    re.IGNORECASE,
)
# "half of the exports", "almost half, 49 per cent, of": a share named before its figure
_HALF = re.compile(
    r"\bhalf(?=\s(?:the|of|its|their|that|what)\b|,\s(?:some\s|about\s)?\d[\d.]*\s?(?:%|per))",
    re.IGNORECASE,
)
_FRACTION = re.compile(
    rf"\b(?P<k>a|an|one|{_WORDNUM})[-\s](?P<d>{'|'.join(_FRACTIONS)})\b(?!\s(?:century|decade))",
    re.IGNORECASE,
)
# "one in three of the vehicles", "nearly one in five": a share written as odds
_ONE_IN = re.compile(rf"\b(?P<k>one|{_NUM})\sin\s(?P<n>{_WORDNUM}|\d{{1,3}})\b(?!\s(?:19|20)\d\d)",
                     re.IGNORECASE)  # fmt: skip
_VERB_FACTORS: Final = {"doubled": 2.0, "tripled": 3.0, "quadrupled": 4.0,
                        "twice": 2.0, "double": 2.0, "triple": 3.0, "quadruple": 4.0,
                        "doubling": 2.0, "tripling": 3.0}  # fmt: skip


@dataclass(frozen=True, slots=True)
class Quantity:
    """A number with its unit, as written: `start`/`end` index the sentence."""

    start: int
    end: int
    value: float
    unit: str  # USD, CNY, percent, b/d, m3, USD per 1000 m3, CNY per USD, times, fraction …
    low: float | None = None
    high: float | None = None
    decimals: int = 0  # digits after the point as written: the claim's precision
    hedge: str | None = None

    def with_unit(self, unit: str) -> Quantity:
        return replace(self, unit=unit)


_DECIMAL_COMMA: Final = re.compile(r"\d{1,3},\d{1,2}")


def number(text: str) -> float:
    """'1,234.5' -> 1234.5; '4,6' -> 4.6 (a decimal comma: `_NUM`); 'nine' -> 9."""
    word = text.lower()
    if word in _WORD_NUMBERS:
        return float(_WORD_NUMBERS[word])
    if _DECIMAL_COMMA.fullmatch(text):
        return float(text.replace(",", "."))
    return float(re.sub(r"[,\s\u00a0\u202f]", "", text))


def _decimals(text: str | None) -> int:
    if text and _DECIMAL_COMMA.fullmatch(text):
        return len(text.split(",")[1])
    return len(text.split(".")[1]) if text and "." in text else 0


def _scale(word: str | None) -> float:
    return _SCALES[" ".join(word.lower().split())] if word else 1.0


def _span(lo: float, hi: float | None) -> tuple[float, float | None, float | None]:
    """(value, low, high): a range reads as its midpoint; floats trimmed of binary noise."""
    if hi is None:
        return float(f"{lo:.12g}"), None, None
    return (
        float(f"{(lo + hi) / 2:.12g}"),
        float(f"{min(lo, hi):.12g}"),
        float(f"{max(lo, hi):.12g}"),
    )


# The digits of a period word: "FY22", "H1", "Q3", the "19" of "2018-19".
_PERIOD_DIGITS: Final = re.compile(r"(?:\bFY\s?|\b[HQ]|(?:19|20)\d\d\s?[-–/]\s?)$")


def _year_led(m: re.Match[str], first: str) -> bool:
    """A 'range' whose first end is a year ("in 2021 to 15.4 bcm") or the digits of a period
    ("in FY22 to 183Mt", "in 2018-19 to 205 million tonnes") is not a range."""
    if not m[first]:
        return False
    return (
        re.fullmatch(r"(?:19|20)\d\d", m[first]) is not None
        or _PERIOD_DIGITS.search(m.string, 0, m.start(first)) is not None
    )


def _reparse(pattern: re.Pattern[str], s: str, m: re.Match[str], second: str) -> re.Match[str]:
    again = pattern.match(s, m.start(second))
    return again if again else m


def domain_quantities(
    sentence: str, *, price_unit: str | None = None, countries: Sequence[str] = ()
) -> list[Quantity]:
    """Every domain quantity in ``sentence``, left to right, spans not overlapping.

    ``price_unit`` is the price unit of the sentence before, which bare amounts
    listed after it inherit ("… averaged $230 per 1,000 m³. Qatar was paid $275.").
    ``countries`` (ISO3) are those the text names, which tell apart the currencies that
    share a name or symbol ("rupees", "Sh", "K": `claims.currencies.resolve`).
    """
    found: list[Quantity] = []
    taken: list[tuple[int, int]] = []
    for q in _split_changes(sentence, _candidates(sentence, countries), countries):
        if any(q.start < e and s < q.end for s, e in taken):
            continue
        taken.append((q.start, q.end))
        found.append(q)
    found += _bare_amounts(sentence, taken, found)
    found.sort(key=lambda q: q.start)
    found = _price_context(sentence, found, price_unit)
    return [_hedged(sentence, _daily(sentence, q)) for q in found]


# "an average daily export level slightly over 1.8 million barrels", "the daily rate of
# exports averaged nearly 3.47 million barrels": barrels a day
_DAILY_BEFORE: Final = re.compile(r"\bdaily\b[^.;,]{0,80}$", re.IGNORECASE)


def _daily(sentence: str, q: Quantity) -> Quantity:
    """Barrels that the words just before call a daily level are barrels per day."""
    if q.unit == "bbl" and _DAILY_BEFORE.search(sentence[max(0, q.start - 90) : q.start]):
        return q.with_unit("b/d")
    return q


_BARE_RATE = re.compile(
    r"(?<![\d.,$€¥£₽\w])(\d{1,3}\.\d{1,4}|\d{1,3}(?=\s(?:to|per|against)\s(?:the\s|one\s)?"
    r"(?:US\s|U\.S\.\s)?dollar))(?![\d.,]|\s?(?:%|percent|per cent))"
)
# Words that may follow an amount listed without its unit ("Kazakhstan 617 million in
# 2021", "617 million and Uzbekistan …"); any other word after it names what is counted.
_NOT_A_NOUN = (
    r"(?:and|or|in|to|from|for|by|at|on|of|with|while|but|than|was|were|is|are|a|an|the|"
    r"each|respectively|worth|last|this|that|over|under|per|against|compared|versus|more|"
    r"less|higher|lower|up|down|year|years|month|months|earlier|before|ago|previously|"
    r"according|said|says|rose|fell|grew|target|goal|plan|forecast|estimate|level|mark|peak|"
    r"record|total|average|limit|cap|quota|ceiling|figure)"
)
_BARE_SCALED = re.compile(rf"(?<![\d.,$€¥£₽\w])({_NUMW})\s({_SCALE})"
                          rf"(?!\s?(?:(?:{_PHYS})(?![\w/])|{_CURWORD}))"
                          # "1.19 billion bottles": a count of something the sentence names
                          rf"(?!\s(?!{_NOT_A_NOUN}\b)[a-z]{{3,}})",
                          re.IGNORECASE)  # fmt: skip


# A plain number as the base of a comparison, in the unit of the volume before it.
_BARE_BASE = re.compile(
    rf"\b(?:from|than|against|versus|compared\swith|after)\s(?:the\s)?(?:about\s|around\s|some\s|"
    rf"just\s|nearly\s)?({_NUM})(?![\d.,]|\s?(?:%|percent|per cent|{_SCALE}|{_PHYS}|{_CURWORD})|"
    r"\s(?:to|and)\s\d)",
    re.IGNORECASE,
)


# "from 280,000 barrels per day in 2000 to 227,000 in 2005": the end of a change, in the unit
# of its start.
_BARE_TARGET = re.compile(
    rf"\bto\s(?:about\s|around\s|some\s|just\s)?({_NUM})(?=\s(?:in|by)\s(?:19|20)\d\d\b)"
)


def _bare_amounts(
    sentence: str, taken: list[tuple[int, int]], found: list[Quantity]
) -> list[Quantity]:
    """Numbers whose unit the sentence gives elsewhere: rates in a sentence about a currency
    against the dollar ("the central parity … 6.9237", "94.3 per dollar"), and scaled amounts
    listed after a volume ("Turkmenistan 4.227 billion cubic metres, Kazakhstan 617 million")."""
    out: list[Quantity] = []

    def free(a: int, b: int) -> bool:
        return not any(a < e and s_ < b for s_, e in taken)

    currency = _rate_currency(sentence)
    if currency:
        for m in _BARE_RATE.finditer(sentence):
            if free(m.start(), m.end()):
                out.append(Quantity(m.start(), m.end(), float(m[1]), f"{currency} per USD",
                                    decimals=_decimals(m[1])))  # fmt: skip
    # in reading order: "rose by 1.45 million barrels to 149.69 million" takes the barrels
    found = sorted(found, key=lambda q: q.start)
    physical = [q for q in found if q.unit in ("m3", "t", "b/d")]
    amounts = [q for q in found if q.unit in ("m3", "t", "b/d", "bbl") or is_money(q.unit)]
    for m in _BARE_SCALED.finditer(sentence):
        before = [q for q in amounts if q.end <= m.start()]
        if not before or not free(m.start(), m.end()):
            continue
        gap = sentence[before[-1].end : m.start()]
        if re.search(r";|\.(?!\d)|\b(?:and|while|but)\s(?:its|the)\b", gap):
            continue
        value = number(m[1]) * _scale(m[2])
        out.append(Quantity(m.start(), m.end(), value, before[-1].unit, decimals=_decimals(m[1])))
    for m in _BARE_TARGET.finditer(sentence):  # "from 280,000 b/d in 2000 to 227,000 in 2005"
        before = [q for q in physical if q.end <= m.start()]
        if not before or not free(m.start(1), m.end(1)) or re.fullmatch(r"(?:19|20)\d\d", m[1]):
            continue
        if not re.fullmatch(r"[^;.]{0,40}", sentence[before[-1].end : m.start()]) or not re.search(
            r"\bfrom\s(?:about\s|around\s|some\s)?$", sentence[: before[-1].start]
        ):
            continue
        out.append(Quantity(m.start(1), m.end(1), number(m[1]), before[-1].unit,
                            decimals=_decimals(m[1])))  # fmt: skip
    for m in _BARE_BASE.finditer(sentence):  # "740,000 barrels a day from 744,000 in September"
        before = [q for q in physical if q.end <= m.start()]
        if not before or not free(m.start(1), m.end(1)) or re.fullmatch(r"(?:19|20)\d\d", m[1]):
            continue
        if re.search(r";|\.(?!\d)", sentence[before[-1].end : m.start()]):
            continue
        out.append(Quantity(m.start(1), m.end(1), number(m[1]), before[-1].unit,
                            decimals=_decimals(m[1])))  # fmt: skip
    return out


def _currency(m: re.Match[str], countries: Sequence[str]) -> str | None:
    """The currency of a `_MONEY` match, given the countries the text names."""
    if m["sym"]:
        surface = m["sym"].strip()
        if re.fullmatch(r"U\.?S\.?\s?\$|US\sdollars", surface, re.IGNORECASE):
            return "USD"
        if surface == "$":  # a price per barrel or tonne is in US dollars everywhere
            per = _PER.match(m.string[m.end() :])
            return "USD" if per else bare_dollar(m.string, countries, m.start("sym"))
        # letters before a plain integer are a name or a model ("S300", "P5", "CUP 2022",
        # "SAR 1997"), unless a code quotes a price ("USD 85 per barrel", "EUR 500") or a
        # rate ("an exchange rate of N305 to the dollar")
        if (
            re.fullmatch(r"[A-Za-z.]+", surface)
            and _bare_number(m["n1"], m["s1"] or m["b1"])
            and surface.upper() not in _BARE_CODES
            and not _PER.match(m.string[m.end() :])
            and not _PER_DOLLAR.match(m.string[m.end() :])
        ):
            return None
        return resolve(surface, countries, symbol=True)
    word = m["word"]
    if re.fullmatch(r"(?:19|20)\d\d", m["n3"] or "") and not m["s3"]:
        return None  # "in 2017 won the presidency": a year before a word, not an amount
    if word.lower() in ("pounds", "pound") and re.match(r"\s+of\b", m.string[m.end() :]):
        return None  # "1.2 million pounds of coffee": a weight
    return resolve(re.sub(r"^u\.?s\.?\s", "us ", word, flags=re.IGNORECASE), countries,
                   symbol=False)  # fmt: skip


# Codes that often quote a plain amount ("USD 500 per tonne", "EUR 40"): not names.
_BARE_CODES: Final = frozenset({"USD", "EUR", "GBP", "CNY", "RUB", "JPY", "CHF", "RMB"})


def _bare_number(digits: str, scale: str | None) -> bool:
    """A plain integer with no scale, grouping or decimals ("300", "2022")."""
    return scale is None and re.fullmatch(r"\d{1,4}", digits) is not None


# "($1 = 8.4344 Norwegian crowns)" (the rate a Reuters story converted at), "(one U.S.
# dollar is equivalent to 82 yen)": a rate of that currency per dollar, not $1
_ONE_DOLLAR_IS = (
    r"(?:(?:US|U\.S\.)?\$\s?1|(?:one|1)\s(?:US\s|U\.S\.\s)?dollar)\s?"
    r"(?:=|is\sequivalent\sto|equals|is\sworth)\s?"
)
CONVERSION: Final = re.compile(_ONE_DOLLAR_IS, re.IGNORECASE)  # where such a rate begins
_DOLLAR_IS: Final = re.compile(
    rf"{_ONE_DOLLAR_IS}(?P<n>{_NUM})\s(?P<word>{_CURWORD})", re.IGNORECASE
)


def _candidates(s: str, countries: Sequence[str] = ()) -> Iterator[Quantity]:
    # Order matters: earlier patterns win overlapping spans.
    for m in _DOLLAR_IS.finditer(s):
        code = resolve(m["word"], countries, symbol=False)
        if code is not None and code != "USD":  # the whole span: "$1" is no amount here
            yield Quantity(m.start(), m.end(), number(m["n"]), f"{code} per USD",
                           decimals=_decimals(m["n"]))  # fmt: skip
    for m in _MONEY.finditer(s):
        if m["n4"] and _year_led(m, "n3"):
            m = _reparse(_MONEY, s, m, "n4")
        found = _currency(m, countries)
        if found is None:
            continue  # a currency the text does not pin down: not read as money
        unit = found
        if m["sym"]:
            # "$50-$57 billion": the first number takes the scale written after the second
            s1, s2 = m["s1"] or m["b1"], m["s2"] or m["b2"]
            f2 = _scale(s2) if s2 else _scale(s1)
            f1 = _scale(s1) if s1 else f2
            v, lo, hi = _span(number(m["n1"]) * f1, number(m["n2"]) * f2 if m["n2"] else None)
            raw = m["n1"]
        else:
            f = _scale(m["s3"])
            v, lo, hi = _span(number(m["n3"]) * f, number(m["n4"]) * f if m["n4"] else None)
            raw = m["n3"]
        end = m.end()
        per = _PER.match(s[end:])
        amount = Quantity(m.start(), end, v, unit, lo, hi, _decimals(raw))
        if per:
            base = per["base"].lower()
            amount = _as_price(amount, f"{unit} per {_PRICE_BASES[base]}", base in _PRICE_FACTOR)
            amount = replace(amount, end=end + per.end())
        yield amount
    for m in _PHYSICAL_RE.finditer(s):
        if m["n2"] and _year_led(m, "n1"):
            m = _reparse(_PHYSICAL_RE, s, m, "n2")
        grouped = re.search(r"\d,\d{3}", m["n1"]) is not None
        if m["u"].lower() == "t" and not m["s"] and not grouped:
            continue  # "11 mln t", "154,000 t" are tonnes; a bare "5 t" is too ambiguous
        unit, factor = _PHYSICAL[m["u"].lower()]
        # "31,213 MT", "4.44 million mt", "302,378mt": metric tonnes; "Mt" alone is millions
        if m["u"].lower() == "mt" and (m["u"] == "MT" or m["s"] or grouped):
            unit, factor = "t", 1.0
        factor *= _scale(m["s"])
        n2 = number(m["n2"]) * factor if m["n2"] else None
        v, lo, hi = _span(number(m["n1"]) * factor, n2)
        yield Quantity(m.start(), m.end(), v, unit, lo, hi, _decimals(m["n1"]))
    for m in _PERCENT.finditer(s):
        if m["n2"] and _year_led(m, "n1"):
            m = _reparse(_PERCENT, s, m, "n2")
        unit = "pp" if m["u"].lower().startswith(("percentage", "basis")) else "percent"
        bp = 0.01 if m["u"].lower().startswith("basis") else 1.0  # 350 basis points: 3.5 pp
        v, lo, hi = _span(number(m["n1"]) * bp, number(m["n2"]) * bp if m["n2"] else None)
        start = m.start()
        # "one-half of 1 percent" is half a percent
        frac = re.search(r"(?:a|one)[-\s](half|third|quarter|fifth|tenth) of\s$", s[: m.start()])
        if frac:
            v, start = v / _FRACTIONS[frac[1]], frac.start()
        yield Quantity(start, m.end(), v, unit, lo, hi, max(_decimals(m["n1"]), _decimals(m["n2"])))
    for m in _MULTIPLE.finditer(s):
        if m["v"] and m["v"].lower() == "halved":  # a fraction of the level before
            yield Quantity(m.start(), m.end(), 0.5, "fraction")
        elif m["v"]:
            yield Quantity(m.start(), m.end(), _VERB_FACTORS[m["v"].lower()], "times")
        elif m["h"]:
            yield Quantity(m.start(), m.end(), number(m["h"]) + 0.5, "times", decimals=1)
        else:
            raw = m["n"] or m["m"]
            yield Quantity(m.start(), m.end(), number(raw), "times", decimals=_decimals(raw))
    for m in _HALF.finditer(s):  # "less than half the previous year's", "roughly half of"
        if not re.search(r"\b(?:a|one|first|second|last|other|the)[-\s]$", s[: m.start()],
                         re.IGNORECASE):  # fmt: skip
            yield Quantity(m.start(), m.end(), 0.5, "fraction")
    for m in _ONE_IN.finditer(s):
        odds, among = number(m["k"].lower()), number(m["n"].lower())
        if 1 <= odds < among:
            yield Quantity(m.start(), m.end(), odds / among, "fraction")
    for m in _FRACTION.finditer(s):
        k = m["k"].lower()
        num = 1.0 if k in ("a", "an") else number(k)
        if k in ("a", "an") and not (_share_follows(s, m) or _by_before(s, m)):
            continue  # "a third term", "a quarter" of a year: only "a third of X" is a share
        point = re.match(r"\s+of\s+a\s+percentage\s+point\b", s[m.end() :], re.IGNORECASE)
        if point:  # "by a quarter of a percentage point": 0.25 pp
            end = m.end() + point.end()
            yield Quantity(m.start(), end, num / _FRACTIONS[m["d"].lower()], "pp", decimals=2)
            continue
        yield Quantity(m.start(), m.end(), num / _FRACTIONS[m["d"].lower()], "fraction")


_SCALED_END = rf"\S*\d[\d.,]*\s?(?:{_SCALE}|b\b)"  # "$1.1 billion", "$3.8b"
_CHANGE_VERB = (
    r"(?:rose|climbed|grew|increased|jumped|gained|added|fell|dropped|declined|slipped|"
    r"slid|decreased|shrank|eased|surged|soared|plunged|tumbled)"
)


def _split_changes(
    s: str, quantities: Iterator[Quantity], countries: Sequence[str] = ()
) -> Iterator[Quantity]:
    """ "from $2.28 billion to $480 million" is a change between two amounts, not a range."""
    for q in quantities:
        quote = s[q.start : q.end]
        to = quote.find(" to ")
        if q.low is None or to < 0:
            yield q
            continue
        head = s[max(0, q.start - 80) : q.start]  # a few words back: linear in the sentence
        change = re.search(r"\b(?:from|by)\s(?:[\w-]+\s){0,3}$", head) or (
            # "rose $1.1 billion to $10 billion": the change and the level it reached, each
            # end with its own scale; "rose 5 to 7 percent" stays a range
            # "rose 8% or $757 million to $9.92 billion": the change given both ways
            re.search(rf"\b{_CHANGE_VERB}\s(?:by\s)?(?:{_NUM}\s?(?:%|per\s?cent),?\s(?:or\s)?)?$",
                      head, re.IGNORECASE)
            and re.fullmatch(rf"{_SCALED_END}\sto\s{_SCALED_END}.*", quote, re.IGNORECASE | re.S)
        )  # fmt: skip
        if not change:
            yield q
            continue
        cut = q.start + to
        for part_start, part_end in ((q.start, cut), (cut + 4, q.end)):
            for p in _candidates(s[part_start:part_end], countries):
                yield replace(p, start=p.start + part_start, end=p.end + part_start)


def _by_before(s: str, m: re.Match[str]) -> bool:
    """ "rose by more than a third": a change by a fraction."""
    return bool(re.search(r"\bby\s(?:more than\s|less than\s|almost\s|nearly\s|about\s)?$",
                          s[: m.start()]))  # fmt: skip


def _share_follows(s: str, m: re.Match[str]) -> bool:
    return bool(re.match(r"\s+of\b", s[m.end() :]))


# "a tonne of cashew nut fetched $1,065.4", "the average value of each ton of exported goods
# … was $348", "the average price per barrel amounted to $74.91": an amount said of one
# tonne or barrel is a price per tonne or barrel
_UNIT_PRICED: Final = re.compile(
    r"\b(?:a|each|one|every|per)\s(?:metric\s)?(?P<per>tonne|ton|barrel)\b"
    r"(?:[^.;\d$€£¥]|(?:19|20)\d\d){0,70}?\s"
    r"(?:fetched|cost|costs|sold\sfor|went\sfor|brought|averaged|was|were|stood\sat|"
    r"amounted\sto)\s"
    r"(?:about\s|around\s|some\s|nearly\s|an\saverage\s(?:of\s)?)?$",
    re.I,
)


def _price_context(sentence: str, found: list[Quantity], price_unit: str | None) -> list[Quantity]:
    """Bare amounts listed after a price inherit its unit ("$180 per 1,000 m³, Turkmen $210");
    amounts of a currency quoted against the dollar are exchange rates ("¥6.2 to the dollar")."""
    out: list[Quantity] = []
    rate_of = _rate_currency(sentence)
    found = _prices_paired(sentence, found)
    per_kilo = False
    for q in found:
        if is_money(q.unit) and q.unit != "USD" and _PER_DOLLAR.match(sentence[q.end :]):
            q = q.with_unit(f"{q.unit} per USD")  # "6.3646 yuan to the dollar"
        priced = is_money(q.unit) and _UNIT_PRICED.search(sentence[max(0, q.start - 100) : q.start])
        if priced:  # "a tonne of cashew nut fetched $1,065.4", "the price per barrel was $74.91"
            q = q.with_unit(f"{q.unit} per {'bbl' if priced['per'].lower() == 'barrel' else 't'}")
        if " per " in q.unit:
            price_unit, per_kilo = q.unit, _per_kilo(sentence, q)
        elif price_unit and q.unit == price_unit.split(" per ")[0] and q.value < 1e4:
            q = _as_price(q, price_unit, per_kilo)
        if rate_of and q.unit in ("CNY", "RUB", "EUR", "USD") and q.value < 1e3:
            q = q.with_unit(f"{rate_of} per USD")
        out.append(q)
    return out


def _prices_paired(sentence: str, found: list[Quantity]) -> list[Quantity]:
    """Two amounts of one currency joined as a change take the price unit one of them has:
    "to US$10,500 per tonne from US$16,500", "from US$6,353.8 to US$6,496.7 per tonne"."""
    out = list(found)
    for i in range(len(out) - 1):
        a, b = out[i], out[i + 1]
        gap = sentence[a.end : b.start]
        if not _PAIR_GAP.fullmatch(gap):
            continue
        for x, y in ((a, b), (b, a)):
            if " per " in x.unit and is_money(y.unit) and x.unit.split(" per ")[0] == y.unit:
                out[out.index(y)] = _as_price(y, x.unit, _per_kilo(sentence, x))
    return out


def _per_kilo(sentence: str, price: Quantity) -> bool:
    """A price written per kilogram (and so held per tonne, `_PRICE_FACTOR`)."""
    return _PER_KILO_END.search(sentence[price.start : price.end]) is not None


def _as_price(q: Quantity, unit: str, per_kilo: bool) -> Quantity:
    """A bare amount read in the unit of the price beside it ("$3.18 per kilo in 2012
    against $2.99 in 2011": USD 2,990 per t)."""
    f = _PRICE_FACTOR["kg"] if per_kilo else 1.0  # every per-kilo base is a thousandth
    low, high = (x * f if x is not None else None for x in (q.low, q.high))
    return replace(q, unit=unit, value=q.value * f, low=low, high=high)


_PAIR_GAP: Final = re.compile(
    r"\s?(?:to|from|against|versus|compared\swith|up\sfrom|down\sfrom|-|–)\s?"
    r"(?:about\s|around\s|some\s|just\s)?",
    re.IGNORECASE,
)
_PER_DOLLAR: Final = re.compile(
    r"^\s?(?:(?:to|per|against|for)\s(?:the\s|one\s|a\s)?|a\s)(?:US\s|U\.S\.\s)?dollar\b",
    re.IGNORECASE,
)


def _rate_currency(sentence: str) -> str | None:
    """The currency a sentence quotes against the dollar ("the yuan … to ¥7 to the dollar")."""
    lower = sentence.lower()
    if not re.search(r"to the (?:us )?dollar|per (?:us |u\.s\. )?dollar|exchange rate|depreciation|"
                     r"appreciation|devaluation|parity|the dollar (?:averag|at|trad|stood|cost)",
                     lower):  # fmt: skip
        return None
    averaging = re.search(r"the dollar (?:averag|at|trad|stood|cost)\w*\s[\d.,]+\s(rubles|"
                          r"roubles|yuan|euros)", lower)  # fmt: skip
    if averaging:  # "the dollar averaging 85.2 rubles"
        return _RATE_WORDS[averaging[1]]
    m = re.search(r"\b(?:the|its)\s(yuan|renminbi|ruble|rouble|euro)\b", lower) or re.search(
        r"\b(yuan|renminbi|rubles?|roubles?|euros?)\b", lower
    )
    return _RATE_WORDS[m[1]] if m else None


def _hedged(sentence: str, q: Quantity) -> Quantity:
    before = sentence[max(0, q.start - 24) : q.start].lower().rstrip()
    before = re.sub(r"\b(?:of|from|to|at|by|was|is|were|be|been|with|reaching|reached)$", "",
                    before).rstrip()  # fmt: skip
    for hedge in HEDGES:
        if before.endswith(hedge) and (
            len(before) == len(hedge) or not before[-len(hedge) - 1].isalpha()
        ):
            return replace(q, hedge=hedge)
    return q
