"""Web mixed-load benchmark: pages and API, cold and cached, on `asymmetry serve` (issue #17
goal: 20 clients for 60 s, API p95 < 100 ms, pages p95 < 300 ms, 0 errors).

    python benchmarks/bench_web_mixed.py --rows 4000000 --clients 20 --seconds 60 \
        --baseline-src /work/main/src --write benchmarks/RESULTS.md

The store holds the embedded defaults (ICIO network, facts) and two synthetic
BACI years. ``--clients`` Python httpx clients (asyncio, keep-alive) run a
closed loop for ``--seconds``; each request is one of the routes below, for a
random pair and year, so results are computed on first asking and cached
after (`bench_web.py` measures cached /api/profile alone):

- pages: /pair (the whole report), /dependencies, /levers (the form) and
  /levers?run=true (one lever simulated), for the ``--pairs`` largest pairs
  of ICIO economies and both years;
- API: /api/dependencies and /api/exposure on the same pairs, and
  /api/profile on the ``--profile-pairs`` largest pairs (so a share of
  them is computed during the run, not cached).

Meanwhile a probe GETs /healthz every 50 ms (no work: the framework's floor
under the same load). Each server runs the workload twice: cold (just
started) and warm (the same requests again, on what the first pass computed).
With ``--baseline-src`` the same workload (same seed, same store) first runs
on a server importing asymmetry from that source tree (e.g. a checkout of the
commit before), so before and after are measured in one run, side by side.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx

import asymmetry
from asymmetry.store.ingest_baci import ingest_baci

sys.path.insert(0, str(Path(__file__).parent))
sys.path.insert(0, str(Path(__file__).parent.parent))
from _common import machine, synthetic_year, write_section  # noqa: I001
from bench_web import percentile, probe, run_wrk
from tests.live_server import serve

YEARS = (2021, 2022)
PAGES = ("/pair", "/dependencies", "/levers", "/levers?run")
APIS = ("/api/profile", "/api/dependencies", "/api/exposure")
Timing = tuple[str, float, int]  # (route, seconds, status)
# Each load generator has its own section of RESULTS.md: they measure different things.
LOADS = {
    "httpx": "closed loop, as the issue measured",
    "wrk": "wrk, corrected for coordinated omission",
}


Pair = tuple[str, str]


def request_path(
    route: str, rng: random.Random, pairs: dict[Pair, str], profile_pairs: list[Pair]
) -> str:
    """One request of ``route`` for a random pair and year (``pairs``: pair -> the HS
    chapter the exporter sells most of to the importer, which the lever restricts)."""
    a, b = rng.choice(profile_pairs if route == "/api/profile" else list(pairs))
    year = rng.choice(YEARS)
    if route == "/pair":
        return f"/pair?a={a}&b={b}&year={year}"
    if route == "/dependencies":
        return f"/dependencies?country={a}&on={b}&year={year}"
    if route == "/levers":
        return f"/levers?sender={b}&target={a}"
    if route == "/levers?run":
        return f"/levers?sender={b}&target={a}&products={pairs[a, b]}&run=true&draws=500"
    if route == "/api/profile":
        return f"/api/profile?a={a}&b={b}&year={year}"
    if route == "/api/dependencies":
        return f"/api/dependencies?country={a}&on={b}&year={year}&top={rng.choice((20, 50))}"
    return f"/api/exposure?country={a}&on={b}"


async def mixed_load(
    url: str,
    pairs: dict[Pair, str],
    profile_pairs: list[Pair],
    *,
    clients: int,
    seconds: float,
    seed: int,
) -> tuple[list[Timing], list[tuple[float, int]]]:
    """``clients`` closed-loop clients on random routes, and the /healthz probe."""
    timings: list[Timing] = []
    routes = PAGES + APIS
    deadline = time.perf_counter() + seconds
    limits = httpx.Limits(max_connections=clients, max_keepalive_connections=clients)
    async with httpx.AsyncClient(base_url=url, timeout=60.0, limits=limits) as http:

        async def client(n: int) -> None:
            rng = random.Random(seed * 1000 + n)
            while time.perf_counter() < deadline:
                route = rng.choice(routes)
                path = request_path(route, rng, pairs, profile_pairs)
                start = time.perf_counter()
                try:
                    status = (await http.get(path)).status_code
                except httpx.HTTPError as exc:
                    status, path = 0, f"{path} ({type(exc).__name__})"
                timings.append((route, time.perf_counter() - start, status))
                if status != 200:
                    print(f"error {status}: {path}", file=sys.stderr, flush=True)

        _, floor = await asyncio.gather(
            asyncio.gather(*(client(n) for n in range(clients))), probe(url, seconds)
        )
    return timings, floor


def wrk_paths(pairs: dict[Pair, str], profile_pairs: list[Pair], seed: int) -> dict[str, list[str]]:
    """4,000 random requests per group (pages, API), the same for every phase and server."""
    rng = random.Random(seed)
    groups = {"pages": PAGES, "API": APIS}
    return {
        name: [request_path(rng.choice(routes), rng, pairs, profile_pairs) for _ in range(4000)]
        for name, routes in groups.items()
    }


async def fill(url: str, paths: list[str]) -> float:
    """Ask every distinct URL once (two at a time, as the server computes at most two
    results at once), so that the warm phase finds each of them computed; seconds taken."""
    start = time.perf_counter()
    todo = iter(sorted(set(paths)))
    async with httpx.AsyncClient(base_url=url, timeout=600.0) as http:

        async def worker() -> None:
            for path in todo:
                await http.get(path)

        await asyncio.gather(worker(), worker())
    return time.perf_counter() - start


async def wrk_load(
    url: str, paths: dict[str, list[str]], *, clients: int, seconds: float
) -> dict[str, dict[str, float]]:
    """The same mix from wrk: half the clients on the page routes, half on the API
    routes (two wrk processes at once, so each group has its own percentiles), and the
    /healthz probe. wrk costs the server's cores far less than Python clients do."""
    half = max(1, clients // 2)
    pages, api, floor = await asyncio.gather(
        run_wrk(url, paths["pages"], connections=half, seconds=seconds, threads=1),
        run_wrk(url, paths["API"], connections=clients - half, seconds=seconds, threads=1),
        probe(url, seconds),
    )
    return {"pages": pages, "API": api, "/healthz probe": group_stats(floor, seconds)}


def group_stats(rows: list[tuple[float, int]], seconds: float) -> dict[str, float]:
    """n, errors, percentiles and max in ms, req/s of (latency s, status) rows."""
    ms = [t * 1000 for t, _ in rows]
    return {
        "n": len(rows),
        "errors": sum(1 for _, status in rows if status != 200),
        **{f"p{q}": percentile(ms, q) for q in (50, 95, 99)},
        "max": max(ms) if ms else float("nan"),
        "rps": len(rows) / seconds,
    }


def summarise(
    timings: list[Timing], floor: list[tuple[float, int]], seconds: float
) -> dict[str, dict[str, float]]:
    """Per group (pages, API, each route, /healthz): n, errors, percentiles in ms, req/s."""
    groups: dict[str, list[tuple[float, int]]] = defaultdict(list)
    for route, spent, status in timings:
        groups["pages" if route in PAGES else "API"].append((spent, status))
        groups[route].append((spent, status))
        groups["all"].append((spent, status))
    groups["/healthz probe"] = floor
    return {name: group_stats(rows, seconds) for name, rows in groups.items()}


@contextmanager
def server(store: Path, threads: int, src: Path | None, *extra: str) -> Iterator[str]:
    """`asymmetry serve` importing the package from ``src`` (None: this checkout)."""
    saved = os.environ.get("PYTHONPATH")
    os.environ["PYTHONPATH"] = str(src or Path(asymmetry.__file__).parent.parent)
    try:
        with serve(store, "--threads", str(threads), *extra, timeout=120.0) as url:
            yield url
    finally:
        if saved is None:
            os.environ.pop("PYTHONPATH", None)
        else:
            os.environ["PYTHONPATH"] = saved


def build_store(rows: int) -> Path:
    """The defaults (ICIO, facts) and two synthetic BACI years of ``rows`` rows each."""
    path = Path(tempfile.mkdtemp(prefix="bench_web_mixed_")) / "store.duckdb"
    files = [synthetic_year(rows, seed=year, year=year).data for year in YEARS]
    with asymmetry.open(path) as store:
        ingest_baci(store, files)
    return path


def largest_pairs(store_path: Path, n: int, *, icio_only: bool) -> list[Pair]:
    """The ``n`` largest (importer, exporter) pairs of the last year that trade in every
    year (the synthetic years draw their countries apart), ICIO economies only if asked."""
    icio = (
        "AND exporter IN (SELECT country FROM io_nodes) AND importer IN "
        "(SELECT country FROM io_nodes)"
        if icio_only
        else ""
    )
    icio += (
        f" AND (importer, exporter) IN (SELECT (importer, exporter) FROM flow_pairs "
        f"WHERE year = {YEARS[0]})"
    )
    with asymmetry.open(store_path, read_only=True) as store:
        top = store.query(
            f"SELECT importer, exporter FROM flow_pairs WHERE year = {YEARS[-1]} {icio} "
            "ORDER BY value_usd DESC LIMIT $n",
            {"n": n},
        )
    return [(str(r.importer), str(r.exporter)) for r in top.itertuples()]


def main_chapters(store_path: Path, pairs: list[Pair]) -> dict[Pair, str]:
    """For each pair, the HS chapter the exporter sells most of to the importer (last year)."""
    found = {}
    with asymmetry.open(store_path, read_only=True) as store:
        for a, b in pairs:
            found[a, b] = str(
                store.scalar(
                    "SELECT substr(product, 1, 2) FROM flows WHERE year = $y AND importer = $a "
                    "AND exporter = $b GROUP BY ALL ORDER BY sum(value_usd) DESC LIMIT 1",
                    {"y": YEARS[-1], "a": a, "b": b},
                )
            )
    return found


def first_answers(url: str, pairs: dict[Pair, str]) -> dict[str, list[float]]:
    """Each route asked once per pair on the idle, just-started server, one request at a
    time (pairs outside the workload, so its cold phase is unchanged): what one result
    costs to compute, in ms, without the queueing the load adds."""
    found: dict[str, list[float]] = defaultdict(list)
    with httpx.Client(base_url=url, timeout=120.0) as http:
        for route in (*PAGES, *APIS):
            for pair in pairs:
                path = request_path(route, random.Random(0), {pair: pairs[pair]}, [pair])
                start = time.perf_counter()
                http.get(path).raise_for_status()
                found[route].append((time.perf_counter() - start) * 1000)
    return found


def first_answer_table(answers: dict[str, dict[str, list[float]]]) -> list[str]:
    labels = list(answers)
    lines = [
        "| route | " + " | ".join(f"{label}: median ms (max)" for label in labels) + " |",
        "|---|" + "---:|" * len(labels),
    ]
    for route in (*PAGES, *APIS):
        cells = [
            f"{statistics.median(answers[label][route]):,.0f} ({max(answers[label][route]):,.0f})"
            for label in labels
        ]
        lines.append(f"| {route} | " + " | ".join(cells) + " |")
    return lines


def commit_of(src: Path) -> str:
    found = subprocess.run(
        ["git", "-C", str(src), "rev-parse", "--short", "HEAD"], capture_output=True, text=True
    )
    return found.stdout.strip() or "?"


ROWS = ("pages", *PAGES, "API", *APIS, "/healthz probe", "all")


def table(runs: dict[str, dict[str, dict[str, float]]]) -> list[str]:
    lines = [
        "| server | requests | n | errors | req/s | p50 ms | p95 ms | p99 ms | max ms |",
        "|---|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for label, stats in runs.items():
        for name in ROWS:
            s = stats.get(name)
            if s is None:
                continue
            bold = "**" if name in ("pages", "API", "all") else ""
            lines.append(
                f"| {label} | {bold}{name}{bold} | {s['n']:,} | {s['errors']:.0f} | "
                f"{s['rps']:,.1f} | {s['p50']:.1f} | {s['p95']:.1f} | {s['p99']:.1f} | "
                f"{s['max']:.1f} |"
            )
    return lines


# What cProfile and SQL timings of the first version showed, and what answers each
# (see the issue-17 commits); a note, not a measurement of this run.
WHERE_THE_TIME_WENT = [
    "Where the time went before (cProfile and per-query timings in one process, same "
    "data): `/api/exposure` 3-6 s a call (densifying the ICIO network 1.7 s, one LU "
    "solve of the 3,600-node system 2.9 s, both redone per request), twice per "
    "`/pair` report (4-13 s); the dependence query materialised and grouped the whole "
    "year for each pair (0.6-1.6 s); concurrent requests for the same missing result "
    "each computed it; every page was re-rendered (0.5 s for a cached report); 8 "
    "worker threads all busy computing left none for cached pages. Now: the ICIO "
    "matrices and every country's value-added origins are solved once per snapshot "
    "(`Store.memo`, warmed before the snapshot serves) so an exposure takes ms; the "
    "dependence query aggregates only the pair's products; one computation per key "
    "(`OnceMap`), at most 2 at once; GET pages rendered once per URL and snapshot; "
    "coverage and dataset lookups kept per snapshot.",
    "Then: a repeated GET is answered from the whole response kept per "
    "snapshot, before routing (`web/edge_cache.py`): no handler, query validation, "
    "store cursor or worker thread, about 0.3 ms of the server's CPU instead of 2-3 ms.",
    "Then: a first dependence table reads only what the importer buys and "
    "what the two countries sell, with the year's world totals per product kept per "
    "dataset (`world_exports`), instead of grouping every flow of the products the pair "
    "trades; a first profile reads the year's pair sums kept per dataset (`pair_sums`) "
    "instead of one query per pair and year.",
    "Then: the pages' reports, briefs, dependence tables and lever runs are "
    "computed in a worker process at nice 10 reading the same snapshot (`web/offload.py`), "
    "so the server's interpreter answers the API and cached pages meanwhile (a report's "
    "~0.5 s of Python in a server thread held it from them); a chart no longer copies "
    "plotly's default template (charts of a report 0.45 -> 0.06 s); a profile's composition "
    "is summed without pandas and the flows' years and trading countries are kept per "
    "snapshot (a profile 57 -> 25 ms); the levers' main export reads the flow's composition "
    "instead of a whole profile.",
    "Then (this version): a chart's layout is merged into its JSON as plain data instead of "
    "being validated by plotly (a test has plotly re-validate every chart of a report): "
    "a report's charts 50 -> 20 ms, the report itself (build and charts, no profiler) about "
    "275 -> 245 ms on this store.",
]


def goal_line(runs: dict[str, dict[str, dict[str, float]]], before: float, after: float) -> str:
    """Whether each phase of the last server meets the issue's goal, from this run."""
    said = []
    for label, stats in list(runs.items())[-2:]:
        pages, api = stats["pages"], stats["API"]
        met = pages["p95"] < 300 and api["p95"] < 100 and pages["errors"] + api["errors"] == 0
        said.append(
            f"{label}: pages p95 {pages['p95']:,.1f} ms, API p95 {api['p95']:,.1f} ms, "
            f"{pages['errors'] + api['errors']:.0f} errors: {'met' if met else 'not met'}"
        )
    return (
        "Goal (API p95 < 100 ms, pages p95 < 300 ms, 0 errors at 20 clients): "
        + "; ".join(said)
        + ". A cold request computes its result, which no cache answers: a report takes "
        "about half a second of the worker process (table above), and the page clients "
        "queue behind the first reports on the one worker a 2-core machine gets. "
        f"Load average: {before:.1f} before the run, {after:.1f} after."
    )


def workload(args: argparse.Namespace, n_pairs: int, n_profile: int) -> str:
    """What the clients asked, said for the load generator used."""
    routes = (
        f"one of {len(PAGES) + len(APIS)} routes at random for a random year and pair: the "
        f"{n_pairs} largest pairs of ICIO economies (pages, dependencies, exposure) or the "
        f"{n_profile} largest pairs (/api/profile), so each result is computed on its first "
        "request and cached after; a probe GETs /healthz every 50 ms meanwhile."
    )
    if args.load == "wrk":
        return (
            f"Workload: wrk (C, keep-alive), {args.clients // 2} connections on the page "
            f"routes and {args.clients - args.clients // 2} on the API routes (two wrk "
            f"processes at once, so each group has its own percentiles), closed loop for "
            f"{args.seconds:g} s, each request {routes} Each server gets the workload "
            "twice: *cold* (just started, every result computed on its first request) and "
            "*warm* (every URL of the workload asked once before, by the cold phase and a "
            "fill pass, so each answer is computed and kept). Before and after ran on the "
            "same store with the same request list, one after the other. wrk's "
            "percentiles are corrected for coordinated omission (its `stats_correct`): a "
            "request that took L counts also as the L / (mean interval) requests its "
            "connection would have sent meanwhile, so a few seconds-long first computations "
            "weigh on p95 as they would on users arriving at a steady rate; the per-route "
            "first-answer table below gives those computations alone."
        )
    return (
        f"Workload: {args.clients} httpx clients in a closed loop for {args.seconds:g} s, "
        f"each request {routes} Each server gets the workload twice: *cold* (just "
        "started, every result computed on its first request) and then *warm* (the same "
        "requests again, from what the first pass computed). Before and after ran on the "
        "same store with the same seed, one after the other. A client waiting for a first "
        "computation sends nothing meanwhile, so that wait counts once (the way the issue "
        "measured: p95 1.3-2.5 s, ~34 req/s). On 2 cores the Python clients are the "
        "bottleneck: measured on 2026-12-03, every route's p95 sat near 95 ms for the "
        "server of 4c90ebf and for this one alike, so this mode tells servers apart only "
        "where they are slower than the clients; the wrk section is the measure of the "
        "issue's goal."
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=4_000_000, help="rows per synthetic year")
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument("--pairs", type=int, default=12)
    parser.add_argument("--profile-pairs", type=int, default=50)
    parser.add_argument("--threads", type=int, default=32)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument(
        "--page-workers", type=int, help="asymmetry serve --page-workers of this checkout's server"
    )
    parser.add_argument("--baseline-src", type=Path, help="src/ of the checkout to compare with")
    parser.add_argument(
        "--load",
        choices=("httpx", "wrk"),
        default="httpx",
        help="load generator: Python httpx clients (per-route figures) or wrk (C; pages and "
        "API groups only, far less of the machine's CPU; needs Debian's wrk)",
    )
    parser.add_argument("--write", type=Path)
    args = parser.parse_args()
    if args.load == "wrk" and shutil.which("wrk") is None:
        parser.error("--load wrk needs wrk on PATH (Debian: apt-get install wrk)")

    load_before = os.getloadavg()[0]
    store = build_store(args.rows)
    pairs = main_chapters(store, largest_pairs(store, args.pairs, icio_only=True))
    profile_pairs = largest_pairs(store, args.profile_pairs, icio_only=False)
    os.environ.pop("ASYMMETRY_STORE", None)
    contenders: dict[str, Path | None] = {}
    if args.baseline_src:
        contenders[f"before ({commit_of(args.baseline_src)})"] = args.baseline_src.resolve()
    contenders[f"after ({commit_of(Path(__file__).parent)})"] = None
    paths = wrk_paths(pairs, profile_pairs, args.seed)  # the same list for every run
    outside = largest_pairs(store, args.pairs + 3, icio_only=True)[args.pairs :]
    probe_pairs = main_chapters(store, outside)
    runs = {}
    answers = {}
    for label, src in contenders.items():
        extra = (
            [] if src or args.page_workers is None else ["--page-workers", f"{args.page_workers}"]
        )
        with server(store, args.threads, src, *extra) as url:
            answers[label] = first_answers(url, probe_pairs)
            print(label, "first answers", {k: round(max(v)) for k, v in answers[label].items()})
            for phase in ("cold", "warm"):
                if args.load == "wrk":
                    if phase == "warm":
                        filled = asyncio.run(fill(url, [p for ps in paths.values() for p in ps]))
                        print(f"every URL asked once before the warm phase: {filled:.0f} s")
                    runs[f"{label}, {phase}"] = stats = asyncio.run(
                        wrk_load(url, paths, clients=args.clients, seconds=args.seconds)
                    )
                    print(label, phase, {k: round(v["p95"], 1) for k, v in stats.items()})
                    continue
                timings, floor = asyncio.run(
                    mixed_load(
                        url,
                        pairs,
                        profile_pairs,
                        clients=args.clients,
                        seconds=args.seconds,
                        seed=args.seed,
                    )
                )
                runs[f"{label}, {phase}"] = stats = summarise(timings, floor, args.seconds)
                print(label, phase, {k: round(v["p95"], 1) for k, v in stats.items()}, flush=True)

    lines = [
        f"## Web: mixed load, {args.clients} clients on pages and API ({LOADS[args.load]})",
        "",
        f"Command: `python benchmarks/bench_web_mixed.py --rows {args.rows} --clients "
        f"{args.clients} --seconds {args.seconds:g} --load {args.load}"
        + (f" --page-workers {args.page_workers}" if args.page_workers is not None else "")
        + (f" --baseline-src {args.baseline_src}`" if args.baseline_src else "`"),
        f"Data: the embedded defaults (ICIO 2022, facts) and two synthetic BACI years "
        f"({', '.join(map(str, YEARS))}) of {args.rows:,} rows each, served by "
        f"`asymmetry serve --threads {args.threads}` (a separate process, loopback). "
        f"Machine: {machine()}, shared with other work; the load generator "
        "shares its cores with the server.",
        workload(args, len(pairs), len(profile_pairs)),
        "",
        *table(runs),
        "",
        f"What one result costs to compute: each route asked once for each of {len(outside)} "
        "pairs outside the workload (the next-largest ICIO pairs, year 2022 where the route "
        "takes one), one request at a time on the idle, just-started server, before its "
        "cold phase:",
        "",
        *first_answer_table(answers),
    ]
    if len(runs) == 4:
        for phase in ("cold", "warm"):
            before, after = (v for k, v in runs.items() if k.endswith(phase))
            ratios = ", ".join(
                f"{name} p95 {before[name]['p95'] / after[name]['p95']:.1f}x lower"
                for name in ("pages", "API")
            )
            rps = [sum(run[g]["rps"] for g in ("pages", "API")) for run in (before, after)]
            errors = [sum(run[g]["errors"] for g in ("pages", "API")) for run in (before, after)]
            lines += [
                "",
                f"After vs before, {phase}: {ratios}; throughput {rps[1] / rps[0]:.1f}x; "
                f"errors {errors[0]:.0f} -> {errors[1]:.0f}.",
            ]
    for note in WHERE_THE_TIME_WENT:
        lines += ["", note]
    if args.load == "wrk":  # the httpx clients measure themselves (see `workload`)
        lines += ["", goal_line(runs, load_before, os.getloadavg()[0])]
    text = "\n".join(lines)
    print(text)
    if args.write:
        write_section(args.write, "web-mixed" if args.load == "wrk" else "web-mixed-httpx", text)


if __name__ == "__main__":
    main()
