"""The web app over real HTTP: a running `asymmetry serve`, called with httpx."""

from __future__ import annotations

import hashlib
import http.client
import re
import shutil
import socket
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from urllib.parse import urlparse

import httpx
import pytest

import asymmetry
from asymmetry.errors import StoreError
from asymmetry.metrics.profile import profile
from asymmetry.web.app import create_app
from tests.live_server import serve

pytestmark = pytest.mark.slow
LIMIT_MB = 1.0
EXACT = 1e-12


@pytest.fixture(scope="module")
def store_copy(default_store_file: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("web") / "store.duckdb"
    shutil.copy(default_store_file, path)
    return path


@pytest.fixture(scope="module")
def server(store_copy: Path) -> Iterator[str]:
    with serve(store_copy, "--max-upload-mb", str(LIMIT_MB)) as url:
        yield url


@pytest.fixture
def client(server: str) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=server, timeout=60.0) as c:
        yield c


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_profile_api_equals_the_library(client: httpx.Client, default_store_file: Path) -> None:
    got = client.get("/api/profile", params={"a": "Russia", "b": "CHN"})
    assert got.status_code == 200
    body = got.json()
    with asymmetry.open(default_store_file, read_only=True) as store:
        expected = profile(store, "RUS", "CHN")
    assert body["a"] == "RUS" and body["year"] == 2023 and body["source"] == "aggregates"
    assert body["shares"] == pytest.approx(expected.shares, rel=EXACT)
    assert body["turnover_usd"] == pytest.approx(expected.turnover_usd, rel=EXACT)
    assert body["warnings"] == []  # official aggregates are whole years


def test_bad_parameters_get_4xx(client: httpx.Client) -> None:
    unknown = client.get("/api/profile", params={"a": "RUS", "b": "Narnia"})
    assert unknown.status_code == 404
    assert "Narnia" in unknown.json()["detail"] and unknown.json()["suggestions"]
    for year in ("abc", "1800", "2010"):  # not a number, out of range, no data that year
        bad = client.get("/api/profile", params={"a": "RUS", "b": "CHN", "year": year})
        assert bad.status_code == 422, year
        assert "year" in bad.json()["detail"] or "2010" in bad.json()["detail"]
    assert client.get("/api/profile", params={"a": "RUS"}).status_code == 422  # b missing
    same = client.get("/api/profile", params={"a": "RUS", "b": "Russia"})
    assert same.status_code == 400 and "two different countries" in same.json()["detail"]
    top = client.get("/api/dependencies", params={"country": "RUS", "on": "CHN", "top": 0})
    assert top.status_code == 422
    blank = client.get("/pair", params={"a": "RUS", "b": "CHN", "year": ""})  # an empty form field
    assert blank.status_code == 200
    page = client.get("/pair", params={"a": "RUS", "b": "Narnia"})
    assert page.status_code == 404 and "did you mean" in page.text


def test_dependencies_json_and_csv(client: httpx.Client) -> None:
    params = {"country": "RUS", "on": "CHN", "top": 5}
    data = client.get("/api/dependencies", params=params).json()
    assert data["country"] == "RUS" and len(data["items"]) == 5
    scores = [row["dependence"] for row in data["items"]]
    assert scores == sorted(scores, reverse=True)
    csv = client.get("/api/dependencies", params={**params, "format": "csv"})
    assert csv.headers["content-type"].startswith("text/csv")
    assert "attachment" in csv.headers["content-disposition"]
    lines = csv.text.strip().splitlines()
    assert lines[0].startswith("product,name,") and len(lines) == 6
    assert lines[1].split(",")[0] == data["items"][0]["product"]


def test_levers_api(client: httpx.Client) -> None:
    scenario = {
        "sender": "CHN",
        "target": "RUS",
        "levers": [{"type": "export-restriction", "products": "84,85,87"}],
    }
    result = client.post("/api/levers", json=scenario, params={"draws": 200})
    assert result.status_code == 200
    body = result.json()
    assert body["sender"] == "CHN" and body["draws"] == 200
    assert body["cost_target_usd"]["p05"] <= body["cost_target_usd"]["median"]
    assert body["warnings"] == []  # ICIO: the whole network
    # the packaged coalition by default; the coalition parameter overrides the body's
    assert body["coalition"]["applied"] and "DEU" in body["coalition"]["members"]
    assert "DEU" not in {g["country"] for g in body["third_countries"]}
    off = client.post(
        "/api/levers",
        json={**scenario, "coalition": "eu"},
        params={"draws": 200, "coalition": "none"},
    ).json()
    assert off["coalition"]["members"] == [] and "DEU" in {
        g["country"] for g in off["third_countries"]
    }
    given = client.post("/api/levers", json=scenario, params={"draws": 20, "coalition": "KAZ"})
    assert given.json()["coalition"]["members"] == ["KAZ"]
    wrong = client.post("/api/levers", json=scenario, params={"coalition": "Atlantis"})
    assert wrong.status_code in (404, 422) and "Atlantis" in wrong.json()["detail"]
    # the published general-equilibrium model over the API, at the peer's parameters
    ge_scenario = {**scenario, "tau": 0.3, "delta": 0.1, "rho": -1}
    ge = client.post("/api/levers", json=ge_scenario, params={"draws": 1, "model": "ge"})
    assert ge.status_code == 200, ge.text
    assert ge.json()["ge"]["target"]["gross_output_loss_usd"]["median"] > 0
    too_many = client.post("/api/levers", json=scenario, params={"draws": 21, "model": "ge"})
    assert too_many.status_code == 422 and "at most 20" in too_many.json()["detail"]
    bad = {**scenario, "levers": [{"type": "blockade"}]}
    refused = client.post("/api/levers", json=bad)
    assert refused.status_code == 422 and "unknown lever type" in refused.json()["detail"]
    not_json = client.post(
        "/api/levers", content=b"{not json", headers={"content-type": "application/json"}
    )
    assert not_json.status_code == 422
    battery = client.get("/api/battery", params={"sender": "CHN", "target": "RUS", "draws": 50})
    assert {i["key"] for i in battery.json()["items"]} >= {"technology", "payments"}
    assert battery.json()["warnings"] == []


