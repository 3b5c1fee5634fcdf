"""Claims verification, reading and the `claims` command."""

from __future__ import annotations

import json
import math
from pathlib import Path

import pytest
from typer.testing import CliRunner

from asymmetry.claims import check_claims, check_text, read_document
from asymmetry.claims.consistency import check_consistency
from asymmetry.claims.extract import extract_text
from asymmetry.claims.tolerance import interval
from asymmetry.cli import app
from asymmetry.errors import DocumentError
from asymmetry.store import flow_tables
from asymmetry.store.ingest_flows import refresh_flow_pairs
from asymmetry.store.store import Store

AMBASSADOR = (
    "Russia's ambassador to China stated that bilateral trade was reaching $107 billion. "
    "He claimed that 25 percent of reciprocal trade was being conducted in national currencies "
    "in 2020."
)


def test_tolerance_follows_the_written_precision() -> None:
    lo, hi = interval(36.5, decimals=1)
    assert lo < 36.45 and hi > 36.55 and hi - lo < 2  # a tenth written: tight
    lo4, hi4 = interval(4, hedge="just over")
    assert lo4 < 4 < hi4 and hi4 > 4.6 and lo4 > 3.4  # "just over 4%" is not 3%
    assert interval(15, hedge="less than", unit="percent")[0] == 0.0
    assert math.isinf(interval(90, hedge="more than")[1])


def test_the_ambassadors_25_percent_names_every_reference(default_store: Store) -> None:
    """Atlantic Council (2021), sec. 3.6 computes $3.3bn of $107bn = 3% for 2020 against the
    ambassador's 25%; the ambassador's own statement (TASS) says 25%, China's ambassador that
    the yuan alone settled 17.5%. Each is shown; the official statement outranks the paper."""
    report = check_text(default_store, AMBASSADOR)
    (share,) = [c for c in report.checked if c.claim.unit == "percent"]
    assert share.verdict == "consistent" and share.reference is not None
    assert "Denisov" in share.reference.source and share.reference.tier == 2
    ratio = [r for r in share.others if r.how == "USD 3.3 bn / USD 107 bn"]
    assert len(ratio) == 1 and ratio[0].value == pytest.approx(100 * 3.3 / 107)
    assert "discrepant with 3.1%" in share.reason and "Decided by" in share.reason
    yuan = [r for r in share.others if r.bound == "lower"]
    assert yuan and yuan[0].value == pytest.approx(17.5)  # the yuan alone: a lower bound


def test_a_documents_own_figures_never_decide(default_store: Store, seeds: Path) -> None:
    """On the paper itself its 3.3/107 is its own arithmetic: shown, never counted."""
    report = check_claims(default_store, [seeds / "atlantic-council-2021-axis-of-collusion.txt"])
    (share,) = [c for c in report.checked if c.claim.quote == "25 percent"
                and "Denisov claimed" in c.claim.sentence]  # fmt: skip
    assert share.reference is not None and share.reference.independent
    assert all(r.how != "USD 3.3 bn / USD 107 bn" for r in share.others if r.independent)
    assert "USD 3.3 bn / USD 107 bn" not in share.reason.split("not counted")[0]


def test_turnover_is_checked_against_an_independent_source(default_store: Store) -> None:
    report = check_text(default_store, "Sino-Russian trade turnover was $147 billion in 2021.")
    (c,) = report.checked
    assert c.verdict == "consistent" and c.reference is not None
    assert "GAC" in c.reference.source  # China customs, not the paper quoting itself
    off = check_text(default_store, "Sino-Russian trade turnover was $120 billion in 2021.")
    assert off.checked[0].verdict == "discrepant"


def test_a_figure_with_no_data_is_unverifiable_with_a_reason(default_store: Store) -> None:
    (c,) = check_text(default_store, "Russia's imports from Chile were $3 billion in 1997.").checked
    assert c.verdict == "unverifiable" and c.reason


