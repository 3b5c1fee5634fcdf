"""The pair report: every section an analyst reads, assembled from the library's calls.

Nothing here computes a metric: each section holds the result of a public
call (`profile`, `dependencies`, `io_exposure`, `lever_battery`,
`check_claims`) so that the report's numbers are the engine's numbers. A
section that cannot be filled (no goods flows, a country outside the ICIO
network, no documents) is kept with the reason, never dropped silently.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import partial
from pathlib import Path
from typing import Any, TypeVar

import pandas as pd

from asymmetry import __version__
from asymmetry.claims.check import ClaimsReport, check_claims
from asymmetry.errors import AsymmetryError
from asymmetry.levers.battery import Battery, lever_battery
from asymmetry.metrics.basis import BASIS_REASON, SourceChoice
from asymmetry.metrics.dependence import Dependencies, dependencies
from asymmetry.metrics.io_exposure import IoExposure, io_exposure
from asymmetry.metrics.profile import PairProfile, profile
from asymmetry.store.codes import resolve_pair
from asymmetry.store.store import ProgressCallback, Store

T = TypeVar("T")

# Cited figures that describe the pair over time (facts table), charted beside the data.
SERIES_INDICATORS = (
    "trade_turnover",
    "partner_share_of_imports",
    "partner_share_of_exports",
    "partner_share_of_trade",
)

SHORT_NAME = {"flows": "goods-flow data", "aggregates": "the customs figures", "icio": "ICIO"}
# The shares set side by side when two bases cover the pair.
COMPARED = ("b_in_a_imports", "a_in_b_imports", "b_in_a_trade", "a_in_b_trade")

DEFINITIONS = {
    "share of imports": "B's exports to A divided by A's imports from the world (same basis, year)",
    "asymmetry": "B's share in A's trade divided by A's share in B's trade; above 1, A "
    "depends more on B than B on A",
    "HHI": "Herfindahl index over partners: the sum of squared partner shares, 1/n for n "
    "equal partners, 1 for a single partner",
    "dependence": "partner share / (1 + alternative capacity), where alternative capacity is "
    "world exports by others over A's imports from B",
    "value-added exposure": "B's share of the value added embodied in A's output through all "
    "routes of the ICIO network (Leontief inverse)",
    "leverage ratio": "the target's cost as a share of its GDP divided by the sender's (World "
    "Bank GDP when fetched, else ICIO 2022 value added); median of the Monte Carlo draws",
}

CAVEATS = (
    "Customs figures are goods only: services, finance and arms transfers are not in them.",
    "ICIO flows are intermediate inputs (goods and services) in 2022 (OECD ICIO), not "
    "total goods trade; their shares differ from customs figures.",
    "Official aggregates are the figures the agencies publish, as cited pages report "
    "them; where several rows state one figure, one is chosen by a stated rule and the "
    "others are listed.",
    "Lever costs are first-round estimates under stated parameter ranges (partial "
    "equilibrium or accounting), not forecasts; intervals are 5-95% of the draws.",
    "Claims marked unverifiable had no independent reference in the store, which is not "
    "the same as false.",
)


@dataclass(frozen=True, slots=True)
class Report:
    """Everything the pair report shows; `skipped` holds the reason for each empty part."""

    a: str
    b: str
    names: dict[str, str]
    profiles: list[PairProfile]  # the headline basis first (goods flows when stored)
    cited_series: list[dict[str, Any]]
    dependencies: dict[str, Dependencies]  # "a_on_b", "b_on_a"
    exposure: dict[str, IoExposure]
    levers: dict[str, Battery]  # "b_over_a", "a_over_b"
    claims: ClaimsReport | None
    datasets: list[dict[str, Any]]
    skipped: dict[str, str] = field(default_factory=dict)
    generated: str = field(default_factory=lambda: datetime.now(UTC).isoformat(timespec="seconds"))
    version: str = __version__

    @property
    def headline(self) -> PairProfile:
        return self.profiles[0]

    @property
    def warnings(self) -> list[str]:
        """The coverage warnings of every part's basis, each once (`metrics.coverage`)."""
        parts: list[list[str]] = [
            *(p.warnings for p in self.profiles),
            *(d.warnings for d in self.dependencies.values()),
            *(b.warnings for b in self.levers.values()),
        ]
        return list(dict.fromkeys(w for part in parts for w in part))

    def comparisons(self) -> list[dict[str, Any]]:
        """The lead's headline figures beside each other basis's, same year, with the reason."""
        lead = self.headline
        by_year = {row["year"]: row for row in lead.series}
        out = []
        for q in self.profiles[1:]:
            row = by_year.get(q.year, {})
            lead_values = (
                {k: lead.shares[k] for k in COMPARED}
                if q.year == lead.year
                else {k: row.get(f"share_{k}") for k in COMPARED}
            )
            out.append(
                {
                    "basis": q.basis,
                    "source": q.source,
                    "year": q.year,
                    "lead_basis": lead.basis,
                    "lead": lead_values,
                    "other": {k: q.shares[k] for k in COMPARED},
                    "reason": f"{q.basis}: {BASIS_REASON[q.source]}; {lead.basis}: "
                    f"{BASIS_REASON[lead.source]}",
                }
            )
        return out

    def headline_sentence(self) -> str:
        """The two-sided asymmetry in one sentence, with its basis, year and source."""
        p, n = self.headline, self.names
        s = p.shares
        side = "imports" if s["b_in_a_imports"] is not None else "trade"
        verb = "supplied" if side == "imports" else "made up"
        agencies = " and ".join(p.agencies((f"b_in_a_{side}", f"a_in_b_{side}")))
        basis = f"{p.basis}, from {agencies}" if agencies else p.basis
        text = (
            f"In {p.year}, on {basis}, {n[p.b]} {verb} {_pct(s[f'b_in_a_{side}'])} of "
            f"{n[p.a]}'s {side}, while {n[p.a]} {verb} {_pct(s[f'a_in_b_{side}'])} of "
            f"{n[p.b]}'s"
        )
        ratio = p.asymmetry["trade"]
        if ratio:
            bigger, smaller = (n[p.b], n[p.a]) if ratio >= 1 else (n[p.a], n[p.b])
            factor = ratio if ratio >= 1 else 1 / ratio
            text += (
                f"; in total trade, {bigger} weighs {factor:,.1f} times more for "
                f"{smaller} than the reverse"
            )
        stated = p.stated_beside(f"b_in_a_{side}")
        if stated:
            text += f". Beside {_pct(s[f'b_in_a_{side}'])}: " + "; ".join(stated)
        return text + "." + self._beside_sentence(side)

    def _beside_sentence(self, side: str) -> str:
        """The same share on the next basis, and why it differs (one sentence)."""
        n, lead = self.names, self.headline
        for c in self.comparisons():
            key = f"b_in_a_{side}"
            other = c["other"].get(key)
            if other is None:
                continue
            same = c["lead"].get(key)
            then = (
                f", against {_pct(same)} in {SHORT_NAME[lead.source]} that year"
                if same is not None and c["year"] != lead.year
                else ""
            )
            whose = f"{n[lead.b]}'s share of {n[lead.a]}'s {side}"
            return (
                f" On {c['basis']}, {c['year']}, {whose} is {_pct(other)}{then}: "
                f"{c['source'].upper() if c['source'] == 'icio' else c['basis']} counts "
                f"{BASIS_REASON[c['source']]}."
            )
        return ""

    def to_dict(self) -> dict[str, Any]:
        return {
            "a": self.a,
            "b": self.b,
            "names": self.names,
            "headline": self.headline_sentence(),
            "warnings": self.warnings,
            "profiles": [p.to_dict() for p in self.profiles],
            "comparisons": self.comparisons(),
            "cited_series": self.cited_series,
            "dependencies": {k: v.to_dict() for k, v in self.dependencies.items()},
            "exposure": {k: v.to_dict() for k, v in self.exposure.items()},
            "levers": {k: v.to_dict() for k, v in self.levers.items()},
            "claims": None if self.claims is None else self.claims.to_dict(),
            "datasets": self.datasets,
            "definitions": DEFINITIONS,
            "caveats": list(CAVEATS),
            "skipped": self.skipped,
            "generated": self.generated,
            "version": self.version,
        }


