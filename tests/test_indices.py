"""Pair trade indices against hand-worked values."""

from __future__ import annotations

from pathlib import Path

import pytest

from asymmetry.metrics.indices import pair_indices
from asymmetry.store.ingest_tidy import ingest_table
from asymmetry.store.store import Store

WORLD = """year,exporter,importer,product,value_usd
2022,AAA,BBB,01,30
2022,AAA,CCC,02,70
2022,BBB,AAA,02,20
2022,BBB,CCC,01,20
2022,CCC,BBB,02,50
2022,CCC,AAA,01,10
"""


def test_hand_worked(empty_store: Store, tmp_path: Path) -> None:
    path = tmp_path / "w.csv"
    path.write_text(WORLD.replace("AAA", "RUS").replace("BBB", "CHN").replace("CCC", "IND"))
    ingest_table(empty_store, path, hs_revision="HS17")
    r = pair_indices(empty_store, "RUS", "CHN")
    # world 200; RUS exports 100 (30 to CHN); CHN imports 80; CHN exports 40 (20 to RUS);
    # RUS imports 30.
    assert r.intensity_a_to_b == pytest.approx((30 / 100) / (80 / 200))
    assert r.intensity_b_to_a == pytest.approx((20 / 40) / (30 / 200))
    # RUS exports: 01 0.3, 02 0.7. CHN imports: 01 30/80, 02 50/80.
    assert r.complementarity_a_exports_b_imports == pytest.approx(
        1 - (abs(30 / 80 - 0.3) + abs(50 / 80 - 0.7)) / 2
    )
    # CHN exports: 01 0.5, 02 0.5. RUS imports: 01 10/30, 02 20/30.
    assert r.complementarity_b_exports_a_imports == pytest.approx(
        1 - (abs(10 / 30 - 0.5) + abs(20 / 30 - 0.5)) / 2
    )
    assert r.export_hhi_a == pytest.approx(0.3**2 + 0.7**2)
    assert r.export_hhi_normalised_a == pytest.approx((0.58 - 0.5) / 0.5)
    assert r.export_hhi_b == pytest.approx(0.5)
    assert r.export_hhi_normalised_b == pytest.approx(0.0)


def test_icio_basis(default_store: Store) -> None:
    r = pair_indices(default_store, "RUS", "CHN", source="icio")
    assert r.basis == "intermediate inputs (ICIO)"
    assert 0 < r.complementarity_a_exports_b_imports < 1
    assert r.intensity_a_to_b > 1  # Russia sells China more than China's size predicts
