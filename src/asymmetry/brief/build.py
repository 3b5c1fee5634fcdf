"""The evidence brief: the seed papers' seven questions, answered from the store.

`build_brief` makes the library calls that answer the questions (the pair
report's profile, dependencies, exposure and lever battery;
`market_replacement`; `relief`; `circumvention_screen`; the claims check)
and hands each result to its section (`asymmetry.brief.sections`). No number
is computed twice: a sentence formats a value taken from a result. A section
without the data it needs says so (``skipped``) instead of guessing.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from asymmetry.brief.sections import (
    SEEDS_ENV,
    Section,
    claims_section,
    dependence_section,
    flows_section,
    leverage_section,
    official_flows_section,
    relief_section,
    replacement_section,
    substitutes_section,
)
from asymmetry.errors import AsymmetryError, NotApplicableError
from asymmetry.formats import pct
from asymmetry.jsonsafe import json_safe
from asymmetry.levers.scenario import GROUPS
from asymmetry.metrics.basis import FETCH_HINT, chosen_datasets
from asymmetry.metrics.circumvention import Screen, circumvention_screen
from asymmetry.metrics.coverage import dataset_coverage_warnings
from asymmetry.metrics.profile import PairProfile, profile
from asymmetry.metrics.relief import Relief, relief
from asymmetry.metrics.replacement import Replacement, market_replacement
from asymmetry.report.build import Report, build_report
from asymmetry.store.store import ProgressCallback, Store

# The two papers the brief's questions come from; they are about this pair.
SEED_PAIR = ("RUS", "CHN")
PRODUCT_GROUPS = ("fuels", "machinery", "electrical", "vehicles", "metals", "chemicals")


@dataclass(frozen=True, slots=True)
class Brief:
    """The seven sections, with the results they were read from."""

    report: Report
    sections: list[Section]
    group_shares: dict[str, dict[str, dict[str, float]]]  # year -> direction -> group -> share
    replacement: Replacement | None
    relief: Relief | None
    screen: Screen | None
    documents: list[str] = field(default_factory=list)
    # what the goods flows of every year the answers read lack (`metrics.coverage`)
    warnings: list[str] = field(default_factory=list)

    @property
    def a(self) -> str:
        return self.report.a

    @property
    def b(self) -> str:
        return self.report.b

    def section(self, key: str) -> Section:
        return next(s for s in self.sections if s.key == key)

    def to_dict(self) -> dict[str, Any]:
        data = {
            "a": self.a,
            "b": self.b,
            "names": self.report.names,
            "warnings": self.warnings,
            "sections": [s.to_dict() for s in self.sections],
            "group_shares": self.group_shares,
            "replacement": None if self.replacement is None else self.replacement.to_dict(),
            "relief": None if self.relief is None else self.relief.to_dict(),
            "documents": self.documents,
            "report": self.report.to_dict(),
        }
        return dict(json_safe(data))


def default_documents(a: str, b: str) -> list[Path]:
    """The seed papers for their own pair: $ASYMMETRY_SEEDS or ../shared/seeds (if present)."""
    if (a, b) != SEED_PAIR:
        return []
    folder = Path(os.environ.get(SEEDS_ENV, "../shared/seeds"))
    return sorted(folder.glob("*.txt")) if folder.is_dir() else []


def _main_export(lead: Any, n: dict[str, str]) -> str:
    """What A's largest export to B is, for a question asked of another product."""
    items = lead.composition.get("a_to_b") or []
    if not items:
        return "."
    top = items[0]
    return (
        f"; {n[lead.a]}'s largest export to {n[lead.b]} is {top['name'] or top['code']} "
        f"({pct(top['share'])} of it, {lead.basis} {lead.year})."
    )


