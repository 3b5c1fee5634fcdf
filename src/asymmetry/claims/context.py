"""What a number in a sentence is about: its period, actors, direction, measure, product.

Rules, not a model: each is a short list of the phrases analysts use, kept
general (no rule names a seed paper). A sentence with several numbers gives
each its own period: the year written right after the number ("$147 billion
in 2021"), else the nearest year before it in the sentence, else the year the
paragraph was last talking about.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from datetime import date
from functools import lru_cache
from typing import Final

from asymmetry.claims.currencies import is_money
from asymmetry.store.codes import actor_table

_QUARTER: Final = {"first": 1, "second": 2, "third": 3, "fourth": 4}
_MONTH_NAMES: Final = ("january", "february", "march", "april", "may", "june", "july",
                        "august", "september", "october", "november", "december")  # fmt: skip
_MONTHS: Final = {m: i for i, m in enumerate(_MONTH_NAMES, start=1)}
_MONTHS.update({m[:3]: i for m, i in list(_MONTHS.items())} | {"sept": 9})
_ORDINAL_COUNT: Final = {"two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
                         "eight": 8, "nine": 9, "ten": 10, "eleven": 11}  # fmt: skip
_YEAR = r"(?:19|20)\d\d"
_MONTH = r"(?:January|February|March|April|May|June|July|August|September|October|November|" \
         r"December|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept?|Oct|Nov|Dec)\.?"  # fmt: skip
_COUNT = "|".join(_ORDINAL_COUNT)
# "the same period", "the corresponding two months", "the like time": a span named as a
# year-on-year base, written before "of 2023", "in 2019" or "last year"
SAME_SPAN = (
    rf"(?:same|corresponding|comparable|like)\s(?:(?:{_COUNT}|\d{{1,2}})\s)?"
    r"(?:months?|period|quarter|weeks?|time|season)"
)
# A month without its year ("in October", "July's 1.08 million", "January-July"): full names
# only, and "May"/"March" only after a preposition (they are also words), see `_bare_month`.
_FULL_MONTH = r"(?:January|February|March|April|May|June|July|August|September|October|" \
              r"November|December)"  # fmt: skip
# Period expressions, most specific first; each gives (period text, year).
_PERIODS: Final = re.compile(
    rf"(?P<range>(?:from|between)\s(?P<r1>{_YEAR})\s(?:to|and|until)\s(?P<r2>{_YEAR}))"
    # "the lowest since at least January 2002", "since March of 2016"
    rf"|(?P<since>since\s(?:at\sleast\s)?(?:(?:\d{{1,2}}\s)?{_MONTH}\s(?:of\s)?)?(?P<s1>{_YEAR})"
    r"(?![’']s))"
    rf"|(?P<decade>\b(?:the\s)?(?P<dd>(?:19|20)\d0)s\b)"
    r"|(?P<prewar>before the war|pre-?war(?:\slevels?)?)"
    # "the fiscal year that ended on 30 June 2019", "the year to June 2023": twelve months
    rf"|(?P<yearto>\b(?:(?:fiscal|financial)\s)?(?:year|twelve\smonths|12\smonths)\s(?:that\s)?"
    rf"(?:ended|ending|to|through)\s(?:on\s)?(?:\d{{1,2}}\s)?(?P<te>{_MONTH})\s(?:\d{{1,2}},\s)?"
    rf"(?P<ty>{_YEAR}))"
    rf"|(?P<span>(?:between\s)?\b(?:\d{{1,2}}\s)?(?P<a1>{_MONTH})\s(?P<ay>{_YEAR})\s?"
    rf"(?:-|–|—|to|through|and)\s?(?:\d{{1,2}}\s)?(?P<a2>{_MONTH})\s(?P<by>{_YEAR}))"
    r"|(?P<fiscal>\bFY\s?(?P<fy2>\d{2}|(?:19|20)\d\d)\b(?![-–/]\d)"
    rf"|\b(?:financial|fiscal)\s(?:year\s)?(?P<fy4>{_YEAR})\b(?![-–/]\d))"
    # "July-April of fiscal 2022-23": months of a split year, from the first year's July
    rf"|(?P<fmonths>\b(?P<f1>{_MONTH})\s?(?:-|–|—|to|through)\s?(?P<f2>{_MONTH})\s(?:of\s)?"
    rf"(?:(?:the\s)?(?:fiscal|financial)\s(?:year\s)?|FY\s?)?(?P<fa>{_YEAR})\s?[-–/]\s?"
    rf"(?P<fb>\d{{2}}|{_YEAR})\b)"
    rf"|(?P<months>\b(?P<m1>{_MONTH})\s?(?:-|–|—|to|through)\s?(?P<m2>{_MONTH})\s(?:of\s)?(?P<my>{_YEAR}))"
    # "the first five months" alone is of the year in play ("… of its fiscal year" is not)
    rf"|(?P<firstn>(?:the\s)?first\s(?P<n>{_COUNT}|\d{{1,2}})\smonths\b(?:\s(?:of\s)?"
    rf"(?:(?P<ny>{_YEAR})|this year|the year)|(?!\s(?:of|in)\s)))"
    # "the 11 months to end-November", "eight months through August 2019": the months that
    # end there (the year from the text or the document's date)
    rf"|(?P<nto>\b(?P<tn>{_COUNT}|\d{{1,2}})\smonths\s(?:to|through|ended|ending)\s"
    rf"(?:the\s)?(?:end[- ](?:of\s)?)?(?P<tm>{_FULL_MONTH})\b(?:,?\s(?P<tyy>{_YEAR})\b)?)"
    # "in 11 months of 2022": the months from January (a span of N months needs its year)
    rf"|(?P<inmonths>(?<=\bin\s)(?P<in>{_COUNT}|\d{{1,2}})\smonths\sof\s(?P<iny>{_YEAR})\b)"
    rf"|(?P<half>(?:(?:the\s)?(?P<h>first|second)\shalf|(?P<hh>H[12]))\s(?:of\s)?(?P<hy>{_YEAR})?)"
    # "1Q2019", "3Q 2020" (brokers' and agencies' order)
    rf"|(?P<nq>\b(?P<nqn>[1-4])Q\s?(?P<nqy>{_YEAR})\b)"
    rf"|(?P<quarter>(?:(?P<q>first|second|third|fourth)\squarter|(?P<qq>Q[1-4]))(?:\s(?:of\s)?(?P<qy>{_YEAR}))?)"
    # "the first 20 days of December 2024", "March 1-20, 2024": part of one month
    rf"|(?P<mdays>(?:(?:the\s)?first\s(?P<dn>\d{{1,2}}|ten|twenty)\sdays\sof\s(?P<dm1>{_MONTH})"
    rf"|(?P<dm2>{_MONTH})\s(?P<dd1>\d{{1,2}})\s?(?:-|–|to)\s?(?P<dd2>\d{{1,2}}),?)\s(?P<dmy>{_YEAR}))"
    rf"|(?P<month>\b(?P<mm>{_MONTH})\s(?:of\s)?(?P<mmy>{_YEAR}))"
    r"|(?P<rel>\b(?P<rw>last|this|that|the previous|the past|next|the following)\s"
    r"(?P<ru>year|month|fiscal(?:\syear)?|financial\syear)\b(?!['’]s))"
    # "could reach 400,000 b/d within five years", "shrink 15% over the next six years"
    rf"|(?P<within>\b(?:within|in|over)\s(?:the\snext\s)?(?P<wn>{_COUNT}|\d{{1,2}})\syears\b"
    r"(?!\s(?:ago|earlier|before|after|later|of)\b))"
    rf"|(?P<bmonths>\b(?P<b1>{_FULL_MONTH})\s?(?:-|–|—|to|through)\s?(?P<b2>{_FULL_MONTH})\b"
    rf"(?!\s(?:of\s)?{_YEAR}))"
    rf"|(?P<bmonth>\b(?P<bm>{_FULL_MONTH})(?:\s\d{{1,2}}(?!\d))?(?P<bpos>['’]s)?\b"
    rf"(?!\s?(?:-|–|—|to|through)\s?{_FULL_MONTH})(?!\s(?:\d{{1,2}},?\s)?(?:of\s)?{_YEAR}))"
    rf"|(?P<fy>(?:\b(?:FY|MY)\s?|\bmarketing\syear\s)?(?P<y1>{_YEAR})\s?[-–/]\s?(?P<y2>\d{{2}}|{_YEAR})\b)"
    rf"|(?P<year>(?<![\d.,$¥€])\b{_YEAR}\b(?![.,]\d|\s?(?:%|percent|bcm|billion|million)))",
    re.IGNORECASE,
)
_BIND_AFTER: Final = re.compile(
    r"^[\s),]*(?:(?:in|during|for|by|as of|at the end of|over|of|on(?:\s\d{1,2})?)\s(?:the\s)?"
    r"(?:[a-z]+-[a-z]+\s|(?:early|late|mid-?|the whole of|all of|record year)\s?)?"
    r"(?:(?:spring|summer|autumn|fall|winter)\s)?"
    # "9,246 tonnes in the same month last year", "… in the same period of 2023"
    rf"(?:{SAME_SPAN}\s(?:(?:of|in)\s(?:the\s)?)?)?)?$",  # "in pandemic-hit 2020", "by early 2024"
    re.IGNORECASE,
)
# "about 67 million tonnes of oil to China in 2022": a few words, then the period.
_BIND_AFTER_PHRASE: Final = re.compile(
    # "$2.81 billion, exported in 2019": a participle after a comma too
    r"^(?:\s|,\s(?=[a-z]+ed\s))(?!(?:and|but|while|or|whereas|versus|against|from|than)\b)"
    r"(?:[A-Za-z'’-]+,?\s){1,5}"
    # "the 7.694 tonnes of the same quarter of record-breaking 2022"
    r"(?:in|during|for|of|as of|at the end of|by|on(?:\s\d{1,2})?)\s(?:the\s|its\s|their\s)?"
    r"(?:[a-z]+-[a-z]+\s)?$"
)
# A year that is a comparison's base, not the period of what follows: "43.9% more than in
# 2021", "compared with 2021", "the 2020 level".
_COMPARISON_BEFORE: Final = re.compile(
    # "25.9% below March 2021": the month a level is measured against
    # "22.6 per cent higher than it was in 2011"
    r"(?:than(?:\s(?:it|they|that)\s(?:was|were)|\s(?:that|those)\sof)?(?:\s(?:in|at))?|"
    r"compared\s(?:with|to)(?:\sin)?|"
    r"in\scomparison\s(?:with|to)|"  # "fell by 2.1% in comparison with December 2014"
    r"versus|vs\.?|against|below|above)\s"
    r"(?:the\s)?(?:(?:record|previous|base)\syear\s)?"  # "than in the record year 2016"
    # "an increase of 3.2 per cent compared to the value in 2018"
    r"(?:(?:value|level|figure|total|volume|amount)s?\s(?:recorded\s|registered\s)?(?:of|in)\s)?"
    r"(?:(?:year|twelve months|period|quarter)\s(?:ended|ending|to)\s(?:on\s)?(?:\d{1,2}\s)?"
    # "14.5% below the same month of 2022"
    r"|(?:same|corresponding|comparable|like)\s(?:month|months|period|quarter|week|weeks|season|"
    r"stage|point|time)\s(?:of|in)\s)?$",
    re.IGNORECASE,
)
# "up 74% on 2021", "grew 14.4% on the same period of 2022 and 3% on the second half of 2022"
_CHANGE_ON: Final = re.compile(
    r"(?:\b(?:up|down|higher|lower|more|less|rise|fall|gain|drop)\s(?:of\s)?)?[\d.,]+\s?"
    r"(?:%|percent|per cent)\s"
    r"(?:(?:increase|rise|gain|decrease|decline|drop|fall|jump|growth|recovery)\s)?"
    r"(?:on|over)\s(?:the\s(?:same\s(?:quarter|period|months?)\s"
    r"(?:of|in)\s)?)?$",
    re.IGNORECASE,
)
_OF_FIGURE: Final = re.compile(
    r"(?:[$€¥£₽]|US\$)?\d[\d.,]*\s?(?:[a-zA-Z%]+\s){0,2}of\s(?:the\s)?$", re.IGNORECASE
)
_PHRASE_END: Final = re.compile(r"\s*(?:[,;:)]|$|\.|(?:and|into|to|in|when|while|but|as)\b)")
_COMPARISON_AFTER: Final = re.compile(r"^\s(?:level|figure|peak)\b", re.IGNORECASE)
# "2012's $108.3 billion", "the 2011 record of $18.3 billion": the year of one figure.
_ATTRIBUTIVE: Final = re.compile(
    r"^(?:['’]s\s|\s(?:record|high|low|peak|level|total|figure)\s(?:of\s)?)"
    r"(?:about\s|around\s|just\s)?[$€¥£₽\d]",
    re.IGNORECASE,
)
_ATTRIBUTIVE_GAP: Final = re.compile(
    r"(?:['’]s|\s(?:record|high|low|peak|level|total|figure)(?:\sof)?)\s(?:about\s|around\s|"
    r"just\s)?(?:US)?",
    re.IGNORECASE,
)
# "the US$658.8 billion record of 2018": a year naming a past extreme.
_RECORD_OF: Final = re.compile(r"\b(?:record|high|peak|low)\s(?:of|in)\s$", re.IGNORECASE)
# "slipped to 35.08 Mt in 2020 from 40.75 Mt in 2019": after the sentence's own period, a
# figure introduced by from / against / compared with is the base it is compared to.
_BASE_BEFORE: Final = re.compile(
    # "232,248 tonnes, after 1.2 million tonnes in 2008": the figure it follows on
    r"\b(?:from|against|compared\s(?:with|to)|versus|up from|down from|than|beyond|above|below|"
    r"after(?!\s(?:a|the|its)\s(?:new\s)?(?:record|high|peak))|"
    r"beating|exceeding|surpassing|topping|past|on)"
    r"\s(?:a\s|the\s)?"
    # "against Ksh.138.09 billion in 2022": a currency's letters before the number too
    r"(?:[a-z-]+\s){0,2}(?:US\$|U\.S\.\s?\$|[$€¥£₽]|[A-Z][A-Za-z]{0,3}\$?\.?)?\s?[\d.,]+\s?"
    # "than the 13,69,264 tonnes, worth $7,759.58 million, of 2021-22": the value beside it
    r"(?:(?:[a-zA-Z%/]+\s){0,5}|(?:[a-zA-Z%/]+\s){0,4}[a-zA-Z%/]+,?\sworth\s"
    r"(?:US\$|USD\s|[$€¥£₽])?\s?[\d.,]+\s?(?:[a-zA-Z]+)?,?\s)"
    r"(?:and\s[^,;]{0,40})?"
    r"(?:in|of|during)\s(?:the\s)?$",
    re.IGNORECASE,
)
# "volumes hit an 18-year high in 2024": the extreme is the figure's own period
_REACHED_HIGH: Final = re.compile(
    r"\b(?:hit|hits|hitting|reached|reaches|reaching|touched|set|sets|setting|at)\s(?:a|an|its)\s"
    r"(?:[\w-]+\s){0,2}(?:record|high|peak|low)\s(?:of|in)\s$",
    re.IGNORECASE,
)
# "exports hit a record high of €14.2 billion in October": the figure's own period, not a
# past extreme it is measured against
_REACHED_EXTREME: Final = re.compile(
    r"\b(?:hit|hits|hitting|reached|reaches|reaching|touched|set|sets|setting|rose\sto|"
    r"climbed\sto|jumped\sto|fell\sto|dropped\sto)\s(?:a|an|its|their)\s"
    r"(?:[\w-]+\s){0,2}(?:high|peak|low|record(?:\shigh|\slow)?)\sof\s[^,;]{1,40}?\s(?:in\s)?$",
    re.IGNORECASE,
)
# "a marked reduction from the high point of $170 billion in 2010": a past extreme.
_EXTREME_BEFORE: Final = re.compile(
    r"(?:high point|peak|low point|all-time high|record high|previous high|previous record|"
    r"\ba\s(?:decade\s|record\s)?(?:high|low))"
    r"\s+of\s+[^,;]{1,40}?\s(?:in\s)?$",
    re.IGNORECASE,
)


def month_number(word: str) -> int:
    """1 for "January", "Jan" or "jan."; 9 for "Sept"."""
    key = word.lower().rstrip(".")
    return _MONTHS.get(key) or _MONTHS[key[:3]]


def months_period(year: int, first: int, last: int) -> str:
    """The period text of months ``first``..``last`` of ``year``: "2021-01..2021-08";
    a whole year is just "2021" (the spelling of `data/aggregates.csv`)."""
    if (first, last) == (1, 12):
        return str(year)
    if first == last:
        return f"{year}-{first:02d}"
    return f"{year}-{first:02d}..{year}-{last:02d}"


COUNT_WORDS: Final = _ORDINAL_COUNT | {"twelve": 12}


def month_count(period: str) -> int | None:
    """How many months a period text spans: "2022-07..2023-04" 10, "2023-Q1" 3, "2023" 12."""
    if re.fullmatch(_YEAR, period):
        return 12
    if re.fullmatch(rf"{_YEAR}-Q[1-4]", period):
        return 3
    if re.fullmatch(rf"{_YEAR}-\d\d", period):
        return 1
    m = re.fullmatch(r"(\d{4})-(\d\d)\.\.(\d{4})-(\d\d)", period)
    if m is None:
        return None
    return (int(m[3]) - int(m[1])) * 12 + int(m[4]) - int(m[2]) + 1


def is_partial(period: str | None) -> bool:
    """A period that is part of one year (months, a quarter): not the year's figure."""
    return (
        bool(period)
        and re.fullmatch(
            rf"{_YEAR}-(?:\d\d(?:\.\.{_YEAR}-\d\d)?(?:-\d\d)?|Q[1-4]|\d\d-\d\d\.\.{_YEAR}-\d\d-\d\d)",
            str(period),
        )
        is not None
    )


