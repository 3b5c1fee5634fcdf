"""Value-added exposure on the ICIO network: direct and total (Leontief) dependence.

A gross import share counts what crosses A's border from B. Production
networks make it misleading both ways: B's parts can reach A through third
countries (understated), and B's exports to A can embody value added from
elsewhere (overstated). With technical coefficients
``T[i, j] = flows[i, j] / output[j]``, the Leontief inverse ``L = (I - T)^-1``
gives the output of node i needed, directly and indirectly, per dollar of j's
output, and ``v_i = value_added_i / output_i`` turns it into value added:
``sum_i v_i L[i, j] = 1`` (every dollar of output is somebody's value added).
B's share of the value added embodied in A's node j is ``sum_{i in B} v_i L[i, j]``.

Direct exposure is B's share of node j's intermediate inputs.

References: Leontief, W. (1936) "Quantitative Input and Output Relations in the
Economic Systems of the United States"; Johnson, R. C. and Noguera, G. (2012)
"Accounting for intermediates: Production sharing and trade in value added",
*Journal of International Economics* 86(2).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
import scipy.linalg

from asymmetry.errors import AsymmetryError
from asymmetry.store.codes import resolve_country
from asymmetry.store.ingest_icio import ICIO_DATASET, IcioMatrices, icio_matrices
from asymmetry.store.store import Store

BASIS = "intermediate inputs (ICIO)"


@dataclass(frozen=True, slots=True)
class IoExposure:
    """A's exposure to B through the production network (shares are fractions).

    ``summary`` keys: ``direct_input_share`` (B's share of A's intermediate
    inputs, domestic included), ``gross_import_share`` (B's share of A's
    imported intermediate inputs), ``value_added_share`` (B's share of the
    value added embodied in A's gross output, through all routes),
    ``foreign_value_added_share`` (B's share of the foreign value added in A's
    output) and ``output_usd`` (A's gross output). ``by_sector`` has the
    same per A sector.
    """

    country: str
    partner: str
    year: int
    basis: str
    dataset: str
    summary: dict[str, float]
    by_sector: pd.DataFrame

    @property
    def warnings(self) -> list[str]:
        """Coverage warnings, as on every result: none, the ICIO network is whole."""
        return []

    def to_dict(self) -> dict[str, Any]:
        return {
            "country": self.country,
            "partner": self.partner,
            "year": self.year,
            "basis": self.basis,
            "dataset": self.dataset,
            "summary": self.summary,
            "warnings": self.warnings,
            "by_sector": self.by_sector.to_dict("records"),
        }


def value_added_origin(m: IcioMatrices, origins: np.ndarray) -> np.ndarray:
    """Share of each node's output value added created in each set of origin nodes.

    ``origins`` is (nodes x k) of 0/1 columns; the result is (nodes x k).
    Solves ``(I - T)^T Y = v * origins`` with one LU factorisation instead
    of forming the inverse.
    """
    output = m.output
    technical = m.technical()
    va_coefficient = np.where(output > 0, 1.0 - technical.sum(axis=0), 0.0)
    rhs = va_coefficient[:, None] * origins
    identity_minus = np.eye(len(output)) - technical
    solved: np.ndarray = scipy.linalg.solve(identity_minus.T, rhs, check_finite=False)
    return solved


def value_added_by_country(m: IcioMatrices) -> np.ndarray:
    """Share of each node's output value added created in each country (nodes x countries).

    One solve with a column per country answers every pair: B's share is its
    column, the foreign share of A's nodes is the row total less A's column.
    """
    node_country = m.node_countries()
    origins = (node_country[:, None] == np.array(m.countries)[None, :]).astype(float)
    return value_added_origin(m, origins)


def exposure_from_matrices(
    m: IcioMatrices, country: str, partner: str, *, by_country: np.ndarray | None = None
) -> tuple[dict[str, float], pd.DataFrame]:
    """Summary and per-sector exposure of ``country`` to ``partner`` (see `IoExposure`).

    ``by_country`` is `value_added_by_country` of ``m`` when already at hand;
    without it only the two origin columns the pair needs are solved.
    """
    for c in (country, partner):
        if c not in m.countries:
            raise AsymmetryError(
                f"{c} is not one of the {m.n_countries} ICIO economies; "
                "its trade is in the rest of the world there"
            )
    node_country = m.node_countries()
    in_a, in_b = node_country == country, node_country == partner
    foreign = node_country != country
    inputs = m.flows.sum(axis=0)
    from_b = m.flows[in_b].sum(axis=0)
    # all inputs less the domestic ones: A's ~45 rows, not a copy of the other ~3,500
    imported = inputs - m.flows[in_a].sum(axis=0)
    if by_country is None:
        va = value_added_origin(m, np.column_stack([in_b, foreign]).astype(float))
        va_from_b, va_foreign = va[:, 0], va[:, 1]
    else:
        a_column, b_column = m.countries.index(country), m.countries.index(partner)
        va_from_b = by_country[:, b_column]
        va_foreign = by_country.sum(axis=1) - by_country[:, a_column]
    x = m.output

    def ratio(num: np.ndarray, den: np.ndarray) -> np.ndarray:
        out: np.ndarray = np.divide(num, den, out=np.full_like(num, np.nan), where=den > 0)
        return out

    by_sector = pd.DataFrame(
        {
            "sector": m.node_sectors()[in_a],
            "output_usd": x[in_a],
            "inputs_usd": inputs[in_a],
            "from_partner_usd": from_b[in_a],
            "direct_input_share": ratio(from_b[in_a], inputs[in_a]),
            "gross_import_share": ratio(from_b[in_a], imported[in_a]),
            "value_added_share": np.where(x[in_a] > 0, va_from_b[in_a], np.nan),
            "foreign_value_added_share": ratio(
                va_from_b[in_a] * x[in_a], va_foreign[in_a] * x[in_a]
            ),
        }
    )
    total_output = x[in_a].sum()
    summary = {
        "output_usd": float(total_output),
        "direct_input_share": float(from_b[in_a].sum() / inputs[in_a].sum()),
        "gross_import_share": float(from_b[in_a].sum() / imported[in_a].sum()),
        "value_added_share": float((va_from_b[in_a] * x[in_a]).sum() / total_output),
        "foreign_value_added_share": float(
            (va_from_b[in_a] * x[in_a]).sum() / (va_foreign[in_a] * x[in_a]).sum()
        ),
    }
    return summary, by_sector


def io_exposure(store: Store, country: str, *, on: str) -> IoExposure:
    """A's direct and total (value-added) exposure to B on the stored ICIO network."""
    a, b = resolve_country(country), resolve_country(on)
    if a == b:
        raise AsymmetryError(f"a country cannot be exposed to itself ({a})")
    m = icio_matrices(store)
    # every country's origin column at once, kept while the store cannot change
    by_country = store.memo(("icio_value_added_by_country",), lambda: value_added_by_country(m))
    summary, by_sector = exposure_from_matrices(m, a, b, by_country=by_country)
    names = store.memo(
        ("icio_sector_names",),
        lambda: store.query("SELECT DISTINCT sector, sector_name FROM io_nodes"),
    )
    by_sector = by_sector.merge(names, on="sector", how="left")
    by_sector = by_sector.sort_values("value_added_share", ascending=False, na_position="last")
    return IoExposure(a, b, 2022, BASIS, ICIO_DATASET, summary, by_sector.reset_index(drop=True))
