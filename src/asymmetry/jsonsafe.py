"""JSON that every parser accepts: the one encoder for every JSON the project writes.

Python's `json` writes NaN and infinities as the bare words ``NaN`` and
``Infinity``, which RFC 8259 (section 6) does not allow: browsers' `JSON.parse`,
jq and most other parsers reject the whole document. A share whose denominator
is zero is NaN, so any result may hold one. `json_safe` maps every non-finite
number to null (and numpy/pandas scalars to plain numbers); `dumps` then writes
with ``allow_nan=False``, so a non-finite number that slipped past would raise
here rather than reach a reader.
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

import numpy as np
import pandas as pd


def json_safe(value: Any) -> Any:
    """Plain JSON types only: NaN and infinities become null, numpy scalars numbers.

    >>> json_safe({"share": float("nan"), "n": np.int64(3), "xs": (1.5, float("inf"))})
    {'share': None, 'n': 3, 'xs': [1.5, None]}
    """
    if isinstance(value, Mapping):
        return {str(k): json_safe(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        return [json_safe(v) for v in value]
    if isinstance(value, np.ndarray):
        return [json_safe(v) for v in value.tolist()]
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, Decimal):
        value = float(value)
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if value is None or isinstance(value, str | int | float | bool):
        return value
    if value is pd.NA or value is pd.NaT:
        return None
    return str(value)


def dumps(
    value: Any, *, indent: int | None = None, ensure_ascii: bool = True, sort_keys: bool = False
) -> str:
    """``json.dumps`` of `json_safe` ``value``; never writes NaN or Infinity."""
    return json.dumps(
        json_safe(value),
        indent=indent,
        ensure_ascii=ensure_ascii,
        sort_keys=sort_keys,
        allow_nan=False,
    )
