"""Every currency a figure may be written in: codes, names and symbols from CLDR.

A claim about Kenyan tea or Moroccan phosphates is written in shillings or
dirhams ("Sh153 billion", "MAD 25.4 billion", "42.47 billion dirhams"). The
currencies in use, their English names (singular and plural) and their
symbols, in English and in each territory's own locales, come from the
Unicode CLDR through `babel`; only what CLDR does not list is written here
(press abbreviations such as "Rs" and "KSh", the plural "reais"). Reading
295 CLDR locales takes a second, so the table is built once by
`tools/build_currencies.py` into `data/currencies.json` (a test holds the
file to what babel gives) and read from there.

Several currencies share a surface ("rupees": INR, PKR, LKR …; "K": ZMW,
PGK, MWK …). Such a surface is read as the currency of a country the text
names (`resolve`); without one it is read only where English usage is
settled ("$" is the US dollar, "¥" the yuan unless the text is about Japan),
and otherwise not read as money at all: a missed figure is better than a
figure in the wrong currency.
"""

from __future__ import annotations

import json
import re
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from importlib.resources import files
from typing import Any, Final

# What CLDR does not say but English-language business press writes (Reuters, The Hindu,
# Business Daily Africa, Dawn …): surface -> the currencies it may be.
_PRESS_SYMBOLS: Final = {
    "us$": ("USD",), "u.s.$": ("USD",), "$us": ("USD",), "¥": ("CNY", "JPY"),
    "rs": ("INR", "PKR", "LKR", "NPR", "MUR", "SCR"),
    "rs.": ("INR", "PKR", "LKR", "NPR", "MUR", "SCR"), "re": ("INR", "PKR", "LKR", "NPR"),
    "ksh": ("KES",), "kshs": ("KES",), "sh": ("KES", "TZS", "UGX", "SOS"), "tsh": ("TZS",),
    "ush": ("UGX",), "tk": ("BDT",), "c$": ("CAD",), "au$": ("AUD",), "s$": ("SGD",),
    "e£": ("EGP",), "le": ("EGP",), "dh": ("AED", "MAD"), "dhs": ("AED", "MAD"),
    "n$": ("NAD",), "z$": ("ZWG",), "gh₵": ("GHS",), "gh¢": ("GHS",), "rmb": ("CNY",),
    "shs": ("UGX", "KES", "TZS"), "kd": ("KWD",), "bd": ("BHD",), "qr": ("QAR",),
    "ro": ("OMR",), "jd": ("JOD",), "j$": ("JMD",), "tt$": ("TTD",), "g$": ("GYD",),
    "fj$": ("FJD",), "can$": ("CAD",), "cfa": ("XOF", "XAF"),
    # "Kshs.180.57 billion", "ZKw37.6 billion", "MK32.1 billion", "N27.5 trillion" (the naira
    # as Nigerian papers write it: a letter, so read only where Nigeria is named), "K" for
    # Malawi's kwacha as for Zambia's
    "ksh.": ("KES",), "kshs.": ("KES",), "zk": ("ZMW",), "zkw": ("ZMW",), "mk": ("MWK",),
    "n": ("NGN",), "k": ("MWK",),
    # "NRs 158.17 billion" (Nepal's press), "USD$ 30,730 million" (Mexican releases in English)
    "nrs": ("NPR",), "nrs.": ("NPR",), "usd$": ("USD",),
}  # fmt: skip
_PRESS_WORDS: Final = {
    "reais": ("BRL",), "roubles": ("RUB",), "rouble": ("RUB",), "renminbi": ("CNY",),
    "rmb": ("CNY",), "nz dollars": ("NZD",), "nz dollar": ("NZD",), "us dollars": ("USD",),
    "u.s. dollars": ("USD",), "us dollar": ("USD",), "u.s. dollar": ("USD",),
    "pounds sterling": ("GBP",), "sterling": ("GBP",), "cfa francs": ("XOF", "XAF"),
    "cfa franc": ("XOF", "XAF"), "kroner": ("NOK", "DKK"), "kronor": ("SEK",),
    "u.s dollars": ("USD",), "usd": ("USD",), "eur": ("EUR",), "cny": ("CNY",), "rub": ("RUB",),
    "gbp": ("GBP",), "jpy": ("JPY",),  # "5 billion usd": the big codes in lower case too
    "dh": ("AED", "MAD"), "dhs": ("AED", "MAD"),  # "6.6 billion DH" (Moroccan press)
    # the crowns as Reuters names them ("$1 = 8.4344 Norwegian crowns")
    "norwegian crowns": ("NOK",), "norwegian crown": ("NOK",), "swedish crowns": ("SEK",),
    "swedish crown": ("SEK",), "danish crowns": ("DKK",), "danish crown": ("DKK",),
    "czech crowns": ("CZK",), "czech crown": ("CZK",),
    # "48.7 billion crowns" in a story on Norway's exports: the crowns of the country named
    "crowns": ("NOK", "SEK", "DKK", "CZK", "ISK"), "crown": ("NOK", "SEK", "DKK", "CZK", "ISK"),
    # "24.5 billion rials" in a story on Qatar: the rials and riyals of the Gulf and Iran,
    # read by the country the text names
    "rials": ("QAR", "OMR", "IRR", "YER", "SAR"), "rial": ("QAR", "OMR", "IRR", "YER", "SAR"),
    "riyals": ("QAR", "OMR", "IRR", "YER", "SAR"), "riyal": ("QAR", "OMR", "IRR", "YER", "SAR"),
}  # fmt: skip
# Where English usage is settled, a shared surface has a default when no named country
# settles it ("¥" the yuan); "$" and "dollars" are always the US dollar (`resolve`).
_DEFAULTS: Final = {"¥": "CNY", "£": "GBP", "c$": "CAD", "pounds sterling": "GBP",
                    "ruble": "RUB", "rubles": "RUB", "rouble": "RUB", "roubles": "RUB"}  # fmt: skip
