"""The dashboard's static files (plotly.js, stylesheets, scripts), served once and cached.

Pages link each file as ``/static/<name>?v=<content hash>`` (`static_url`): a
browser keeps that URL for a year without asking again (``immutable``), and a
new release changes the hash, so nothing stale is ever used. Any URL of the
file also carries an ETag, so a revalidation costs a 304 and no body. The
standalone files the CLI writes (report, brief) inline the same files instead:
they are opened from disk, with no server.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from importlib.resources import files

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

ONE_YEAR = 365 * 24 * 3600
UNVERSIONED_MAX_AGE = 3600  # a bare /static/x.js may change with a release


def _package_file(package: str, *parts: str) -> Callable[[], str]:
    return lambda: files(package).joinpath(*parts).read_text(encoding="utf-8")


def _plotly() -> str:
    from asymmetry.report.charts import plotly_js

    return plotly_js()


SOURCES: dict[str, tuple[str, Callable[[], str]]] = {
    "plotly.min.js": ("text/javascript; charset=utf-8", _plotly),
    "tables.js": (
        "text/javascript; charset=utf-8",
        _package_file("asymmetry.report", "templates", "tables.js"),
    ),
    "style.css": (
        "text/css; charset=utf-8",
        _package_file("asymmetry.report", "templates", "style.css"),
    ),
    "claims.css": (
        "text/css; charset=utf-8",
        _package_file("asymmetry.claims", "templates", "claims.css"),
    ),
    "favicon.svg": ("image/svg+xml", _package_file("asymmetry.report", "templates", "favicon.svg")),
    "docs.js": (
        "text/javascript; charset=utf-8",
        _package_file("asymmetry.web", "static", "docs.js"),
    ),
}


@dataclass(frozen=True, slots=True)
class Asset:
    """One static file: its bytes, type and content hash (the ETag and the ``?v=``)."""

    name: str
    media_type: str
    body: bytes
    version: str

    @property
    def etag(self) -> str:
        return f'"{self.version}"'


@cache
def asset(name: str) -> Asset | None:
    """The named file (read and hashed once per process), or None if there is none."""
    if name not in SOURCES:
        return None
    media_type, read = SOURCES[name]
    body = read().encode("utf-8")
    return Asset(name, media_type, body, hashlib.sha256(body).hexdigest()[:16])


def static_url(name: str) -> str:
    """The URL pages link the file by: its content hash in the query, cached for a year."""
    found = asset(name)
    if found is None:
        raise KeyError(f"no static asset {name!r}")
    return f"/static/{name}?v={found.version}"


def asset_response(request: Request, name: str) -> Response:
    """The file with its cache headers; 304 when the browser's copy is current."""
    found = asset(name)
    if found is None:
        return JSONResponse({"detail": f"no asset {name!r}"}, status_code=404)
    versioned = request.query_params.get("v") == found.version
    max_age = f"max-age={ONE_YEAR}, immutable" if versioned else f"max-age={UNVERSIONED_MAX_AGE}"
    headers = {"cache-control": f"public, {max_age}", "etag": found.etag}
    current = _etags(request.headers.get("if-none-match", ""))
    if found.etag in current or "*" in current:
        return Response(status_code=304, headers=headers)
    return Response(found.body, media_type=found.media_type, headers=headers)


def _etags(header: str) -> set[str]:
    """The entity tags of an If-None-Match header (weak ones compare equal, RFC 9110 13.1.2)."""
    return {tag.strip().removeprefix("W/") for tag in header.split(",") if tag.strip()}
