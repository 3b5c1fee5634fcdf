"""The evidence brief: each answer is the underlying call's number, and gaps are explained."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

import asymmetry
from asymmetry.brief.build import Brief, build_brief, default_documents
from asymmetry.brief.render import render_html, render_json, render_markdown, write_brief
from asymmetry.cli import app
from asymmetry.metrics.io_exposure import io_exposure
from asymmetry.metrics.profile import profile
from asymmetry.metrics.relief import relief
from asymmetry.store.ingest_tidy import ingest_table
from asymmetry.store.store import Store
from tests.test_relief_replacement import FLOWS
from tests.test_report import EXACT, external_loads

KEYS = ["dependence", "flows", "substitutes", "leverage", "replacement", "relief", "claims"]


@pytest.fixture(scope="module")
def ru_cn(default_store_file: Path, seeds: Path) -> Iterator[tuple[Store, Brief]]:
    papers = sorted(seeds.glob("*.txt"))
    with asymmetry.open(default_store_file, read_only=True) as store:
        yield store, build_brief(store, "RUS", "CHN", claims=papers, draws=50)


def test_seven_sections_in_order(ru_cn: tuple[Store, Brief]) -> None:
    _, brief = ru_cn
    assert [s.key for s in brief.sections] == KEYS
    assert brief.warnings == []  # official aggregates and ICIO: whole years
    for s in brief.sections:
        assert (s.answer is None) == (s.skipped is not None), s.key
        if s.answer:
            assert s.caveat and s.sources, s.key


def test_dependence_numbers_are_the_engines(ru_cn: tuple[Store, Brief]) -> None:
    store, brief = ru_cn
    s = brief.section("dependence")
    assert s.numbers["shares"] == pytest.approx(profile(store, "RUS", "CHN").shares, rel=EXACT)
    exposure = io_exposure(store, "RUS", on="CHN").summary
    assert s.numbers["value_added"]["a_on_b"] == pytest.approx(exposure, rel=EXACT)
    assert f"{exposure['foreign_value_added_share']:.1%}" in (s.answer or "")


def test_crude_share_by_hand_from_the_aggregates(ru_cn: tuple[Store, Brief]) -> None:
    """On official aggregates, Q2 names only what the figures give: crude oil's value over
    Russia's exports to China, both China GAC 2023 (USD 60.6 bn / 129.14 bn, by hand)."""
    _, brief = ru_cn
    answer = brief.section("flows").answer or ""
    assert f"{60.6 / 129.14:.1%}" in answer and "crude oil alone" in answer
    assert "fetch baci" in answer  # where the full composition comes from


def test_fuels_share_by_hand_from_the_icio_table(default_store_file: Path) -> None:
    """A pair without official aggregates answers Q2 on ICIO sectors (USA-MEX)."""
    with asymmetry.open(default_store_file, read_only=True) as store:
        fuels = store.scalar(
            """SELECT sum(value_usd) FILTER (WHERE seller_sector IN ('B05', 'B06', 'C19'))
                      / sum(value_usd)
               FROM io_trade WHERE seller_country = 'MEX' AND buyer_country = 'USA'"""
        )
        brief = build_brief(store, "MEX", "USA", claims=[], draws=20)
    assert brief.report.headline.source == "icio"
    got = brief.group_shares["2022"]["a_to_b"]["fuels"]
    assert got == pytest.approx(fuels, rel=1e-9)
    assert f"{fuels:.1%}" in (brief.section("flows").answer or "")


def test_substitutes_never_name_a_hardest_item_when_none_is_scarce(
    ru_cn: tuple[Store, Brief],
) -> None:
    answer = ru_cn[1].section("substitutes").answer or ""
    assert answer.startswith("ICIO sectors only, not products")
    assert "hardest" not in answer and "is scarce by this measure" in answer


def test_leverage_and_replacement(ru_cn: tuple[Store, Brief]) -> None:
    _, brief = ru_cn
    ranked = brief.section("leverage").numbers["ranked"]
    battery = brief.report.levers["b_over_a"]
    assert [r["lever"] for r in ranked] == [i.key for i in battery.items]
    assert ranked[0]["cost_target_usd"] == battery.items[0].result.cost_target_usd
    replacement = brief.section("replacement")
    # 175-180 bcm to Europe at the peak less the 38 bcm built (Power of Siberia);
    # Power of Siberia 2 (50 bcm) is planned and was once counted as built.
    assert replacement.numbers["gap_bcm"] == {"value": 139.5, "low": 137.0, "high": 142.0}
    answer = replacement.answer or ""
    assert "in service (Power of Siberia) carry at most 38 bcm" in answer
    assert "gap of 137-142 bcm" in answer
    assert "not yet built (Power of Siberia 2, 50 bcm) would narrow it to 87-92 bcm" in answer


