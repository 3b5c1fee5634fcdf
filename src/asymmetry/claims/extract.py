"""Extract quantitative claims from a document.

A claim is a number with a unit that a reader could check: money, shares,
volumes, prices, exchange rates, multiples and fractions; plus the physical
quantities quantulum3 knows (areas, lengths …). Bare counts, dates, ages and
durations are not claims here. Each claim carries the period, actors,
direction and measure read from its sentence (`asymmetry.claims.context`).
"""

from __future__ import annotations

import re
import sys
import warnings
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import asdict, dataclass, field
from functools import cache
from typing import Any, Final

from asymmetry.claims import context as ctx
from asymmetry.claims.currencies import is_money
from asymmetry.claims.limits import Budget, windows
from asymmetry.claims.quantities import CONVERSION, Quantity, domain_quantities
from asymmetry.claims.read import Document, Paragraph, text_paragraphs
from asymmetry.store.codes import actor_table

# quantulum3 entities worth a claim; currencies, percentages and counts are ours.
_QUANTULUM_ENTITIES: Final = {
    "length", "area", "volume", "mass", "energy", "power", "speed", "volumetric flow",
    "mass flow", "data storage",
}  # fmt: skip
_ABBREVIATIONS: Final = re.compile(
    r"(?:\b[A-Z]|\b(?:Mr|Mrs|Ms|Dr|Prof|St|No|Nos|vs|etc|e\.g|i\.e|Jan|Feb|Mar|Apr|Jun|Jul|Aug|"
    r"Sep|Sept|Oct|Nov|Dec|Co|Inc|Ltd|Corp|approx|cf|Cf|ed|eds|vol|pp|p|U\.S|U\.K|"
    # currencies written with a full stop before the amount: "Rs. 4,493 billion", "Kshs. 16.4"
    r"Rs|Re|Kshs|Ksh|Shs|Dhs|Tk))\.$"
)


@dataclass(frozen=True, slots=True)
class Claim:
    """One quantitative claim; `value` in `unit` (USD, not USD bn; percent as 36.5)."""

    document: str
    paragraph: int
    sentence: str
    start: int  # of the quote in `sentence`
    end: int
    quote: str
    value: float
    unit: str
    low: float | None = None
    high: float | None = None
    decimals: int = 0
    hedge: str | None = None
    year: int | None = None
    period: str | None = None
    year_stated: bool = True  # False: the year is the paragraph's, not the sentence's
    context_year: int | None = None  # the year the paragraph was talking about
    year_note: str | None = None  # how the year was inferred when the sentence does not say
    country: str | None = None
    partner: str | None = None
    actors: tuple[str, ...] = field(default_factory=tuple)
    direction: str | None = None
    measure: str = "quantity"
    product: str | None = None
    route: str | None = None  # a named pipeline or route ("power of siberia 2")

    @property
    def id(self) -> str:
        return f"{self.document}:{self.paragraph}:{self.start}"

    def to_dict(self) -> dict[str, Any]:
        out = asdict(self)
        out["actors"] = list(self.actors)
        out["id"] = self.id
        return out


_NUMBERED: Final = re.compile(
    r"(?:^|\n)\s*$|\b(?:No|Nos|Fig|Figure|Table|Chart|Section|Article|Art|Para|Vol|Part|"
    r"Box|Annex|Appendix|Step|Point|p|pp)\.?\s$",
    re.I,
)


def split_sentences(text: str) -> list[tuple[int, str]]:
    """(offset, sentence) pairs; abbreviations and initials do not end a sentence."""
    out: list[tuple[int, str]] = []
    start = 0
    for m in re.finditer(r"[.!?][\"”’)\]]*\s+(?=[\"“‘(\[•]?[A-Z0-9$¥€£])", text):
        end = m.start() + 1
        # only the head's last characters decide (an abbreviation is at most 6 long): a
        # search of the whole head at every full stop is quadratic in "A. B. C. …"
        tail = max(start, end - 8)
        if _ABBREVIATIONS.search(text, tail, end) or (
            text[end - 1] == "." and text[end - 2 : end - 1].isdigit()
            and not text[max(start, end - 3) : end - 1].isdigit()
            # a list's number ("1. Exports") or a numbered part ("Table 3. Trade …"); not a
            # date's day ("customs data showed on Sept 8. Trade surplus stood at …")
            and _NUMBERED.search(text, max(start, end - 16), end - 2) is not None
        ):  # fmt: skip
            continue
        out.append((start, text[start : m.end()].strip()))
        start = m.end()
    if text[start:].strip():
        out.append((start, text[start:].strip()))
    return out


def extract_claims(
    document: Document | Iterable[Paragraph],
    *,
    name: str = "",
    budget: Budget | None = None,
    as_of: ctx.DocumentDate | None = None,
) -> Iterator[Claim]:
    """Every quantitative claim in a document, in reading order (streams paragraphs).

    Reading stops when ``budget`` (default: `Limits()`) is spent; its notes say what was
    cut. Sentences longer than its window are read in windows (`asymmetry.claims.limits`).
    ``as_of`` is the document's date, else its date line gives it (a short line with a
    date, or "Published …"; a date inside the prose is not the document's): what "last
    year" or a bare "in June" mean where the text gives no year (`context.DocumentDate`).
    """
    budget = budget if budget is not None else Budget()
    paragraphs = document.paragraphs(budget.notes) if isinstance(document, Document) else document
    doc_name = document.name if isinstance(document, Document) else name
    named_so_far: Counter[str] = Counter()  # who the document is about, so far
    published = as_of  # the document's year, if given or any early paragraph has a date
    today = as_of  # the document's date, if given or it has a date line
    window = budget.limits.max_sentence_chars
    undated_lead = True  # no paragraph has given a period yet
    for para in paragraphs:
        if budget.stopped:
            return
        text = budget.take_text(para.text)
        if para.index < 4 and published is None:
            dated = _DATE_LINE.search(text[:400])
            if dated:
                published = ctx.DocumentDate(int(dated[2]), ctx.month_number(dated[1]))
                line = len(text) <= 120 or _PUBLISHED.search(text[: dated.start()])
                today = published if line else None
        # the lead: a page's first paragraphs, before any of them gave a period
        scene = _Scene(named_so_far, published=published, today=today, lead=undated_lead)
        for offset, whole in split_sentences(text):
            if len(whole) > window:
                budget.note_long_sentence()
            for inner, sentence in windows(whole, window):
                budget.reached(offset + inner)
                if budget.out_of_time():
                    return
                named = ctx.actors(sentence)
                scene.recall(sentence)
                carry = scene.carry
                found = ctx.periods(
                    sentence,
                    carry=carry.year if carry else None,
                    today=scene.today,
                    carry_from_date=bool(carry and carry.by_document_date),
                    carry_whole_year=bool(carry and carry.text == str(carry.year)),
                )
                implied = ctx.year_after_base(sentence, found)
                if implied is not None and implied != (carry.year if carry else None):
                    found = ctx.periods(sentence, carry=implied, today=scene.today)
                claims = list(
                    _sentence_claims(doc_name, para.index, sentence, found, named, scene, budget)
                )
                for claim in claims:
                    if not budget.take_claim():
                        return
                    yield claim
                scene.advance(claims, found, named, sentence)
                scene.lead = scene.lead and scene.carry is None
        undated_lead = undated_lead and scene.carry is None and para.index < 2


