"""Commands that read the store: datasets, facts and every metric."""

from __future__ import annotations

import sys
from functools import partial
from typing import Annotated, Any

import pandas as pd
import typer
from rich.padding import Padding
from rich.table import Table

from asymmetry.choices import LevelOption, SourceOption
from asymmetry.cli._shell import (
    EngineOpt,
    EngineOption,
    FormatOpt,
    OutputFormat,
    app,
    emit,
    emit_result,
    open_engine,
    open_store,
    out,
    print_json,
    print_warnings,
    run,
)
from asymmetry.cli._tables import Col, WideOpt, build_table
from asymmetry.csvsafe import csv_text
from asymmetry.metrics.basis import SourceChoice

# --- look ---------------------------------------------------------------------------
DATASET_COLUMNS = (
    Col("id", width=40),
    Col("kind"),
    Col("rows", kind="number"),
    Col("rows_skipped", "skipped", "number", narrow=False),
    Col("file", width=30, narrow=False),
    Col("sha256", narrow=False),
    Col("ingested_at", "ingested", width=16),
    Col("note", width=40, narrow=False),
)


@app.command("datasets")
def datasets_cmd(fmt: FormatOpt = OutputFormat.table, wide: WideOpt = False) -> None:
    """List every ingest with its provenance (file, sha256, rows, time, version)."""
    store = open_store()
    frame = store.datasets()
    known = [c for c in DATASET_COLUMNS if c.key in frame.columns]
    rest = [Col(str(c), narrow=False) for c in frame.columns if c not in {k.key for k in known}]
    emit(frame, fmt, title="datasets", columns=[*known, *rest], wide=wide)


FACT_COLUMNS = (
    Col("indicator", width=28),
    Col("country"),
    Col("partner"),
    Col("product", width=16, narrow=False),
    Col("period", width=10),
    Col("figure", kind="number"),  # preformatted; kept whole like a number
    Col("source", width=24),
    Col("locator", width=30, narrow=False),
    Col("quote", width=60, narrow=False),
)
FACTS_SHOWN = 30  # rows a table shows by default; JSON and CSV give every match


@app.command("facts")
def facts_cmd(
    indicator: Annotated[str | None, typer.Option(help="Only this indicator.")] = None,
    country: Annotated[str | None, typer.Option(help="Only facts about this country.")] = None,
    year: Annotated[int | None, typer.Option(help="Only this year.")] = None,
    search: Annotated[
        str | None,
        typer.Option(help="Only facts whose indicator, source or quote contains this text."),
    ] = None,
    limit: Annotated[
        int | None,
        typer.Option(help=f"Rows to show (0 = all) [default: {FACTS_SHOWN} in a table, all else]."),
    ] = None,
    fmt: FormatOpt = OutputFormat.table,
    wide: WideOpt = False,
) -> None:
    """Show cited facts (figures with their source and quote)."""
    from asymmetry.store.codes import resolve_country

    store = open_store()
    iso = run(lambda: resolve_country(country)) if country else None
    frame = store.query(
        "SELECT indicator, country, partner, product, year, period, value, unit, source, "
        "locator, quote FROM facts WHERE ($ind IS NULL OR indicator = $ind) AND "
        "($iso IS NULL OR country = $iso OR partner = $iso) AND "
        "($year IS NULL OR year = $year) AND ($text IS NULL OR "
        "concat_ws(' ', indicator, product, source, locator, quote) ILIKE '%' || $text || '%') "
        "ORDER BY indicator, year",
        {"ind": indicator, "iso": iso, "year": year, "text": search},
    )
    shown = limit if limit is not None else (FACTS_SHOWN if fmt is OutputFormat.table else 0)
    matched = len(frame)
    if shown:
        frame = frame.head(shown)
    if fmt is not OutputFormat.table:
        emit(frame, fmt)
        return
    figures = zip(frame["value"], frame["unit"], strict=True)
    frame = frame.assign(figure=[_figure(v, u) for v, u in figures])
    emit(frame, fmt, title=f"facts ({matched:,} matching)", columns=FACT_COLUMNS, wide=wide)
    if len(frame) < matched:
        out.print(
            f"showing {len(frame):,} of {matched:,}: narrow with --indicator, --country, "
            "--year or --search, or show all with --limit 0"
        )


def _figure(value: float | None, unit: str | None) -> str:
    """A cited figure with its unit, as written: 24 USD bn, 36.5%, 4.1 bcm."""
    if value is None or pd.isna(value):
        return ""
    if unit in ("percent", "%"):
        return f"{value:,.4g}%"
    return f"{value:,.4g} {unit or ''}".strip()


