"""The `lever` command: scenarios of pressure and what they cost each side."""

from __future__ import annotations

import sys
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

import pandas as pd
import typer
from rich.table import Table

from asymmetry.choices import SourceOption
from asymmetry.cli._shell import (
    FormatOpt,
    OutputFormat,
    app,
    open_store,
    out,
    print_json,
    print_warnings,
    run,
)
from asymmetry.csvsafe import csv_text
from asymmetry.errors import AsymmetryError


class ModelOption(StrEnum):
    pe = "pe"
    network = "network"
    ge = "ge"


@app.command("lever")
def lever_cmd(
    sender: Annotated[str | None, typer.Option(help="Who pulls the levers (e.g. CHN).")] = None,
    target: Annotated[str | None, typer.Option(help="Who is pressed (e.g. RUS).")] = None,
    scenario: Annotated[
        Path | None,
        typer.Option(help="YAML/JSON scenario: sender, target, levers: [{type: ..., ...}]."),
    ] = None,
    export_restriction: Annotated[
        str | None,
        typer.Option(
            help="Sender stops selling PRODUCTS to the target, e.g. 84,85,87 or "
            "chpl; add =FRACTION for a partial cut (84=50%)."
        ),
    ] = None,
    import_restriction: Annotated[
        str | None,
        typer.Option(
            help="Sender stops buying PRODUCTS from the target, e.g. fuels or 27=0.5:1.0."
        ),
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
    embargo: Annotated[
        bool,
        typer.Option(
            "--embargo", help="Export and import restrictions on all products (both ways)."
        ),
    ] = False,
    coalition: Annotated[
        str | None,
        typer.Option(
            help="States that restrict exports to the target besides the sender, so cannot "
            "take diverted trade or replace it: auto (the packaged, cited list, by product), "
            "none, or countries and groups (eu, g7, unfriendly), e.g. eu,g7,CHE. With "
            "--model ge a given coalition restricts with the sender; auto is not applied "
            "there. Default: auto."
        ),
    ] = None,
    counter_export: Annotated[
        str | None,
        typer.Option(help="--model ge: the target stops selling PRODUCTS to the sender's side."),
    ] = None,
    counter_import: Annotated[
        str | None,
        typer.Option(help="--model ge: the target stops buying PRODUCTS from the sender's side."),
    ] = None,
    tau: Annotated[
        str | None,
        typer.Option(
            help="--model ge: rerouting friction, a number or low:high [default: 0.05:0.80]."
        ),
    ] = None,
    delta: Annotated[
        str | None,
        typer.Option(help="--model ge: sanction leakage, number or low:high [default: 0.05:0.60]."),
    ] = None,
    rho: Annotated[
        str | None,
        typer.Option(
            help="--model ge: inner CES curvature (< 0), number or low:high [default: -4:-0.25]."
        ),
    ] = None,
    payment_friction: Annotated[
        str | None, typer.Option(help="Ad-valorem cost on bilateral trade, e.g. 2%:5%.")
    ] = None,
    friction_products: Annotated[
        str, typer.Option(help="Products the friction hits [default: all].")
    ] = "all",
    draws: Annotated[
        int | None,
        typer.Option(
            help="Monte Carlo draws over parameter ranges [default: 1000; 20 with --model ge, "
            "each draw a full equilibrium solve of about 2 s]."
        ),
    ] = None,
    seed: Annotated[int, typer.Option(help="Random seed; same seed, same numbers.")] = 0,
    year: Annotated[int | None, typer.Option(help="Year of trade data [default: latest].")] = None,
    model: Annotated[
        ModelOption,
        typer.Option(
            help="Restrictions: pe (product by product), network "
            "(ICIO propagation, with the no-substitution bound) or ge (the published "
            "general-equilibrium model, via sanction-simulator)."
        ),
    ] = ModelOption.pe,
    source: Annotated[
        SourceOption, typer.Option(help="auto: goods flows if loaded, else ICIO; flows; icio.")
    ] = SourceOption.auto,
    fmt: FormatOpt = OutputFormat.table,
) -> None:
    """Simulate levers of pressure (export and import restrictions, price discount,
    currency move, payment friction) and say what each side loses, with 5-95%
    intervals, the leverage ratio and the third countries that gain."""
    from asymmetry.levers.engine import simulate
    from asymmetry.levers.general_eq import DEFAULT_GE_DRAWS
    from asymmetry.levers.scenario import Scenario

    def build() -> Scenario:
        if scenario is not None:
            return Scenario.from_file(scenario)
        if sender is None or target is None:
            raise AsymmetryError("give --sender and --target (or --scenario FILE)")
        levers: list[dict[str, Any]] = [{"type": "embargo"}] if embargo else []
        for kind, spec in (
            ("export-restriction", export_restriction),
            ("import-restriction", import_restriction),
        ):
            if spec is not None:
                products, _, fraction = spec.partition("=")
                levers.append({"type": kind, "products": products, "fraction": fraction or 1.0})
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
        counter = [
            {"type": kind, "products": spec}
            for kind, spec in (
                ("export-restriction", counter_export),
                ("import-restriction", counter_import),
            )
            if spec is not None
        ]
        return Scenario.from_dict(
            {
                "sender": sender,
                "target": target,
                "levers": levers,
                "year": year,
                "name": "command line",
                "coalition": coalition,
                "counter_measures": counter,
                "tau": tau,
                "delta": delta,
                "rho": rho,
            }
        )

    store = open_store()
    result = run(
        lambda: simulate(
            store,
            build(),
            draws=draws
            if draws is not None
            else (DEFAULT_GE_DRAWS if model is ModelOption.ge else 1000),
            seed=seed,
            model=model.value,
            source=source.value,
        )
    )
    if fmt is OutputFormat.json:
        print_json(result.to_dict())
        return
    if fmt is OutputFormat.csv:
        sys.stdout.write(csv_text(pd.DataFrame(result.by_lever)))
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
    for note in r.notes:
        out.print(f"  [yellow]note:[/] {note}", highlight=False)
    print_warnings(r.warnings, indent="  ")
    side = "+".join(r.sender_side) or r.sender
    if r.coalition:
        c = r.coalition
        out.print(f"  [cyan]coalition:[/] {c['summary']}", highlight=False)
        if c["excluded_usd"]:
            held = ", ".join(f"{k} {v / 1e9:,.2f}" for k, v in list(c["excluded_usd"].items())[:6])
            out.print(f"    largest held out (USD bn): {held}", highlight=False)
    out.print(f"  cost to {r.target}: USD {usd(r.cost_target_usd)}")
    out.print(f"  cost to {side}: USD {usd(r.cost_sender_usd)}  (negative = a gain)")
    if r.cost_target_share and r.cost_sender_share:
        out.print(
            f"  as share of value added: {r.target} {r.cost_target_share['median']:.2%}, "
            f"{side} {r.cost_sender_share['median']:.3%}"
        )
    ratio = r.leverage_ratio
    out.print(
        "  leverage ratio: "
        + (f"{ratio:,.1f}" if ratio is not None else f"undefined ({side} does not lose)")
    )
    table = Table(title="by lever (USD bn, median)")
    # the levers of one scenario may read different bases (`engine._accounting_basis`)
    mixed = len({row.get("basis") for row in r.by_lever}) > 1
    columns = ("lever", *(("basis",) if mixed else ()), "base", f"cost to {r.target}",
               f"cost to {side}")  # fmt: skip
    for col in columns:
        table.add_column(col, justify="left" if col in ("lever", "basis") else "right")
    for row in r.by_lever:
        table.add_row(
            row["lever"],
            *((str(row.get("basis", "")),) if mixed else ()),
            f"{row['base_usd'] / 1e9:,.2f}",
            f"{row['cost_target_usd']['median'] / 1e9:,.2f}",
            f"{row['cost_sender_usd']['median'] / 1e9:,.2f}",
        )
    out.print(table)
    if r.bound_va_loss_usd:
        bound = ", ".join(f"{c} {v / 1e9:,.2f}" for c, v in list(r.bound_va_loss_usd.items())[:5])
        out.print(f"  no-substitution bound, value added lost (USD bn): {bound}")
    if r.ge:
        for side in ("target", "sender"):
            g = r.ge[side]
            out.print(
                f"  {'+'.join(g['countries'])}: gross output lost USD "
                f"{usd(g['gross_output_loss_usd'])}; value added lost USD "
                f"{usd(g['value_added_loss_usd'])}"
            )
        p = r.ge["parameters"]
        out.print(f"  parameters: tau {p['tau']}, delta {p['delta']}, rho {p['rho']}")
    if r.third_countries:
        gainers = ", ".join(
            f"{g['country']} {g['gain_usd'] / 1e9:,.2f}" for g in r.third_countries[:5]
        )
        out.print(f"  third countries selling more (USD bn, midpoints): {gainers}")
