"""CEPII BACI connector: a resumable download of a release, verified, then ingested by year.

The release is one zip of a few GB (``BACI_HS92_V202501.zip``: a CSV per year
and the code tables). It is downloaded to ``<name>.part``; an interrupted or
truncated transfer resumes from the bytes already on disk (HTTP Range), and
a server that ignores the range restarts it cleanly. Only a complete file
(its size as the server announced, a readable zip whose CRCs check, and the
SHA-256 if given) is renamed into place; a corrupt one is deleted with a
`FetchError`. The years asked for are then extracted and each ingested as
its own dataset with `ingest_baci`, all in one transaction (every year loads,
or none does).

Reference: CEPII, BACI, https://www.cepii.fr/CEPII/en/bdd_modele/bdd_modele_item.asp?id=37
"""

from __future__ import annotations

import hashlib
import re
import zipfile
from collections.abc import Iterable
from pathlib import Path

import httpx

from asymmetry.fetch.comtrade import parse_years
from asymmetry.fetch.http import FetchError, RetryPolicy, http_client, retryable
from asymmetry.store.ingest_baci import ingest_baci
from asymmetry.store.provenance import IngestReport
from asymmetry.store.store import ProgressCallback, Store

BACI_URL = "https://www.cepii.fr/DATA_DOWNLOAD/baci/data/BACI_{hs}_V{release}.zip"
HS_VERSIONS = ("HS92", "HS96", "HS02", "HS07", "HS12", "HS17", "HS22")
CHUNK = 1 << 20


def baci_url(release: str, hs: str) -> str:
    if hs.upper() not in HS_VERSIONS:
        raise FetchError(f"unknown BACI nomenclature {hs!r}; use one of {', '.join(HS_VERSIONS)}")
    if not re.fullmatch(r"\d{6}", release):
        raise FetchError(f"a BACI release is written YYYYMM, e.g. 202501 (got {release!r})")
    return BACI_URL.format(hs=hs.upper(), release=release)


def download(
    client: httpx.Client,
    url: str,
    target: Path,
    *,
    policy: RetryPolicy | None = None,
    progress: ProgressCallback | None = None,
) -> Path:
    """Download ``url`` to ``target``, resuming a partial ``target.part`` (see module doc)."""
    policy = policy or RetryPolicy()
    part = target.with_name(target.name + ".part")
    target.parent.mkdir(parents=True, exist_ok=True)
    last = ""
    for attempt in range(policy.attempts):
        have = part.stat().st_size if part.exists() else 0
        headers = {"Range": f"bytes={have}-"} if have else {}
        response: httpx.Response | None = None
        try:
            with client.stream("GET", url, headers=headers) as response:
                total = _receive(response, part, have, url, progress, target.name)
        except httpx.TransportError as exc:
            last = f"{type(exc).__name__}: {exc}"
        except _Retry as exc:
            last = str(exc)
        else:
            size = part.stat().st_size
            if total is None or size == total:
                part.replace(target)
                return target
            if size > total:
                part.unlink()
                raise FetchError(
                    f"{url}: received {size:,} bytes, more than the {total:,} announced"
                )
            last = f"transfer stopped at {size:,} of {total:,} bytes"
        if attempt + 1 < policy.attempts:
            policy.sleep(policy.delay(attempt, response))
    raise FetchError(
        f"{url}: gave up after {policy.attempts} attempts ({last}); run again to resume "
        f"from the {part.stat().st_size if part.exists() else 0:,} bytes kept in {part}"
    )


class _Retry(Exception):
    """A status worth retrying (429, 5xx); never leaves this module."""


