"""Re-key ``cited_aggregates.csv`` (../shared/data/facts) into the package's facts layout.

The shared file already has the facts columns; re-keying makes its spellings
the ones the library reads, and keeps every row (conflicting rows included):

- units: ``USD trn`` -> ``USD tn``, ``CNY trn`` -> ``CNY tn`` (one spelling per scale);
- product: ``goods`` -> empty (all goods, as in ``facts.csv``);
- period: ``Jan-Aug 2021`` -> ``2021-01..2021-08``; ``2024 (stated Nov 2024)`` -> ``2024``
  (a full year is written as the year alone, so "annual" is ``period == year``);
- value: a row that states only a range or a bound (``value`` empty) gets the midpoint
  of ``low``/``high``, or the one bound, as its value (the facts table needs one); the
  bounds stay in ``low``/``high``.

Run from the repository root:
``python tools/rekey_aggregates.py ../shared/data/facts/cited_aggregates.csv``
"""

from __future__ import annotations

import csv
import re
import sys
from pathlib import Path

OUT = Path("src/asymmetry/data/aggregates.csv")
UNITS = {"USD trn": "USD tn", "CNY trn": "CNY tn"}
MONTHS = {
    m: i
    for i, m in enumerate(
        ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"), 1
    )
}
_SPAN = re.compile(r"^(Jan)[a-z]*-(\w{3})[a-z]* (\d{4})$")
_YEAR_NOTE = re.compile(r"^(\d{4}) \((?:stated|latest data cited)[^)]*\)$")


def period(text: str) -> str:
    """One spelling per kind of period (see module doc)."""
    text = text.strip()
    if m := _SPAN.match(text):
        first, last, year = MONTHS[m[1]], MONTHS[m[2]], m[3]
        return f"{year}-{first:02d}..{year}-{last:02d}"
    if m := re.match(r"^January (\d{4})$", text):
        return f"{m[1]}-01"
    if m := _YEAR_NOTE.match(text):
        return m[1]
    return text


def main(source: str) -> None:
    with open(source, newline="", encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    for row in rows:
        row["unit"] = UNITS.get(row["unit"], row["unit"])
        if row["product"].strip().lower() == "goods":
            row["product"] = ""
        row["period"] = period(row["period"])
        if not row["value"].strip():
            bounds = [float(row[k]) for k in ("low", "high") if row[k].strip()]
            row["value"] = f"{sum(bounds) / len(bounds):g}"
    with OUT.open("w", newline="", encoding="utf-8") as f:
        writer = csv.DictWriter(f, fieldnames=list(rows[0]), lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    print(f"wrote {OUT} ({len(rows)} rows)")


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "../shared/data/facts/cited_aggregates.csv")
