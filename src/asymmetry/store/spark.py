"""The metrics engine on Apache Spark: the same SQL, translated by SQLGlot.

Every metric talks to its store through ``query(sql, params)`` and
``scalar(sql, params)`` with DuckDB SQL. `SparkStore` keeps that interface:
it parses each statement with SQLGlot's DuckDB dialect, binds the parameters
as literals in the syntax tree (never by pasting text), drops what Spark
lacks (``AS MATERIALIZED`` on a CTE) and runs the Spark SQL rendering on a
`SparkSession`. `profile` and `dependencies` then run unchanged.

The tables are read by name (flows, flow_pairs, products, countries,
datasets, io_nodes, io_trade): from a metastore database on a cluster
(``database``), or, in local mode, registered from a DuckDB store exported to
Parquet (`SparkStore.from_store`).
"""

from __future__ import annotations

import tempfile
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd
import sqlglot
from sqlglot import exp

from asymmetry.errors import StoreError
from asymmetry.store.store import Store

if TYPE_CHECKING:
    from pyspark.sql import SparkSession

MASTER_ENV = "ASYMMETRY_SPARK_MASTER"
DATABASE_ENV = "ASYMMETRY_SPARK_DATABASE"
QUIET_LOG4J = Path(__file__).with_name("spark-log4j2.properties")
# The tables the metrics read (views in the DuckDB store are materialised).
TABLES = (
    "flows",
    "flow_pairs",
    "products",
    "countries",
    "datasets",
    "io_nodes",
    "io_trade",
    "facts",
)


def _literal(value: Any) -> exp.Expression:
    if value is None:
        return exp.Null()
    if isinstance(value, bool):
        return exp.Boolean(this=value)
    if isinstance(value, int | float):
        return exp.Literal.number(value)
    if isinstance(value, list | tuple):
        return exp.Array(expressions=[_literal(v) for v in value])
    return exp.Literal.string(str(value))


def to_spark_sql(sql: str, params: Sequence[Any] | Mapping[str, Any] | None = None) -> str:
    """DuckDB SQL with ``$name`` or ``?`` parameters -> one Spark SQL statement."""
    tree = sqlglot.parse_one(sql, read="duckdb")
    positional = list(params) if isinstance(params, Sequence) else []
    named = dict(params) if isinstance(params, Mapping) else {}

    def bind(node: exp.Expression) -> exp.Expression:
        field = node.args.get("field") if isinstance(node, exp.In) else None
        if isinstance(field, exp.Placeholder) and isinstance(named.get(field.this), list | tuple):
            # DuckDB's `x IN $list` is Spark's `x IN (a, b)`; IN (NULL) matches nothing.
            values = [_literal(v) for v in named[field.this]] or [exp.Null()]
            return exp.In(this=node.this, expressions=values)
        if isinstance(node, exp.Placeholder):
            name = node.this  # None for a positional "?"
            if name:
                if name not in named:
                    raise StoreError(f"no value for parameter ${name} in: {sql.strip()[:80]}")
                return _literal(named[name])
            if not positional:
                raise StoreError(f"too few parameters for: {sql.strip()[:80]}")
            return _literal(positional.pop(0))
        if isinstance(node, exp.CTE) and node.args.get("materialized") is not None:
            node.set("materialized", None)  # Spark has no AS MATERIALIZED
        return node

    return tree.transform(bind).sql(dialect="spark")


class SparkStore(Store):
    """A read-only `Store` whose queries run on Spark (see module doc)."""

    engine = "spark"

    def __init__(self, session: SparkSession, *, database: str | None = None) -> None:
        self.session = session
        self.database = database
        self.path = Path(f"spark:{database or 'temporary views'}")
        self.read_only = True
        if database:
            session.catalog.setCurrentDatabase(database)

    @classmethod
    def from_store(
        cls, session: SparkSession, store: Store, *, folder: str | Path | None = None
    ) -> SparkStore:
        """Local mode: the DuckDB store's tables as Parquet, registered as Spark views."""
        target = Path(folder or tempfile.mkdtemp(prefix="asymmetry-spark-"))
        target.mkdir(parents=True, exist_ok=True)
        for table in TABLES:
            path = target / f"{table}.parquet"
            quoted = str(path).replace("'", "''")  # COPY takes no parameter for its target
            store.con.execute(f"COPY (SELECT * FROM {table}) TO '{quoted}' (FORMAT parquet)")
            session.read.parquet(str(path)).createOrReplaceTempView(table)
        return cls(session)

    def query(self, sql: str, params: Sequence[Any] | dict[str, Any] | None = None) -> pd.DataFrame:
        frame: pd.DataFrame = self.session.sql(to_spark_sql(sql, params)).toPandas()
        return frame

    def rows(
        self, sql: str, params: Sequence[Any] | dict[str, Any] | None = None
    ) -> list[tuple[Any, ...]]:
        return [tuple(row) for row in self.session.sql(to_spark_sql(sql, params)).collect()]

    def scalar(self, sql: str, params: Sequence[Any] | dict[str, Any] | None = None) -> Any:
        rows = self.session.sql(to_spark_sql(sql, params)).take(1)
        return rows[0][0] if rows else None

    def close(self) -> None:
        """The session belongs to the caller; nothing to release here."""

    def __repr__(self) -> str:
        return f"SparkStore({self.path})"


def spark_session(master: str | None = None, app_name: str = "asymmetry") -> SparkSession:
    """A session on ``master`` (default ``$ASYMMETRY_SPARK_MASTER`` or ``local[*]``)."""
    import os

    try:
        from pyspark.sql import SparkSession
    except ImportError as exc:
        raise StoreError("the Spark engine needs pyspark: pip install pyspark") from exc
    builder = SparkSession.builder.appName(app_name).master(
        master or os.environ.get(MASTER_ENV, "local[*]")
    )
    # Exact results: no adaptive re-planning noise in tests, UTC timestamps.
    # No console progress bars: they would interleave with the CLI's output on stderr.
    builder = (
        builder.config("spark.sql.session.timeZone", "UTC")
        .config("spark.ui.enabled", "false")
        .config("spark.ui.showConsoleProgress", "false")
    )
    # Nor the driver's start-up log lines (log4j's default profile, hostname and
    # native-library warnings), unless the user's own Spark configuration says how to log.
    if "SPARK_CONF_DIR" not in os.environ:
        builder = builder.config(
            "spark.driver.extraJavaOptions", f"-Dlog4j2.configurationFile={QUIET_LOG4J.as_uri()}"
        )
    return builder.getOrCreate()