@app.command("info")
def info_cmd(fmt: FormatOpt = OutputFormat.table) -> None:
    """Where the store is and how many rows each table holds."""
    store = open_store()
    counts = store.table_counts()
    frame = pd.DataFrame({"table": list(counts), "rows": list(counts.values())})
    if fmt is OutputFormat.table:
        out.print(f"store: {store.path}")
    emit(frame, fmt, title="tables")


def print_profile(p: Any) -> None:
    """The profile for people: shares and money formatted, each number with its source."""
    from asymmetry.formats import pct as share_text
    from asymmetry.formats import usd
    from asymmetry.metrics.official import figure_label

    def pct(x: float | None) -> str:
        return "n/a (see the figures below)" if x is None else share_text(x)

    s = p.shares
    out.print(f"[bold]{p.a} - {p.b}[/], {p.year}, {p.basis} ({p.dataset})")
    for note in p.notes:
        out.print(f"  [dim]{note}[/]")
    print_warnings(p.warnings, indent="  ")
    # each side's shares, then right under them what other sources state and why it differs
    for who, of, side, end in ((p.b, p.a, "b_in_a", ";"), (p.a, p.b, "a_in_b", ".")):
        out.print(
            f"  {who} is {pct(s[f'{side}_imports'])} of {of}'s imports, "
            f"{pct(s[f'{side}_exports'])} of its exports and {pct(s[f'{side}_trade'])} of its "
            f"trade{end}"
        )
        for key in (f"{side}_imports", f"{side}_exports", f"{side}_trade"):
            for line in p.stated_beside(key):
                # indented as a block, so a wrapped line stays under its share
                out.print(
                    Padding(
                        f"[dim]{share_text(s[key])} ({figure_label(key, p.a, p.b)}) vs[/] {line}",
                        (0, 0, 0, 4),
                    )
                )
    ratio = p.asymmetry["trade"]
    if ratio:
        big, small = (p.b, p.a) if ratio >= 1 else (p.a, p.b)
        factor = ratio if ratio >= 1 else 1 / ratio
        out.print(f"  {big} weighs {factor:.1f}x more in {small}'s trade than {small} in {big}'s.")
    table = Table(title=f"figures, {p.year}")
    for col in ("figure", "value", "source"):
        table.add_column(col, justify="right" if col == "value" else "left")
    values: dict[str, Any] = {
        "a_to_b": p.flows_usd["a_to_b"],
        "b_to_a": p.flows_usd["b_to_a"],
        "turnover": p.turnover_usd,
        **p.totals_usd,
        **p.shares,
    }
    for key, value in values.items():
        name = figure_label(key, p.a, p.b)
        shown = share_text(value) if key in p.shares else usd(value)
        figure = p.figures.get(key)
        where = (
            (figure["rule"] if figure["rule"].startswith(("computed", "sum")) else figure["source"])
            if figure
            else p.cannot.get(key, f"{p.basis}, {p.dataset}")
            if value is None
            else f"{p.basis}, {p.dataset}"
        )
        table.add_row(name, shown, where)
    out.print(table)
    if any(v is not None for v in p.hhi.values()):
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
    elif "hhi" in p.cannot:
        out.print(f"  partner concentration (HHI): {p.cannot['hhi']}")
    for key, (x, y) in {"a_to_b": (p.a, p.b), "b_to_a": (p.b, p.a)}.items():
        items = p.composition[key]
        if not items:
            out.print(f"  what flows {x} -> {y}: no figure by product on this basis")
            continue
        comp = Table(title=f"what flows {x} -> {y}")
        for col in ("code", "name", "value", "share", "source"):
            comp.add_column(col, justify="right" if col in ("value", "share") else "left")
        for item in items:
            comp.add_row(
                item["code"],
                item["name"] or "",
                usd(item["value_usd"]),
                share_text(item["share"]),
                item.get("how", ""),
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
            help="auto: the best basis stored (goods flows, else official aggregates, "
            "else ICIO); flows: goods trade; aggregates: customs figures the agencies "
            "publish (packaged facts); icio: ICIO 2022 intermediate inputs."
        ),
    ] = SourceOption.auto,
    dataset: Annotated[
        str | None, typer.Option(help="Flows dataset id [default: the largest for the year].")
    ] = None,
    top: Annotated[int, typer.Option(help="Items per composition list.")] = 10,
    fmt: FormatOpt = OutputFormat.table,
    engine: EngineOpt = EngineOption.duckdb,
) -> None:
    """Two-sided dependence of A and B: flows, shares both ways, HHI, composition."""
    from asymmetry.metrics.profile import profile

    store = open_engine(engine)
    src: SourceChoice = source.value
    result = run(lambda: profile(store, a, b, year=year, source=src, dataset=dataset, top=top))
    if fmt is OutputFormat.json:
        print_json(result.to_dict())
    elif fmt is OutputFormat.csv:
        sys.stdout.write(csv_text(result.to_frame()))
    else:
        print_profile(result)