@dataclass(frozen=True, slots=True)
class Period:
    start: int
    end: int
    text: str
    year: int | None
    comparison: bool = False  # a comparison's base: binds only what stands right before it
    base: bool = False  # the year of a base figure ("from $5 bn in the same months of 2022")
    said: bool = False  # the date of a statement ("reported on 20 January 2022 that")
    # "last year", "in June" given a year by the document's date, not by the text
    by_document_date: bool = False


@dataclass(frozen=True, slots=True)
class DocumentDate:
    """When a document was published (its date line, or the reader's ``--as-of``): what
    "last year", "this month", a bare "in June" or "the first half" mean when the text
    around them gives no year."""

    year: int
    month: int | None = None

    @classmethod
    def parse(cls, text: str) -> DocumentDate:
        """From "2021-06-07", "2021-06" or "2021"; ValueError otherwise."""
        refused = ValueError(f"not a date: {text!r} (write 2021-06-07, 2021-06 or 2021)")
        m = re.fullmatch(r"((?:19|20)\d\d)(?:-(\d\d)(?:-(\d\d))?)?", text.strip())
        if m is None:
            raise refused
        try:
            date(int(m[1]), int(m[2] or 1), int(m[3] or 1))  # a real day of a real month
        except ValueError:
            raise refused from None
        return cls(int(m[1]), int(m[2]) if m[2] else None)

    def __str__(self) -> str:
        return f"{self.year}-{self.month:02d}" if self.month else str(self.year)

    def year_of(self, last_month: int) -> int:
        """The year of a span without one that ends in ``last_month``: this year's, unless
        that month is still to come at the document's date ("in December", written in
        February 2021, is December 2020)."""
        if self.month is not None and last_month > self.month:
            return self.year - 1
        return self.year

    def relative(self, word: str, unit: str, start: int, end: int) -> Period | None:
        """ "last year", "this month", "next year" counted from this date (None for "that
        year", which refers to the text, and "the past year", the last twelve months)."""
        shift = {"last": -1, "the previous": -1, "next": 1, "the following": 1, "this": 0}
        if word not in shift:
            return None
        if unit == "year":
            year = self.year + shift[word]
            return Period(start, end, str(year), year, by_document_date=True)
        if unit != "month":  # a fiscal year: "the last fiscal", the one ended most recently
            if word != "last" or self.month is None:
                return None
            # fiscal years that are not calendar years mostly end in March (India, Japan) or
            # June: from April the last one ended this year ("the last fiscal year",
            # written in April 2024 in India, is 2023-24; in July 2023 in Bangladesh, 2022-23)
            year = self.year if self.month >= 4 else self.year - 1
            return Period(start, end, str(year), year, by_document_date=True)
        if self.month is None:
            return None
        year, month = divmod(self.year * 12 + self.month - 1 + shift[word], 12)
        text = months_period(year, month + 1, month + 1)
        return Period(start, end, text, year, by_document_date=True)


