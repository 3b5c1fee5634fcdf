"""No JSON the project writes carries NaN or Infinity (RFC 8259 has neither)."""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from typer.testing import CliRunner

from asymmetry.cli import app
from asymmetry.jsonsafe import dumps, json_safe
from asymmetry.report.render import environment

runner = CliRunner()


def strict_loads(text: str) -> Any:
    """`json.loads` as a browser's JSON.parse would: NaN, Infinity, -Infinity refused."""

    def refuse(constant: str) -> None:
        raise ValueError(f"non-finite number {constant} in JSON")

    return json.loads(text, parse_constant=refuse)


def test_non_finite_numbers_become_null_everywhere_in_the_value() -> None:
    value = {
        "share": math.nan,
        "inf": math.inf,
        "numpy": np.float64("-inf"),
        "count": np.int64(3),
        "xs": (1.5, float("nan"), np.float32(2.0)),
        "array": np.array([1.0, np.nan]),
        "missing": pd.NA,
        "nested": [{"ratio": 0.0 / 1.0, "bad": np.nan}],
    }
    assert strict_loads(dumps(value)) == {
        "share": None,
        "inf": None,
        "numpy": None,
        "count": 3,
        "xs": [1.5, None, 2.0],
        "array": [1.0, None],
        "missing": None,
        "nested": [{"ratio": 0.0, "bad": None}],
    }
    assert json_safe({1: "a"}) == {"1": "a"}


def test_exposure_json_with_a_zero_denominator_share_is_valid_json(store_env: Path) -> None:
    """Sectors of RUS with no imported inputs have a share 0/0 = NaN; it printed as NaN."""
    result = runner.invoke(app, ["exposure", "RUS", "--on", "CHN", "--format", "json"])
    assert result.exit_code == 0, result.output
    data = strict_loads(result.stdout)
    shares = [row["gross_import_share"] for row in data["by_sector"]]
    assert None in shares  # the NaN shares are there, as null
    assert all(s is None or 0 <= s <= 1 for s in shares)


def test_charts_embedded_in_pages_are_valid_json() -> None:
    """`tojson` writes the figures into <script type="application/json"> blocks."""
    template = environment().from_string("{{ fig | tojson }}")
    html = template.render(fig={"y": [1.0, math.nan, math.inf]})
    assert strict_loads(html) == {"y": [1.0, None, None]}
