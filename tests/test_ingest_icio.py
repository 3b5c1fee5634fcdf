"""The ICIO network in the store against an independent numpy read of the npz."""

from __future__ import annotations

import numpy as np
import pytest

from asymmetry.store.ingest_icio import ICIO_DATASET, bundled_npz, icio_matrices, ingest_icio
from asymmetry.store.store import Store


@pytest.fixture(scope="module")
def npz() -> dict[str, np.ndarray]:
    with np.load(bundled_npz()) as data:
        return {k: data[k] for k in ("A", "omb", "s", "countries", "sectors")}


def _nodes(npz: dict[str, np.ndarray], country: str) -> np.ndarray:
    countries = list(npz["countries"])
    return np.arange(len(npz["sectors"])) * len(countries) + countries.index(country)


@pytest.mark.parametrize(("seller", "buyer"), [("CHN", "RUS"), ("RUS", "CHN"), ("USA", "DEU")])
def test_bilateral_intermediate_flows(
    default_store: Store, npz: dict[str, np.ndarray], seller: str, buyer: str
) -> None:
    flows = npz["A"] * (npz["omb"] * npz["s"])[None, :]  # USD million, as documented
    expected = flows[np.ix_(_nodes(npz, seller), _nodes(npz, buyer))].sum() * 1e6
    got = default_store.scalar(
        "SELECT sum(value_usd) FROM io_flows WHERE seller_country = ? AND buyer_country = ?",
        [seller, buyer],
    )
    assert got == pytest.approx(expected, rel=1e-12)


def test_every_nonzero_cell_is_stored(default_store: Store, npz: dict[str, np.ndarray]) -> None:
    assert default_store.scalar("SELECT count(*) FROM io_network") == np.count_nonzero(npz["A"])
    assert default_store.scalar("SELECT count(*) FROM io_nodes") == 4000


def test_sector_names_and_value_added(default_store: Store, npz: dict[str, np.ndarray]) -> None:
    node = default_store.query("SELECT * FROM io_nodes WHERE country='RUS' AND sector='B06'")
    k = int(node["node"].iloc[0])
    assert k == list(npz["sectors"]).index("B06") * 80 + list(npz["countries"]).index("RUS")
    assert node["sector_name"].iloc[0] == "Extraction of crude petroleum and natural gas"
    assert node["value_added_usd"].iloc[0] == pytest.approx(npz["s"][k] * (1 - npz["omb"][k]) * 1e6)


def test_matrices_round_trip(default_store: Store, npz: dict[str, np.ndarray]) -> None:
    m = icio_matrices(default_store)
    assert m.countries == tuple(npz["countries"]) and m.sectors == tuple(npz["sectors"])
    active = npz["s"] * npz["omb"] > 0
    np.testing.assert_allclose(m.coefficients()[:, active], npz["A"][:, active], atol=1e-12)
    assert m.node("RUS", "B06") == list(npz["sectors"]).index("B06") * 80 + 64


def test_provenance_says_intermediate_inputs_only(default_store: Store) -> None:
    note = default_store.scalar("SELECT note FROM datasets WHERE id = ?", [ICIO_DATASET])
    assert "intermediate-input flows only" in note
    assert ingest_icio(default_store).status == "unchanged"
