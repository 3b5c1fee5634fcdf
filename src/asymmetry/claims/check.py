"""`check_claims`: read documents, extract their claims, verify them — one call."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from asymmetry.claims.consistency import Inconsistency, check_consistency
from asymmetry.claims.extract import Claim, extract_claims, extract_text
from asymmetry.claims.read import Document, read_document
from asymmetry.claims.verify import CheckedClaim, verify
from asymmetry.store.store import Store

FRAME_COLUMNS = [
    "document", "quote", "value", "unit", "year", "subject", "country", "partner",
    "verdict", "reference_value", "reference_source", "reason",
]  # fmt: skip


@dataclass(frozen=True, slots=True)
class ClaimsReport:
    """Every claim of the documents with its verdict, and the texts' own inconsistencies."""

    documents: list[Document]
    checked: list[CheckedClaim]
    inconsistencies: list[Inconsistency] = field(default_factory=list)

    def counts(self) -> dict[str, int]:
        found = Counter(c.verdict for c in self.checked)
        return {v: found.get(v, 0) for v in ("consistent", "discrepant", "unverifiable")}

    def summary(self) -> str:
        n = self.counts()
        return (
            f"{len(self.checked)} claims in {len(self.documents)} document(s): "
            f"{n['consistent']} consistent, {n['discrepant']} discrepant, "
            f"{n['unverifiable']} unverifiable; "
            f"{len(self.inconsistencies)} internal inconsistencies"
        )

    def to_frame(self) -> pd.DataFrame:
        rows = []
        for c in self.checked:
            d = c.to_dict()
            ref = d.pop("reference") or {}
            rows.append(
                {**d, "reference_value": ref.get("value"), "reference_source": ref.get("source")}
            )
        frame = pd.DataFrame(rows, columns=FRAME_COLUMNS)
        frame["year"] = frame["year"].astype("Int64")
        return frame

    def to_dict(self) -> dict[str, Any]:
        return {
            "documents": [str(d.path) for d in self.documents],
            "summary": self.counts(),
            "claims": [c.to_dict() for c in self.checked],
            "inconsistencies": [
                {"claims": list(i.claim_ids), "kind": i.kind, "message": i.message}
                for i in self.inconsistencies
            ],
        }


def check_claims(store: Store, paths: Iterable[str | Path]) -> ClaimsReport:
    """Read, extract and verify every quantitative claim in the documents at ``paths``.

    >>> report = check_claims(store, ["paper.pdf"])  # doctest: +SKIP
    >>> report.counts()  # doctest: +SKIP
    {'consistent': 12, 'discrepant': 2, 'unverifiable': 40}
    """
    documents = [read_document(p) for p in paths]  # all readable before any work
    claims: list[Claim] = [c for d in documents for c in extract_claims(d)]
    return ClaimsReport(documents, verify(store, claims), check_consistency(claims))


def check_text(store: Store, text: str, *, name: str = "text") -> ClaimsReport:
    """`check_claims` on a string (pasted text)."""
    claims = extract_text(text, name=name)
    return ClaimsReport([], verify(store, claims), check_consistency(claims))
