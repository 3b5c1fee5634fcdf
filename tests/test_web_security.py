"""The server under attack, over real HTTP: hosts, headers, caching, upload names, CSV.

Each test talks to a running `asymmetry serve` (tests/live_server.py) and is
bounded in time by its client timeouts.
"""

from __future__ import annotations

import csv
import hashlib
import io
import os
import re
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlparse

import httpx
import pytest

import asymmetry
from asymmetry.store.ingest_baci import ingest_baci
from asymmetry.store.schema import SCHEMA_VERSION
from asymmetry.web.security import TrustedHosts, host_of
from tests.live_server import free_port, serve
from tests.test_csvsafe import EVIL, evil_products

pytestmark = pytest.mark.slow
SECURITY_HEADERS = {
    "x-content-type-options": "nosniff",
    "x-frame-options": "DENY",
    "referrer-policy": "no-referrer",
}


@pytest.fixture(scope="module")
def store_copy(
    default_store_file: Path, shared_data: Path, tmp_path_factory: pytest.TempPathFactory
) -> Path:
    """The default store plus the BACI sample, whose one product is named like a formula."""
    folder = tmp_path_factory.mktemp("websec")
    path = folder / "store.duckdb"
    shutil.copy(default_store_file, path)
    sample = shared_data / "baci" / "BACI_sample_HS22_Y2023_k852352.csv"
    with asymmetry.open(path) as store:
        ingest_baci(
            store,
            [sample],
            country_codes=shared_data / "baci" / "country_codes_V202501.csv",
            product_codes=evil_products(shared_data, folder),
        )
    return path


@pytest.fixture(scope="module")
def server(store_copy: Path) -> Iterator[str]:
    with serve(store_copy, "--allow-host", "dash.example", "--allow-host", "*.corp.example") as url:
        yield url


@pytest.fixture
def client(server: str) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=server, timeout=60.0) as c:
        yield c


def port_of(url: str) -> int:
    return int(urlparse(url).port or 80)


def test_only_the_served_hosts_are_answered(client: httpx.Client, server: str) -> None:
    """DNS rebinding: a page on evil.example re-pointed at 127.0.0.1 says Host: evil.example."""
    port = port_of(server)
    for host in ("evil.example", f"evil.example:{port}", "127.0.0.1.evil.example", "dash.exampl"):
        refused = client.get("/api/countries", headers={"host": host})
        assert refused.status_code == 400, host
        assert set(refused.json()) == {"detail"}  # the API's one error shape
        assert "--allow-host" in refused.json()["detail"]
        assert client.get("/pair", headers={"host": host}).status_code == 400
    for host in (
        f"127.0.0.1:{port}",
        f"localhost:{port}",
        f"[::1]:{port}",
        "LOCALHOST",
        "dash.example",  # --allow-host
        f"api.corp.example:{port}",  # --allow-host *.corp.example
    ):
        assert client.get("/api/years", headers={"host": host}).status_code == 200, host
    # an address literal is a name only on a wildcard bind; this server is on loopback
    assert client.get("/api/years", headers={"host": "10.0.0.7"}).status_code == 400


def _raw(server: str, request: bytes) -> bytes:
    parts = urlparse(server)
    with socket.create_connection((parts.hostname, parts.port), timeout=10) as s:
        s.sendall(request)
        return s.recv(4096)


def test_header_size_is_capped(server: str) -> None:
    base = b"GET /healthz HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n"
    assert _raw(server, base + b"\r\n").startswith(b"HTTP/1.1 200")
    for size in (20_000, 60_000, 300_000):  # in one read, and past what h11 buffers
        reply = _raw(server, base + b"X-Pad: " + b"a" * size + b"\r\n\r\n")
        assert reply.startswith((b"HTTP/1.1 431", b"HTTP/1.1 400")), (size, reply[:60])
    many = b"".join(b"X-%d: %s\r\n" % (i, b"b" * 100) for i in range(300))
    assert _raw(server, base + many + b"\r\n").startswith(b"HTTP/1.1 431")
    assert httpx.get(f"{server}/healthz").status_code == 200  # still serving


def test_healthz_says_ok_and_the_schema_only(client: httpx.Client, store_copy: Path) -> None:
    health = client.get("/healthz")
    assert health.json() == {"status": "ok", "schema_version": SCHEMA_VERSION}
    assert str(store_copy.parent) not in health.text and "duckdb" not in health.text


