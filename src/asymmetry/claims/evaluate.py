"""Score the extractor against a gold list of sentences (`tests/reference/claims_*.csv`).

A gold row is one figure of a sentence: `sentence_id, text, quote, value, unit, year,
period` (and, optionally, `source_url` and `document_date`: the page's publication date,
given to the extractor as a reader gives `--as-of`). A figure is right when an extracted
claim of its sentence has the same unit and year and the value within 0.1%; each claim is
matched once. Used by the accuracy test and `benchmarks/claims_accuracy.py`, so both count
the same way.

Two readings: each sentence alone, and *in passage*: consecutive sentences written from the
same page (same `source_url`) read as one paragraph, the way the checker reads a document,
so that "In October only 1.33 million bpd…" can take the year the sentence before gave.
"""

from __future__ import annotations

import csv
import math
import re
from dataclasses import dataclass, field
from pathlib import Path

from asymmetry.claims.context import DocumentDate
from asymmetry.claims.extract import Claim, extract_text
from asymmetry.claims.read import text_paragraphs


@dataclass(slots=True)
class ExtractionScore:
    """Figures right out of the gold figures; `stated` counts only figures whose year the
    sentence itself states (a year taken from the page cannot be read from the sentence)."""

    right: int = 0
    gold: int = 0
    extracted: int = 0
    right_stated: int = 0
    stated: int = 0
    misses: list[str] = field(default_factory=list)

    @property
    def recall(self) -> float:
        return self.right / self.gold if self.gold else 0.0

    @property
    def precision(self) -> float:
        return self.right / self.extracted if self.extracted else 0.0

    @property
    def recall_stated(self) -> float:
        return self.right_stated / self.stated if self.stated else 0.0


def years_written(text: str) -> set[int]:
    """The years a sentence states ("2023", "FY23", "2022/23")."""
    found = {int(y) for y in re.findall(r"(?:19|20)\d\d", text)}
    found |= {2000 + int(y) for y in re.findall(r"FY\s?(\d\d)\b", text)}
    found |= {2000 + int(y) for y in re.findall(r"(?:19|20)\d\d[/-](\d\d)\b", text)}
    return found


def passages(by_sentence: dict[str, list[dict[str, str]]]) -> list[list[str]]:
    """Runs of consecutive sentence ids written from the same page."""
    runs: list[list[str]] = []
    last_url: str | None = None
    for sid, gold in by_sentence.items():
        url = gold[0].get("source_url") or None
        if runs and url is not None and url == last_url:
            runs[-1].append(sid)
        else:
            runs.append([sid])
        last_url = url
    return runs


def _ended(sentence: str) -> str:
    """The sentence with a full stop if it has no end mark of its own."""
    return sentence if re.search(r"[.!?;:][\"'”’)\]]*\s*$", sentence) else sentence.rstrip() + "."


def _claims_by_sentence(
    texts: dict[str, str], *, in_passage: bool, as_of: DocumentDate | None = None
) -> dict[str, list[Claim]]:
    """Each sentence id's claims, read alone or with the sentences around it."""
    if not in_passage:
        return {sid: extract_text(text, as_of=as_of) for sid, text in texts.items()}
    out: dict[str, list[Claim]] = {sid: [] for sid in texts}
    # claims quote the cleaned text ("m³" read as "m"), so sentences are found in it; a
    # sentence without an end mark (a headline, "…, says Tea Board") ends where the gold
    # list ends it, as the line break of its page does, not in the next sentence
    cleaned = {
        sid: _ended(" ".join(p.text for p in text_paragraphs(t))) for sid, t in texts.items()
    }
    bounds, offset = [], 0
    for sid, text in cleaned.items():
        bounds.append((offset, offset + len(text), sid))
        offset += len(text) + 1
    passage = " ".join(cleaned.values())
    for claim in extract_text(passage, as_of=as_of):
        at = passage.find(claim.sentence)
        owner = next((sid for lo, hi, sid in bounds if lo <= at < hi), None)
        if owner is not None:
            out[owner].append(claim)
    return out


def score_extraction(path: Path, *, in_passage: bool = False) -> ExtractionScore:
    """How many of the gold figures in ``path`` the extractor gets right, each sentence
    read alone or (``in_passage``) with the sentences written from the same page."""
    with path.open(encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    by_sentence: dict[str, list[dict[str, str]]] = {}
    for r in rows:
        by_sentence.setdefault(r["sentence_id"], []).append(r)
    score = ExtractionScore(gold=len(rows))
    extracted: dict[str, list[Claim]] = {}
    for run in passages(by_sentence):
        texts = {sid: by_sentence[sid][0]["text"] for sid in run}
        dated = by_sentence[run[0]][0].get("document_date")
        as_of = DocumentDate.parse(dated) if dated else None
        extracted.update(_claims_by_sentence(texts, in_passage=in_passage, as_of=as_of))
    for sid, gold in by_sentence.items():
        left = extracted[sid]
        written = years_written(gold[0]["text"])
        score.extracted += len(left)
        for g in gold:
            year = int(g["year"]) if g["year"] else None
            readable = year is None or year in written
            score.stated += readable
            match = next(
                (c for c in left if c.unit == g["unit"] and c.year == year
                 and math.isclose(c.value, float(g["value"]), rel_tol=1e-3)),
                None,
            )  # fmt: skip
            if match is None:
                score.misses.append(f"{g['quote']!r} {g['value']} {g['unit']} {g['year']}")
                continue
            score.right += 1
            score.right_stated += readable
            left.remove(match)
    return score
