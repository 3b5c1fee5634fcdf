"""The `asymmetry` command line: the Typer apps and what every command shares.

Each command calls one public library function and formats its result; errors
the user can cause (`AsymmetryError`) become one line on stderr and exit code 2.
"""

from __future__ import annotations

import json
import logging
import sys
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any, ClassVar, NoReturn, TypeVar

import pandas as pd
import typer
from rich.console import Console
from rich.progress import BarColumn, Progress, TaskID, TextColumn, TimeElapsedColumn
from typer.core import TyperCommand

from asymmetry import __version__
from asymmetry.cli._tables import Col, build_table
from asymmetry.csvsafe import csv_text
from asymmetry.errors import AsymmetryError, StoreError
from asymmetry.jsonsafe import dumps
from asymmetry.store.store import (
    STORE_ENV_VAR,
    ProgressCallback,
    Store,
    default_store_path,
    open_up_to_date,
)

app = typer.Typer(
    help="Who depends on whom, for what, and what pressure would cost: two-sided trade "
    "dependence between countries from real data (BACI, Comtrade, OECD ICIO).",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
ingest_app = typer.Typer(
    help="Load trade data and cited facts into the store.", no_args_is_help=True
)
synth_app = typer.Typer(
    help="Generate synthetic data in real formats (tests, benchmarks).", no_args_is_help=True
)
app.add_typer(ingest_app, name="ingest")
app.add_typer(synth_app, name="synth")

console = Console(stderr=True)
out = Console()
T = TypeVar("T")


class OutputFormat(StrEnum):
    table = "table"
    json = "json"
    csv = "csv"


class EngineOption(StrEnum):
    duckdb = "duckdb"
    spark = "spark"


EngineOpt = Annotated[
    EngineOption,
    typer.Option(
        "--engine",
        help="duckdb: the local store. spark: the same SQL on Spark ($ASYMMETRY_SPARK_MASTER, "
        "default local[*]; tables from $ASYMMETRY_SPARK_DATABASE or the local store).",
    ),
]


_state: dict[str, Any] = {"store": None}


def spread_values(args: list[str], flags: frozenset[str]) -> list[str]:
    """`--claims a b --top 3` -> `--claims a --claims b --top 3`.

    Click options take one value per flag; this lets a list option take every value
    up to the next option (as `--claims FILE...` in the help says), and the repeated
    form keeps working.
    """
    spread: list[str] = []
    flag: str | None = None  # the list option whose values are being read
    first = False  # its first value is still to come
    for arg in args:
        if arg.startswith("-"):
            name = arg.split("=", 1)[0]
            flag = name if name in flags else None
            first = flag is not None and "=" not in arg
            spread.append(arg)
        elif flag is None or first:
            first = False
            spread.append(arg)
        else:
            spread += [flag, arg]
    return spread


class ManyValuesCommand(TyperCommand):
    """A command whose list options (`many_values`) take several values after one flag."""

    many_values: ClassVar[frozenset[str]] = frozenset({"--claims"})

    def parse_args(self, ctx: Any, args: list[str]) -> list[str]:  # vendored click Context
        return super().parse_args(ctx, spread_values(args, self.many_values))


FormatOpt = Annotated[OutputFormat, typer.Option("--format", "-f", help="Output format.")]


def _print_version(value: bool) -> None:
    """Eager: print the version and stop before Typer asks for a command."""
    if value:
        out.print(__version__, highlight=False)
        raise typer.Exit()


@app.callback()
def main(
    store: Annotated[
        Path | None,
        typer.Option(
            "--store",
            envvar=STORE_ENV_VAR,
            help="DuckDB store file [default: ./.asymmetry/store.duckdb].",
        ),
    ] = None,
    verbose: Annotated[bool, typer.Option("--verbose", "-v", help="Log progress.")] = False,
    version: Annotated[
        bool,
        typer.Option(
            "--version", help="Print the version.", is_eager=True, callback=_print_version
        ),
    ] = False,
) -> None:
    """Options shared by every command."""
    logging.basicConfig(
        level=logging.INFO if verbose else logging.WARNING,
        format="%(levelname)s %(name)s: %(message)s",
    )
    _state["store"] = store


@contextmanager
def progress_bar() -> Iterator[ProgressCallback]:
    """A rich progress bar driven by the library's (stage, fraction) callbacks."""
    tasks: dict[str, TaskID] = {}
    with Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        TextColumn("{task.percentage:>3.0f}%"),
        TimeElapsedColumn(),
        console=console,
        disable=not console.is_terminal,
    ) as bar:

        def update(stage: str, fraction: float) -> None:
            if stage not in tasks:
                tasks[stage] = bar.add_task(stage, total=1.0)
            bar.update(tasks[stage], completed=fraction)

        yield update