def shifted(period: Period, years: int) -> Period:
    """The same part of another year: "a year earlier" than 2023-01..2023-06."""
    if period.year is None:
        return period
    text = re.sub(r"(?:19|20)\d\d", lambda m: str(int(m[0]) + years), period.text)
    return Period(period.start, period.end, text, period.year + years)


def periods(
    sentence: str,
    *,
    carry: int | None = None,
    today: DocumentDate | None = None,
    carry_from_date: bool = False,
    carry_whole_year: bool = False,
) -> list[Period]:
    """Period expressions in ``sentence``; a quarter without a year takes ``carry`` (the
    year in play), else the year ``today`` (the document's date) gives it. A carry that
    the date gave (``carry_from_date``: "… last year. In January …") is no year of the
    text's: a bare month is read at the date too; "the following year" still counts
    from it. In an undated text whose year in play is a whole year (``carry_whole_year``),
    "last year" is that year: figures of a whole year are published after it ("exports
    reached $44 bn in 2017. … rose 27.9% last year", written in 2018)."""
    found: list[Period] = []
    last_year = carry

    def at_date() -> bool:
        return today is not None and (last_year is None or carry_from_date)

    def undated(last_month: int) -> int | None:
        """The year of a span that names none and ends in ``last_month``."""
        return today.year_of(last_month) if today is not None and at_date() else last_year

    def from_date(named_year: str | None) -> bool:
        """Whether a span's year is the document date's (`undated`): it names none."""
        return not named_year and at_date()

    said = _SAID_YEAR.search(sentence)
    for m in _PERIODS.finditer(sentence):
        if m["range"]:
            p = Period(m.start(), m.end(), f"{m['r1']}-{m['r2']}", int(m["r2"]))
        elif m["since"] and _WHEN_AFTER.match(sentence, m.end()):
            # "the weakest month since January 2015, when exports were 1,457 tonnes": the
            # "when" clause's figures are of that date, which dates nothing else
            since_year = int(m["s1"])
            named = re.search(_MONTH, m[0][6:], re.IGNORECASE)
            text = months_period(since_year, *[month_number(named[0])] * 2) if named else m["s1"]
            p = Period(m.start(), m.end(), text, since_year, comparison=True)
        elif m["since"]:
            p = Period(m.start(), m.end(), f"since {m['s1']}", None, comparison=True)
        elif m["decade"]:  # "in the 2000s": the decade's span
            first = int(m["dd"])
            if re.search(r"\bsince\s$", sentence[max(0, m.start() - 6) : m.start()]):
                # "the most since the 1980s": a comparison, dating no figure
                p = Period(m.start(), m.end(), f"since {first}s", None, comparison=True)
            else:
                p = Period(m.start(), m.end(), f"{first}..{first + 9}", first + 9)
        elif m["prewar"]:
            p = Period(m.start(), m.end(), "before the war", None, comparison=True)
        elif m["yearto"]:  # twelve months to the end of a month: 2018-07..2019-06
            ended, last = int(m["ty"]), month_number(m["te"])
            text = str(ended) if last == 12 else f"{ended - 1}-{last + 1:02d}..{ended}-{last:02d}"
            p = Period(m.start(), m.end(), text, ended)
        elif m["fiscal"]:  # "FY23": the fiscal year ending in 2023
            digits = m["fy2"] or m["fy4"]
            fy = int(digits) if len(digits) == 4 else 2000 + int(digits)
            p = Period(m.start(), m.end(), f"FY{fy}", fy)
        elif m["span"]:  # "April 2022-February 2023"
            ay, by = int(m["ay"]), int(m["by"])
            text = f"{ay}-{month_number(m['a1']):02d}..{by}-{month_number(m['a2']):02d}"
            p = Period(m.start(), m.end(), text, by)
        elif m["fmonths"]:
            fy_start = int(m["fa"])
            fy_end = int(m["fb"]) if len(m["fb"]) == 4 else fy_start // 100 * 100 + int(m["fb"])
            first, last = month_number(m["f1"]), month_number(m["f2"])
            # a span that starts in a month fiscal years start in (April: India, Japan;
            # July: Pakistan, Australia; October: the US) starts the split year: "April-October
            # of fiscal 2018-19" is 2018-04..2018-10; "January-March of 2022-23" is 2023's
            opens = first in _FISCAL_STARTS
            start_year = fy_start if first > last or opens or fy_start == fy_end else fy_end
            end_year = fy_start if opens and last >= first else fy_end
            text = f"{start_year}-{first:02d}..{end_year}-{last:02d}"
            p = Period(m.start(), m.end(), text, end_year)
        elif m["months"]:
            year: int | None = int(m["my"])
            assert year is not None
            text = months_period(year, month_number(m["m1"]), month_number(m["m2"]))
            p = Period(m.start(), m.end(), text, year)
        elif m["firstn"]:
            n = int(m["n"]) if m["n"].isdigit() else _ORDINAL_COUNT[m["n"].lower()]
            year = int(m["ny"]) if m["ny"] else undated(n)
            text = months_period(year, 1, n) if year else f"first {n} months"
            p = Period(m.start(), m.end(), text, year, by_document_date=from_date(m["ny"]))
        elif m["nto"]:
            n = int(m["tn"]) if m["tn"].isdigit() else _ORDINAL_COUNT[m["tn"].lower()]
            end = month_number(m["tm"])
            year = int(m["tyy"]) if m["tyy"] else undated(end)
            if not 1 <= n <= 12 or year is None:
                continue
            first = (year * 12 + end - 1) - (n - 1)
            text = f"{first // 12}-{first % 12 + 1:02d}..{year}-{end:02d}"
            text = months_period(year, end - n + 1, end) if end >= n else text
            p = Period(m.start(), m.end(), text, year, by_document_date=from_date(m["tyy"]))
        elif m["inmonths"]:
            n = int(m["in"]) if m["in"].isdigit() else _ORDINAL_COUNT[m["in"].lower()]
            if not 1 <= n <= 12:
                continue
            year = int(m["iny"])
            p = Period(m.start(), m.end(), months_period(year, 1, n), year)
        elif m["half"]:
            first = 7 if (m["h"] or m["hh"]).lower() in ("second", "h2") else 1
            year = int(m["hy"]) if m["hy"] else undated(first + 5)
            text = months_period(year, first, first + 5) if year else "half-year"
            p = Period(m.start(), m.end(), text, year, by_document_date=from_date(m["hy"]))
        elif m["nq"]:
            year = int(m["nqy"])
            p = Period(m.start(), m.end(), f"{year}-Q{m['nqn']}", year)
        elif m["quarter"]:
            q = _QUARTER[m["q"].lower()] if m["q"] else int(m["qq"][1])
            year = int(m["qy"]) if m["qy"] else undated(3 * q)
            text = f"{year}-Q{q}" if year else f"Q{q}"
            p = Period(m.start(), m.end(), text, year, by_document_date=from_date(m["qy"]))
        elif m["mdays"]:  # days of one month: never the month's figure ("2024-12-01..20")
            year = int(m["dmy"])
            month_of = month_number(m["dm1"] or m["dm2"])
            days = {"ten": "10", "twenty": "20"}
            day_from, day_to = (
                (m["dd1"], m["dd2"]) if m["dm2"] else ("1", days.get(m["dn"], m["dn"]))
            )
            text = (
                f"{year}-{month_of:02d}-{int(day_from):02d}..{year}-{month_of:02d}-"
                f"{int(day_to):02d}"
            )
            p = Period(m.start(), m.end(), text, year)
        elif m["month"]:
            year = int(m["mmy"])
            p = Period(m.start(), m.end(), months_period(year, *[month_number(m["mm"])] * 2), year)
        elif m["rel"]:  # "last year" in a sentence whose year is known (a dated statement)
            if last_year is None and said is not None and said.start() > m.start():
                last_year = int(said[1])  # "… last year, the board said on 29 Feb 2024"
            rel_base = _REL_BASE.search(sentence[max(0, m.start() - 14) : m.start()]) is not None
            # "… compared to the corresponding period of the previous year": a base too; but
            # "Compared to the previous year, when it lost 7.24 per cent": that year's figure
            rel_base = rel_base or (
                _COMPARISON_BEFORE.search(sentence[max(0, m.start() - 60) : m.start()]) is not None
                and not _WHEN_AFTER.match(sentence, m.end())
            )
            if rel_base:  # "up 417,000 b/d on the previous year": the base of a change, no figure's
                continue
            word, unit = m["rw"].lower(), m["ru"].lower()
            # "last year", "this month", "next year" count from the document's date, when it
            # has one, whatever year the text is on ("… $32 billion in 2022. Trade with
            # Kazakhstan exceeded $24 billion last year", written in 2023); "the previous
            # year", "that year" count from the text's
            deictic = word in ("last", "this", "next") and (said is None or carry is not None)
            if today is not None and (last_year is None or deictic):
                rel = today.relative(word, unit, m.start(), m.end())
                if rel is None:
                    continue
                p = rel
            elif last_year is None:
                continue
            else:
                shift = {"last": -1, "the previous": -1, "the past": -1, "next": 1,
                         "the following": 1}  # fmt: skip
                # "that month" is of the year in play (a month back rarely crosses a year)
                year = last_year + (0 if unit == "month" else shift.get(word, 0))
                if (
                    word == "last"
                    and unit == "year"
                    and carry_whole_year
                    and not found
                    and today is None
                ):
                    year = last_year  # written the year after the whole year in play
                p = Period(m.start(), m.end(), str(year), year)
        elif m["within"]:  # a goal N years ahead of the year in play: the year it is due
            n = int(m["wn"]) if m["wn"].isdigit() else _ORDINAL_COUNT[m["wn"].lower()]
            if last_year is None:
                continue
            if re.match(r"over\s(?!the\snext)", m[0], re.IGNORECASE):
                # "over ten years the exports have grown 2.5 times": the span up to the year
                # in play, not a goal ahead of it
                p = Period(m.start(), m.end(), f"{last_year - n}..{last_year}", last_year)
            else:
                p = Period(m.start(), m.end(), str(last_year + n), last_year + n)
        elif m["bmonths"] or m["bmonth"]:  # the year in play: "in January 2024 … in October"
            lead = sentence[max(0, m.start() - 12) : m.start()]
            first = month_number(m["b1"] or m["bm"])
            last = month_number(m["b2"]) if m["b2"] else first
            year = undated(last)
            if year is None or not _bare_month(m, lead):
                continue
            text = months_period(year, first, last)
            p = Period(m.start(), m.end(), text, year, by_document_date=from_date(None))
        elif m["fy"]:
            y2 = m["y2"] if len(m["y2"]) == 4 else m["y1"][:2] + m["y2"]
            if int(y2) <= int(m["y1"]):
                continue
            p = Period(m.start(), m.end(), f"{m['y1']}-{y2}", int(y2))
        else:
            p = Period(m.start(), m.end(), m["year"], int(m["year"]))
        possessive = _possessive(sentence, m.end())
        if _CHANGE_ON.search(sentence[max(0, m.start() - 44) : m.start()]) and not possessive:
            continue  # "up 74% on 2021": the base of a change ("on 2021's $15 bn" dates it)
        if m["year"] and _NAMED_BY_YEAR.match(sentence, m.end()):
            continue  # "under the 2016 hydrocarbons code": a law's name, not a period
        same = _SAME_OF.search(sentence[max(0, m.start() - 30) : m.start()])
        main = next((f for f in found if f.year and not f.comparison and is_partial(f.text)), None)
        if same and main is not None and p.year is not None:  # Jan-May 2023 vs the same of 2022
            p = Period(p.start, p.end, shifted(main, p.year - (main.year or p.year)).text, p.year)
        # "the same months of 2016", "the €362m deficit of January-February 2013": the year of
        # one base figure, which dates nothing after it
        own_base = same or (
            _OF_FIGURE.search(sentence[max(0, m.start() - 40) : m.start()])
            and _PHRASE_END.match(sentence[m.end() :])
        )
        base = (carry is not None or any(f.year and not f.comparison for f in found)) and bool(
            _BASE_BEFORE.search(sentence[max(0, m.start() - 60) : m.start()])
        )
        base = base or bool(own_base)
        # "against Ksh138 billion in 2022 and 136.59 billion in 2021": a list of bases
        base = base or bool(
            found and found[-1].base and _NEXT_BASE.fullmatch(sentence[found[-1].end : m.start()])
        )
        # "down 3.1% in March 2023 from March 2022": a period right after the sentence's own
        # period and "from" is the base the change is measured on
        base = base or bool(
            found
            and not found[-1].comparison
            and _FROM_PERIOD.fullmatch(sentence[found[-1].end : m.start()])
        )
        comparison = base or bool(
            _COMPARISON_BEFORE.search(sentence[max(0, m.start() - 45) : m.start()])
            or _COMPARISON_AFTER.match(sentence[m.end() : m.end() + 12])
            or (
                _EXTREME_BEFORE.search(sentence[max(0, m.start() - 60) : m.start()])
                and not _REACHED_EXTREME.search(sentence[max(0, m.start() - 80) : m.start()])
            )
            or _ATTRIBUTIVE.match(sentence[m.end() : m.end() + 30])
            or (
                _RECORD_OF.search(sentence[max(0, m.start() - 12) : m.start()])
                and not _REACHED_HIGH.search(sentence[max(0, m.start() - 50) : m.start()])
            )
            # "had fallen by a third since fighting began in December 2013": the start of a
            # change that runs to the time of the statement
            or _SINCE_CLAUSE.search(sentence[max(0, m.start() - 50) : m.start()])
        )  # fmt: skip
        if comparison and not p.comparison:
            p = Period(p.start, p.end, p.text, p.year, comparison=True, base=base)
        if _SAID_BEFORE.search(sentence[max(0, p.start - 40) : p.start]):
            p = Period(p.start, p.end, p.text, p.year, p.comparison, p.base, said=True)
        found.append(p)
        if p.year is not None and not comparison:
            last_year = p.year
    if today is None or _AHEAD.search(sentence):
        return found
    return [_so_far(p, today) for p in found]


