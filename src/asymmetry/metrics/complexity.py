"""Revealed comparative advantage and economic complexity (ECI / PCI).

Balassa's RCA: ``RCA[c, p] = (x[c, p] / x[c, .]) / (x[., p] / x[., .])``;
country c is present in product p when RCA >= 1 (the matrix M). With
diversity ``k_c = sum_p M`` and ubiquity ``k_p = sum_c M``, the method of
reflections converges to the eigenvectors of
``Mcc = (M / k_c) (M / k_p)^T`` and ``Mpp = (M / k_p)^T (M / k_c)``: the
Economic Complexity Index is the eigenvector of the second-largest
eigenvalue. We follow the conventions of Harvard Growth Lab's `ecomplexity`
package so results are interchangeable: PCI is that eigenvector of Mpp with
unit norm, ECI = (M / k_c) @ PCI, both signed so ECI correlates positively
with diversity, then both standardised by ECI's mean and standard deviation.
The eigenproblem is solved on the country side (Mcc is
countries x countries, far smaller than Mpp) and mapped across, which gives
the same vectors: if Mcc u = l u then Mpp (M / k_p)^T u = l (M / k_p)^T u.

References: Balassa, B. (1965) "Trade Liberalisation and Revealed Comparative
Advantage", *The Manchester School* 33(2); Hidalgo, C. A. and Hausmann, R.
(2009) "The building blocks of economic complexity", *PNAS* 106(26).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from asymmetry.errors import NoDataError
from asymmetry.metrics.basis import Basis, SourceChoice, resolve_basis
from asymmetry.metrics.coverage import coverage_warnings
from asymmetry.store.store import Store


@dataclass(frozen=True, slots=True)
class Complexity:
    """ECI by country and PCI by product for one year (NaN where undefined)."""

    year: int
    dataset: str
    eci: pd.DataFrame  # country, diversity, eci
    pci: pd.DataFrame  # product, ubiquity, pci
    warnings: list[str] = field(default_factory=list)  # coverage (`metrics.coverage`)


@dataclass(frozen=True, slots=True)
class RevealedAdvantage:
    """One country's exports by product with Balassa RCA and PCI, largest first."""

    country: str
    year: int
    basis: str
    dataset: str
    table: pd.DataFrame  # product, exports_usd, share (of the country's exports), rca, pci
    warnings: list[str] = field(default_factory=list)  # coverage (`metrics.coverage`)

    def to_frame(self) -> pd.DataFrame:
        return self.table.copy()

    def to_dict(self) -> dict[str, Any]:
        return {
            "country": self.country,
            "year": self.year,
            "basis": self.basis,
            "dataset": self.dataset,
            "warnings": self.warnings,
            "items": [
                {k: None if pd.isna(v) else v for k, v in row.items()}
                for row in self.table.to_dict("records")
            ],
        }


def rca_matrix(exports: np.ndarray) -> np.ndarray:
    """Balassa RCA of a (countries x products) export matrix; NaN where undefined."""
    with np.errstate(divide="ignore", invalid="ignore"):
        share_in_country = exports / exports.sum(axis=1, keepdims=True)
        share_in_world = exports.sum(axis=0, keepdims=True) / exports.sum()
        rca: np.ndarray = share_in_country / share_in_world
    return rca