def _receive(
    response: httpx.Response,
    part: Path,
    have: int,
    url: str,
    progress: ProgressCallback | None,
    name: str,
) -> int | None:
    """Append (206) or write (200) the body to ``part``; the total size expected, if known."""
    status = response.status_code
    if retryable(status):
        raise _Retry(f"HTTP {status}")
    if status == 416 and have:  # nothing left to send: the part is complete
        found = re.search(r"/(\d+)$", response.headers.get("content-range", ""))
        return int(found.group(1)) if found else have
    if status not in (200, 206):
        raise FetchError(f"{url}: HTTP {status}: {response.read()[:200]!r}")
    if status == 206:
        found = re.match(r"bytes (\d+)-\d+/(\d+|\*)", response.headers.get("content-range", ""))
        if not found or int(found.group(1)) != have:
            raise _Retry("the server resumed from the wrong byte")
        total = None if found.group(2) == "*" else int(found.group(2))
        mode = "ab"
    else:  # the whole file: the server ignored the range, or this is the first try
        length = response.headers.get("content-length")
        total = int(length) if length and length.isdigit() else None
        have, mode = 0, "wb"
    done = have
    with part.open(mode) as sink:
        for chunk in response.iter_bytes(CHUNK):
            sink.write(chunk)
            done += len(chunk)
            if progress is not None and total:
                progress(f"downloading {name}", min(done / total, 1.0))
    return total


def verify_zip(path: Path, sha256: str | None = None) -> None:
    """A readable zip whose every member's CRC checks (and the given SHA-256); else delete it."""
    try:
        if sha256 is not None:
            digest = hashlib.sha256()
            with path.open("rb") as source:
                for block in iter(lambda: source.read(CHUNK), b""):
                    digest.update(block)
            if digest.hexdigest() != sha256.lower():
                raise FetchError(f"{path.name}: SHA-256 {digest.hexdigest()} is not {sha256}")
        with zipfile.ZipFile(path) as archive:
            bad = archive.testzip()
        if bad is not None:
            raise FetchError(f"{path.name}: member {bad} fails its CRC check")
    except zipfile.BadZipFile as exc:
        path.unlink(missing_ok=True)
        raise FetchError(f"{path.name} is not a valid zip ({exc}); it was deleted") from exc
    except FetchError:
        path.unlink(missing_ok=True)
        raise


def extract_years(
    archive_path: Path, folder: Path, hs: str, release: str, years: Iterable[int] | None
) -> list[Path]:
    """The yearly CSVs asked for (all if ``years`` is None) and the code tables, extracted."""
    pattern = re.compile(rf"BACI_{hs}_Y(\d{{4}})_V{release}\.csv")
    wanted = None if years is None else set(years)
    folder.mkdir(parents=True, exist_ok=True)
    data: list[Path] = []
    with zipfile.ZipFile(archive_path) as archive:
        names = {Path(n).name: n for n in archive.namelist()}  # no directories from the zip
        by_year = {int(m.group(1)): n for n in names if (m := pattern.fullmatch(n))}
        if wanted is not None and wanted - set(by_year):
            missing = ", ".join(str(y) for y in sorted(wanted - set(by_year)))
            have = ", ".join(str(y) for y in sorted(by_year)) or "none"
            raise FetchError(f"{archive_path.name} has no year {missing}; it has {have}")
        tables = [n for n in names if n.startswith(("country_codes_", "product_codes_"))]
        chosen = [by_year[y] for y in sorted(by_year) if wanted is None or y in wanted]
        for name in tables + chosen:
            target = folder / name
            with archive.open(names[name]) as source, target.open("wb") as sink:
                while block := source.read(CHUNK):
                    sink.write(block)
            if name in chosen:
                data.append(target)
    return data


def fetch_baci(
    store: Store,
    *,
    release: str = "202501",
    hs: str = "HS92",
    years: str | Iterable[int] | None = None,
    sha256: str | None = None,
    cache_dir: str | Path | None = None,
    client: httpx.Client | None = None,
    policy: RetryPolicy | None = None,
    progress: ProgressCallback | None = None,
) -> list[IngestReport]:
    """Download (or reuse) BACI ``release`` in ``hs``, verify it, ingest ``years`` (all if None)."""
    url = baci_url(release, hs)
    folder = Path(cache_dir) if cache_dir else store.path.parent / "cache" / "baci"
    archive_path = folder / url.rsplit("/", 1)[1]
    if not archive_path.exists():
        with http_client(client) as http:
            download(http, url, archive_path, policy=policy, progress=progress)
    verify_zip(archive_path, sha256)
    wanted = None if years is None else parse_years(years)
    files = extract_years(archive_path, folder / archive_path.stem, hs.upper(), release, wanted)
    return ingest_baci(store, files, progress=progress)
