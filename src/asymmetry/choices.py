"""The closed choices users pick from, shared by the command line and the web API.

Typer and FastAPI both validate and document an enum parameter from its
members, so each choice is defined once here.
"""

from __future__ import annotations

from enum import StrEnum


class SourceOption(StrEnum):
    """Which trade numbers a metric reads (`asymmetry.metrics.basis`)."""

    auto = "auto"
    flows = "flows"
    aggregates = "aggregates"
    icio = "icio"


class LevelOption(StrEnum):
    """HS product detail of a dependence table."""

    hs6 = "hs6"
    hs4 = "hs4"
    hs2 = "hs2"
