"""`check_claims`: read documents, extract their claims, verify them — one call."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from asymmetry.claims.consistency import Inconsistency, check_consistency
from asymmetry.claims.context import DocumentDate
from asymmetry.claims.extract import Claim, extract_claims, extract_text
from asymmetry.claims.limits import Budget, Limits
from asymmetry.claims.read import Document, read_document
from asymmetry.claims.verify import CheckedClaim, verify
from asymmetry.store.store import Store

FRAME_COLUMNS = [
    "document", "quote", "value", "value_text", "unit", "year", "period", "subject", "country",
    "partner", "verdict", "reference_value", "reference_text", "reference_year",
    "reference_source", "reason", "kind", "remedy",
]  # fmt: skip


@dataclass(frozen=True, slots=True)
class ClaimsReport:
    """Every claim of the documents with its verdict, and the texts' own inconsistencies."""

    documents: list[Document]
    checked: list[CheckedClaim]
    inconsistencies: list[Inconsistency] = field(default_factory=list)
    cuts: list[str] = field(default_factory=list)  # what the limits left unread (`Budget`)

    def counts(self) -> dict[str, int]:
        found = Counter(c.verdict for c in self.checked)
        return {v: found.get(v, 0) for v in ("consistent", "discrepant", "unverifiable")}

    def summary(self) -> str:
        n = self.counts()
        documents = f" in {len(self.documents)} document(s)" if self.documents else ""
        return (
            f"{len(self.checked)} claims{documents}: "
            f"{n['consistent']} consistent, {n['discrepant']} discrepant, "
            f"{n['unverifiable']} unverifiable; "
            f"{len(self.inconsistencies)} internal inconsistencies"
        )

    def coverage(self) -> dict[str, Any]:
        """How many claims got a verdict; the rest grouped by why not (with what they
        measure and when, and what data would make them checkable), largest group first."""
        total = len(self.checked)
        decided = sum(c.verdict != "unverifiable" for c in self.checked)
        groups: dict[str, dict[str, Any]] = {}
        for c in self.checked:
            if c.verdict != "unverifiable":
                continue
            entry = groups.setdefault(
                c.kind,
                {"reason": c.group, "kind": c.kind, "count": 0, "remedy": c.remedy, "about": {}},
            )
            entry["count"] += 1
            entry["about"][c.about] = entry["about"].get(c.about, 0) + 1
        reasons = sorted(groups.values(), key=lambda g: (-g["count"], g["reason"]))
        for g in reasons:
            g["about"] = [
                {"what": what, "count": n}
                for what, n in sorted(g["about"].items(), key=lambda kv: (-kv[1], kv[0]))
            ]
        return {
            "claims": total,
            "with_verdict": decided,
            "share_with_verdict": decided / total if total else None,
            "unverifiable": reasons,
        }

    def coverage_lines(self) -> list[str]:
        """The coverage report as lines a terminal or a page shows."""
        cov = self.coverage()
        share = cov["share_with_verdict"]
        lines = [
            f"{cov['with_verdict']} of {cov['claims']} claims have a verdict"
            + (f" ({share:.0%})" if share is not None else "")
            + ("; the rest, by reason:" if cov["unverifiable"] else "")
        ]
        for g in cov["unverifiable"]:
            remedy = f" — checkable with {g['remedy']}" if g["remedy"] else ""
            lines.append(f"  {g['count']:>3}  {g['reason']}{remedy}")
            if g["kind"] not in ("not_measurable", "no_country", "no_pair"):
                lines.append("       " + about_text(g["about"]))
        return lines

    def to_frame(self) -> pd.DataFrame:
        rows = []
        for c in self.checked:
            d = c.to_dict()
            ref = d.pop("reference") or {}
            rows.append(
                {
                    **d,
                    "reference_value": ref.get("value"),
                    "reference_year": ref.get("period") or ref.get("year"),
                    "reference_source": ref.get("source"),
                }
            )
        frame = pd.DataFrame(rows, columns=FRAME_COLUMNS)
        frame["year"] = frame["year"].astype("Int64")
        return frame

    def to_dict(self) -> dict[str, Any]:
        return {
            "documents": [str(d.path) for d in self.documents],
            "summary": self.counts(),
            "coverage": self.coverage(),
            "claims": [c.to_dict() for c in self.checked],
            "inconsistencies": [
                {"claims": list(i.claim_ids), "kind": i.kind, "message": i.message}
                for i in self.inconsistencies
            ],
            "complete": not self.cuts,
            "cuts": list(self.cuts),
        }


def about_text(about: list[dict[str, Any]]) -> str:
    """ "price in 2020 (5), investment in 2016 (3), …" for one coverage group."""
    return ", ".join(f"{a['what']} ({a['count']})" if a["count"] > 1 else a["what"] for a in about)


@dataclass(frozen=True, slots=True)
class Extraction:
    """The claims of some documents and what the limits cut: the CPU-heavy half of a check,
    which needs no store (the server runs it in a worker process; `verify` runs beside it)."""

    documents: list[Document]
    claims: list[Claim]
    cuts: list[str]


def extract_documents(
    paths: Iterable[str | Path],
    limits: Limits | None = None,
    *,
    as_of: DocumentDate | None = None,
) -> Extraction:
    """Read every document at ``paths`` and extract its claims within ``limits``
    (one budget for them all: "one check"); ``as_of`` dates them all (`extract_claims`)."""
    documents = [read_document(p) for p in paths]  # all readable before any work
    budget = Budget(limits or Limits())
    claims: list[Claim] = []
    for d in documents:
        if budget.stopped:
            budget.notes.append(f"{d.name}: not read (the check's limits were spent)")
            continue
        claims.extend(extract_claims(d, budget=budget, as_of=as_of))
    return Extraction(documents, claims, budget.all_notes())


def extract_pasted(
    text: str,
    *,
    name: str = "text",
    limits: Limits | None = None,
    as_of: DocumentDate | None = None,
) -> Extraction:
    """`extract_documents` for a string (pasted text)."""
    budget = Budget(limits or Limits(), total_chars=len(text))
    claims = extract_text(text, name=name, budget=budget, as_of=as_of)
    return Extraction([], claims, budget.all_notes())


def verify_extraction(store: Store, extraction: Extraction) -> ClaimsReport:
    """The report of an extraction: each claim verified, the texts' own inconsistencies."""
    claims = extraction.claims
    return ClaimsReport(
        extraction.documents, verify(store, claims), check_consistency(claims), extraction.cuts
    )


def check_claims(
    store: Store,
    paths: Iterable[str | Path],
    *,
    limits: Limits | None = None,
    as_of: DocumentDate | None = None,
) -> ClaimsReport:
    """Read, extract and verify every quantitative claim in the documents at ``paths``,
    within ``limits`` (`asymmetry.claims.limits`; the report's ``cuts`` say what was left).
    ``as_of`` is the documents' date: what "last year" or a bare "in June" mean (without
    it, a document's own date line, if any, gives it).

    >>> report = check_claims(store, ["paper.pdf"])  # doctest: +SKIP
    >>> report.counts()  # doctest: +SKIP
    {'consistent': 12, 'discrepant': 2, 'unverifiable': 40}
    """
    return verify_extraction(store, extract_documents(paths, limits, as_of=as_of))


def check_text(
    store: Store,
    text: str,
    *,
    name: str = "text",
    limits: Limits | None = None,
    as_of: DocumentDate | None = None,
) -> ClaimsReport:
    """`check_claims` on a string (pasted text)."""
    return verify_extraction(store, extract_pasted(text, name=name, limits=limits, as_of=as_of))