def test_replacement_does_not_apply_without_gas(default_store_file: Path, tmp_path: Path) -> None:
    """`brief DEU CHN` asked Russia's gas question of Germany."""
    import shutil

    shutil.copy(default_store_file, tmp_path / "s.duckdb")
    with asymmetry.open(tmp_path / "s.duckdb") as store:
        brief = build_brief(store, "DEU", "CHN", claims=[], draws=10)
    skipped = brief.section("replacement").skipped or ""
    assert "does not apply" in skipped and "Germany's largest export to China is" in skipped


def test_relief_and_claims_sections(ru_cn: tuple[Store, Brief]) -> None:
    store, brief = ru_cn
    assert "no goods flows" in (brief.section("relief").skipped or "")
    claims = brief.section("claims")
    expected = asymmetry.check_claims(store, brief.documents)
    assert claims.numbers["counts"] == expected.counts()
    assert claims.numbers["counts"]["discrepant"] >= 1
    # the wrong figure named first is about the pair's trade, refuted by an agency
    assert '"36.5%" against 38.9%' in (claims.answer or "")
    assert "e+" not in (claims.answer or "")  # a reference as people read it
    assert (
        claims.numbers["coverage"]["with_verdict"]
        == sum(expected.counts().values()) - (expected.counts()["unverifiable"])
    )


def test_rendered_brief(ru_cn: tuple[Store, Brief], tmp_path: Path) -> None:
    _, brief = ru_cn
    html = render_html(brief)
    assert external_loads(html) == []
    assert html.count('data-testid="section-') == 7
    assert 'id="chart-replacement"' in html
    md = render_markdown(brief)
    assert "## 5. Can China replace Russia's lost market?" in md
    data = json.loads(render_json(brief))
    assert [s["key"] for s in data["sections"]] == KEYS
    assert write_brief(brief, tmp_path / "b.md").read_text(encoding="utf-8") == md


@pytest.fixture
def break_store(empty_store: Store, tmp_path: Path) -> Store:
    path = tmp_path / "flows.csv"
    path.write_text(FLOWS)
    ingest_table(empty_store, path, hs_revision="HS17")
    return empty_store


@pytest.mark.parametrize("restored", [0.0, 1.0])
def test_relief_section_on_goods_flows(break_store: Store, restored: float) -> None:
    brief = build_brief(
        break_store, "RUS", "CHN", claims=[], restored=restored, before_year=2021, draws=20
    )
    section = brief.section("relief")
    expected = relief(break_store, "RUS", "CHN", restored=restored, before_year=2021)
    assert section.numbers["shares_relief"] == pytest.approx(expected.shares_relief)
    if restored == 0.0:  # nothing restored: today's shares
        assert section.numbers["shares_relief"] == pytest.approx(section.numbers["shares_now"])
    else:  # Germany back at its 2021 level (by hand in test_relief_replacement)
        assert section.numbers["shares_relief"]["b_in_a_imports"] == pytest.approx(90 / 200)
    # No ICIO network and no gas facts in this store: those parts say why.
    assert "pipeline_gas_exports" in (brief.section("replacement").skipped or "")
    assert "exposure_a_on_b" in brief.report.skipped
    assert brief.section("claims").skipped


def test_seed_papers_are_the_default_only_for_their_pair(
    seeds: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("ASYMMETRY_SEEDS", str(seeds))
    assert len(default_documents("RUS", "CHN")) == 2
    assert default_documents("DEU", "CHN") == []
    monkeypatch.setenv("ASYMMETRY_SEEDS", str(seeds / "missing"))
    assert default_documents("RUS", "CHN") == []


def test_cli_brief(store_env: Path, tmp_path: Path) -> None:
    target = tmp_path / "brief.html"
    result = CliRunner().invoke(
        app, ["brief", "RUS", "CHN", "--no-claims", "--draws", "20", "-o", str(target)]
    )
    assert result.exit_code == 0, result.output
    assert "1. How dependent is Russia on China" in result.output
    assert "87-92 bcm" in result.output
    assert external_loads(target.read_text(encoding="utf-8")) == []


def test_a_brief_on_a_slice_warns_once_for_every_year_it_reads(
    default_store: Store, slice_table: Path
) -> None:
    ingest_table(default_store, slice_table, hs_revision="HS17")
    brief = build_brief(default_store, "KOR", "CHN", claims=[], draws=20)
    assert len(brief.warnings) == 2  # products and countries, over the years read
    assert "table:slice holds 4 product code(s) for 2020-2023" in brief.warnings[0]
    assert json.loads(render_json(brief))["warnings"] == brief.warnings
    assert render_markdown(brief).count("**Warning:** coverage:") == 2
    html = render_html(brief)  # its parallel-imports table named a missing column
    assert html.count('data-testid="coverage-warning"') >= 2
    assert brief.screen is not None and not brief.screen.table.empty
