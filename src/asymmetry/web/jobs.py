"""What the pages have the worker process compute (`asymmetry.web.offload`): a result and
its charts together, so that neither is built on the server's interpreter."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from asymmetry.brief.build import Brief
    from asymmetry.report.build import Report
    from asymmetry.store.store import Store

DRAWS = 500  # Monte Carlo draws per lever on the pages, as `asymmetry report` draws


def report_job(store: Store, a: str, b: str, year: int | None) -> tuple[Report, dict[str, Any]]:
    """The pair report (ISO3 codes) and its figures."""
    from asymmetry.report.build import build_report
    from asymmetry.report.render import report_charts

    report = build_report(store, a, b, year=year, draws=DRAWS)
    return report, report_charts(report)


def brief_job(store: Store, a: str, b: str, year: int | None) -> tuple[Brief, dict[str, Any]]:
    """The evidence brief (ISO3 codes) and its figures."""
    from asymmetry.brief.build import build_brief
    from asymmetry.brief.render import brief_charts

    brief = build_brief(store, a, b, year=year, draws=DRAWS)
    return brief, brief_charts(brief)
