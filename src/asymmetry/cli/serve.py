"""The `serve` command: the web dashboard and JSON API (FastAPI on uvicorn)."""

from __future__ import annotations

from typing import Annotated

import typer

from asymmetry.claims.limits import MAX_CHARS, MAX_CLAIMS
from asymmetry.cli._shell import app, console, open_store, run
from asymmetry.web.offload import DEFAULT_WORKERS as PAGE_WORKERS
from asymmetry.web.workers import DEFAULT_MAX_MEMORY_MB, DEFAULT_SECONDS, DEFAULT_WORKERS


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
    allow_host: Annotated[
        list[str] | None,
        typer.Option(
            help="Another Host name to answer to (repeatable; *.example.org for its "
            "subdomains). Loopback names and --host are always answered; others get 400, "
            "which stops DNS-rebinding pages from reading the API."
        ),
    ] = None,
    page_workers: Annotated[
        int,
        typer.Option(
            help="Processes computing the pages' reports, briefs, dependence tables and "
            "lever runs (at a lower priority, so API and cached answers stay fast).",
            min=1,
        ),
    ] = PAGE_WORKERS,
    claims_workers: Annotated[
        int, typer.Option(help="Claims checks run at once (processes); more get 503.", min=1)
    ] = DEFAULT_WORKERS,
    claims_max_seconds: Annotated[
        float, typer.Option(help="Seconds one claims check may extract for.", min=0.1)
    ] = DEFAULT_SECONDS,
    claims_max_chars: Annotated[
        int, typer.Option(help="Characters one claims check reads (the rest is cut).", min=1)
    ] = MAX_CHARS,
    claims_max_claims: Annotated[
        int, typer.Option(help="Claims one check extracts at most.", min=1)
    ] = MAX_CLAIMS,
    claims_max_memory_mb: Annotated[
        int,
        typer.Option(
            help="Memory (MiB) one claims check may add to its worker process (Linux, "
            "RLIMIT_AS); a document needing more is refused with 422 and the worker replaced.",
            min=16,
        ),
    ] = DEFAULT_MAX_MEMORY_MB,
) -> None:
    """Serve the dashboard (pair explorer, dependencies, lever simulator, claims) and
    the JSON API (docs at /docs) over the store, opened read-only."""
    import uvicorn

    from asymmetry.claims.limits import Limits
    from asymmetry.web.app import create_app
    from asymmetry.web.listen import MAX_HEADER_BYTES, bind, exposure_warning
    from asymmetry.web.security import TrustedHosts
    from asymmetry.web.workers import ClaimsSettings, configure

    sock = run(lambda: bind(host, port))  # a taken port fails here, before any banner
    store = open_store()  # created with the defaults if new, then reopened read-only
    store.close()
    hosts = TrustedHosts.for_bind(host, allow_host or ())
    web = run(
        lambda: create_app(
            store.path,
            max_upload_bytes=int(max_upload_mb * 1e6),
            threads=threads,
            hosts=hosts,
            page_workers=page_workers,
        )
    )
    limits = Limits(max_chars=claims_max_chars, max_claims=claims_max_claims)
    settings = ClaimsSettings(
        workers=claims_workers,
        seconds=claims_max_seconds,
        limits=limits,
        max_memory_mb=claims_max_memory_mb,
    )
    configure(web, settings)
    warning = exposure_warning(host)
    if warning:
        console.print(f"[yellow]warning:[/] {warning}", highlight=False, soft_wrap=True)
    shown = f"[{host}]" if ":" in host else host
    console.print(f"serving {store.path} read-only on http://{shown}:{port} (API docs: /docs)")
    # On SIGTERM, requests still running after 2 s are cancelled (their claims workers
    # killed), so the server stops promptly whatever it was checking.
    config = uvicorn.Config(
        web,
        log_level="warning",
        http="h11",  # h11 enforces the header cap; httptools has none to set
        h11_max_incomplete_event_size=MAX_HEADER_BYTES,
        timeout_graceful_shutdown=2,
    )
    uvicorn.Server(config).run(sockets=[sock])