def test_claims_on_goods_shares_are_computed_from_flows(default_store: Store) -> None:
    flows = [("RUS", "CHN", 40.0), ("DEU", "CHN", 60.0), ("CHN", "RUS", 10.0), ("CHN", "USA", 90.0)]
    with default_store.transaction() as con:
        table = flow_tables.create(con, "test", "HS17")
        for x, y, v in flows:
            con.execute(
                f"INSERT INTO {table} (year, exporter, importer, product, value_usd) "
                "VALUES (2019, ?, ?, '270900', ?)",
                [x, y, v],
            )
        refresh_flow_pairs(con, "test")  # what every ingest does
    text = "In 2019, Russia made up 40% of China's imports."
    (c,) = check_text(default_store, text).checked
    assert c.verdict == "consistent" and c.reference is not None
    assert c.reference.value == pytest.approx(40.0)  # 40 of China's 100 imports, by hand
    (wrong,) = check_text(default_store, text.replace("40%", "25%")).checked
    assert wrong.verdict == "discrepant"


def test_internal_consistency() -> None:
    claims = extract_text(
        "Investment has decreased by 250 percent since 2014.\n\n"
        "It fell from $2.28 billion to $480 million, a fivefold drop.\n\n"
        "It rose from $10 billion to $12 billion, an increase of 50%."
    )
    kinds = sorted(i.kind for i in check_consistency(claims))
    # 250% decrease is impossible; 2.28 -> 0.48 is 4.75x (fivefold: fine); 10 -> 12 is 20%, not 50%
    assert kinds == ["change", "impossible-decrease"]


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "empty"),
        (b"\x00\x01\x02binary\x00" * 50, "binary"),
        (b"%PDF-1.4\n%\xe2\xe3\n1 0 obj garbage", "PDF"),
    ],
)
def test_bad_documents_get_a_clear_error(tmp_path: Path, content: bytes, message: str) -> None:
    path = tmp_path / "doc.pdf" if content.startswith(b"%PDF") else tmp_path / "doc.txt"
    path.write_bytes(content)
    with pytest.raises(DocumentError, match=message) as err:
        list(read_document(path).paragraphs())
    assert str(path) in str(err.value)


def test_a_pdf_without_text_layer_says_so(tmp_path: Path) -> None:
    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    path = tmp_path / "scan.pdf"
    with path.open("wb") as fh:
        writer.write(fh)
    with pytest.raises(DocumentError, match="no text layer"):
        read_document(path)


