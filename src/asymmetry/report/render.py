"""The report as a self-contained HTML page, as Markdown and as JSON.

One set of templates (`templates/`) serves the file report and the web
dashboard: the report inlines plotly.js, the stylesheet and the table script,
so the file opens offline; the dashboard serves the same assets itself.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from functools import cache, partial
from importlib.resources import files
from pathlib import Path
from typing import Any

import jinja2

from asymmetry.errors import AsymmetryError
from asymmetry.formats import compact, pct, usd
from asymmetry.jsonsafe import dumps
from asymmetry.markup import code_spans
from asymmetry.metrics.official import figure_label
from asymmetry.report import charts
from asymmetry.report.build import CAVEATS, DEFINITIONS, Report
from asymmetry.store.codes import hs_section


def num(x: Any, digits: int = 2) -> str:
    """A number to ``digits`` decimals; one too small to show says "<0.001"."""
    if x is None or (isinstance(x, float) and math.isnan(x)):
        return "n/a"
    x = float(x)
    if 0 < abs(x) < 0.5 * 10**-digits:
        return f"<{10**-digits:.{digits}f}" if x > 0 else f">-{10**-digits:.{digits}f}"
    return f"{x:,.{digits}f}"


def heavier(ratio: Any, a: str, b: str) -> str:
    """An asymmetry ratio (B's share in A's over A's share in B's) the way round that
    reads: the side that weighs more, and by how much ("USA 5.0x", never "0.2x")."""
    if ratio is None or not ratio or (isinstance(ratio, float) and math.isnan(ratio)):
        return "n/a"
    return f"{b} {ratio:,.1f}×" if ratio >= 1 else f"{a} {1 / ratio:,.1f}×"


def interval_usd(iv: dict[str, float] | None) -> str:
    """Median [5%, 95%] in USD with scale words, the unit stated once."""
    if not iv:
        return "n/a"
    return f"{compact(iv['median'])} [{compact(iv['p05'])}, {compact(iv['p95'])}]"


VERDICT_ORDER = {"discrepant": 0, "consistent": 1, "unverifiable": 2}


def by_verdict(checked: Any) -> list[Any]:
    """Claims with discrepant first, then consistent, then unverifiable (stable)."""
    return sorted(checked, key=lambda c: VERDICT_ORDER.get(c.verdict, 3))


@cache
def environment() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.PackageLoader("asymmetry.report", "templates"),
        # HTML templates escape; the Markdown template must not ("Russia&#39;s").
        autoescape=lambda name: (name or "").endswith(".html.j2"),
        trim_blocks=True,
        lstrip_blocks=True,
    )
    # `tojson` (charts embedded in pages) must not write NaN either.
    env.policies["json.dumps_function"] = dumps
    env.filters.update(
        pct=pct,
        usd=usd,
        num=num,
        heavier=heavier,
        compact=compact,
        interval_usd=interval_usd,
        by_verdict=by_verdict,
        code=code_spans,
    )
    env.globals.update(
        figure_label=figure_label,
        section_of=section_of,
        section_options=section_options,
        definitions=DEFINITIONS,
        caveats=CAVEATS,
    )
    return env


def section_of(product: Any) -> str | None:
    """The HS section of an HS code; None for ICIO sector codes."""
    chapter = str(product)[:2]
    return hs_section(chapter) if chapter.isdigit() else None


def section_options(table: Any) -> list[str]:
    """The HS sections present in a dependence table (its filter's choices)."""
    found = {section_of(code) for code in table["product"]}
    return sorted(s for s in found if s)


def asset(name: str) -> str:
    """A static file shipped with the report templates (stylesheet, table script)."""
    return files("asymmetry.report").joinpath("templates", name).read_text(encoding="utf-8")


def report_charts(report: Report) -> dict[str, Any]:
    """Every figure of the report by section key (None where there is nothing to draw)."""
    lead, names = report.headline, report.names
    found: dict[str, Any] = {
        "headline": charts.headline_chart(lead, names),
        "series": charts.series_chart(lead, names),
        "cited": charts.cited_chart(report.cited_series, names),
        **{
            f"composition_{d}": charts.composition_chart(lead, names, d)
            for d in ("a_to_b", "b_to_a")
            if lead.composition.get(d)  # nothing to draw: the section says so instead
        },
        "exposure": charts.exposure_chart(report.exposure, names),
    }
    colours = {report.a: charts.A_COLOUR, report.b: charts.B_COLOUR}
    for key, battery in report.levers.items():
        found[f"levers_{key}"] = charts.levers_chart(battery, names, colours)
    return found


def inline_assets() -> dict[str, str]:
    """plotly.js, the stylesheet and the table script, for pages that must work offline."""
    return {"plotly": charts.plotly_js(), "style": asset("style.css"), "script": asset("tables.js")}


def render_html(report: Report) -> str:
    """The report as one page with every script and style inlined (works offline)."""
    return (
        environment()
        .get_template("report.html.j2")
        .render(r=report, charts=report_charts(report), inline_assets=inline_assets())
    )


def render_markdown(report: Report) -> str:
    return environment().get_template("report.md.j2").render(r=report)


def render_json(report: Report) -> str:
    return dumps(report.to_dict(), indent=2)


def write_report(report: Report, path: str | Path) -> Path:
    """Write the report in the format named by the file's suffix (.html, .md, .json)."""
    renderers = {"html": render_html, "md": render_markdown, "json": render_json}
    return write_rendered(path, {k: partial(f, report) for k, f in renderers.items()}, "report")


def write_rendered(path: str | Path, renderers: dict[str, Callable[[], str]], what: str) -> Path:
    """Render the format the suffix names and write it whole (a reader never sees half)."""
    target = Path(path)
    kind = target.suffix.lower().lstrip(".")
    kind = {"htm": "html", "markdown": "md"}.get(kind, kind)
    if kind not in renderers:
        raise AsymmetryError(
            f"cannot write a {what} to {target}: use a .html, .md or .json file name"
        )
    text = renderers[kind]()
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_name(target.name + ".part")
    tmp.write_text(text, encoding="utf-8")
    tmp.replace(target)
    return target