# Read only when a text names the country: bare nouns that are also English words or
# measures ("pounds" of coffee, "marks", "real"), and one-letter symbols ("K10.5 billion").
# "won" is also a verb ("in 2017 won the presidency"): the won only in a text naming Korea.
_CONTEXT_ONLY_WORDS: Final = frozenset({"pound", "pounds", "mark", "marks", "real", "won"})
# Letter symbols English texts use for one currency whatever country they name; any other
# letters ("K", "P", "Ar", "Km") are a currency only where the text names its country.
_FREE_LETTER_SYMBOLS: Final = frozenset(
    {"rm", "rmb", "ksh", "kshs", "ksh.", "kshs.", "tsh", "ush", "tk", "rp", "kd", "zkw"}
)
# Last words of CLDR names that are no currency alone ("Zimbabwean Gold").
_NOT_NOUNS: Final = frozenset({"gold"})
# ISO codes that are English words in capitals ("TOP 10 EXPORTERS"): read as names only.
_NOT_CODES: Final = frozenset({"ALL", "TOP"})
# CLDR names that English texts use far more often for something else: a first name or
# surname ("Chad Bown", "Michael Jordan"), a US state ("New Jersey"), a dish ("guinea pig").
_NOT_COUNTRY_NAMES: Final = frozenset({"Chad", "Jordan", "Jersey", "Chile", "Guinea", "Niger"})
# How English demonyms end ("Kenyan", "Japanese", "Swiss", "Thai", "Polish"): a currency
# name's first word that ends otherwise ("Special", "Convertible") names no country.
_DEMONYM: Final = ("an", "ese", "ss", "i", "ish", "ch")
# Letters that begin period words ("Q3", "H1", "FY22"): never a currency symbol.
_NOT_SYMBOLS: Final = frozenset({"q", "h", "f", "fy"})


