"""The `asymmetry` command line: a thin shell over the library.

Each command calls one public function and formats its result; errors the
user can cause (`AsymmetryError`) become one line on stderr and exit code 2.
"""

from __future__ import annotations

import json
import logging
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from enum import StrEnum
from functools import partial
from pathlib import Path
from typing import Annotated, Any, TypeVar

import pandas as pd
import typer
from rich.console import Console
from rich.progress import BarColumn, Progress, TaskID, TextColumn, TimeElapsedColumn
from rich.table import Table

from asymmetry import __version__
from asymmetry.errors import AsymmetryError
from asymmetry.metrics.basis import Source, SourceChoice
from asymmetry.store.store import STORE_ENV_VAR, ProgressCallback, Store, default_store_path

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


class SourceOption(StrEnum):
    auto = "auto"
    flows = "flows"
    icio = "icio"


_state: dict[str, Any] = {"store": None}

FormatOpt = Annotated[OutputFormat, typer.Option("--format", "-f", help="Output format.")]


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
    version: Annotated[bool, typer.Option("--version", help="Print the version.")] = False,
) -> None:
    """Options shared by every command."""
    if version:
        out.print(__version__)
        raise typer.Exit()
    logging.basicConfig(
        level=logging.INFO if verbose else logging.WARNING,
        format="%(levelname)s %(name)s: %(message)s",
    )
    _state["store"] = store


@contextmanager
def _progress() -> Iterator[ProgressCallback]:
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


def _run(action: Callable[[], T]) -> T:
    """Call the library; turn its errors into one line and exit code 2."""
    try:
        return action()
    except AsymmetryError as exc:
        console.print(f"[bold red]error:[/] {exc}", highlight=False, soft_wrap=True)
        raise typer.Exit(2) from None


def _open() -> Store:
    """The store named by --store / $ASYMMETRY_STORE, created with defaults if new."""
    path = _state["store"] or default_store_path()
    if not Path(path).exists():
        console.print(f"creating store {path} with the embedded defaults (ICIO 2022, facts)")
        with _progress() as progress:
            return _run(lambda: Store(path, progress=progress))
    return _run(lambda: Store(path))


def _emit(frame: pd.DataFrame, fmt: OutputFormat, *, title: str | None = None) -> None:
    if fmt is OutputFormat.json:
        out.print_json(frame.to_json(orient="records", date_format="iso"))
    elif fmt is OutputFormat.csv:
        sys.stdout.write(frame.to_csv(index=False))
    else:
        table = Table(title=title, show_lines=False)
        for column in frame.columns:
            table.add_column(str(column), overflow="fold")
        for row in frame.itertuples(index=False):
            table.add_row(*("" if pd.isna(v) else _fmt(v) for v in row))
        out.print(table)


def _fmt(value: object) -> str:
    if isinstance(value, float):
        return f"{value:,.4g}" if abs(value) < 1e4 else f"{value:,.0f}"
    return str(value)


# --- ingest -------------------------------------------------------------------------
StrictOpt = Annotated[
    bool,
    typer.Option(
        "--strict/--lenient",
        help="Strict: any bad row aborts and changes nothing. Lenient: skip bad rows, report why.",
    ),
]


def _report(reports: list[Any]) -> None:
    for report in reports:
        out.print(f"{report.summary()} in {report.seconds:.1f}s")
        for example in report.examples:
            out.print(f"  skipped: {example}", highlight=False)


@ingest_app.command("baci")
def ingest_baci_cmd(
    files: Annotated[list[Path], typer.Argument(help="BACI yearly CSV file(s) (t,i,j,k,v,q).")],
    country_codes: Annotated[
        Path | None,
        typer.Option(help="BACI country_codes_V*.csv [default: found beside the file]."),
    ] = None,
    product_codes: Annotated[
        Path | None,
        typer.Option(help="BACI product_codes_HS*_V*.csv [default: found beside the file]."),
    ] = None,
    hs_revision: Annotated[
        str | None, typer.Option(help="HS92 ... HS22 [default: from the file name].")
    ] = None,
    strict: StrictOpt = True,
) -> None:
    """Load CEPII BACI yearly files (values in thousand USD are stored as USD)."""
    from asymmetry.store.ingest_baci import ingest_baci

    store = _open()
    with _progress() as progress:
        reports = _run(
            lambda: ingest_baci(
                store,
                files,
                country_codes=country_codes,
                product_codes=product_codes,
                hs_revision=hs_revision,
                strict=strict,
                progress=progress,
            )
        )
    _report(reports)


