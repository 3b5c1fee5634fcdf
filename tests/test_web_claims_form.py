"""The dashboard's claims form goes through the bounded claims pool as the API does, and a
claims worker cannot take more memory than the server allows. Against a real server over
loopback with one worker, a 3 s budget and a 100 MiB memory cap; every wait is bounded."""

from __future__ import annotations

import shutil
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlparse

import httpx
import pytest

from tests.live_server import serve

SMALL = "Sino-Russian trade turnover was $120 billion in 2021."  # China GAC: 146.9 bn
SLOW = "2021 " * 40_000  # 200 KB of years: ~20 s of extraction, no claims
pytestmark = pytest.mark.skipif(not Path("/proc").is_dir(), reason="reads processes from /proc")


@pytest.fixture(scope="module")
def server(default_store_file: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    store = tmp_path_factory.mktemp("claims-form") / "store.duckdb"
    shutil.copy(default_store_file, store)
    options = ["--claims-workers", "1", "--claims-max-seconds", "3"]
    with serve(store, *options, "--claims-max-memory-mb", "100", "--max-upload-mb", "45") as url:
        checked = httpx.post(f"{url}/claims", data={"text": SMALL}, timeout=60)
        assert checked.status_code == 200  # the worker is started and warm
        yield url


def _claims_workers(url: str) -> set[int]:
    """Process ids of the claims workers of the server listening at ``url``."""
    port = str(urlparse(url).port)
    processes = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            argv = (entry / "cmdline").read_bytes().split(b"\0")
            stat = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if stat[0] != "Z":
            processes[int(entry.name)] = (int(stat[1]), argv)
    servers = {
        pid for pid, (_, argv) in processes.items() if b"serve" in argv and port.encode() in argv
    }
    return {
        pid
        for pid, (parent, argv) in processes.items()
        if parent in servers and any(b"multiprocessing.spawn" in a for a in argv)
    }


def test_a_form_check_cut_by_its_time_budget_says_so_on_the_page(server: str) -> None:
    text = SMALL + " " + SLOW[:195_000]  # under the 200,000 characters: only time cuts
    start = time.monotonic()
    answer = httpx.post(f"{server}/claims", data={"text": text}, timeout=60)
    assert answer.status_code == 200 and time.monotonic() - start < 15
    assert '<mark class="discrepant"' in answer.text  # the claim read before the cut
    (cut,) = [line for line in answer.text.splitlines() if 'data-testid="claims-cut"' in line]
    assert "Incomplete: stopped after 3 s, having checked " in cut
    assert "raise with asymmetry serve --claims-max-seconds" in cut


def test_a_full_pool_answers_the_form_with_503_and_a_client_that_leaves_frees_it(
    server: str,
) -> None:
    (worker,) = _claims_workers(server)
    gave_up = threading.Event()

    def impatient() -> None:
        with pytest.raises(httpx.TimeoutException):
            httpx.post(f"{server}/claims", data={"text": SLOW}, timeout=1.2)
        gave_up.set()

    client = threading.Thread(target=impatient)
    client.start()
    time.sleep(0.5)
    start = time.perf_counter()
    busy = httpx.post(f"{server}/claims", files={"file": ("a.txt", SMALL.encode())}, timeout=10)
    health = httpx.get(f"{server}/healthz", timeout=10)
    assert health.status_code == 200 and time.perf_counter() - start < 1.0
    assert busy.status_code == 503 and busy.headers["retry-after"] == "5"
    assert busy.headers["content-type"].startswith("text/html")
    assert 'data-testid="claims-form"' in busy.text  # the form again, with why
    assert "the claims checker is busy (1 check(s) running" in busy.text
    client.join(timeout=10)
    assert gave_up.is_set()
    # the slow check would run to its 3 s budget; its worker is killed once the client left
    deadline = time.monotonic() + 1.2
    while worker in _claims_workers(server) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert worker not in _claims_workers(server)


def test_an_upload_larger_than_a_pipe_buffer_is_checked(server: str) -> None:
    # 2 MB in, ~200 KB of read paragraphs back: each crosses the worker's pipe in pieces
    # (under uvloop the pipe was left non-blocking and such uploads got 503)
    text = (SMALL + "\n\n" + "and more words " * 140_000).encode()
    upload = httpx.post(f"{server}/claims", files={"file": ("notes.txt", text)}, timeout=60)
    assert upload.status_code == 200, upload.text[-500:]
    assert '<mark class="discrepant"' in upload.text and "<h2>notes.txt</h2>" in upload.text
    assert "Incomplete: checked the first 200,000 characters" in upload.text
    api = httpx.post(f"{server}/api/claims/upload", files={"file": ("notes.txt", text)}, timeout=60)
    assert api.status_code == 200 and api.json()["summary"]["discrepant"] == 1


def test_a_document_needing_more_memory_than_the_cap_ends_its_worker_not_the_server(
    server: str,
) -> None:
    # 40 MB of text with one 4-byte character: read whole, Python holds it as 160 MB
    big = ("😀 " + SMALL + "\n\n" + "x" * 40_000_000).encode()
    before = _claims_workers(server)
    upload = httpx.post(f"{server}/claims", files={"file": ("big.txt", big)}, timeout=60)
    assert upload.status_code == 422, upload.text[-500:]
    assert (
        "the document needs more memory than the server allows a claims check (100 MiB); "
        "send a smaller document or raise asymmetry serve --claims-max-memory-mb"
    ) in upload.text
    assert 'data-testid="claims-form"' in upload.text
    assert "asymmetry-upload-" not in upload.text and "/tmp" not in upload.text
    assert httpx.get(f"{server}/healthz", timeout=5).status_code == 200
    after = httpx.post(f"{server}/claims", data={"text": SMALL}, timeout=60)  # a new worker
    assert after.status_code == 200 and '<mark class="discrepant"' in after.text
    assert not before & _claims_workers(server)