def extract_text(
    text: str,
    *,
    name: str = "text",
    budget: Budget | None = None,
    as_of: ctx.DocumentDate | None = None,
) -> list[Claim]:
    """Claims in a string (one paragraph per blank-line block), cleaned as documents are;
    ``as_of`` is the text's date, as in `extract_claims`."""
    if budget is None:
        budget = Budget(total_chars=len(text))
    elif budget.total_chars is None:
        budget.total_chars = len(text)
    return list(extract_claims(text_paragraphs(text), name=name, budget=budget, as_of=as_of))


_GENERIC: Final = {"share", "money", "multiple", "quantity"}
# Units of a flow: a volume in tonnes is of a period even when its measure is generic.
_VOLUMES: Final = {"t", "m3", "b/d", "bbl"}
# Measures that describe a state, not a period: a paragraph's year does not carry to them.
_TIMELESS: Final = {"quantity", "capacity", "multiple", "exchange_rate"}
# Measures of a whole year's flow: a statement dated in a month speaks of the last full year.
_ANNUAL: Final = {"trade_turnover", "exports_value", "imports_value", "share_of_imports",
                  "share_of_exports", "share_of_trade", "settlement_currency_share",
                  "settlement_value"}  # fmt: skip
# Measures of a pair: "bilateral trade" names one side, the document names the other.
_PAIRED: Final = {"trade_turnover", "settlement_currency_share", "settlement_value"}
# Flows whose partner the paragraph may have named in the sentence before ("… the Power of
# Siberia pipeline to China. In 2020, Russia provided 4.1 bcm").
_FLOWS: Final = {"gas_volume", "oil_volume", "lng_volume", "coal_volume", "price"}
# A period the text refers to that it has not given: "that year", "the past year".
_UNRESOLVED: Final = re.compile(
    r"\b(?:that|the\spast|the\sprevious|the\sfollowing|the\ssame)\s(?:year|month|period)\b",
    re.I,
)
_NOW: Final = re.compile(r"\b(?:current(?:ly)?|now|today|at present|presently)\b", re.I)
# A document's date line: "Report December 21, 2021", "JUNE 2024".
_DATE_LINE: Final = re.compile(
    r"\b(January|February|March|April|May|June|July|August|September|October|November|"
    r"December)\s+(?:\d{1,2},\s+)?((?:19|20)\d\d)\b",
    re.IGNORECASE,
)
# "Published: 7 June 2021", "Updated June 7, 2021": a date line inside a paragraph.
_PUBLISHED: Final = re.compile(r"\b(?:published|updated|posted|dated|date)\b[^.]{0,20}$", re.I)
_MONTH_ON_MONTH: Final = re.compile(
    r"\b(?:the\s)?(?:month|previous\smonth)\s(?:before|earlier)\b|\bthe\sprevious\smonth\b|"
    r"\bmonth[- ]on[- ]month\b|\bm/m\b",
    re.IGNORECASE,
)
_BETWEEN_THOSE: Final = re.compile(
    r"\b(?:between|over|in)\s(?:those|these|the)\s(?:two\s)?(?:years|dates)\b", re.I
)
_AFTER_FIGURE: Final = re.compile(
    # "… the third-highest total, only behind 54.78 million mt in 2017 and 54.23 million mt in
    # 2018": the records it is ranked against, and each year listed with them
    r"\b(?:after|behind|(?:surpassed|beaten|topped)\sonly\sby)\s(?:a\s|the\s)?(?:record\s)?"
    r"(?:about\s|around\s|some\s)?(?:US\$|USD\s|[$€¥£₽])?"
    r"\s?\d[\d.,]*\s?(?:[^,;]|(?<=\d),(?=\d)){0,60}?\s(?:in|of)\s(?:the\s)?$",
    re.IGNORECASE,
)
# A span named again by its length: "over the same ten months", "those five months".
_SAME_SPAN: Final = re.compile(
    rf"\b(?:the\ssame|those|these)\s(?:(?P<n>{'|'.join(ctx.COUNT_WORDS)}|\d{{1,2}})\smonths|"
    r"period|half[- ]year|quarter)\b",
    re.IGNORECASE,
)
_TOTAL: Final = re.compile(r"\b(?:total|overall|all|world|global)\b", re.IGNORECASE)


@dataclass(slots=True)
class _Scene:
    """What a paragraph has said so far, which an undated or unattributed figure inherits."""

    named_so_far: Counter[str]
    published: ctx.DocumentDate | None = None  # what "the current level" means
    today: ctx.DocumentDate | None = None  # what "last year", a bare "in June" mean
    carry: ctx.Period | None = None  # the period the paragraph last talked about
    people: list[ctx.Actor] = field(default_factory=list)  # actors of the last naming sentence
    price: str | None = None  # the price unit of the sentence before
    spans: list[ctx.Period] = field(default_factory=list)  # the data periods said so far
    carry_used: bool = False  # the carried period dated a figure: data, not a statement's date
    monthly: bool = False  # the paragraph compares months with the month before
    last_data: list[ctx.Period] = field(default_factory=list)  # the sentence before's periods
    between: tuple[ctx.Period, ctx.Period] | None = None  # "between those years"
    lead: bool = False  # the document's lead, before any period: its latest data

    def advance(
        self,
        claims: list[Claim],
        found: list[ctx.Period],
        named: list[ctx.Actor],
        sentence: str = "",
    ) -> None:
        self.price = next((c.unit for c in reversed(claims) if " per " in c.unit), None)
        dated = [p for p in found if p.year and not p.comparison]
        # the data's period, not the date it was said on ("said on 20 January 2022 that …
        # December 2021 …": the next sentence speaks of December 2021)
        data = [p for p in dated if not p.said]
        # nor the year of what came before ("In FY 2021-22 India exported …, after 11,49,510
        # MT in 2020-21. Frozen shrimp …": the next sentence is of 2021-22)
        data = [
            p for p in data
            if p is data[0] or not _AFTER_FIGURE.search(sentence[max(0, p.start - 80) : p.start])
        ]  # fmt: skip
        # a period some figure was dated by, over a date nothing was measured in ("… 40% more
        # than a year before, the office said at the end of March 2011")
        used = [p for p in data if any(c.year_stated and c.period == p.text for c in claims)]
        if dated:  # a sentence that dates nothing keeps what the carried period is
            self.carry = (used or data or dated)[-1]
            self.carry_used = bool(used) and self.carry is used[-1]
        self.spans += [p for p in data if ctx.month_count(p.text)]
        self.last_data = data
        self.monthly = self.monthly or bool(claims and _MONTH_ON_MONTH.search(claims[0].sentence))
        self.people = named or self.people
        self.named_so_far.update(a.code for a in named)

    def recall(self, sentence: str) -> None:
        """ "Over the same ten months", "those five months": the paragraph's earlier span of
        that length, not the month the sentence before ended on. "Between those years": the
        first and last years the sentence before gave."""
        self.between = None
        years = [p for p in self.last_data if p.year and re.fullmatch(r"\d{4}", p.text)]
        if _BETWEEN_THOSE.search(sentence) and len(years) >= 2:
            first, last = years[0], years[-1]
            self.between = (first, last)
            self.carry = ctx.Period(0, 0, f"{first.text}..{last.text}", last.year)
            return
        m = _SAME_SPAN.search(sentence)
        if m is None:
            return
        n = (m["n"] or "").lower()
        word = m[0].lower()
        months = (
            (int(n) if n.isdigit() else ctx.COUNT_WORDS[n]) if n
            else 3 if word.endswith("quarter") else 6 if "half" in word else None
        )  # fmt: skip
        for p in reversed(self.spans):
            count = ctx.month_count(p.text)
            if count and count > 1 and (months is None or count == months):
                self.carry = p
                return

    def main_actor(self, *, besides: Iterable[str]) -> str | None:
        """The actor the document has named most, other than ``besides``."""
        skip = set(besides)
        return next((code for code, _ in self.named_so_far.most_common() if code not in skip), None)


