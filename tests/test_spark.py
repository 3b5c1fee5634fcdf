"""The metrics engine on Spark (local mode) gives DuckDB's numbers on the same data."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from typer.testing import CliRunner

import asymmetry
from asymmetry.errors import StoreError
from asymmetry.metrics.dependence import dependencies
from asymmetry.metrics.profile import profile
from asymmetry.store.ingest_baci import ingest_baci
from asymmetry.store.spark import SparkStore, spark_session, to_spark_sql
from asymmetry.store.store import Store
from asymmetry.synth.baci import generate_baci

pytestmark = pytest.mark.slow
EXACT = 1e-12


def test_parameters_are_bound_in_the_syntax_tree() -> None:
    sql = to_spark_sql(
        "WITH t AS MATERIALIZED (SELECT * FROM flows WHERE exporter IN ($a, $b)) "
        "SELECT count(*) FROM t GROUP BY ALL",
        {"a": "RUS", "b": "x' OR '1'='1"},
    )
    assert "MATERIALIZED" not in sql
    # A quote in a value stays inside its string literal (no injection).
    assert "'RUS'" in sql and "x\\' OR \\'1\\'=\\'1" in sql
    assert to_spark_sql("SELECT kind FROM datasets WHERE id = ?", ["baci:x"]).endswith(
        "WHERE id = 'baci:x'"
    )
    with pytest.raises(StoreError, match=r"no value for parameter \$year"):
        to_spark_sql("SELECT 1 WHERE year = $year", {})


def test_in_a_list_parameter_is_an_in_list() -> None:
    """DuckDB's `x IN $list` once became `x IN ARRAY(...)`, a Spark syntax error."""
    sql = to_spark_sql("SELECT 1 FROM facts WHERE country IN $c OR partner IN $c", {"c": ["RUS"]})
    assert sql.endswith("WHERE country IN ('RUS') OR partner IN ('RUS')")
    assert to_spark_sql("SELECT 1 WHERE x IN $c", {"c": []}).endswith("x IN (NULL)")


@pytest.fixture(scope="module")
def stores(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Store, SparkStore]]:
    pytest.importorskip("pyspark")
    if shutil.which("java") is None:
        pytest.skip("Spark needs a Java runtime (java not on PATH)")
    root = tmp_path_factory.mktemp("spark")
    duck = asymmetry.open(root / "store.duckdb", defaults=False)
    for year in (2021, 2022):
        synth = generate_baci(root / str(year), rows=20_000, n_countries=30, n_products=300,
                              year=year, seed=3)  # fmt: skip
        ingest_baci(duck, [synth.data])
    session = spark_session("local[2]")
    session.sparkContext.setLogLevel("ERROR")
    spark = SparkStore.from_store(session, duck, folder=root / "parquet")
    yield duck, spark
    duck.close()
    session.stop()


def test_spark_prints_no_console_progress(stores: tuple[Store, SparkStore]) -> None:
    """Spark's stage progress bars once leaked into the CLI's stderr."""
    _, spark = stores
    assert spark.session.sparkContext.getConf().get("spark.ui.showConsoleProgress") == "false"


def test_profile_on_official_aggregates_runs_on_spark(
    stores: tuple[Store, SparkStore], default_store: Store, tmp_path: Path
) -> None:
    """A fresh store answers from the facts table; Spark once lacked it (and IN lists)."""
    duck, fixture_spark = stores
    try:
        spark = SparkStore.from_store(fixture_spark.session, default_store, folder=tmp_path)
        on_duck, on_spark = profile(default_store, "RUS", "CHN"), profile(spark, "RUS", "CHN")
    finally:  # the session's views are shared: give the other tests theirs back
        SparkStore.from_store(fixture_spark.session, duck, folder=tmp_path / "again")
    assert on_spark.source == on_duck.source == "aggregates"
    assert on_spark.shares == pytest.approx(on_duck.shares, rel=EXACT)


def _pairs(store: Store) -> list[tuple[str, str]]:
    top = store.query(
        "SELECT importer, exporter FROM flow_pairs WHERE year = 2022 "
        "ORDER BY value_usd DESC, importer, exporter LIMIT 3"
    )
    return [(str(r.importer), str(r.exporter)) for r in top.itertuples()]


