"""Tables for a terminal: people's numbers, columns that fit, `--wide` for all.

At 80 columns a rich table of every field folds one word a line; here each
column says how to format its values and whether it is shown without `--wide`,
and long text is cut with an ellipsis instead of folded. JSON and CSV keep
every column and the raw values.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Annotated, Literal

import pandas as pd
import typer
from rich import box
from rich.table import Table

Kind = Literal["text", "share", "usd", "number"]

WideOpt = Annotated[
    bool,
    typer.Option("--wide", help="Every column, text unabridged (tables only)."),
]


@dataclass(frozen=True, slots=True)
class Col:
    """One column of a terminal table: which field, its header and how to show it."""

    key: str
    header: str | None = None
    kind: Kind = "text"
    narrow: bool = True  # shown without --wide
    width: int | None = None  # a text column longer than this is cut (…) unless --wide


def guess_columns(frame: pd.DataFrame) -> list[Col]:
    """Columns for a frame nobody described: formats from names and types (USD, shares)."""
    cols = []
    for name in map(str, frame.columns):
        series = frame[name]
        if name.endswith("_usd") or name in ("usd", "value_usd"):
            kind: Kind = "usd"
        elif "share" in name and pd.api.types.is_numeric_dtype(series):
            kind = "share"
        elif pd.api.types.is_numeric_dtype(series) and not pd.api.types.is_bool_dtype(series):
            kind = "number"
        else:
            kind = "text"
        cols.append(Col(name, name.replace("_", " "), kind, width=32 if kind == "text" else None))
    return cols


def format_value(value: object, kind: Kind) -> str:
    """A value as people read it: USD 1.2 bn, 36.5%, 1,234 or 0.0123."""
    from asymmetry.formats import pct, usd

    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    if kind == "share":
        return pct(value)
    if kind == "usd":
        return usd(value)
    if kind == "number" and isinstance(value, float):
        if 0 < abs(value) < 0.001:  # never 2.4e-06 for people
            return "<0.001" if value > 0 else ">-0.001"
        return f"{value:,.4g}" if abs(value) < 1e4 else f"{value:,.0f}"
    if kind == "number" and isinstance(value, int):
        return f"{value:,}" if abs(value) >= 1e4 else str(value)
    return str(value)


def build_table(
    frame: pd.DataFrame,
    *,
    title: str | None = None,
    columns: Sequence[Col] | None = None,
    wide: bool = False,
    width: int = 80,
) -> Table:
    """A rich table of ``frame`` laid out by ``columns`` (guessed when None) that fits
    ``width`` characters: numbers and short codes whole, long text cut to what is left."""
    described = list(columns) if columns is not None else guess_columns(frame)
    shown = described if wide else [c for c in described if c.narrow]
    hidden = len(described) - len(shown)
    caption = f"{hidden} more column(s) with --wide" if hidden else None
    table = Table(title=title, caption=caption, box=box.SIMPLE_HEAD, pad_edge=False)
    cells = [[format_value(r.get(c.key), c.kind) for c in shown] for r in frame.to_dict("records")]
    widths = [
        max([len(row[i]) for row in cells] + [len(w) for w in (c.header or c.key).split()])
        for i, c in enumerate(shown)
    ]
    if not wide:
        # SIMPLE_HEAD: one space at each edge, three between columns.
        widths = _fit(widths, shown, width - 3 * (len(shown) - 1) - 2)
        cells = [[_cut(v, w) for v, w in zip(row, widths, strict=True)] for row in cells]
    for col, w in zip(shown, widths, strict=True):
        table.add_column(
            col.header or col.key,
            justify="left" if col.kind == "text" else "right",
            overflow="fold",  # only headers can still wrap: cells are cut to fit
            width=None if wide else w,
        )
    for row in cells:
        table.add_row(*row)
    return table


def _fit(widths: list[int], columns: list[Col], room: int) -> list[int]:
    """Column widths within ``room``: text columns capped, then shrunk in proportion."""
    capped = [
        min(w, c.width) if c.kind == "text" and c.width else w
        for w, c in zip(widths, columns, strict=True)
    ]
    # Text gives way first (to 8 characters); then every column, headers wrapping.
    flexible = [i for i, c in enumerate(columns) if c.kind == "text" and capped[i] > 8]
    excess = sum(capped) - room
    if excess <= 0 or not flexible:
        return capped
    total = sum(capped[i] - 8 for i in flexible)
    for i in flexible:
        capped[i] -= min(capped[i] - 8, math.ceil(excess * (capped[i] - 8) / total))
    return capped


def _cut(text: str, width: int | None) -> str:
    """``text`` cut to ``width`` characters with an ellipsis (None: as it is)."""
    return text if width is None or len(text) <= width else text[: width - 1] + "…"
