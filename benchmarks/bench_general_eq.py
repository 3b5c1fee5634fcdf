"""`--model ge` against sanction-simulator's own solve, and 100 GE draws timed.

    python benchmarks/bench_general_eq.py --draws 100 --write benchmarks/RESULTS.md

Point solve: the CHN<->RUS embargo at tau 0.30, delta 0.10, rho -1 (the package
README's parameters), ours (`asymmetry.levers.engine.simulate(model="ge")`: legs
mapped from a Scenario, the package's balance + solve, sums by country and
country-sector, intervals) against the package's own `ScenarioBatch` balance +
solve, interleaved, median of ``--repeat`` runs. The benchmark is loaded once for
both and not timed. Then ``--draws`` Monte Carlo draws over the default ranges
(tau 0.05-0.80, delta 0.05-0.60, rho -4 to -0.25).
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

import numpy as np
import sanction_simulator as ss

from asymmetry.levers.engine import simulate
from asymmetry.levers.general_eq import default_model
from asymmetry.levers.scenario import Scenario

sys.path.insert(0, str(Path(__file__).parent))
from _common import machine, write_section


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--draws", type=int, default=100)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--write", type=Path)
    args = parser.parse_args()

    sys.path.insert(0, ss._PKG_DIR)
    import power_trade_estimation as pte

    model = default_model()
    bench = model.bench
    r, c = bench.cidx["RUS"], bench.cidx["CHN"]
    embargo = {"sender": "CHN", "target": "RUS", "levers": [{"type": "embargo"}]}
    point = Scenario.from_dict({**embargo, "tau": 0.3, "delta": 0.1, "rho": -1})

    ours, theirs = [], []
    result = None
    peer_loss = np.zeros(bench.C)
    for _ in range(args.repeat):
        start = time.perf_counter()
        batch = pte.ScenarioBatch(bench, [pte.bilateral_legs(r, c)], tau=0.30, delta=0.10)
        batch.balance()
        res = batch.solve(rho=-1.0)
        peer_loss = (bench.s - res["s_omega"][0]).reshape(bench.S, bench.C).sum(axis=0) * 1e6
        theirs.append(time.perf_counter() - start)
        start = time.perf_counter()
        result = simulate(None, point, draws=1, model="ge", ge_model=model)  # type: ignore[arg-type]
        ours.append(time.perf_counter() - start)
    assert result is not None and result.ge is not None
    t_ours, t_theirs = statistics.median(ours), statistics.median(theirs)
    diff = max(
        abs(result.ge[side]["gross_output_loss_usd"]["median"] - peer_loss[bench.cidx[who]])
        / peer_loss[bench.cidx[who]]
        for side, who in (("target", "RUS"), ("sender", "CHN"))
    )

    start = time.perf_counter()
    mc = simulate(None, Scenario.from_dict(embargo), draws=args.draws, model="ge", ge_model=model)  # type: ignore[arg-type]
    mc_seconds = time.perf_counter() - start
    assert mc.ge is not None

    def bn(i: dict[str, float]) -> str:
        return f"{i['median'] / 1e9:,.1f} bn [{i['p05'] / 1e9:,.1f}-{i['p95'] / 1e9:,.1f}]"

    g = result.ge
    lines = [
        "## General equilibrium: `--model ge` against sanction-simulator's own solve",
        "",
        f"Command: `python benchmarks/bench_general_eq.py --draws {args.draws} --write "
        "benchmarks/RESULTS.md`",
        f"Machine: {machine()}. Scenario: full CHN<->RUS embargo on the package's ICIO 2022 "
        "benchmark (loaded once, not timed).",
        "",
        "| contender | median s | runs (s) |",
        "|---|---:|---|",
        f'| asymmetry `simulate(model="ge")`, point | {t_ours:.2f} | '
        + ", ".join(f"{x:.2f}" for x in ours)
        + " |",
        f"| sanction-simulator `balance` + `solve` | {t_theirs:.2f} | "
        + ", ".join(f"{x:.2f}" for x in theirs)
        + " |",
        "",
        f"Ours / theirs: **{t_ours / t_theirs:.2f}x** (goal <= 1.1x). Largest relative "
        f"difference of the two sides' gross-output losses: {diff:.1e}.",
        "",
        "At tau 0.30, delta 0.10, rho -1: Russia loses "
        f"{g['target']['gross_output_loss_usd']['median'] / 1e9:,.1f} bn of gross output "
        f"({g['target']['gross_output_loss_share']['median']:.2%}) and "
        f"{g['target']['value_added_loss_usd']['median'] / 1e9:,.1f} bn of value added; China "
        f"{g['sender']['gross_output_loss_usd']['median'] / 1e9:,.1f} bn "
        f"({g['sender']['gross_output_loss_share']['median']:.2%}) and "
        f"{g['sender']['value_added_loss_usd']['median'] / 1e9:,.1f} bn.",
        "",
        f"{args.draws} Monte Carlo draws over the default ranges (tau 0.05-0.80, delta "
        f"0.05-0.60, rho -4 to -0.25; seed 0): **{mc_seconds:.1f} s** "
        f"({mc_seconds / args.draws:.2f} s a draw, {mc.ge['diagnostics']['solves']} solves). "
        "Gross output lost, median [5-95%]: Russia "
        f"{bn(mc.ge['target']['gross_output_loss_usd'])}, "
        f"China {bn(mc.ge['sender']['gross_output_loss_usd'])}; value added lost: Russia "
        f"{bn(mc.ge['target']['value_added_loss_usd'])}, China "
        f"{bn(mc.ge['sender']['value_added_loss_usd'])}.",
    ]
    text = "\n".join(lines)
    print(text)
    if args.write:
        write_section(args.write, "general_eq", text)


if __name__ == "__main__":
    main()
