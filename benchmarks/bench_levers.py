"""Lever benchmark: 1,000 Monte Carlo draws of a product-level export restriction over
every HS6 product on a synthetic BACI-scale year (issue #4 goal: < 30 s on 2 cores).

    python benchmarks/bench_levers.py --rows 9000000 --repeat 3 --write benchmarks/RESULTS.md
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

import asymmetry
from asymmetry.levers.engine import simulate
from asymmetry.levers.scenario import Scenario
from asymmetry.store.ingest_baci import ingest_baci

sys.path.insert(0, str(Path(__file__).parent))
from _common import interleaved, machine, median_seconds, synthetic_year, write_section


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=9_000_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--draws", type=int, default=1000)
    parser.add_argument("--write", type=Path)
    args = parser.parse_args()

    synth = synthetic_year(args.rows)
    store = asymmetry.open(Path(tempfile.mkdtemp(prefix="bench_levers_")) / "s.duckdb")
    ingest_baci(store, [synth.data])
    # the pair trading the most products: the hardest case for a product-level model
    top = store.con.execute(
        "SELECT exporter, importer, count(*) AS n FROM flows GROUP BY ALL ORDER BY n DESC LIMIT 1"
    ).fetchone()
    assert top is not None
    sender, target, n_products = top
    export_ban = Scenario.from_dict(
        {
            "sender": sender,
            "target": target,
            "levers": [{"type": "export-restriction", "products": "all", "fraction": [0.5, 1.0]}],
        }
    )
    discount = Scenario.from_dict(
        {
            "sender": sender,
            "target": target,
            "levers": [{"type": "price-discount", "products": "all", "discount": [0.1, 0.3]}],
        }
    )
    runs = interleaved(
        {
            f"export restriction, all HS6, {args.draws} draws": lambda: simulate(
                store, export_ban, draws=args.draws
            ),
            f"price discount (accounting), all HS6, {args.draws} draws": lambda: simulate(
                store, discount, draws=args.draws
            ),
        },
        args.repeat,
    )
    med = median_seconds(runs)
    lines = [
        "## Levers: Monte Carlo over every HS6 product",
        "",
        f"Command: `python benchmarks/bench_levers.py --rows {args.rows} --repeat {args.repeat}`",
        f"Data: synthetic BACI year, {args.rows:,} rows; the pair with most products, "
        f"{sender} -> {target}, trades {n_products:,} "
        f"HS6 products. Machine: {machine()}. Each run reads the flows from the store, "
        "draws every parameter range and sums the costs over products and draws.",
        "",
        "| scenario | median s | runs (s) |",
        "|---|---:|---|",
    ]
    for name, seconds in med.items():
        lines.append(f"| {name} | {seconds:.2f} | {', '.join(f'{t:.2f}' for t in runs[name])} |")
    lines += ["", "Goal: < 30 s for the export restriction."]
    text = "\n".join(lines)
    print(text)
    if args.write:
        write_section(args.write, "levers", text)


if __name__ == "__main__":
    main()
