"""The `asymmetry` command line (Typer). Importing the submodules registers their commands."""

from asymmetry.cli import brief, claims, explore, fetch, ingest, levers, report, serve
from asymmetry.cli._shell import app

__all__ = ["app", "brief", "claims", "explore", "fetch", "ingest", "levers", "report", "serve"]

if __name__ == "__main__":  # pragma: no cover
    app()