def _sentence_claims(
    doc: str,
    para: int,
    sentence: str,
    found: list[ctx.Period],
    named: list[ctx.Actor],
    scene: _Scene,
    budget: Budget | None = None,
) -> Iterator[Claim]:
    """Claims of one sentence. A figure with no year of its own takes the paragraph's
    (``scene.carry``), whatever the sentence before measured ("In 2020 the price was $150 …
    Turkmen gas was $210"; "… 8 percent of exports in 2023. Hydroxide fetched $43,864 a
    tonne"), except a state that has no period (a multiple, a capacity, a rate). A year
    carried from a statement's date ("During a March 2021 visit … trade reaching $107
    billion") is, for a year's flow, the last full year."""
    if not re.search(r"\d|\b(?:half|third|quarter|fourth|fifth|fold|times|doubled|tripled|halved)",
                     sentence, re.IGNORECASE):  # fmt: skip
        return
    people = named or scene.people
    before_people = {a.code for a in scene.people}
    # the countries named so far tell apart currencies that share a name ("rupees", "Sh")
    countries = [*dict.fromkeys(a.code for a in named), *scene.named_so_far]
    quantities = domain_quantities(sentence, price_unit=scene.price, countries=countries)
    taken = [(q.start, q.end) for q in quantities] + [(p.start, p.end) for p in found]
    quantities += _general_quantities(sentence, taken, budget)
    quantities.sort(key=lambda q: q.start)
    spans = [(q.start, q.end) for q in quantities]
    listed, members = _list_owners(sentence, spans, people)
    carry = scene.carry
    measures = []
    for i, q in enumerate(quantities):
        after = sentence[q.end : spans[i + 1][0] if i + 1 < len(spans) else len(sentence)]
        before = sentence[spans[i - 1][1] if i else 0 : q.start]
        rated = _RATING.match(after) and re.search(r"\b(?:tonne|ton)$", sentence[q.start : q.end])
        measures.append("capacity" if rated else _first_specific(q.unit, after, before, sentence))
    bases = set() if scene.monthly else _change_bases(sentence, quantities)
    bound = _periods_of(sentence, quantities, found, measures, bases)
    for i, q in enumerate(quantities):
        after = sentence[q.end : spans[i + 1][0] if i + 1 < len(spans) else len(sentence)]
        before = sentence[spans[i - 1][1] if i else 0 : q.start]
        measure = measures[i]
        period = bound[i]
        stated = period is not None
        year_note = None
        # a statement's date or a single month ("During a March 2021 visit"), not a span of
        # data months ("in the first eight months of 2013")
        dated_statement = (
            carry is not None
            and carry.year is not None
            and ctx.is_partial(carry.text)
            and (carry.said or re.fullmatch(r"\d{4}-\d\d", carry.text) is not None)
            and not scene.carry_used  # "$36.3 million in January 2022. … to $4.4 million"
            # "The preliminary June figures …": a month the document's date dated is data
            and not carry.by_document_date
        )
        if period is None and scene.between is not None:  # "tripled between those years,
            role = _role(sentence, q.start)  # from 7,600 USD to more than 24,000 USD"
            first, last = scene.between
            period = first if role == "from" else last if role == "to" else carry
        elif period is None and carry is not None and dated_statement and measure in _ANNUAL:
            assert carry.year is not None
            year = carry.year - 1  # "During a March 2021 visit … trade reaching $107 billion"
            period = ctx.Period(0, 0, str(year), year)
            year_note = f"said in {carry.text}: the last full year, {year}"
        elif (
            period is None
            and carry is not None
            and (measure not in _TIMELESS or (measure == "quantity" and q.unit in _VOLUMES))
        ):
            carried = carry.year
            if i in bases and carried is not None:  # "rose 20% to $4.4 million from $1.4 million"
                carried -= 1
                year_note = f"the base of a change in {carry.text}: a year before, {carried}"
            elif carried is not None and _EARLIER.match(sentence[q.end :]):
                carried -= 1  # "… compares with a 729.2 billion yen surplus a year earlier"
                year_note = f"a year before {carry.text}: {carried}"
            period = ctx.Period(0, 0, str(carried), carried)
        if period is not None and period.by_document_date:
            year_note = (
                f"'{sentence[period.start : period.end].strip()}' read at the document's date, "
                f"{scene.today}"
            )
        now = scene.published and _NOW.search(before[-40:])
        if now and scene.published and (period is None or not _own_period(sentence, q, found)):
            year = scene.published.year
            period = ctx.Period(0, 0, str(year), year)
            year_note = f"'current' in a document dated {year}"
        if period is None and scene.today is not None and CONVERSION.match(sentence, q.start):
            year = scene.today.year  # "($1 = 8.4344 Norwegian crowns)": the day's rate
            period = ctx.Period(0, 0, str(year), year)
            year_note = f"the rate the text converts at, on its date ({scene.today})"
        if (
            period is None
            and scene.lead
            and scene.today is not None
            and scene.today.month is not None
            and measure not in _GENERIC | _TIMELESS  # a trade flow, not "90 percent of …"
            and not _UNRESOLVED.search(sentence)  # "that year": the text's, which it lacks
        ):
            # a document's lead figures with no period of their own ("exports grew by 11.4
            # percent year-on-year, reaching USD57.9 billion", published on 2 September
            # 2024): the latest data at its date, of its year (of the year before in January
            # and February, when the year just ended is what is published)
            year = scene.today.year - (1 if scene.today.month <= 2 else 0)
            period = ctx.Period(0, 0, str(year), year, by_document_date=True)
            year_note = f"the latest data at the document's date, {scene.today}: {year}"
        country, partner = _parties(sentence, q, people, after, listed.get(i), members)
        if country is None and partner is not None:  # "exports to Europe averaged $143"
            earlier = [c for c in dict.fromkeys(a.code for a in scene.people) if c != partner]
            country = earlier[0] if earlier else scene.main_actor(besides=[partner])
        elif measure in _PAIRED and partner is None:  # "bilateral trade of $107 billion"
            country = country or scene.main_actor(besides=[])
            partner = scene.main_actor(besides=[country]) if country else None
        elif measure in _FLOWS and country is not None and partner is None:
            scene_others = before_people - {country}
            if country in before_people and len(scene_others) == 1 and not _TOTAL.search(sentence):
                partner = scene_others.pop()
        pipe = ctx.route(sentence[: q.start], named)
        if pipe is not None and measure in ("capacity", "gas_volume") and q.unit == "m3":
            country, partner = ctx.route_parties(pipe)  # a named pipeline: its two ends
        joined = _together_with(before, people, country)
        if joined and partner is not None and measure.startswith("share_of"):
            partner = f"{partner}+{joined}"  # "China, together with India, … 90%"
        yield Claim(
            document=doc,
            paragraph=para,
            sentence=sentence,
            start=q.start,
            end=q.end,
            quote=sentence[q.start : q.end],
            value=q.value,
            unit=q.unit,
            low=q.low,
            high=q.high,
            decimals=q.decimals,
            hedge=q.hedge,
            year=period.year if period else None,
            period=period.text if period else None,
            year_stated=stated,
            context_year=carry.year if carry else None,
            year_note=year_note,
            country=country,
            partner=partner,
            actors=tuple(dict.fromkeys(a.code for a in people)),
            # "88% of Russian exports …, as were 73.6% of Russian imports": the words right after
            # a share name its flow; else the clause before, else the sentence
            direction=_flow_after(after) or ctx.direction(before) or ctx.direction(sentence),
            measure=measure,
            product=ctx.product(before) or ctx.product(after) or ctx.product(sentence),
            route=pipe,
        )