@app.command("dependencies")
def dependencies_cmd(
    country: Annotated[str, typer.Argument(help="The importing country A.")],
    on: Annotated[str, typer.Option("--on", help="The supplier B.")],
    year: Annotated[int | None, typer.Option(help="Year [default: latest].")] = None,
    level: Annotated[
        LevelOption | None,
        typer.Option(
            help="Product detail [default: hs6 on goods flows, sectors on ICIO]; hs2|hs4|hs6 "
            "need goods flows."
        ),
    ] = None,
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
    coalition: Annotated[
        str | None,
        typer.Option(
            help="States whose exports are no alternative capacity (they restrict exports "
            "to A): auto (the packaged, cited list, by product), none, or countries and "
            "groups (eu, g7, unfriendly). Default: auto."
        ),
    ] = None,
    fmt: FormatOpt = OutputFormat.table,
    wide: WideOpt = False,
    engine: EngineOpt = EngineOption.duckdb,
) -> None:
    """Products A imports from B: B's share, supplier and world concentration,
    alternative suppliers' capacity, EC-2021/GeoDep/CHPL flags, dependence score."""
    from asymmetry.metrics.dependence import Dependencies, dependencies

    store = open_engine(engine)
    src: SourceChoice = source.value

    def table(x: str, y: str) -> Dependencies:
        return dependencies(
            store,
            x,
            on=y,
            year=year,
            level=None if level is None else level.value,
            source=src,
            dataset=dataset,
            top=top or None,
            min_value_usd=min_value,
            coalition=coalition,
        )

    pairs = [(country, on), (on, country)] if both else [(country, on)]
    results = [run(partial(table, x, y)) for x, y in pairs]
    if fmt is OutputFormat.json:
        payload = [r.to_dict() for r in results]
        print_json(payload[0] if len(payload) == 1 else payload)
        return
    for r in results:
        frame = r.to_frame()
        if fmt is OutputFormat.csv:
            frame.insert(0, "on", r.on)
            frame.insert(0, "country", r.country)
            sys.stdout.write(csv_text(frame, header=r is results[0]))
        else:
            for note in r.notes:
                out.print(f"[yellow]note:[/] {note}", highlight=False)
            print_warnings(r.warnings)
            if r.coalition.get("members"):
                out.print(
                    f"[cyan]coalition:[/] alternative capacity excludes {r.coalition['label']}: "
                    f"USD {r.coalition['excluded_total_usd'] / 1e9:,.2f} bn of their exports",
                    highlight=False,
                )
            title = (
                f"{r.country} on {r.on}: {r.basis}, {r.year} ({r.dataset}), "
                f"by {r.level}, most dependent first"
            )
            out.print(_dependency_table(r, title, wide=wide))


def _dependency_table(r: Any, title: str, *, wide: bool) -> Any:
    """The dependence table for a terminal: money and shares for people, flags in one
    column; supplier HHI and B's world share with --wide."""
    rows = []
    for row in r.table.to_dict("records"):
        flags = [f for f, on in (("EC", row["ec_2021"]), ("GeoDep", row["geodep"])) if on]
        if isinstance(row["chpl_tier"], str):
            flags.append(f"CHPL {row['chpl_tier']}")
        rows.append(
            {**row, "flags": " ".join(flags), "alt": f"{row['alternative_capacity']:,.1f}x"}
        )
    columns = (
        Col("product"),
        Col("name", width=36),
        Col("from_partner_usd", f"from {r.on}", "usd"),
        Col("partner_share", f"{r.on} share", "share"),
        Col("supplier_hhi", "supplier HHI", "number", narrow=False),
        Col("partner_world_share", f"{r.on} world share", "share", narrow=False),
        Col("alt", "alt. capacity", "number"),
        Col("dependence", "depen- dence", "number"),
        Col("flags", width=14),
    )
    return build_table(pd.DataFrame(rows), title=title, columns=columns, wide=wide, width=out.width)


