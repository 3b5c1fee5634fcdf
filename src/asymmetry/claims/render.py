"""The claims report as HTML: the document with each claim highlighted by verdict."""

from __future__ import annotations

from html import escape
from typing import Any

import jinja2

from asymmetry.claims.check import ClaimsReport
from asymmetry.claims.extract import split_sentences
from asymmetry.claims.verify import CheckedClaim
from asymmetry.markup import code_spans

_ENV = jinja2.Environment(
    loader=jinja2.PackageLoader("asymmetry.claims", "templates"),
    autoescape=jinja2.select_autoescape(["html", "j2"]),
)
_ENV.filters["code"] = code_spans


def render_html(report: ClaimsReport, *, title: str | None = None) -> str:
    """A self-contained page (no external resources): text with marks, then the claims table."""
    return _ENV.get_template("claims.html.j2").render(**render_context(report, title=title))


def render_context(report: ClaimsReport, *, title: str | None = None) -> dict[str, Any]:
    """What `_claims_body.html.j2` shows (the dashboard renders it in its own layout)."""
    number = {id(c): i for i, c in enumerate(report.checked, start=1)}
    by_para: dict[tuple[str, int], list[CheckedClaim]] = {}
    for c in report.checked:
        by_para.setdefault((c.claim.document, c.claim.paragraph), []).append(c)
    documents = []
    for doc in report.documents:
        paragraphs = []
        for p in doc.paragraphs():
            here = by_para.get((doc.name, p.index), [])
            paragraphs.append(
                {
                    "html": _marked(p.text, here, number),
                    "claims": [_row(c, number[id(c)]) for c in here],
                }
            )
        documents.append({"name": doc.name, "paragraphs": paragraphs})
    return {
        "title": title or ", ".join(d.name for d in report.documents) or "text",
        "counts": report.counts(),
        "coverage": report.coverage(),
        "inconsistencies": report.inconsistencies,
        "cuts": report.cuts,
        "documents": documents,
        "claims": [_row(c, number[id(c)]) for c in report.checked],
    }


def _row(c: CheckedClaim, n: int) -> dict[str, Any]:
    """One claim as the page shows it: numbered, its value as written, the reference with
    its period and source, and the reason in full."""
    d = c.to_dict()
    ref = c.reference
    d["n"] = n
    d["shown_period"] = c.claim.period or (str(c.claim.year) if c.claim.year else "")
    d["reference_shown"] = (
        ""
        if ref is None
        else f"{d['reference_text']}"
        + (f" ({ref.period})" if ref.period else "")
        + f" — {ref.source}"
    )
    return d


def _marked(text: str, checked: list[CheckedClaim], number: dict[int, int]) -> str:
    """``text`` escaped, with each claim's quote wrapped in <mark class=verdict> and
    numbered (the number links to the claim's line below the paragraph and in the table)."""
    offsets = {sentence: start for start, sentence in split_sentences(text)}
    spans = []
    for c in checked:
        base = offsets.get(c.claim.sentence)
        if base is None:
            base = text.find(c.claim.sentence)
        if base < 0:
            continue
        spans.append((base + c.claim.start, base + c.claim.end, c))
    out, at = [], 0
    for start, end, c in sorted(spans, key=lambda s: s[0]):
        if start < at:
            continue
        ref = c.reference
        tip = c.reason if ref is None else f"{c.reason} — {ref.source}: {ref.detail}"
        n = number[id(c)]
        out.append(escape(text[at:start]))
        out.append(
            f'<mark class="{c.verdict}" id="mark-{n}" title="{escape(c.verdict + ": " + tip)}">'
            f'{escape(text[start:end])}</mark><sup><a href="#claim-{n}">{n}</a></sup>'
        )
        at = end
    out.append(escape(text[at:]))
    return "".join(out)