# A forecast, target or plan speaks of a whole season ahead, not of the data so far.
_AHEAD: Final = re.compile(
    r"\b(?:could|would|will|may|might|expect\w*|forecast\w*|project\w*|plan\w*|"
    r"target\w*|estimat\w*|outlook|aim\w*|seen\sat)\b",
    re.I,
)


def _so_far(p: Period, today: DocumentDate) -> Period:
    """A season or fiscal year that runs into the next year, in a document written in its
    first year, has data of that first year only ("2.56 Mt so far in the 2023/24 season"
    or "in the season that runs from July 2020 to June 2021", written in August 2023 or
    October 2020, is of 2023 or 2020); written later, it is of the year it ends in."""
    m = re.fullmatch(r"((?:19|20)\d\d)(?:-(\d\d))?(?:\.\.|[-/])((?:19|20)\d\d)(?:-\d\d)?", p.text)
    if m is None or p.year != int(m[3]) or today.year != int(m[1]) or int(m[1]) >= int(m[3]):
        return p
    if m[2] and today.month is not None and today.month < int(m[2]):
        return p  # written before the span began
    return replace(p, year=int(m[1]))


# "… in the same period of 2023", "on the same time of 2023", "the comparable period in
# 2019", "the same month last year": a year-on-year base
_SAME_OF: Final = re.compile(rf"{SAME_SPAN}\s(?:(?:of|in)\s)?$")