# "a 10 million tonne per annum mine": a singular unit before "per annum" is a compound
# modifier, the rating of a plant, not a year's flow.
_RATING: Final = re.compile(r"^[\s-](?:per[\s-]annum|a[\s-]year|per[\s-]year)\b", re.I)
# "rose 27.3% to 52.6 Mt in H1 2023": a change takes the period of the level it reaches.
# "rose 5.1 percent on the year to $57.07 billion in June", "3 percent from May to 10.1
# million b/d in June", "20.8 percent to over K12.7 billion", "11.1 percent up to $12 billion"
_CHANGE_TO: Final = re.compile(
    r"^\s*,?\s*(?:year[- ]on[- ]year\s+|y/y\s+|y-o-y\s+|yoy\s+|on\s(?:the|a)\s(?:year|month)\s+|"
    r"month[- ]on[- ]month\s+|from\s(?:a\s(?:year|month)\s(?:earlier|before|ago)|the\sprevious\s"
    r"(?:year|month)|(?-i:[A-Z][a-z]+))\s+)?(?:up\s+to|to|at)\s+"
    # "soared 12.2 percent to reach $13.96 billion", "rose 23% to hit a new monthly record
    # high of €22.2 billion"
    r"(?:(?:reach|hit|stand\sat|touch)\s+(?:a\s(?:new\s)?(?:monthly\s|annual\s)?(?:record\s)?"
    r"(?:high|level)\sof\s+)?)?"
    r"(?:a\s+record\s+|around\s+|"
    r"about\s+|some\s+|nearly\s+|almost\s+|just\s+over\s+|over\s+|more\sthan\s+|"
    r"an\sestimated\s+|a\smonthly\srecord\sof\s+|a\srecord\sof\s+)?$",
    re.IGNORECASE,
)
# The words that soften a figure ("to almost 716 billion roubles", "to about 4 billion")
_ABOUT: Final = (
    r"(?:(?:about|around|some|nearly|almost|over|roughly|more\sthan|just\s(?:over|under)|"
    r"close\sto|an\sestimated)\s)?"
)
# A change and its base: "fell 53%, from €21.8 billion in March 2022 to €10.3 billion in
# December 2022", "grew an average 7.8% a year over five years, from"
_CHANGE_FROM: Final = re.compile(
    r"^\s*,?\s*(?:year[- ]on[- ]year\s+|(?:a|per)\syear\s+)?"
    r"(?:(?:over|in)\s(?:the\s)?(?:past\s|last\s)?[\w-]+\syears,?\s+)?from\s+$",
    re.I,
)
_GROUP_GLUE: Final = re.compile(
    # "rose 74% in quantity and 55% in dollar terms in FY 2022-23": what each figure measures
    r"[\s,()]*(?:(?:in|by)\s(?:quantity|volume|value|weight|dollars|[a-z]+\sterms)[\s,]+)?"
    # "exports dropped 11.8% and imports 9.9% in 2020": the flows each figure is of
    r"[\s,()]*(?:(?:or|and|of(?:\s(?:a|the))?|to|from|in)\s+)?"
    r"(?:(?:exports|imports|shipments|sales|output|production|revenue|earnings)\s)?"
    # "revenues dropped by 57.6 percent and exports by about 100,000 b/d in the first quarter"
    r"(?:by\s(?:about\s|around\s|some\s|nearly\s|almost\s)?)?"
    r"(?:[A-Z][\w.’'-]*\s?){0,3}"
    r"[\s,()]*(?:(?:and|or)\s+)?(?:(?:of\s(?:a\s|the\s)?)|(?:to|from)\s(?:[A-Z][\w.’'-]*\s?){1,3})?[\s,()]*",
)
# "3.2 million tonnes of maize and 410,500 tonnes of sugar in 2021": a list of products,
# one period.
_PRODUCT_GLUE: Final = re.compile(
    r",?\s+of\s(?:(?!(?:last|this|next|the)\b|years?\b|months?\b|quarters?\b)[a-z][\w-]*\s){1,3}"
    r"(?:and|,|,\s?and)\s+"
)
_YEAR_EARLIER_BEFORE: Final = re.compile(
    r"\b(?:the|a|its)\syear[- ](?:earlier|ago|before)\s(?:level\sof\s|figure\sof\s)?$"
    # "total exports a year earlier had been DKK 8.9 billion"; not "up from a year earlier to"
    r"|\ba\syear\s(?:earlier|before|ago)\s(?:(?!though|while|but|and|whereas)[\w'’-]+\s){0,2}"
    r"(?:had\sbeen|was|were|stood\sat|came\sto|totalled|totaled|amounted\sto)\s$",
    re.I,
)
_EARLIER: Final = re.compile(
    r"^\s*(?:of\s|(?:deficit|surplus|profit|loss)\s)?"
    # "a 729.2 billion yen surplus logged a year earlier"
    r"(?:(?:logged|recorded|posted|reported|seen|tallied|registered|booked)\s)?"
    r"(?:a year earlier|a year ago|a year before|the previous year|the year before|last year|"
    # "41,000 t in the latest week against 70,000 t in the same week a year before"
    # "$1.119 billion earned in the same months a year before"
    r"(?:[a-z]+ed\s)?(?:in|for|over|during)\s(?:the\s)?(?:same|like|corresponding|comparable)\s"
    r"(?:period|weeks?|months?|quarter)\s(?:of\s|a\s)?(?:last|the previous|a)?\s?year)\b",
    re.I,
)
# "cut its 2022/23 forecast to 23 Mt from 27 Mt": a revision, both figures of one period.
_REVISED: Final = re.compile(
    r"\b(?:forecast|estimate|projection|outlook|guidance|target)s?\b|\b(?:revised|cut|raised|"
    r"lowered|trimmed|upgraded|downgraded)\s(?:its|their|the)\b",
    re.IGNORECASE,
)
# "1.2 Mt of shrimp worth $5 billion in 2022": a volume and its value, one period.
_WORTH: Final = re.compile(
    r",?\s(?:of\s[\w\s-]{1,40}?,?\s)?worth\s(?:a\srecord\s|about\s|around\s|some\s|nearly\s)?",
    re.IGNORECASE,
)
# "against $31.8 billion last year", "compared with 2.1 Mt in the same period last year":
# the figure after these words is a comparison's base
_BASE_BEFORE: Final = re.compile(
    r"\b(?:against|compared\s(?:to|with)|versus|vs\.?|from|than)\s(?:the\s[a-z]+\sof\s)?"
    r"(?:about\s|around\s|some\s|nearly\s|almost\s)?$",
    re.I,
)
_CHANGE_ON_SAME: Final = re.compile(
    r",?\s*(?:(?:up|down)\s)?(?:on|over|from|compared\s(?:to|with)|against|versus|below|"
    r"above|(?:higher|lower|more|less|up|down)\s(?:than|from|on))\s(?:the\s)?"
    rf"{ctx.SAME_SPAN}\s(?:(?:of|in)\s(?:the\s)?)?",
    re.I,
)
_CHANGE_FROM_PERIOD: Final = re.compile(
    r",?\s*(?:(?:up|down)\s)?(?:from|on|over|against|versus|compared\s(?:to|with)|"
    r"in\scomparison\s(?:to|with))\s(?:the\s)?",
    re.I,
)
_A_YEAR_BACK: Final = re.compile(r"\ba year (?:earlier|before|ago)\b|\byear[- ]on[- ]year\b", re.I)
_EARNED_FROM: Final = re.compile(
    r",?\s(?:from|on|for)\s(?:close\sto\s|about\s|around\s|some\s|nearly\s|over\s)?", re.I
)
# "86.25 million tonnes, or 1.72 million bpd, in 2022": one figure in two units.
# "A$3.2bn ($2.3bn) in 2019": a figure and its conversion in brackets, too.
_SAME_FIGURE: Final = re.compile(
    r"^\s*\)?\s*,?\s*\(?(?:or|i\.e\.,?|that is|equivalent to|about)\s+"
    r"(?:about\s+|around\s+|some\s+)?$"
    r"|^\s?\((?:about\s|around\s|some\s)?$",
    re.I,
)


