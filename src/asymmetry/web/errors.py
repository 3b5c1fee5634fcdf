"""HTTP statuses of the library's errors, shared by the JSON API and the pages."""

from __future__ import annotations

from asymmetry.errors import (
    AsymmetryError,
    DocumentError,
    NoDataError,
    ScenarioError,
    UnknownCountryError,
)


def error_status(exc: AsymmetryError) -> int:
    """404 for an unknown country, 422 for data, scenario or document problems, 503 when
    the worker process computing a result stopped (retry), else 400."""
    from asymmetry.web.offload import WorkerStopped

    if isinstance(exc, WorkerStopped):
        return 503
    if isinstance(exc, UnknownCountryError):
        return 404
    if isinstance(exc, NoDataError | ScenarioError | DocumentError):
        return 422
    return 400