def year_after_base(sentence: str, found: list[Period]) -> int | None:
    """The year a sentence's undated span is of when it is compared with "the same period
    of 2023": the year after the base ("a surplus of $1.81 billion for the first half of
    the year, up from $1.60 billion in the same period of 2023" is of 2024); None when the
    sentence dates its spans itself."""
    for p in found:
        if p.year is None or not _SAME_OF.search(sentence[max(0, p.start - 30) : p.start]):
            continue
        spans = [f for f in found if f.end <= p.start and not f.comparison]
        undated = [
            f for f in spans
            if not re.search(r"(?:19|20)\d\d", sentence[f.start : f.end])
            and (f.year is None or (f.year == p.year and is_partial(f.text)))
        ]  # fmt: skip
        # no span before it may be a bare month the text gives no year ("in May, up 11.6%
        # from the same month in 2022")
        if len(undated) == len(spans):
            return p.year + 1
    return None


_FISCAL_STARTS: Final = frozenset({4, 7, 10})  # April, July, October
_NAMED_BY_YEAR: Final = re.compile(
    r"(?!\s(?:finance|budget|appropriations?|fiscal)\b)"  # a budget law is of its year
    r"(?:\s[\w-]+){0,2}\s(?:code|law|act|decree|treaty|accord|constitution|charter)\b",
    re.I,
)
_NEXT_BASE: Final = re.compile(
    r",?\s(?:and|,)\s(?:[A-Z][A-Za-z]{0,3}\$?\.?\s?|[$€¥£₽]\s?)?[\d.,]+\s?"
    r"(?:(?!(?:than|more|less|higher|lower|up|down)\b)[a-zA-Z]+\s){0,3}(?:in|of)\s(?:the\s)?"
)
_FROM_PERIOD: Final = re.compile(r",?\s(?:from|over|on)\s(?:the\ssame\s\w+\sof\s)?")
_AT_ITS: Final = re.compile(
    # not "sales of EUR 40 billion were back at the 2016 level": a figure of now, as then
    r"\s(?:that\s|which\s)?(?:the\s)?(?!(?:[\w'’-]+\s){0,2}(?:back|again)\s)"
    r"(?:[\w'’-]+\s){0,3}(?:at|of|in)\s(?:its|their|the)\s"
)
_WHEN_AFTER: Final = re.compile(r",?\swhen\b")
# "up 417,000 b/d on the previous year": a relative year after these is a change's base
_REL_BASE: Final = re.compile(r"\b(?:on|over|from|than|against|versus|compared\s(?:with|to))\s$")
_WHEN_GAP: Final = re.compile(r",?\swhen\s(?:[\w'’-]+\s){1,5}(?:only\s|about\s|around\s|some\s)?")
_SINCE_CLAUSE: Final = re.compile(r"\bsince\s(?:the\s)?[a-z][^,;.\d]{0,40}\s(?:in|of)\s$")
_MONTH_LEAD: Final = re.compile(
    r"\b(?:in|by|since|during|until|for|on|of|early|mid-?|late|end-?)\s?(?:\d{1,2}\s)?$", re.I
)