def _periods_of(
    sentence: str,
    quantities: list[Quantity],
    found: list[ctx.Period],
    measures: list[str],
    bases: set[int],
) -> list[ctx.Period | None]:
    """Each figure's own period: bound in the sentence (`ctx.bind_period`), then
    - a change reaching a level takes the level's period ("rose 27.3% to 52.6 Mt in H1 2023");
    - a change between two levels spans their periods ("53%, from … March 2022 to … December");
    - "a year earlier" is the figure before's period, a year back;
    - in "from A in 2021 to B in 2022, and … from C to D", C and D take 2021 and 2022;
    - the base of a year's or a year-to-date change (``bases``) is the same span a year back."""
    spans = [(q.start, q.end) for q in quantities]
    out: list[ctx.Period | None] = []
    for i, q in enumerate(quantities):
        others = spans[:i] + spans[i + 1 :]
        timeless = measures[i] == "capacity"
        out.append(ctx.bind_period(sentence, q.start, q.end, found, others, after_only=timeless))

    def gap(i: int) -> str:
        return sentence[spans[i][1] : spans[i + 1][0]] if i + 1 < len(spans) else ""

    own = [_own_period(sentence, q, found) for q in quantities]
    for i, q in enumerate(quantities):
        # "an increase of 12% on the same time of 2023", "up $371 million from the same month
        # last year", "US$592.2 million compared to the same period in 2023": the
        # year-on-year base the figure is measured on; the figure is of the sentence's own
        # span (or the year after the base)
        measured_on = out[i]
        if measured_on is None or measured_on.start < q.end:
            continue
        gap_to = sentence[q.end : measured_on.start]
        if _CHANGE_ON_SAME.fullmatch(gap_to) or (
            # "up 116% from September 2020": the month the change is measured from
            q.unit in ("percent", "pp", "times")
            and measured_on.year
            and ".." not in measured_on.text
            and _CHANGE_FROM_PERIOD.fullmatch(gap_to)
            and not re.match(r"\s*(?:to|until|through|and)\b", sentence[measured_on.end :])
        ):
            current = [p for p in found if p.year and not p.comparison and p.end <= q.start]
            out[i] = current[-1] if current else ctx.shifted(measured_on, 1)
    based: dict[int, ctx.Period] = {}  # figures that are a comparison's base, dated by it
    for i, q in enumerate(quantities):
        said = out[i]
        if not own[i] and said is not None and said.end <= q.start:
            out[i] = ctx.last_full_year(sentence, said, q.start) or said
    for i in range(len(quantities)):
        # "a 61.19% jump on the year-earlier 611.06 million kg": the period a year back
        if (
            not own[i]
            and out[i] is not None
            and _YEAR_EARLIER_BEFORE.search(sentence[max(0, spans[i][0] - 50) : spans[i][0]])
        ):
            out[i] = ctx.shifted(out[i], -1)  # type: ignore[arg-type]
            continue
        tail = sentence[spans[i][1] :]
        earlier = _EARLIER.match(tail)
        if earlier is None:
            continue
        said = out[i]
        own_words = said is not None and spans[i][1] <= said.start < spans[i][1] + earlier.end()
        if (
            quantities[i].unit in ("percent", "pp", "times")
            and re.match(r"\s*(?:over|on|compared\s(?:to|with)|against)\b", tail)
            and not own_words
        ):
            continue  # "a growth of 21.4% over the same period last year": the change's base
        if own_words and _BASE_BEFORE.search(sentence[max(0, spans[i][0] - 40) : spans[i][0]]):
            based[i] = said  # type: ignore[assignment]
        elif i and out[i - 1] is not None:
            out[i] = ctx.shifted(out[i - 1], -1)  # type: ignore[arg-type]
        elif said is not None and not own_words:  # "last year" read as a year already
            out[i] = ctx.shifted(said, -1)  # (a dated statement's)
    for i, own_base in based.items():
        # "exports were $27.7 billion against $31.8 billion last year, down 12.7 percent":
        # the base's "last year" dates the base; a figure that only those words date is of
        # the year after (the change too), as is a figure the sentence leaves undated; and
        # no figure takes the base's period by being listed with it ("$22.7 bn from $26 bn")
        for j in range(len(quantities)):
            here = out[j]
            if j == i or own[j]:
                continue
            if here is None or here.start == own_base.start:
                out[j] = ctx.shifted(own_base, 1)
            own[j] = True
    for i in reversed(range(len(quantities) - 1)):  # "9.5 Mt and 20.6 per cent in 2021",
        # "5.1 million tonnes, 8% of a 65.6 million tonne total, in 2021-22", "31.2mn tonnes
        # to Japan, 22.8mn tonnes to China and 11.6mn tonnes to South Korea in 2022"
        base = out[i + 1] is not None and out[i + 1].comparison  # type: ignore[union-attr]
        # "US$36 million from 8,800 tonnes in the same weeks of 2023": money and the volume
        # it was earned on, one period
        earned = is_money(quantities[i].unit) and quantities[i + 1].unit == "t"
        if earned and not own[i] and own[i + 1] and _EARNED_FROM.fullmatch(gap(i)):
            out[i], own[i] = out[i + 1], True
            continue
        if base and re.search(r"\b(?:from|than|against|versus)\b", gap(i)):
            continue  # "to US$432 billion from US$479 billion in 2022": 2022 is the base's
        glued = _GROUP_GLUE.fullmatch(gap(i)) or _PRODUCT_GLUE.fullmatch(gap(i))
        if quantities[i].unit in ("percent", "pp") and _CHANGE_FROM.match(gap(i)):
            glued = None  # "rose 15.3% from 3.47 billion DH in 2003": the base's year, not its
        if not own[i] and own[i + 1] and glued:
            out[i], own[i] = out[i + 1], True
        elif (
            not own[i]
            # "125,000 tonnes worth $683 million the year before": the value's year, a year back
            and (own[i + 1] or _EARLIER.match(sentence[spans[i + 1][1] :]))
            and _WORTH.fullmatch(gap(i))
        ):
            out[i], own[i] = out[i + 1], True  # "17,35,286 tonnes of seafood worth $8.09 bn in"
    for i in range(1, len(quantities)):  # "rising 12.5% in 2023 to 10.8 Mt from 9.6 Mt"
        head = sentence[spans[i - 1][1] : spans[i][0]]
        if (
            not own[i]
            and re.fullmatch(r"\s*(?:year[- ]on[- ]year\s+)?from\s+", head)
            and out[i - 1] is not None
            and re.search(r"\b(?:in|during)\s[^,;]{3,30}?\s(?:to|at)\s+$",
                          sentence[max(0, spans[i - 1][0] - 45) : spans[i - 1][0]])
        ):  # fmt: skip
            out[i] = ctx.shifted(out[i - 1], -1)  # type: ignore[arg-type]
    for i in range(1, len(quantities)):
        # "rose 21.6 percent in 2016 to $1.634 billion, after falling 25.8 percent in 2015 to
        # $1.344 billion", "grew 31% in 2023 to Ksh180.5 billion from Ksh138 billion in 2022":
        # the level a change reached in a period is of that period
        reached = re.search(r"\s(?:in|during)\s(?:the\s)?([^,;]{4,30}?),?\s(?:to|at)\s+"
                            rf"(?:a\srecord\s)?{_ABOUT}$",
                            gap(i - 1))  # fmt: skip
        change = quantities[i - 1].unit in ("percent", "times", "pp") or measures[i - 1] == "growth"
        ranged = re.search(r"\bfrom\s(?:about\s|around\s|some\s)?$", sentence[: spans[i - 1][0]])
        if reached is None or own[i] or not change or ranged:  # "from 32.4% in 2022 to 48.4%"
            continue
        at = spans[i - 1][1] + reached.start(1)
        its = next((p for p in found if p.start == at and p.year), None)
        if its is not None and re.fullmatch(r"[^,;]*", sentence[its.end : spans[i][0]]):
            out[i], own[i] = its, True
    for i in range(len(quantities) - 2):  # "grew 1.5-fold in 2023, from $9.06 bn to $13.7 bn"
        head = sentence[spans[i][1] : spans[i + 1][0]]
        m = re.fullmatch(r"\s*(?:in|during)\s[^,;]{3,30}?,?\s*from\s+", head)
        if m and re.fullmatch(r"\s*to\s+", gap(i + 1)) and out[i] is not None:
            if not own[i + 1]:
                out[i + 1] = ctx.shifted(out[i], -1)  # type: ignore[arg-type]
            if not own[i + 2]:
                out[i + 2] = out[i]
    for i in range(1, len(quantities)):
        # "fell 25% to $121.3 billion in 2023 from $161.1 billion", "rise to 16 Mt in 2023
        # from 15.7 Mt", "climb to 19 Mt from 18.45 million": a whole year's base is the year before
        prev = out[i - 1]
        reached = re.search(r"\bto\s(?:a\s)?(?:record\s)?(?:about\s|around\s|some\s)?$",
                            sentence[max(0, spans[i - 1][0] - 16) : spans[i - 1][0]])  # fmt: skip
        if (
            not own[i]
            and prev is not None
            # "up 50% in January-May 2021 on a year earlier, … rose to 1.39 Mt from 1.17 Mt":
            # a part year's base is the same part of the year before when the sentence says so
            and (_whole_year(prev.text) or _A_YEAR_BACK.search(sentence) is not None)
            and (
                (own[i - 1] and re.fullmatch(
                    r"\s+(?:in|during|for)\s(?:the\s)?(?:fiscal\s|financial\s)?(?:year\s)?"
                    r"[\d/-]{4,9},?\s+(?:up\s|down\s)?from\s+", gap(i - 1)))
                or (reached and re.fullmatch(r"\s+from\s+", gap(i - 1))
                    and not _REVISED.search(sentence[: spans[i - 1][0]]))
            )
        ):  # fmt: skip
            out[i] = ctx.shifted(prev, -1)
    yoy = re.search(r"year[- ]on[- ]year|\by/y\b|a year (?:earlier|before|ago)", sentence, re.I)
    for i in range(
        1, len(quantities)
    ):  # "fell 31% year on year to $47.8 bn in Jan-Feb, from $68.8 bn"
        if yoy and not own[i] and re.fullmatch(r"[^.;]*?,\s*(?:up |down )?from\s+", gap(i - 1)) \
                and out[i - 1] is not None:  # fmt: skip
            out[i] = ctx.shifted(out[i - 1], -1)  # type: ignore[arg-type]
    for i in range(len(quantities) - 1):
        if _SAME_FIGURE.match(gap(i)):
            if out[i] is None or (not own[i] and own[i + 1]):
                out[i], own[i] = out[i + 1], own[i + 1]
            elif out[i + 1] is None or (own[i] and not own[i + 1]):
                out[i + 1], own[i + 1] = out[i], own[i]  # and on along a chain of them
    for i in reversed(range(len(quantities) - 1)):
        is_change = (
            quantities[i].unit in ("percent", "times", "pp")
            or measures[i] == "growth"
            or re.search(r"\b(?:up|down|by|rose|fell|gained|lost|climbed|jumped|grew|slid|"
                         r"added|dropped|increased|decreased|declined)\s(?:about\s|some\s)?$",
                         sentence[max(0, spans[i][0] - 16) : spans[i][0]], re.I) is not None
        )  # fmt: skip
        if not own[i] and is_change and _CHANGE_TO.match(gap(i)) and out[i + 1] is not None:
            out[i] = out[i + 1]
        elif (
            not own[i]
            and _CHANGE_FROM.match(gap(i))
            and i + 2 < len(quantities)
            and re.fullmatch(rf"[^.;]*?\bto\s+{_ABOUT}", gap(i + 1) or "")
        ):
            first, last = out[i + 1], out[i + 2]
            if first is not None and last is not None and first.text != last.text:
                out[i] = ctx.Period(0, 0, f"{first.text}..{last.text}", last.year)
    said = next((p for p in found if p.said), None)
    for i in range(len(quantities)):  # "from just over 140,000 bpd at the time": when said
        if said is not None and re.match(r"\s(?:at\sthe\stime|at\sthat\stime)\b",
                                         sentence[spans[i][1] :]):  # fmt: skip
            out[i] = said
    # parallel "from A to B": the roles of the first such pair carry their periods
    roles: dict[str, ctx.Period] = {}
    for i in range(len(quantities)):
        role = _role(sentence, spans[i][0])
        if role and own[i] and out[i] is not None and role not in roles:
            roles[role] = out[i]  # type: ignore[assignment]
        elif role and not own[i] and role in roles and (len(roles) == 2 or role == "from"):
            out[i] = roles[role]  # "down 50% from 533,057 t in 2023, while … slipped from A to B"
    for i in sorted(bases):  # "139 billion dirhams in January-April 2022, up 34.2% from 103.6
        # billion": the base of a year's or a year-to-date change is the same span a year back
        here, prev = out[i], out[i - 1]
        if (
            here is not None
            and prev is not None
            and here.text == prev.text
            and not _own_period(sentence, quantities[i], found)
            and (_whole_year(here.text) or _year_to_date(here.text))
        ):
            out[i] = ctx.shifted(here, -1)
    return out