@dataclass(frozen=True, slots=True)
class Currencies:
    """The currencies in use and every surface that names one (lowercase)."""

    codes: frozenset[str]
    symbols: dict[str, frozenset[str]]  # written before the number: "rm", "nz$", "€"
    words: dict[str, frozenset[str]]  # written after it: "ringgit", "kenyan shillings"
    of_country: dict[str, frozenset[str]]  # ISO3 country -> its currencies in use
    country_names: dict[str, str]  # "Kenya", "Kenyan" -> KEN (`_country_names`)

    def symbol_pattern(self) -> str:
        """A regex alternative for a symbol or an ISO code before a number (codes in
        capitals only: "MAD 25.4 billion", never "mad 25")."""
        symbols = sorted(self.symbols, key=len, reverse=True)
        codes = "|".join(sorted(self.codes - _NOT_CODES))
        return (
            "(?:" + "|".join(re.escape(s) for s in symbols) + rf")(?=\s?\d)"
            rf"|(?-i:(?:{codes}))(?=\s?\d)"
        )

    def word_pattern(self) -> str:
        """A regex alternative for a currency's name or ISO code after a number."""
        words = sorted(self.words, key=len, reverse=True)
        codes = "|".join(sorted(self.codes - _NOT_CODES))
        return "(?:" + "|".join(re.escape(w) for w in words) + rf")\b|(?-i:(?:{codes}))\b"


def _current_codes() -> frozenset[str]:
    """Currencies legal tender somewhere today (CLDR territory data)."""
    from babel import numbers
    from babel.core import get_global

    return frozenset(
        code
        for territory in get_global("territory_currencies")
        for code in numbers.get_territory_currencies(territory, tender=True)
    )


# Alpha-3 codes withdrawn from ISO 3166-1 (ISO 3166-3) that CLDR still aliases.
_WITHDRAWN: Final = frozenset({"BUR", "ZAR", "DDR", "FXX", "TMP", "YMD"})


def _alpha3() -> dict[str, str]:
    """CLDR's two-letter territories -> ISO 3166 alpha-3 (CLDR's own aliases)."""
    from babel.core import get_global

    found: dict[str, str] = {}
    for alias, targets in get_global("territory_aliases").items():
        if len(alias) == 3 and alias.isalpha() and len(targets) == 1 and alias not in _WITHDRAWN:
            found[targets[0]] = alias
    return found


def _country_names(alpha3: dict[str, str], of_country: dict[str, set[str]]) -> dict[str, str]:
    """The words English texts name each country by: CLDR's English territory names
    ("Kenya", "Morocco") and the demonym of its own currency's name ("Kenyan" shilling,
    "Moroccan" dirham: CLDR names currencies by their country's adjective)."""
    from babel import Locale, numbers

    names: dict[str, str] = {}
    english = Locale("en").territories
    for territory, name in english.items():
        country = alpha3.get(territory)
        if not country or territory.startswith("X") or country not in of_country:
            continue  # pseudo territories ("Unknown Region"), places with no currency of their own
        for form in dict.fromkeys(
            (name, name.replace(" & ", " and "), name.replace("St. ", "Saint "))
        ):
            if (
                re.fullmatch(r"[^\W\d_]+(?:[ '’.-][^\W\d_]+|\s&\s[^\W\d_]+)*", form)
                and len(form) > 3
                and form not in _NOT_COUNTRY_NAMES
            ):
                names[form] = country
    name_of = {alpha3[t]: n for t, n in english.items() if t in alpha3}
    users: dict[str, set[str]] = defaultdict(set)
    for country, codes in of_country.items():
        for code in codes:
            users[code].add(country)
    for code, countries in users.items():
        adjective = numbers.get_currency_name(code, locale="en").rsplit(" ", 1)[0]
        if not (adjective[:1].isupper() and adjective.endswith(_DEMONYM)):
            continue
        # a currency of several territories (the dirham of Morocco and Western Sahara) is
        # named by the one whose name starts as its adjective does ("Moro-ccan"); so is an
        # adjective of several words ("South African", "Sri Lankan", not "East Caribbean")
        own = [c for c in countries if name_of.get(c, "")[:4] == adjective[:4]]
        if (len(countries) == 1 and " " not in adjective) or len(own) == 1:
            names[adjective] = (own or list(countries))[0]
    return names