@ingest_app.command("csv")
def ingest_csv_cmd(
    file: Annotated[
        Path,
        typer.Argument(
            help="Tidy CSV or Parquet: year, exporter, importer, product, value_usd "
            "[, quantity, hs_revision]."
        ),
    ],
    hs_revision: Annotated[
        str | None, typer.Option(help="HS revision when the file has no hs_revision column.")
    ] = None,
    dataset: Annotated[
        str | None, typer.Option(help="Dataset id [default: table:<file stem>].")
    ] = None,
    strict: StrictOpt = True,
) -> None:
    """Load a tidy flow table; countries as ISO3, ISO numeric or names."""
    from asymmetry.store.ingest_tidy import ingest_table

    store = _open()
    with _progress() as progress:
        report = _run(
            lambda: ingest_table(
                store,
                file,
                hs_revision=hs_revision,
                dataset_id=dataset,
                strict=strict,
                progress=progress,
            )
        )
    _report([report])


@ingest_app.command("reported")
def ingest_reported_cmd(
    file: Annotated[
        Path,
        typer.Argument(
            help="CSV or Parquet of declarations: year, reporter, partner, flow (import/export "
            "or M/X), product, value_usd [, quantity]; Comtrade column names work too."
        ),
    ],
    hs_revision: Annotated[
        str | None, typer.Option(help="HS revision when the file has no hs_revision column.")
    ] = None,
    dataset: Annotated[
        str | None, typer.Option(help="Dataset id [default: reported:<file stem>].")
    ] = None,
    strict: StrictOpt = True,
) -> None:
    """Load customs declarations by reporter (UN Comtrade style), for mirror statistics."""
    from asymmetry.store.ingest_tidy import ingest_reported

    store = _open()
    with _progress() as progress:
        report = _run(
            lambda: ingest_reported(
                store,
                file,
                hs_revision=hs_revision,
                dataset_id=dataset,
                strict=strict,
                progress=progress,
            )
        )
    _report([report])


@ingest_app.command("icio")
def ingest_icio_cmd(
    npz: Annotated[
        Path | None,
        typer.Option(help="bench_cache.npz [default: the one in the sanction-simulator package]."),
    ] = None,
) -> None:
    """Load the OECD ICIO 2022 input-output network (intermediate-input flows)."""
    from asymmetry.store.ingest_icio import ingest_icio

    store = _open()
    with _progress() as progress:
        report = _run(lambda: ingest_icio(store, npz, progress=progress))
    _report([report])


@ingest_app.command("facts")
def ingest_facts_cmd(
    file: Annotated[Path, typer.Argument(help="CSV of cited figures (see the README).")],
) -> None:
    """Load cited facts (indicator, country, partner, year, value, unit, source ...)."""
    from asymmetry.store.ingest_facts import ingest_facts

    store = _open()
    _report([_run(lambda: ingest_facts(store, file))])


# --- synth --------------------------------------------------------------------------
@synth_app.command("baci")
def synth_baci_cmd(
    out_dir: Annotated[Path, typer.Option("--out", help="Directory to write into.")],
    rows: Annotated[int, typer.Option(help="Number of flows (a real year: ~9M).")] = 1_000_000,
    year: Annotated[int, typer.Option(help="Year (column t).")] = 2022,
    seed: Annotated[int, typer.Option(help="Random seed; same seed, same bytes.")] = 0,
    countries: Annotated[int, typer.Option(help="Number of economies.")] = 200,
    products: Annotated[int, typer.Option(help="Number of HS6 products.")] = 5_000,
) -> None:
    """Write a synthetic BACI-format year with its country and product tables."""
    from asymmetry.synth.baci import generate_baci

    def make() -> Any:
        try:
            with _progress() as progress:
                return generate_baci(
                    out_dir,
                    rows=rows,
                    year=year,
                    seed=seed,
                    n_countries=countries,
                    n_products=products,
                    progress=progress,
                )
        except ValueError as exc:
            raise AsymmetryError(str(exc)) from exc

    result = _run(make)
    out.print(f"wrote {result.rows:,} rows to {result.data}")
    out.print(f"      {result.country_codes}\n      {result.product_codes}")


