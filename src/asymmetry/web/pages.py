"""The dashboard's HTML pages: pair explorer, brief, dependencies, levers, claims.

Pages render the report's own templates (`asymmetry.report.templates`) with
the scripts served by the app, so a page and the file report show the same
sections from the same results. Library errors are shown on the page, with
the status code an API client would get.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import cache, partial
from pathlib import Path
from typing import Annotated, Any

import jinja2
from fastapi import APIRouter, File, Form, Query, Request, UploadFile
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import HTMLResponse, RedirectResponse
from pydantic import BeforeValidator, Field

from asymmetry.errors import AsymmetryError, DocumentError
from asymmetry.report.render import environment
from asymmetry.store.store import Store
from asymmetry.web import claims_jobs
from asymmetry.web.api import (
    COUNTRY,
    Model,
    OptionalLevel,
    OptionalYear,
    StoreDep,
    blank_is_none,
    leased,
    level_value,
    list_countries,
    offloaded,
    result_cache,
)
from asymmetry.web.assets import static_url
from asymmetry.web.errors import error_status
from asymmetry.web.jobs import brief_job
from asymmetry.web.workers import Refused

router = APIRouter(include_in_schema=False)
LEVER_KINDS = (
    "export-restriction",
    "import-restriction",
    "price-discount",
    "payment-friction",
    "currency",
)
# The parameter each lever's size sets.
SIZE_FIELD = {
    "export-restriction": "fraction",
    "import-restriction": "fraction",
    "price-discount": "discount",
    "payment-friction": "rate",
    "currency": "move",
}


@cache
def templates() -> jinja2.Environment:
    """The report's environment (filters, globals) with the dashboard's templates first."""
    return environment().overlay(
        loader=jinja2.ChoiceLoader(
            [
                jinja2.PackageLoader("asymmetry.web", "templates"),
                jinja2.PackageLoader("asymmetry.brief", "templates"),
                jinja2.PackageLoader("asymmetry.report", "templates"),
                jinja2.PackageLoader("asymmetry.claims", "templates"),
            ]
        )
    )


def page(request: Request, db: Store, name: str, status: int = 200, **context: Any) -> HTMLResponse:
    """A dashboard page; ``db`` lists the countries for the forms."""
    context.setdefault(
        "countries",
        result_cache(request).get(("countries-list",), lambda: list_countries(db), heavy=False),
    )
    context.setdefault("max_upload_mb", request.app.state.max_upload_bytes / 1e6)
    html = (
        templates()
        .get_template(name)
        .render(active=request.url.path, static_url=static_url, **context)
    )
    return HTMLResponse(html, status_code=status)


def cached_page(request: Request, render: Callable[[], HTMLResponse]) -> HTMLResponse:
    """A GET page, rendered once per URL and snapshot.

    A page is a function of its query and the data: its figures and tables
    take 0.1-0.5 s to render even from cached results, which 20 clients
    asking for the same pages would repeat for nothing.
    """

    def rendered() -> tuple[bytes, int]:
        response = render()
        return bytes(response.body), response.status_code

    key = ("page", request.url.path, request.url.query)
    body, status = result_cache(request).get(key, rendered, heavy=False)
    return HTMLResponse(body, status_code=status)


@router.get("/")
def home() -> RedirectResponse:
    return RedirectResponse("/pair?a=RUS&b=CHN")


@router.get("/docs")
def api_docs(request: Request) -> HTMLResponse:
    """Swagger UI on the OpenAPI schema, started by a script file (no inline script)."""
    html = (
        templates()
        .get_template("docs.html.j2")
        .render(title=request.app.title, openapi_url=request.app.openapi_url, static_url=static_url)
    )
    return HTMLResponse(html)


def pair_view(
    request: Request,
    db: Store,
    template: str,
    a: str,
    b: str,
    year: int | None,
    compute: Callable[[str, str], Any],
    context: Callable[[Any], dict[str, Any]],
) -> HTMLResponse:
    """A page about a pair: its form, and ``compute``'s result or the error it raised."""
    from asymmetry.store.codes import resolve_pair

    form = {"a": a.upper(), "b": b.upper(), "year": year}
    try:
        x, y = resolve_pair(a, b)
        found = compute(x, y)
    except AsymmetryError as exc:
        return page(request, db, template, error_status(exc), form=form, error=str(exc))
    form.update(a=x, b=y)
    return page(request, db, template, form=form, **context(found))


