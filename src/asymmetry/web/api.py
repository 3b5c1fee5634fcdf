"""The JSON API: every dashboard view as data, with OpenAPI docs at /docs.

Endpoints call the same library functions as the CLI and return their
``to_dict()``; parameters are validated here (types, ranges) and by the
library (countries, years, scenarios), whose errors become 4xx responses in
`asymmetry.web.app`.
"""

from __future__ import annotations

import re
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, Body, Depends, File, Query, Request, UploadFile
from fastapi.responses import Response
from pydantic import BeforeValidator, Field

from asymmetry.errors import DocumentError
from asymmetry.report.render import json_safe
from asymmetry.store.store import Store

router = APIRouter(prefix="/api", tags=["api"])


def blank_is_none(value: Any) -> Any:
    """An empty form field ("year=") means "not given", as in HTML forms."""
    return None if value == "" else value


# The range sits on the int itself: on the optional it would be applied to None.
Year = Annotated[int, Field(ge=1900, le=2100)]
OptionalYear = Annotated[
    Year | None,
    BeforeValidator(blank_is_none),
    Query(description="Year of goods flows [default: latest]."),
]
COUNTRY = Query(min_length=2, max_length=60, description="ISO3 code or name, e.g. RUS.")
UPLOAD_SUFFIXES = (".txt", ".md", ".html", ".htm", ".pdf")


class Source(StrEnum):
    auto = "auto"
    flows = "flows"
    icio = "icio"


class Level(StrEnum):
    hs6 = "hs6"
    hs4 = "hs4"
    hs2 = "hs2"


class TableFormat(StrEnum):
    json = "json"
    csv = "csv"


class Model(StrEnum):
    pe = "pe"
    network = "network"


def store(request: Request) -> Iterator[Store]:
    """A read-only store handle of the request's own."""
    with request.app.state.stores.handle() as db:
        yield db


def cache(request: Request) -> Any:
    return request.app.state.cache


StoreDep = Annotated[Store, Depends(store)]
CacheDep = Annotated[Any, Depends(cache)]


@router.get("/countries")
def countries(db: StoreDep) -> list[dict[str, str]]:
    """Countries with data in the store (goods flows or the ICIO network)."""
    frame = db.query(
        """SELECT c.iso3, c.name FROM countries c
           WHERE c.iso3 IN (SELECT DISTINCT exporter FROM flows
                            UNION SELECT DISTINCT country FROM io_nodes)
           ORDER BY c.name"""
    )
    return [{"iso3": str(r.iso3), "name": str(r.name)} for r in frame.itertuples()]


@router.get("/years")
def years(db: StoreDep) -> dict[str, Any]:
    """Years of goods flows in the store, and the ICIO network's year."""
    from asymmetry.metrics.basis import ICIO_YEAR, available_years

    has_icio = bool(db.scalar("SELECT count(*) FROM io_nodes"))
    return {"flows": available_years(db), "icio": ICIO_YEAR if has_icio else None}


@router.get("/profile")
def profile(
    db: StoreDep,
    results: CacheDep,
    a: Annotated[str, COUNTRY],
    b: Annotated[str, COUNTRY],
    year: OptionalYear = None,
    source: Source = Source.auto,
) -> dict[str, Any]:
    """Two-sided pair profile: flows, shares both ways, asymmetry, HHI, composition, series."""
    from asymmetry.metrics.profile import profile as compute
    from asymmetry.store.codes import resolve_pair

    a, b = resolve_pair(a, b)
    result = results.get(
        ("profile", a, b, year, source.value),
        lambda: compute(db, a, b, year=year, source=source.value),
    )
    return dict(json_safe(result.to_dict()))


@router.get("/dependencies", response_model=None)
def dependencies(
    db: StoreDep,
    results: CacheDep,
    country: Annotated[str, COUNTRY],
    on: Annotated[str, COUNTRY],
    year: OptionalYear = None,
    level: Level = Level.hs4,
    source: Source = Source.auto,
    top: Annotated[int, Query(ge=1, le=10_000)] = 50,
    format: TableFormat = TableFormat.json,
) -> dict[str, Any] | Response:
    """Products ``country`` imports from ``on``, most dependent first (JSON or CSV)."""
    from asymmetry.metrics.dependence import dependencies as compute
    from asymmetry.store.codes import resolve_pair

    a, b = resolve_pair(country, on)
    result = results.get(
        ("dependencies", a, b, year, level.value, source.value, top),
        lambda: compute(db, a, on=b, year=year, level=level.value, source=source.value, top=top),
    )
    if format is TableFormat.csv:
        name = f"dependencies-{a}-on-{b}-{result.year}-{result.level.replace(' ', '-')}.csv"
        return Response(
            result.to_frame().to_csv(index=False),
            media_type="text/csv",
            headers={"content-disposition": f'attachment; filename="{name}"'},
        )
    return dict(json_safe(result.to_dict()))


