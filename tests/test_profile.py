"""Pair profile against hand-worked values, a brute-force reference and numpy on ICIO."""

from __future__ import annotations

from collections import defaultdict
from itertools import count
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from asymmetry.errors import AsymmetryError, NoDataError, UnknownCountryError
from asymmetry.metrics.profile import profile
from asymmetry.store.ingest_icio import bundled_npz
from asymmetry.store.ingest_tidy import ingest_table
from asymmetry.store.store import Store

HAND = """year,exporter,importer,product,value_usd
2022,RUS,CHN,270900,75
2022,RUS,CHN,440320,25
2022,CHN,RUS,847130,60
2022,RUS,DEU,270900,100
2022,DEU,RUS,870323,40
2022,CHN,DEU,847130,300
2022,DEU,CHN,870323,200
2022,CHN,USA,847130,500
2022,USA,CHN,870323,100
"""


@pytest.fixture
def hand_store(empty_store: Store, tmp_path: Path) -> Store:
    path = tmp_path / "hand.csv"
    path.write_text(HAND)
    ingest_table(empty_store, path, hs_revision="HS17")
    return empty_store


def test_hand_worked_example(hand_store: Store) -> None:
    p = profile(hand_store, "RUS", "CHN")
    assert p.flows_usd == {"a_to_b": 100.0, "b_to_a": 60.0}
    assert p.turnover_usd == 160.0 and p.balance_usd == 40.0
    assert p.totals_usd == {
        "a_exports": 200.0,
        "a_imports": 100.0,
        "b_exports": 860.0,
        "b_imports": 400.0,
    }
    assert p.shares["b_in_a_imports"] == pytest.approx(0.6)  # 60 / 100
    assert p.shares["b_in_a_exports"] == pytest.approx(0.5)  # 100 / 200
    assert p.shares["a_in_b_imports"] == pytest.approx(0.25)  # 100 / 400
    assert p.shares["a_in_b_exports"] == pytest.approx(60 / 860)
    assert p.shares["b_in_a_trade"] == pytest.approx(160 / 300)
    assert p.shares["a_in_b_trade"] == pytest.approx(160 / 1260)
    assert p.asymmetry["imports"] == pytest.approx(0.6 / 0.25)
    assert p.hhi["a_imports"] == pytest.approx(0.6**2 + 0.4**2)
    assert p.hhi["b_exports"] == pytest.approx((60**2 + 300**2 + 500**2) / 860**2)
    assert p.hhi["a_exports"] == pytest.approx(0.5)
    a_to_b = {c["code"]: (c["value_usd"], c["share"]) for c in p.composition["a_to_b"]}
    assert a_to_b == {"V": (75.0, 0.75), "IX": (25.0, 0.25)}
    assert p.composition["b_to_a"][0]["name"] == "Machinery and electrical equipment"
    assert p.basis == "goods trade" and p.dataset == "table:hand" and p.year == 2022


def test_names_are_accepted_and_bad_pairs_are_refused(hand_store: Store) -> None:
    assert profile(hand_store, "Russian Federation", "China").a == "RUS"
    with pytest.raises(UnknownCountryError):
        profile(hand_store, "RUS", "Atlantis")
    with pytest.raises(AsymmetryError, match="two different countries"):
        profile(hand_store, "RUS", "Russia")
    with pytest.raises(NoDataError, match="no flows for 2019; years in the store: 2022"):
        profile(hand_store, "RUS", "CHN", year=2019)
    with pytest.raises(NoDataError, match="JPN has no trade"):
        profile(hand_store, "RUS", "JPN")


def _brute_force(flows: list[tuple[str, str, float]], a: str, b: str) -> dict[str, float]:
    """Shares and HHI by plain loops: the reference implementation."""
    imports: dict[str, dict[str, float]] = defaultdict(lambda: defaultdict(float))
    exports: dict[str, dict[str, float]] = defaultdict(lambda: defaultdict(float))
    for e, i, v in flows:
        exports[e][i] += v
        imports[i][e] += v
    out = {}
    for who, c in (("a", a), ("b", b)):
        for side, table in (("imports", imports), ("exports", exports)):
            total = sum(table[c].values())
            out[f"hhi_{who}_{side}"] = sum((v / total) ** 2 for v in table[c].values())
    out["b_in_a_imports"] = imports[a][b] / sum(imports[a].values())
    out["a_in_b_exports"] = exports[b][a] / sum(exports[b].values())
    out["b_in_a_exports"] = exports[a][b] / sum(exports[a].values())
    out["a_in_b_imports"] = imports[b][a] / sum(imports[b].values())
    return out


