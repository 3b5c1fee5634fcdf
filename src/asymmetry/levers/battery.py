"""The standard lever battery: the levers the seed papers weigh, for any pair.

The papers ask what B could do to A (stop selling it technology, stop buying
its main export, squeeze the price, let its currency fall while A holds it,
make payments harder) and what each would cost B. The battery builds those
scenarios for any sender/target pair from the store itself, runs them
through `simulate`, and ranks them: levers the sender gains from first (by
the target's cost), then by leverage ratio (target's relative cost over the
sender's), so that reports, the dashboard and the brief read the same numbers.

The sizes are stated assumptions, not estimates, and are part of the result:
a full cut of the technology goods, a full cut of the main export, a 10-30%
price discount, a 5-15% fall of the sender's currency, a 2-5% payment cost.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Final

from asymmetry.errors import NoDataError
from asymmetry.levers.engine import LeverResult, simulate
from asymmetry.levers.scenario import GROUPS, Scenario, parse_lever
from asymmetry.metrics.basis import SourceChoice, resolve_basis
from asymmetry.metrics.profile import composition
from asymmetry.store.codes import resolve_pair
from asymmetry.store.store import Store

TECHNOLOGY = "machinery,electrical,vehicles"
PRICE_DISCOUNT = (0.10, 0.30)
CURRENCY_FALL = (0.05, 0.15)
PAYMENT_COST = (0.02, 0.05)
# The sizes a lever runs at when none is given, the same on the command line, the
# dashboard and in the battery (a restriction is a full cut).
DEFAULT_SIZES: dict[str, tuple[float, float]] = {
    "export-restriction": (1.0, 1.0),
    "import-restriction": (1.0, 1.0),
    "price-discount": PRICE_DISCOUNT,
    "payment-friction": PAYMENT_COST,
    "currency": CURRENCY_FALL,
}
# The order of the battery, said wherever it is read (JSON, report, brief, dashboard).
RANKING_RULE = (
    "levers that cost the sender nothing (it gains or breaks even) come first, largest "
    "cost to the target first; then the rest by leverage ratio (the target's cost over "
    "the sender's, each relative to its economy), highest first"
)
# Facts that say how much of the sender's currency the target holds (USD), most
# direct first. Russia's 2020 yuan purchases stand in for its yuan holdings.
HOLDINGS_INDICATORS = ("currency_holdings", "cny_purchases")


@dataclass(frozen=True, slots=True)
class BatteryItem:
    """One lever of the battery: what it does, its scenario and its result."""

    key: str
    title: str
    assumption: str
    scenario: Scenario
    result: LeverResult

    def to_dict(self) -> dict[str, Any]:
        return {
            "key": self.key,
            "title": self.title,
            "assumption": self.assumption,
            "result": self.result.to_dict(),
        }


@dataclass(frozen=True, slots=True)
class Battery:
    """The battery's results, most leverage first: levers that cost the sender
    nothing (it gains) by the target's cost, then the rest by leverage ratio."""

    sender: str
    target: str
    items: list[BatteryItem]
    skipped: dict[str, str] = field(default_factory=dict)  # lever key -> reason
    ranking_rule: str = RANKING_RULE

    @property
    def warnings(self) -> list[str]:
        """The coverage warnings of the levers' bases, each once (`metrics.coverage`)."""
        return list(dict.fromkeys(w for item in self.items for w in item.result.warnings))

    def to_dict(self) -> dict[str, Any]:
        return {
            "sender": self.sender,
            "target": self.target,
            "ranking_rule": self.ranking_rule,
            "warnings": self.warnings,
            "items": [item.to_dict() for item in self.items],
            "skipped": self.skipped,
        }


def main_export_group(store: Store, exporter: str, importer: str, **basis: Any) -> str:
    """The product set of ``exporter``'s largest export to ``importer``: a named
    group (fuels, metals ...) when the top HS chapter or ICIO sector is in one,
    else the chapter or sector code itself. (The flow's composition alone: a whole
    profile would also compute both sides' totals and the other years' series.)"""
    found = resolve_basis(store, **basis)
    largest = composition(store, found, exporter, importer, top=1, level="chapter")
    if not largest:
        raise NoDataError(f"{exporter} exports nothing to {importer} in {found.label}")
    code = str(largest[0]["code"])
    for name, (chapters, sectors) in GROUPS.items():
        if code in chapters or code in sectors:
            return name
    return code


# An indicator named for a currency ("cny_purchases") needs no partner: its issuer is the
# currency's (ISO 4217).
_ISSUER_PREFIX: Final = {"CHN": "cny", "USA": "usd", "EU": "eur", "RUS": "rub"}


