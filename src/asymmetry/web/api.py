"""The JSON API: every dashboard view as data, with OpenAPI docs at /docs.

Endpoints call the same library functions as the CLI and return their
``to_dict()``; parameters are validated here (types, ranges) and by the
library (countries, years, scenarios), whose errors become 4xx responses in
`asymmetry.web.app`.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterator
from contextlib import contextmanager
from enum import StrEnum
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, TypeVar

from fastapi import (
    APIRouter,
    Body,
    Depends,
    File,
    Form,
    HTTPException,
    Query,
    Request,
    UploadFile,
)
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import JSONResponse, Response
from pydantic import BeforeValidator, Field

if TYPE_CHECKING:
    from asymmetry.claims.check import Extraction
    from asymmetry.claims.context import DocumentDate

from asymmetry.choices import LevelOption as Level
from asymmetry.choices import SourceOption as Source
from asymmetry.csvsafe import csv_text
from asymmetry.jsonsafe import dumps
from asymmetry.metrics.dependence import Level as LevelChoice
from asymmetry.store.store import Store
from asymmetry.web import claims_jobs, workers
from asymmetry.web.jobs import report_job
from asymmetry.web.offload import Offload
from asymmetry.web.state import ResultCache, Snapshot

T = TypeVar("T")
router = APIRouter(prefix="/api", tags=["api"], lifespan=workers.lifespan)


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
OptionalLevel = Annotated[
    Level | None,
    BeforeValidator(blank_is_none),
    Query(description="HS detail [default: hs6 on goods flows, sectors on ICIO]."),
]


def level_value(level: Level | None) -> LevelChoice | None:
    return None if level is None else level.value


COUNTRY = Query(min_length=2, max_length=60, description="ISO3 code or name, e.g. RUS.")


class TableFormat(StrEnum):
    json = "json"
    csv = "csv"


class Model(StrEnum):
    pe = "pe"
    network = "network"
    ge = "ge"


# Each general-equilibrium draw is a full equilibrium solve (seconds): the API caps them.
MAX_GE_DRAWS = 20


def store(request: Request) -> Iterator[Store]:
    """A read-only store handle of the request's own, on the snapshot it holds."""
    with leased(request) as snapshot, snapshot.handle() as db:
        yield db


@contextmanager
def leased(request: Request) -> Iterator[Snapshot]:
    """The store snapshot this request reads, the same for all of its work.

    The snapshot stays open until the request is done with it, even when an
    ingest replaces it meanwhile; its cache holds results of its data only.
    """
    held: Snapshot | None = getattr(request.state, "snapshot", None)
    if held is not None:
        yield held
        return
    with request.app.state.stores.lease() as snapshot:
        request.state.snapshot = snapshot
        try:
            yield snapshot
        finally:
            del request.state.snapshot


def result_cache(request: Request) -> ResultCache:
    """The cache of the snapshot the request holds (inside `leased`)."""
    snapshot: Snapshot = request.state.snapshot
    return snapshot.cache


StoreDep = Annotated[Store, Depends(store)]


async def cached_json(
    request: Request, key: Hashable, compute: Callable[[Store], Any], *, heavy: bool = True
) -> Response:
    """The JSON of ``compute(store).to_dict()``, computed once per key.

    A repeated request is answered on the event loop from the cached bytes
    (no thread, no store, no serialisation); the first one runs in a worker
    thread with a store handle of its own. Library errors propagate to the
    app's handlers (4xx) and are not cached. ``heavy=False``: ``compute`` waits
    for a worker process (`offloaded`) and takes none of the cache's slots.
    """
    with leased(request) as snapshot:
        body = snapshot.cache.peek(key)
        if body is None:

            def work() -> bytes:
                with snapshot.handle() as db:
                    result = compute(db)
                    data = result.to_dict() if hasattr(result, "to_dict") else result
                    return dumps(data).encode()

            body = await run_in_threadpool(snapshot.cache.get, key, work, heavy=heavy)
    return Response(body, media_type="application/json")


def list_countries(db: Store) -> list[dict[str, str]]:
    """Countries with data in the store (goods flows or the ICIO network)."""
    frame = db.query(
        """SELECT c.iso3, c.name FROM countries c
           WHERE c.iso3 IN (SELECT DISTINCT exporter FROM flow_pairs
                            UNION SELECT DISTINCT country FROM io_nodes)
           ORDER BY c.name"""
    )
    return [{"iso3": str(r.iso3), "name": str(r.name)} for r in frame.itertuples()]


@router.get("/countries", response_class=JSONResponse)
async def countries(request: Request) -> Response:
    """Countries with data in the store (goods flows or the ICIO network)."""
    return await cached_json(request, ("countries",), list_countries)


