"""Write `src/asymmetry/data/currencies.json` from CLDR (babel): every currency in use, its
English names and symbols, and the currencies of each country (`asymmetry.claims.currencies`).

    python tools/build_currencies.py

`tests/test_claims_currencies.py` fails when the file differs from what babel gives.
"""

from __future__ import annotations

import json
from pathlib import Path

from asymmetry.claims.currencies import TABLE_FILE, build_table

OUT = Path(__file__).parent.parent / "src" / "asymmetry" / "data" / TABLE_FILE


def main() -> None:
    table = build_table()
    OUT.write_text(json.dumps(table, ensure_ascii=False, indent=1, sort_keys=True) + "\n")
    print(f"{OUT}: {len(table['codes'])} currencies, {len(table['symbols'])} symbols, "
          f"{len(table['words'])} names, {len(table['of_country'])} countries")  # fmt: skip


if __name__ == "__main__":
    main()