def _pct(x: float | None) -> str:
    if x is None:
        return "n/a"
    return f"{x:.1%}" if x >= 0.001 else f"{x:.2%}"


def build_report(
    store: Store,
    a: str,
    b: str,
    *,
    year: int | None = None,
    source: SourceChoice = "auto",
    claims: Sequence[str | Path] = (),
    draws: int = 500,
    top: int = 15,
    progress: ProgressCallback | None = None,
) -> Report:
    """Assemble the A-B report from the store (see module doc).

    ``source`` "auto" leads with goods flows when the store has them and adds
    the ICIO basis next to them; ``claims`` are documents to check.
    """
    a, b = resolve_pair(a, b)
    skipped: dict[str, str] = {}
    stages = ["profile", "dependencies", "exposure", "levers", "claims"]

    def attempt(key: str, call: Callable[[], T]) -> T | None:
        if progress is not None:
            stage = next(s for s in stages if key.startswith(s))
            progress(f"report: {stage}", stages.index(stage) / len(stages))
        try:
            return call()
        except AsymmetryError as exc:
            skipped[key] = str(exc)
            return None

    first = attempt("profile", partial(profile, store, a, b, year=year, source=source, top=top))
    if first is None:
        raise AsymmetryError(
            f"no data for {a}-{b}: " + "; ".join(f"{k}: {v}" for k, v in skipped.items())
        )
    profiles = [first]
    # Every other basis that covers the pair stands beside the lead (ICIO has one year).
    for other in ("flows", "aggregates", "icio"):
        if other == first.source:
            continue
        found = attempt(
            f"profile_{other}",
            partial(
                profile,
                store,
                a,
                b,
                year=None if other == "icio" else first.year,
                source=other,
                top=top,
            ),
        )
        if found is not None:
            profiles.append(found)
    lead = first
    # Product-level sections need goods flows or sectors: aggregates have neither.
    detail: SourceChoice = "icio" if lead.source == "aggregates" else lead.source
    basis_args: dict[str, Any] = {"source": detail, "year": year if detail == "flows" else None}
    levers_source: SourceChoice = "auto" if lead.source == "aggregates" else detail
    each_way = {"a_on_b": (a, b), "b_on_a": (b, a)}

    def both_ways(
        prefix: str, pairs: dict[str, tuple[str, str]], call: Callable[..., T]
    ) -> dict[str, T]:
        found = {
            key: attempt(f"{prefix}_{key}", partial(call, x, y)) for key, (x, y) in pairs.items()
        }
        return {key: value for key, value in found.items() if value is not None}

    deps = both_ways(
        "dependencies",
        each_way,
        lambda x, y: dependencies(
            store, x, on=y, level="hs4" if detail == "flows" else None, top=top, **basis_args
        ),
    )
    exposure = both_ways("exposure", each_way, lambda x, y: io_exposure(store, x, on=y))
    levers = both_ways(
        "levers",
        {"b_over_a": (b, a), "a_over_b": (a, b)},
        # levers read the ladder themselves: where it falls to ICIO, an accounting lever
        # the official aggregates state still answers on customs goods trade
        lambda s, t: lever_battery(
            store, s, t, draws=draws, **{**basis_args, "source": levers_source}
        ),
    )
    checked = attempt("claims", lambda: check_claims(store, list(claims))) if claims else None
    if not claims:
        skipped["claims"] = "no documents given (--claims FILE...)"
    if progress is not None:
        progress("report: claims", 1.0)
    used = {p.dataset for p in profiles}
    return Report(
        a,
        b,
        country_names(store, a, b),
        profiles,
        cited_series(store, a, b),
        deps,
        exposure,
        levers,
        checked,
        _datasets(store, used),
        skipped,
    )


