"""Commands that load data: `ingest ...` and `synth ...`."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer

from asymmetry.cli._shell import (
    StrictOpt,
    app,
    ingest_app,
    open_store,
    out,
    progress_bar,
    report_ingest,
    run,
    synth_app,
)
from asymmetry.errors import AsymmetryError


@app.command("init")
def init_cmd() -> None:
    """Create the store with the embedded defaults (ICIO 2022, packaged facts), or bring an
    existing one up to date (schema, packaged facts). Other commands never create a store
    you name with --store, nor change one, except those that load data."""
    store = open_store(write=True)
    counts = store.table_counts()
    store.close()
    out.print(
        f"store {store.path}: {counts['datasets']:,} datasets, {counts['flows']:,} flows, "
        f"{counts['io_network']:,} ICIO network edges",
        highlight=False,
    )


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
    check_year: Annotated[
        bool,
        typer.Option(
            "--year-check/--no-year-check",
            help="Refuse rows whose t is not the year in the file name (_Y2023).",
        ),
    ] = True,
) -> None:
    """Load CEPII BACI yearly files (values in thousand USD are stored as USD).

    Product codes must be in the HS revision's product table; --lenient loads codes
    that are not, with a warning counting them."""
    from asymmetry.store.ingest_baci import ingest_baci

    store = open_store(write=True)
    with progress_bar() as progress:
        reports = run(
            lambda: ingest_baci(
                store,
                files,
                country_codes=country_codes,
                product_codes=product_codes,
                hs_revision=hs_revision,
                strict=strict,
                check_year=check_year,
                progress=progress,
            )
        )
    report_ingest(reports)


ReplaceOpt = Annotated[
    bool,
    typer.Option(
        "--replace",
        help="Let --dataset name a dataset loaded from another file, and replace it.",
    ),
]


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
        str | None,
        typer.Option(
            help="HS revision when the file has no hs_revision column [default: from the "
            "codes, else the one in force in the file's latest year, and said]."
        ),
    ] = None,
    dataset: Annotated[
        str | None,
        typer.Option(help="Dataset id, table:<name> [default: table:<file stem>]."),
    ] = None,
    strict: StrictOpt = True,
    replace: ReplaceOpt = False,
) -> None:
    """Load a tidy flow table; countries as ISO3, ISO numeric or names."""
    from asymmetry.store.ingest_tidy import ingest_table

    _ingest_tidy(ingest_table, file, hs_revision, dataset, strict, replace)


def _ingest_tidy(
    load: Any,
    file: Path,
    hs_revision: str | None,
    dataset: str | None,
    strict: bool,
    replace: bool,
) -> None:
    store = open_store(write=True)
    with progress_bar() as progress:
        report = run(
            lambda: load(
                store,
                file,
                hs_revision=hs_revision,
                dataset_id=dataset,
                strict=strict,
                replace=replace,
                progress=progress,
            )
        )
    report_ingest([report])


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
        str | None,
        typer.Option(
            help="HS revision when the file has no hs_revision column [default: from the "
            "codes, else the one in force in the file's latest year, and said]."
        ),
    ] = None,
    dataset: Annotated[
        str | None,
        typer.Option(help="Dataset id, reported:<name> [default: reported:<file stem>]."),
    ] = None,
    strict: StrictOpt = True,
    replace: ReplaceOpt = False,
) -> None:
    """Load customs declarations by reporter (UN Comtrade style), for mirror statistics."""
    from asymmetry.store.ingest_tidy import ingest_reported

    _ingest_tidy(ingest_reported, file, hs_revision, dataset, strict, replace)


@ingest_app.command("icio")
def ingest_icio_cmd(
    npz: Annotated[
        Path | None,
        typer.Option(help="bench_cache.npz [default: the one in the sanction-simulator package]."),
    ] = None,
) -> None:
    """Load the OECD ICIO 2022 input-output network (intermediate-input flows)."""
    from asymmetry.store.ingest_icio import ingest_icio

    store = open_store(write=True)
    with progress_bar() as progress:
        report = run(lambda: ingest_icio(store, npz, progress=progress))
    report_ingest([report])


@ingest_app.command("facts")
def ingest_facts_cmd(
    file: Annotated[Path, typer.Argument(help="CSV of cited figures (see the README).")],
) -> None:
    """Load cited facts (indicator, country, partner, year, value, unit, source ...)."""
    from asymmetry.store.ingest_facts import ingest_facts

    store = open_store(write=True)
    report_ingest([run(lambda: ingest_facts(store, file))])


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
            with progress_bar() as progress:
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

    result = run(make)
    out.print(f"wrote {result.rows:,} rows to {result.data}")
    out.print(f"      {result.country_codes}\n      {result.product_codes}")
