"""The brief's sections: one question each, answered from the results it is given.

Each function formats values taken from a result (the report's profile,
dependencies, exposure and battery; `Replacement`; `Relief`; `Screen`; the
claims check) into one sentence, the numbers behind it, its sources and what
it does not tell you. None computes a metric.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from asymmetry.claims.units import show
from asymmetry.formats import pct, usd
from asymmetry.metrics.basis import FETCH_HINT
from asymmetry.metrics.circumvention import Screen
from asymmetry.metrics.relief import Relief
from asymmetry.metrics.replacement import Replacement
from asymmetry.report.build import Report

SEEDS_ENV = "ASYMMETRY_SEEDS"


@dataclass(frozen=True, slots=True)
class Section:
    key: str
    question: str
    answer: str | None
    numbers: dict[str, Any]
    sources: list[str]
    caveat: str
    skipped: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {k: getattr(self, k) for k in self.__dataclass_fields__}


DEPENDENCE_CAVEAT = {
    "flows": "Shares of recorded goods trade: services, finance, arms and unrecorded trade "
    "are not in them.",
    "aggregates": "Shares of goods trade as the customs agencies publish it (each flow from "
    "one reporter, chosen by a stated rule): services, finance, arms and unrecorded trade "
    "are not in them.",
    "icio": "Shares of intermediate inputs (goods and services, no final demand) in ICIO "
    "2022: not customs goods trade, and arms and unrecorded trade are not in them.",
}


def basis_sources(report: Report) -> list[str]:
    out = []
    for p in report.profiles:
        agencies = p.agencies()
        cited = f": {', '.join(agencies)}" if agencies else ""
        out.append(f"{p.basis} {p.year} ({p.dataset}{cited})")
    return out


def dependence_section(report: Report) -> Section:
    p, n = report.headline, report.names
    exposure = report.exposure
    numbers: dict[str, Any] = {
        "shares": p.shares,
        "asymmetry": p.asymmetry,
        "series_years": [row["year"] for row in p.series],
    }
    answer = report.headline_sentence()
    if "a_on_b" in exposure and "b_on_a" in exposure:
        ab, ba = exposure["a_on_b"].summary, exposure["b_on_a"].summary
        numbers["value_added"] = {"a_on_b": ab, "b_on_a": ba}
        answer += (
            f" Counting value added through the whole production network, {n[p.b]} is "
            f"{pct(ab['foreign_value_added_share'])} of the foreign value added in "
            f"{n[p.a]}'s output, and {n[p.a]} {pct(ba['foreign_value_added_share'])} of "
            f"{n[p.b]}'s."
        )
    numbers["comparisons"] = report.comparisons()
    return Section(
        "dependence",
        f"How dependent is {n[p.a]} on {n[p.b]}, and {n[p.b]} on {n[p.a]}?",
        answer,
        numbers,
        basis_sources(report),
        DEPENDENCE_CAVEAT[p.source] + " A share says nothing about how essential the goods are.",
    )


TECH_GROUPS = ("machinery", "electrical", "vehicles")


def _official_parts(items: list[dict[str, Any]], groups: tuple[str, ...]) -> str | None:
    """ "fuels were 65%" or "crude oil alone was 46.9%" from official composition rows."""
    hits = [c for c in items if set(c["group"].split("+")) & set(groups)]
    if not hits:
        return None
    whole = [c for c in hits if c["whole_group"]]
    if whole:
        c = whole[0]
        return f"{c['name']} were {pct(c['share'])} ({c['how']})"
    names = " and ".join(c["name"] for c in hits)
    total = sum(c["share"] for c in hits)
    verb = "alone was" if len(hits) == 1 else "alone were"
    return f"{names} {verb} {pct(total)} ({'; '.join(c['how'] for c in hits)})"


def official_flows_section(report: Report, first: Any) -> Section:
    """What flows, on official aggregates: only the products their figures name."""
    p, n = report.headline, report.names
    fuels = _official_parts(p.composition["a_to_b"], ("fuels",))
    tech = _official_parts(p.composition["b_to_a"], TECH_GROUPS)
    parts = [
        f"of {n[p.a]}'s exports to {n[p.b]}, {fuels}"
        if fuels
        else f"no annual official figure gives fuels' share of {n[p.a]}'s exports to {n[p.b]}"
    ]
    parts.append(
        f"of its imports from {n[p.b]}, {tech}"
        if tech
        else "no annual official figure gives machinery, electrical goods and vehicles in "
        f"its imports from {n[p.b]}"
    )
    answer = f"In {p.year}, {parts[0]}; {parts[1]}."
    if first is not None and first.year != p.year:
        then = _official_parts(first.composition["a_to_b"], ("fuels",))
        if then:
            answer += f" In {first.year}, {then}."
    answer += f" For the full composition by HS chapter, ingest goods flows: {FETCH_HINT}."
    return Section(
        "flows",
        "What flows each way?",
        answer,
        {"composition": p.composition, "first_year": None if first is None else first.year},
        basis_sources(report),
        "Official aggregates name a few products only: a part (crude oil) is a lower bound "
        "on its group (fuels); values, not volumes, so price swings move the shares.",
    )


def flows_section(report: Report, groups: dict[str, dict[str, dict[str, float]]]) -> Section:
    p, n = report.headline, report.names
    if not groups:
        return Section(
            "flows", "What flows each way?", None, {}, [], "", "no composition could be read"
        )
    latest = groups[str(p.year)]
    fuels = latest["a_to_b"]["fuels"]
    tech = sum(latest["b_to_a"][g] for g in ("machinery", "electrical", "vehicles"))
    answer = (
        f"In {p.year}, fuels were {pct(fuels)} of {n[p.a]}'s exports to {n[p.b]}; machinery, "
        f"electrical goods and vehicles were {pct(tech)} of its imports from {n[p.b]}."
    )
    first = min(groups, key=int)
    if first != str(p.year):
        then = groups[first]["a_to_b"]["fuels"]
        answer += f" In {first} fuels were {pct(then)} of its exports to {n[p.b]}."
    return Section(
        "flows",
        "What flows each way?",
        answer,
        {"group_shares": groups, "composition": p.composition},
        basis_sources(report),
        "Groups are HS chapters (fuels: 27; machinery: 84; electrical: 85; vehicles: 87) or, "
        "on the ICIO basis, the sectors making them; values, not volumes, so price swings "
        "move the shares.",
    )


def substitutes_section(
    report: Report, screen: Screen | None, screen_reason: str | None
) -> Section:
    n = report.names
    a, b = report.a, report.b
    deps = report.dependencies.get("a_on_b")
    if deps is None:
        reason = report.skipped.get("dependencies_a_on_b", "no dependence table")
        return Section("substitutes", "Where are there no substitutes?", None, {}, [], "", reason)
    table = deps.table.sort_values("alternative_capacity").head(10)
    flagged = int(deps.table["chpl_tier"].notna().sum())
    scarce = deps.scarce().sort_values("alternative_capacity")
    items = "sectors" if deps.source == "icio" else "products"
    answer = f"{deps.notes[0]}. " if deps.notes else ""
    if scarce.empty:
        least = table["alternative_capacity"].min()
        answer += (
            f"No {items[:-1]} {n[a]} buys from {n[b]} is scarce by this measure: in every "
            f"one the rest of the world exports at least {least:,.1f} times what {n[a]} "
            f"buys from {n[b]}"
            + (" (sectors hide the products that are scarce)." if deps.source == "icio" else ".")
        )
    else:
        hardest = scarce.iloc[0]
        answer += (
            f"Of the {items} {n[a]} buys from {n[b]}, {len(scarce)} cannot be replaced by "
            f"this measure; the hardest is {hardest['product']} ({hardest['name']}): the "
            f"rest of the world exports {hardest['alternative_capacity']:.2f} times what "
            f"{n[a]} buys from {n[b]}, and {n[b]} supplies {pct(hardest['partner_share'])} "
            "of it."
        )
    numbers: dict[str, Any] = {
        "hardest_to_replace": table.to_dict("records"),
        "chpl_items_in_top": flagged,
        "coalition": deps.coalition,
    }
    if deps.coalition.get("members"):
        answer += (
            f" The rest of the world here leaves out {deps.coalition['label']}, which "
            f"restrict these exports to {n[a]} themselves."
        )
    if screen is not None and not screen.table.empty:
        top = screen.table.iloc[0]
        numbers["parallel_imports"] = screen.table.head(10).to_dict("records")
        answer += (
            f" After {screen.break_year}, the largest rise in dual-use (CHPL) goods reaching "
            f"{n[a]} came from {top['exporter']} ({top['product']})."
        )
    elif screen_reason:
        numbers["parallel_imports_skipped"] = screen_reason
    return Section(
        "substitutes",
        "Where are there no substitutes?",
        answer,
        numbers,
        [f"{deps.basis} {deps.year} ({deps.dataset})", "Common High Priority List (CHPL)"],
        "World export capacity is an upper bound on substitution: it ignores contracts, "
        "standards, sanctions other than the cited coalition's, and the time it takes to "
        "switch.",
    )


def leverage_section(report: Report) -> Section:
    n = report.names
    battery = report.levers.get("b_over_a")
    if battery is None or not battery.items:
        reason = report.skipped.get("levers_b_over_a", "no lever could be run")
        return Section("leverage", "What leverage does B hold?", None, {}, [], "", reason)
    top = battery.items[0]
    r = top.result
    sender_cost = r.cost_sender_usd["median"]
    other_side = (
        f"{n[battery.sender]} {usd(sender_cost)}, a leverage ratio of {r.leverage_ratio:.1f}"
        if r.leverage_ratio is not None
        else f"while {n[battery.sender]} gains {usd(-sender_cost)}"
        if sender_cost < 0
        else f"{n[battery.sender]} {usd(sender_cost)}"
    )
    answer = (
        f"{n[battery.sender]}'s strongest lever by the battery's rule ({battery.ranking_rule}) "
        f"is: {top.title} ({top.assumption}; on {r.basis}, {r.year}); it would cost "
        f"{n[battery.target]} {usd(r.cost_target_usd['median'])} "
        f"[{usd(r.cost_target_usd['p05'])}, {usd(r.cost_target_usd['p95'])}], "
        f"{other_side}."
    )
    coalition = r.coalition.get("summary") if r.coalition.get("applied") else None
    if coalition:
        answer += f" Coalition: {coalition}."
    ranked = [
        {
            "lever": item.key,
            "title": item.title,
            "assumption": item.assumption,
            "cost_target_usd": item.result.cost_target_usd,
            "cost_sender_usd": item.result.cost_sender_usd,
            "leverage_ratio": item.result.leverage_ratio,
            "basis": f"{item.result.basis}, {item.result.year}",
            "notes": item.result.notes,
            "coalition": item.result.coalition.get("summary"),
        }
        for item in battery.items
    ]
    return Section(
        "leverage",
        f"What leverage does {n[battery.sender]} hold, and what would using it cost it?",
        answer,
        {"ranked": ranked, "ranking_rule": battery.ranking_rule, "skipped": battery.skipped},
        [f"{r.model}, {r.basis} {r.year} ({r.dataset}), {r.draws} draws"],
        "First-round costs under stated ranges, one lever at a time: retaliation, "
        "third-country rerouting over time and political costs are not modelled.",
    )


def _range(bcm: dict[str, float]) -> str:
    return f"{bcm['low']:g}-{bcm['high']:g}" if bcm["low"] != bcm["high"] else f"{bcm['low']:g}"


def replacement_section(
    n: dict[str, str], a: str, b: str, r: Replacement | None, reason: str | None
) -> Section:
    question = f"Can {n[b]} replace {n[a]}'s lost market?"
    if r is None:
        return Section("replacement", question, None, {}, [], "", reason)
    built = [x["route"] for x in r.routes if x["status"] == "in service"]
    answer = (
        f"{n[a]} sent {r.lost_bcm['low']:g}-{r.lost_bcm['high']:g} bcm of pipeline gas a year "
        f"to {r.lost_market} ({r.lost_period}); the routes to {n[b]} in service "
        f"({', '.join(built) or 'none'}) carry at most {r.capacity_bcm:g} bcm, leaving a gap "
        f"of {_range(r.gap_bcm)} bcm a year"
    )
    if r.gap_with_planned_bcm is not None:
        planned = ", ".join(f"{x['route']}, {x['bcm']:g} bcm" for x in r.planned_routes)
        answer += (
            f"; planned routes not yet built ({planned}) would narrow it to "
            f"{_range(r.gap_with_planned_bcm)} bcm"
        )
    if r.latest_bcm is not None and r.volumes:
        answer += f"; {n[b]} took {r.latest_bcm:g} bcm in {r.volumes[-1]['year']}"
    answer += "."
    if r.price is not None and r.price["cost_usd"] is not None:
        more = "less" if r.price["difference"] > 0 else "more"
        answer += (
            f" In {r.price['year']} {n[b]} paid {r.price['to_partner']:g} USD per 1000 m3 "
            f"against {r.price['to_lost_market']:g} in {r.lost_market}: {n[a]} earned "
            f"{usd(abs(r.price['cost_usd']))} {more} that year on its gas to {n[b]}."
        )
    return Section(
        "replacement",
        question,
        answer,
        r.to_dict(),
        r.sources,
        "Cited figures, not flows: capacity is what pipelines in service carry (planned "
        "routes apart), prices are single-year averages, and LNG is left out.",
    )


def relief_section(
    n: dict[str, str],
    r: Relief | None,
    reason: str | None,
    restored: float,
    group: str | Sequence[str],
    before_year: int,
) -> Section:
    label = group if isinstance(group, str) else ", ".join(group)
    question = "Would relief from third parties reduce the dependence?"
    if r is None:
        why = f"needs goods flows for {before_year} and a later year; {reason}"
        return Section("relief", question, None, {"restored": restored}, [], "", why)
    answer = (
        f"Restoring {restored:.0%} of the trade {n[r.country]} lost with {label} between "
        f"{r.before_year} and {r.year} would bring {n[r.partner]}'s share of its imports "
        f"from {pct(r.shares_now['b_in_a_imports'])} to "
        f"{pct(r.shares_relief['b_in_a_imports'])} (it was "
        f"{pct(r.shares_before['b_in_a_imports'])} in {r.before_year}), and of its exports "
        f"from {pct(r.shares_now['b_in_a_exports'])} to "
        f"{pct(r.shares_relief['b_in_a_exports'])}."
    )
    return Section(
        "relief",
        question,
        answer,
        r.to_dict(),
        [f"goods trade {r.before_year} ({r.dataset_before}), {r.year} ({r.dataset})"],
        "Static arithmetic: restored trade is added on top of today's, with no price or "
        "substitution response, and trade rerouted through third countries is not undone.",
    )


def _telling(c: Any, a: str, b: str) -> tuple[int, int, int]:
    """Which wrong figure to name first: one about the pair itself, on trade (a share or the
    turnover), refuted by a statistical agency."""
    claim, ref = c.claim, c.reference
    about_pair = {claim.country, claim.partner} == {a, b}
    trade = claim.measure.startswith("share_of_") or claim.measure == "trade_turnover"
    return (0 if about_pair else 1, 0 if trade else 1, ref.tier if ref is not None else 9)


def claims_section(report: Report, documents: list[str | Path]) -> Section:
    question = "Are the figures people quote true?"
    checked = report.claims
    if checked is None:
        reason = report.skipped.get(
            "claims",
            "no documents given (--claims FILE...); for RUS/CHN the seed papers are read "
            f"from ${SEEDS_ENV} or ../shared/seeds when present",
        )
        return Section("claims", question, None, {}, [], "", reason)
    counts = checked.counts()
    wrong = sorted(
        (c for c in checked.checked if c.verdict == "discrepant"),
        key=lambda c: _telling(c, report.a, report.b),
    )
    cov = checked.coverage()
    answer = (
        f"{checked.summary()}; {cov['with_verdict']} of {cov['claims']} have a verdict from a "
        "source independent of the document."
    )
    if wrong:
        first = wrong[0]
        ref = first.reference
        answer += f' The most telling: "{first.claim.quote}"' + (
            f" against {show(ref.value, first.claim.unit)} ({ref.source}, {ref.period})."
            if ref is not None
            else "."
        )
    return Section(
        "claims",
        question,
        answer,
        {
            "counts": counts,
            "coverage": checked.coverage(),
            "discrepant": [c.to_dict() for c in wrong],
            "inconsistencies": [i.message for i in checked.inconsistencies],
        },
        [str(d) for d in documents],
        "Unverifiable means the store holds no independent reference for the figure, "
        "not that it is wrong; load more flows or facts to check more of them.",
    )
