"""Figures of the brief's own sections (the others reuse the report's charts)."""

from __future__ import annotations

import plotly.graph_objects as go

from asymmetry.metrics.relief import Relief
from asymmetry.metrics.replacement import Replacement
from asymmetry.report.charts import A_COLOUR, B_COLOUR, Figure, styled


def groups_chart(
    shares: dict[str, dict[str, dict[str, float]]], names: dict[str, str], a: str, b: str
) -> Figure:
    """Named product groups' shares of each direction, first and latest year."""
    traces = []
    for year, directions in shares.items():
        for direction, colour in (("a_to_b", A_COLOUR), ("b_to_a", B_COLOUR)):
            x, y = (a, b) if direction == "a_to_b" else (b, a)
            groups = directions[direction]
            traces.append(
                go.Bar(
                    name=f"{names[x]} → {names[y]}, {year}",
                    x=list(groups),
                    y=list(groups.values()),
                    marker_color=colour,
                    opacity=1.0 if year == max(shares, key=int) else 0.45,
                    texttemplate="%{y:.0%}",
                )
            )
    return styled(
        go.Figure(traces),
        "Product groups' share of each direction",
        barmode="group",
        yaxis={"tickformat": ".0%"},
    )


def replacement_chart(r: Replacement, names: dict[str, str]) -> Figure:
    """Lost volume (range) against the partner's capacity by route and what it takes now."""
    traces = [
        go.Bar(
            name=f"to {r.lost_market}, {r.lost_period}",
            x=["lost market"],
            y=[r.lost_bcm["value"]],
            marker_color="#888",
            error_y={
                "type": "data",
                "symmetric": False,
                "array": [r.lost_bcm["high"] - r.lost_bcm["value"]],
                "arrayminus": [r.lost_bcm["value"] - r.lost_bcm["low"]],
            },
        )
    ]
    for route in r.routes:
        traces.append(
            go.Bar(
                name=f"{route['route']} ({route['status']})",
                x=[f"capacity to {names[r.partner]}"],
                y=[route["bcm"]],
                opacity=1.0 if route["status"] == "in service" else 0.4,
            )
        )
    if r.latest_bcm is not None:
        traces.append(
            go.Bar(
                name=f"taken, {r.volumes[-1]['year']}",
                x=[f"flows to {names[r.partner]}"],
                y=[r.latest_bcm],
                marker_color=B_COLOUR,
            )
        )
    return styled(
        go.Figure(traces),
        f"{names[r.country]}'s pipeline gas: lost market vs {names[r.partner]} (bcm a year)",
        barmode="stack",
        yaxis={"title": "bcm a year"},
    )


def relief_chart(r: Relief, names: dict[str, str]) -> Figure:
    """B's share of A's imports and exports: before the break, now, with relief."""
    sides = ["imports", "exports"]
    traces = [
        go.Bar(
            name=label,
            x=[f"share of {names[r.country]}'s {s}" for s in sides],
            y=[values[f"b_in_a_{s}"] for s in sides],
            marker_color=colour,
            texttemplate="%{y:.1%}",
        )
        for label, values, colour in (
            (f"{r.before_year}", r.shares_before, "#999"),
            (f"{r.year}", r.shares_now, B_COLOUR),
            (f"{r.year}, {r.restored:.0%} restored", r.shares_relief, "#6aa84f"),
        )
    ]
    return styled(
        go.Figure(traces),
        f"{names[r.partner]}'s weight in {names[r.country]}'s trade, with relief",
        barmode="group",
        yaxis={"tickformat": ".0%"},
    )