def _change_bases(sentence: str, quantities: list[Quantity]) -> set[int]:
    """Figures that are the base of a change to the figure before ("rose 214.2% to $4.4
    million from $1.4 million", "up 36.48 percent from $148.47 million"): a statistics
    office's change is on the same period a year before. A revised forecast ("cut its
    forecast to 30 Mt from 32 Mt") is not a change between periods."""
    if _REVISED.search(sentence):
        return set()
    out = set()
    for i in range(1, len(quantities)):
        prev = quantities[i - 1]
        gap = sentence[prev.end : quantities[i].start]
        if not re.fullmatch(r",?\s(?:up\s|down\s)?from\s(?:about\s|around\s|some\s)?", gap):
            continue
        reached = re.search(r"\bto\s(?:a\s)?(?:record\s)?(?:about\s|around\s|some\s)?$",
                            sentence[max(0, prev.start - 16) : prev.start])  # fmt: skip
        if reached or prev.unit == "percent":
            out.add(i)
    return out


def _whole_year(text: str) -> bool:
    """A year, a fiscal year, or months that run into the next year ("2018-07..2019-06",
    "July-April of fiscal 2021-22"): their base is the same span a year before."""
    if re.fullmatch(r"(?:FY)?(?:19|20)\d\d(?:-(?:19|20)\d\d)?", text):
        return True
    m = re.fullmatch(r"((?:19|20)\d\d)-(\d\d)\.\.((?:19|20)\d\d)-(\d\d)", text)
    return m is not None and m[1] != m[3]


