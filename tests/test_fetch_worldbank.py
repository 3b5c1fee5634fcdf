"""World Bank GDP into facts, against recorded answers; the ICIO fallback offline."""

from __future__ import annotations

import json
from pathlib import Path

import httpx
import pytest
import respx

from asymmetry.errors import NoDataError
from asymmetry.fetch.http import FetchError, RetryPolicy
from asymmetry.fetch.worldbank import GDP_INDICATOR, WB_URL, fetch_gdp
from asymmetry.levers.engine import simulate
from asymmetry.levers.scenario import Scenario
from asymmetry.metrics.gdp import gdp_usd
from asymmetry.store.store import Store
from tests.conftest import snapshot

RECORDED = Path(__file__).parent / "reference" / "worldbank"
URL = WB_URL.format(countries="CHN;RUS", indicator=GDP_INDICATOR)


def recorded(name: str) -> object:
    return json.loads((RECORDED / name).read_text())


def pages(request: httpx.Request) -> httpx.Response:
    assert request.url.params["date"] == "2021:2023"
    return httpx.Response(200, json=recorded(f"gdp_page{request.url.params['page']}.json"))


def fetch(store: Store, tmp_path: Path, waits: list[float] | None = None) -> object:
    sleep = (waits if waits is not None else []).append
    policy = RetryPolicy(attempts=3, sleep=sleep)
    return fetch_gdp(store, ["Russia", "CHN"], "2021-2023", cache_dir=tmp_path, policy=policy)


@respx.mock
def test_gdp_pages_become_facts(default_store: Store, tmp_path: Path) -> None:
    # Offline fallback first: ICIO 2022 value added.
    value, source = gdp_usd(default_store, "RUS", 2022)
    assert "ICIO" in source and value > 1e12
    route = respx.get(URL).mock(side_effect=pages)
    report = fetch(default_store, tmp_path)
    assert route.call_count == 2  # page 1 of 2, then page 2
    assert report.rows == 5  # type: ignore[attr-defined]  # Russia 2021 has no value
    value, source = gdp_usd(default_store, "RUS", 2022)
    assert value == pytest.approx(2.2e12) and "World Bank" in source
    facts = default_store.query("SELECT * FROM facts WHERE indicator = 'gdp_usd' ORDER BY ALL")
    assert set(facts["unit"]) == {"USD bn"} and facts["url"].iloc[0] == URL
    assert "2025-07-01" in facts["locator"].iloc[0]
    fetch(default_store, tmp_path)  # cached: no new request, unchanged ingest
    assert route.call_count == 2
    # Lever costs as a share of GDP now divide by the World Bank figure for 2022 (on ICIO).
    scenario = Scenario.from_dict(
        {"sender": "CHN", "target": "RUS", "levers": [{"type": "payment-friction", "rate": 0.02}]}
    )
    result = simulate(default_store, scenario, draws=10, source="icio")
    assert result.gdp_source["RUS"].startswith("World Bank") and "2022" in result.gdp_source["RUS"]
    share = result.cost_target_share
    assert share is not None
    assert share["median"] == pytest.approx(result.cost_target_usd["median"] / 2.2e12)
    # On 2024 customs trade (official aggregates) the nearest year fetched, 2023, divides.
    latest = simulate(default_store, scenario, draws=10)
    assert latest.year == 2024 and latest.gdp_source["RUS"].endswith("2023")


@respx.mock
def test_api_errors(default_store: Store, tmp_path: Path) -> None:
    before = snapshot(default_store)
    respx.get(URL).mock(return_value=httpx.Response(200, json=recorded("error_invalid.json")))
    with pytest.raises(FetchError, match="Invalid value"):
        fetch(default_store, tmp_path)
    waits: list[float] = []
    respx.get(URL).mock(return_value=httpx.Response(502, text="Bad Gateway"))
    with pytest.raises(FetchError, match=r"gave up after 3 attempts.*HTTP 502"):
        fetch(default_store, tmp_path, waits)
    assert waits == [1.0, 2.0]
    odd = [{"page": 1, "pages": 1}, [{"date": "2022"}]]
    respx.get(URL).mock(return_value=httpx.Response(200, json=odd))
    with pytest.raises(FetchError, match="record 0 is malformed"):
        fetch(default_store, tmp_path)
    respx.get(URL).mock(return_value=httpx.Response(200, json={"total": 3}))
    with pytest.raises(FetchError, match="unrecognised answer layout"):
        fetch(default_store, tmp_path)
    assert snapshot(default_store) == before


def test_no_gdp_at_all_is_explained(empty_store: Store) -> None:
    with pytest.raises(NoDataError, match="fetch gdp"):
        gdp_usd(empty_store, "RUS", 2022)
