"""The brief as a self-contained HTML page, Markdown or JSON (like the report)."""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

import jinja2

from asymmetry.brief import charts
from asymmetry.brief.build import Brief
from asymmetry.errors import AsymmetryError
from asymmetry.report.charts import plotly_js
from asymmetry.report.render import asset, environment, report_charts

FORMATS = ("html", "md", "json")


@cache
def brief_environment() -> jinja2.Environment:
    """The report's environment (filters, globals) with the brief's templates first."""
    return environment().overlay(
        loader=jinja2.ChoiceLoader(
            [
                jinja2.PackageLoader("asymmetry.brief", "templates"),
                jinja2.PackageLoader("asymmetry.report", "templates"),
            ]
        )
    )


def brief_charts(brief: Brief) -> dict[str, Any]:
    """The report's figures plus the brief's own, by key."""
    names = brief.report.names
    found = report_charts(brief.report)
    if brief.group_shares:
        found["groups"] = charts.groups_chart(brief.group_shares, names, brief.a, brief.b)
    if brief.replacement is not None:
        found["replacement"] = charts.replacement_chart(brief.replacement, names)
    if brief.relief is not None:
        found["relief"] = charts.relief_chart(brief.relief, names)
    return found


def render_html(brief: Brief, *, standalone: bool = True) -> str:
    template = "brief.html.j2" if standalone else "_brief.html.j2"
    assets = (
        {"plotly": plotly_js(), "style": asset("style.css"), "script": asset("tables.js")}
        if standalone
        else None
    )
    return (
        brief_environment()
        .get_template(template)
        .render(brief=brief, r=brief.report, charts=brief_charts(brief), inline_assets=assets)
    )


def render_markdown(brief: Brief) -> str:
    return brief_environment().get_template("brief.md.j2").render(brief=brief, r=brief.report)


def render_json(brief: Brief) -> str:
    return json.dumps(brief.to_dict(), indent=2, allow_nan=False)


def write_brief(brief: Brief, path: str | Path) -> Path:
    """Write the brief in the format named by the suffix (.html, .md, .json)."""
    target = Path(path)
    kind = {"htm": "html", "markdown": "md"}.get(
        target.suffix.lower().lstrip("."), target.suffix.lower().lstrip(".")
    )
    if kind not in FORMATS:
        raise AsymmetryError(f"cannot write a brief to {target}: use a .html, .md or .json name")
    text = {"html": render_html, "md": render_markdown, "json": render_json}[kind](brief)
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_name(target.name + ".part")
    tmp.write_text(text, encoding="utf-8")
    tmp.replace(target)
    return target
