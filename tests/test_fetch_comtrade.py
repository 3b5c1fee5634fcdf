"""The Comtrade connector against recorded answers (respx): paging by query, cache and
resume, retries on 429/5xx, bad answers, code mapping, mirror mode. No network."""

from __future__ import annotations

import json
from pathlib import Path

import httpx
import pytest
import respx

from asymmetry.errors import AsymmetryError
from asymmetry.fetch.comtrade import (
    API_URL,
    PREVIEW_URL,
    comtrade_code,
    fetch_comtrade,
    parse_years,
)
from asymmetry.fetch.http import FetchError, RetryPolicy
from asymmetry.metrics.mirror import mirror_trade
from asymmetry.store.codes import OTHER_ASIA
from asymmetry.store.store import Store
from tests.conftest import snapshot

RECORDED = Path(__file__).parent / "reference" / "comtrade"
KEY = "test-key"


def recorded(name: str) -> dict[str, object]:
    data: dict[str, object] = json.loads((RECORDED / name).read_text())
    return data


def answer(request: httpx.Request) -> httpx.Response:
    """The recorded answer for the request's year and flow (Russia's reports on China)."""
    params = request.url.params
    assert params["reporterCode"] == "643" and params["partnerCode"] == "156"
    assert params["cmdCode"] == "AG6" and params["customsCode"] == "C00"
    return httpx.Response(
        200, json=recorded(f"rus_chn_{params['period']}_{params['flowCode']}.json")
    )


class Waits:
    """A sleep that records the waits instead of waiting."""

    def __init__(self) -> None:
        self.waits: list[float] = []

    def __call__(self, seconds: float) -> None:
        self.waits.append(seconds)


def policy(waits: Waits, attempts: int = 4) -> RetryPolicy:
    return RetryPolicy(attempts=attempts, base=1.0, cap=30.0, sleep=waits)


def fetch(store: Store, tmp_path: Path, waits: Waits, **kwargs: object) -> object:
    options: dict[str, object] = {
        "reporter": "RUS",
        "partner": "CHN",
        "years": "2020-2021",
        "key": KEY,
        "cache_dir": tmp_path / "cache",
        "policy": policy(waits),
    }
    options.update(kwargs)
    return fetch_comtrade(store, **options)  # type: ignore[arg-type]


def test_codes_and_years() -> None:
    assert comtrade_code("USA") == "842" and comtrade_code("France") == "251"
    assert comtrade_code("ITA") == "381" and comtrade_code("IND") == "699"
    assert comtrade_code(OTHER_ASIA) == "490" and comtrade_code("RUS") == "643"
    assert parse_years("2015-2017,2021") == [2015, 2016, 2017, 2021]
    with pytest.raises(AsymmetryError, match="backwards"):
        parse_years("2023-2015")
    with pytest.raises(AsymmetryError, match="cannot read years"):
        parse_years("last year")


@respx.mock
def test_fetch_ingests_and_a_repeat_makes_no_request(empty_store: Store, tmp_path: Path) -> None:
    route = respx.get(API_URL).mock(side_effect=answer)
    report = fetch(empty_store, tmp_path, Waits())
    assert route.call_count == 4  # 2 years x 2 flows
    assert all(c.request.headers["Ocp-Apim-Subscription-Key"] == KEY for c in route.calls)
    assert report.records == 10 and len(report.ingests) == 1  # type: ignore[attr-defined]
    (ingest,) = report.ingests  # type: ignore[attr-defined]
    assert ingest.dataset == "reported:comtrade-RUS-CHN-2020-2021-hs6-HS17"
    flows = empty_store.query(
        "SELECT year, exporter, importer, product, value_usd, reporter FROM flows ORDER BY ALL"
    )
    assert len(flows) == 10 and set(flows["reporter"]) == {"RUS"}
    crude = flows[(flows["product"] == "270900") & (flows["year"] == 2021)].iloc[0]
    assert (crude["exporter"], crude["importer"], crude["value_usd"]) == ("RUS", "CHN", 2.4e10)
    laptops = flows[(flows["product"] == "847130") & (flows["year"] == 2020)].iloc[0]
    assert (laptops["exporter"], laptops["importer"]) == ("CHN", "RUS")
    assert laptops["value_usd"] == 1.5e9 + 2020
    # The same query again: answered from the cache, and the ingest sees an unchanged file.
    again = fetch(empty_store, tmp_path, Waits())
    assert route.call_count == 4
    assert again.from_cache == 4 and again.ingests[0].status == "unchanged"  # type: ignore[attr-defined]


