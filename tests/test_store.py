"""Store lifecycle: defaults on creation, read-only opening, schema migration."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

import asymmetry
from asymmetry.errors import StoreError
from asymmetry.store import flow_tables
from asymmetry.store.schema import SCHEMA_VERSION
from asymmetry.store.store import Store


def test_read_only_needs_an_existing_store(tmp_path: Path) -> None:
    with pytest.raises(StoreError, match="does not exist"):
        asymmetry.open(tmp_path / "nope.duckdb", read_only=True)


def test_read_only_refuses_writes(default_store_file: Path, tmp_path: Path) -> None:
    path = tmp_path / "s.duckdb"
    shutil.copy(default_store_file, path)
    with asymmetry.open(path, read_only=True) as store:
        transaction = store.transaction()
        with pytest.raises(StoreError, match="read-only"):
            transaction.__enter__()


def test_env_var_chooses_the_store(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ASYMMETRY_STORE", str(tmp_path / "env.duckdb"))
    with asymmetry.open(defaults=False) as store:
        assert store.path == tmp_path / "env.duckdb"


# `flows` as schema 7 and earlier kept it: one table, every dataset's rows in it.
_LEGACY_FLOWS = """
DROP VIEW flows;
DROP TABLE flow_tables;
CREATE TABLE flows (year SMALLINT NOT NULL, exporter VARCHAR NOT NULL, importer VARCHAR NOT NULL,
    product VARCHAR NOT NULL, hs_revision VARCHAR NOT NULL, value_usd DOUBLE, quantity DOUBLE,
    source VARCHAR NOT NULL, reporter VARCHAR);
INSERT INTO flows VALUES (2022, 'RUS', 'CHN', '270900', 'HS17', 5, NULL, 'x', NULL),
    (2022, 'RUS', 'CHN', '271121', 'HS17', 2, 1.5, 'x', NULL),
    (2021, 'CHN', 'RUS', '8471', 'HS92', 3, NULL, 'comtrade:y''s', 'RUS');
"""
_LEGACY_ROWS = [
    (2021, "CHN", "RUS", "8471", "HS92", 3.0, None, "comtrade:y's", "RUS"),
    (2022, "RUS", "CHN", "270900", "HS17", 5.0, None, "x", None),
    (2022, "RUS", "CHN", "271121", "HS17", 2.0, 1.5, "x", None),
]


def test_version_1_store_is_migrated(default_store_file: Path, tmp_path: Path) -> None:
    path = tmp_path / "old.duckdb"
    shutil.copy(default_store_file, path)
    with asymmetry.open(path) as store:
        expected = store.scalar("SELECT sum(value_usd) FROM io_trade")
        store.con.execute("DROP TABLE io_trade")
        store.con.execute(_LEGACY_FLOWS)
        store.con.execute("UPDATE meta SET value = '1' WHERE key = 'schema_version'")
    with asymmetry.open(path) as store:
        assert store.schema_version() == SCHEMA_VERSION
        assert store.scalar("SELECT sum(value_usd) FROM io_trade") == pytest.approx(expected)
        by_hand = store.scalar(
            "SELECT sum(value_usd) FROM io_flows WHERE seller_country = 'CHN' "
            "AND buyer_country = 'RUS'"
        )
        assert store.scalar(
            "SELECT sum(value_usd) FROM io_trade WHERE seller_country = 'CHN' "
            "AND buyer_country = 'RUS'"
        ) == pytest.approx(by_hand)


def test_version_3_store_gets_its_pair_sums(empty_store: Store, tmp_path: Path) -> None:
    path = empty_store.path
    empty_store.con.execute(_LEGACY_FLOWS)
    empty_store.con.execute("DROP TABLE flow_pairs")
    empty_store.con.execute("UPDATE meta SET value = '3' WHERE key = 'schema_version'")
    empty_store.close()
    with asymmetry.open(path) as store:
        assert store.schema_version() == SCHEMA_VERSION
        rows = store.con.execute(
            "SELECT exporter, importer, value_usd, n_rows FROM flow_pairs ORDER BY 1"
        )
        assert rows.fetchall() == [("CHN", "RUS", 3.0, 1), ("RUS", "CHN", 7.0, 2)]


def test_version_7_flows_become_a_table_per_dataset(empty_store: Store) -> None:
    """Schema 8 keeps each dataset's rows in a table of its own (without the two columns
    that are one value per dataset); the `flows` view gives back exactly the old rows."""
    path = empty_store.path
    empty_store.con.execute(_LEGACY_FLOWS)
    empty_store.con.execute("UPDATE meta SET value = '7' WHERE key = 'schema_version'")
    empty_store.close()
    with asymmetry.open(path) as store:
        assert store.schema_version() == SCHEMA_VERSION
        assert store.con.execute("SELECT * FROM flows ORDER BY ALL").fetchall() == _LEGACY_ROWS
        kinds = store.con.execute(
            "SELECT table_name, table_type FROM information_schema.tables "
            "WHERE table_name LIKE 'flows%' ORDER BY 1"
        ).fetchall()
        assert kinds == sorted(
            [
                ("flows", "VIEW"),
                *((flow_tables.table_name(d), "BASE TABLE") for d in ("x", "comtrade:y's")),
            ]
        )
        # a read of one dataset scans its table alone
        assert store.scalar("SELECT count(*) FROM flows WHERE source = ?", ["x"]) == 2


def test_table_names_are_safe_and_distinct() -> None:
    names = {flow_tables.table_name(d) for d in ("baci:hs17-v1", "baci:HS17-V1", "a'b; DROP", "")}
    assert len(names) == 4
    assert all(re.fullmatch(r"flows__[a-z0-9_]*_[0-9a-f]{10}", n) for n in names)


def test_unopenable_path_gives_a_clear_error(tmp_path: Path) -> None:
    bad = tmp_path / "dir.duckdb"
    bad.mkdir()
    with pytest.raises(StoreError, match="cannot open store"):
        asymmetry.open(bad)


def test_memo_is_kept_only_while_the_store_cannot_change(default_store_file: Path) -> None:
    calls: list[int] = []

    def compute() -> int:
        calls.append(1)
        return len(calls)

    with Store(default_store_file, read_only=True) as store:
        view = store.cursor()
        assert store.memo("k", compute) == 1
        assert view.memo("k", compute) == 1  # cursors share their connection's memo
        assert view.remembered("k") == 1
        view.close()
    assert len(calls) == 1
    with Store(default_store_file) as writable:  # its data may change: never kept
        assert writable.memo("k", compute) == 2
        assert writable.memo("k", compute) == 3
        assert writable.remembered("k") is None
