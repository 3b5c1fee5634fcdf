"""A claims request cannot stall the server: extraction runs in a bounded pool of worker
processes, refused with 503 when full, dropped when the client leaves, and killed when the
server stops. Against a real server over loopback; every wait is bounded."""

from __future__ import annotations

import asyncio
import os
import shutil
import signal
import subprocess
import sys
import threading
import time
from contextlib import suppress
from functools import partial
from pathlib import Path

import httpx
import pytest

from asymmetry.web.workers import ClaimsPool, ClaimsSettings, Refused
from tests.live_server import free_port, serve

DIGIT_RUN = "Trade was USD " + "9" * 5_000 + " billion in 2021."  # the 5 KB request of issue 17
SLOW = "2021 " * 40_000  # 200 KB of years: ~20 s of extraction, no claims
SMALL = "Sino-Russian trade turnover was $120 billion in 2021."

# 8 clients posting the digit run, each giving up after 3 s, for ``seconds``: in a process
# of its own, so that its threads do not hold the GIL of the process measuring /healthz.
FLOOD = """
import sys, threading, time, httpx
url, seconds, text = sys.argv[1], float(sys.argv[2]), sys.argv[3]
codes = []
def client():
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        try:
            answer = httpx.post(url + "/api/claims", json={"text": text}, timeout=3)
            codes.append(answer.status_code)
        except httpx.TimeoutException:
            codes.append(0)
threads = [threading.Thread(target=client) for _ in range(8)]
[t.start() for t in threads]
[t.join() for t in threads]
print(" ".join(map(str, codes)))
"""