def _territory_locales() -> list[tuple[str, str | None]]:
    """Each territory with the locales whose symbols English texts use: its English locale
    ("en_KE": "Ksh") and its most likely language's ("ms_MY": "RM"); None for neither."""
    from babel import localedata
    from babel.core import get_global

    known = set(localedata.locale_identifiers())
    likely = get_global("likely_subtags")
    found: list[tuple[str, str | None]] = []
    for territory in get_global("territory_currencies"):
        language = str(likely.get(f"und_{territory}", "")).split("_")[0]
        locales = [x for x in (f"en_{territory}", f"{language}_{territory}") if x in known]
        found += [(territory, x) for x in dict.fromkeys(locales)] or [(territory, None)]
    return found


def build_table() -> dict[str, Any]:
    """The table from CLDR (babel), as `data/currencies.json` holds it: about 150
    currencies in use, a few hundred surfaces, the currencies of each country."""
    from babel import __version__ as babel_version
    from babel import numbers

    codes = _current_codes()
    symbols: dict[str, set[str]] = defaultdict(set)
    words: dict[str, set[str]] = defaultdict(set)
    for code in codes:
        symbol = numbers.get_currency_symbol(code, locale="en")
        if symbol != code:
            symbols[symbol.lower()].add(code)
        for count in (1, 2):
            name = numbers.get_currency_name(code, count=count, locale="en").lower()
            words[name].add(code)  # "malaysian ringgit", "malaysian ringgits"
            noun = name.split()[-1]
            if noun not in _NOT_NOUNS:
                words[noun].add(code)  # "ringgit", "shillings"
    of_country: dict[str, set[str]] = defaultdict(set)
    alpha3 = _alpha3()
    for territory, locale in _territory_locales():
        for code in numbers.get_territory_currencies(territory, tender=True):
            if code not in codes:
                continue
            country = alpha3.get(territory)
            if country:
                of_country[country].add(code)
            if locale is None:
                continue
            symbol = numbers.get_currency_symbol(code, locale=locale).strip("\u200b\u200f ")
            if symbol and symbol != code and symbol.lower() not in _NOT_SYMBOLS:
                symbols[symbol.lower()].add(code)
    for surface, found in _PRESS_SYMBOLS.items():
        symbols[surface].update(c for c in found if c in codes)
    for surface, found in _PRESS_WORDS.items():
        words[surface].update(c for c in found if c in codes)
    symbols.pop("", None)

    def sorted_lists(table: dict[str, set[str]]) -> dict[str, list[str]]:
        return {k: sorted(v) for k, v in sorted(table.items()) if v}

    return {
        "source": f"Unicode CLDR via babel {babel_version} (tools/build_currencies.py)",
        "codes": sorted(codes),
        "symbols": sorted_lists(symbols),
        "words": sorted_lists(words),
        "of_country": sorted_lists(of_country),
        "country_names": dict(sorted(_country_names(alpha3, of_country).items())),
    }


TABLE_FILE: Final = "currencies.json"


@lru_cache(maxsize=1)
def currencies() -> Currencies:
    """The packaged table (`build_table`, written by `tools/build_currencies.py`)."""
    raw = json.loads(files("asymmetry").joinpath("data", TABLE_FILE).read_text("utf-8"))
    return Currencies(
        frozenset(raw["codes"]),
        {k: frozenset(v) for k, v in raw["symbols"].items()},
        {k: frozenset(v) for k, v in raw["words"].items()},
        {k: frozenset(v) for k, v in raw["of_country"].items()},
        dict(raw.get("country_names", {})),  # absent only while the tool rewrites it
    )


def is_money(unit: str) -> bool:
    """A unit that is an amount of some currency ("MYR"; not "USD per t")."""
    return unit in currencies().codes