def _bare_month(m: re.Match[str], before: str) -> bool:
    """A month name that is a month: capitalised, and "May"/"March" after a preposition or
    possessive ("May rise", "March on" are not months)."""
    word = m["b1"] or m["bm"]
    if not word[0].isupper():
        return False
    if word.lower() in ("may", "march") and m["bm"]:
        return bool(_MONTH_LEAD.search(before) or m["bpos"])
    return True


# "reported in January 2024 that", "said on 1 March 2023": the date of a statement.
_SAID_BEFORE: Final = re.compile(
    r"\b(?:said|says|reported|announced|stated|told\s[\w\s]{1,20}?|noted|published|released|"
    # "said in mid-February 2018", "said at the end of September 2013"
    r"showed|wrote|declared|Speaking)\s(?:on|in|at\sthe\s(?:end|start|beginning)\sof)\s"
    # "said on Feb. 29, 2024": a US-style day before the year
    rf"(?:(?:early|mid-?|late)\s?)?(?:\d{{1,2}}\s|{_MONTH}\s\d{{1,2}},\s)?$",
    re.IGNORECASE,
)
# The year a sentence's statement is dated by, wherever it stands: "… last year, the board
# said on Feb. 29, 2024" (what "last year" means when nothing before it gives a year).
_SAID_YEAR: Final = re.compile(
    r"\b(?:said|says|reported|announced|stated|noted|published|released|showed|wrote|"
    rf"declared)\s(?:on|in)\s(?:\d{{1,2}}\s)?(?:{_MONTH}\s(?:\d{{1,2}},?\s)?)?({_YEAR})\b",
    re.IGNORECASE,
)
_WHOLE_YEAR: Final = re.compile(r"\bfull[- ]year\b|\bannual\b|\bthe whole year\b", re.I)


