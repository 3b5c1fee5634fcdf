"""Shared helpers for the benchmark scripts: timing, synthetic data, RESULTS.md."""

from __future__ import annotations

import os
import platform
import re
import statistics
import time
from collections.abc import Callable
from pathlib import Path

from asymmetry.synth.baci import SynthBaci, generate_baci

DATA = Path(__file__).parent / ".data"


def synthetic_year(rows: int, seed: int = 1, year: int = 2022) -> SynthBaci:
    """A cached synthetic BACI year (generated once per size, seed and year)."""
    out = DATA / (f"baci_{rows}_{seed}" if year == 2022 else f"baci_{rows}_{seed}_{year}")
    data = out / f"BACI_HS22_Y{year}_V202501.csv"
    if data.is_file():
        return SynthBaci(
            data, out / "country_codes_V202501.csv", out / "product_codes_HS22_V202501.csv", rows
        )
    return generate_baci(out, rows=rows, year=year, seed=seed)


def median_seconds(runs: dict[str, list[float]]) -> dict[str, float]:
    return {name: statistics.median(times) for name, times in runs.items()}


def interleaved(contenders: dict[str, Callable[[], None]], repeat: int) -> dict[str, list[float]]:
    """Time each contender ``repeat`` times, round-robin, so drift hits all alike."""
    runs: dict[str, list[float]] = {name: [] for name in contenders}
    for _ in range(repeat):
        for name, run in contenders.items():
            start = time.perf_counter()
            run()
            runs[name].append(time.perf_counter() - start)
    return runs


def machine() -> str:
    return (
        f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}, "
        f"{platform.system()} {platform.release()}"
    )


def write_section(path: Path, name: str, body: str) -> None:
    """Replace the section ``name`` of RESULTS.md (between HTML comments) with ``body``."""
    begin, end = f"<!-- {name}:begin -->", f"<!-- {name}:end -->"
    text = path.read_text() if path.exists() else "# Benchmark results\n"
    block = f"{begin}\n{body.rstrip()}\n{end}"
    if begin in text:
        text = re.sub(re.escape(begin) + r".*?" + re.escape(end), lambda _: block, text, flags=re.S)
    else:
        text = text.rstrip() + "\n\n" + block + "\n"
    path.write_text(text)
