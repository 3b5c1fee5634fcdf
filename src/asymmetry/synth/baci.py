"""Synthetic BACI-format trade years for tests and benchmarks.

Real BACI years are ~9M rows and may not be redistributed, so benchmarks run
on generated data with the same layout and a realistic shape: country sizes
Pareto-distributed (a few giants, a long tail), products with uneven
ubiquity, log-normal flow values scaled by exporter and importer size (a
gravity-like pattern), unit values specific to each product, and BACI's
quirks (codes without leading zeros, ``NA`` quantities, code 490 for
"Other Asia, n.e.s.", Comtrade-style codes 842/251/699 ...).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.csv as pacsv

from asymmetry.store.codes import COMTRADE_SPECIAL_CODES, OTHER_ASIA, reference_countries
from asymmetry.store.store import ProgressCallback

# Chapters that exist in HS 2022 (77 is reserved; 98-99 are national).
_CHAPTERS = np.array([c for c in range(1, 98) if c != 77])


@dataclass(frozen=True, slots=True)
class SynthBaci:
    """Paths of one generated BACI year and its code tables."""

    data: Path
    country_codes: Path
    product_codes: Path
    rows: int


def _countries(n: int, rng: np.random.Generator) -> pd.DataFrame:
    """``n`` real economies with BACI's numeric codes (490 always included)."""
    ref = reference_countries()
    ref = ref[ref["iso_numeric"].notna() | (ref["iso3"] == OTHER_ASIA)]
    special = {iso: code for code, (iso, _) in COMTRADE_SPECIAL_CODES.items()}
    must = ["USA", "CHN", "RUS", "DEU", "JPN", "IND", "FRA", "KOR", OTHER_ASIA]
    others = ref[~ref["iso3"].isin(must)]["iso3"].to_numpy()
    chosen = must + list(rng.choice(others, size=max(0, n - len(must)), replace=False))
    chosen = chosen[:n]
    numeric = dict(zip(ref["iso3"], ref["iso_numeric"], strict=True))
    names = dict(zip(ref["iso3"], ref["name"], strict=True))
    rows = [
        {
            "country_code": int(special.get(iso) or numeric[iso]),
            "country_name": names[iso],
            "country_iso2": "",
            "country_iso3": iso,
        }
        for iso in chosen
    ]
    return pd.DataFrame(rows)


def _products(n: int, rng: np.random.Generator) -> np.ndarray:
    """``n`` distinct HS6 codes as integers (leading zeros dropped, as BACI does)."""
    codes: set[int] = set()
    while len(codes) < n:
        k = n - len(codes)
        chapter = rng.choice(_CHAPTERS, size=k * 2)
        heading = rng.integers(1, 100, size=k * 2)
        sub = rng.integers(10, 100, size=k * 2)
        codes.update((chapter * 10_000 + heading * 100 + sub).tolist())
    return np.sort(rng.choice(np.fromiter(codes, dtype=np.int64), size=n, replace=False))


def _sample_keys(
    rows: int, n_c: int, n_p: int, rng: np.random.Generator, size: np.ndarray, ubiquity: np.ndarray
) -> np.ndarray:
    """Exactly ``rows`` distinct (exporter, importer, product) keys, sorted.

    Each key is kept independently with probability min(1, c * a_e * b_i * u_p),
    so big pairs trade nearly every product and small ones a handful, as in
    real data. ``c`` is raised until enough keys survive, then a random
    surplus is dropped.
    """
    a = size**0.9
    b = size**0.7
    u = ubiquity
    c = rows / (a.sum() * b.sum() * u.sum())
    while True:
        chunks = []
        for e in range(n_c):
            prob = np.minimum(1.0, (c * a[e]) * np.outer(b, u))
            prob[e] = 0.0  # no trade with itself
            hit = np.flatnonzero(rng.random(prob.size) < prob.ravel())
            chunks.append(e * (n_c * n_p) + hit)
        keys = np.concatenate(chunks)
        if keys.size >= rows:
            break
        c *= 1.1 * rows / keys.size
    drop = rng.choice(keys.size, size=keys.size - rows, replace=False)
    return np.delete(keys, drop)


def generate_baci(
    out_dir: str | Path,
    *,
    rows: int = 1_000_000,
    year: int = 2022,
    seed: int = 0,
    n_countries: int = 200,
    n_products: int = 5_000,
    hs_revision: str = "HS22",
    version: str = "V202501",
    progress: ProgressCallback | None = None,
) -> SynthBaci:
    """Write ``BACI_{hs}_Y{year}_{version}.csv`` and its code tables into ``out_dir``.

    The same arguments always give byte-identical files.
    """
    if rows < 1 or n_countries < 10 or n_products < 10:
        raise ValueError("need rows >= 1, n_countries >= 10 and n_products >= 10")
    max_rows = n_countries * (n_countries - 1) * n_products
    if rows > max_rows // 4:
        raise ValueError(
            f"{rows} rows is too dense for {n_countries} countries x "
            f"{n_products} products (at most {max_rows // 4})"
        )
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(seed)
    report = progress or (lambda stage, frac: None)

    countries = _countries(n_countries, rng)
    products = _products(n_products, rng)
    size = rng.pareto(1.1, size=n_countries) + 0.05
    ubiquity = rng.beta(0.6, 2.0, size=n_products) + 1e-3
    report("sampling flows", 0.1)
    keys = _sample_keys(rows, n_countries, n_products, rng, size, ubiquity)
    report("sampling flows", 0.5)
    p_idx = keys % n_products
    pair = keys // n_products
    e_idx, i_idx = pair // n_countries, pair % n_countries

    # Thousand USD: heavy-tailed noise times a gravity term; min one dollar.
    gravity = (size[e_idx] * size[i_idx]) ** 0.35
    value = np.maximum(np.round(rng.lognormal(3.0, 2.2, size=rows) * gravity, 3), 0.001)
    unit_value = rng.lognormal(1.0, 1.5, size=n_products)  # thousand USD per tonne
    quantity = np.round(value / unit_value[p_idx] * rng.lognormal(0, 0.3, size=rows), 3)
    missing_q = rng.random(rows) < 0.04
    report("writing csv", 0.7)

    codes = countries["country_code"].to_numpy()
    q_text = pa.array(quantity).cast(pa.string())
    q_text = pa.compute.if_else(pa.array(missing_q), pa.scalar("NA"), q_text)
    table = pa.table(
        {
            "t": pa.array(np.full(rows, year, dtype=np.int32)),
            "i": pa.array(codes[e_idx]),
            "j": pa.array(codes[i_idx]),
            "k": pa.array(products[p_idx]),
            "v": pa.array(value),
            "q": q_text,
        }
    )
    data_path = out / f"BACI_{hs_revision}_Y{year}_{version}.csv"
    with data_path.open("wb") as sink:
        sink.write(b"t,i,j,k,v,q\n")
        pacsv.write_csv(
            table,
            sink,
            write_options=pacsv.WriteOptions(include_header=False, quoting_style="none"),
        )
    country_path = out / f"country_codes_{version}.csv"
    countries.to_csv(country_path, index=False)
    product_path = out / f"product_codes_{hs_revision}_{version}.csv"
    pd.DataFrame(
        {
            "code": [f"{c:06d}" for c in products],
            "description": [f"Synthetic product {c:06d}" for c in products],
        }
    ).to_csv(product_path, index=False)
    report("done", 1.0)
    return SynthBaci(data_path, country_path, product_path, rows)
