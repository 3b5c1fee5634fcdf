"""Plotly figures for the report and the dashboard, as plain JSON-able dicts.

Figures are built from a `Report`'s results only (no query here), so a chart
shows exactly the numbers of the tables beside it. They are drawn in the
browser by plotly.js, which the HTML report inlines and the web app serves
itself (`plotly_js`): no CDN, no network.
"""

from __future__ import annotations

import json
import re
import textwrap
from functools import cache
from typing import Any

import plotly.graph_objects as go
from plotly.utils import PlotlyJSONEncoder

from asymmetry.levers.battery import Battery
from asymmetry.metrics.io_exposure import IoExposure
from asymmetry.metrics.official import agency_of
from asymmetry.metrics.profile import PairProfile

Figure = dict[str, Any]
A_COLOUR, B_COLOUR = "#c0392b", "#2c6fbb"
TEMPLATE = "plotly_white"
_LAYOUT: dict[str, Any] = {
    # The title sits at the top of the margin, the legend (two rows) under it.
    "margin": {"l": 60, "r": 20, "t": 110, "b": 50},
    "height": 360,
    "font": {"family": "system-ui, sans-serif", "size": 13},
    # Above the plot, under the title: a legend below the x axis was cut off.
    "legend": {"orientation": "h", "yanchor": "bottom", "y": 1.02, "x": 0},
    # Labels and legends push the margins out instead of being clipped.
    "xaxis": {"automargin": True},
    "yaxis": {"automargin": True},
}
# Overlapping points of several sources stay visible: open markers, each smaller.
_MARKERS = ("circle-open", "square-open", "diamond-open", "triangle-up-open", "x-thin-open")


@cache
def plotly_js() -> str:
    """The plotly.js bundle shipped inside the plotly package (offline)."""
    from plotly.offline import get_plotlyjs

    return str(get_plotlyjs())


@cache
def _template_json() -> str:
    """The theme's layout template as JSON, made once: plotly validates and deep-copies a
    template on every figure it is set on (~45 ms of the ~50 ms a small chart took)."""
    import plotly.io as pio

    return json.dumps(pio.templates[TEMPLATE].to_plotly_json(), cls=PlotlyJSONEncoder)


def styled(fig: go.Figure, title: str, **layout: Any) -> Figure:
    """The figure as a dict, in the report's layout and theme. Plotly validates the traces;
    the layout, which is ours, is merged into its JSON as plain data, the way
    `update_layout` merges it (validating it took ~75 ms of a report's ~120 ms of charts;
    `tests/test_report.py` has plotly re-validate every chart of a report), and the theme's
    template is added to the JSON rather than set on the figure (plotly validates and
    copies a template per figure)."""
    axes = {k: {**_LAYOUT[k], **layout.pop(k, {})} for k in ("xaxis", "yaxis")}
    heading = {"text": title, "y": 0.98, "yanchor": "top", "yref": "container"}
    fig.layout.template = {}  # not plotly's default one, which `to_json` would deep-copy
    result: Figure = json.loads(fig.to_json())
    ours = {**_LAYOUT, **axes, "title": heading, **layout}
    result["layout"] = _merged(result["layout"], {k: _titled(k, v) for k, v in ours.items()})
    result["layout"]["template"] = json.loads(_template_json())
    return result


def _titled(key: str, value: Any) -> Any:
    """An axis's ``title`` given as text in the form plotly.js reads (``{"text": …}``),
    as plotly's validation writes it."""
    if re.fullmatch(r"[xy]axis\d*", key) and isinstance(value.get("title"), str):
        return {**value, "title": {"text": value["title"]}}
    return value


def _merged(base: dict[str, Any], extra: dict[str, Any]) -> dict[str, Any]:
    """``extra`` merged into ``base`` key by key, nested dicts merged too (plotly's
    `update` semantics)."""
    out = dict(base)
    for key, value in extra.items():
        old = out.get(key)
        out[key] = (
            _merged(old, value) if isinstance(old, dict) and isinstance(value, dict) else value
        )
    return out