def _pdf_with_text(path: Path, lines: list[str]) -> None:
    """A minimal one-page PDF with a real text layer (Helvetica), written by hand."""
    ops = "".join(f"BT /F1 11 Tf 50 {780 - 16 * i} Td ({t}) Tj ET\n" for i, t in enumerate(lines))
    objects = [
        "<< /Type /Catalog /Pages 2 0 R >>",
        "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R "
        "/Resources << /Font << /F1 5 0 R >> >> >>",
        f"<< /Length {len(ops)} >>\nstream\n{ops}endstream",
        "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out, offsets = "%PDF-1.4\n", []
    for i, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += f"{i} 0 obj\n{body}\nendobj\n"
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n"
    out += "".join(f"{o:010d} 00000 n \n" for o in offsets)
    out += f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n"
    path.write_bytes(out.encode("latin-1"))


def test_pdf_html_markdown_and_cp1252_are_read(tmp_path: Path, default_store: Store) -> None:
    pdf = tmp_path / "paper.pdf"
    _pdf_with_text(pdf, ["Sino-Russian trade turnover was $147 billion in 2021."])
    html = tmp_path / "paper.html"
    html.write_text(
        "<html><body><nav>Menu 2024</nav><p>Gas exports to China reached 15.4 bcm in 2022"
        "<sup>3</sup>.</p><div class='footnotes'><p>3 Reuters, 12% of 2023.</p></div></body></html>"
    )
    md = tmp_path / "paper.md"
    md.write_text("# Trade\n\nRussia made up **just over 4%** of China's trade in 2023.[^1]\n\n"
                  "[^1]: Kluge, 2024, 10% of page.\n")  # fmt: skip
    latin = tmp_path / "latin.txt"
    latin.write_bytes("Trade turnover reached $190 billion in 2022 – a record.".encode("cp1252"))
    report = check_claims(default_store, [pdf, html, md, latin])
    quotes = [(c.claim.document, c.claim.quote) for c in report.checked]
    assert quotes == [
        ("paper.pdf", "$147 billion"),
        ("paper.html", "15.4 bcm"),
        ("paper.md", "4%"),
        ("latin.txt", "$190 billion"),
    ]


@pytest.mark.slow
def test_a_long_document_streams(tmp_path: Path) -> None:
    """A 100-page report (~350 KB): paragraphs are produced lazily, claims in reading order."""
    para = "In 2021, Russia exported 1.59 mb/d of crude oil to China, about 45% of the total. "
    path = tmp_path / "long.txt"
    path.write_text("\n\n".join(para * 4 for _ in range(1000)))
    doc = read_document(path)
    first = next(iter(doc.paragraphs()))
    assert "1.59 mb/d" in first.text
    from asymmetry.claims import extract_claims
    from asymmetry.claims.limits import Budget, Limits

    whole = Budget(Limits(max_chars=10**7, max_claims=10**6, max_seconds=3600))
    assert sum(1 for _ in extract_claims(doc, budget=whole)) == 1000 * 4 * 2
    assert not whole.notes


runner = CliRunner()


WRONG_TURNOVER = "Sino-Russian trade turnover was $120 billion in 2021."


def test_cli_json_has_the_documented_keys(store_env: Path, tmp_path: Path) -> None:
    doc = tmp_path / "turnover.txt"
    doc.write_text(WRONG_TURNOVER + " Bilateral trade was $3 billion in 1997.")
    result = runner.invoke(app, ["claims", str(doc), "--format", "json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    claim = data["claims"][0]
    keys = {"quote", "value", "value_text", "unit", "year", "period", "subject", "verdict",
            "reason", "kind", "remedy", "reference", "reference_text", "others"}  # fmt: skip
    assert keys <= set(claim)
    assert claim["verdict"] == "discrepant" and {"value", "source", "period"} <= set(
        claim["reference"]
    )
    assert claim["value_text"] == "USD 120 bn" and claim["reference_text"] == "USD 146.9 bn"
    coverage = data["coverage"]
    assert coverage["claims"] == 2 and coverage["with_verdict"] == 1
    (why,) = coverage["unverifiable"]
    assert why["count"] == 1 and why["about"] == [{"what": "trade turnover in 1997", "count": 1}]


def test_cli_html_is_self_contained(store_env: Path, tmp_path: Path) -> None:
    doc = tmp_path / "turnover.txt"
    doc.write_text(WRONG_TURNOVER)
    out = tmp_path / "claims.html"
    result = runner.invoke(app, ["claims", str(doc), "--format", "html", "-o", str(out)])
    assert result.exit_code == 0, result.output
    html = out.read_text()
    assert '<mark class="discrepant"' in html and "http" not in html
    # the reason and the reference stand beside the claim, not only in a tooltip
    assert 'id="note-1"' in html and "USD 146.9 bn (China GAC" in html
    assert "1.2e+11" not in html and "1.47e+11" not in html and "USD 120 bn" in html


def test_cli_bad_file_is_one_line_exit_2(store_env: Path, tmp_path: Path) -> None:
    empty = tmp_path / "empty.txt"
    empty.write_text("")
    result = runner.invoke(app, ["claims", str(empty)])
    assert result.exit_code == 2 and "empty" in result.output
    assert "Traceback" not in result.output


def test_seed_papers_end_to_end(store_env: Path, seeds: Path) -> None:
    result = runner.invoke(app, ["claims", *map(str, sorted(seeds.glob("*.txt"))), "-f", "json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert len(data["claims"]) >= 100 and all(c["verdict"] for c in data["claims"])
    ambassador = [c for c in data["claims"] if "25 percent of reciprocal trade" in c["sentence"]]
    (share,) = [c for c in ambassador if c["value"] == 25]
    assert share["verdict"] == "consistent" and share["year"] == 2020  # said in March 2021
    assert "Denisov" in share["reference"]["source"] and share["reference"]["independent"]
    assert data["coverage"]["with_verdict"] >= len(data["claims"]) / 4


def test_html_notes_are_skipped_whole_however_nested(tmp_path: Path) -> None:
    page = tmp_path / "nested.html"
    page.write_text(
        "<html><body><p>Gas exports reached 15.4 bcm in 2022.<br></p>"
        "<div class='footnotes'><div><p>Note: 5% in 2023.</p></div><p>Also 6% in 2021.</p>"
        "<img src='x.png'></div><p>Oil was 2.14 mb/d in 2023.</p></body></html>"
    )
    texts = [p.text for p in read_document(page).paragraphs()]
    assert texts == ["Gas exports reached 15.4 bcm in 2022.", "Oil was 2.14 mb/d in 2023."]
