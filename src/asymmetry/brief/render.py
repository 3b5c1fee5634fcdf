"""The brief as a self-contained HTML page, Markdown or JSON (like the report)."""

from __future__ import annotations

from functools import cache, partial
from pathlib import Path
from typing import Any

import jinja2

from asymmetry.brief import charts
from asymmetry.brief.build import Brief
from asymmetry.jsonsafe import dumps
from asymmetry.report.render import environment, inline_assets, report_charts, write_rendered


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


def render_html(brief: Brief) -> str:
    """The brief as one page with every script and style inlined (works offline)."""
    return (
        brief_environment()
        .get_template("brief.html.j2")
        .render(
            brief=brief, r=brief.report, charts=brief_charts(brief), inline_assets=inline_assets()
        )
    )


def render_markdown(brief: Brief) -> str:
    return brief_environment().get_template("brief.md.j2").render(brief=brief, r=brief.report)


def render_json(brief: Brief) -> str:
    return dumps(brief.to_dict(), indent=2)


def write_brief(brief: Brief, path: str | Path) -> Path:
    """Write the brief in the format named by the suffix (.html, .md, .json)."""
    renderers = {"html": render_html, "md": render_markdown, "json": render_json}
    return write_rendered(path, {k: partial(f, brief) for k, f in renderers.items()}, "brief")