def test_every_response_carries_the_security_headers(client: httpx.Client) -> None:
    responses = {
        "page": client.get("/claims"),
        "api": client.get("/api/countries"),
        "asset": client.get("/static/tables.js"),
        "docs": client.get("/docs"),
        "swagger": client.get("/static/swagger/swagger-ui.css"),
        "not found": client.get("/nothing"),
        "bad host": client.get("/healthz", headers={"host": "evil.example"}),
        "validation": client.get("/api/profile", params={"a": "RUS"}),
        "too large": client.post("/api/claims", content=b"x" * 6_000_000),
    }
    for what, response in responses.items():
        for name, value in SECURITY_HEADERS.items():
            assert response.headers.get(name) == value, (what, name)
        directives = response.headers["content-security-policy"].split("; ")
        policy = dict(d.split(" ", 1) for d in directives)
        assert policy["default-src"] == "'self'" and policy["script-src"] == "'self'", what
        assert policy["frame-ancestors"] == "'none'" and policy["object-src"] == "'none'", what


def test_pages_have_no_inline_script_or_handler(client: httpx.Client) -> None:
    """What the policy's script-src 'self' would block: inline code and on* attributes."""
    pages = [
        client.get("/pair", params={"a": "RUS", "b": "CHN"}),
        client.get("/dependencies", params={"country": "AUS", "on": "KOR"}),
        client.get("/levers"),
        client.get("/claims"),
        client.post("/claims", data={"text": "Trade was $120 billion in 2021."}),
        client.get("/docs"),
    ]
    for page in pages:
        assert page.status_code == 200, page.url
        for attributes, body in re.findall(r"<script([^>]*)>(.*?)</script>", page.text, re.S):
            assert "src=" in attributes or 'type="application/json"' in attributes, page.url
            assert "src=" not in attributes or not body.strip(), page.url
        assert not re.search(r"<[^>]+\son[a-z]+\s*=", page.text), page.url
        assert "javascript:" not in page.text.lower(), page.url


def test_static_assets_are_linked_by_hash_and_cached(client: httpx.Client) -> None:
    page = client.get("/pair", params={"a": "RUS", "b": "CHN"})
    links = dict(re.findall(r'(?:src|href)="/static/([\w.]+)\?v=(\w+)"', page.text))
    assert {"plotly.min.js", "tables.js", "style.css", "favicon.svg"} <= set(links)
    assert len(page.content) < 1_000_000  # plotly.js (4.6 MB) is linked, not inlined
    for name, version in links.items():
        got = client.get(f"/static/{name}", params={"v": version})
        assert got.status_code == 200
        assert hashlib.sha256(got.content).hexdigest().startswith(version)
        assert got.headers["cache-control"] == "public, max-age=31536000, immutable"
        assert got.headers["etag"] == f'"{version}"'
        again = client.get(f"/static/{name}", headers={"if-none-match": got.headers["etag"]})
        assert again.status_code == 304 and again.content == b""
    bare = client.get("/static/plotly.min.js")  # old links still work, revalidated hourly
    assert bare.headers["cache-control"] == "public, max-age=3600" and "etag" in bare.headers
    stale = client.get("/static/plotly.min.js", headers={"if-none-match": '"0000"'})
    assert stale.status_code == 200
    result = client.post("/claims", data={"text": "Trade was $120 billion in 2021."})
    assert "/static/claims.css?v=" in result.text and "<style>" not in result.text


def test_uploads_are_answered_with_their_own_name(client: httpx.Client) -> None:
    text = b"Sino-Russian trade turnover was $120 billion in 2021."
    ok = client.post("/api/claims/upload", files={"file": ("../../etc/note.txt", text, "t/p")})
    assert ok.status_code == 200
    assert ok.json()["documents"] == ["note.txt"]
    assert {c["document"] for c in ok.json()["claims"]} == {"note.txt"}
    for name, data in (("empty.txt", b""), ("blob.txt", b"\x00\x01\x02"), ("x.pdf", b"nope")):
        bad = client.post("/api/claims/upload", files={"file": (name, data, "t/p")})
        assert bad.status_code == 422, name
        assert bad.json()["detail"].startswith(f"{name}: "), bad.json()
        page = client.post("/claims", files={"file": (name, data, "t/p")})
        assert page.status_code == 422 and f"{name}: " in page.text
    for answer in (ok.text, bad.text, page.text):
        assert "asymmetry-upload-" not in answer and "/tmp" not in answer


