"""The pages' worker process (`asymmetry.web.offload`): its results and errors are the
library's, a worker that dies is replaced, it follows the snapshot it is given and stops
with the server."""

from __future__ import annotations

import os
import shutil
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

import asymmetry
from asymmetry.errors import NoDataError, UnknownCountryError
from asymmetry.metrics.profile import profile
from asymmetry.store.store import Store
from asymmetry.web.errors import error_status
from asymmetry.web.offload import Offload, WorkerStopped


def _die(store: Store) -> None:
    os._exit(3)


def _worker_facts(store: Store) -> tuple[int, int, int, list[str]]:
    """(pid, niceness, ICIO nodes in the store it was given, the stores it holds open)."""
    from asymmetry.web import offload

    nodes = int(store.scalar("SELECT count(*) FROM io_nodes"))
    return os.getpid(), os.nice(0), nodes, list(offload._opened)


@pytest.fixture
def pool() -> Iterator[Offload]:
    offload = Offload(1)
    yield offload
    offload.close()


@pytest.fixture
def store_copy(default_store_file: Path, tmp_path: Path) -> Path:
    copy = tmp_path / "a" / "store.duckdb"
    copy.parent.mkdir()
    shutil.copyfile(default_store_file, copy)
    return copy


def test_results_and_errors_are_the_librarys(pool: Offload, store_copy: Path) -> None:
    with asymmetry.open(store_copy, read_only=True) as store:
        expected = profile(store, "RUS", "CHN", source="icio").to_dict()
        with pytest.raises(UnknownCountryError) as here:
            profile(store, "Rusia", "CHN")
    got = pool.run(store_copy, profile, "RUS", "CHN", source="icio").to_dict()
    assert got.keys() == expected.keys() and got["composition"].keys()
    for key in ("flows_usd", "totals_usd", "shares", "hhi"):  # sums in parallel: last digits
        assert got[key] == pytest.approx(expected[key], rel=1e-12)
    for way, parts in expected["composition"].items():
        assert [p["code"] for p in got["composition"][way]] == [p["code"] for p in parts]
    with pytest.raises(UnknownCountryError) as there:
        pool.run(store_copy, profile, "Rusia", "CHN")
    # the same message (its __init__ would have wrapped the message in a second "unknown
    # country"), the same attributes, the same HTTP status
    assert str(there.value) == str(here.value) and there.value.suggestions
    assert there.value.suggestions == here.value.suggestions and there.value.value == "Rusia"
    with pytest.raises(NoDataError, match="no goods flows"):
        pool.run(store_copy, profile, "RUS", "CHN", source="flows")


def test_a_worker_that_dies_is_a_503_and_is_replaced(pool: Offload, store_copy: Path) -> None:
    first, *_ = pool.run(store_copy, _worker_facts)
    with pytest.raises(WorkerStopped, match="stopped unexpectedly; retry") as caught:
        pool.run(store_copy, _die)
    assert error_status(caught.value) == 503
    again, niceness, nodes, _ = pool.run(store_copy, _worker_facts)
    assert again != first and niceness >= 10 and nodes > 0  # a new worker, at low priority


def test_the_worker_follows_the_snapshot_and_stops_with_the_server(
    pool: Offload, store_copy: Path, tmp_path: Path
) -> None:
    empty = tmp_path / "b" / "store.duckdb"
    empty.parent.mkdir()
    with asymmetry.open(empty, defaults=False):
        pass  # the schema and countries, no ICIO network
    pid, _, nodes, held = pool.run(store_copy, _worker_facts)
    assert nodes > 0 and held == [str(store_copy)]
    same, _, none, held = pool.run(empty, _worker_facts)
    assert same == pid and none == 0 and held == [str(empty)]  # the older one closed
    assert pool.run(store_copy, _worker_facts)[2] == nodes
    pool.close()
    deadline = time.monotonic() + 5
    while Path(f"/proc/{pid}").exists() and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not Path(f"/proc/{pid}").exists() or "Z" in Path(f"/proc/{pid}/stat").read_text()
    with pytest.raises(WorkerStopped, match="shutting down"):
        pool.run(store_copy, _worker_facts)
