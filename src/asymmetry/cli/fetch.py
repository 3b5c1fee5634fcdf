"""The `fetch` commands: opt-in downloads (the only network use), then ingest."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Annotated

import typer

from asymmetry.cli._shell import app, open_store, out, progress_bar, report_ingest, run

fetch_app = typer.Typer(
    help="Download trade data (the only commands that use the network), then ingest it.",
    no_args_is_help=True,
)
app.add_typer(fetch_app, name="fetch")


@fetch_app.command("comtrade")
def comtrade_cmd(
    reporter: Annotated[str, typer.Option(help="Reporting country (ISO3 or name).")],
    years: Annotated[str, typer.Option(help="Years: 2015-2023 or 2019,2021.")],
    partner: Annotated[
        str | None, typer.Option(help="Partner country [default: every partner].")
    ] = None,
    level: Annotated[str, typer.Option(help="hs2, hs4 or hs6.")] = "hs6",
    flow: Annotated[
        list[str] | None, typer.Option(help="import and/or export [default: both].")
    ] = None,
    key: Annotated[
        str | None,
        typer.Option(help="Comtrade subscription key [default: $COMTRADE_API_KEY; none: preview]."),
    ] = None,
    mirror: Annotated[
        bool, typer.Option(help="Fetch every country's declarations of trade with REPORTER.")
    ] = False,
    cache_dir: Annotated[
        Path | None, typer.Option(help="Answers cache [default: beside the store].")
    ] = None,
) -> None:
    """UN Comtrade declarations (one query per year and flow, cached, retried on 429/5xx),
    ingested as `reported` datasets once every query has answered."""
    from asymmetry.fetch.comtrade import KEY_ENV, fetch_comtrade

    store = open_store(write=True)
    with progress_bar() as progress:
        result = run(
            lambda: fetch_comtrade(
                store,
                reporter=reporter,
                partner=partner,
                years=years,
                level=level,
                flows=flow or ("import", "export"),
                key=key or os.environ.get(KEY_ENV),
                mirror=mirror,
                cache_dir=cache_dir,
                progress=progress,
            )
        )
    out.print(result.summary())
    report_ingest(result.ingests)


@fetch_app.command("baci")
def baci_cmd(
    release: Annotated[str, typer.Option(help="BACI release, YYYYMM.")] = "202501",
    hs: Annotated[str, typer.Option(help="Nomenclature: HS92, HS96 ... HS22.")] = "HS92",
    years: Annotated[
        str | None, typer.Option(help="Years to ingest: 2021-2023 [default: all].")
    ] = None,
    sha256: Annotated[
        str | None, typer.Option(help="Expected SHA-256 of the zip, if published.")
    ] = None,
    cache_dir: Annotated[
        Path | None, typer.Option(help="Where the zip is kept [default: beside the store].")
    ] = None,
) -> None:
    """Download a BACI release from CEPII (resumable, with a progress bar), verify the zip,
    then ingest the years asked for, one dataset per year."""
    from asymmetry.fetch.baci import fetch_baci

    store = open_store(write=True)
    with progress_bar() as progress:
        reports = run(
            lambda: fetch_baci(
                store,
                release=release,
                hs=hs,
                years=years,
                sha256=sha256,
                cache_dir=cache_dir,
                progress=progress,
            )
        )
    report_ingest(reports)


@fetch_app.command("gdp")
def gdp_cmd(
    countries: Annotated[str, typer.Option(help="Countries, comma-separated: RUS,CHN.")],
    years: Annotated[str, typer.Option(help="Years: 2015-2023.")],
    cache_dir: Annotated[
        Path | None, typer.Option(help="Answers cache [default: beside the store].")
    ] = None,
) -> None:
    """GDP in current USD from the World Bank (NY.GDP.MKTP.CD) into the facts table,
    for "% of GDP" figures; without it, ICIO 2022 value added is the fallback."""
    from asymmetry.fetch.worldbank import fetch_gdp

    store = open_store(write=True)
    names = [c.strip() for c in countries.split(",") if c.strip()]
    report_ingest([run(lambda: fetch_gdp(store, names, years, cache_dir=cache_dir))])