# --- look ---------------------------------------------------------------------------
@app.command("datasets")
def datasets_cmd(fmt: FormatOpt = OutputFormat.table) -> None:
    """List every ingest with its provenance (file, sha256, rows, time, version)."""
    store = _open()
    _emit(store.datasets(), fmt, title="datasets")


@app.command("facts")
def facts_cmd(
    indicator: Annotated[str | None, typer.Option(help="Only this indicator.")] = None,
    country: Annotated[str | None, typer.Option(help="Only facts about this country.")] = None,
    fmt: FormatOpt = OutputFormat.table,
) -> None:
    """Show cited facts (figures with their source and quote)."""
    from asymmetry.store.codes import resolve_country

    store = _open()
    iso = _run(lambda: resolve_country(country)) if country else None
    frame = store.query(
        "SELECT indicator, country, partner, product, period, value, unit, source, locator, "
        "quote FROM facts WHERE ($ind IS NULL OR indicator = $ind) AND "
        "($iso IS NULL OR country = $iso OR partner = $iso) ORDER BY indicator, year",
        {"ind": indicator, "iso": iso},
    )
    _emit(frame, fmt, title="facts")


@app.command("info")
def info_cmd(fmt: FormatOpt = OutputFormat.table) -> None:
    """Where the store is and how many rows each table holds."""
    store = _open()
    counts = store.table_counts()
    frame = pd.DataFrame({"table": list(counts), "rows": list(counts.values())})
    if fmt is OutputFormat.table:
        out.print(f"store: {store.path}")
    _emit(frame, fmt, title="tables")


def _print_profile(p: Any) -> None:
    def pct(x: float | None) -> str:
        return "n/a" if x is None else f"{x:.1%}"

    s = p.shares
    out.print(f"[bold]{p.a} - {p.b}[/], {p.year}, {p.basis} ({p.dataset})")
    out.print(
        f"  {p.b} is {pct(s['b_in_a_imports'])} of {p.a}'s imports and "
        f"{pct(s['b_in_a_exports'])} of its exports;"
    )
    out.print(
        f"  {p.a} is {pct(s['a_in_b_imports'])} of {p.b}'s imports and "
        f"{pct(s['a_in_b_exports'])} of its exports."
    )
    ratio = p.asymmetry["trade"]
    if ratio:
        out.print(f"  {p.b} weighs {ratio:.1f}x more in {p.a}'s trade than {p.a} in {p.b}'s.")
    table = Table(title="flows (USD)")
    for col in ("", f"{p.a} -> {p.b}", f"{p.b} -> {p.a}", "turnover", f"{p.a} balance"):
        table.add_column(col, justify="right")
    table.add_row(
        "value",
        f"{p.flows_usd['a_to_b']:,.0f}",
        f"{p.flows_usd['b_to_a']:,.0f}",
        f"{p.turnover_usd:,.0f}",
        f"{p.balance_usd:,.0f}",
    )
    out.print(table)
    hhi = Table(title="partner concentration (HHI over partners)")
    for col in ("", "imports", "exports"):
        hhi.add_column(col, justify="right")
    for who in ("a", "b"):
        hhi.add_row(
            getattr(p, who),
            f"{p.hhi[f'{who}_imports'] or 0:.3f}",
            f"{p.hhi[f'{who}_exports'] or 0:.3f}",
        )
    out.print(hhi)
    for key, (x, y) in {"a_to_b": (p.a, p.b), "b_to_a": (p.b, p.a)}.items():
        comp = Table(title=f"what flows {x} -> {y}")
        for col in ("code", "name", "USD", "share"):
            comp.add_column(col, justify="right" if col in ("USD", "share") else "left")
        for item in p.composition[key]:
            comp.add_row(
                item["code"],
                item["name"] or "",
                f"{item['value_usd']:,.0f}",
                f"{item['share']:.1%}",
            )
        out.print(comp)