@router.get("/pair")
def pair(
    request: Request,
    db: StoreDep,
    a: Annotated[str, COUNTRY] = "RUS",
    b: Annotated[str, COUNTRY] = "CHN",
    year: OptionalYear = None,
) -> HTMLResponse:
    """The report's sections for a pair, with interactive charts."""
    from asymmetry.web.api import pair_report

    return cached_page(
        request,
        lambda: pair_view(
            request,
            db,
            "pair.html.j2",
            a,
            b,
            year,
            lambda x, y: pair_report(request, x, y, year),
            lambda found: {"r": found[0], "charts": found[1], "csv_links": True},
        ),
    )


@router.get("/brief")
def brief_page(
    request: Request,
    db: StoreDep,
    a: Annotated[str, COUNTRY] = "RUS",
    b: Annotated[str, COUNTRY] = "CHN",
    year: OptionalYear = None,
) -> HTMLResponse:
    """The evidence brief for a pair (seed papers checked for RUS/CHN when present)."""

    return cached_page(
        request,
        lambda: pair_view(
            request,
            db,
            "brief_page.html.j2",
            a,
            b,
            year,
            lambda x, y: result_cache(request).get(
                ("brief", x, y, year),
                lambda: offloaded(request, brief_job, x, y, year),
                heavy=False,
            ),
            lambda found: {"brief": found[0], "r": found[0].report, "charts": found[1]},
        ),
    )


@router.get("/dependencies")
def dependencies_page(
    request: Request,
    db: StoreDep,
    country: Annotated[str, COUNTRY] = "RUS",
    on: Annotated[str, COUNTRY] = "CHN",
    year: OptionalYear = None,
    level: OptionalLevel = None,
    top: Annotated[int, Query(ge=1, le=10_000)] = 200,
) -> HTMLResponse:
    from asymmetry.metrics.dependence import dependencies
    from asymmetry.store.codes import resolve_pair

    def render() -> HTMLResponse:
        form = {
            "country": country.upper(),
            "on": on.upper(),
            "year": year,
            "level": level.value if level else "",
            "top": top,
        }
        try:
            a, b = resolve_pair(country, on)
            result = result_cache(request).get(
                ("dependencies-page", a, b, year, level and level.value, top),
                lambda: offloaded(
                    request, dependencies, a, on=b, year=year, level=level_value(level), top=top
                ),
                heavy=False,
            )
        except AsymmetryError as exc:
            status = error_status(exc)
            return page(request, db, "dependencies.html.j2", status, form=form, error=str(exc))
        form.update(country=a, on=b)
        return page(request, db, "dependencies.html.j2", form=form, d=result, csv_links=True)

    return cached_page(request, render)


@router.get("/levers")
def levers_page(
    request: Request,
    db: StoreDep,
    sender: Annotated[str, COUNTRY] = "CHN",
    target: Annotated[str, COUNTRY] = "RUS",
    lever: str = "export-restriction",
    products: Annotated[str, Query(max_length=500)] = "machinery,electrical,vehicles",
    low: Annotated[float | None, BeforeValidator(blank_is_none), Query()] = None,
    high: Annotated[float | None, BeforeValidator(blank_is_none), Query()] = None,
    holdings: Annotated[
        Annotated[float, Field(ge=0)] | None, BeforeValidator(blank_is_none), Query()
    ] = None,
    model: Model = Model.pe,
    draws: Annotated[int, Query(ge=1, le=20_000)] = 1000,
    run: bool = False,
) -> HTMLResponse:
    from asymmetry.levers.battery import DEFAULT_SIZES

    def render() -> HTMLResponse:
        # unset sizes are the lever's default, the same as the command line's and the battery's
        default_low, default_high = DEFAULT_SIZES.get(lever, (1.0, 1.0))
        form = {
            "sender": sender.upper(),
            "target": target.upper(),
            "lever": lever,
            "products": products,
            "low": default_low if low is None else low,
            "high": (default_high if low is None else low) if high is None else high,
            "holdings": holdings,
            "model": model.value,
            "draws": draws,
        }
        context: dict[str, Any] = {"form": form, "lever_kinds": LEVER_KINDS}
        if not run:
            return page(request, db, "levers.html.j2", **context)
        try:
            battery = _simulate_one(request, db, form)
        except AsymmetryError as exc:
            return page(request, db, "levers.html.j2", error_status(exc), error=str(exc), **context)
        from asymmetry.report.build import country_names
        from asymmetry.report.charts import A_COLOUR, B_COLOUR, levers_chart

        names = country_names(db, battery.sender, battery.target)
        colours = {battery.target: A_COLOUR, battery.sender: B_COLOUR}
        figure = levers_chart(battery, names, colours)
        return page(request, db, "levers.html.j2", battery=battery, figure=figure, **context)

    return cached_page(request, render)