def test_dashboard_csv_neutralises_product_names(client: httpx.Client) -> None:
    params = {"country": "AUS", "on": "KOR", "format": "csv"}
    got = client.get("/api/dependencies", params=params)
    assert got.status_code == 200
    rows = list(csv.DictReader(io.StringIO(got.text)))
    assert rows[0]["product"] == "852352" and rows[0]["name"] == "'" + EVIL
    assert float(rows[0]["dependence"]) > 0
    page = client.get("/dependencies", params={"country": "AUS", "on": "KOR"})
    assert "format=csv" in page.text  # the dashboard's download link is this endpoint


def _serve(store: Path, *args: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "asymmetry", "serve", *args],
        env={**os.environ, "ASYMMETRY_STORE": str(store)},
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )


def test_a_taken_port_is_one_clear_line(store_copy: Path) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        process = _serve(store_copy, "--port", str(port))
        output, _ = process.communicate(timeout=60)
    assert process.returncode != 0
    assert f"port {port} is in use; pick another with --port" in output
    assert "Traceback" not in output and "serving" not in output


def test_every_interface_is_warned_about(store_copy: Path, tmp_path: Path) -> None:
    port = free_port()
    own = tmp_path / "store.duckdb"  # `serve` opens its store for writing first: not shared
    shutil.copy(store_copy, own)
    process = _serve(own, "--host", "0.0.0.0", "--port", str(port))
    try:
        deadline = time.monotonic() + 60
        while process.poll() is None and time.monotonic() < deadline:
            try:
                health = httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=1.0)
                break
            except httpx.TransportError:
                time.sleep(0.2)
        assert process.poll() is None and health.status_code == 200
        address = httpx.get(
            f"http://127.0.0.1:{port}/api/years", headers={"host": f"192.0.2.10:{port}"}
        )
        assert address.status_code == 200  # clients on the network come by address
        name = httpx.get(f"http://127.0.0.1:{port}/api/years", headers={"host": "evil.example"})
        assert name.status_code == 400
    finally:
        process.terminate()
        output, _ = process.communicate(timeout=20)
    warning, serving = output.find("serves every network interface"), output.find("serving ")
    assert 0 <= warning < serving, output
    assert "read the whole store" in " ".join(output.split())


@pytest.mark.parametrize(
    ("header", "host"),
    [
        ("localhost:8000", "localhost"),
        ("[::1]:8000", "::1"),
        ("[::1]", "::1"),
        ("example.org", "example.org"),
        ("", None),
        ("a.example:80x", None),
        ("[::1", None),
        ("user@evil.example", None),
        ("evil.example/x", None),
    ],
)
def test_host_of(header: str, host: str | None) -> None:
    assert host_of(header) == host


def test_trusted_hosts() -> None:
    loopback = TrustedHosts.for_bind("127.0.0.1", ["Dash.Example", "*.corp.example"])
    assert loopback.allows("localhost") and loopback.allows("::1")
    assert loopback.allows("dash.example") and loopback.allows("a.b.corp.example")
    assert not loopback.allows("corp.example.evil") and not loopback.allows("192.0.2.1")
    named = TrustedHosts.for_bind("dash.lan")
    assert named.allows("dash.lan") and not named.allows("other.lan")
    every = TrustedHosts.for_bind("[::]")
    assert every.wildcard and every.allows("192.0.2.1") and every.allows("2001:db8::1")
    assert not every.allows("evil.example")


def test_an_unhandled_error_is_a_json_500_with_the_headers(default_store_file: Path) -> None:
    """Starlette's own 500 is sent outside every middleware, as plain text without headers."""
    import anyio

    from asymmetry.web.app import create_app

    app = create_app(default_store_file)

    def boom() -> None:
        raise RuntimeError("a bug")

    app.add_api_route("/boom", boom)

    async def call() -> httpx.Response:
        transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
        async with httpx.AsyncClient(transport=transport, base_url="http://localhost") as c:
            return await c.get("/boom")

    answer = anyio.run(call)
    app.state.stores.close()
    assert answer.status_code == 500
    assert answer.json() == {"detail": "internal server error"}
    assert answer.headers["x-frame-options"] == "DENY"
    assert "a bug" not in answer.text