def run(action: Callable[[], T]) -> T:
    """Call the library; turn its errors into one line and exit code 2."""
    try:
        return action()
    except AsymmetryError as exc:
        fail(exc)


def fail(error: AsymmetryError) -> NoReturn:
    """The error as one line on stderr, then exit code 2."""
    console.print(f"[bold red]error:[/] {error}", highlight=False, soft_wrap=True)
    raise typer.Exit(2) from None


def open_store(*, write: bool = False) -> Store:
    """The store named by --store / $ASYMMETRY_STORE, or the default one.

    Only commands that load data (``write``) may change a store the user names, or
    create one; every other command opens it read-only and refuses a missing path.
    The default store is the package's own: built from the embedded data on first
    use (which is how `make run` works on a fresh clone) and kept up to date.
    """
    named = _state["store"]
    path = Path(named) if named is not None else default_store_path()
    if not path.exists():
        if named is not None and not write:
            fail(StoreError(
                f"no store at {path}; `asymmetry --store {path} init` creates one with the "
                "embedded defaults (ICIO 2022, facts), and any `asymmetry ingest` creates "
                "one as it loads"
            ))  # fmt: skip
        console.print(f"creating store {path} with the embedded defaults (ICIO 2022, facts)")
        with progress_bar() as progress:
            if write:
                return run(lambda: Store(path, progress=progress))
            return run(lambda: open_up_to_date(path, progress=progress))
    if write:
        return run(lambda: Store(path))
    if named is None:
        return run(lambda: open_up_to_date(path))
    return run(lambda: Store(path, read_only=True))


def open_engine(engine: EngineOption) -> Store:
    """The store the metrics read: DuckDB, or Spark on the configured tables."""
    if engine is EngineOption.duckdb:
        return open_store()
    import os

    from asymmetry.store.spark import DATABASE_ENV, SparkStore, spark_session

    session = run(spark_session)
    session.sparkContext.setLogLevel("ERROR")
    database = os.environ.get(DATABASE_ENV)
    if database:
        return run(lambda: SparkStore(session, database=database))
    console.print("spark: reading this store's tables (local mode); set "
                  f"${DATABASE_ENV} to read a cluster's tables")  # fmt: skip
    return SparkStore.from_store(session, open_store())


def emit(
    frame: pd.DataFrame,
    fmt: OutputFormat,
    *,
    title: str | None = None,
    columns: Sequence[Col] | None = None,
    wide: bool = False,
) -> None:
    """A frame as JSON, CSV (every column, raw values) or a table that fits the terminal."""
    if fmt is OutputFormat.json:
        print_json(json.loads(frame.to_json(orient="records", date_format="iso")))
    elif fmt is OutputFormat.csv:
        sys.stdout.write(csv_text(frame))
    else:
        out.print(build_table(frame, title=title, columns=columns, wide=wide, width=out.width))


def print_json(value: Any) -> None:
    """``value`` as indented JSON on stdout; NaN and infinities as null (`jsonsafe`)."""
    out.print_json(dumps(value), allow_nan=False)


def print_warnings(warnings: Sequence[str], *, indent: str = "") -> None:
    """Coverage warnings (`metrics.coverage`), one line each, before the result."""
    for warning in warnings:
        out.print(f"{indent}[yellow]warning:[/] {warning}", highlight=False)


def emit_result(
    frame: pd.DataFrame,
    fmt: OutputFormat,
    *,
    warnings: Sequence[str],
    about: dict[str, Any],
    title: str | None = None,
    columns: Sequence[Col] | None = None,
    wide: bool = False,
) -> None:
    """A tabular result: JSON as ``{**about, "warnings": [...], "items": [rows]}`` (so the
    warnings travel with it), CSV as the rows, or the warnings printed above the table."""
    if fmt is OutputFormat.json:
        items = json.loads(frame.to_json(orient="records", date_format="iso"))
        print_json({**about, "warnings": list(warnings), "items": items})
        return
    if fmt is OutputFormat.table:
        print_warnings(warnings)
    emit(frame, fmt, title=title, columns=columns, wide=wide)


# --- ingest -------------------------------------------------------------------------
StrictOpt = Annotated[
    bool,
    typer.Option(
        "--strict/--lenient",
        help="Strict: any bad row aborts and changes nothing. Lenient: skip bad rows, report why.",
    ),
]


def report_ingest(reports: list[Any]) -> None:
    for report in reports:
        out.print(f"{report.summary()} in {report.seconds:.1f}s")
        for note in report.notes:
            console.print(f"  [yellow]note:[/] {note}", highlight=False)
        for example in report.examples:
            out.print(f"  skipped: {example}", highlight=False)
