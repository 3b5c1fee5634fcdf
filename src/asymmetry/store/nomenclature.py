"""Product codes against the HS revision's code list (the `products` table).

A BACI file names its HS revision (``BACI_HS17_...``) and its release ships the
revision's product table (``product_codes_HS17_V*.csv``); every code of the file
is in that table. A file whose codes are not is of another revision, or not
BACI: it would load with every product lookup (names, sections, CHPL) failing
silently. The rule is one `Check` folded into the loader's single aggregate
pass: a strict load refuses the file, a lenient one loads it and says how many
codes, rows and dollars are not in the list.
"""

from __future__ import annotations

import duckdb

from asymmetry.store.ingest_flows import Check
from asymmetry.store.schema import HS_REVISIONS


def has_product_list(con: duckdb.DuckDBPyConnection, revision: str) -> bool:
    """Whether the store holds a code list for ``revision`` (from a product table)."""
    row = con.execute("SELECT count(*) FROM products WHERE hs_revision = ?", [revision]).fetchone()
    return bool(row and row[0])


def product_list_check(revision: str, *, listed_in: str) -> Check:
    """Rows whose 6-digit product is not in ``revision``'s list (``listed_in`` names it).

    Codes that are not 2/4/6 digits carry the '?' marker and fail their own check.
    """
    if revision not in HS_REVISIONS:  # interpolated into SQL: only known names
        raise ValueError(f"unknown HS revision {revision!r}")
    return Check(
        f"product code not in the {revision} nomenclature ({listed_in})",
        "product",
        f"product[1] <> '?' AND product NOT IN "
        f"(SELECT code FROM products WHERE hs_revision = '{revision}')",
        "raw_product",
        warn=True,
    )