def headline_chart(p: PairProfile, names: dict[str, str]) -> Figure:
    """Each side's share in the other's imports, exports and trade: the asymmetry at a glance."""
    sides = ["imports", "exports", "trade"]
    fig = go.Figure(
        [
            go.Bar(
                name=f"{names[p.b]} in {names[p.a]}'s",
                x=sides,
                y=[p.shares[f"b_in_a_{s}"] for s in sides],
                marker_color=B_COLOUR,
                texttemplate="%{y:.1%}",
            ),
            go.Bar(
                name=f"{names[p.a]} in {names[p.b]}'s",
                x=sides,
                y=[p.shares[f"a_in_b_{s}"] for s in sides],
                marker_color=A_COLOUR,
                texttemplate="%{y:.1%}",
            ),
        ]
    )
    return styled(
        fig,
        f"Who matters to whom, {p.year} ({p.basis})",
        barmode="group",
        yaxis={"tickformat": ".0%", "title": "share"},
    )


def series_chart(p: PairProfile, names: dict[str, str]) -> Figure | None:
    """Both sides' import and trade shares and the bilateral flows over every year."""
    if len(p.series) < 2:
        return None
    years = [row["year"] for row in p.series]
    fig = go.Figure(
        [
            go.Bar(
                name=f"{names[p.a]} → {names[p.b]} (USD bn)",
                x=years,
                y=[_bn(row["a_to_b"]) for row in p.series],
                marker_color=A_COLOUR,
                opacity=0.35,
                yaxis="y2",
            ),
            go.Bar(
                name=f"{names[p.b]} → {names[p.a]} (USD bn)",
                x=years,
                y=[_bn(row["b_to_a"]) for row in p.series],
                marker_color=B_COLOUR,
                opacity=0.35,
                yaxis="y2",
            ),
        ]
        + [
            go.Scatter(
                name=f"{names[whose]}'s share of {names[other]}'s {side}",
                x=years,
                y=[row[f"share_{key}_{side}"] for row in p.series],
                line={"color": colour, "dash": "solid" if side == "imports" else "dot"},
                mode="lines+markers",
            )
            for side in ("imports", "trade")
            for key, whose, other, colour in (
                ("b_in_a", p.b, p.a, B_COLOUR),
                ("a_in_b", p.a, p.b, A_COLOUR),
            )
        ]
    )
    return styled(
        fig,
        f"Over time ({p.basis}; a missing point is a year without the figure)",
        barmode="group",
        xaxis={"dtick": 1},
        yaxis={"tickformat": ".0%", "title": "share", "rangemode": "tozero"},
        yaxis2={
            "overlaying": "y",
            "side": "right",
            "title": "USD bn",
            "showgrid": False,
            "rangemode": "tozero",
        },
    )


LEGEND_CHARS = 40  # three legend columns fit the report's width


