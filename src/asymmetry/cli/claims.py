"""The `claims` command: check the figures in documents against the store."""

from __future__ import annotations

import sys
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from asymmetry.claims.context import DocumentDate
from asymmetry.claims.limits import MAX_CHARS, MAX_CLAIMS, MAX_SECONDS, Limits
from asymmetry.cli._shell import OutputFormat, app, console, emit, open_store, out, run
from asymmetry.csvsafe import csv_text
from asymmetry.jsonsafe import dumps


class ClaimsFormat(StrEnum):
    table = OutputFormat.table.value
    json = OutputFormat.json.value
    csv = OutputFormat.csv.value
    html = "html"


@app.command("claims")
def claims_cmd(
    files: Annotated[
        list[Path], typer.Argument(help="Documents: .txt, .md, .html or .pdf (text layer).")
    ],
    fmt: Annotated[
        ClaimsFormat, typer.Option("--format", "-f", help="Output format.")
    ] = ClaimsFormat.table,
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="Write to this file instead of stdout.")
    ] = None,
    max_chars: Annotated[
        int, typer.Option(help="Characters to read in all (the rest is reported as cut).", min=1)
    ] = MAX_CHARS,
    max_claims: Annotated[int, typer.Option(help="Claims to extract at most.", min=1)] = MAX_CLAIMS,
    max_seconds: Annotated[
        float, typer.Option(help="Seconds to spend extracting at most.", min=0.1)
    ] = MAX_SECONDS,
    as_of: Annotated[
        str | None,
        typer.Option(
            "--as-of",
            help="The documents' date (2021-06-07, 2021-06 or 2021): what 'last year', "
            "'this month' or a bare 'in June' mean. Default: a document's own date line.",
        ),
    ] = None,
) -> None:
    """Extract every quantitative claim from documents and verify it against the store:
    consistent, discrepant (with the data's value and the gap) or unverifiable (and why).

    Only independent references decide (never a figure from the document itself); when
    sources disagree each is shown and the reason says which decided. After the table: how
    many claims got a verdict, and the rest grouped by reason with what data would make them
    checkable. Reading stops at --max-chars, --max-claims or --max-seconds, and says so."""
    from asymmetry.claims.check import check_claims
    from asymmetry.claims.render import render_html

    dated = _document_date(as_of)
    store = open_store()
    limits = Limits(max_chars=max_chars, max_claims=max_claims, max_seconds=max_seconds)
    report = run(lambda: check_claims(store, files, limits=limits, as_of=dated))
    for cut in report.cuts:  # on stderr, whatever the format: a partial check says so
        console.print(f"[yellow]incomplete:[/] {cut}", highlight=False)
    if fmt is ClaimsFormat.html:
        text = render_html(report)
    elif fmt is ClaimsFormat.json:
        text = dumps(report.to_dict(), indent=2, ensure_ascii=False)
    elif output is not None and fmt is ClaimsFormat.csv:
        text = csv_text(report.to_frame())
    else:
        frame = report.to_frame()
        if fmt is ClaimsFormat.table:  # the terminal gets what a reader scans; data formats get all
            frame["year"] = frame["period"].fillna(frame["year"].astype("string")).fillna("")
            frame["reference"] = [
                "" if text is None else f"{text} ({year})" if year else str(text)
                for text, year in zip(frame["reference_text"], frame["reference_year"], strict=True)
            ]
            frame = frame[["quote", "year", "subject", "verdict", "reference", "reason"]]
        emit(frame, OutputFormat(fmt.value), title=report.summary())
        if fmt is ClaimsFormat.table:
            for line in report.coverage_lines():
                out.print(line, highlight=False, markup=False)
        for issue in report.inconsistencies:
            out.print(f"[yellow]inconsistent ({issue.kind}):[/] {issue.message}", highlight=False)
        return
    if output is not None:
        output.write_text(text, encoding="utf-8")
        console.print(f"{report.summary()}; written to {output}")
    else:
        sys.stdout.write(text + "\n")


def _document_date(text: str | None) -> DocumentDate | None:
    """``--as-of``, parsed; a bad date is a usage error (exit 2) naming the option."""
    if text is None:
        return None
    try:
        return DocumentDate.parse(text)
    except ValueError as exc:
        raise typer.BadParameter(str(exc), param_hint="--as-of") from None
