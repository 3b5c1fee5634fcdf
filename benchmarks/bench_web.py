"""Web load benchmark: concurrent clients on `asymmetry serve` over a BACI-scale store
(issue #6 goal: 20 clients for 60 s, 0 errors, p95 of /api/profile < 100 ms).

    python benchmarks/bench_web.py --rows 9000000 --clients 20 --seconds 60 \
        --write benchmarks/RESULTS.md

The server runs in its own process on loopback, the store opened read-only.
Each client loops: pick one of the ``--pairs`` largest trading pairs at random
(seeded), GET /api/profile, record status and latency. The first request for
a pair computes it (cold); later ones are served from the result cache (warm).
A separate probe GETs /healthz (no work: the framework's floor under the same
load) every 50 ms; its p95 is the baseline the profile latency is read against.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

import httpx
import numpy as np

import asymmetry
from asymmetry.store.ingest_baci import ingest_baci

sys.path.insert(0, str(Path(__file__).parent))
sys.path.insert(0, str(Path(__file__).parent.parent))
from _common import machine, synthetic_year, write_section  # noqa: I001
from tests.live_server import serve


def percentile(values: list[float], q: float) -> float:
    return float(np.percentile(values, q)) if values else float("nan")


async def load(
    url: str, pairs: list[tuple[str, str]], clients: int, seconds: float, seed: int
) -> dict[str, list[tuple[float, int, bool]]]:
    """Run the clients and the probe; (latency s, status, cold) per request by kind."""
    results: dict[str, list[tuple[float, int, bool]]] = {"profile": [], "healthz": []}
    seen: set[tuple[str, str]] = set()
    deadline = time.perf_counter() + seconds
    limits = httpx.Limits(max_connections=clients + 1, max_keepalive_connections=clients + 1)
    async with httpx.AsyncClient(base_url=url, timeout=30.0, limits=limits) as http:

        async def client(n: int) -> None:
            rng = random.Random(seed + n)
            while time.perf_counter() < deadline:
                a, b = rng.choice(pairs)
                cold = (a, b) not in seen
                seen.add((a, b))
                start = time.perf_counter()
                try:
                    status = (await http.get("/api/profile", params={"a": a, "b": b})).status_code
                except httpx.HTTPError:
                    status = 0
                results["profile"].append((time.perf_counter() - start, status, cold))

        async def probe() -> None:
            while time.perf_counter() < deadline:
                start = time.perf_counter()
                try:
                    status = (await http.get("/healthz")).status_code
                except httpx.HTTPError:
                    status = 0
                results["healthz"].append((time.perf_counter() - start, status, False))
                await asyncio.sleep(0.05)

        await asyncio.gather(*(client(n) for n in range(clients)), probe())
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=9_000_000)
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument("--pairs", type=int, default=50)
    parser.add_argument("--threads", type=int, default=8)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--write", type=Path)
    args = parser.parse_args()

    synth = synthetic_year(args.rows)
    path = Path(tempfile.mkdtemp(prefix="bench_web_")) / "store.duckdb"
    with asymmetry.open(path, defaults=False) as store:
        ingest_baci(store, [synth.data])
        top = store.query(
            "SELECT exporter, importer FROM flows GROUP BY ALL ORDER BY sum(value_usd) DESC "
            "LIMIT $n",
            {"n": args.pairs},
        )
    pairs = [(str(r.importer), str(r.exporter)) for r in top.itertuples()]
    os.environ.pop("ASYMMETRY_STORE", None)
    with serve(path, "--threads", str(args.threads)) as url:
        results = asyncio.run(load(url, pairs, args.clients, args.seconds, args.seed))

    profile = results["profile"]
    errors = sum(1 for _, status, _ in profile if status != 200)
    all_ms = [t * 1000 for t, _, _ in profile]
    cold_ms = [t * 1000 for t, _, cold in profile if cold]
    warm_ms = [t * 1000 for t, _, cold in profile if not cold]
    floor_ms = [t * 1000 for t, _, _ in results["healthz"]]
    health_errors = sum(1 for _, status, _ in results["healthz"] if status != 200)

    def row(name: str, values: list[float], errs: int | str = "") -> str:
        return (
            f"| {name} | {len(values):,} | {errs} | {statistics.median(values):.1f} | "
            f"{percentile(values, 95):.1f} | {percentile(values, 99):.1f} | {max(values):.1f} |"
        )

    p95 = percentile(all_ms, 95)
    floor95 = percentile(floor_ms, 95)
    lines = [
        "## Web: 20 concurrent clients on /api/profile",
        "",
        f"Command: `python benchmarks/bench_web.py --rows {args.rows} --clients {args.clients} "
        f"--seconds {args.seconds:g}`",
        f"Data: synthetic BACI year, {args.rows:,} rows, in a store opened read-only by "
        f"`asymmetry serve --threads {args.threads}` (a separate process, loopback). "
        f"Machine: {machine()}; the clients (one asyncio process) share its cores with the "
        "server.",
        f"Workload: {args.clients} clients in a closed loop for {args.seconds:g} s, each picking "
        f"one of the {len(pairs)} largest trading pairs at random; a probe GETs /healthz every "
        "50 ms.",
        "",
        "| requests | n | errors | p50 ms | p95 ms | p99 ms | max ms |",
        "|---|---:|---:|---:|---:|---:|---:|",
        row("/api/profile, all", all_ms, errors),
        row("... first of a pair (computed)", cold_ms),
        row("... repeated (from the result cache)", warm_ms),
        row("/healthz (framework floor)", floor_ms, health_errors),
        "",
        f"Throughput: **{len(profile) / args.seconds:,.0f} requests/s**; errors: **{errors}**. "
        f"p95 of /api/profile: **{p95:.1f} ms** (goal < 100 ms), "
        f"**{p95 / floor95:.2f}x** the /healthz p95 measured alongside.",
        f"A computed profile (the first request for a pair) scans the year's {args.rows:,} rows: "
        f"median {statistics.median(cold_ms):.0f} ms under load.",
    ]
    text = "\n".join(lines)
    print(text)
    if args.write:
        write_section(args.write, "web", text)


if __name__ == "__main__":
    main()
