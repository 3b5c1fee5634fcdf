"""The pair report: its numbers are the engine's, its files work offline."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from html import unescape
from html.parser import HTMLParser
from pathlib import Path

import pytest
from typer.testing import CliRunner

import asymmetry
from asymmetry.cli import app
from asymmetry.errors import AsymmetryError
from asymmetry.levers.battery import lever_battery, main_export_group
from asymmetry.levers.engine import simulate
from asymmetry.metrics.io_exposure import io_exposure
from asymmetry.metrics.profile import profile
from asymmetry.report.build import Report, build_report
from asymmetry.report.render import render_html, render_json, render_markdown, write_report
from asymmetry.store.ingest_baci import ingest_baci
from asymmetry.store.store import Store
from asymmetry.synth.baci import generate_baci


@pytest.fixture(scope="module")
def default_report(default_store_file: Path) -> Iterator[tuple[Store, Report]]:
    with asymmetry.open(default_store_file, read_only=True) as store:
        yield store, build_report(store, "RUS", "CHN", draws=200)


class _Resources(HTMLParser):
    """Every URL the page would load: src/href attributes and CSS url()/@import."""

    def __init__(self) -> None:
        super().__init__()
        self.urls: list[str] = []
        self._in_style = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        loads = ("src", "href", "data", "poster", "srcset", "action")
        for name, value in attrs:
            # Links the reader may click (<a href>) are not loads.
            if name in loads and value and tag != "a":
                self.urls.append(value)
        self._in_style = tag == "style"

    def handle_data(self, data: str) -> None:
        if self._in_style:
            self.urls += re.findall(r"url\(\s*['\"]?([^'\")]+)", data)
            self.urls += re.findall(r"@import\s+['\"]([^'\"]+)", data)


def shown_value(html: str, key: str) -> float:
    """The exact value a shares-table cell carries (its data-value attribute)."""
    found = re.search(rf'data-key="{key}" data-value="([^"]+)"', html)
    assert found, key
    return float(found.group(1))


# DuckDB sums in parallel, so the last bits of a float may differ between two runs.
EXACT = 1e-12


def external_loads(html: str) -> list[str]:
    parser = _Resources()
    parser.feed(html)
    return [u for u in parser.urls if re.match(r"^(https?:)?//", u.strip())]


def test_headline_numbers_are_the_profile_numbers(default_report: tuple[Store, Report]) -> None:
    store, report = default_report
    # The lead is the best basis stored: official aggregates (customs), latest full year.
    expected = profile(store, "RUS", "CHN")
    assert expected.source == "aggregates" and expected.year == 2023
    assert report.headline.shares == pytest.approx(expected.shares, rel=EXACT)
    html = render_html(report)
    # The shares table carries the exact values; the sentence their rounding.
    for key in ("b_in_a_imports", "a_in_b_imports", "b_in_a_trade"):
        assert shown_value(html, key) == pytest.approx(expected.shares[key], rel=EXACT)
    sentence = report.headline_sentence()
    assert f"{expected.shares['b_in_a_imports']:.1%}" in sentence
    assert f"{expected.shares['a_in_b_imports']:.1%}" in sentence
    assert "customs goods trade (official aggregates)" in sentence and "2023" in sentence
    assert "China GAC" in sentence and "Russia FCS" in sentence
    # The ICIO figure stands beside it, with the reason they differ.
    icio = profile(store, "RUS", "CHN", source="icio")
    assert report.profiles[1].source == "icio"
    assert f"{icio.shares['b_in_a_imports']:.1%}" in sentence
    assert "intermediate inputs only" in sentence and "goods and services" in sentence
    assert 'id="basis-compare"' in html
    shown = re.search(r'data-testid="headline">(.*?)</p>', html)
    assert shown and unescape(shown.group(1)) == sentence


def test_html_report_loads_nothing_from_the_network(default_report: tuple[Store, Report]) -> None:
    html = render_html(default_report[1])
    assert external_loads(html) == []
    assert "<script src" not in html and "<link" not in html
    assert "Plotly.newPlot" in html  # the charting library itself is inlined
    assert html.count('class="chart"') >= 5


def test_resource_finder_sees_external_loads() -> None:
    page = (
        '<script src="https://cdn.plot.ly/x.js"></script><img src="//a.b/c.png">'
        "<style>@import 'http://x/y.css'; body{background:url(https://x/z.png)}</style>"
        '<a href="https://example.org">a link is fine</a><img src="data:image/png;base64,AA">'
    )
    assert len(external_loads(page)) == 4


def test_sections_hold_the_engine_results(default_report: tuple[Store, Report]) -> None:
    store, report = default_report
    assert set(report.levers) == {"b_over_a", "a_over_b"}
    exposure = io_exposure(store, "RUS", on="CHN")
    assert report.exposure["a_on_b"].summary == pytest.approx(exposure.summary, rel=EXACT)
    # No goods flows: the dependence tables are ICIO sectors, and say so first.
    again_deps = asymmetry.dependencies(store, "RUS", on="CHN", top=15).table
    assert report.dependencies["a_on_b"].notes
    assert 'data-testid="dependencies-basis"' in render_html(report)
    got = report.dependencies["a_on_b"].table
    assert list(got["product"]) == list(again_deps["product"])
    assert got["dependence"].to_numpy() == pytest.approx(
        again_deps["dependence"].to_numpy(), rel=EXACT
    )
    # Levers: each battery item is the simulate() result of its own scenario.
    item = report.levers["b_over_a"].items[0]
    again = simulate(store, item.scenario, draws=200)  # the ladder, as the battery reads it
    assert again.cost_target_usd == pytest.approx(item.result.cost_target_usd, rel=EXACT)
    # Cited series: the packaged facts for the pair, with their source.
    turnover = [r for r in report.cited_series if r["indicator"] == "trade_turnover"]
    assert {(r["year"], r["value"]) for r in turnover} >= {(2021, 147.0), (2023, 241.0)}
    assert set(report.skipped) == {"claims", "profile_flows"}
    assert "no goods flows" in report.skipped["profile_flows"]


def test_markdown_and_json(default_report: tuple[Store, Report]) -> None:
    _, report = default_report
    md = render_markdown(report)
    assert md.startswith("# Russia and China")
    assert report.headline_sentence() in md
    assert "## Levers" in md and "| lever |" in md
    # China's technology ban on Russia: the states restricting Russia themselves are named
    assert "Coalition, CHN stops exporting technology goods to RUS: excluded as " in md
    assert "Coalition, CHN stops exporting technology goods to RUS" in render_html(report)
    data = json.loads(render_json(report))
    assert data["headline"] == report.headline_sentence()
    assert data["profiles"][0]["shares"] == report.headline.shares
    assert data["levers"]["b_over_a"]["items"][0]["result"]["cost_target_usd"] == (
        report.levers["b_over_a"].items[0].result.cost_target_usd
    )


def test_write_report_by_suffix(default_report: tuple[Store, Report], tmp_path: Path) -> None:
    _, report = default_report
    for suffix in ("html", "md", "json"):
        path = write_report(report, tmp_path / "out" / f"r.{suffix}")
        assert path.stat().st_size > 1000
    with pytest.raises(AsymmetryError, match=r"\.html, \.md or \.json"):
        write_report(report, tmp_path / "r.pdf")
    assert not list(tmp_path.glob("r.pdf*"))


def test_battery_ranks_and_explains(default_report: tuple[Store, Report]) -> None:
    _, report = default_report
    battery = report.levers["b_over_a"]
    keys = [i.key for i in battery.items]
    assert set(keys) == {"technology", "main-export", "price", "currency", "payments"}
    # Levers the sender gains from come first, then by falling leverage ratio.
    gains = [i for i in battery.items if i.result.cost_sender_usd["median"] <= 0]
    assert battery.items[: len(gains)] == gains
    ratios = [i.result.leverage_ratio or 0 for i in battery.items[len(gains) :]]
    assert ratios == sorted(ratios, reverse=True)
    # Russia's main export to China on ICIO is fuels (crude petroleum, sector B06).
    assert "fuels" in next(i.title for i in battery.items if i.key == "main-export")
    # China holds no cited rouble position: that lever is skipped, with the reason.
    reverse = report.levers["a_over_b"]
    assert "currency" in reverse.skipped and "holdings" in reverse.skipped["currency"]


def test_battery_uses_given_holdings(default_store_file: Path) -> None:
    with asymmetry.open(default_store_file, read_only=True) as store:
        battery = lever_battery(store, "RUS", "CHN", draws=50, holdings=10e9)
        currency = next(i for i in battery.items if i.key == "currency")
        # A 5-15% fall on 10 bn held: the target loses 0.5-1.5 bn, the sender gains it.
        assert 0.5e9 <= currency.result.cost_target_usd["median"] <= 1.5e9
        assert main_export_group(store, "CHN", "RUS", source="icio") == "electrical"


@pytest.fixture(scope="module")
def baci_store(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Store]:
    """Two synthetic BACI years in a store without the ICIO defaults."""
    root = tmp_path_factory.mktemp("baci")
    store = asymmetry.open(root / "store.duckdb", defaults=False)
    for year in (2021, 2022):
        synth = generate_baci(
            root / str(year), rows=30_000, n_countries=30, n_products=400, year=year
        )
        ingest_baci(store, [synth.data])
    yield store
    store.close()


def _busiest_pair(store: Store) -> tuple[str, str]:
    row = store.query(
        "SELECT exporter, importer FROM flows WHERE year = 2022 "
        "GROUP BY ALL ORDER BY sum(value_usd) DESC LIMIT 1"
    ).iloc[0]
    return str(row["importer"]), str(row["exporter"])


def test_report_on_synthetic_baci(baci_store: Store) -> None:
    a, b = _busiest_pair(baci_store)
    report = build_report(baci_store, a, b, draws=50)
    expected = profile(baci_store, a, b, source="flows")
    assert report.headline.source == "flows" and report.headline.year == 2022
    assert report.headline.shares == pytest.approx(expected.shares, rel=EXACT)
    assert [row["year"] for row in report.headline.series] == [2021, 2022]
    # No ICIO network in this store: those sections say why instead of vanishing.
    assert "ICIO" in report.skipped["profile_icio"]
    assert "exposure_a_on_b" in report.skipped
    assert report.dependencies["a_on_b"].level == "hs4"
    html = render_html(report)
    assert external_loads(html) == []
    assert 'id="chart-series"' in html
    assert shown_value(html, "b_in_a_imports") == pytest.approx(
        expected.shares["b_in_a_imports"], rel=EXACT
    )
    # The year option picks the goods-flow year.
    older = build_report(baci_store, a, b, year=2021, draws=20)
    assert older.headline.shares == pytest.approx(
        profile(baci_store, a, b, year=2021, source="flows").shares, rel=EXACT
    )


def test_report_with_claims(default_store_file: Path, seeds: Path) -> None:
    paper = seeds / "atlantic-council-2021-axis-of-collusion.txt"
    with asymmetry.open(default_store_file, read_only=True) as store:
        report = build_report(store, "RUS", "CHN", claims=[paper], draws=20)
        expected = asymmetry.check_claims(store, [paper])
    assert report.claims is not None
    assert report.claims.summary() == expected.summary()
    html = render_html(report)
    assert expected.summary() in html
    assert "discrepant" in html and "25 percent" in html


def test_cli_report_writes_the_file(store_env: Path, tmp_path: Path) -> None:
    target = tmp_path / "russia-china.html"
    result = CliRunner().invoke(app, ["report", "RUS", "CHN", "--draws", "20", "-o", str(target)])
    assert result.exit_code == 0, result.output
    assert "China supplied" in result.output and "wrote" in result.output
    assert external_loads(target.read_text(encoding="utf-8")) == []


def test_cli_report_errors(store_env: Path, tmp_path: Path) -> None:
    runner = CliRunner()
    bad = runner.invoke(app, ["report", "RUS", "Narnia"])
    assert bad.exit_code == 2 and "Narnia" in bad.output
    suffix = runner.invoke(
        app, ["report", "RUS", "CHN", "--draws", "5", "-o", str(tmp_path / "x.pdf")]
    )
    assert suffix.exit_code == 2 and ".html, .md or .json" in suffix.output


def test_asymmetry_reads_the_larger_side_first() -> None:
    """USA-MEX once showed "0.2x" (MEX's share in US trade over the reverse)."""
    from asymmetry.report.render import heavier

    assert heavier(0.2, "United States", "Mexico") == "United States 5.0\u00d7"
    assert heavier(2.5, "Russia", "China") == "China 2.5\u00d7"
    assert heavier(None, "Russia", "China") == "n/a"


def test_tiny_numbers_are_written_for_people() -> None:
    """The dependencies page showed 2.4e-06 beside percentages."""
    from asymmetry.formats import pct
    from asymmetry.report.render import num

    assert pct(2.4e-08) == "<0.01%" and pct(0.00024) == "0.02%" and pct(0.365) == "36.5%"
    assert num(2.4e-06, 3) == "<0.001" and num(0.0042, 3) == "0.004" and num(0.0, 3) == "0.000"


def test_chart_labels_and_legends_are_not_cut() -> None:
    """Labels read "Extraction of crude petroleum and nat…" and legends fell off the
    bottom; on the cited-turnover chart one source's points hid another's."""
    import plotly.graph_objects as go

    from asymmetry.report.charts import _wrap, cited_chart, styled

    label = _wrap("Extraction of crude petroleum and natural gas")
    assert label.replace("<br>", " ") == "Extraction of crude petroleum and natural gas"
    layout = styled(go.Figure(), "t")["layout"]
    assert layout["legend"]["y"] > 1 and layout["yaxis"]["automargin"] is True
    rows = [
        {"indicator": "trade_turnover", "unit": "USD bn", "year": 2023, "value": 240.1,
         "source": src, "quote": ""}
        for src in ("China GAC", "Russia FCS")
    ]  # fmt: skip
    traces = cited_chart(rows, {"RUS": "Russia", "CHN": "China"})["data"]  # type: ignore[index]
    symbols = [t["marker"]["symbol"] for t in traces]
    sizes = [t["marker"]["size"] for t in traces]
    assert len(set(symbols)) == 2 and sizes[0] > sizes[1]
    long = "The Moscow Times; reporting agency not named in the article"
    cited = cited_chart([{**rows[0], "source": long}], {"RUS": "Russia", "CHN": "China"})
    [trace] = cited["data"]  # type: ignore[index]
    assert trace["name"] == "The Moscow Times; reporting agency not…"  # not "…not n"
    assert trace["hovertext"][0] == long


def test_a_chart_is_what_plotly_makes_with_the_theme_set() -> None:
    """`styled` adds the theme's template to the JSON instead of setting it on the figure
    (plotly copied it per figure: most of a report's chart time); the result must be the
    figure plotly itself gives with the template set."""
    import plotly.graph_objects as go

    from asymmetry.report.charts import TEMPLATE, styled

    def figure() -> go.Figure:
        return go.Figure(go.Bar(x=["a", "b"], y=[1.5, 2.0], name="n"))

    ours = styled(figure(), "Title", height=300)
    theirs = figure()
    theirs.update_layout(template=TEMPLATE)
    template = json.loads(theirs.to_json())["layout"]["template"]  # plotly's own
    expected = styled(theirs, "Title", height=300)  # every other layout key the same way
    assert ours == expected and ours["layout"]["template"] == template
    assert ours["layout"]["template"]["layout"]["plot_bgcolor"] == "white"  # plotly_white
    ours["layout"]["template"]["layout"]["plot_bgcolor"] = "red"  # each figure has its own
    assert styled(figure(), "Title")["layout"]["template"]["layout"]["plot_bgcolor"] == "white"


def test_every_chart_of_a_report_is_what_plotly_validates(
    default_report: tuple[Store, Report], baci_store: Store
) -> None:
    """`styled` merges the layout into the figure's JSON as plain data instead of having
    plotly validate it (most of a report's chart time): plotly, given each chart of a
    report on ICIO and one on goods flows, must accept it whole and write it back unchanged
    (an axis title given as text, for one, in the form plotly.js reads)."""
    import plotly.graph_objects as go

    from asymmetry.report.render import report_charts

    _store, report = default_report
    on_flows = build_report(baci_store, *_busiest_pair(baci_store), draws=20)
    charts = {
        **report_charts(report),
        **{f"{k} (flows)": v for k, v in report_charts(on_flows).items()},
    }
    assert sum(c is not None for c in charts.values()) >= 10
    for name, chart in charts.items():
        if chart is None:
            continue
        assert json.loads(go.Figure(chart).to_json()) == chart, name
    series = charts["series (flows)"]
    assert series is not None and series["layout"]["yaxis2"]["title"] == {"text": "USD bn"}