@pytest.fixture(scope="module")
def store_copy(default_store_file: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("claims-workers") / "store.duckdb"
    shutil.copy(default_store_file, path)
    return path


def test_health_stays_fast_while_8_clients_flood_the_claims_checker(store_copy: Path) -> None:
    with serve(store_copy) as url, httpx.Client(base_url=url, timeout=5) as health:
        warm = health.post("/api/claims", json={"text": SMALL}, timeout=60)  # workers started
        assert warm.status_code == 200
        flood = subprocess.Popen(
            [sys.executable, "-c", FLOOD, url, "5", DIGIT_RUN],
            stdout=subprocess.PIPE,
            text=True,
        )
        latencies = []
        try:
            time.sleep(0.5)
            while flood.poll() is None:
                start = time.perf_counter()
                assert health.get("/healthz").status_code == 200
                latencies.append(time.perf_counter() - start)
                time.sleep(0.05)
            out, _ = flood.communicate(timeout=30)
        finally:
            flood.kill()
        codes = [int(c) for c in out.split()]
        latencies.sort()
        # Served from the event loop while the workers extract: a check run on the loop
        # would hold every /healthz for the seconds one extraction takes. On a shared
        # 2-core CI machine a few answers wait for the CPU (0.4-1.2 s seen), so the bound
        # is on the typical answer and on how many are slow, not on the slowest.
        median = latencies[len(latencies) // 2]
        slow = sum(1 for seconds in latencies if seconds > 1.0)
        assert len(latencies) > 25, latencies
        assert median < 0.1 and slow <= len(latencies) // 10, (median, slow, latencies[-5:])
        # checked (200), refused at once (503) or given up on by the client (0); never 5xx
        assert set(codes) <= {0, 200, 503} and 200 in codes and 503 in codes, codes
        # the server is idle again at once: nothing was left running
        assert httpx.post(f"{url}/api/claims", json={"text": SMALL}, timeout=30).status_code == 200


def test_a_full_pool_answers_503_and_a_client_that_leaves_frees_its_worker(
    store_copy: Path,
) -> None:
    with serve(store_copy, "--claims-workers", "1") as url:
        gave_up = threading.Event()

        def impatient() -> None:
            with pytest.raises(httpx.TimeoutException):
                httpx.post(f"{url}/api/claims", json={"text": SLOW}, timeout=4)
            gave_up.set()

        client = threading.Thread(target=impatient)
        client.start()
        time.sleep(1.0)
        busy = httpx.post(f"{url}/api/claims", json={"text": SMALL}, timeout=10)
        assert busy.status_code == 503 and busy.headers["retry-after"] == "5"
        assert busy.json() == {
            "detail": "the claims checker is busy (1 check(s) running, the most the server "
            "runs at once); retry in 5 s"
        }
        upload = httpx.post(
            f"{url}/api/claims/upload", files={"file": ("a.txt", SMALL.encode())}, timeout=10
        )
        assert upload.status_code == 503
        client.join(timeout=10)
        assert gave_up.is_set()
        # the server looks every 0.2 s and replaces the killed worker; the slow check would
        # run ~20 s more, so a free worker well before that shows the work was dropped
        deadline = time.monotonic() + 8.0
        while True:
            answer = httpx.post(f"{url}/api/claims", json={"text": SMALL}, timeout=30)
            if answer.status_code != 503 or time.monotonic() > deadline:
                break
            time.sleep(0.25)
        assert answer.status_code == 200, answer.text
        assert answer.json()["summary"] == {"consistent": 0, "discrepant": 1, "unverifiable": 0}
        assert answer.json()["complete"] is True


def test_the_time_budget_cuts_a_check_and_says_so(store_copy: Path) -> None:
    with serve(store_copy, "--claims-max-seconds", "1") as url:
        start = time.monotonic()
        text = SMALL + " " + "2021 " * 39_000  # under the 200,000 characters: only time cuts
        answer = httpx.post(f"{url}/api/claims", json={"text": text}, timeout=30)
        assert answer.status_code == 200 and time.monotonic() - start < 15
        data = answer.json()
        assert data["complete"] is False and data["summary"]["discrepant"] == 1
        (cut,) = [c for c in data["cuts"] if "stopped" in c]
        assert cut.startswith("stopped after 1 s, having checked ")
        assert cut.endswith("raise with asymmetry serve --claims-max-seconds")


def _children(pid: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
                found.append(int(entry.name))
    return found


def _running(pid: int) -> bool:
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    return stat.rsplit(")", 1)[1].split()[0] != "Z"


@pytest.mark.skipif(not Path("/proc").is_dir(), reason="reads child processes from /proc")
def test_sigterm_stops_the_server_with_a_check_in_flight(store_copy: Path) -> None:
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    env = {**os.environ, "ASYMMETRY_STORE": str(store_copy)}
    server = subprocess.Popen(
        [sys.executable, "-m", "asymmetry", "serve", "--port", str(port)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                if httpx.get(f"{url}/healthz", timeout=1).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            assert time.monotonic() < deadline and server.poll() is None
            time.sleep(0.2)

        def in_flight() -> None:
            with suppress(httpx.HTTPError):  # the server goes away: expected
                httpx.post(f"{url}/api/claims", json={"text": SLOW}, timeout=30)

        threading.Thread(target=in_flight, daemon=True).start()
        time.sleep(3)  # the worker has started and is extracting
        workers = [p for p in _children(server.pid) if _running(p)]
        assert workers, "no claims worker is running"
        start = time.monotonic()
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=15)
        assert time.monotonic() - start < 8
        time.sleep(0.5)
        assert not [p for p in workers if _running(p)]
    finally:
        if server.poll() is None:
            server.kill()
            server.wait()


async def _never_gone() -> bool:
    return False


def test_the_pool_kills_work_past_its_deadline() -> None:
    pool = ClaimsPool(ClaimsSettings(workers=1, seconds=0.5, grace=0.5))
    try:
        start = time.monotonic()
        with pytest.raises(Refused) as refused:
            asyncio.run(pool.run(partial(time.sleep, 60), gone=_never_gone))
        assert refused.value.status == 503 and "was stopped" in refused.value.detail
        assert time.monotonic() - start < 10 and pool.running == 0
        assert asyncio.run(pool.run(partial(len, "four"), gone=_never_gone)) == 4
        (worker,) = pool._workers
        worker.process.kill()  # dies while idle: the next check gets a new one
        worker.process.join()
        assert asyncio.run(pool.run(partial(len, "three"), gone=_never_gone)) == 5
    finally:
        pool.close()