def build_brief(
    store: Store,
    a: str,
    b: str,
    *,
    year: int | None = None,
    claims: Sequence[str | Path] | None = None,
    relief_group: str | Sequence[str] = "EU+G7",
    restored: float = 0.5,
    before_year: int = 2021,
    break_year: int = 2022,
    draws: int = 500,
    progress: ProgressCallback | None = None,
) -> Brief:
    """Answer the brief's questions for A and B (see module doc).

    ``claims`` defaults to the seed papers for RUS/CHN (`default_documents`);
    pass ``[]`` for none. ``relief_group``, ``restored`` and ``before_year``
    set the relief counterfactual; ``break_year`` the parallel-imports screen.
    """
    from asymmetry.store.codes import resolve_pair

    a, b = resolve_pair(a, b)
    documents: list[str | Path] = (
        list(claims) if claims is not None else list(default_documents(a, b))
    )
    report = build_report(store, a, b, year=year, claims=documents, draws=draws, progress=progress)
    lead = report.headline
    n = report.names
    failures: dict[str, str] = {}

    def attempt(key: str, call: Any) -> Any:
        try:
            return call()
        except AsymmetryError as exc:
            failures[key] = str(exc)
            return None

    official = lead.source == "aggregates"
    groups = {} if official else _group_shares(store, lead, attempt)
    first = _first_official(store, lead, attempt) if official else None
    try:
        replacement: Replacement | None = market_replacement(store, a, b)
    except NotApplicableError as exc:  # say why, and what the main export is instead
        replacement, failures["replacement"] = None, str(exc) + _main_export(lead, n)
    except AsymmetryError as exc:
        replacement, failures["replacement"] = None, str(exc)
    relieved = attempt(
        "relief",
        lambda: relief(store, a, b, group=relief_group, restored=restored, before_year=before_year),
    )
    screen = (
        attempt("screen", lambda: circumvention_screen(store, a, break_year=break_year, top=15))
        if lead.source == "flows"
        else None
    )
    if lead.source != "flows":
        failures["screen"] = (
            f"needs goods flows before and after the break ({break_year}); the store has "
            f"only the ICIO network and official aggregates: {FETCH_HINT}"
        )
    sections = [
        dependence_section(report),
        official_flows_section(report, first) if official else flows_section(report, groups),
        substitutes_section(report, screen, failures.get("screen")),
        leverage_section(report),
        replacement_section(n, a, b, replacement, failures.get("replacement")),
        relief_section(n, relieved, failures.get("relief"), restored, relief_group, before_year),
        claims_section(report, documents),
    ]
    return Brief(
        report,
        sections,
        groups,
        replacement,
        relieved,
        screen,
        [str(d) for d in documents],
        _coverage(store, lead, groups, relieved, screen),
    )


def _coverage(
    store: Store,
    lead: PairProfile,
    groups: dict[str, Any],
    relieved: Relief | None,
    screen: Screen | None,
) -> list[str]:
    """The coverage warnings of every year of goods flows the answers read, said once
    for all of them ("for 2020-2023") rather than once per answer."""
    years = {lead.year, *map(int, groups)} if lead.source == "flows" else set()
    if relieved is not None:
        years |= {relieved.before_year, relieved.year}
    if screen is not None:
        years |= {*screen.years_before, *screen.years_after}
    chosen = chosen_datasets(store)
    return dataset_coverage_warnings(store, [(chosen[y], y) for y in years if y in chosen])


def _first_official(store: Store, lead: PairProfile, attempt: Any) -> PairProfile | None:
    """The earliest year whose official aggregates name a product of A's exports to B."""
    for row in lead.series:
        if row["year"] >= lead.year:
            break
        p = attempt(
            f"composition_{row['year']}",
            lambda y=row["year"]: profile(store, lead.a, lead.b, year=y, source="aggregates"),
        )
        if p is not None and p.composition["a_to_b"]:
            return p  # type: ignore[no-any-return]
    return None


def _group_shares(
    store: Store, lead: PairProfile, attempt: Any
) -> dict[str, dict[str, dict[str, float]]]:
    """Named product groups' shares of each direction, for the first and latest year."""
    years = sorted({lead.year, *(row["year"] for row in lead.series)})
    found: dict[str, dict[str, dict[str, float]]] = {}
    for y in dict.fromkeys([years[0], lead.year]):
        p = attempt(
            f"composition_{y}",
            lambda y=y: profile(
                store,
                lead.a,
                lead.b,
                year=y if lead.source == "flows" else None,
                source=lead.source,
                level="chapter",
                top=10_000,
            ),
        )
        if p is None:
            continue
        found[str(y)] = {
            direction: {
                name: sum(
                    row["share"]
                    for row in p.composition[direction]
                    if row["code"] in GROUPS[name][0] or row["code"] in GROUPS[name][1]
                )
                for name in PRODUCT_GROUPS
            }
            for direction in ("a_to_b", "b_to_a")
        }
    return found