def _year_to_date(text: str) -> bool:
    """Months from January of one year ("2022-01..2022-04"): compared with a year before."""
    m = re.fullmatch(r"((?:19|20)\d\d)-01\.\.((?:19|20)\d\d)-(\d\d)", text)
    return m is not None and m[1] == m[2] and m[3] != "01"


def _own_period(sentence: str, q: Quantity, found: list[ctx.Period]) -> bool:
    """A period written right after the figure ("$147 billion in 2021")."""
    return any(
        p.start >= q.end
        and ctx.binds_after(sentence[q.end : p.start])
        for p in found
    )  # fmt: skip


def _role(sentence: str, start: int) -> str | None:
    before = sentence[max(0, start - 30) : start].lower()
    # "from a peak of 185,000 b/d in 1985 to only 69,000 b/d in 2018"
    if re.search(r"\bfrom\s(?:about\s|around\s|(?:a|the|its)\s(?:peak|high|record)\sof\s)?$",
                 before):  # fmt: skip
        return "from"
    if re.search(r"\bto\s(?:about\s|around\s|more\sthan\s|over\s|nearly\s|almost\s|only\s|"
                 r"just\s)?$", before):  # fmt: skip
        return "to"
    return None


def _first_specific(unit: str, *clauses: str) -> str:
    """The measure named nearest the number: after it, then before it, then the sentence."""
    sentence = clauses[-1]
    if ctx.measure(sentence, unit) == "settlement_currency_share" and not re.search(
        r"reserves", sentence, re.IGNORECASE
    ):
        return "settlement_currency_share"  # "priced in dollars, as were 73.6% of imports"
    result = "quantity"
    for clause in clauses:
        result = ctx.measure(clause, unit)
        if result not in _GENERIC:
            return result
    return result