def test_results_on_a_slice_carry_coverage_warnings(
    default_store_file: Path, slice_table: Path, tmp_path: Path
) -> None:
    """The API's results on goods flows that are a slice of the year say so."""
    from asymmetry.store.ingest_tidy import ingest_table

    path = tmp_path / "slice.duckdb"
    shutil.copy(default_store_file, path)
    with asymmetry.open(path) as store:
        ingest_table(store, slice_table, hs_revision="HS17")
    pair = {"a": "RUS", "b": "CHN"}
    scenario = {"sender": "CHN", "target": "RUS", "levers": [
        {"type": "export-restriction", "products": "85"}]}  # fmt: skip
    with serve(path) as url, httpx.Client(base_url=url, timeout=120.0) as c:
        answers = {
            "profile": c.get("/api/profile", params=pair),
            "dependencies": c.get("/api/dependencies", params={"country": "RUS", "on": "CHN"}),
            "levers": c.post("/api/levers", json=scenario, params={"draws": 20}),
            "battery": c.get(
                "/api/battery", params={"sender": "CHN", "target": "RUS", "draws": 20}
            ),
            "report": c.get("/api/report", params=pair),
        }
        exposure = c.get("/api/exposure", params={"country": "RUS", "on": "CHN"})
    for name, answer in answers.items():
        assert answer.status_code == 200, (name, answer.text)
        warnings = answer.json()["warnings"]
        assert len(warnings) == 2, name
        assert "table:slice holds 4 product code(s)" in warnings[0], name
    assert exposure.json()["warnings"] == []  # the ICIO network, whatever flows are stored


def test_claims_text_and_upload(client: httpx.Client, tmp_path: Path) -> None:
    text = "Sino-Russian trade turnover was $120 billion in 2021."  # China GAC: 146.9 bn
    pasted = client.post("/api/claims", json={"text": text})
    assert pasted.status_code == 200
    claims = pasted.json()["claims"]
    assert [c["verdict"] for c in claims] == ["discrepant"]
    upload = client.post(
        "/api/claims/upload", files={"file": ("../../etc/note.txt", text.encode(), "text/plain")}
    )
    assert upload.status_code == 200
    assert upload.json()["summary"]["discrepant"] == 1
    assert upload.json()["documents"] == ["note.txt"]  # written in a temp dir, not shown
    assert not Path("/etc/note.txt").exists()
    exe = client.post("/api/claims/upload", files={"file": ("x.exe", b"MZ\x00\x00", "x/y")})
    assert exe.status_code == 422 and ".exe" in exe.json()["detail"]
    binary = client.post("/api/claims/upload", files={"file": ("x.txt", b"\x00\x01\x02", "t/p")})
    assert binary.status_code == 422
    page = client.post("/claims", data={"text": text})
    assert page.status_code == 200 and '<mark class="discrepant"' in page.text
    assert '<nav class="top">' in page.text  # shown in the dashboard's layout
    empty = client.post("/claims", data={"text": "  "})
    assert empty.status_code == 422 and "paste some text" in empty.text
    # the text's date gives "last year" its year (China GAC 2021: 146.9 bn)
    said = "Sino-Russian trade turnover was $147 billion last year."
    dated = client.post("/api/claims", json={"text": said, "as_of": "2022-03"})
    assert [(c["year"], c["verdict"]) for c in dated.json()["claims"]] == [(2021, "consistent")]
    undated = client.post("/api/claims", json={"text": said})
    assert [c["year"] for c in undated.json()["claims"]] == [None]
    bad = client.post("/api/claims", json={"text": said, "as_of": "2022-13"})
    assert bad.status_code == 422 and bad.json() == {
        "detail": "as_of: not a date: '2022-13' (write 2021-06-07, 2021-06 or 2021)"
    }
    uploaded = client.post(
        "/api/claims/upload",
        files={"file": ("n.txt", said.encode(), "text/plain")},
        data={"as_of": "2022-03-01"},
    )
    assert [c["year"] for c in uploaded.json()["claims"]] == [2021]
    form = client.post("/claims", data={"text": said, "as_of": "2022-03-01"})
    assert form.status_code == 200 and '<mark class="consistent"' in form.text
    wrong = client.post("/claims", data={"text": said, "as_of": "yesterday"})
    assert wrong.status_code == 422 and "written on: not a date" in wrong.text


