"""RCA and ECI/PCI equal Harvard Growth Lab's `ecomplexity` on the same input."""

from __future__ import annotations

import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from asymmetry.errors import NoDataError
from asymmetry.metrics.complexity import complexity, eci_pci, rca_matrix
from asymmetry.store.ingest_baci import ingest_baci
from asymmetry.store.store import Store
from asymmetry.synth.baci import generate_baci

ecomplexity = pytest.importorskip("ecomplexity")


def _reference(exports: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    nc, npr = exports.shape
    rows = [(2020, c, p, exports[c, p]) for c in range(nc) for p in range(npr) if exports[c, p] > 0]
    frame = pd.DataFrame(rows, columns=["year", "loc", "prod", "val"])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        out = ecomplexity.ecomplexity(
            frame,
            {"time": "year", "loc": "loc", "prod": "prod", "val": "val"},
            verbose=False,
            check_logsupermodularity=False,
        )
    eci = out.groupby("loc")["eci"].first().reindex(range(nc)).to_numpy()
    pci = out.groupby("prod")["pci"].first().reindex(range(npr)).to_numpy()
    rca = (
        out.pivot(index="loc", columns="prod", values="rca")
        .reindex(index=range(nc), columns=range(npr))
        .to_numpy()
    )
    return eci, pci, rca


def test_hand_worked_rca() -> None:
    exports = np.array([[10.0, 0.0], [5.0, 5.0]])
    # world: product 0 = 15/20, product 1 = 5/20. Country 0 exports only product 0:
    # RCA = 1 / 0.75; country 1: 0.5 / 0.75 and 0.5 / 0.25.
    np.testing.assert_allclose(rca_matrix(exports), [[4 / 3, 0.0], [2 / 3, 2.0]])


@settings(max_examples=20, deadline=None)
@given(seed=st.integers(0, 10_000), nc=st.integers(8, 30), npr=st.integers(15, 60))
def test_matches_ecomplexity_on_random_matrices(seed: int, nc: int, npr: int) -> None:
    rng = np.random.default_rng(seed)
    exports = rng.lognormal(0, 2, (nc, npr)) * (rng.random((nc, npr)) < 0.6)
    exports[exports.sum(axis=1) == 0, 0] = 1.0
    exports[0, exports.sum(axis=0) == 0] = 1.0
    try:
        eci, pci, diversity, ubiquity = eci_pci(exports)
    except NoDataError:
        # only when the second eigenvalue of Mcc is tied: check independently
        presence = (np.nan_to_num(rca_matrix(exports)) >= 1).astype(float)
        kc, kp = presence.sum(axis=1), presence.sum(axis=0)
        keep = kc > 0
        mcc = (presence[keep] / kc[keep, None]) @ (presence[keep] / np.maximum(kp, 1)).T
        values = np.sort(np.linalg.eigvals(mcc).real)
        assert values[-2] - values[-3] < 1e-8
        return
    eci_ref, pci_ref, rca_ref = _reference(exports)
    if np.isnan(eci_ref).all():
        return  # ecomplexity gives up on degenerate matrices too
    np.testing.assert_allclose(eci, eci_ref, atol=1e-9, rtol=0)
    np.testing.assert_allclose(pci, pci_ref, atol=1e-9, rtol=0)
    np.testing.assert_allclose(
        np.nan_to_num(rca_matrix(exports)), np.nan_to_num(rca_ref), atol=1e-12
    )
    assert diversity.sum() == ubiquity.sum()  # both count the ones of M


@settings(max_examples=10, deadline=None)
# Values near the float minimum lose digits when scaled (5e-324 * 0.5 == 0): that is float
# arithmetic, not RCA. Trade values are zero or at least a dollar's millionth.
@given(
    exports=arrays(float, (6, 9), elements=st.one_of(st.just(0.0), st.floats(1e-6, 1e6))),
    factor=st.floats(0.01, 1e3),
)
def test_scaling_invariance(exports: np.ndarray, factor: float) -> None:
    if (exports.sum(axis=1) == 0).any() or (exports.sum(axis=0) == 0).any():
        return
    np.testing.assert_allclose(rca_matrix(exports * factor), rca_matrix(exports), rtol=1e-9)


def test_store_complexity_equals_ecomplexity(empty_store: Store, tmp_path: Path) -> None:
    synth = generate_baci(tmp_path, rows=20_000, n_countries=40, n_products=300, seed=2)
    ingest_baci(empty_store, [synth.data])
    result = complexity(empty_store)
    frame = pd.read_csv(synth.data, dtype={"k": str})
    codes = pd.read_csv(synth.country_codes).set_index("country_code")["country_iso3"]
    frame["loc"] = frame["i"].map(codes)
    frame["prod"] = frame["k"].str.zfill(6)
    exports = frame.groupby(["loc", "prod"])["v"].sum().unstack(fill_value=0.0)
    eci_ref, pci_ref, _ = _reference(exports.to_numpy())
    got = result.eci.set_index("country")["eci"].reindex(exports.index).to_numpy()
    np.testing.assert_allclose(got, eci_ref, atol=1e-9)
    got_p = result.pci.set_index("product")["pci"].reindex(exports.columns).to_numpy()
    np.testing.assert_allclose(got_p, pci_ref, atol=1e-9)


def test_degenerate_input_is_refused() -> None:
    with pytest.raises(NoDataError, match="at least 3 exporters"):
        eci_pci(np.array([[1.0, 2.0, 3.0]]))


def test_revealed_advantage_of_one_country(empty_store: Store, tmp_path: Path) -> None:
    from asymmetry.metrics.complexity import revealed_advantage
    from asymmetry.store.ingest_tidy import ingest_table

    path = tmp_path / "w.csv"
    path.write_text(
        "year,exporter,importer,product,value_usd\n"
        "2022,RUS,CHN,270900,10\n2022,CHN,RUS,847130,5\n2022,CHN,DEU,270900,5\n"
        "2022,DEU,CHN,847130,5\n"
    )
    ingest_table(empty_store, path, hs_revision="HS17")
    result = revealed_advantage(empty_store, "RUS")
    frame = result.table
    # RUS exports only crude (10 of the world's 15 crude, 25 total): RCA = 1 / (15/25)
    assert frame[["product", "exports_usd", "share"]].values.tolist() == [["270900", 10.0, 1.0]]
    assert frame["rca"].iloc[0] == pytest.approx(25 / 15)