def holdings_usd(store: Store, holder: str, issuer: str) -> tuple[float, str] | None:
    """The best-standing cited figure of ``holder``'s holdings of ``issuer``'s currency
    (USD): holdings first, else a purchase (a floor on what is held); among them the
    statistical agency before an official statement before a commentator (a paper that
    cites the figure), then the latest period."""
    from asymmetry.metrics.official import standing

    prefix = _ISSUER_PREFIX.get(issuer, "")
    frame = store.query(
        """SELECT indicator, year, period, value, unit, source, url FROM facts
           WHERE country = $holder AND indicator IN $names
             AND (partner = $issuer OR (partner IS NULL AND starts_with(indicator, $prefix)
                                        AND $prefix <> ''))
             AND unit IN ('USD bn', 'USD m', 'USD') AND year IS NOT NULL
           ORDER BY list_position($names, indicator), year DESC, period DESC, source""",
        {"holder": holder, "issuer": issuer, "names": list(HOLDINGS_INDICATORS), "prefix": prefix},
    )
    if frame.empty:
        return None
    rows = frame.to_dict("records")
    rank = {name: i for i, name in enumerate(HOLDINGS_INDICATORS)}
    row = min(
        rows,
        key=lambda r: (
            rank[r["indicator"]],
            standing(str(r["source"]), r.get("url"), holder).tier,
            -int(r["year"]),
        ),
    )
    scale = {"USD bn": 1e9, "USD m": 1e6, "USD": 1.0}[str(row["unit"])]
    when = row["period"] or row["year"]
    kind = "bought in" if str(row["indicator"]).endswith("purchases") else "held at"
    floor = ", a floor on holdings" if kind == "bought in" else ""
    return float(row["value"]) * scale, f"{kind} {when}, {row['source']}{floor}"


def lever_battery(
    store: Store,
    sender: str,
    target: str,
    *,
    draws: int = 500,
    seed: int = 0,
    source: SourceChoice = "auto",
    year: int | None = None,
    holdings: float | None = None,
) -> Battery:
    """Run the standard battery of ``sender``'s levers on ``target`` (see module doc).

    ``holdings`` (USD) is the target's holdings of the sender's currency; by
    default it is read from the facts table, and the currency lever is skipped
    with a reason when no figure is found.
    """
    sender, target = resolve_pair(sender, target)
    basis = resolve_basis(store, source=source, year=year, countries=(sender, target))
    where = {"source": basis.source, "year": basis.year if basis.source == "flows" else None}
    specs: list[tuple[str, str, str, dict[str, Any]]] = [
        (
            "technology",
            f"{sender} stops exporting technology goods to {target}",
            "all of HS 84, 85, 87 (machinery, electrical, vehicles)",
            {"type": "export-restriction", "products": TECHNOLOGY},
        )
    ]
    skipped: dict[str, str] = {}
    try:
        main = main_export_group(store, target, sender, **where)
    except NoDataError as exc:
        skipped["main-export"] = skipped["price"] = str(exc)
    else:
        specs += [
            (
                "main-export",
                f"{sender} stops buying {target}'s main export ({main})",
                f"all of {main}",
                {"type": "import-restriction", "products": main},
            ),
            (
                "price",
                f"{sender} squeezes the price of {target}'s {main}",
                f"a {PRICE_DISCOUNT[0]:.0%}-{PRICE_DISCOUNT[1]:.0%} discount",
                {"type": "price-discount", "products": main, "discount": list(PRICE_DISCOUNT)},
            ),
        ]
    held = (holdings, "given") if holdings is not None else holdings_usd(store, target, sender)
    if held is None:
        skipped["currency"] = (
            f"no cited figure of {target}'s holdings of {sender}'s currency "
            f"(facts {', '.join(HOLDINGS_INDICATORS)}); pass holdings"
        )
    else:
        amount, origin = held
        specs.append(
            (
                "currency",
                f"{sender}'s currency falls while {target} holds it",
                f"a {CURRENCY_FALL[0]:.0%}-{CURRENCY_FALL[1]:.0%} fall on "
                f"USD {amount / 1e9:,.1f} bn of it ({origin})",
                {"type": "currency", "move": list(CURRENCY_FALL), "holdings_usd": amount},
            )
        )
    specs.append(
        (
            "payments",
            f"payments between {sender} and {target} get harder",
            f"a {PAYMENT_COST[0]:.0%}-{PAYMENT_COST[1]:.0%} cost on all bilateral trade",
            {"type": "payment-friction", "products": "all", "rate": list(PAYMENT_COST)},
        )
    )
    items = []
    for key, title, assumption, lever in specs:
        scenario = Scenario(sender, target, (parse_lever(lever),), key, basis.year)
        try:
            result = simulate(store, scenario, draws=draws, seed=seed, source=source)
        except NoDataError as exc:
            skipped[key] = str(exc)
            continue
        items.append(BatteryItem(key, title, assumption, scenario, result))
    items.sort(key=_rank)
    return Battery(sender, target, items, skipped)


def _rank(item: BatteryItem) -> tuple[int, float]:
    """The order of `RANKING_RULE`."""
    r = item.result
    if r.cost_sender_usd["median"] <= 0:
        return 0, -r.cost_target_usd["median"]
    return 1, -(r.leverage_ratio or 0.0)