@respx.mock
def test_rate_limit_and_server_errors_are_retried(empty_store: Store, tmp_path: Path) -> None:
    replies = iter(
        [
            httpx.Response(429, headers={"Retry-After": "7"}, text="Rate limit is exceeded"),
            httpx.Response(503, text="Service Unavailable"),
        ]
    )

    def flaky(request: httpx.Request) -> httpx.Response:
        return next(replies, None) or answer(request)

    route = respx.get(API_URL).mock(side_effect=flaky)
    waits = Waits()
    fetch(empty_store, tmp_path, waits)
    assert route.call_count == 6  # 2 failures, then the 4 queries
    assert waits.waits == [7.0, 2.0]  # Retry-After honoured, then exponential backoff
    assert empty_store.scalar("SELECT count(*) FROM flows") == 10


@respx.mock
def test_failure_leaves_the_store_unchanged_and_resume_skips_done_queries(
    empty_store: Store, tmp_path: Path
) -> None:
    def third_fails(request: httpx.Request) -> httpx.Response:
        if request.url.params["period"] == "2021" and request.url.params["flowCode"] == "M":
            return httpx.Response(500, text="Internal Server Error")
        return answer(request)

    route = respx.get(API_URL).mock(side_effect=third_fails)
    before = snapshot(empty_store)
    waits = Waits()
    with pytest.raises(FetchError, match=r"2021 imports.*gave up after 4 attempts.*HTTP 500"):
        fetch(empty_store, tmp_path, waits)
    assert snapshot(empty_store) == before  # nothing half-fetched reaches the store
    assert waits.waits == [1.0, 2.0, 4.0]
    assert route.call_count == 2 + 4  # 2020 M and X answered, 2021 M tried four times
    route.side_effect = answer
    asked = route.call_count
    report = fetch(empty_store, tmp_path, Waits())
    assert route.call_count - asked == 2  # only 2021 M and X are asked again
    assert report.from_cache == 2  # type: ignore[attr-defined]
    assert empty_store.scalar("SELECT count(*) FROM flows") == 10


@respx.mock
@pytest.mark.parametrize(
    ("reply", "message"),
    [
        (httpx.Response(200, text="<html>maintenance</html>"), "not JSON"),
        (httpx.Response(200, json={"count": 0}), "no 'data' list"),
        (httpx.Response(200, json={"data": [{"refYear": 2020}]}), "record 0 lacks"),
        (httpx.Response(200, json={"data": [], "error": "Invalid period"}), "Invalid period"),
        (httpx.Response(401, text="Access denied due to invalid subscription key"), "HTTP 401"),
    ],
)
def test_bad_answers_are_named(
    empty_store: Store, tmp_path: Path, reply: httpx.Response, message: str
) -> None:
    route = respx.get(API_URL).mock(return_value=reply)
    before = snapshot(empty_store)
    waits = Waits()
    with pytest.raises(FetchError, match=message):
        fetch(empty_store, tmp_path, waits, years="2020")
    assert route.call_count == 1 and waits.waits == []  # no retry: retrying cannot help
    assert snapshot(empty_store) == before
    assert not list((tmp_path / "cache" / "answers").glob("*.json"))  # nothing cached


@respx.mock
def test_a_full_answer_is_cut_short_and_refused(empty_store: Store, tmp_path: Path) -> None:
    one = recorded("rus_chn_2020_M.json")["data"][0]  # type: ignore[index]
    respx.get(PREVIEW_URL).mock(return_value=httpx.Response(200, json={"data": [one] * 500}))
    with pytest.raises(FetchError, match="the most one call returns, for a single reporter"):
        fetch(empty_store, tmp_path, Waits(), key=None, years="2020", flows=("import",))
    assert empty_store.scalar("SELECT count(*) FROM flows") == 0


