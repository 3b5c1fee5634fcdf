"""The `report` command: the pair report (the main job behind `make run`)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from asymmetry.choices import SourceOption
from asymmetry.cli._shell import (
    ManyValuesCommand,
    app,
    console,
    open_store,
    out,
    progress_bar,
    run,
)
from asymmetry.cli.explore import print_profile


@app.command("report", cls=ManyValuesCommand)
def report_cmd(
    a: Annotated[
        str, typer.Argument(help="Country A (the one whose dependence is asked).")
    ] = "RUS",
    b: Annotated[str, typer.Argument(help="Country B.")] = "CHN",
    year: Annotated[int | None, typer.Option(help="Year of goods flows [default: latest].")] = None,
    source: Annotated[
        SourceOption, typer.Option(help="auto: goods flows when stored, and ICIO.")
    ] = SourceOption.auto,
    output: Annotated[
        Path | None,
        typer.Option(
            "--output", "-o", help="Write the report: .html (self-contained), .md or .json."
        ),
    ] = None,
    claims: Annotated[
        list[Path] | None,
        typer.Option(
            "--claims",
            metavar="FILE...",
            help="Documents whose figures to check: several after one --claims "
            "(put the countries first), or repeat the option.",
        ),
    ] = None,
    draws: Annotated[int, typer.Option(help="Monte Carlo draws per lever.")] = 500,
    top: Annotated[int, typer.Option(help="Rows per composition and dependence table.")] = 15,
) -> None:
    """The A-B report: headline asymmetry, trend, what flows, dependencies, the lever
    battery both ways, claims (with --claims) and provenance. Prints the headline;
    -o writes the whole report as one offline HTML file, Markdown or JSON."""
    from asymmetry.report.build import build_report
    from asymmetry.report.render import write_report

    store = open_store()
    with progress_bar() as progress:
        report = run(
            lambda: build_report(
                store,
                a,
                b,
                year=year,
                source=source.value,
                claims=claims or [],
                draws=draws,
                top=top,
                progress=progress,
            )
        )
    out.print(report.headline_sentence())
    out.print()
    for profile in report.profiles:
        print_profile(profile)
        out.print()
    for key, reason in report.skipped.items():
        console.print(f"[yellow]not shown ({key}):[/] {reason}", highlight=False)
    if output is not None:
        path = run(lambda: write_report(report, output))
        out.print(f"wrote {path} ({path.stat().st_size / 1e6:.1f} MB)")
