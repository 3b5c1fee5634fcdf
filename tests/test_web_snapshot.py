"""Ingest while serving: the server reads a snapshot and switches when an ingest commits."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

import httpx
import pytest

import asymmetry
from asymmetry.store.ingest_tidy import ingest_table
from asymmetry.web.state import Snapshot, SnapshotStores
from tests.live_server import serve

TIDY = """year,exporter,importer,product,value_usd,quantity
2019,CHN,RUS,847130,1000000,3
2019,RUS,CHN,270900,2500000,
"""
HS17 = ("--hs-revision", "HS17")
# The server polls every second and copies in well under one; on a busy machine its
# first warming (the ICIO solve) may delay the first switch by some seconds.
SWITCH_SECONDS = 60.0


def no_warming(snapshot: Snapshot, previous: Snapshot | None) -> None:
    """Tests of switching need no ICIO results."""


def flow_count(stores: SnapshotStores) -> int:
    with stores.handle() as db:
        return int(db.scalar("SELECT count(*) FROM flows"))


@pytest.fixture
def store_copy(default_store_file: Path, tmp_path: Path) -> Path:
    path = tmp_path / "store.duckdb"
    shutil.copy(default_store_file, path)
    return path


@pytest.fixture
def tidy_file(tmp_path: Path) -> Path:
    path = tmp_path / "flows.csv"
    path.write_text(TIDY)
    return path


def test_a_snapshot_holds_no_lock_and_switches_after_a_commit(
    store_copy: Path, tidy_file: Path
) -> None:
    stores = SnapshotStores(store_copy, poll_seconds=None, prepare=no_warming)
    try:
        assert not stores.refresh()  # nothing changed
        with stores.lease() as old:
            # a writer opens the store while the server holds a snapshot
            with asymmetry.open(store_copy) as writer:
                ingest_table(writer, tidy_file, hs_revision="HS17")
            assert stores.refresh()
            assert stores.current.generation == old.generation + 1
            with old.handle() as db:  # a request in flight still reads its own state
                assert db.scalar("SELECT count(*) FROM flows") == 0
            assert flow_count(stores) == 2
            assert old.copy.exists()
        assert not old.copy.exists()  # deleted after its last user left
        assert old.cache is not stores.current.cache  # results never cross states
    finally:
        stores.close()
    assert not stores.current.copy.exists()


def test_a_store_being_written_keeps_the_current_snapshot(store_copy: Path) -> None:
    """While a writer is in (its transaction uncommitted), nothing half-written is served."""
    stores = SnapshotStores(
        store_copy, poll_seconds=None, prepare=no_warming, lock_wait_seconds=0.2
    )
    writer = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import duckdb, sys\n"
            f"con = duckdb.connect({str(store_copy)!r})\n"
            "con.execute('BEGIN')\n"
            "con.execute(\"INSERT INTO countries VALUES ('XXA', 999, 'Half-written')\")\n"
            "print('ready', flush=True)\n"
            "sys.stdin.readline()\n"
            "con.execute('COMMIT')\n"
            "con.close()\n",
        ],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert writer.stdout is not None and writer.stdin is not None
        assert writer.stdout.readline().strip() == "ready"
        os.utime(store_copy)  # the file looks changed, but a writer holds it
        assert not stores.refresh()
        with stores.handle() as db:
            assert not db.scalar("SELECT count(*) FROM countries WHERE iso3 = 'XXA'")
        writer.stdin.write("\n")
        writer.stdin.flush()
        assert writer.wait(timeout=30) == 0
        assert stores.refresh()
        with stores.handle() as db:
            assert db.scalar("SELECT name FROM countries WHERE iso3 = 'XXA'") == "Half-written"
    finally:
        writer.kill()
        stores.close()


@pytest.mark.slow
def test_ingest_while_serving(store_copy: Path, tidy_file: Path) -> None:
    """A real server and a real `asymmetry ingest` in another process, over loopback."""
    statuses: list[int] = []
    stop = threading.Event()

    def clients(url: str) -> None:
        with httpx.Client(base_url=url, timeout=30.0) as http:
            while not stop.is_set():
                for path in ("/healthz", "/api/years", "/api/profile?a=RUS&b=CHN"):
                    statuses.append(http.get(path).status_code)

    with serve(store_copy, "--threads", "2") as url:
        before = httpx.get(f"{url}/api/years", timeout=30.0).json()["flows"]
        assert 2019 not in before
        load = threading.Thread(target=clients, args=(url,))
        load.start()
        try:
            env = {**os.environ, "ASYMMETRY_STORE": str(store_copy)}
            ingest = subprocess.run(
                [sys.executable, "-m", "asymmetry", "ingest", "csv", str(tidy_file), *HS17],
                env=env,
                capture_output=True,
                text=True,
                timeout=120,
            )
            assert ingest.returncode == 0, ingest.stdout + ingest.stderr
            deadline = time.monotonic() + SWITCH_SECONDS
            while 2019 not in httpx.get(f"{url}/api/years", timeout=30.0).json()["flows"]:
                assert time.monotonic() < deadline, "the server never served the ingest"
                time.sleep(0.2)
            got = httpx.get(
                f"{url}/api/profile",
                params={"a": "RUS", "b": "CHN", "year": 2019, "source": "flows"},
                timeout=30.0,
            )
            assert got.status_code == 200, got.text
            assert got.json()["turnover_usd"] == pytest.approx(3_500_000)
        finally:
            stop.set()
            load.join(timeout=60)
    assert statuses and set(statuses) == {200}


@pytest.mark.filterwarnings("ignore:Using `httpx` with `starlette.testclient`")
def test_a_page_is_rendered_once_per_url_and_snapshot(store_copy: Path) -> None:
    from fastapi.testclient import TestClient

    from asymmetry.web.app import create_app

    app = create_app(store_copy, poll_seconds=None)
    try:
        with TestClient(app, base_url="http://localhost") as http:  # a served Host
            first = http.get("/levers", params={"sender": "CHN", "target": "RUS"})
            again = http.get("/levers", params={"sender": "CHN", "target": "RUS"})
            other = http.get("/levers", params={"sender": "USA", "target": "RUS"})
        assert first.status_code == again.status_code == other.status_code == 200
        assert again.text == first.text and other.text != first.text
        cache = app.state.stores.current.cache
        kept = cache.peek(("page", "/levers", "sender=CHN&target=RUS"))
        assert kept is not None and kept[0].decode() == first.text
    finally:
        app.state.stores.close()


def test_a_copy_that_fails_is_a_clear_error(
    store_copy: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from asymmetry.errors import StoreError
    from asymmetry.web import state

    def full(*args: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(state.shutil, "copyfile", full)
    with pytest.raises(StoreError, match=r"No space left on device.*\$TMPDIR"):
        SnapshotStores(store_copy, poll_seconds=None, prepare=no_warming)


@pytest.mark.filterwarnings("ignore:Using `httpx` with `starlette.testclient`")
def test_a_repeated_get_is_replayed_before_routing(
    store_copy: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The second GET of a URL is answered from the snapshot's edge cache: no store
    handle, no handler; the same bytes and the same security headers. Errors and HEAD
    are never kept."""
    from fastapi.testclient import TestClient

    from asymmetry.web.app import create_app
    from asymmetry.web.edge_cache import EDGE
    from asymmetry.web.state import Snapshot

    handles = 0
    real_handle = Snapshot.handle

    def counted(self: Snapshot) -> Any:
        nonlocal handles
        handles += 1
        return real_handle(self)

    monkeypatch.setattr(Snapshot, "handle", counted)
    app = create_app(store_copy, poll_seconds=None)
    try:
        with TestClient(app, base_url="http://localhost") as http:
            params = {"sender": "CHN", "target": "RUS"}
            first = http.get("/levers", params=params)
            opened = handles
            again = http.get("/levers", params=params)
            assert handles == opened > 0  # replayed: no store handle opened
            assert again.content == first.content and again.status_code == 200
            assert (
                again.headers["content-security-policy"] == first.headers["content-security-policy"]
            )
            assert again.headers["x-content-type-options"] == "nosniff"
            missing = http.get("/api/profile", params={"a": "RUS", "b": "XXX"})
            head = http.head("/api/countries")
        cache = app.state.stores.current.cache
        kept = cache.peek((EDGE, "/levers", b"sender=CHN&target=RUS"))
        assert kept is not None and kept[1] == first.content
        assert missing.status_code == 404
        assert cache.peek((EDGE, "/api/profile", b"a=RUS&b=XXX")) is None
        assert head.status_code in (200, 405) and cache.peek((EDGE, "/api/countries", b"")) is None
    finally:
        app.state.stores.close()