def _simulate_one(request: Request, db: Store, form: dict[str, Any]) -> Any:
    """The form's lever as a one-item battery (so it draws like the report's)."""
    from asymmetry.errors import ScenarioError
    from asymmetry.levers.battery import Battery, BatteryItem
    from asymmetry.levers.engine import simulate
    from asymmetry.levers.scenario import Scenario

    kind = form["lever"]
    if kind not in SIZE_FIELD:
        raise ScenarioError(f"unknown lever {kind!r}; use one of {', '.join(LEVER_KINDS)}")
    size = [form["low"], form["high"]] if form["high"] != form["low"] else form["low"]
    lever: dict[str, Any] = {"type": kind, SIZE_FIELD[kind]: size}
    if kind == "currency":
        if form["holdings"] is None:
            raise ScenarioError(
                "give the target's holdings of the sender's currency (USD bn)",
                lever=kind,
                field="holdings",
            )
        lever["holdings_usd"] = form["holdings"] * 1e9
    else:
        lever["products"] = form["products"]
    scenario = Scenario.from_dict(
        {"sender": form["sender"], "target": form["target"], "levers": [lever], "name": kind}
    )
    key = ("lever-page", repr(scenario), form["model"], form["draws"])
    result = result_cache(request).get(
        key,
        lambda: offloaded(request, simulate, scenario, draws=form["draws"], model=form["model"]),
        heavy=False,
    )
    what = lever.get("products", "holdings")
    title = f"{scenario.sender} → {scenario.target}: {kind} on {what}, size {size}"
    item = BatteryItem(kind, title, str(size), scenario, result)
    return Battery(scenario.sender, scenario.target, [item])


@router.get("/claims")
def claims_form(request: Request, db: StoreDep) -> HTMLResponse:
    def render() -> HTMLResponse:
        return page(request, db, "claims.html.j2")

    return cached_page(request, render)


@router.post("/claims")
async def claims_check(
    request: Request,
    text: Annotated[str, Form(max_length=1_000_000)] = "",
    file: Annotated[UploadFile | None, File()] = None,
    as_of: Annotated[str, Form(max_length=10)] = "",
) -> HTMLResponse:
    """The text or file with each claim marked by verdict (the claims checker's page).

    Extracted in the server's claims pool as the API's checks are (its limits, deadline
    and memory cap; the page says what was cut); a full pool answers the form again with
    503 and Retry-After, and a client that leaves frees its worker."""
    from asymmetry.claims.check import verify_extraction
    from asymmetry.claims.context import DocumentDate
    from asymmetry.claims.render import render_context

    if file is not None and file.filename:
        name, data = file.filename, await file.read()
    elif text.strip():
        name, data = "pasted-text.txt", text.encode("utf-8")
    else:
        empty = DocumentError("paste some text or choose a file")
        return await run_in_threadpool(claims_form_again, request, error_status(empty), str(empty))
    try:
        dated = DocumentDate.parse(as_of) if as_of.strip() else None
    except ValueError as exc:
        return await run_in_threadpool(claims_form_again, request, 422, f"written on: {exc}")
    limits = claims_jobs.server_limits(request)
    job = partial(claims_jobs.extract_upload, name, data, limits, as_of=dated)
    try:
        extraction = await claims_jobs.extracted(request, job)
    except Refused as refused:
        return await run_in_threadpool(
            claims_form_again, request, refused.status, refused.detail, refused.retry_after
        )

    def shown() -> HTMLResponse:
        with leased(request) as snapshot, snapshot.handle() as db:
            try:
                checked = verify_extraction(db, extraction)
            except AsymmetryError as exc:
                return page(request, db, "claims.html.j2", error_status(exc), error=str(exc))
            context = render_context(checked, title=Path(name).name)
            return page(request, db, "claims_result.html.j2", **context)

    return await run_in_threadpool(shown)


def claims_form_again(
    request: Request, status: int, error: str, retry_after: int | None = None
) -> HTMLResponse:
    """The claims form with why the check was not done (and when to retry, if it may)."""
    with leased(request) as snapshot, snapshot.handle() as db:
        answer = page(request, db, "claims.html.j2", status, error=error)
    if retry_after:
        answer.headers["retry-after"] = str(retry_after)
    return answer