def _list_owners(
    sentence: str, spans: list[tuple[int, int]], people: list[ctx.Actor]
) -> tuple[dict[int, str], set[str]]:
    """In a list of figures by country ("Uzbek gas was $180, Turkmen $210, and Myanmar $340";
    "Turkmenistan supplied 2.8 bcm, Russia 0.9 bcm"), each figure belongs to the country named
    between it and the figure before. Only a sentence where every figure has one is a list."""
    if len(spans) < 2:
        return {}, set()
    owners: dict[int, str] = {}
    members: set[str] = set()
    for i, (start, _) in enumerate(spans):
        gap_start = spans[i - 1][1] if i else 0
        inside = [
            a
            for a in people
            if gap_start <= a.start and a.end <= start and not a.possessive
            and not _is_destination(sentence, a)
        ]  # fmt: skip
        if not inside:
            return {}, set()
        owners[i] = inside[0].code
        members.update(a.code for a in inside)
    return (owners, members) if len(set(owners.values())) > 1 else ({}, set())


def _parties(
    sentence: str,
    q: Quantity,
    people: list[ctx.Actor],
    after: str,
    listed: str | None = None,
    members: set[str] | None = None,
) -> tuple[str | None, str | None]:
    """(country, partner): whose share/flow it is, and with whom."""
    codes = list(dict.fromkeys(a.code for a in people))
    if not codes:
        return None, None
    if listed is not None:  # a list by country: the partner is whoever is not listed
        return listed, next((c for c in codes if c not in (members or set())), None)
    owner: str | None = None
    # "$31 billion in Nigeria": a place right after the amount is its partner
    placed = next((a for a in people if a.start >= q.end and a.start - q.end < 16
                   and _is_destination(sentence, a)), None)  # fmt: skip
    if placed is not None:
        owners = [a.code for a in people if a.code != placed.code and not a.possessive
                  and not _is_destination(sentence, a)]  # fmt: skip
        return (owners[0] if owners else None), placed.code
    # "China's share of Russia's exports was 30.4%": the flow's owner, then the partner
    share_of = re.search(r"share (?:of|in) ([^,;]{2,30}?)(?:'s|’s) (?:total |foreign )?"
                         r"(?:imports|exports|trade)", sentence[: q.start])  # fmt: skip
    if share_of:
        inside = [a.code for a in people if share_of.start(1) <= a.start < share_of.end(1)]
        if inside:
            return inside[0], next((c for c in codes if c != inside[0]), None)
    # "36.5% of Russia's imports": the possessive right after the number owns the share
    for a in people:
        if a.start >= q.end and a.possessive and a.start - q.end < 40:
            owner = a.code
            break
    if owner is None and re.match(r"\s*of (?:its|their)\b", after):
        before = [a for a in people if a.end <= q.start]
        owning = [a for a in before if a.possessive] or before
        owner = owning[-1].code if owning else None
    if owner is None:
        # "exports to Europe", "imports from China": a destination or origin is the partner
        sources = [a for a in people if not _is_destination(sentence, a)]
        owner = sources[0].code if sources else None
        if owner is None:
            return None, codes[0]
    partner = next((c for c in codes if c != owner), None)
    return owner, partner


def _flow_after(after: str) -> str | None:
    m = re.match(r"\s*of\s+(?:the\s+)?(?:[\w’'-]+\s+){0,2}?(exports|imports)\b", after, re.I)
    return m[1].lower() if m else None


def _together_with(before: str, people: list[ctx.Actor], country: str | None) -> str | None:
    """The country a share is pooled with: "which, together with India, accounted for 90%"."""
    m = re.search(r"\b(?:together|along|combined) with\s([^,]{2,40})", before, re.IGNORECASE)
    if not m:
        return None
    pattern, table = actor_table()
    named = pattern.search(m[1])
    code = table[named[1].lower()] if named else None
    return code if code and code != country else None


def _is_destination(sentence: str, actor: ctx.Actor) -> bool:
    return (
        re.search(
            r"\b(?:to|from|in|into)\s(?:the\s)?$", sentence[max(0, actor.start - 10) : actor.start]
        )
        is not None
    )


@cache
def _quantulum_parser() -> Any:
    """quantulum3's parser, without its scikit-learn classifier.

    The bundled classifier was pickled with scikit-learn 1.8 and fails under newer
    releases ("No module named '_loss'"); its rule-based disambiguation is what we
    want anyway, and keeping scikit-learn out saves ~1.2 s of import.
    """
    blocked = "sklearn" not in sys.modules
    if blocked:
        sys.modules["sklearn"] = None  # type: ignore[assignment]
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # "Classifier dependencies not installed"
            from quantulum3 import classifier, parser
    finally:
        if blocked:
            del sys.modules["sklearn"]
    classifier.USE_CLF = False
    return parser


# A token of more than 30 characters holding a digit is not a figure (a digit run, a hash, a
# code); quantulum3 is super-linear on one, so it sees blanks there (offsets unchanged).
_LONG_TOKEN: Final = re.compile(r"\S{31,}")
_DIGIT_THEN_UNIT: Final = re.compile(r"\d[\s-]?[^\W\d_]")


def _blank(m: re.Match[str]) -> str:
    return " " * len(m[0]) if any(ch.isdigit() for ch in m[0]) else m[0]


# quantulum3 spends ~15 ms per figure in a 1,000-character text (its disambiguation splits
# the whole text for each): a sentence with more candidates than this is a table or a list
# ("1bn 1bn 1bn …" of 4 KB took 41 s) and is left to the domain grammar.
MAX_QUANTULUM_CANDIDATES: Final = 8


def _general_quantities(
    sentence: str, taken: list[tuple[int, int]], budget: Budget | None = None
) -> list[Quantity]:
    """Physical quantities outside the domain grammar, read by quantulum3."""
    masked = _LONG_TOKEN.sub(_blank, sentence)
    # a physical quantity is a digit with a unit word or symbol after it ("5 km", "1.5m²"):
    # without one (a list of bare numbers) quantulum3 has nothing to find, slowly
    rest = [
        m
        for m in _DIGIT_THEN_UNIT.finditer(masked)
        if not any(s <= m.start() < e for s, e in taken)
    ]
    if not rest:
        return []
    if len(rest) > MAX_QUANTULUM_CANDIDATES:
        if budget is not None:
            budget.note_crowded_sentence()
        return []
    out = []
    for q in _quantulum_parser().parse(masked):
        start, end = q.span
        if q.unit.entity.name not in _QUANTULUM_ENTITIES or any(
            start < e and s < end for s, e in taken
        ):
            continue
        if not re.search(r"\d", q.surface):
            continue
        out.append(Quantity(start, end, float(q.value), q.unit.name))
    return out