def eci_pci(
    exports: np.ndarray, *, threshold: float = 1.0
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """ECI, PCI, diversity and ubiquity of a (countries x products) export matrix."""
    presence = (np.nan_to_num(rca_matrix(exports)) >= threshold).astype(float)
    diversity, ubiquity = presence.sum(axis=1), presence.sum(axis=0)
    rows, cols = diversity > 0, ubiquity > 0
    if rows.sum() < 3 or cols.sum() < 2:
        raise NoDataError(
            f"complexity needs at least 3 exporters and 2 products; got "
            f"{int(rows.sum())} and {int(cols.sum())}"
        )
    m = presence[np.ix_(rows, cols)]
    kc, kp = diversity[rows], ubiquity[cols]
    by_country = m / kc[:, None]  # M / k_c
    by_product = m / kp[None, :]  # M / k_p
    # Symmetric similar matrix of Mcc: S = D^{1/2} Mcc D^{-1/2} with D = diag(k_c).
    scaled = m / np.sqrt(kc)[:, None] / np.sqrt(kp)[None, :]
    values, vectors = np.linalg.eigh(scaled @ scaled.T)  # ascending
    if values[-2] - values[-3] < 1e-9 * values[-1]:
        # The export network splits into groups: any mix of the tied eigenvectors
        # is "the" second one, and the ranking would be arbitrary.
        raise NoDataError("complexity is undefined here: the second eigenvalue is repeated")
    u = vectors[:, -2] / np.sqrt(kc)  # back to an eigenvector of Mcc
    kp_vec = by_product.T @ u  # eigenvector of Mpp for the same eigenvalue
    kp_vec /= np.linalg.norm(kp_vec)
    kc_vec = by_country @ kp_vec
    if kc.std() == 0 or kc_vec.std() == 0:
        raise NoDataError("complexity is undefined here: every exporter is equally diverse")
    sign = np.sign(np.corrcoef(kc, kc_vec)[0, 1])
    kc_vec, kp_vec = sign * kc_vec, sign * kp_vec
    # Standardise by ECI's mean and standard deviation, so that a country's ECI
    # stays the mean PCI of the products it exports with RCA >= 1.
    mean, std = kc_vec.mean(), kc_vec.std()
    eci = np.full(len(diversity), np.nan)
    pci = np.full(len(ubiquity), np.nan)
    eci[rows], pci[cols] = (kc_vec - mean) / std, (kp_vec - mean) / std
    return eci, pci, diversity, ubiquity


def export_matrix(
    store: Store,
    *,
    year: int | None = None,
    source: SourceChoice = "auto",
    dataset: str | None = None,
) -> tuple[np.ndarray, list[str], list[str], int, str]:
    """Exports by (country, product) as a dense matrix, with the labels and basis."""
    basis = resolve_basis(store, source=source, year=year, dataset=dataset)
    matrix, countries, products = _export_matrix(store, basis)
    return matrix, countries, products, basis.year, basis.dataset


def _export_matrix(store: Store, basis: Basis) -> tuple[np.ndarray, list[str], list[str]]:
    long = store.query(
        f"SELECT exporter, item AS product, sum(value_usd) AS v FROM ({basis.sql}) GROUP BY ALL",
        basis.params,
    )
    if long.empty:
        raise NoDataError(f"no exports in {basis.label} ({basis.dataset}, {basis.year})")
    countries = sorted(long["exporter"].unique())
    products = sorted(long["product"].unique())
    matrix = np.zeros((len(countries), len(products)))
    rows = pd.Categorical(long["exporter"], categories=countries).codes
    cols = pd.Categorical(long["product"], categories=products).codes
    matrix[rows, cols] = long["v"].to_numpy()
    return matrix, countries, products


def complexity(
    store: Store,
    *,
    year: int | None = None,
    source: SourceChoice = "auto",
    dataset: str | None = None,
) -> Complexity:
    """ECI of every exporter and PCI of every product in one year of the store."""
    basis = resolve_basis(store, source=source, year=year, dataset=dataset)
    matrix, countries, products = _export_matrix(store, basis)
    eci, pci, diversity, ubiquity = eci_pci(matrix)
    return Complexity(
        basis.year,
        basis.dataset,
        pd.DataFrame({"country": countries, "diversity": diversity, "eci": eci})
        .sort_values("eci", ascending=False, na_position="last")
        .reset_index(drop=True),
        pd.DataFrame({"product": products, "ubiquity": ubiquity, "pci": pci})
        .sort_values("pci", ascending=False, na_position="last")
        .reset_index(drop=True),
        coverage_warnings(store, basis),
    )


def revealed_advantage(
    store: Store,
    country: str,
    *,
    year: int | None = None,
    source: SourceChoice = "auto",
    dataset: str | None = None,
) -> RevealedAdvantage:
    """``country``'s exports by product with Balassa RCA and PCI, largest exports first.

    The table's columns: product, exports_usd, share (of the country's exports), rca, pci.
    """
    from asymmetry.store.codes import resolve_country

    iso = resolve_country(country)
    basis = resolve_basis(store, source=source, year=year, dataset=dataset)
    matrix, countries, products = _export_matrix(store, basis)
    if iso not in countries:
        raise NoDataError(f"{iso} exports nothing in the chosen data")
    row = countries.index(iso)
    rca = rca_matrix(matrix)[row]
    try:
        _, pci, _, _ = eci_pci(matrix)
    except NoDataError:
        pci = np.full(len(products), np.nan)
    exports = matrix[row]
    frame = pd.DataFrame(
        {
            "product": products,
            "exports_usd": exports,
            "share": exports / exports.sum(),
            "rca": rca,
            "pci": pci,
        }
    )
    table = (
        frame[frame["exports_usd"] > 0]
        .sort_values("exports_usd", ascending=False)
        .reset_index(drop=True)
    )
    return RevealedAdvantage(
        iso, basis.year, basis.label, basis.dataset, table, coverage_warnings(store, basis)
    )
