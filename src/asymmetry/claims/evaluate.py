"""Score the extractor against a gold list of sentences (`tests/reference/claims_*.csv`).

A gold row is one figure of a sentence: `sentence_id, text, quote, value, unit, year,
period`. A figure is right when an extracted claim of its sentence has the same unit and
year and the value within 0.1%; each claim is matched once. Used by the accuracy test and
`benchmarks/claims_accuracy.py`, so both count the same way.
"""

from __future__ import annotations

import csv
import math
import re
from dataclasses import dataclass, field
from pathlib import Path

from asymmetry.claims.extract import extract_text


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


def score_extraction(path: Path) -> ExtractionScore:
    """How many of the gold figures in ``path`` the extractor gets right."""
    with path.open(encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    by_sentence: dict[str, list[dict[str, str]]] = {}
    for r in rows:
        by_sentence.setdefault(r["sentence_id"], []).append(r)
    score = ExtractionScore(gold=len(rows))
    for gold in by_sentence.values():
        left = extract_text(gold[0]["text"])
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
