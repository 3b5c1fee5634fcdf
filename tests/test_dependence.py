"""Product dependence table: a hand-worked world, a brute-force reference, flags."""

from __future__ import annotations

from collections import defaultdict
from itertools import count
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from asymmetry.errors import AsymmetryError, NoDataError
from asymmetry.metrics.basis import resolve_basis
from asymmetry.metrics.dependence import (
    LEVELS,
    _pair_rows,
    dependence_sql,
    dependencies,
    written_join_order,
)
from asymmetry.store.ingest_tidy import ingest_reported, ingest_table
from asymmetry.store.store import Store

# Product 854231 (a CHPL tier-1 chip): RUS buys 60 from CHN and 40 from DEU;
# CHN also sells 100 to USA, DEU 10 to USA, RUS re-exports 5 to KAZ.
# Product 870323 (cars): RUS buys 30 from CHN only; JPN exports 900 to USA.
WORLD = """year,exporter,importer,product,value_usd
2022,CHN,RUS,854231,60
2022,DEU,RUS,854231,40
2022,CHN,USA,854231,100
2022,DEU,USA,854231,10
2022,RUS,KAZ,854231,5
2022,CHN,RUS,870323,30
2022,JPN,USA,870323,900
2022,RUS,CHN,270900,500
"""


@pytest.fixture
def world(empty_store: Store, tmp_path: Path) -> Store:
    path = tmp_path / "world.csv"
    path.write_text(WORLD)
    ingest_table(empty_store, path, hs_revision="HS17")
    return empty_store


def test_hand_worked_chip_row(world: Store) -> None:
    table = dependencies(world, "RUS", on="CHN", top=None, coalition="none").table
    chip = table.set_index("product").loc["854231"]
    assert chip["imports_usd"] == 100 and chip["from_partner_usd"] == 60
    assert chip["partner_share"] == pytest.approx(0.6)
    assert chip["supplier_hhi"] == pytest.approx(0.6**2 + 0.4**2)
    # world exports: CHN 160, DEU 50, RUS 5
    assert chip["partner_world_share"] == pytest.approx(160 / 215)
    assert chip["world_hhi"] == pytest.approx((160**2 + 50**2 + 5**2) / 215**2)
    assert chip["alternative_capacity"] == pytest.approx((215 - 160 - 5) / 60)
    assert chip["import_export_ratio"] == pytest.approx(100 / 5)
    assert bool(chip["ec_2021"]) and bool(chip["geodep"])
    assert chip["chpl_tier"] == "1"
    assert chip["dependence"] == pytest.approx(0.6 / (1 + 50 / 60))


def test_hand_worked_car_row_and_order(world: Store) -> None:
    result = dependencies(world, "RUS", on="CHN", top=None, coalition="none")
    car = result.table.set_index("product").loc["870323"]
    assert car["partner_share"] == 1.0 and car["supplier_hhi"] == 1.0
    assert car["import_export_ratio"] == 9999.0  # RUS exports no cars
    assert car["alternative_capacity"] == pytest.approx(900 / 30)
    # world exports of cars are concentrated too (JPN 900, CHN 30: HHI 0.94)
    assert car["world_hhi"] == pytest.approx((900**2 + 30**2) / 930**2)
    assert bool(car["geodep"])
    assert list(result.table["product"]) == ["854231", "870323"]  # by dependence
    assert result.year == 2022 and result.dataset == "table:world" and result.on == "CHN"


def test_coalition_exports_are_no_alternative_capacity(world: Store) -> None:
    # Germany restricts chip (HS 85) exports to Russia (the EU's export controls):
    # its 50 of world exports leave the chip's capacity, exactly: (215-160-5-50)/60 = 0.
    # Japan's cars (870323) are restricted too (its 2023 ban on cars over 1,900 cc).
    result = dependencies(world, "RUS", on="CHN", top=None)
    table = result.table.set_index("product")
    assert table.loc["854231", "alternative_capacity"] == pytest.approx(0.0)
    assert table.loc["854231", "dependence"] == pytest.approx(0.6)
    assert table.loc["870323", "alternative_capacity"] == pytest.approx(0.0)
    assert result.coalition["excluded_usd"] == {"JPN": 900.0, "DEU": 50.0}
    assert result.coalition["source"] == "packaged" and result.to_dict()["coalition"]
    assert sorted(result.scarce()["product"]) == ["854231", "870323"]  # neither replaceable
    # a given coalition of one: only its exports leave, on every product
    only_japan = dependencies(world, "RUS", on="CHN", top=None, coalition="JPN").table
    chip = only_japan.set_index("product").loc["854231"]
    assert chip["alternative_capacity"] == pytest.approx(50 / 60)