@router.get("/years", response_class=JSONResponse)
async def years(request: Request) -> Response:
    """Years of goods flows in the store, and the ICIO network's year."""
    from asymmetry.metrics.basis import ICIO_YEAR, available_years

    def compute(db: Store) -> dict[str, Any]:
        has_icio = bool(db.scalar("SELECT count(*) FROM io_nodes"))
        return {"flows": available_years(db), "icio": ICIO_YEAR if has_icio else None}

    return await cached_json(request, ("years",), compute)


@router.get("/profile", response_class=JSONResponse)
async def profile(
    request: Request,
    a: Annotated[str, COUNTRY],
    b: Annotated[str, COUNTRY],
    year: OptionalYear = None,
    source: Source = Source.auto,
) -> Response:
    """Two-sided pair profile: flows, shares both ways, asymmetry, HHI, composition, series."""
    from asymmetry.metrics.profile import profile as compute
    from asymmetry.store.codes import resolve_pair

    a, b = resolve_pair(a, b)
    return await cached_json(
        request,
        ("profile", a, b, year, source.value),
        lambda db: compute(db, a, b, year=year, source=source.value),
    )


@router.get("/dependencies", response_class=JSONResponse)
async def dependencies(
    request: Request,
    country: Annotated[str, COUNTRY],
    on: Annotated[str, COUNTRY],
    year: OptionalYear = None,
    level: OptionalLevel = None,
    source: Source = Source.auto,
    top: Annotated[int, Query(ge=1, le=10_000)] = 50,
    format: TableFormat = TableFormat.json,
) -> Response:
    """Products ``country`` imports from ``on``, most dependent first (JSON or CSV)."""
    from asymmetry.metrics.dependence import dependencies as compute
    from asymmetry.store.codes import resolve_pair

    a, b = resolve_pair(country, on)

    def table(db: Store) -> Any:
        return compute(
            db, a, on=b, year=year, level=level_value(level), source=source.value, top=top
        )

    key = ("dependencies", a, b, year, level and level.value, source.value, top)
    if format is TableFormat.json:
        return await cached_json(request, key, table)

    with leased(request) as snapshot:

        def csv() -> tuple[str, str]:
            with snapshot.handle() as db:
                result = table(db)
            name = f"dependencies-{a}-on-{b}-{result.year}-{result.level.replace(' ', '-')}.csv"
            return name, csv_text(result.to_frame())

        name, text = await run_in_threadpool(snapshot.cache.get, (*key, "csv"), csv)
    return Response(
        text,
        media_type="text/csv",
        headers={"content-disposition": f'attachment; filename="{name}"'},
    )


@router.get("/exposure", response_class=JSONResponse)
async def exposure(
    request: Request,
    country: Annotated[str, COUNTRY],
    on: Annotated[str, COUNTRY],
) -> Response:
    """Value-added exposure of ``country`` to ``on`` on the ICIO 2022 network."""
    from asymmetry.metrics.io_exposure import io_exposure
    from asymmetry.store.codes import resolve_pair

    a, b = resolve_pair(country, on)
    return await cached_json(request, ("exposure", a, b), lambda db: io_exposure(db, a, on=b))


SCENARIO_EXAMPLE = {
    "sender": "CHN",
    "target": "RUS",
    "levers": [{"type": "export-restriction", "products": "84,85,87", "fraction": [0.5, 1.0]}],
}


@router.post("/levers", response_class=JSONResponse)
async def levers(
    request: Request,
    scenario: Annotated[dict[str, Any], Body(examples=[SCENARIO_EXAMPLE])],
    draws: Annotated[int, Query(ge=1, le=20_000)] = 1000,
    seed: Annotated[int, Query(ge=0)] = 0,
    model: Model = Model.pe,
    source: Source = Source.auto,
    coalition: Annotated[
        str | None,
        Query(
            max_length=400,
            description="States restricting the target besides the sender, no substitutes: "
            "auto (the packaged, cited list; the default), none, or countries and groups "
            "(eu, g7, unfriendly), e.g. eu,g7,CHE. Overrides the scenario's own.",
        ),
    ] = None,
) -> Response:
    """Simulate a scenario (sender, target, levers: the `asymmetry lever` file layout).
    ``model=ge`` solves the published general-equilibrium model (sanction-simulator; the
    scenario's tau, delta, rho), at most 20 draws."""
    from asymmetry.errors import ScenarioError
    from asymmetry.levers.engine import simulate
    from asymmetry.levers.scenario import Scenario

    if model is Model.ge and draws > MAX_GE_DRAWS:
        raise ScenarioError(
            f"the general-equilibrium model solves one equilibrium per draw; the API runs at "
            f"most {MAX_GE_DRAWS} (asked {draws}): use the CLI for more",
            field="draws",
            value=draws,
        )

    parsed = Scenario.from_dict(
        scenario if coalition is None else {**scenario, "coalition": coalition}
    )
    key = ("levers", repr(parsed), draws, seed, model.value, source.value)
    return await cached_json(
        request,
        key,
        lambda db: simulate(
            db, parsed, draws=draws, seed=seed, model=model.value, source=source.value
        ),
    )