def cited_chart(rows: list[dict[str, Any]], names: dict[str, str]) -> Figure | None:
    """Cited turnover figures by year and source (facts table), as published."""
    turnover = [r for r in rows if r["indicator"] == "trade_turnover" and r["unit"] == "USD bn"]
    if not turnover:
        return None

    def publisher(row: dict[str, Any]) -> str:
        return agency_of(str(row["source"]))

    traces = []
    for i, source in enumerate(dict.fromkeys(publisher(r) for r in turnover)):
        mine = [r for r in turnover if publisher(r) == source]
        traces.append(
            go.Scatter(
                # a long name ends at a word with an ellipsis (it was cut: "agency not n");
                # the whole one is in the hover text
                name=textwrap.shorten(source, LEGEND_CHARS, placeholder="…"),
                x=[r["year"] for r in mine],
                y=[r["value"] for r in mine],
                mode="markers+lines",
                marker={
                    "symbol": _MARKERS[i % len(_MARKERS)],
                    "size": max(6, 16 - 3 * i),
                    "line": {"width": 2},
                },
                hovertext=[f"{source}: {r['quote']}" if r["quote"] else source for r in mine],
            )
        )
    pair = " – ".join(names.values())
    # Many sources: the legend goes under the plot and the figure grows to hold it.
    return styled(
        go.Figure(traces),
        f"{pair} trade turnover as cited (USD bn)",
        yaxis={"title": "USD bn"},
        xaxis={"dtick": 1},
        legend={"orientation": "h", "yanchor": "top", "y": -0.12, "x": 0},
        margin={**_LAYOUT["margin"], "t": 60},
        height=380 + 24 * -(-len(traces) // 3),
    )


def composition_chart(p: PairProfile, names: dict[str, str], direction: str) -> Figure:
    """What flows one way (``a_to_b`` or ``b_to_a``): top sections/sectors by share."""
    x, y = (p.a, p.b) if direction == "a_to_b" else (p.b, p.a)
    rows = p.composition[direction][::-1]
    bar = go.Bar(
        y=[_wrap(r["name"] or r["code"]) for r in rows],
        x=[r["share"] for r in rows],
        orientation="h",
        marker_color=A_COLOUR if x == p.a else B_COLOUR,
        texttemplate="%{x:.0%}",
        hovertext=[f"USD {r['value_usd']:,.0f}" for r in rows],
    )
    return styled(
        go.Figure([bar]),
        f"{names[x]} → {names[y]}, {p.year}",
        height=max(300, 80 + 40 * len(rows)),
        xaxis={"tickformat": ".0%", "title": "share of the direction's value"},
        showlegend=False,
    )


def exposure_chart(exposure: dict[str, IoExposure], names: dict[str, str]) -> Figure | None:
    """Gross import share next to value-added exposure, both ways."""
    if not exposure:
        return None
    measures = (
        ("gross_import_share", "gross share of imported inputs"),
        ("foreign_value_added_share", "share of foreign value added"),
        ("direct_input_share", "share of all inputs"),
    )
    traces = [
        go.Bar(
            name=label,
            x=[f"{names[e.country]} on {names[e.partner]}" for e in exposure.values()],
            y=[e.summary[key] for e in exposure.values()],
            texttemplate="%{y:.1%}",
        )
        for key, label in measures
    ]
    return styled(
        go.Figure(traces),
        "Gross and value-added exposure (ICIO 2022)",
        barmode="group",
        yaxis={"tickformat": ".0%"},
    )


def levers_chart(battery: Battery, names: dict[str, str], colours: dict[str, str]) -> Figure | None:
    """Each lever's cost to target and sender (USD bn, median and 5-95% interval);
    ``colours`` by country, so a country keeps its colour in every chart."""
    if not battery.items:
        return None
    labels = [item.key for item in battery.items][::-1]

    def bars(side: str, who: str, colour: str) -> go.Bar:
        costs = [getattr(item.result, f"cost_{side}_usd") for item in battery.items][::-1]
        return go.Bar(
            name=f"cost to {names[who]}",
            y=labels,
            x=[c["median"] / 1e9 for c in costs],
            orientation="h",
            marker_color=colour,
            error_x={
                "type": "data",
                "symmetric": False,
                "array": [(c["p95"] - c["median"]) / 1e9 for c in costs],
                "arrayminus": [(c["median"] - c["p05"]) / 1e9 for c in costs],
            },
        )

    s, t = battery.sender, battery.target
    return styled(
        go.Figure([bars("target", t, colours[t]), bars("sender", s, colours[s])]),
        f"{names[s]}'s levers on {names[t]}: cost to each side (USD bn; negative = gain)",
        barmode="group",
        xaxis={"title": "USD bn, median and 5-95% interval"},
        height=max(360, 80 + 60 * len(labels)),
    )


def _bn(value: float | None) -> float | None:
    return None if value is None else value / 1e9


def _wrap(text: str, width: int = 32) -> str:
    """A long category label on up to three lines (it was cut: "… and nat…")."""
    lines = textwrap.wrap(text, width) or [text]
    if len(lines) > 3:
        lines = [*lines[:2], textwrap.shorten(" ".join(lines[2:]), width, placeholder="…")]
    return "<br>".join(lines)