def country_names(store: Store, *codes: str) -> dict[str, str]:
    frame = store.query("SELECT iso3, name FROM countries WHERE iso3 IN $codes", {"codes": codes})
    found = dict(zip(frame["iso3"], frame["name"], strict=True))
    return {c: str(found.get(c, c)) for c in codes}


def cited_series(store: Store, a: str, b: str) -> list[dict[str, Any]]:
    """Cited figures about the pair with a year (facts table), oldest first."""
    frame = store.query(
        """SELECT indicator, country, partner, year, period, value, low, high, unit, source,
                  locator, quote, url
           FROM facts
           WHERE indicator IN $names AND year IS NOT NULL
             AND ((country = $a AND partner = $b) OR (country = $b AND partner = $a))
           ORDER BY indicator, year, source""",
        {"names": list(SERIES_INDICATORS), "a": a, "b": b},
    )
    return _records(frame)


def _datasets(store: Store, used: set[str]) -> list[dict[str, Any]]:
    """Provenance rows of the datasets the report reads (flows/ICIO, and facts)."""
    frame = store.query(
        "SELECT * FROM datasets WHERE id IN $used OR kind = 'facts' ORDER BY kind, id",
        {"used": sorted(used)},
    )
    return _records(frame)


def _records(frame: pd.DataFrame) -> list[dict[str, Any]]:
    """Rows as plain dicts: missing values None, timestamps and the like as text."""

    def plain(value: Any) -> Any:
        if value is None or (not isinstance(value, str) and pd.isna(value)):
            return None
        return value if isinstance(value, str | int | float) else str(value)

    return [{str(k): plain(v) for k, v in row.items()} for row in frame.to_dict("records")]
