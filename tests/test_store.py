"""Store lifecycle: defaults on creation, read-only opening, schema migration."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

import asymmetry
from asymmetry.errors import StoreError
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


def test_version_1_store_is_migrated(default_store_file: Path, tmp_path: Path) -> None:
    path = tmp_path / "old.duckdb"
    shutil.copy(default_store_file, path)
    with asymmetry.open(path) as store:
        expected = store.scalar("SELECT sum(value_usd) FROM io_trade")
        store.con.execute("DROP TABLE io_trade")
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
    empty_store.con.execute(
        "INSERT INTO flows (year, exporter, importer, product, hs_revision, value_usd, source) "
        "VALUES (2022, 'RUS', 'CHN', '270900', 'HS17', 5, 'x'), "
        "(2022, 'RUS', 'CHN', '271121', 'HS17', 2, 'x')"
    )
    empty_store.con.execute("DROP TABLE flow_pairs")
    empty_store.con.execute("UPDATE meta SET value = '3' WHERE key = 'schema_version'")
    empty_store.close()
    with asymmetry.open(path) as store:
        assert store.schema_version() == SCHEMA_VERSION
        rows = store.con.execute("SELECT exporter, importer, value_usd, n_rows FROM flow_pairs")
        assert rows.fetchall() == [("RUS", "CHN", 7.0, 2)]


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