@router.get("/exposure")
def exposure(
    db: StoreDep,
    results: CacheDep,
    country: Annotated[str, COUNTRY],
    on: Annotated[str, COUNTRY],
) -> dict[str, Any]:
    """Value-added exposure of ``country`` to ``on`` on the ICIO 2022 network."""
    from asymmetry.metrics.io_exposure import io_exposure
    from asymmetry.store.codes import resolve_pair

    a, b = resolve_pair(country, on)
    result = results.get(("exposure", a, b), lambda: io_exposure(db, a, on=b))
    return dict(json_safe(result.to_dict()))


SCENARIO_EXAMPLE = {
    "sender": "CHN",
    "target": "RUS",
    "levers": [{"type": "export-restriction", "products": "84,85,87", "fraction": [0.5, 1.0]}],
}


@router.post("/levers")
def levers(
    db: StoreDep,
    results: CacheDep,
    scenario: Annotated[dict[str, Any], Body(examples=[SCENARIO_EXAMPLE])],
    draws: Annotated[int, Query(ge=1, le=20_000)] = 1000,
    seed: Annotated[int, Query(ge=0)] = 0,
    model: Model = Model.pe,
    source: Source = Source.auto,
) -> dict[str, Any]:
    """Simulate a scenario (sender, target, levers: the `asymmetry lever` file layout)."""
    import json

    from asymmetry.levers.engine import simulate
    from asymmetry.levers.scenario import Scenario

    parsed = Scenario.from_dict(scenario)
    key = ("levers", json.dumps(scenario, sort_keys=True), draws, seed, model.value, source.value)
    result = results.get(
        key,
        lambda: simulate(
            db, parsed, draws=draws, seed=seed, model=model.value, source=source.value
        ),
    )
    return dict(json_safe(result.to_dict()))


@router.get("/battery")
def battery(
    db: StoreDep,
    results: CacheDep,
    sender: Annotated[str, COUNTRY],
    target: Annotated[str, COUNTRY],
    draws: Annotated[int, Query(ge=1, le=5000)] = 500,
    year: OptionalYear = None,
) -> dict[str, Any]:
    """The standard lever battery of ``sender`` on ``target``, ranked by leverage."""
    from asymmetry.levers.battery import lever_battery
    from asymmetry.store.codes import resolve_pair

    s, t = resolve_pair(sender, target)
    result = results.get(
        ("battery", s, t, draws, year), lambda: lever_battery(db, s, t, draws=draws, year=year)
    )
    return dict(json_safe(result.to_dict()))


@router.get("/report")
def report(
    request: Request,
    db: StoreDep,
    a: Annotated[str, COUNTRY],
    b: Annotated[str, COUNTRY],
    year: OptionalYear = None,
) -> dict[str, Any]:
    """The whole pair report as JSON (what `asymmetry report A B -o r.json` writes)."""
    found = pair_report(request, db, a, b, year)
    return dict(json_safe(found.to_dict()))


def pair_report(request: Request, db: Store, a: str, b: str, year: int | None) -> Any:
    """The cached report for a pair (shared by the API and the pair explorer page)."""
    from asymmetry.report.build import build_report
    from asymmetry.store.codes import resolve_pair

    a, b = resolve_pair(a, b)
    return request.app.state.cache.get(
        ("report", a, b, year), lambda: build_report(db, a, b, year=year, draws=500)
    )


@router.post("/claims")
def claims_text(
    db: StoreDep,
    text: Annotated[str, Body(embed=True, min_length=1, max_length=1_000_000)],
) -> dict[str, Any]:
    """Check every figure in a pasted text against the store."""
    from asymmetry.claims.check import check_text

    return dict(json_safe(check_text(db, text, name="pasted text").to_dict()))


@router.post("/claims/upload")
def claims_upload(db: StoreDep, file: Annotated[UploadFile, File()]) -> dict[str, Any]:
    """Check every figure in an uploaded .txt, .md, .html or .pdf (size-limited)."""
    from asymmetry.claims.check import check_claims

    with saved_document(file.filename or "upload", file.file.read()) as path:
        return dict(json_safe(check_claims(db, [path]).to_dict()))


@contextmanager
def saved_document(name: str, data: bytes) -> Iterator[Path]:
    """The bytes as a file in a private temp dir, deleted on exit.

    Only the base name's safe characters and an allowed suffix are kept, so a
    client's name ("../../x.txt") never chooses where the file goes. Documents
    are read lazily: use them (check, render) before leaving the block.
    """
    base = Path(name).name
    suffix = Path(base).suffix.lower()
    if suffix not in UPLOAD_SUFFIXES:
        raise DocumentError(
            f"cannot check a {suffix or 'suffix-less'} file; upload one of "
            + ", ".join(UPLOAD_SUFFIXES),
            file=base,
        )
    stem = re.sub(r"[^\w-]+", "_", Path(base).stem)[:80].strip("_") or "upload"
    with tempfile.TemporaryDirectory(prefix="asymmetry-upload-") as folder:
        path = Path(folder) / f"{stem}{suffix}"
        path.write_bytes(data)
        yield path