@respx.mock
def test_cut_short_answers_are_asked_again_in_parts(empty_store: Store, tmp_path: Path) -> None:
    """Mirror mode, keyless (500 records a call): every reporter at once is too much, so
    reporters are asked in batches of 40, and the batch holding both China and Chile
    (300 records each) is halved until they are asked apart."""
    template = recorded("mirror_rus_2023.json")["data"][0]  # type: ignore[index]
    asked: list[tuple[str, ...]] = []

    def by_reporters(request: httpx.Request) -> httpx.Response:
        params = request.url.params
        assert params["partnerCode"] == "643" and params["flowCode"] == "X"
        if "reporterCode" not in params:
            return httpx.Response(200, json={"data": [template] * 500})
        reporters = tuple(params["reporterCode"].split(","))
        asked.append(reporters)
        data = []
        for code in ("156", "152", "842"):  # China, Chile, the USA: 300 products each
            if code in reporters:
                data += [{**template, "reporterCode": int(code), "cmdCode": f"{300000 + i}"}
                         for i in range(300)]  # fmt: skip
        return httpx.Response(200, json={"data": data[:500]})

    respx.get(PREVIEW_URL).mock(side_effect=by_reporters)
    report = fetch(empty_store, tmp_path, Waits(), key=None, partner=None, years="2023",
                   mirror=True, flows=("export",))  # fmt: skip
    reporters = {code for batch in asked for code in batch}
    assert "643" not in reporters and len(reporters) > 200  # every country but Russia
    assert max(len(b) for b in asked) == 40
    together = [b for b in asked if "152" in b and "156" in b]
    assert together and all(len(b) > 1 for b in together)  # halved until apart
    assert report.split == 1 + len(together)  # type: ignore[attr-defined]
    flows = empty_store.query("SELECT reporter, count(*) AS n FROM flows GROUP BY ALL ORDER BY ALL")
    assert flows.set_index("reporter")["n"].to_dict() == {"CHL": 300, "CHN": 300, "USA": 300}


@respx.mock
def test_keyless_preview_endpoint(empty_store: Store, tmp_path: Path) -> None:
    route = respx.get(PREVIEW_URL).mock(side_effect=answer)
    fetch(empty_store, tmp_path, Waits(), key=None, years="2021")
    assert route.call_count == 2
    assert route.calls[0].request.url.params["maxRecords"] == "500"
    assert "Ocp-Apim-Subscription-Key" not in route.calls[0].request.headers


@respx.mock
def test_mirror_mode_asks_every_reporter(empty_store: Store, tmp_path: Path) -> None:
    def mirror(request: httpx.Request) -> httpx.Response:
        assert "reporterCode" not in request.url.params
        assert request.url.params["partnerCode"] == "643"
        if request.url.params["flowCode"] == "X":
            data = [r for r in recorded("mirror_rus_2023.json")["data"] if r["flowCode"] == "X"]  # type: ignore[attr-defined]
        else:
            data = [r for r in recorded("mirror_rus_2023.json")["data"] if r["flowCode"] == "M"]  # type: ignore[attr-defined]
        return httpx.Response(200, json={"count": len(data), "data": data, "error": ""})

    respx.get(API_URL).mock(side_effect=mirror)
    report = fetch(empty_store, tmp_path, Waits(), partner=None, years="2023", mirror=True)
    assert report.ingests[0].dataset == "reported:comtrade-mirror-RUS-2023-2023-hs6-HS22"  # type: ignore[attr-defined]
    flows = empty_store.query(
        "SELECT exporter, importer, reporter, value_usd FROM flows ORDER BY ALL"
    )
    # Comtrade's own codes: 842 is the USA (with Puerto Rico), 251 France, 699 India.
    assert set(flows["reporter"]) == {"CHN", "USA", "FRA", "IND"}
    usa = flows[flows["reporter"] == "USA"].iloc[0]
    assert (usa["exporter"], usa["importer"]) == ("USA", "RUS")
    france = flows[flows["reporter"] == "FRA"].iloc[0]
    assert (france["exporter"], france["importer"]) == ("RUS", "FRA")
    # Russia's trade rebuilt from its partners' declarations (the mirror metric).
    rebuilt = mirror_trade(empty_store, "RUS").table.set_index("partner")
    assert rebuilt.loc["USA", "imports_mirror_usd"] == pytest.approx(3.0e8)  # US exports to RUS
    assert rebuilt.loc["FRA", "exports_mirror_usd"] == pytest.approx(1.2e9)  # FR imports from RUS