def test_levels_aggregate_codes(world: Store) -> None:
    hs2 = dependencies(world, "RUS", on="CHN", level="hs2", top=None).table
    assert set(hs2["product"]) == {"85", "87"}
    listed = (Path(__file__).parents[1] / "src/asymmetry/data/chpl_hs6.csv").read_text()
    tiers_85 = {line.split(",")[1] for line in listed.splitlines()[1:] if line.startswith("85")}
    assert hs2.set_index("product").loc["85", "chpl_tier"] == ",".join(sorted(tiers_85))
    assert hs2.set_index("product").loc["85", "name"].startswith("HS 85 (Machinery")


def test_reverse_direction_and_errors(world: Store) -> None:
    reverse = dependencies(world, "CHN", on="RUS", top=None).table
    assert reverse["product"].tolist() == ["270900"]
    with pytest.raises(NoDataError, match="USA imports nothing from KAZ"):
        dependencies(world, "USA", on="KAZ")
    with pytest.raises(AsymmetryError, match="itself"):
        dependencies(world, "RUS", on="Russia")
    filtered = dependencies(world, "RUS", on="CHN", min_value_usd=50).table
    assert filtered["product"].tolist() == ["854231"]


def _reference(rows: list[tuple[str, str, str, float]], a: str, b: str) -> dict[str, dict]:
    """Plain-loop version of every column, for random worlds."""
    flows: dict[tuple[str, str, str], float] = defaultdict(float)
    for e, i, k, v in rows:
        flows[(e, i, k)] += v
    out = {}
    for k in {k for (e, i, k) in flows if e == b and i == a}:
        suppliers = {e: v for (e, i, kk), v in flows.items() if i == a and kk == k}
        exporters: dict[str, float] = defaultdict(float)
        for (e, _i, kk), v in flows.items():
            if kk == k:
                exporters[e] += v
        imports, world = sum(suppliers.values()), sum(exporters.values())
        own = exporters.get(a, 0.0)
        out[k] = {
            "partner_share": suppliers[b] / imports,
            "supplier_hhi": sum((v / imports) ** 2 for v in suppliers.values()),
            "partner_world_share": exporters[b] / world,
            "world_hhi": sum((v / world) ** 2 for v in exporters.values()),
            "alternative_capacity": sum(v for e, v in exporters.items() if e not in (a, b))
            / suppliers[b],
            "import_export_ratio": imports / own if own else 9999.0,
            "world_over_partner": world / suppliers[b],
        }
    return out


