"""Verdict accuracy against our own gold lists (tests/reference/), printed and asserted.

`claims_verdicts.csv` annotates every claim the two seed papers make: whether the store
holds an independent figure for the same quantity and period (`checkable`), and if so
the right verdict and the reference that decides it (reviewed by hand, one by one; the
`note` says which source rows give the value). `claims_written_verdicts.csv` are sentences
we wrote from news reports of official statistics, each with its verdict.
`claims_heldout2.csv` is a set of sentences written by someone who had not seen the
extractor; extraction recall on it must stay at or above 0.9.
"""

from __future__ import annotations

import csv
import math
from pathlib import Path

import pytest

from asymmetry.claims import check_claims, check_text
from asymmetry.claims.evaluate import score_extraction
from asymmetry.store.store import Store

REFERENCE = Path(__file__).parent / "reference"


def _rows(name: str) -> list[dict[str, str]]:
    with (REFERENCE / name).open(encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def test_seed_verdicts_against_the_gold_list(default_store: Store, seeds: Path) -> None:
    gold = _rows("claims_verdicts.csv")
    report = check_claims(default_store, sorted(seeds.glob("*.txt")))
    checked = list(report.checked)
    right = wrong = decided_checkable = decided_not = missed = 0
    problems = []
    for g in gold:
        c = next(
            (c for c in checked if c.claim.document == g["document"]
             and c.claim.quote == g["quote"] and c.claim.sentence.startswith(g["sentence"])),
            None,
        )  # fmt: skip
        assert c is not None, f"gold claim not extracted: {g['quote']!r} in {g['sentence']!r}"
        checked.remove(c)
        has = c.verdict != "unverifiable"
        if g["checkable"] == "yes":
            if not has:
                missed += 1
                problems.append(f"no verdict: {g['quote']!r} ({c.reason[:80]})")
                continue
            decided_checkable += 1
            ok = (
                c.verdict == g["verdict"]
                and c.reference is not None
                and math.isclose(c.reference.value, float(g["reference_value"]), rel_tol=5e-3)
            )
            ok = ok and g["reference_source"] in c.reference.source
            right += ok
            wrong += not ok
            if not ok:
                problems.append(f"wrong: {g['quote']!r} {c.verdict} {c.reason[:100]}")
        elif has:
            decided_not += 1
            problems.append(f"verdict on an uncheckable claim: {g['quote']!r} {c.verdict}")
    checkable = sum(g["checkable"] == "yes" for g in gold)
    decided = decided_checkable + decided_not
    print(
        f"\nseed verdicts: {len(gold)} claims, {checkable} checkable, {decided} with a verdict; "
        f"verdict precision {right / max(decided, 1):.1%}, recall {right / max(checkable, 1):.1%}; "
        f"has-a-verdict precision {decided_checkable / max(decided, 1):.1%}, "
        f"recall {decided_checkable / max(checkable, 1):.1%}"
    )
    for p in problems:
        print("  ", p)
    assert right == checkable and wrong == 0 and decided_not == 0 and missed == 0
    assert decided >= len(gold) / 3  # a third of the papers' claims get an independent verdict


@pytest.mark.parametrize("row", _rows("claims_written_verdicts.csv"), ids=lambda r: r["quote"])
def test_written_sentences_get_the_right_verdict(default_store: Store, row: dict[str, str]) -> None:
    (c,) = [
        c for c in check_text(default_store, row["text"]).checked if c.claim.quote == row["quote"]
    ]
    assert c.verdict == row["verdict"], c.reason
    assert c.reference is not None and row["reference_source"] in c.reference.source, c.reason
    assert c.reference.value == pytest.approx(float(row["reference_value"]), rel=5e-3)


@pytest.mark.parametrize(
    ("name", "floor"),
    [
        ("claims_dev.csv", 0.97),
        ("claims_heldout.csv", 0.91),
        ("claims_heldout2.csv", 0.92),
        ("claims_heldout3.csv", 0.89),
        ("claims_heldout4.csv", 0.92),
        ("claims_heldout5.csv", 0.83),
        ("claims_heldout6.csv", 0.90),
        ("claims_heldout7.csv", 0.94),
        ("claims_heldout8.csv", 0.88),
        ("claims_heldout9.csv", 0.87),
        ("claims_heldout10.csv", 0.95),
        ("claims_heldout11.csv", 0.93),
        ("claims_heldout12.csv", 0.79),
        ("claims_heldout13.csv", 0.90),
        ("claims_heldout14.csv", 0.86),
        ("claims_heldout15.csv", 0.89),
        # one sentence per id: measured read in passage (the sentence before gives the year)
        ("claims_heldout16.csv", 0.93),
        ("claims_heldout17.csv", 0.95),
        ("claims_heldout18.csv", 0.91),
        ("claims_heldout19.csv", 0.75),
        ("claims_heldout20.csv", 0.72),
        ("claims_heldout21.csv", 0.81),
        ("claims_heldout22.csv", 0.82),
    ],
)
def test_extraction_recall_on_sentences_from_other_sources(name: str, floor: float) -> None:
    """Value, unit and year right, on sentences written from news reports by people who had
    not seen the extractor. Each set was held out until measured once, then tuned on (by
    kinds of miss, not by sentence): `claims_dev.csv` from the start; `claims_heldout.csv`
    first measured 84.3%; `claims_heldout2.csv` 78.4%; `claims_heldout3.csv` 76.3%;
    `claims_heldout4.csv` 82.4%; `claims_heldout5.csv` 76.6%; `claims_heldout6.csv` 77.9%;
    `claims_heldout7.csv` 87.4%; `claims_heldout8.csv` 84.6%; `claims_heldout9.csv` 78.9%;
    `claims_heldout10.csv` 75.7%; `claims_heldout11.csv` 86.0%;
    `claims_heldout12.csv` 76.6% (76.9% after tuning on heldout11, which it did not see);
    `claims_heldout13.csv` 72.7% (86.7% after money in any CLDR currency and its kinds);
    `claims_heldout14.csv` 79.6% (74.9% on the rules before heldout13's round);
    `claims_heldout15.csv` 86.4%, not tuned on (74.6% on the rules before those two rounds);
    `claims_heldout16.csv` 83.7% and `claims_heldout17.csv` 90.9% (after tuning on 15 and
    16), and `claims_heldout18.csv` 89.3% (not tuned on), all read in passage: these sets
    hold one sentence per id, so a sentence alone lacks the year or country the sentence
    before gave, and the passage is their measure. `claims_heldout19.csv` 44.8% in passage:
    sentences copied verbatim from the pages, where 157 of 426 figures have a year only the
    page's date gives ("in June", "last year"); 70.3% of the other 269. With the pages'
    dates (`document_date`, found for 30 of its 65 pages, given as `--as-of`): 64.8%
    (75.6% of the 205 figures on dated pages, 54.8% of the 221 on the others); 67.6% once
    tuned on it ("last year" counts from the date, "in 11 months of 2022", "lakh crore").
    `claims_heldout20.csv` 55.0% in passage, verbatim with its pages' dates, not tuned on;
    68.7% once tuned on it (a comparison's base dates only itself, "SA" and its rand, a
    decimal comma, the rate a story converts at). `claims_heldout21.csv` 64.3% in passage,
    verbatim with its pages' dates, not tuned on (70.6% on its dated pages); 65.5% after a
    first round on it ("to reach" a level, barrels a day called "daily").
    `claims_heldout22.csv` 72.5% in passage (41.7% alone), verbatim from 43 pages with 31
    pages' dates, written by a helper who saw neither the extractor nor its rules and
    measured once on 51a8798, after the round on heldout21 and before any on it (81.6% on
    its dated pages, 48.8% on the others); 82.9% after a round on it and 21 (a base "the
    same period of 2023" dates the span before it 2024, a page's lead is its latest data,
    "the last fiscal", seasons in progress, prices "a tonne … fetched").
    The floors keep what tuning reached from eroding; first measures are in RESULTS.md."""
    if not (REFERENCE / name).exists():
        pytest.skip(f"{name} not present")
    score = score_extraction(REFERENCE / name)
    passage = score_extraction(REFERENCE / name, in_passage=True)
    print(f"\n{name}: {score.right} of {score.gold} figures right (recall {score.recall:.1%}; "
          f"read in passage {passage.recall:.1%})")  # fmt: skip
    for m in score.misses:
        print("   missed:", m)
    one_sentence_ids = name in (
        "claims_heldout16.csv",
        "claims_heldout17.csv",
        "claims_heldout18.csv",
        "claims_heldout19.csv",
        "claims_heldout20.csv",
        "claims_heldout21.csv",
        "claims_heldout22.csv",
    )
    assert (passage if one_sentence_ids else score).recall >= floor


def test_in_passage_a_sentence_without_an_end_mark_keeps_its_own_figures() -> None:
    """A headline or "…, says Tea Board" has no full stop; read in passage it ran into the
    next sentence, whose figures were then counted against the headline (all missed)."""
    from asymmetry.claims.evaluate import _claims_by_sentence

    texts = {
        "a": "India's January-November tea exports jump 8.3%",
        "b": "Exports in the first 11 months of 2017 jumped 8.3% to 217 million kg, says Tea Board",
        "c": "India's tea exports in the first 11 months of 2017 jumped 8.3% to 217 million kg.",
    }
    found = _claims_by_sentence(texts, in_passage=True)
    assert {sid: [c.quote for c in claims] for sid, claims in found.items()} == {
        "a": ["8.3%"],
        "b": ["8.3%", "217 million kg"],
        "c": ["8.3%", "217 million kg"],
    }
