"""Web load benchmark: concurrent clients on `asymmetry serve` over a BACI-scale store
(issue #6 goal: 20 clients for 60 s, 0 errors, p95 of /api/profile < 100 ms).

    python benchmarks/bench_web.py --rows 9000000 --clients 20 --seconds 60 \
        --write benchmarks/RESULTS.md

The server runs in its own process on loopback, the store opened read-only.
The load comes from wrk (Debian package `wrk`; a C load generator, so the
client does not eat the 2 cores it shares with the server) or, without it,
from Python httpx: ``--clients`` connections in a closed loop, each request
for one of the ``--pairs`` largest trading pairs at random. The first request
for a pair computes it; later ones are served from the result cache. A probe
GETs /healthz (no work: the framework's floor under the same load) every
50 ms; its p95 is the baseline the profile latency is read against. Last, on
the idle server, 10 pairs never asked before time the computed profile.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import shutil
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


WRK_SCRIPT = """
local paths = {%s}
request = function()
  return wrk.format("GET", paths[math.random(#paths)])
end
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format("RESULT %%d %%d %%.3f %%.3f %%.3f %%.3f %%.3f\\n",
    summary.requests, e.connect + e.read + e.write + e.status + e.timeout,
    latency:percentile(50) / 1000, latency:percentile(95) / 1000,
    latency:percentile(99) / 1000, latency.max / 1000, summary.duration / 1e6))
end
"""


def profile_paths(pairs: list[tuple[str, str]]) -> list[str]:
    return [f"/api/profile?a={a}&b={b}" for a, b in pairs]


async def probe(url: str, seconds: float) -> list[tuple[float, int]]:
    """GET /healthz every 50 ms: (latency s, status) — the floor under the same load."""
    found: list[tuple[float, int]] = []
    deadline = time.perf_counter() + seconds
    async with httpx.AsyncClient(base_url=url, timeout=30.0) as http:
        while time.perf_counter() < deadline:
            start = time.perf_counter()
            try:
                status = (await http.get("/healthz")).status_code
            except httpx.HTTPError:
                status = 0
            found.append((time.perf_counter() - start, status))
            await asyncio.sleep(0.05)
    return found


async def run_wrk(
    url: str, paths: list[str], *, connections: int, seconds: float, threads: int = 2
) -> dict[str, float]:
    """wrk (C, keep-alive) with ``connections`` closed-loop connections, each request a
    random one of ``paths``: n, errors, percentiles and max in ms, req/s."""
    script = Path(tempfile.mkdtemp(prefix="bench_web_wrk_")) / "paths.lua"
    script.write_text(WRK_SCRIPT % ", ".join(f'"{p}"' for p in paths))
    command = ["wrk", f"-t{threads}", f"-c{connections}", f"-d{seconds:g}s", "--timeout", "60s"]
    process = await asyncio.create_subprocess_exec(
        *command, "-s", str(script), url, stdout=asyncio.subprocess.PIPE
    )
    output, _ = await process.communicate()
    line = next(x for x in output.decode().splitlines() if x.startswith("RESULT"))
    n, errors, p50, p95, p99, worst, duration = (float(v) for v in line.split()[1:])
    return {"n": int(n), "errors": errors, "p50": p50, "p95": p95, "p99": p99, "max": worst,
            "rps": n / duration}  # fmt: skip


async def load_wrk(
    url: str, pairs: list[tuple[str, str]], clients: int, seconds: float
) -> tuple[dict[str, float], list[tuple[float, int]]]:
    """wrk with ``clients`` connections on random pairs, and the probe."""
    return await asyncio.gather(
        run_wrk(url, profile_paths(pairs), connections=clients, seconds=seconds),
        probe(url, seconds),
    )


async def load_httpx(
    url: str, pairs: list[tuple[str, str]], clients: int, seconds: float, seed: int
) -> tuple[dict[str, float], list[tuple[float, int]]]:
    """The same workload from Python (httpx) when wrk is not installed."""
    latencies: list[float] = []
    errors = 0
    deadline = time.perf_counter() + seconds
    limits = httpx.Limits(max_connections=clients, max_keepalive_connections=clients)
    async with httpx.AsyncClient(base_url=url, timeout=30.0, limits=limits) as http:

        async def client(n: int) -> None:
            nonlocal errors
            rng = random.Random(seed + n)
            paths = profile_paths(pairs)
            while time.perf_counter() < deadline:
                start = time.perf_counter()
                try:
                    ok = (await http.get(rng.choice(paths))).status_code == 200
                except httpx.HTTPError:
                    ok = False
                errors += not ok
                latencies.append(time.perf_counter() - start)

        _, floor = await asyncio.gather(
            asyncio.gather(*(client(n) for n in range(clients))), probe(url, seconds)
        )
    ms = [t * 1000 for t in latencies]
    stats = {
        "n": len(ms),
        "errors": errors,
        **{f"p{q}": percentile(ms, q) for q in (50, 95, 99)},
        "max": max(ms),
        "rps": len(ms) / seconds,
    }
    return stats, floor


def computed_ms(url: str, pairs: list[tuple[str, str]]) -> list[float]:
    """One request per pair never asked before, on the idle server: a computed profile."""
    found = []
    with httpx.Client(base_url=url, timeout=60.0) as http:
        for path in profile_paths(pairs):
            start = time.perf_counter()
            http.get(path).raise_for_status()
            found.append((time.perf_counter() - start) * 1000)
    return found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=9_000_000)
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument("--pairs", type=int, default=50)
    parser.add_argument("--threads", type=int, default=8)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--client", choices=["auto", "wrk", "httpx"], default="auto")
    parser.add_argument("--write", type=Path)
    args = parser.parse_args()

    synth = synthetic_year(args.rows)
    path = Path(tempfile.mkdtemp(prefix="bench_web_")) / "store.duckdb"
    with asymmetry.open(path, defaults=False) as store:
        ingest_baci(store, [synth.data])
        top = store.query(
            "SELECT exporter, importer FROM flows GROUP BY ALL ORDER BY sum(value_usd) DESC "
            "LIMIT $n",
            {"n": args.pairs + 10},
        )
    ranked = [(str(r.importer), str(r.exporter)) for r in top.itertuples()]
    pairs, fresh = ranked[: args.pairs], ranked[args.pairs :]
    client = args.client if args.client != "auto" else ("wrk" if shutil.which("wrk") else "httpx")
    os.environ.pop("ASYMMETRY_STORE", None)
    with serve(path, "--threads", str(args.threads)) as url:
        if client == "wrk":
            stats, floor = asyncio.run(load_wrk(url, pairs, args.clients, args.seconds))
        else:
            stats, floor = asyncio.run(
                load_httpx(url, pairs, args.clients, args.seconds, args.seed)
            )
        cold = computed_ms(url, fresh)

    floor_ms = [t * 1000 for t, _ in floor]
    floor_errors = sum(1 for _, status in floor if status != 200)
    generator = "wrk (C, 2 threads, keep-alive)" if client == "wrk" else "Python httpx (asyncio)"
    lines = [
        f"## Web: {args.clients} concurrent clients on /api/profile",
        "",
        f"Command: `python benchmarks/bench_web.py --rows {args.rows} --clients {args.clients} "
        f"--seconds {args.seconds:g}` (load generator: {generator}; `--client httpx` without wrk)",
        f"Data: synthetic BACI year, {args.rows:,} rows, in a store opened read-only by "
        f"`asymmetry serve --threads {args.threads}` (a separate process, loopback). "
        f"Machine: {machine()}; the load generator shares its cores with the server.",
        f"Workload: {args.clients} connections in a closed loop for {args.seconds:g} s, each "
        f"request for one of the {len(pairs)} largest trading pairs at random (each computed on "
        "its first request, then served from the result cache); meanwhile a probe GETs /healthz "
        "every 50 ms.",
        "",
        "| requests | n | errors | p50 ms | p95 ms | p99 ms | max ms |",
        "|---|---:|---:|---:|---:|---:|---:|",
        f"| /api/profile under load | {stats['n']:,.0f} | {stats['errors']:.0f} | "
        f"{stats['p50']:.1f} | {stats['p95']:.1f} | {stats['p99']:.1f} | {stats['max']:.1f} |",
        f"| /healthz probe (framework floor) | {len(floor_ms)} | {floor_errors} | "
        f"{percentile(floor_ms, 50):.1f} | {percentile(floor_ms, 95):.1f} | "
        f"{percentile(floor_ms, 99):.1f} | {max(floor_ms):.1f} |",
        f"| /api/profile computed, idle server | {len(cold)} | 0 | {percentile(cold, 50):.1f} | "
        f"{percentile(cold, 95):.1f} | {percentile(cold, 99):.1f} | {max(cold):.1f} |",
        "",
        f"Throughput: **{stats['rps']:,.0f} requests/s**; errors: **{stats['errors']:.0f}**. "
        f"p95 of /api/profile under load: **{stats['p95']:.1f} ms** (goal < 100 ms), "
        f"{stats['p95'] / percentile(floor_ms, 95):.2f}x the /healthz probe's p95 measured "
        "alongside.",
        f"A profile computed on first request (pair sums from `flow_pairs`, the pair's product "
        f"lines for the composition) takes a median {percentile(cold, 50):.0f} ms on the idle "
        f"server ({len(cold)} pairs never asked before).",
    ]
    text = "\n".join(lines)
    print(text)
    if args.write:
        write_section(args.write, "web", text)


if __name__ == "__main__":
    main()
