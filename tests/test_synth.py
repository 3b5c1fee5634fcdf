"""The synthetic BACI generator: real format, realistic shape, deterministic."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pandas as pd
import pytest

from asymmetry.store.ingest_baci import ingest_baci, read_country_codes
from asymmetry.store.store import Store
from asymmetry.synth.baci import generate_baci

ROWS = 60_000


@pytest.fixture(scope="module")
def synth(tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    return generate_baci(
        tmp_path_factory.mktemp("synth"),
        rows=ROWS,
        year=2021,
        seed=7,
        n_countries=120,
        n_products=1_500,
    )


@pytest.fixture(scope="module")
def frame(synth) -> pd.DataFrame:  # type: ignore[no-untyped-def]
    return pd.read_csv(synth.data, dtype={"k": str, "q": str}, keep_default_na=False)


def test_format_is_baci(synth, frame: pd.DataFrame) -> None:  # type: ignore[no-untyped-def]
    assert synth.data.name == "BACI_HS22_Y2021_V202501.csv"
    assert synth.data.read_text()[:12] == "t,i,j,k,v,q\n"
    assert list(frame.columns) == ["t", "i", "j", "k", "v", "q"]
    assert len(frame) == ROWS and set(frame["t"]) == {2021}
    assert (frame["q"] == "NA").mean() == pytest.approx(0.04, abs=0.01)
    # like BACI, codes lose their leading zeros
    assert frame["k"].str.len().between(5, 6).all() and (frame["k"].str.len() == 5).any()


def test_keys_are_unique_and_no_self_trade(frame: pd.DataFrame) -> None:
    assert not frame.duplicated(["i", "j", "k"]).any()
    assert (frame["i"] != frame["j"]).all()


def test_codes_resolve_with_the_tables(synth, frame: pd.DataFrame) -> None:  # type: ignore[no-untyped-def]
    countries = read_country_codes(synth.country_codes)
    assert len(countries) == 120
    assert {490, 842, 251, 699} <= set(countries["code"])  # BACI's own codes
    assert set(frame["i"]) | set(frame["j"]) <= set(countries["code"])
    products = pd.read_csv(synth.product_codes, dtype=str)
    assert len(products) == 1_500 and products["code"].str.len().eq(6).all()
    assert set(frame["k"].str.zfill(6)) <= set(products["code"])


def test_shape_is_heavy_tailed(frame: pd.DataFrame) -> None:
    values = frame["v"].sort_values(ascending=False)
    assert values.head(len(values) // 100).sum() / values.sum() > 0.2  # top 1% of flows
    exporters = frame.groupby("i")["v"].sum().sort_values(ascending=False)
    assert exporters.head(10).sum() / exporters.sum() > 0.4  # a few giants
    ubiquity = frame.groupby("k")["i"].nunique()
    assert ubiquity.quantile(0.9) > 3 * ubiquity.quantile(0.1)  # common and rare products


def test_same_seed_same_bytes(tmp_path: Path, synth) -> None:  # type: ignore[no-untyped-def]
    again = generate_baci(tmp_path, rows=ROWS, year=2021, seed=7, n_countries=120, n_products=1_500)
    digest = [hashlib.sha256(p.read_bytes()).hexdigest() for p in (synth.data, again.data)]
    assert digest[0] == digest[1]
    other = generate_baci(
        tmp_path / "other", rows=ROWS, year=2021, seed=8, n_countries=120, n_products=1_500
    )
    assert hashlib.sha256(other.data.read_bytes()).hexdigest() != digest[0]


def test_ingests_cleanly(empty_store: Store, synth) -> None:  # type: ignore[no-untyped-def]
    [report] = ingest_baci(empty_store, [synth.data])
    assert report.rows == ROWS and report.rows_skipped == 0
    assert empty_store.scalar("SELECT count(*) FROM flows WHERE exporter = 'S19'") > 0


def test_rejects_impossible_density(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="too dense"):
        generate_baci(tmp_path, rows=10_000, n_countries=10, n_products=10)
