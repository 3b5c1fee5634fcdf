"""Side by side with `sanction-simulator` (Bhattathiripad & Veetil) on the same ICIO 2022
network: a CHN export ban on RUS, the same for HS 84/85/87 only, and a full CHN<->RUS
embargo. Writes the comparison and both tools' timings to RESULTS.md.

    python benchmarks/peer_sanction_simulator.py --write benchmarks/RESULTS.md

The two answer different questions: sanction-simulator solves a general-equilibrium
CES network model (rerouting, capacity rationing) and reports gross-output losses;
asymmetry's partial-equilibrium lever prices each lost supplier (CES price index)
for the importer and the lost income for the exporter, product (here: sector) by
sector, without network propagation. Parameters: theirs tau=0.30, delta=0.10,
rho=-1 (the package README's example); ours the documented default ranges.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import sanction_simulator as ss

import asymmetry
from asymmetry.levers.engine import simulate
from asymmetry.levers.io_network import NetworkOperators
from asymmetry.levers.scenario import Scenario
from asymmetry.store.ingest_icio import icio_matrices

sys.path.insert(0, str(Path(__file__).parent))
from _common import machine, write_section

SECTORS_84_85_87 = ("C26", "C27", "C28", "C29")


# sanction-simulator's README example: the parameters the peer's column is solved at
PEER_PARAMETERS = {"tau": 0.30, "delta": 0.10, "rho": -1.0}


def peer(legs_of: object, bench: object, pte: object) -> tuple[dict[str, float], float]:
    """Gross-output loss (USD) of RUS and CHN in sanction-simulator, and seconds."""
    start = time.perf_counter()
    batch = pte.ScenarioBatch(bench, [legs_of], tau=0.30, delta=0.10)  # type: ignore[attr-defined]
    batch.balance()
    res = batch.solve(rho=-1.0)
    seconds = time.perf_counter() - start
    loss = (bench.s - res["s_omega"][0]).reshape(bench.S, bench.C).sum(axis=0) * 1e6  # type: ignore[attr-defined]
    output = bench.s.reshape(bench.S, bench.C).sum(axis=0) * 1e6  # type: ignore[attr-defined]
    out = {}
    for c in ("RUS", "CHN"):
        k = bench.cidx[c]  # type: ignore[attr-defined]
        out[c] = float(loss[k])
        out[f"{c}_share"] = float(loss[k] / output[k])
    return out, seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--draws", type=int, default=1000)
    parser.add_argument("--write", type=Path)
    args = parser.parse_args()

    sys.path.insert(0, ss._PKG_DIR)
    import power_trade_estimation as pte

    bench = pte.Benchmark(ss.data_dir(), cache=ss.bench_cache())
    r, c = bench.cidx["RUS"], bench.cidx["CHN"]
    mask = np.isin(np.array(bench.sectors), SECTORS_84_85_87).astype(float)
    store = asymmetry.open(Path(tempfile.mkdtemp(prefix="peer_")) / "s.duckdb")
    scenarios = {
        "CHN export ban on RUS (all goods)": (
            pte.directional_legs(r, c),
            [{"type": "export-restriction", "products": "all"}],
        ),
        "CHN export ban on RUS, HS 84/85/87": (
            [(c, r, mask)],
            [{"type": "export-restriction", "products": "84,85,87"}],
        ),
        "full CHN<->RUS embargo": (
            pte.bilateral_legs(r, c),
            [
                {"type": "export-restriction", "products": "all"},
                {"type": "import-restriction", "products": "all"},
            ],
        ),
    }
    start = time.perf_counter()
    ops = NetworkOperators.build(icio_matrices(store))
    build_seconds = time.perf_counter() - start
    rows = []
    for name, (legs, levers) in scenarios.items():
        theirs, their_seconds = peer(legs, bench, pte)
        scenario = Scenario.from_dict({"sender": "CHN", "target": "RUS", "levers": levers})
        pinned = Scenario.from_dict(
            {"sender": "CHN", "target": "RUS", "levers": levers, **PEER_PARAMETERS}
        )
        ge = simulate(store, pinned, draws=1, model="ge").ge
        assert ge is not None
        pe = simulate(store, scenario, draws=args.draws, source="icio")
        net = simulate(store, scenario, draws=args.draws, model="network", operators=ops)
        start = time.perf_counter()
        simulate(store, scenario, draws=1, model="network", operators=ops)
        point_seconds = time.perf_counter() - start
        rows.append((name, theirs, their_seconds, pe, net, point_seconds, ge))

    def bn(x: float) -> str:
        return f"{x / 1e9:,.1f}"

    lines = [
        "## Peer comparison: sanction-simulator on the same ICIO 2022 network",
        "",
        "Command: `python benchmarks/peer_sanction_simulator.py --write benchmarks/RESULTS.md`",
        f"Machine: {machine()}. sanction-simulator: tau 0.30, delta 0.10, rho -1 (its README's "
        f"example), gross-output loss. asymmetry: {args.draws} draws, median [5-95%]; *network* "
        "= value added lost in the ICIO network model (CES case) with the no-substitution bound; "
        "*PE* = first-round welfare cost on the bilateral flows.",
        "",
        "| scenario | country | peer: gross output lost | asymmetry GE (`--model ge`) | "
        "asymmetry network (CES) | network bound | asymmetry PE |",
        "|---|---|---:|---:|---:|---:|---:|",
    ]
    worst = 0.0
    for name, theirs, _, pe, net, _, ge in rows:
        for who, side in (("RUS", "target"), ("CHN", "sender")):
            ces = getattr(net, f"cost_{side}_usd")
            first = getattr(pe, f"cost_{side}_usd")
            ours = ge[side]["gross_output_loss_usd"]["median"]
            worst = max(worst, abs(ours - theirs[who]) / theirs[who])
            lines.append(
                f"| {name} | {who} | {bn(theirs[who])} bn ({theirs[f'{who}_share']:.2%}) | "
                f"{bn(ours)} bn | "
                f"{bn(ces['median'])} bn [{bn(ces['p05'])}-{bn(ces['p95'])}] | "
                f"{bn(net.bound_va_loss_usd.get(who, 0.0))} bn | {bn(first['median'])} bn |"
            )
    lines += [
        "",
        "Time per scenario (s; goal: asymmetry >= 10x faster than the peer): "
        + "; ".join(
            f"{name}: peer {ts:.2f}, asymmetry network point solve {ps:.3f} (**{ts / ps:.0f}x**)"
            for name, _, ts, _, _, ps, _ in rows
        )
        + f". asymmetry builds the network's three LU factorisations once ({build_seconds:.1f} s, "
        "reused by every scenario; the peer's `Benchmark` load is separate from its solve too).",
        "",
        f"The GE column is asymmetry's `--model ge`, which calls the peer's package on the same "
        f"legs at the same parameters: largest relative difference from the peer's own figure "
        f"{worst:.1e} (a test pins it to 1e-9).",
        "",
        "Why the numbers differ: the peer solves a general-equilibrium CES network with "
        "rerouting and capacity rationing and reports gross output (which counts value added "
        "once per stage of a chain); asymmetry's network model is first-order (linear "
        "propagation of the cut through Leontief, Ghosh and price inverses) and reports value "
        "added; its bound assumes nothing replaces the cut inputs and sellers find no other "
        "buyer. Gross output counts value added once per stage of a chain, so it runs above "
        "value added: in this run the peer's figures lie between our CES value and our bound "
        "for the embargo's Russian side and the export bans' Chinese side, and above our bound "
        "for Russia under the export bans and China under the embargo. All models agree that "
        "a Chinese ban costs Russia far more relative to its size.",
    ]
    text = "\n".join(lines)
    print(text)
    if args.write:
        write_section(args.write, "peer", text)


if __name__ == "__main__":
    main()