@app.command("profile")
def profile_cmd(
    a: Annotated[str, typer.Argument(help="Country A (ISO3, numeric code or name).")],
    b: Annotated[str, typer.Argument(help="Country B.")],
    year: Annotated[int | None, typer.Option(help="Year [default: latest in the data].")] = None,
    source: Annotated[
        SourceOption,
        typer.Option(
            help="auto: goods flows if loaded, else ICIO; flows: goods trade; "
            "icio: ICIO 2022 intermediate inputs."
        ),
    ] = SourceOption.auto,
    dataset: Annotated[
        str | None, typer.Option(help="Flows dataset id [default: the largest for the year].")
    ] = None,
    top: Annotated[int, typer.Option(help="Items per composition list.")] = 10,
    fmt: FormatOpt = OutputFormat.table,
) -> None:
    """Two-sided dependence of A and B: flows, shares both ways, HHI, composition."""
    from asymmetry.metrics.profile import profile

    store = _open()
    src: SourceChoice = source.value
    result = _run(lambda: profile(store, a, b, year=year, source=src, dataset=dataset, top=top))
    if fmt is OutputFormat.json:
        out.print_json(json.dumps(result.to_dict()))
    elif fmt is OutputFormat.csv:
        sys.stdout.write(result.to_frame().to_csv(index=False))
    else:
        _print_profile(result)


class LevelOption(StrEnum):
    hs6 = "hs6"
    hs4 = "hs4"
    hs2 = "hs2"


@app.command("dependencies")
def dependencies_cmd(
    country: Annotated[str, typer.Argument(help="The importing country A.")],
    on: Annotated[str, typer.Option("--on", help="The supplier B.")],
    year: Annotated[int | None, typer.Option(help="Year [default: latest].")] = None,
    level: Annotated[LevelOption, typer.Option(help="Product detail.")] = LevelOption.hs6,
    top: Annotated[int, typer.Option(help="Rows to show (0 = all).")] = 25,
    min_value: Annotated[
        float, typer.Option(help="Drop products A imports from B for less than this (USD).")
    ] = 0.0,
    both: Annotated[
        bool, typer.Option("--both", help="Also the reverse table: B's dependence on A.")
    ] = False,
    source: Annotated[
        SourceOption,
        typer.Option(help="auto: HS products if flows are loaded, else ICIO sectors; flows; icio."),
    ] = SourceOption.auto,
    dataset: Annotated[str | None, typer.Option(help="Flows dataset id.")] = None,
    fmt: FormatOpt = OutputFormat.table,
) -> None:
    """Products A imports from B: B's share, supplier and world concentration,
    alternative suppliers' capacity, EC-2021/GeoDep/CHPL flags, dependence score."""
    from asymmetry.metrics.dependence import Dependencies, dependencies

    store = _open()
    src: SourceChoice = source.value

    def table(x: str, y: str) -> Dependencies:
        return dependencies(
            store,
            x,
            on=y,
            year=year,
            level=level.value,
            source=src,
            dataset=dataset,
            top=top or None,
            min_value_usd=min_value,
        )

    pairs = [(country, on), (on, country)] if both else [(country, on)]
    results = [_run(partial(table, x, y)) for x, y in pairs]
    if fmt is OutputFormat.json:
        payload = [r.to_dict() for r in results]
        out.print_json(json.dumps(payload[0] if len(payload) == 1 else payload))
        return
    for r in results:
        frame = r.to_frame()
        if fmt is OutputFormat.csv:
            frame.insert(0, "on", r.on)
            frame.insert(0, "country", r.country)
            sys.stdout.write(frame.to_csv(index=False, header=r is results[0]))
        else:
            title = (
                f"{r.country} on {r.on}: {r.basis}, {r.year} ({r.dataset}), "
                f"by {r.level}, most dependent first"
            )
            out.print(_dependency_table(r, title))


def _dependency_table(r: Any, title: str) -> Table:
    """The dependence table for a terminal: percentages, flags in one column."""
    table = Table(title=title)
    for col, right in (
        ("product", False),
        ("name", False),
        (f"from {r.on} USD", True),
        (f"{r.on} share", True),
        ("supplier HHI", True),
        (f"{r.on} world share", True),
        ("alt. capacity", True),
        ("flags", False),
        ("dependence", True),
    ):
        table.add_column(
            col, justify="right" if right else "left", max_width=36 if col == "name" else None
        )
    for row in r.table.to_dict("records"):
        flags = [f for f, on in (("EC", row["ec_2021"]), ("GeoDep", row["geodep"])) if on]
        if isinstance(row["chpl_tier"], str):
            flags.append(f"CHPL {row['chpl_tier']}")
        table.add_row(
            str(row["product"]),
            str(row["name"] or ""),
            f"{row['from_partner_usd']:,.0f}",
            f"{row['partner_share']:.1%}",
            f"{row['supplier_hhi']:.2f}",
            f"{row['partner_world_share']:.1%}",
            f"{row['alternative_capacity']:,.1f}x",
            " ".join(flags),
            f"{row['dependence']:.3f}",
        )
    return table