COUNTRIES = ["RUS", "CHN", "DEU", "USA", "IND", "KAZ"]
flow_lists = st.lists(
    st.tuples(
        st.sampled_from(COUNTRIES),
        st.sampled_from(COUNTRIES),
        st.sampled_from(["270900", "847130", "870323", "100199"]),
        st.floats(min_value=1.0, max_value=1e9, allow_nan=False),
    ),
    min_size=4,
    max_size=40,
).map(lambda rows: [r for r in rows if r[0] != r[1]])
_ids = count()


def _load(
    store: Store, tmp_path: Path, rows: list[tuple[str, str, str, float]], scale: float = 1.0
) -> str:
    merged: dict[tuple[str, str, str], float] = defaultdict(float)
    for e, i, k, v in rows:
        merged[(e, i, k)] += v * scale
    name = f"random{next(_ids)}"
    path = tmp_path / f"{name}.csv"
    path.write_text(
        "year,exporter,importer,product,value_usd\n"
        + "".join(f"2022,{e},{i},{k},{v!r}\n" for (e, i, k), v in merged.items())
    )
    ingest_table(store, path, hs_revision="HS17")
    return f"table:{name}"


@settings(
    max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(rows=flow_lists)
def test_matches_brute_force_and_invariants(
    empty_store: Store, tmp_path: Path, rows: list[tuple[str, str, str, float]]
) -> None:
    pairs = {(e, i) for e, i, _, _ in rows}
    if not {("RUS", "CHN"), ("CHN", "RUS")} <= pairs:
        rows = [*rows, ("RUS", "CHN", "270900", 5.0), ("CHN", "RUS", "847130", 3.0)]
    dataset = _load(empty_store, tmp_path, rows)
    p = profile(empty_store, "RUS", "CHN", dataset=dataset)
    ref = _brute_force([(e, i, v) for e, i, _, v in rows], "RUS", "CHN")
    for key in ("b_in_a_imports", "b_in_a_exports", "a_in_b_imports", "a_in_b_exports"):
        assert p.shares[key] == pytest.approx(ref[key], rel=1e-9)
        assert 0.0 <= p.shares[key] <= 1.0
    for key, value in p.hhi.items():
        assert value == pytest.approx(ref[f"hhi_{key}"], rel=1e-9)
    # HHI lies in [1/n, 1] for n partners
    n_partners = len({i for e, i, _, _ in rows if e == "RUS"})
    assert 1 / n_partners - 1e-12 <= p.hhi["a_exports"] <= 1 + 1e-12
    # composition shares sum to 1 when every item is listed
    assert sum(c["share"] for c in p.composition["a_to_b"]) == pytest.approx(1.0)
    # A/B symmetry: swapping the pair swaps the roles
    q = profile(empty_store, "CHN", "RUS", dataset=dataset)
    assert q.shares["a_in_b_imports"] == pytest.approx(p.shares["b_in_a_imports"])
    assert q.flows_usd["a_to_b"] == p.flows_usd["b_to_a"]
    # currency scaling changes values, not shares
    scaled = profile(empty_store, "RUS", "CHN", dataset=_load(empty_store, tmp_path, rows, 7.3))
    assert scaled.shares == pytest.approx(p.shares, rel=1e-9)
    assert scaled.flows_usd["a_to_b"] == pytest.approx(7.3 * p.flows_usd["a_to_b"], rel=1e-9)


def test_icio_profile_against_numpy(default_store: Store) -> None:
    with np.load(bundled_npz()) as data:
        flows = data["A"] * (data["omb"] * data["s"])[None, :] * 1e6
        countries = list(data["countries"])
    n_c = len(countries)
    by_country = flows.reshape(-1, n_c, flows.shape[1]).sum(axis=0)  # seller country x node
    by_country = by_country.reshape(n_c, -1, n_c).sum(axis=1)  # seller x buyer country
    np.fill_diagonal(by_country, 0.0)  # domestic inputs are not trade
    rus, chn = countries.index("RUS"), countries.index("CHN")
    p = profile(default_store, "RUS", "CHN", source="icio")
    assert p.flows_usd["b_to_a"] == pytest.approx(by_country[chn, rus], rel=1e-9)
    assert p.shares["b_in_a_imports"] == pytest.approx(
        by_country[chn, rus] / by_country[:, rus].sum(), rel=1e-9
    )
    assert p.shares["a_in_b_imports"] == pytest.approx(
        by_country[rus, chn] / by_country[:, chn].sum(), rel=1e-9
    )
    shares = by_country[:, rus] / by_country[:, rus].sum()
    assert p.hhi["a_imports"] == pytest.approx((shares**2).sum(), rel=1e-9)
    assert p.basis == "intermediate inputs (ICIO)" and p.year == 2022
    assert p.composition["a_to_b"][0]["code"] == "B06"  # crude oil and gas


def test_icio_has_one_year(default_store: Store) -> None:
    with pytest.raises(NoDataError, match="covers 2022 only"):
        profile(default_store, "RUS", "CHN", source="icio", year=2023)


def test_series_covers_every_year(hand_store: Store, tmp_path: Path) -> None:
    later = tmp_path / "later.csv"
    later.write_text(
        "year,exporter,importer,product,value_usd\n"
        "2023,RUS,CHN,270900,300\n2023,CHN,RUS,847130,100\n"
        "2023,DEU,RUS,870323,100\n"
    )
    ingest_table(hand_store, later, hs_revision="HS17")
    p = profile(hand_store, "RUS", "CHN")
    assert p.year == 2023  # latest by default
    assert [s["year"] for s in p.series] == [2022, 2023]
    first, second = p.series
    assert first["dataset"] == "table:hand" and second["dataset"] == "table:later"
    assert first["share_b_in_a_imports"] == pytest.approx(0.6)
    assert second["share_b_in_a_imports"] == pytest.approx(0.5)  # 100 / (100 + 100)
    assert second["a_to_b"] == 300.0


@pytest.fixture
def partial_store(default_store: Store, shared_data: Path) -> Store:
    """The default store after loading the real 81-row BACI sample (one product)."""
    from asymmetry.store.ingest_baci import ingest_baci

    ingest_baci(default_store, [shared_data / "baci" / "BACI_sample_HS22_Y2023_k852352.csv"])
    return default_store


def test_a_slice_of_a_year_carries_coverage_warnings(partial_store: Store) -> None:
    """On the sample, KOR was "100.0% of CHN's imports" with no warning."""
    p = profile(partial_store, "KOR", "CHN")
    assert p.source == "flows" and p.shares["a_in_b_imports"] == pytest.approx(1.0)
    assert len(p.warnings) == 2
    assert "holds 1 product code(s) for 2023 (a full year has about 5,000)" in p.warnings[0]
    assert "1 exporting and 81 importing countries" in p.warnings[1]
    assert p.to_dict()["warnings"] == p.warnings
    assert profile(partial_store, "RUS", "CHN", source="icio").to_dict()["warnings"] == []


def test_a_partial_ingest_steps_down_the_ladder_and_says_so(partial_store: Store) -> None:
    """profile RUS CHN errored after a partial ingest while the report fell back."""
    from asymmetry.report.build import build_report

    p = profile(partial_store, "RUS", "CHN")
    assert p.source == "aggregates"
    assert p.notes[0].startswith(
        "the goods flows for 2023 (baci:BACI_sample_HS22_Y2023_k852352) hold no trade of RUS"
    )
    report = build_report(partial_store, "RUS", "CHN", draws=10, top=3)
    assert (report.headline.source, report.headline.notes) == (p.source, p.notes)
    with pytest.raises(NoDataError, match="RUS has no trade"):
        profile(partial_store, "RUS", "CHN", source="flows")  # asked for: not replaced
