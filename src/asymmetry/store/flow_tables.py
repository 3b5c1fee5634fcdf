"""One physical table per flow dataset; `flows` is the view over all of them.

Why: a dataset's id and HS revision are one value for all its rows. Stored as
columns they were written, compressed and checkpointed once per row (9M rows of
a BACI year: ~20% of an ingest). Here each dataset's table holds only the
columns that vary, and the `flows` view adds ``source`` and ``hs_revision`` as
literals, one ``UNION ALL`` branch per dataset; DuckDB drops the branches a
``WHERE source = $dataset`` excludes, so a read of one dataset scans one table.
Replacing a dataset is a ``CREATE OR REPLACE`` of its table, not a delete.
Every function here runs inside the caller's transaction: a failed ingest
leaves the tables and the view as they were.
"""

from __future__ import annotations

import hashlib
import re

import duckdb

from asymmetry.errors import StoreError
from asymmetry.store.schema import FLOW_COLUMNS, SCHEMA_VERSION

# The columns a dataset's own table holds: all of `FLOW_COLUMNS` but the two constants.
STORED_COLUMNS = tuple(c for c in FLOW_COLUMNS if c not in ("source", "hs_revision"))

_TABLE_DDL = """
CREATE OR REPLACE TABLE {name} (
    year SMALLINT NOT NULL,
    exporter VARCHAR NOT NULL,
    importer VARCHAR NOT NULL,
    product VARCHAR NOT NULL,
    value_usd DOUBLE,  -- never NULL once an ingest commits (checked with a line number)
    quantity DOUBLE,
    reporter VARCHAR
)
"""

# The view when no dataset holds flows: the same columns and types, no rows.
_EMPTY = (
    "SELECT NULL::SMALLINT AS year, NULL::VARCHAR AS exporter, NULL::VARCHAR AS importer, "
    "NULL::VARCHAR AS product, NULL::VARCHAR AS hs_revision, NULL::DOUBLE AS value_usd, "
    "NULL::DOUBLE AS quantity, NULL::VARCHAR AS source, NULL::VARCHAR AS reporter WHERE false"
)


def table_name(dataset_id: str) -> str:
    """A table name for ``dataset_id``: readable, and unique by a hash of the exact id."""
    readable = re.sub(r"[^a-z0-9]+", "_", dataset_id.lower()).strip("_")[:40]
    digest = hashlib.sha256(dataset_id.encode()).hexdigest()[:10]
    return f"flows__{readable}_{digest}"


def _quote(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def create(con: duckdb.DuckDBPyConnection, dataset_id: str, hs_revision: str) -> str:
    """An empty table for ``dataset_id`` (replacing its rows, if any), in the view."""
    name = table_name(dataset_id)
    con.execute(_TABLE_DDL.format(name=name))
    con.execute(
        "INSERT OR REPLACE INTO flow_tables VALUES (?, ?, ?)", [dataset_id, name, hs_revision]
    )
    rebuild_view(con)
    return name


def rebuild_view(con: duckdb.DuckDBPyConnection) -> None:
    """(Re)define `flows` over every dataset's table, in `FLOW_COLUMNS` order."""
    branches = []
    for dataset, name, revision in con.execute(
        "SELECT dataset, name, hs_revision FROM flow_tables ORDER BY dataset"
    ).fetchall():
        constants = {"source": _quote(dataset), "hs_revision": _quote(revision)}
        columns = ", ".join(f"{constants[c]} AS {c}" if c in constants else c for c in FLOW_COLUMNS)
        branches.append(f"SELECT {columns} FROM {name}")
    con.execute("CREATE OR REPLACE VIEW flows AS " + (" UNION ALL ".join(branches) or _EMPTY))


def split_legacy_table(con: duckdb.DuckDBPyConnection) -> None:
    """Schema 7 -> 8: the one `flows` table becomes a table per dataset and the view
    (nothing to split when `flows` is the view already)."""
    kind = con.execute(
        "SELECT table_type FROM information_schema.tables "
        "WHERE table_name = 'flows' AND table_schema = current_schema()"
    ).fetchone()
    if kind is None or kind[0] != "BASE TABLE":
        rebuild_view(con)
        return
    datasets = con.execute(
        "SELECT source, min(hs_revision), count(DISTINCT hs_revision) FROM flows GROUP BY 1"
    ).fetchall()
    con.execute("ALTER TABLE flows RENAME TO flows_schema7")
    for dataset, revision, n_revisions in datasets:
        if n_revisions != 1:
            raise StoreError(
                f"dataset {dataset} holds {n_revisions} HS revisions, which schema "
                f"{SCHEMA_VERSION} cannot keep in one table; re-ingest its file"
            )
        name = table_name(dataset)
        con.execute(_TABLE_DDL.format(name=name))
        con.execute(
            f"INSERT INTO {name} SELECT {', '.join(STORED_COLUMNS)} FROM flows_schema7 "
            "WHERE source = ?",
            [dataset],
        )
        con.execute(
            "INSERT OR REPLACE INTO flow_tables VALUES (?, ?, ?)", [dataset, name, revision]
        )
    con.execute("DROP TABLE flows_schema7")
    rebuild_view(con)


__all__ = ["STORED_COLUMNS", "create", "rebuild_view", "split_legacy_table", "table_name"]
