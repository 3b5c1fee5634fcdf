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
from collections.abc import Iterable, Iterator
from dataclasses import asdict, dataclass, field
from functools import cache
from typing import Any, Final

from asymmetry.claims import context as ctx
from asymmetry.claims.quantities import Quantity, domain_quantities
from asymmetry.claims.read import Document, Paragraph, text_paragraphs

# quantulum3 entities worth a claim; currencies, percentages and counts are ours.
_QUANTULUM_ENTITIES: Final = {
    "length", "area", "volume", "mass", "energy", "power", "speed", "volumetric flow",
    "mass flow", "data storage",
}  # fmt: skip
_ABBREVIATIONS: Final = re.compile(
    r"(?:\b[A-Z]|\b(?:Mr|Mrs|Ms|Dr|Prof|St|No|Nos|vs|etc|e\.g|i\.e|Jan|Feb|Mar|Apr|Jun|Jul|Aug|"
    r"Sep|Sept|Oct|Nov|Dec|Co|Inc|Ltd|Corp|approx|cf|Cf|ed|eds|vol|pp|p|U\.S|U\.K))\.$"
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
    country: str | None = None
    partner: str | None = None
    actors: tuple[str, ...] = field(default_factory=tuple)
    direction: str | None = None
    measure: str = "quantity"
    product: str | None = None

    @property
    def id(self) -> str:
        return f"{self.document}:{self.paragraph}:{self.start}"

    def to_dict(self) -> dict[str, Any]:
        out = asdict(self)
        out["actors"] = list(self.actors)
        out["id"] = self.id
        return out


def split_sentences(text: str) -> list[tuple[int, str]]:
    """(offset, sentence) pairs; abbreviations and initials do not end a sentence."""
    out: list[tuple[int, str]] = []
    start = 0
    for m in re.finditer(r"[.!?][\"”’)\]]*\s+(?=[\"“‘(\[•]?[A-Z0-9$¥€£])", text):
        head = text[start : m.start() + 1]
        if _ABBREVIATIONS.search(head) or (re.search(r"\d\.$", head) and not head[-3:-1].isdigit()):
            continue
        out.append((start, text[start : m.end()].strip()))
        start = m.end()
    if text[start:].strip():
        out.append((start, text[start:].strip()))
    return out


def extract_claims(document: Document | Iterable[Paragraph], *, name: str = "") -> Iterator[Claim]:
    """Every quantitative claim in a document, in reading order (streams paragraphs)."""
    paragraphs = document.paragraphs() if isinstance(document, Document) else document
    doc_name = document.name if isinstance(document, Document) else name
    for para in paragraphs:
        carry: int | None = None  # the year the paragraph last talked about
        people: list[ctx.Actor] = []  # …and the actors of the last sentence naming any
        price: str | None = None  # …and the price unit of the sentence before
        measures: set[str] | None = None  # …and what its dated figures measured
        for _, sentence in split_sentences(para.text):
            named = ctx.actors(sentence)
            found = ctx.periods(sentence, carry=carry)
            claims = list(
                _sentence_claims(
                    doc_name, para.index, sentence, found, carry, named or people, price, measures
                )
            )
            yield from claims
            price = next((c.unit for c in reversed(claims) if " per " in c.unit), None)
            # what the sentence's dated figures measured (None: it had no figures)
            measures = {c.measure for c in claims if c.year is not None} if claims else None
            years = [p.year for p in found if p.year]
            carry = years[-1] if years else carry
            people = named or people


def extract_text(text: str, *, name: str = "text") -> list[Claim]:
    """Claims in a string (one paragraph per blank-line block), cleaned as documents are."""
    return list(extract_claims(text_paragraphs(text), name=name))


_GENERIC: Final = {"share", "money", "multiple", "quantity"}
# Measures that describe a state, not a period: a paragraph's year does not carry to them.
_TIMELESS: Final = {"quantity", "capacity", "multiple", "exchange_rate"}


def _sentence_claims(
    doc: str,
    para: int,
    sentence: str,
    found: list[ctx.Period],
    carry: int | None,
    people: list[ctx.Actor],
    price: str | None = None,
    prev_measures: set[str] | None = None,
) -> Iterator[Claim]:
    """Claims of one sentence. A figure with no year of its own takes the paragraph's
    (``carry``) when the sentence before set the scene (no figures) or measured the same thing:
    "In 2020 the price was $150 … Turkmen gas was $210" but not "… 1% in 2018. German FDI
    is nine times greater ($16.6 billion)"."""
    if not re.search(r"\d|\b(?:half|third|quarter|fourth|fifth|fold|times|doubled|tripled|halved)",
                     sentence, re.IGNORECASE):  # fmt: skip
        return
    quantities = domain_quantities(sentence, price_unit=price)
    taken = [(q.start, q.end) for q in quantities] + [(p.start, p.end) for p in found]
    quantities += _general_quantities(sentence, taken)
    quantities.sort(key=lambda q: q.start)
    spans = [(q.start, q.end) for q in quantities]
    for i, q in enumerate(quantities):
        others = spans[:i] + spans[i + 1 :]
        after = sentence[q.end : spans[i + 1][0] if i + 1 < len(spans) else len(sentence)]
        before = sentence[spans[i - 1][1] if i else 0 : q.start]
        measure = _first_specific(q.unit, after, before, sentence)
        period = ctx.bind_period(sentence, q.start, q.end, found, others)
        stated = period is not None
        follows = prev_measures is None or measure in prev_measures or measure in _GENERIC
        if period is None and carry is not None and measure not in _TIMELESS and follows:
            period = ctx.Period(0, 0, str(carry), carry)
        country, partner = _parties(sentence, q, people, after)
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
            context_year=carry,
            country=country,
            partner=partner,
            actors=tuple(dict.fromkeys(a.code for a in people)),
            direction=ctx.direction(before) or ctx.direction(sentence),
            measure=measure,
            product=ctx.product(before) or ctx.product(after) or ctx.product(sentence),
        )


def _first_specific(unit: str, *clauses: str) -> str:
    """The measure named nearest the number: after it, then before it, then the sentence."""
    if ctx.measure(clauses[-1], unit) == "settlement_currency_share":
        return "settlement_currency_share"  # "priced in dollars, as were 73.6% of imports"
    result = "quantity"
    for clause in clauses:
        result = ctx.measure(clause, unit)
        if result not in _GENERIC:
            return result
    return result


def _parties(
    sentence: str, q: Quantity, people: list[ctx.Actor], after: str
) -> tuple[str | None, str | None]:
    """(country, partner): whose share/flow it is, and with whom."""
    codes = list(dict.fromkeys(a.code for a in people))
    if not codes:
        return None, None
    owner: str | None = None
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
        owner = codes[0]
    partner = next((c for c in codes if c != owner), None)
    return owner, partner


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


def _general_quantities(sentence: str, taken: list[tuple[int, int]]) -> list[Quantity]:
    """Physical quantities outside the domain grammar, read by quantulum3."""
    rest = [
        m for m in re.finditer(r"\d", sentence) if not any(s <= m.start() < e for s, e in taken)
    ]
    if not rest:
        return []
    out = []
    for q in _quantulum_parser().parse(sentence):
        start, end = q.span
        if q.unit.entity.name not in _QUANTULUM_ENTITIES or any(
            start < e and s < end for s, e in taken
        ):
            continue
        if not re.search(r"\d", q.surface):
            continue
        out.append(Quantity(start, end, float(q.value), q.unit.name))
    return out