def _possessive(sentence: str, end: int) -> bool:
    """A period ending at ``end`` is written possessive ("2021's US$15.3 billion")."""
    return sentence[end : end + 2] in ("'s", "’s")


def last_full_year(sentence: str, period: Period, upto: int) -> Period | None:
    """A statement dated early in a year about the "full-year" figure speaks of the year
    before: "reported in January 2024 that full-year exports had dropped 9.8%" is 2023."""
    if period.year is None or not re.fullmatch(rf"{_YEAR}-0[1-3]", period.text):
        return None
    if not _SAID_BEFORE.search(sentence[max(0, period.start - 40) : period.start]):
        return None
    if not _WHOLE_YEAR.search(sentence[period.end : upto]):
        return None
    return Period(0, 0, str(period.year - 1), period.year - 1)


def binds_after(gap: str) -> bool:
    """The words between a figure and a period make the period the figure's own."""
    return bool(_BIND_AFTER.match(gap) or _BIND_AFTER_PHRASE.match(gap))


def bind_period(
    sentence: str,
    start: int,
    end: int,
    found: list[Period],
    others: list[tuple[int, int]],
    *,
    after_only: bool = False,
) -> Period | None:
    """The period a quantity at [start, end) refers to (see module docstring). A
    comparison's year ("more than in 2021") binds only a figure right before it;
    ``after_only`` (a capacity, a rate) takes no period from elsewhere in the sentence."""
    for p in found:  # written right after the number: "$147 billion in 2021"
        own = _possessive(sentence, p.end)  # "on 2021's $15 bn": the year of what follows
        if p.start >= end and _BIND_AFTER.match(sentence[end : p.start]) and not own:
            return p
    for p in found:  # "the 300,000 bpd the country pumped at its 2004 peak"
        if (
            p.start >= end
            and p.year
            and _COMPARISON_AFTER.match(sentence[p.end : p.end + 12])
            and _AT_ITS.fullmatch(sentence[end : p.start])
        ):
            return p
    for p in found:  # "since January 2015, when exports were 1,457 tonnes"
        if p.end <= start and p.year and _WHEN_GAP.fullmatch(sentence[p.end : start]):
            return p
    for p in found:  # the year of this figure alone: "2012's $108.3 billion"
        if p.end <= start and p.year and _ATTRIBUTIVE_GAP.fullmatch(sentence[p.end : start]):
            return p
    for p in found:  # "67 million tonnes of oil to China in 2022"
        gap = sentence[end : p.start]
        if (
            p.start >= end
            and (not p.comparison or p.base)
            and _BIND_AFTER_PHRASE.match(gap)
            and not any(end <= s and e <= p.start for s, e in others)
        ):
            return p
    if after_only:
        return None
    before = [p for p in found if p.end <= start and not p.comparison]
    if before and before[-1].said:
        # "said in September 2019 that it had exported $4.6 billion' worth of rubber in 2018":
        # the year written later in the same clause is the data's, the date the statement's
        data = next((p for p in found if p.start >= end and not p.comparison), None)
        if (
            data is not None
            and _SAME_CLAUSE.fullmatch(sentence[end : data.start])
            and not any(end <= s and e <= data.start for s, e in others)
        ):
            return data
    if before:
        return before[-1]
    after = [p for p in found if p.start >= end and not p.comparison]
    if (
        after
        and not any(end <= s and e <= after[0].start for s, e in others)
        and ";" not in sentence[end : after[0].start]  # "six percent; in 2019 trade was"
    ):
        return after[0]
    return None


# A few words with no clause break (no comma, semicolon or conjunction) up to "in"/"for"
_SAME_CLAUSE: Final = re.compile(
    r"['’]?(?:\s(?!(?:and|but|while|or|whereas|than|against|versus)\b)[\w'’-]+){1,9}\s(?:in|for|during)"
    r"\s(?:the\s)?"
)


@dataclass(frozen=True, slots=True)
class Actor:
    start: int
    end: int
    code: str
    possessive: bool


def actors(sentence: str) -> list[Actor]:
    """Countries and groups named in ``sentence`` (adjectives and metonyms included)."""
    pattern, table = actor_table()
    out = []
    for m in pattern.finditer(sentence):
        term = m[1]
        if term == "US" and not re.search(r"\bUS\b(?!\$)", sentence[m.start() :]):
            continue
        # "SA" is South Africa as its own press writes it ("SA recorded a trade surplus of
        # R3.49bn"), but a company's suffix after its name ("Vale SA", "Petrobras SA") and
        # part of "S.A." or "SA-registered"
        if term == "SA" and (
            re.search(r"[A-Z][\w&.-]*\s$", sentence[max(0, m.start() - 30) : m.start()])
            or re.match(r"[.-]", sentence[m.end() : m.end() + 1])
        ):
            continue
        out.append(Actor(m.start(), m.end(), table[term.lower()], m[0] != term))
    return out


