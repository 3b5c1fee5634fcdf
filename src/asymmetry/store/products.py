"""Product knowledge beyond the HS tree: dual-use lists and end-use classes.

The CHPL (Common High Priority List) names the HS6 items Russia's military
sought through third countries; BEC end-use classes say whether an import
feeds capital formation, production or consumption.
"""

from __future__ import annotations

from functools import cache
from importlib import resources
from typing import Final

import pandas as pd

# BEC Rev.4 basic categories -> SNA end use (UN Statistics Division, "Classification
# by Broad Economic Categories", Rev.4, table 2). 51 (passenger cars) and 321
# (motor spirit) are not assigned to one end use by the UN.
BEC_END_USE: Final[dict[str, str]] = {
    "41": "capital",
    "521": "capital",
    "111": "intermediate",
    "121": "intermediate",
    "21": "intermediate",
    "22": "intermediate",
    "31": "intermediate",
    "322": "intermediate",
    "42": "intermediate",
    "53": "intermediate",
    "112": "consumption",
    "122": "consumption",
    "522": "consumption",
    "61": "consumption",
    "62": "consumption",
    "63": "consumption",
    "51": "mixed",
    "321": "mixed",
}


@cache
def chpl() -> pd.DataFrame:
    """CHPL items: columns hs6 (6-char string) and tier (e.g. "1", "3.A")."""
    path = resources.files("asymmetry") / "data" / "chpl_hs6.csv"
    with resources.as_file(path) as file:
        return pd.read_csv(file, dtype=str)


def bec_end_use_frame() -> pd.DataFrame:
    """BEC code -> end-use class, for SQL joins."""
    return pd.DataFrame({"bec": list(BEC_END_USE), "end_use": list(BEC_END_USE.values())})