def _print_exposure(result: Any) -> None:
    s = result.summary
    out.print(
        f"[bold]{result.country} exposure to {result.partner}[/], {result.basis}, {result.year}"
    )
    out.print(
        f"  {result.partner} supplies {s['gross_import_share']:.1%} of "
        f"{result.country}'s imported intermediate inputs "
        f"({s['direct_input_share']:.1%} of all its inputs);"
    )
    out.print(
        f"  {result.partner}'s value added is {s['value_added_share']:.2%} of "
        f"{result.country}'s output and {s['foreign_value_added_share']:.1%} of the "
        "foreign value added in it (all routes)."
    )


@app.command("exposure")
def exposure_cmd(
    country: Annotated[str, typer.Argument(help="The exposed country A.")],
    on: Annotated[str, typer.Option("--on", help="The partner B.")],
    top: Annotated[int, typer.Option(help="Sectors to show.")] = 15,
    fmt: FormatOpt = OutputFormat.table,
) -> None:
    """A's exposure to B on the ICIO 2022 network: direct input shares and value added
    embodied through all routes (Leontief), next to the gross import share."""
    from asymmetry.metrics.io_exposure import io_exposure

    store = _open()
    result = _run(lambda: io_exposure(store, country, on=on))
    if fmt is OutputFormat.json:
        out.print_json(json.dumps(result.to_dict()))
        return
    if fmt is OutputFormat.csv:
        sys.stdout.write(result.by_sector.to_csv(index=False))
        return
    _print_exposure(result)
    _emit(
        result.by_sector.head(top)[
            [
                "sector",
                "sector_name",
                "direct_input_share",
                "gross_import_share",
                "value_added_share",
                "foreign_value_added_share",
            ]
        ],
        fmt,
        title="by sector, most exposed first",
    )


@app.command("indices")
def indices_cmd(
    a: Annotated[str, typer.Argument(help="Country A.")],
    b: Annotated[str, typer.Argument(help="Country B.")],
    year: Annotated[int | None, typer.Option(help="Year [default: latest].")] = None,
    source: Annotated[
        SourceOption, typer.Option(help="auto: goods flows if loaded, else ICIO; flows; icio.")
    ] = SourceOption.auto,
    fmt: FormatOpt = OutputFormat.table,
) -> None:
    """Trade intensity and complementarity both ways, export concentration of each."""
    from asymmetry.metrics.indices import pair_indices

    store = _open()
    src: SourceChoice = source.value
    result = _run(lambda: pair_indices(store, a, b, year=year, source=src))
    data = result.to_dict()
    if fmt is OutputFormat.json:
        out.print_json(json.dumps(data))
        return
    frame = pd.DataFrame({"index": list(data), "value": list(data.values())})
    _emit(frame, fmt, title=f"{result.a}-{result.b} trade indices")


@app.command("complexity")
def complexity_cmd(
    year: Annotated[int | None, typer.Option(help="Year [default: latest].")] = None,
    dataset: Annotated[str | None, typer.Option(help="Flows dataset id.")] = None,
    products: Annotated[
        bool, typer.Option("--products", help="Rank products (PCI) instead of countries (ECI).")
    ] = False,
    top: Annotated[int, typer.Option(help="Rows to show (0 = all).")] = 20,
    fmt: FormatOpt = OutputFormat.table,
) -> None:
    """Economic Complexity Index of countries (or PCI of products), from goods flows;
    same numbers as Harvard Growth Lab's ecomplexity package."""
    from asymmetry.metrics.complexity import complexity

    store = _open()
    result = _run(lambda: complexity(store, year=year, dataset=dataset))
    frame = result.pci if products else result.eci
    _emit(
        frame.head(top) if top else frame,
        fmt,
        title=f"{'PCI' if products else 'ECI'}, {result.year} ({result.dataset})",
    )