def print_exposure(result: Any) -> None:
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
    wide: WideOpt = False,
) -> None:
    """A's exposure to B on the ICIO 2022 network: direct input shares and value added
    embodied through all routes (Leontief), next to the gross import share."""
    from asymmetry.metrics.io_exposure import io_exposure

    store = open_store()
    result = run(lambda: io_exposure(store, country, on=on))
    if fmt is OutputFormat.json:
        print_json(result.to_dict())
        return
    if fmt is OutputFormat.csv:
        sys.stdout.write(csv_text(result.by_sector))
        return
    print_exposure(result)
    b = result.partner
    columns = (
        Col("sector", narrow=False),
        Col("sector_name", "sector", width=34),
        Col("direct_input_share", f"{b} in inputs", "share"),
        Col("gross_import_share", f"{b} in imported inputs", "share"),
        Col("value_added_share", f"{b} value added", "share"),
        Col("foreign_value_added_share", f"{b} in foreign VA", "share"),
    )
    emit(
        result.by_sector.head(top),
        fmt,
        title="by sector, most exposed first (shares of A's sector)",
        columns=columns,
        wide=wide,
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

    store = open_store()
    src: SourceChoice = source.value
    result = run(lambda: pair_indices(store, a, b, year=year, source=src))
    data = result.to_dict()
    if fmt is OutputFormat.json:
        print_json(data)
        return
    del data["warnings"]
    frame = pd.DataFrame({"index": list(data), "value": list(data.values())})
    del data["notes"]
    if fmt is OutputFormat.table:
        for note in result.notes:
            out.print(f"[yellow]note:[/] {note}", highlight=False)
        print_warnings(result.warnings)
    emit(frame, fmt, title=f"{result.a}-{result.b} trade indices")


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

    store = open_store()
    result = run(lambda: complexity(store, year=year, dataset=dataset))
    frame = result.pci if products else result.eci
    emit_result(
        frame.head(top) if top else frame,
        fmt,
        warnings=result.warnings,
        about={
            "index": "pci" if products else "eci",
            "year": result.year,
            "dataset": result.dataset,
        },
        title=f"{'PCI' if products else 'ECI'}, {result.year} ({result.dataset})",
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

    store = open_store()
    result = run(lambda: revealed_advantage(store, country, year=year, source=source.value))
    about = result.to_dict()
    del about["items"], about["warnings"]
    emit_result(
        result.table.head(top) if top else result.table,
        fmt,
        warnings=result.warnings,
        about=about,
        title=f"{result.country}'s exports, RCA and PCI: {result.basis}, {result.year} "
        f"({result.dataset})",
    )


SCREEN_COLUMNS = (
    Col("exporter", "from"),
    Col("destination", "to", narrow=False),  # the route says it: direct, or via KAZ
    Col("route", width=12),
    Col("product"),
    Col("tier", "CHPL tier"),
    Col("before_usd", "before", "usd"),
    Col("after_usd", "after", "usd"),
    Col("increase_usd", "increase", "usd"),
    Col("ratio", "after/ before", "number", narrow=False),
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
    wide: WideOpt = False,
) -> None:
    """Dual-use (CHPL) items whose exports to the target or its neighbours jumped after
    the break year, by exporter and route: candidates for scrutiny, not proof."""
    from asymmetry.metrics.circumvention import circumvention_screen

    store = open_store()
    neighbours = [v.strip() for v in via.split(",") if v.strip()] if via is not None else None
    screen = run(
        lambda: circumvention_screen(
            store, target, break_year=break_year, via=neighbours, window=window, top=top or None
        )
    )
    title = (
        f"CHPL items to {screen.target} (and via {', '.join(screen.via) or 'none'}): "
        f"{'/'.join(map(str, screen.years_before))} vs "
        f"{'/'.join(map(str, screen.years_after))}"
    )
    about = {
        "target": screen.target,
        "via": list(screen.via),
        "break_year": screen.break_year,
        "years_before": list(screen.years_before),
        "years_after": list(screen.years_after),
    }
    emit_result(
        screen.table,
        fmt,
        warnings=screen.warnings,
        about=about,
        title=title,
        columns=SCREEN_COLUMNS,
        wide=wide,
    )


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

    store = open_store()
    if partner is not None:
        gap = run(lambda: mirror_gap(store, country, partner, year=year, digits=digits))
        emit_result(
            gap.table.head(top) if top else gap.table,
            fmt,
            warnings=gap.warnings,
            about={"a": gap.a, "b": gap.b, "year": gap.year, "dataset": gap.dataset},
            title=f"{gap.a}-{gap.b} declarations, {gap.year} ({gap.dataset})",
        )
        return
    trade = run(lambda: mirror_trade(store, country, year=year))
    if fmt is OutputFormat.table and not trade.reports_imports:
        out.print(
            f"{trade.country} declared no imports in {trade.year}: its imports are "
            "rebuilt from partners' export declarations (FOB)."
        )
    emit_result(
        trade.table.head(top) if top else trade.table,
        fmt,
        warnings=trade.warnings,
        about={
            "country": trade.country,
            "year": trade.year,
            "dataset": trade.dataset,
            "reports_imports": trade.reports_imports,
            "reports_exports": trade.reports_exports,
        },
        title=f"{trade.country} trade by partner, {trade.year} ({trade.dataset})",
    )
