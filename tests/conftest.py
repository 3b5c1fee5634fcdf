"""Shared fixtures: stores in temp dirs, the real reference data in ../shared."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest

import asymmetry
from asymmetry.store.store import Store

SHARED = Path(__file__).resolve().parents[2] / "shared"


@pytest.fixture(scope="session")
def shared_data() -> Path:
    """``../shared/data``; tests that need it skip cleanly when it is absent."""
    path = SHARED / "data"
    if not path.is_dir():
        pytest.skip(f"reference data not found at {path} (../shared is absent)")
    return path


@pytest.fixture(scope="session")
def seeds() -> Path:
    path = SHARED / "seeds"
    if not path.is_dir():
        pytest.skip(f"seed papers not found at {path} (../shared is absent)")
    return path


@pytest.fixture
def empty_store(tmp_path: Path) -> Iterator[Store]:
    """A store with the schema and countries but no default data (fast)."""
    store = asymmetry.open(tmp_path / "store.duckdb", defaults=False)
    yield store
    store.close()


@pytest.fixture(scope="session")
def default_store_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A store built once with the embedded defaults (ICIO network, facts)."""
    path = tmp_path_factory.mktemp("default") / "store.duckdb"
    asymmetry.open(path).close()
    return path


@pytest.fixture(scope="session")
def readonly_store(
    default_store_file: Path, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Store]:
    """A copy of the default store opened read-only once for the session, for tests that
    only read: what its memo keeps (the ICIO matrices, the network's LU factors) is
    computed once. A copy, because DuckDB refuses a writable open of a file this process
    holds read-only (some tests open ``default_store_file`` writable)."""
    path = tmp_path_factory.mktemp("readonly") / "store.duckdb"
    shutil.copy(default_store_file, path)
    store = asymmetry.open(path, read_only=True)
    yield store
    store.close()


@pytest.fixture
def default_store(default_store_file: Path, tmp_path: Path) -> Iterator[Store]:
    """A private copy of the default store, free to modify."""
    path = tmp_path / "store.duckdb"
    shutil.copy(default_store_file, path)
    store = asymmetry.open(path)
    yield store
    store.close()


@pytest.fixture
def store_env(default_store_file: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A private default store, named by $ASYMMETRY_STORE for CLI tests."""
    path = tmp_path / "store.duckdb"
    shutil.copy(default_store_file, path)
    monkeypatch.setenv("ASYMMETRY_STORE", str(path))
    return path


def snapshot(store: Store) -> dict[str, tuple[int, int]]:
    """Row count and an order-independent content hash of every table in the store.

    The tables come from DuckDB's catalog, not a list here, so a table added by a
    change (or by a failed ingest) cannot escape the comparison.
    """
    tables = store.con.execute(
        "SELECT schema_name, table_name FROM duckdb_tables() "
        "WHERE database_name = current_database() AND NOT temporary ORDER BY ALL"
    ).fetchall()
    out = {}
    for schema, table in tables:
        row = store.con.execute(
            f'SELECT count(*), coalesce(sum(hash(t)::HUGEINT), 0) FROM "{schema}"."{table}" t'
        ).fetchone()
        assert row is not None
        out[f"{schema}.{table}"] = (int(row[0]), int(row[1]))
    return out


# Five countries, four HS17 products (crude, chips, computers, cars), four years:
# enough for every metric to answer, and far from a full year of trade.
SLICE_COUNTRIES = ("RUS", "CHN", "DEU", "KOR", "KAZ")
SLICE_PRODUCTS = ("270900", "854231", "847130", "870323")


@pytest.fixture(scope="session")
def slice_table(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A tidy flow table (2020-2023) that covers a small slice of each year's trade."""
    path = tmp_path_factory.mktemp("slice") / "slice.csv"
    rng = np.random.default_rng(1)
    rows = ["year,exporter,importer,product,value_usd"]
    for year in range(2020, 2024):
        for exporter in SLICE_COUNTRIES:
            for importer in SLICE_COUNTRIES:
                if exporter != importer:
                    rows += [
                        f"{year},{exporter},{importer},{product},{rng.integers(1, 100) * 1000}"
                        for product in SLICE_PRODUCTS
                    ]
    path.write_text("\n".join(rows) + "\n")
    return path