MONEY: Final = "money"  # in `_MEASURES`: an amount of any currency (`currencies.is_money`)
_MEASURES: Final = (
    # (measure, pattern on the clause around the number, units it applies to)
    ("exchange_rate", r".", ("per USD",)),  # a rate unit is an exchange rate
    ("price", r".", (" per ",)),
    ("share_of_reserves", r"reserves", ("percent", "fraction")),
    ("settlement_currency_share", r"national currenc|in yuan|in rubles?|in dollars|priced in|"
     r"on the ruble|settle|invoic|denominated", ("percent", "fraction")),
    ("share_of_fdi", r"\bFDI\b|foreign direct investment", ("percent", "fraction")),
    ("share_of_gdp", r"\bGDP\b", ("percent", "fraction")),
    ("share_of_budget", r"budget", ("percent", "fraction")),
    ("growth", r"increas|\brose\b|\brise|\bgrew\b|growth|decreas|declin|\bdrop|\bfell\b|\bfall|"
     r"\b(?:up|down) (?:by|from)|doubl",
     ("percent", "times")),
    ("share_of_imports", r"import", ("percent", "fraction")),
    ("share_of_exports", r"export", ("percent", "fraction")),
    ("share_of_trade", r"trade|turnover", ("percent", "fraction")),
    ("share", r".", ("percent", "fraction")),
    ("capacity", r"capacity|designed to", ("t", "b/d")),
    ("oil_volume", r".", ("b/d", "bbl")),
    ("oil_volume", r"\boil\b|crude|petroleum", ("t",)),
    ("lng_volume", r"\bLNG\b|liquefied", ("t",)),
    ("coal_volume", r"\bcoal\b", ("t",)),
    ("capacity", r"capacity|designed to", ("m3",)),
    ("gas_volume", r"gas|pipeline|LNG|cubic|bcm", ("m3",)),

    ("trade_turnover", r"turnover|bilateral trade|total trade|two-way trade|reciprocal trade|"
     r"\btrade\b(?!\s(?:war|deal|surplus|deficit|balance|polic|route|corridor|agreement))"
     r"(?![^.;]{0,40}\b(?:exports?|imports?)\b)", (MONEY,)),
    ("trade_balance", r"surplus|deficit|trade balance", (MONEY,)),
    ("exports_value", r"export", (MONEY,)),
    ("imports_value", r"import", (MONEY,)),
    ("fdi", r"\bFDI\b|foreign direct investment", (MONEY,)),
    ("investment", r"invest", (MONEY,)),
    ("currency_purchase", r"(?:purchased|bought|buy|buying)\b[^.]{0,30}\b(?:yuan|renminbi|"
     r"dollars|euros|currenc|gold)|(?:yuan|renminbi|currency) purchases",
     (MONEY,)),
    ("debt_holdings", r"debt|treasur|holdings", (MONEY,)),
    ("loss", r"\blos[st]\b|loss", (MONEY,)),
    ("settlement_value", r"national currenc", (MONEY,)),
    ("money", r".", (MONEY,)),
    ("multiple", r".", ("times",)),
    ("quantity", r".", ("",)),
)  # fmt: skip


@lru_cache(maxsize=4096)  # a sentence with many figures asks about it for each
def measure(clause: str, unit: str) -> str:
    """What is measured ('trade_turnover', 'share_of_imports', 'gas_volume', …)."""
    for name, pattern, units in _MEASURES:
        if any(_unit_fits(u, unit) for u in units) and re.search(pattern, clause, re.IGNORECASE):
            return name
    return "quantity"


def _unit_fits(wanted: str, unit: str) -> bool:
    """A `_MEASURES` unit entry against a figure's unit: ``MONEY`` is any currency, " per …"
    and "per USD" a part of the unit, "" anything."""
    if wanted == MONEY:
        return is_money(unit)
    if wanted.startswith(" ") or wanted == "per USD":
        return wanted in unit
    return unit == wanted or wanted == ""


_PRODUCTS: Final = (
    ("25-27", r"hydrocarbons and other minerals|mineral products"),
    ("27", r"hydrocarbon|fuels?\b|energy"),  # "hydrocarbons, and primarily oil": all fuels
    ("2709", r"crude(?: oil)?|petroleum oils? crude"),
    ("271111", r"\bLNG\b|liquefied natural gas"),
    ("2711", r"natural gas|pipeline gas|\bgas\b"),
    ("2701", r"\bcoal\b"),
    ("27", r"\boil\b|petroleum"),
    ("84", r"machinery|machine tools?"),
    ("85", r"electronics|electrical|chips|semiconductor"),
    ("87", r"vehicles?|cars?\b|automobiles?"),
    ("44", r"timber|wood|logging"),
    ("26", r"\bores?\b"),
    ("72-83", r"metals?"),
    ("high technology", r"high technology|high-tech"),
)


@lru_cache(maxsize=4096)  # a sentence with many figures asks about it for each
def product(clause: str) -> str | None:
    """The HS chapter (or named group) a clause is about, if it names one."""
    for code, pattern in _PRODUCTS:
        if re.search(pattern, clause, re.IGNORECASE):
            return code
    return None


# Named export routes as sources name them: (route, exporter, importer, pattern); the more
# specific name first (a second line before the first).
_ROUTES: Final = (
    ("power of siberia 2", "RUS", "CHN",
     r"power of siberia[- ]?2|second power of siberia|power of siberia (?:two|ii)\b"),
    ("power of siberia", "RUS", "CHN", r"power of siberia"),
    ("nord stream 2", "RUS", "DEU", r"nord stream[- ]?2|second nord stream"),
    ("nord stream", "RUS", "DEU", r"nord stream"),
    ("turkstream", "RUS", "TUR", r"turk ?stream"),
    ("espo", "RUS", "CHN", r"\bESPO\b|eastern siberia[- ]pacific"),
)  # fmt: skip


def route(text: str, named: list[Actor] | None = None) -> str | None:
    """The named route mentioned last in ``text`` ("the first Power of Siberia's"); where a
    specific name covers a general one ("second Power of Siberia"), the specific one. A
    country named after it that is not one of its ends ("… exports to Europe peaked at")
    means the figure is about somewhere else."""
    taken: list[tuple[int, int, str]] = []
    for name, _, _, pattern in _ROUTES:
        for m in re.finditer(pattern, text, re.IGNORECASE):
            if not any(m.start() < e and s_ < m.end() for s_, e, _ in taken):
                taken.append((m.start(), m.end(), name))
    if not taken:
        return None
    _, end, name = max(taken)
    later = [a for a in named or [] if end <= a.start < len(text)]
    if later and later[-1].code not in route_parties(name):
        return None
    return name


def route_parties(name: str) -> tuple[str, str]:
    """(exporter, importer) of a named route."""
    for route_name, exporter, importer, _ in _ROUTES:
        if route_name == name:
            return exporter, importer
    raise KeyError(name)


_LNG: Final = re.compile(r"\bLNG\b|liquefied natural gas|liquefied gas", re.IGNORECASE)


def is_lng(text: str) -> bool:
    """The text is about liquefied natural gas (priced and counted apart from pipeline gas)."""
    return _LNG.search(text) is not None


@lru_cache(maxsize=4096)  # a sentence with many figures asks about it for each
def direction(clause: str) -> str | None:
    """'exports', 'imports' or 'turnover' when the clause says which way goods flow."""
    lower = clause.lower()
    if re.search(r"turnover|bilateral trade|total trade|reciprocal trade|trade between", lower):
        return "turnover"
    exp, imp = lower.rfind("export"), lower.rfind("import")
    if exp < 0 and imp < 0:
        return None
    return "exports" if exp > imp else "imports"