def test_oversized_requests_get_413(server: str) -> None:
    big = b"x" * int(LIMIT_MB * 1e6 + 10)
    with httpx.Client(base_url=server, timeout=60.0) as c:
        declared = c.post("/api/claims/upload", files={"file": ("big.txt", big, "text/plain")})
        assert declared.status_code == 413 and "too large" in declared.json()["detail"]

        def chunks() -> Iterator[bytes]:  # no Content-Length: chunked transfer
            for start in range(0, len(big), 65536):
                yield big[start : start + 65536]

        streamed = c.post(
            "/api/claims", content=chunks(), headers={"content-type": "application/json"}
        )
        assert streamed.status_code == 413
        assert c.get("/healthz").status_code == 200  # still serving


def _raw_get(server: str, path: str) -> int:
    """GET a path exactly as written (clients normalise ../ away)."""
    parts = urlparse(server)
    conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=10)
    try:
        conn.request("GET", path)
        return conn.getresponse().status
    finally:
        conn.close()


def test_path_traversal_is_refused(server: str) -> None:
    for path in (
        "/static/../../../../etc/passwd",
        "/static/swagger/../../../../etc/passwd",
        "/static/swagger/..%2f..%2f..%2fetc%2fpasswd",
        "/static/%2e%2e/%2e%2e/etc/passwd",
    ):
        assert _raw_get(server, path) in (400, 404), path
    assert _raw_get(server, "/static/plotly.min.js") == 200


def test_garbage_request_line_does_not_crash(server: str) -> None:
    parts = urlparse(server)
    with socket.create_connection((parts.hostname, parts.port), timeout=10) as s:
        s.sendall(b"NONSENSE \x00\xff HTTP/9\r\n\r\n")
        reply = s.recv(100)
    assert reply.startswith(b"HTTP/1.1 4")
    assert httpx.get(f"{server}/healthz").status_code == 200


def test_favicon_is_served(client: httpx.Client) -> None:
    """Every page's favicon request was a 404."""
    for path in ("/favicon.ico", "/static/favicon.svg"):
        icon = client.get(path)
        assert icon.status_code == 200 and icon.headers["content-type"].startswith("image/svg")
    assert 'rel="icon" href="/static/favicon.svg?v=' in client.get("/pair").text


def test_docs_and_assets_are_local(client: httpx.Client) -> None:
    docs = client.get("/docs")
    assert docs.status_code == 200
    assert "/static/swagger/swagger-ui-bundle.js" in docs.text
    assert "cdn" not in docs.text.lower()
    bundle = client.get("/static/swagger/swagger-ui-bundle.js")
    assert bundle.status_code == 200
    # Swagger UI 4.x rendered "Unable to render this definition" for OpenAPI 3.1.
    assert client.get("/openapi.json").json()["openapi"].startswith("3.1")
    assert re.search(r'PACKAGE_VERSION:"([5-9]|\d\d)\.', bundle.text)
    spec = client.get("/openapi.json").json()
    assert {"/api/profile", "/api/dependencies", "/api/levers", "/api/claims"} <= set(spec["paths"])
    page = client.get("/pair", params={"a": "RUS", "b": "CHN"})
    assert page.status_code == 200
    assert (
        'src="/static/plotly.min.js?v=' in page.text
        and "https://" not in page.text.split("<main>")[0]
    )
    assert client.get("/static/nothing.js").status_code == 404
    brief = client.get("/brief", params={"a": "RUS", "b": "CHN"})
    assert brief.status_code == 200 and brief.text.count('data-testid="section-') == 7


def test_concurrent_requests_and_read_only_store(client: httpx.Client, store_copy: Path) -> None:
    before = sha256(store_copy)
    urls = [
        "/api/profile?a=RUS&b=CHN",
        "/api/profile?a=DEU&b=CHN",
        "/api/exposure?country=RUS&on=CHN",
        "/api/dependencies?country=DEU&on=USA&top=10",
        "/api/countries",
        "/api/years",
    ] * 5
    with ThreadPoolExecutor(max_workers=10) as pool:
        statuses = list(pool.map(lambda u: client.get(u).status_code, urls))
    assert statuses == [200] * len(urls)
    assert sha256(store_copy) == before  # the server never writes


def test_app_opens_the_store_read_only(store_copy: Path, tmp_path: Path) -> None:
    copy = tmp_path / "s.duckdb"
    shutil.copy(store_copy, copy)
    app = create_app(copy)
    assert app.state.stores.current.root.read_only
    with app.state.stores.handle() as db, pytest.raises(Exception, match=r"read-only|read only"):
        db.query("CREATE TABLE x (a INT)")
    app.state.stores.close()
    with pytest.raises(StoreError, match="does not exist"):
        create_app(tmp_path / "missing.duckdb")
