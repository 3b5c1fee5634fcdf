"""The web dashboard and JSON API: `create_app(store_path)`, served by `asymmetry serve`.

The app serves a read-only snapshot of the store, replaced when an ingest
commits (`asymmetry.web.state`), serves plotly.js, the report's stylesheet
and script (`asymmetry.web.assets`, cached by content hash) and a Swagger UI 5
that reads OpenAPI 3.1 (`fastapi-offline`'s bundle) from installed packages
(nothing from a CDN), answers only to the hosts it was started for and puts
security headers on every response (`asymmetry.web.security`), limits request
bodies, and turns library errors into 4xx responses: an unknown country is 404
with suggestions, data or scenario problems 422.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import anyio.to_thread
from fastapi import FastAPI, Request
from fastapi.encoders import jsonable_encoder
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from fastapi_offline import FastAPIOffline

from asymmetry import __version__
from asymmetry.errors import AsymmetryError, UnknownCountryError
from asymmetry.web.assets import asset_response
from asymmetry.web.edge_cache import EdgeCache
from asymmetry.web.errors import error_status
from asymmetry.web.limits import BodyLimit
from asymmetry.web.offload import DEFAULT_WORKERS as PAGE_WORKERS
from asymmetry.web.offload import Offload
from asymmetry.web.security import HeaderLimit, HostGuard, SecurityHeaders, TrustedHosts
from asymmetry.web.state import Snapshot, SnapshotStores, warm

DEFAULT_MAX_UPLOAD = 5_000_000


def create_app(
    store_path: str | Path,
    *,
    max_upload_bytes: int = DEFAULT_MAX_UPLOAD,
    cache_size: int = 1024,
    threads: int | None = None,
    hosts: TrustedHosts | None = None,
    poll_seconds: float | None = 1.0,
    page_workers: int = PAGE_WORKERS,
) -> FastAPI:
    """The dashboard over the (existing) store at ``store_path``, served from snapshots.

    ``threads`` caps the worker threads that run requests (each with its own
    DuckDB cursor); None keeps anyio's default of 40. ``hosts`` are the Host
    names answered (default: loopback only). ``poll_seconds`` is how often the
    store is checked for a committed ingest (None: never). ``page_workers`` are
    the processes computing the pages' heavy results (`asymmetry.web.offload`).
    """
    from asymmetry.web import api, pages

    # fails now, not at the first request
    offload = Offload(page_workers)

    def prepare(snapshot: Snapshot, previous: Snapshot | None) -> None:
        warm(snapshot, previous)
        offload.prepare(snapshot.copy)  # the worker opens and warms it meanwhile

    stores = SnapshotStores(
        store_path, cache_size=cache_size, poll_seconds=poll_seconds, prepare=prepare
    )
    with stores.handle() as db:
        schema_version = db.schema_version()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        if threads is not None:
            anyio.to_thread.current_default_thread_limiter().total_tokens = threads
        try:
            yield
        finally:
            stores.close()
            offload.close()

    # FastAPIOffline: FastAPI with /docs on a bundled Swagger UI 5 (4.x cannot read 3.1).
    app = FastAPIOffline(
        title="asymmetry",
        version=__version__,
        description="Two-sided trade dependence between countries: pair profiles, product "
        "dependencies, value-added exposure, lever simulations and claims checks.",
        docs_url=None,  # our own /docs page (pages.py): no inline script, for the CSP
        redoc_url=None,
        static_url="/static/swagger",
        favicon_url="/static/favicon.svg",
        lifespan=lifespan,
    )
    app.state.stores = stores
    app.state.offload = offload
    app.state.max_upload_bytes = max_upload_bytes
    app.add_middleware(EdgeCache, stores=stores)  # innermost: after the host check
    app.add_middleware(BodyLimit, max_bytes=max_upload_bytes)
    app.add_middleware(HostGuard, hosts=hosts or TrustedHosts())
    app.add_middleware(HeaderLimit)
    app.add_middleware(SecurityHeaders)  # last added runs first: on every response
    app.include_router(api.router)
    app.include_router(pages.router)

    @app.api_route("/static/{name}", methods=["GET", "HEAD"], include_in_schema=False)
    async def asset(request: Request, name: str) -> Response:
        """plotly.js, the stylesheets and scripts (fixed names only), with cache headers."""
        return asset_response(request, name)

    @app.get("/favicon.ico", include_in_schema=False)
    async def favicon(request: Request) -> Response:
        """Browsers ask for /favicon.ico whatever the page links; the same SVG icon."""
        return asset_response(request, "favicon.svg")

    @app.get("/healthz", include_in_schema=False)
    async def healthz() -> dict[str, object]:
        """Up, and which store layout it reads; nothing about where the store lives."""
        return {"status": "ok", "schema_version": schema_version}

    @app.exception_handler(AsymmetryError)
    def library_error(request: Request, exc: AsymmetryError) -> JSONResponse:
        body: dict[str, object] = {"detail": str(exc)}
        if isinstance(exc, UnknownCountryError):
            body["suggestions"] = exc.suggestions
        return JSONResponse(body, status_code=error_status(exc))

    @app.exception_handler(RequestValidationError)
    def bad_parameter(request: Request, exc: RequestValidationError) -> JSONResponse:
        problems = [
            f"{'.'.join(str(p) for p in e['loc'] if p != 'query')}: {e['msg']}"
            for e in exc.errors()
        ]
        return JSONResponse(
            {"detail": "; ".join(problems), "errors": jsonable_encoder(exc.errors())},
            status_code=422,
        )

    return app