COUNTRIES = ["RUS", "CHN", "DEU", "IND", "KAZ"]
rows_strategy = st.lists(
    st.tuples(
        st.sampled_from(COUNTRIES),
        st.sampled_from(COUNTRIES),
        st.sampled_from(["854231", "870323", "270900"]),
        st.floats(min_value=1.0, max_value=1e6, allow_nan=False),
    ),
    min_size=3,
    max_size=30,
).map(lambda rows: [r for r in rows if r[0] != r[1]] + [("CHN", "RUS", "854231", 7.0)])
_ids = count()


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(rows=rows_strategy)
def test_matches_brute_force(
    empty_store: Store, tmp_path: Path, rows: list[tuple[str, str, str, float]]
) -> None:
    merged: dict[tuple[str, str, str], float] = defaultdict(float)
    for e, i, k, v in rows:
        merged[(e, i, k)] += v
    path = tmp_path / f"w{next(_ids)}.csv"
    path.write_text(
        "year,exporter,importer,product,value_usd\n"
        + "".join(f"2022,{e},{i},{k},{v!r}\n" for (e, i, k), v in merged.items())
    )
    report = ingest_table(empty_store, path, hs_revision="HS17")
    got = dependencies(
        empty_store, "RUS", on="CHN", dataset=report.dataset, top=None, coalition="none"
    ).table.set_index("product")
    expected = _reference(rows, "RUS", "CHN")
    assert set(got.index) == set(expected)
    for product, columns in expected.items():
        # SQL gets the alternative capacity by subtraction from the world total,
        # so its rounding error scales with world exports / imports from B
        cancellation = 1e-12 * columns.pop("world_over_partner")
        for column, value in columns.items():
            assert got.loc[product, column] == pytest.approx(
                value, rel=1e-9, abs=cancellation if column == "alternative_capacity" else 0
            ), column
        assert 0 <= got.loc[product, "partner_share"] <= 1
        assert 0 < got.loc[product, "dependence"] <= got.loc[product, "partner_share"]


def test_icio_sectors(default_store: Store) -> None:
    result = dependencies(default_store, "RUS", on="CHN", source="icio", top=None)
    assert result.level == "icio sector" and 45 <= len(result.table) <= 50
    c26 = result.table.set_index("product").loc["C26"]
    assert c26["name"] == "Manufacture of computer, electronic and optical products"
    assert 0.5 < c26["partner_share"] < 0.6  # China: over half of Russia's imported C26 inputs


products_strategy = st.sampled_from(["854231", "854239", "854110", "870323", "270900"])
declared_strategy = st.lists(
    st.tuples(
        st.sampled_from(COUNTRIES),
        st.sampled_from(COUNTRIES),
        st.sampled_from(["X", "M"]),
        products_strategy,
        st.floats(min_value=1.0, max_value=1e6, allow_nan=False),
    ),
    min_size=3,
    max_size=40,
)


@settings(
    max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(rows=declared_strategy, reported=st.booleans(), level=st.sampled_from(["hs6", "hs4", "hs2"]))
def test_one_pairs_rows_equal_the_all_pairs_query(
    empty_store: Store,
    tmp_path: Path,
    rows: list[tuple[str, str, str, str, float]],
    reported: bool,
    level: str,
) -> None:
    """The per-pair path (`_pair_rows`: the importer's purchases, two sellers' sales and the
    kept world totals) gives the rows of the one query over every pair (`dependence_sql`),
    on reconciled flows and on declarations by reporter (mirror rows where the importer
    did not report), at every HS level."""
    values: dict[tuple[str, ...], float] = {}
    for r, p, flow, k, v in [*rows, ("RUS", "CHN", "M", "854231", 7.0)]:
        if r != p:
            values.setdefault((r, p, flow, k) if reported else (r, p, k), v)
    lines = ["2022," + ",".join(key) + f",{v!r}\n" for key, v in values.items()]
    path = tmp_path / f"d{next(_ids)}.csv"
    header = (
        "year,reporter,partner,flow,product,value_usd\n"
        if reported
        else ("year,exporter,importer,product,value_usd\n")
    )
    path.write_text(header + "".join(lines))
    load = ingest_reported if reported else ingest_table
    dataset = load(empty_store, path, hs_revision="HS17").dataset
    basis = resolve_basis(empty_store, dataset=dataset, year=2022)
    digits = LEVELS[level]
    query = dependence_sql(basis, digits=digits, pair_filter=False)
    with written_join_order(empty_store):
        every = empty_store.query(query, basis.params)
    for a, b in {(i, e) for e, i in zip(every["exporter"], every["importer"], strict=True)}:
        want = (
            every[(every["importer"] == a) & (every["exporter"] == b)]
            .sort_values("product")
            .reset_index(drop=True)
        )
        got = _pair_rows(empty_store, a, b, basis, digits=digits).reset_index(drop=True)
        assert list(got.columns) == list(want.columns)
        pd.testing.assert_frame_equal(got, want, check_dtype=False, rtol=1e-9, atol=1e-6)
