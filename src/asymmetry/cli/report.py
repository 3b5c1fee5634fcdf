"""The `report` command (the main job behind `make run`)."""

from __future__ import annotations

from functools import partial
from typing import Annotated, Any

import typer

from asymmetry.cli._shell import (
    app,
    console,
    open_store,
    out,
    run,
)
from asymmetry.cli.explore import print_exposure, print_profile
from asymmetry.metrics.basis import Source


@app.command("report")
def report_cmd(
    a: Annotated[str, typer.Argument(help="Country A.")] = "RUS",
    b: Annotated[str, typer.Argument(help="Country B.")] = "CHN",
    year: Annotated[int | None, typer.Option(help="Year [default: latest].")] = None,
) -> None:
    """The A-B report. For now: the pair profile on goods flows when the store
    has them and on the embedded ICIO network, then value-added exposure both ways."""
    from asymmetry.errors import NoDataError
    from asymmetry.metrics.io_exposure import io_exposure
    from asymmetry.metrics.profile import profile

    store = open_store()
    has_flows = bool(store.scalar("SELECT count(*) FROM flows"))
    sources: list[Source] = ["flows", "icio"] if has_flows else ["icio"]

    def profiles() -> list[Any]:
        found = []
        for src in sources:
            try:
                found.append(
                    profile(store, a, b, year=year if src == "flows" else None, source=src)
                )
            except NoDataError as exc:
                console.print(f"[yellow]skipped {src}:[/] {exc}")
        return found

    for result in run(profiles):
        print_profile(result)
        out.print()
    for x, y in ((a, b), (b, a)):
        print_exposure(run(partial(io_exposure, store, x, on=y)))