@app.command("circumvention")
def circumvention_cmd(
    target: Annotated[str, typer.Argument(help="The sanctioned country (e.g. RUS).")],
    break_year: Annotated[int, typer.Option(help="First year after the break.")] = 2022,
    via: Annotated[
        str | None,
        typer.Option(
            help="Comma-separated neighbours to include as destinations "
            "[default for RUS: ARM,KAZ,KGZ,BLR,GEO,UZB,TJK,AZE,TUR]."
        ),
    ] = None,
    window: Annotated[int, typer.Option(help="Years averaged on each side.")] = 3,
    top: Annotated[int, typer.Option(help="Rows to show (0 = all).")] = 30,
    fmt: FormatOpt = OutputFormat.table,
) -> None:
    """Dual-use (CHPL) items whose exports to the target or its neighbours jumped after
    the break year, by exporter and route: candidates for scrutiny, not proof."""
    from asymmetry.metrics.circumvention import circumvention_screen

    store = _open()
    neighbours = [v.strip() for v in via.split(",") if v.strip()] if via is not None else None
    screen = _run(
        lambda: circumvention_screen(
            store, target, break_year=break_year, via=neighbours, window=window, top=top or None
        )
    )
    title = (
        f"CHPL items to {screen.target} (and via {', '.join(screen.via) or 'none'}): "
        f"{'/'.join(map(str, screen.years_before))} vs "
        f"{'/'.join(map(str, screen.years_after))}"
    )
    _emit(screen.table, fmt, title=title)


@app.command("mirror")
def mirror_cmd(
    country: Annotated[str, typer.Argument(help="Country A.")],
    partner: Annotated[
        str | None,
        typer.Option(
            "--partner",
            help="With B: A's and B's declarations of their trade, by product. "
            "Without: A's trade by partner, declared and mirrored.",
        ),
    ] = None,
    year: Annotated[int | None, typer.Option(help="Year [default: latest].")] = None,
    digits: Annotated[int, typer.Option(help="HS digits for the product gap (2, 4, 6).")] = 6,
    top: Annotated[int, typer.Option(help="Rows to show (0 = all).")] = 30,
    fmt: FormatOpt = OutputFormat.table,
) -> None:
    """Mirror statistics: each side's customs against the other's; rebuilds a
    non-reporter's trade (Russia since 2022) from its partners' declarations."""
    from asymmetry.metrics.mirror import mirror_gap, mirror_trade

    store = _open()
    if partner is not None:
        gap = _run(lambda: mirror_gap(store, country, partner, year=year, digits=digits))
        _emit(
            gap.table.head(top) if top else gap.table,
            fmt,
            title=f"{gap.a}-{gap.b} declarations, {gap.year} ({gap.dataset})",
        )
        return
    trade = _run(lambda: mirror_trade(store, country, year=year))
    if fmt is OutputFormat.table and not trade.reports_imports:
        out.print(
            f"{trade.country} declared no imports in {trade.year}: its imports are "
            "rebuilt from partners' export declarations (FOB)."
        )
    _emit(
        trade.table.head(top) if top else trade.table,
        fmt,
        title=f"{trade.country} trade by partner, {trade.year} ({trade.dataset})",
    )


@app.command("rca")
def rca_cmd(
    country: Annotated[str, typer.Argument(help="The exporting country.")],
    year: Annotated[int | None, typer.Option(help="Year [default: latest].")] = None,
    source: Annotated[
        SourceOption, typer.Option(help="auto: goods flows if loaded, else ICIO; flows; icio.")
    ] = SourceOption.auto,
    top: Annotated[int, typer.Option(help="Rows to show (0 = all).")] = 25,
    fmt: FormatOpt = OutputFormat.table,
) -> None:
    """A country's exports by product with revealed comparative advantage (Balassa) and
    product complexity."""
    from asymmetry.metrics.complexity import revealed_advantage

    store = _open()
    frame = _run(lambda: revealed_advantage(store, country, year=year, source=source.value))
    _emit(frame.head(top) if top else frame, fmt, title="exports, RCA and PCI")