# Countries whose own statistics offices and press write their dollar as a bare "$"
# (ABS, Stats NZ, Statistics Canada, Hong Kong's Census and Statistics Department): there
# "$" is the local dollar (`bare_dollar`).
_OWN_BARE_DOLLAR: Final = {"AUS": "AUD", "NZL": "NZD", "CAN": "CAD", "HKG": "HKD"}
_SCALED = r"\d\s?(?:million|billion|trillion|bn|mn|m|b)?\s"  # "5.2 billion ", "3bn "
_US_DOLLARS: Final = re.compile(
    rf"(?<![\w$])U\.?S\.?\s?\$|\b(?:USD|usd)\s?\d|{_SCALED}(?:USD|(?:US|U\.S\.)\sdollars?)\b"
    rf"|\$\s?[\d.,]*{_SCALED}US\b"
)
# Local dollars marked as such: the first mention ("A$101.7 billion …, up from $77.5 billion")
# names the currency the bare "$" after it is in.
_LOCAL_DOLLARS: Final = {
    "AUD": re.compile(rf"(?<![\w$])(?:A|AU)\$\s?\d|{_SCALED}Australian\sdollars"),
    "NZD": re.compile(rf"(?<![\w$])NZ\$\s?\d|{_SCALED}NZ\sdollars"),
    "CAD": re.compile(rf"(?<![\w$])(?:C|Can)\$\s?\d|{_SCALED}Canadian\sdollars"),
}


def bare_dollar(text: str, countries: Sequence[str] = (), at: int | None = None) -> str:
    """The currency of a bare "$" (at offset ``at``) in ``text``: the US dollar, except
    where no amount of the text is marked as US dollars and either another amount is
    marked as one local dollar ("A$101.7 billion …, up from $77.5 billion"; but not the
    conversion in brackets of "A$2.1bn ($1.37bn)") or the text is about a country whose
    own figures write its dollar so (`_OWN_BARE_DOLLAR`; the first country named decides)."""
    if _US_DOLLARS.search(text):
        return "USD"
    marked = [code for code, pattern in _LOCAL_DOLLARS.items() if pattern.search(text)]
    if marked:
        converted = at is not None and text[max(0, at - 2) : at].rstrip().endswith("(")
        return "USD" if converted or len(marked) > 1 else marked[0]
    first = countries[0] if countries else None
    return _OWN_BARE_DOLLAR.get(first or "", "USD")


def resolve(surface: str, countries: Sequence[str] = (), *, symbol: bool) -> str | None:
    """The currency ``surface`` names, given the countries (ISO3) the text names, in the
    order that matters (the sentence's, first named first, then the paragraph's).

    A code names itself; "$" and "dollars" are US dollars. A surface of one currency names
    it, except letters that are not a settled press symbol ("K", "Bs", "Le") and words that
    are also English ("pounds" of coffee, "won"), which need their country named. A shared
    surface is the currency of the first named country that uses it, else its settled
    default ("¥": CNY), else nothing.
    """
    table = currencies()
    if surface in table.codes:
        return surface
    key = re.sub(r"\s+", " ", surface.strip().lower())
    found = (table.symbols if symbol else table.words).get(key) or frozenset()
    if key == "$" or key in ("dollars", "dollar"):
        return "USD"  # English usage: a local dollar is written NZ$, C$, "Canadian dollars"
    # the first named country whose currency it can be: the text's subject comes first
    # ("Nepal sold India power worth Rs 13.4 billion": Nepal's rupees)
    for country in countries:
        local = found & table.of_country.get(country, frozenset())
        if len(local) == 1:
            return next(iter(local))
    if key in _DEFAULTS:
        return _DEFAULTS[key]
    letters = key.replace(".", "")
    needs_country = (
        symbol and letters.isalpha() and letters.isascii() and key not in _FREE_LETTER_SYMBOLS
    ) or (not symbol and key in _CONTEXT_ONLY_WORDS)
    if len(found) == 1 and not needs_country:
        return next(iter(found))
    return None
