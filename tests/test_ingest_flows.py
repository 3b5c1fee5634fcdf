"""The checks pass of `ingest_flows`: the duplicate-key proof and its exact fallback."""

from __future__ import annotations

import hashlib
import tempfile
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import asymmetry
from asymmetry.errors import IngestError
from asymmetry.store import flow_tables, ingest_flows
from asymmetry.store.ingest_flows import _DUPLICATE, CHECKS, _violations
from asymmetry.store.provenance import BackgroundHash
from asymmetry.store.store import Store

Key = tuple[int, str, str, str, str | None]  # year, exporter, importer, product, reporter


@pytest.fixture(scope="module")
def store() -> Iterator[Store]:
    with tempfile.TemporaryDirectory() as tmp:
        store = asymmetry.open(Path(tmp) / "s.duckdb", defaults=False)
        yield store
        store.close()


def _load(store: Store, keys: list[Key]) -> None:
    """Store ``keys`` as dataset "t", in this order (one small insert keeps it)."""
    table = flow_tables.create(store.con, "x", "HS22")  # empty
    if not keys:
        return
    values = ", ".join(
        f"({y}, '{e}', '{i}', '{p}', 1.0, {'NULL' if r is None else repr(r)})"
        for y, e, i, p, r in keys
    )
    store.con.execute(
        f"INSERT INTO {table} (year, exporter, importer, product, value_usd, reporter) "
        f"VALUES {values}"
    )


def _duplicates(store: Store) -> int:
    return _violations(store.con, "x", CHECKS)[_DUPLICATE]


def _spy(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Record each call of the exact distinct count (and still run it)."""
    calls: list[int] = []
    exact = ingest_flows._duplicates

    def counted(con: object, dataset_id: str) -> int:
        calls.append(1)
        return exact(con, dataset_id)  # type: ignore[arg-type]

    monkeypatch.setattr(ingest_flows, "_duplicates", counted)
    return calls


keys = st.tuples(
    st.sampled_from([2021, 2022]),
    st.sampled_from(["AAA", "BBB", "CCC"]),
    st.sampled_from(["AAA", "BBB"]),
    st.sampled_from(["010111", "010112", "270900"]),
    st.sampled_from([None, "AAA"]),
)


@settings(max_examples=100, deadline=None)
@given(rows=st.lists(keys, max_size=25), grouped=st.booleans())
def test_duplicate_count_matches_brute_force(store: Store, rows: list[Key], grouped: bool) -> None:
    """In any order, grouped and sorted (the proof) or not (the exact count)."""
    if grouped:
        rows = sorted(rows, key=lambda k: (k[0], k[1], k[2], k[4] or "", k[3]))
    _load(store, rows)
    expected = sum(n - 1 for n in Counter(rows).values())
    assert _duplicates(store) == expected


def test_grouped_sorted_rows_need_no_distinct_count(
    store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls = _spy(monkeypatch)
    _load(
        store,
        [
            (2022, "USA", "CHN", "010111", None),
            (2022, "USA", "CHN", "270900", None),
            (2022, "USA", "RUS", "010111", None),
            (2022, "CHN", "USA", "010111", None),
            (2022, "CHN", "USA", "010112", None),
        ],
    )
    assert _duplicates(store) == 0 and calls == []


USA_CHN = (2022, "USA", "CHN", "010111", None)
USA_RUS = (2022, "USA", "RUS", "010111", None)


@pytest.mark.parametrize(
    ("rows", "expected"),
    [
        # a pair in two runs, no duplicate: the proof fails, the exact count says 0
        (
            [USA_CHN, USA_RUS, (2022, "USA", "CHN", "270900", None)],
            0,
        ),
        # the same pair in two runs, one product in both: a duplicate
        (
            [USA_CHN, USA_RUS, USA_CHN],
            1,
        ),
        # adjacent equal keys: products do not rise strictly
        ([USA_CHN] * 3, 2),
    ],
)
def test_rows_the_proof_cannot_clear_get_the_exact_count(
    store: Store, monkeypatch: pytest.MonkeyPatch, rows: list[Key], expected: int
) -> None:
    calls = _spy(monkeypatch)
    _load(store, rows)
    assert _duplicates(store) == expected and calls == [1]


def test_reporter_is_part_of_the_key(store: Store) -> None:
    """Two customs' reports of one flow are not duplicates, even adjacent."""
    _load(store, [(2022, "USA", "CHN", "010111", "CHN"), (2022, "USA", "CHN", "010111", "USA")])
    assert _duplicates(store) == 0


def test_background_hash_is_the_files_sha256_and_fails_as_an_ingest_error(
    tmp_path: Path,
) -> None:
    path = tmp_path / "f.csv"
    path.write_bytes(b"t,i,j,k,v,q\n" * 100_000)
    assert BackgroundHash(path).result() == hashlib.sha256(path.read_bytes()).hexdigest()
    missing = BackgroundHash(tmp_path / "gone.csv")
    with pytest.raises(IngestError, match=r"gone\.csv.*cannot read file"):
        missing.result()