@app.command("lever")
def lever_cmd(
    sender: Annotated[str | None, typer.Option(help="Who pulls the levers (e.g. CHN).")] = None,
    target: Annotated[str | None, typer.Option(help="Who is pressed (e.g. RUS).")] = None,
    scenario: Annotated[
        Path | None,
        typer.Option(help="YAML/JSON scenario: sender, target, levers: [{type: ..., ...}]."),
    ] = None,
    price_discount: Annotated[
        list[str] | None,
        typer.Option(help="PRODUCTS=DISCOUNT, e.g. fuels=20% or 27=10%:30% (a range is drawn)."),
    ] = None,
    currency: Annotated[
        str | None,
        typer.Option(
            help="Sender's currency per USD, FROM->TO (e.g. 6.2:6.4->7.0), or a move (11%)."
        ),
    ] = None,
    holdings: Annotated[
        float | None,
        typer.Option(
            help="USD value of the target's holdings of the sender's currency (for --currency)."
        ),
    ] = None,
    payment_friction: Annotated[
        str | None, typer.Option(help="Ad-valorem cost on bilateral trade, e.g. 2%:5%.")
    ] = None,
    friction_products: Annotated[
        str, typer.Option(help="Products the friction hits [default: all].")
    ] = "all",
    draws: Annotated[int, typer.Option(help="Monte Carlo draws over parameter ranges.")] = 1000,
    seed: Annotated[int, typer.Option(help="Random seed; same seed, same numbers.")] = 0,
    year: Annotated[int | None, typer.Option(help="Year of trade data [default: latest].")] = None,
    source: Annotated[
        SourceOption, typer.Option(help="auto: goods flows if loaded, else ICIO; flows; icio.")
    ] = SourceOption.auto,
    fmt: FormatOpt = OutputFormat.table,
) -> None:
    """Simulate levers of pressure (price discount, currency move, payment friction) and
    say what each side loses, with 5-95% intervals and the leverage ratio."""
    from asymmetry.levers.accounting import simulate
    from asymmetry.levers.scenario import Scenario

    def build() -> Scenario:
        if scenario is not None:
            return Scenario.from_file(scenario)
        if sender is None or target is None:
            raise AsymmetryError("give --sender and --target (or --scenario FILE)")
        levers: list[dict[str, Any]] = []
        for spec in price_discount or []:
            products, _, rate = spec.partition("=")
            levers.append({"type": "price-discount", "products": products, "discount": rate})
        if currency is not None:
            lever: dict[str, Any] = {"type": "currency", "holdings_usd": holdings}
            if "->" in currency:
                lever["rates"] = currency
            else:
                lever["move"] = currency
            levers.append(lever)
        if payment_friction is not None:
            levers.append(
                {
                    "type": "payment-friction",
                    "rate": payment_friction,
                    "products": friction_products,
                }
            )
        return Scenario.from_dict(
            {
                "sender": sender,
                "target": target,
                "levers": levers,
                "year": year,
                "name": "command line",
            }
        )

    store = _open()
    result = _run(lambda: simulate(store, build(), draws=draws, seed=seed, source=source.value))
    if fmt is OutputFormat.json:
        out.print_json(json.dumps(result.to_dict()))
        return
    if fmt is OutputFormat.csv:
        sys.stdout.write(pd.DataFrame(result.by_lever).to_csv(index=False))
        return
    _print_lever(result)


def _print_lever(r: Any) -> None:
    def usd(i: dict[str, float]) -> str:
        return (
            f"{i['median'] / 1e9:,.2f} bn (5-95%: {i['p05'] / 1e9:,.2f} to {i['p95'] / 1e9:,.2f})"
        )

    out.print(
        f"[bold]{r.sender} presses {r.target}[/] ({r.model}; {r.basis}, {r.year}; "
        f"{r.draws} draws, seed {r.seed})"
    )
    out.print(f"  cost to {r.target}: USD {usd(r.cost_target_usd)}")
    out.print(f"  cost to {r.sender}: USD {usd(r.cost_sender_usd)}  (negative = a gain)")
    if r.cost_target_share and r.cost_sender_share:
        out.print(
            f"  as share of value added: {r.target} {r.cost_target_share['median']:.2%}, "
            f"{r.sender} {r.cost_sender_share['median']:.3%}"
        )
    ratio = r.leverage_ratio
    out.print(
        "  leverage ratio: "
        + (f"{ratio:,.1f}" if ratio is not None else f"undefined ({r.sender} does not lose)")
    )
    table = Table(title="by lever (USD bn, median)")
    for col in ("lever", "base", f"cost to {r.target}", f"cost to {r.sender}"):
        table.add_column(col, justify="left" if col == "lever" else "right")
    for row in r.by_lever:
        table.add_row(
            row["lever"],
            f"{row['base_usd'] / 1e9:,.2f}",
            f"{row['cost_target_usd']['median'] / 1e9:,.2f}",
            f"{row['cost_sender_usd']['median'] / 1e9:,.2f}",
        )
    out.print(table)


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

    store = _open()
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

    for result in _run(profiles):
        _print_profile(result)
        out.print()
    for x, y in ((a, b), (b, a)):
        _print_exposure(_run(partial(io_exposure, store, x, on=y)))


if __name__ == "__main__":  # pragma: no cover
    app()
