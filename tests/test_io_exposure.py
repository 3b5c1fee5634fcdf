"""ICIO exposure against a hand-worked 2x1 economy and a direct numpy inverse."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from asymmetry.errors import AsymmetryError
from asymmetry.metrics.io_exposure import exposure_from_matrices, io_exposure
from asymmetry.store.ingest_icio import IcioMatrices, bundled_npz
from asymmetry.store.store import Store


def test_two_country_hand_example() -> None:
    # One sector, two countries. Output: A 100, B 200. Flows (seller row -> buyer col):
    #   A->A 10, B->A 30, A->B 20, B->B 40.  Technical coefficients T = F / x:
    #   T = [[0.1, 0.1], [0.3, 0.2]]; value-added coefficients v = 1 - colsum = [0.6, 0.7].
    #   L = inv(I - T) = 1/0.69 * [[0.8, 0.1], [0.3, 0.9]].
    #   B's VA share in A's output = v_B * L[B, A] = 0.7 * 0.3 / 0.69.
    m = IcioMatrices(
        ("AAA", "BBB"),
        ("S1",),
        np.array([[10.0, 20.0], [30.0, 40.0]]),
        np.array([100.0, 200.0]),
        np.array([0.4, 0.3]),
    )
    summary, by_sector = exposure_from_matrices(m, "AAA", "BBB")
    assert summary["direct_input_share"] == pytest.approx(30 / 40)
    assert summary["gross_import_share"] == pytest.approx(1.0)
    assert summary["value_added_share"] == pytest.approx(0.7 * 0.3 / 0.69)
    assert summary["foreign_value_added_share"] == pytest.approx(1.0)
    # own VA + B's VA = 1: v_A L[A, A] = 0.6 * 0.8 / 0.69
    assert summary["value_added_share"] + 0.6 * 0.8 / 0.69 == pytest.approx(1.0)
    assert by_sector["sector"].tolist() == ["S1"]


def test_unknown_economy() -> None:
    m = IcioMatrices(("AAA", "BBB"), ("S1",), np.eye(2), np.ones(2), np.ones(2))
    with pytest.raises(AsymmetryError, match="not one of the 2 ICIO economies"):
        exposure_from_matrices(m, "AAA", "CCC")


def test_russia_china_against_a_direct_inverse(default_store: Store) -> None:
    with np.load(bundled_npz()) as data:
        A, omb, s = data["A"], data["omb"], data["s"]
        countries = list(data["countries"])
    technical = A * omb[None, :]  # flows / output = A * omb * s / s
    leontief = np.linalg.inv(np.eye(len(s)) - technical)
    node_country = np.array([countries[k % 80] for k in range(len(s))])
    rus, chn = node_country == "RUS", node_country == "CHN"
    va = np.where(s > 0, 1 - omb, 0.0)
    share_by_node = (va * chn) @ leontief
    expected = (share_by_node[rus] * s[rus]).sum() / s[rus].sum()

    result = io_exposure(default_store, "RUS", on="CHN")

    assert result.summary["value_added_share"] == pytest.approx(expected, rel=1e-6)
    flows = A * (omb * s)[None, :]
    direct = flows[np.ix_(chn, rus)].sum() / flows[:, rus].sum()
    assert result.summary["direct_input_share"] == pytest.approx(direct, rel=1e-9)
    sector = result.by_sector.set_index("sector")
    c26 = np.flatnonzero(rus)[list(data_sectors()).index("C26")]
    assert sector.loc["C26", "value_added_share"] == pytest.approx(share_by_node[c26], rel=1e-6)


def data_sectors() -> list[str]:
    with np.load(bundled_npz()) as data:
        return [str(x) for x in data["sectors"]]


def test_the_read_only_path_equals_a_fresh_solve(default_store_file: Path) -> None:
    """Read-only, every country's origins are solved once and kept (`Store.memo`); the
    answers equal the two-column solve a writable store does each time."""
    pairs = [("RUS", "CHN"), ("DEU", "USA"), ("CHN", "RUS")]
    with Store(default_store_file, read_only=True) as kept:
        memoised = [io_exposure(kept, a, on=b) for a, b in pairs]
        assert kept.remembered(("icio_value_added_by_country",)) is not None
    with np.load(bundled_npz()) as data:
        countries = tuple(str(c) for c in data["countries"])
        sectors = tuple(str(c) for c in data["sectors"])
        output = data["s"]
        flows = data["A"] * (data["omb"] * output)[None, :]
    m = IcioMatrices(countries, sectors, flows, output, np.zeros_like(output))
    for (a, b), got in zip(pairs, memoised, strict=True):
        summary, _ = exposure_from_matrices(m, a, b)  # no kept origins: solved afresh
        shares = {k: v for k, v in summary.items() if k.endswith("_share")}  # npz: USD mn
        assert {k: got.summary[k] for k in shares} == pytest.approx(shares, rel=1e-9)
