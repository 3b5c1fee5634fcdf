"""The BACI connector against a served zip (respx): resume, restart, retries, corrupt files."""

from __future__ import annotations

import io
import re
import zipfile
from pathlib import Path

import httpx
import pytest
import respx

from asymmetry.fetch.baci import baci_url, fetch_baci
from asymmetry.fetch.http import FetchError, RetryPolicy
from asymmetry.store.store import Store
from asymmetry.synth.baci import generate_baci
from tests.conftest import snapshot

URL = baci_url("202501", "HS22")


@pytest.fixture(scope="module")
def release(tmp_path_factory: pytest.TempPathFactory) -> bytes:
    """A BACI release zip in CEPII's layout: two yearly CSVs and the code tables."""
    root = tmp_path_factory.mktemp("release")
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for year in (2021, 2022):
            synth = generate_baci(
                root / str(year), rows=3000, n_countries=20, n_products=100, year=year, seed=7
            )  # fmt: skip  (one code table for both)
            archive.write(synth.data, synth.data.name)
        archive.write(synth.country_codes, synth.country_codes.name)
        archive.write(synth.product_codes, synth.product_codes.name)
        archive.writestr("Readme.txt", "BACI test release")
    return buffer.getvalue()


class Waits:
    def __init__(self) -> None:
        self.waits: list[float] = []

    def __call__(self, seconds: float) -> None:
        self.waits.append(seconds)


def serve_ranges(body: bytes, cut_first_at: int | None = None) -> object:
    """A server that honours Range; its first answer stops after ``cut_first_at`` bytes."""
    state = {"first": True}

    def handler(request: httpx.Request) -> httpx.Response:
        found = re.fullmatch(r"bytes=(\d+)-", request.headers.get("range", ""))
        start = int(found.group(1)) if found else 0
        chunk = body[start:]
        if state["first"] and cut_first_at is not None:
            state["first"] = False
            # announces the whole file, sends part of it (a dropped connection)
            return httpx.Response(
                200, content=body[:cut_first_at], headers={"content-length": str(len(body))}
            )
        if start:
            headers = {"content-range": f"bytes {start}-{len(body) - 1}/{len(body)}"}
            return httpx.Response(206, content=chunk, headers=headers)
        return httpx.Response(200, content=body)

    return handler


def fetch(store: Store, tmp_path: Path, waits: Waits | None = None, **kwargs: object) -> object:
    options: dict[str, object] = {
        "release": "202501",
        "hs": "HS22",
        "cache_dir": tmp_path / "cache",
        "policy": RetryPolicy(attempts=4, base=1.0, sleep=waits or Waits()),
    }
    options.update(kwargs)
    return fetch_baci(store, **options)  # type: ignore[arg-type]


@respx.mock
def test_download_verify_and_ingest_chosen_years(
    empty_store: Store, tmp_path: Path, release: bytes
) -> None:
    route = respx.get(URL).mock(side_effect=serve_ranges(release))
    reports = fetch(empty_store, tmp_path, years="2022")
    assert route.call_count == 1
    assert [r.dataset for r in reports] == ["baci:BACI_HS22_Y2022_V202501"]  # type: ignore[attr-defined]
    assert empty_store.query("SELECT DISTINCT year FROM flows")["year"].tolist() == [2022]
    # The zip is kept: asking for the other year downloads nothing.
    fetch(empty_store, tmp_path, years="2021")
    assert route.call_count == 1
    assert sorted(empty_store.query("SELECT DISTINCT year FROM flows")["year"]) == [2021, 2022]


@respx.mock
def test_truncated_transfer_resumes_with_a_range(
    empty_store: Store, tmp_path: Path, release: bytes
) -> None:
    route = respx.get(URL).mock(side_effect=serve_ranges(release, cut_first_at=5000))
    waits = Waits()
    fetch(empty_store, tmp_path, waits)
    assert route.call_count == 2
    assert route.calls[1].request.headers["range"] == "bytes=5000-"
    assert (tmp_path / "cache" / "BACI_HS22_V202501.zip").read_bytes() == release
    assert waits.waits == [1.0]
    assert empty_store.scalar("SELECT count(DISTINCT year) FROM flows") == 2


@respx.mock
def test_server_ignoring_the_range_restarts_cleanly(
    empty_store: Store, tmp_path: Path, release: bytes
) -> None:
    part = tmp_path / "cache" / "BACI_HS22_V202501.zip.part"
    part.parent.mkdir(parents=True)
    part.write_bytes(b"stale bytes from another file")
    respx.get(URL).mock(return_value=httpx.Response(200, content=release))
    fetch(empty_store, tmp_path, years="2021")
    assert (tmp_path / "cache" / "BACI_HS22_V202501.zip").read_bytes() == release


@respx.mock
def test_server_errors_are_retried_then_reported(
    empty_store: Store, tmp_path: Path, release: bytes
) -> None:
    replies = iter([httpx.Response(503), httpx.Response(429, headers={"retry-after": "3"})])
    respx.get(URL).mock(
        side_effect=lambda r: next(replies, None) or httpx.Response(200, content=release)
    )
    waits = Waits()
    fetch(empty_store, tmp_path, waits, years="2021")
    assert waits.waits == [1.0, 3.0]
    respx.get(URL).mock(return_value=httpx.Response(500))
    (tmp_path / "cache" / "BACI_HS22_V202501.zip").unlink()
    with pytest.raises(FetchError, match="gave up after 4 attempts"):
        fetch(empty_store, tmp_path, years="2021")


@respx.mock
def test_corrupt_or_unexpected_files_are_refused(
    empty_store: Store, tmp_path: Path, release: bytes
) -> None:
    before = snapshot(empty_store)
    respx.get(URL).mock(return_value=httpx.Response(200, content=b"PK" + b"\x00" * 4000))
    with pytest.raises(FetchError, match="not a valid zip"):
        fetch(empty_store, tmp_path)
    assert not (tmp_path / "cache" / "BACI_HS22_V202501.zip").exists()
    respx.get(URL).mock(return_value=httpx.Response(200, content=release))
    with pytest.raises(FetchError, match="SHA-256"):
        fetch(empty_store, tmp_path, sha256="0" * 64)
    with pytest.raises(FetchError, match="no year 1999; it has 2021, 2022"):
        fetch(empty_store, tmp_path, years="1999")
    assert snapshot(empty_store) == before
    respx.get(URL).mock(return_value=httpx.Response(404, text="Not Found"))
    (tmp_path / "cache" / "BACI_HS22_V202501.zip").unlink(missing_ok=True)
    with pytest.raises(FetchError, match="HTTP 404"):
        fetch(empty_store, tmp_path)
    with pytest.raises(FetchError, match="YYYYMM"):
        baci_url("2025", "HS92")
    with pytest.raises(FetchError, match="nomenclature"):
        baci_url("202501", "HS99")