def _same_profile(left: Any, right: Any) -> None:
    assert (left.year, left.dataset, left.source) == (right.year, right.dataset, right.source)
    for name in ("flows_usd", "totals_usd", "shares", "asymmetry", "hhi"):
        assert getattr(left, name) == pytest.approx(getattr(right, name), rel=EXACT), name
    for direction in ("a_to_b", "b_to_a"):
        l_rows, r_rows = left.composition[direction], right.composition[direction]
        assert [r["code"] for r in l_rows] == [r["code"] for r in r_rows]
        assert [r["value_usd"] for r in l_rows] == pytest.approx([r["value_usd"] for r in r_rows])
    assert len(left.series) == len(right.series) == 2
    for l_row, r_row in zip(left.series, right.series, strict=True):
        assert l_row["dataset"] == r_row["dataset"]
        numbers = [k for k, v in l_row.items() if isinstance(v, int | float)]
        assert [l_row[k] for k in numbers] == pytest.approx([r_row[k] for k in numbers], rel=EXACT)


def test_pair_profile_on_spark_equals_duckdb(stores: tuple[Store, SparkStore]) -> None:
    duck, spark = stores
    (a, b), (c, d) = _pairs(duck)[:2]  # two pairs, two years: each profile is ~6 s on Spark
    _same_profile(profile(duck, a, b), profile(spark, a, b))
    _same_profile(profile(duck, c, d, year=2021), profile(spark, c, d, year=2021))


@pytest.mark.parametrize("level", ["hs6", "hs4"])
def test_dependence_table_on_spark_equals_duckdb(
    stores: tuple[Store, SparkStore], level: str
) -> None:
    duck, spark = stores
    a, b = _pairs(duck)[0]
    left = dependencies(duck, a, on=b, level=level, top=None).table  # type: ignore[arg-type]
    right = dependencies(spark, a, on=b, level=level, top=None).table  # type: ignore[arg-type]
    assert len(left) == len(right) > 20
    key = ["product"]
    left, right = (
        left.sort_values(key).reset_index(drop=True),
        right.sort_values(key).reset_index(drop=True),
    )
    pd.testing.assert_frame_equal(left, right, check_dtype=False, rtol=1e-12)


def test_cli_engine_spark(
    stores: tuple[Store, SparkStore], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    from asymmetry.cli import app

    duck, _ = stores
    a, b = _pairs(duck)[0]
    # The CLI opens a named store read-only, which DuckDB refuses beside this process's
    # own writable connection: it reads a checkpointed copy, as another process would.
    duck.con.execute("CHECKPOINT")
    copy = tmp_path / "store.duckdb"
    shutil.copy(duck.path, copy)
    monkeypatch.setenv("ASYMMETRY_STORE", str(copy))
    monkeypatch.setenv("ASYMMETRY_SPARK_MASTER", "local[1]")
    runner = CliRunner()
    on_duck = runner.invoke(app, ["profile", a, b, "-f", "csv"])
    on_spark = runner.invoke(app, ["profile", a, b, "-f", "csv", "--engine", "spark"])
    assert on_duck.exit_code == 0 and on_spark.exit_code == 0, on_spark.output
    duck_rows = dict(line.split(",", 1) for line in on_duck.stdout.splitlines()[1:])
    spark_rows = dict(line.split(",", 1) for line in on_spark.stdout.splitlines() if "," in line)
    for metric in ("share_b_in_a_imports", "share_a_in_b_imports", "turnover_usd"):
        assert float(spark_rows[metric]) == pytest.approx(float(duck_rows[metric]), rel=EXACT)


def test_the_cli_on_spark_keeps_stderr_quiet(default_store_file: Path, tmp_path: Path) -> None:
    """A first `--engine spark` run printed log4j's profile, hostname and Hadoop warnings."""
    import os
    import subprocess
    import sys

    path = tmp_path / "store.duckdb"
    shutil.copy(default_store_file, path)
    env = {k: v for k, v in os.environ.items() if k != "SPARK_CONF_DIR"}
    env |= {"ASYMMETRY_STORE": str(path), "COLUMNS": "100"}
    command = [sys.executable, "-m", "asymmetry", "profile", "RUS", "CHN", "--engine", "spark"]
    done = subprocess.run(command, env=env, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    assert "RUS - CHN, 2023" in done.stdout
    said = " ".join(done.stderr.split())
    # the JVM itself announces Spark's incubator module; nothing else but the CLI may speak
    for expected in (
        "WARNING: Using incubator modules: jdk.incubator.vector",
        "spark: reading this store's tables (local mode); set $ASYMMETRY_SPARK_DATABASE "
        "to read a cluster's tables",
    ):
        said = said.replace(expected, "")
    assert not said.strip(), done.stderr