@router.get("/battery", response_class=JSONResponse)
async def battery(
    request: Request,
    sender: Annotated[str, COUNTRY],
    target: Annotated[str, COUNTRY],
    draws: Annotated[int, Query(ge=1, le=5000)] = 500,
    year: OptionalYear = None,
) -> Response:
    """The standard lever battery of ``sender`` on ``target``, ranked by leverage."""
    from asymmetry.levers.battery import lever_battery
    from asymmetry.store.codes import resolve_pair

    s, t = resolve_pair(sender, target)
    return await cached_json(
        request,
        ("battery", s, t, draws, year),
        lambda db: lever_battery(db, s, t, draws=draws, year=year),
    )


@router.get("/report", response_class=JSONResponse)
async def report(
    request: Request,
    a: Annotated[str, COUNTRY],
    b: Annotated[str, COUNTRY],
    year: OptionalYear = None,
) -> Response:
    """The whole pair report as JSON (what `asymmetry report A B -o r.json` writes)."""
    from asymmetry.store.codes import resolve_pair

    a, b = resolve_pair(a, b)
    return await cached_json(
        request,
        ("report-json", a, b, year),
        lambda db: pair_report(request, a, b, year)[0],
        heavy=False,
    )


def offloaded(request: Request, fn: Callable[..., T], *args: Any, **kwargs: Any) -> T:
    """``fn(store, *args, **kwargs)`` computed in the server's worker process
    (`asymmetry.web.offload`) on the snapshot the request holds."""
    snapshot: Snapshot = request.state.snapshot
    offload: Offload = request.app.state.offload
    return offload.run(snapshot.copy, fn, *args, **kwargs)


def pair_report(request: Request, a: str, b: str, year: int | None) -> tuple[Any, dict[str, Any]]:
    """The cached report for a pair of ISO3 codes and its charts (the API's and the pair
    explorer's), computed in the worker process."""
    return result_cache(request).get(
        ("report", a, b, year), lambda: offloaded(request, report_job, a, b, year), heavy=False
    )


@router.post("/claims", response_class=JSONResponse)
async def claims_text(
    request: Request,
    text: Annotated[str, Body(embed=True, min_length=1, max_length=1_000_000)],
    as_of: Annotated[
        str | None,
        Body(
            embed=True,
            max_length=10,
            description="the text's date (2021-06-07, 2021-06 or 2021): what 'last year' "
            "or a bare 'in June' mean; default: a date line in the text",
        ),
    ] = None,
) -> Response:
    """Check every figure in a pasted text against the store (within the server's limits:
    the answer's ``cuts`` say what was not read; 503 with Retry-After when busy)."""
    from asymmetry.claims.check import extract_pasted

    dated = document_date(as_of)
    limits = claims_jobs.server_limits(request)
    return await checked_claims(
        request, partial(extract_pasted, text, name="pasted text", limits=limits, as_of=dated)
    )


def document_date(text: str | None) -> DocumentDate | None:
    """The ``as_of`` field, parsed; a bad date answers 422 in the API's error shape."""
    from asymmetry.claims.context import DocumentDate

    if text is None or not text.strip():
        return None
    try:
        return DocumentDate.parse(text)
    except ValueError as exc:
        raise HTTPException(status_code=422, detail=f"as_of: {exc}") from None


@router.post("/claims/upload", response_class=JSONResponse)
async def claims_upload(
    request: Request,
    file: Annotated[UploadFile, File()],
    as_of: Annotated[str | None, Form(max_length=10, description="as in /api/claims")] = None,
) -> Response:
    """Check every figure in an uploaded .txt, .md, .html or .pdf (size-limited, and read
    within the server's limits as `/api/claims` is)."""
    dated = document_date(as_of)
    data = await file.read()
    limits = claims_jobs.server_limits(request)
    name = file.filename or "upload"
    job = partial(claims_jobs.extract_upload, name, data, limits, as_of=dated)
    return await checked_claims(request, job)


async def checked_claims(request: Request, extract: Callable[[], Extraction]) -> Response:
    """Extract in the claims pool (a worker process), then verify against the store in a
    thread; the pool's refusals (busy, too slow, client gone) answer in the API's error shape."""
    from asymmetry.claims.check import verify_extraction

    try:
        extraction = await claims_jobs.extracted(request, extract)
    except workers.Refused as refused:
        return refused.response()

    def verified() -> bytes:
        with request.app.state.stores.handle() as db:
            data = verify_extraction(db, extraction).to_dict()
        # an upload is named as it was uploaded, never by the server's temp path
        data["documents"] = [Path(str(d)).name for d in data.get("documents", [])]
        return dumps(data).encode()

    return Response(await run_in_threadpool(verified), media_type="application/json")
