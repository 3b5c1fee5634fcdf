"""The `brief` command: the seed papers' questions answered for a pair."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from asymmetry.cli._shell import (
    app,
    console,
    open_store,
    out,
    print_warnings,
    progress_bar,
    run,
)


@app.command("brief")
def brief_cmd(
    a: Annotated[str, typer.Argument(help="Country A (whose dependence is asked).")] = "RUS",
    b: Annotated[str, typer.Argument(help="Country B.")] = "CHN",
    year: Annotated[int | None, typer.Option(help="Year of goods flows [default: latest].")] = None,
    output: Annotated[
        Path | None,
        typer.Option("--output", "-o", help="Write the brief: .html (offline), .md or .json."),
    ] = None,
    claims: Annotated[
        list[Path] | None,
        typer.Option(
            "--claims",
            help="Documents to check [default for RUS CHN: the seed papers in "
            "$ASYMMETRY_SEEDS or ../shared/seeds, if present].",
        ),
    ] = None,
    no_claims: Annotated[bool, typer.Option("--no-claims", help="Check no documents.")] = False,
    relief_group: Annotated[
        str, typer.Option(help="Partners whose lost trade is restored: EU, G7, EU+G7 or ISO3 list.")
    ] = "EU+G7",
    restored: Annotated[
        float, typer.Option(help="Share of the lost trade restored (0-1).", min=0.0, max=1.0)
    ] = 0.5,
    before_year: Annotated[int, typer.Option(help="Last year before the break.")] = 2021,
    break_year: Annotated[int, typer.Option(help="Break year for parallel imports.")] = 2022,
    draws: Annotated[int, typer.Option(help="Monte Carlo draws per lever.")] = 500,
) -> None:
    """Answer seven questions for A and B from the store: dependence both ways, what
    flows, where there are no substitutes, B's leverage and its cost, whether B can
    replace A's lost market, whether third-party relief would reduce the dependence,
    and whether the figures people quote are true. Prints the answers; -o writes them."""
    from asymmetry.brief.build import build_brief
    from asymmetry.brief.render import write_brief

    store = open_store()
    documents = [] if no_claims else claims
    with progress_bar() as progress:
        brief = run(
            lambda: build_brief(
                store,
                a,
                b,
                year=year,
                claims=documents,
                relief_group=relief_group,
                restored=restored,
                before_year=before_year,
                break_year=break_year,
                draws=draws,
                progress=progress,
            )
        )
    print_warnings(brief.warnings)
    for number, section in enumerate(brief.sections, 1):
        out.print(f"[bold]{number}. {section.question}[/]")
        if section.skipped:
            console.print(f"   [yellow]not answered:[/] {section.skipped}", highlight=False)
        else:
            out.print(f"   {section.answer}", highlight=False)
    if output is not None:
        path = run(lambda: write_brief(brief, output))
        out.print(f"wrote {path} ({path.stat().st_size / 1e6:.1f} MB)")
