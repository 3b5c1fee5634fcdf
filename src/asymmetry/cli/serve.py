"""The `serve` command: the web dashboard and JSON API (FastAPI on uvicorn)."""

from __future__ import annotations

from typing import Annotated

import typer

from asymmetry.cli._shell import app, console, open_store, run


@app.command("serve")
def serve_cmd(
    host: Annotated[str, typer.Option(help="Interface to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="TCP port.", min=1, max=65535)] = 8000,
    max_upload_mb: Annotated[
        float, typer.Option(help="Largest request body (claims uploads), MB.", min=0.01)
    ] = 5.0,
    threads: Annotated[
        int,
        typer.Option(
            help="Worker threads for requests (2 of them compute at once; the others "
            "answer from results already computed).",
            min=1,
        ),
    ] = 32,
) -> None:
    """Serve the dashboard (pair explorer, dependencies, lever simulator, claims) and
    the JSON API (docs at /docs) over the store, opened read-only."""
    import uvicorn

    from asymmetry.web.app import create_app

    store = open_store()  # created with the defaults if new, then reopened read-only
    store.close()
    web = run(
        lambda: create_app(store.path, max_upload_bytes=int(max_upload_mb * 1e6), threads=threads)
    )
    console.print(f"serving {store.path} read-only on http://{host}:{port} (API docs: /docs)")
    uvicorn.run(web, host=host, port=port, log_level="warning")
