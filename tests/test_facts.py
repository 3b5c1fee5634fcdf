"""Packaged facts: every paper figure is quoted verbatim from its seed paper."""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd
import pytest

from asymmetry.errors import IngestError
from asymmetry.store.ingest_facts import ingest_facts, packaged_facts_path, read_facts
from asymmetry.store.store import Store
from tests.conftest import snapshot

PAPERS = {
    "Clingendael": "clingendael-2024-chinese-tributary.txt",
    "Atlantic Council": "atlantic-council-2021-axis-of-collusion.txt",
}


def _normalise(text: str) -> str:
    text = text.replace("\\$", "$").replace("\u2019", "'").replace("\u2013", "-")
    return re.sub(r"\s+", " ", text)


def test_every_paper_quote_is_in_its_paper(seeds: Path) -> None:
    facts = read_facts(packaged_facts_path())
    checked = 0
    for prefix, name in PAPERS.items():
        text = _normalise((seeds / name).read_text(encoding="utf-8"))
        rows = facts[facts["source"].str.startswith(prefix)]
        assert len(rows) > 10
        for row in rows.itertuples():
            assert isinstance(row.quote, str) and _normalise(row.quote) in text, row.quote
            assert len(row.quote.split()) <= 14  # a quote carries the figure, not prose
            checked += 1
    assert checked > 50


def test_every_quoted_figure_carries_its_value() -> None:
    facts = read_facts(packaged_facts_path())
    words = {"three-fourths": 75, "a fifth": 20, "one-half of 1 percent": 0.5}
    for row in facts.dropna(subset=["quote"]).itertuples():
        numbers = {float(n.replace(",", "")) for n in re.findall(r"\d[\d,]*\.?\d*", row.quote)}
        numbers |= {v for w, v in words.items() if w in row.quote}
        candidates = {row.value, row.low, row.high} - {None}
        assert any(
            c in numbers or c * 1000 in numbers or c / 1000 in numbers
            for c in candidates
            if not pd.isna(c)
        ), (row.quote, row.value)


def test_the_reference_file_is_in_the_package(shared_data: Path) -> None:
    reference = pd.read_csv(shared_data / "facts" / "reference_values_russia_china.csv")
    facts = read_facts(packaged_facts_path())
    from_ref = facts[facts["locator"] == "reference_values_russia_china.csv"]
    assert len(from_ref) == len(reference) == 27
    assert sorted(from_ref["value"]) == sorted(reference["value"])


def test_default_store_holds_the_headline_facts(default_store: Store) -> None:
    q = (
        "SELECT value FROM facts WHERE indicator = ? AND country = ? AND partner = ? "
        "AND year = ? AND source LIKE ?"
    )
    assert (
        default_store.scalar(q, ["partner_share_of_imports", "RUS", "CHN", 2023, "Clingendael%"])
        == 36.5
    )
    assert (
        default_store.scalar(q, ["national_currency_settlement", "CHN", "RUS", 2020, "Atlantic%"])
        == 3.3
    )


def test_reference_layout_ingests(empty_store: Store, shared_data: Path) -> None:
    report = ingest_facts(empty_store, shared_data / "facts" / "reference_values_russia_china.csv")
    assert report.rows == 27
    assert (
        ingest_facts(
            empty_store, shared_data / "facts" / "reference_values_russia_china.csv"
        ).status
        == "unchanged"
    )


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ("indicator,value,unit\nx,1,USD\n", "field 'source': missing column"),
        ("indicator,value,unit,source\nx,abc,USD,me\n", "line 2, field 'value': not a number"),
        ("indicator,value,unit,source\nx,,USD,me\n", "line 2, field 'value': missing value"),
        (
            "indicator,value,unit,source,country\nx,1,USD,me,RUS\ny,1,USD,me,Atlantis\n",
            "line 3, field 'country': unknown country",
        ),
        ("indicator,value,unit,source,year\nx,1,USD,me,20x2\n", "line 2, field 'year'"),
    ],
)
def test_bad_facts(empty_store: Store, tmp_path: Path, body: str, message: str) -> None:
    path = tmp_path / "facts.csv"
    path.write_text(body)
    before = snapshot(empty_store)
    with pytest.raises(IngestError, match=re.escape(message)):
        ingest_facts(empty_store, path)
    assert snapshot(empty_store) == before
