"""Scenarios: which levers of pressure a sender pulls on a target, with what size.

A parameter is a number or a ``(low, high)`` range; ranges are drawn
uniformly in Monte Carlo runs (`asymmetry.levers.uncertainty`). Everything is
validated here, once, so the models can trust their input.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from asymmetry.errors import ScenarioError
from asymmetry.metrics.coalitions import parse_members
from asymmetry.metrics.concordance import ICIO_BY_CHAPTER as _ICIO_BY_CHAPTER
from asymmetry.store.codes import HS_SECTIONS, resolve_country
from asymmetry.store.products import chpl

Param = float | tuple[float, float]

# Named product groups: HS chapters, and the ICIO sectors that produce them.
GROUPS: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "fuels": (("27",), ("B05", "B06", "C19")),
    "machinery": (("84",), ("C28",)),
    "electrical": (("85",), ("C26", "C27")),
    "vehicles": (("87",), ("C29",)),
    "metals": (("72", "73", "74", "75", "76", "78", "79", "80", "81"), ("C24A", "C24B")),
    "chemicals": (tuple(f"{c}" for c in range(28, 39)), ("C20", "C21")),
}
_SECTIONS = {
    roman: tuple(f"{c:02d}" for c in range(first, last + 1))
    for roman, first, last, _ in HS_SECTIONS
}


@dataclass(frozen=True, slots=True)
class ProductSet:
    """HS code prefixes (goods flows) and ICIO sectors (network) a lever acts on.

    ``hs`` empty and ``all_products`` true means every product.
    """

    label: str
    hs: tuple[str, ...] = ()
    sectors: tuple[str, ...] = ()
    all_products: bool = False

    @classmethod
    def parse(cls, spec: str | Sequence[str] | None) -> ProductSet:
        """From "84,85,87", "fuels", "XVI", "chpl", "all", "C26" or a list of those."""
        if spec is None or spec == "all" or spec == ["all"]:
            return cls("all products", all_products=True)
        items = [s.strip() for s in (spec.split(",") if isinstance(spec, str) else spec)]
        items = [s for s in items if s]
        if not items:
            raise ScenarioError("empty product set", field="products")
        hs: list[str] = []
        sectors: list[str] = []
        for item in items:
            key = item.lower()
            if key in GROUPS:
                hs += GROUPS[key][0]
                sectors += GROUPS[key][1]
            elif key == "chpl":
                hs += chpl()["hs6"].tolist()
            elif item.upper() in _SECTIONS:
                hs += _SECTIONS[item.upper()]
                for chapter in _SECTIONS[item.upper()]:
                    sectors += _ICIO_BY_CHAPTER.get(chapter, ())
            elif item.isdigit() and len(item) in (2, 4, 6):
                hs.append(item)
                sectors += _ICIO_BY_CHAPTER.get(item[:2], ())
            elif item[:1].isalpha() and item[:1].isupper() and len(item) <= 8:
                sectors.append(item)  # an ICIO sector code, checked against the store later
            else:
                names = ", ".join(sorted(GROUPS))
                raise ScenarioError(
                    f"unknown product group {item!r}; use HS codes (2, 4 or 6 "
                    f"digits), an HS section (I-XXII), chpl, all, an ICIO "
                    f"sector code, or one of {names}",
                    field="products",
                    value=item,
                )
        return cls(",".join(items), tuple(dict.fromkeys(hs)), tuple(dict.fromkeys(sectors)))


def _param(
    value: Any, *, name: str, lever: str, low: float, high: float, high_open: bool = False
) -> Param:
    """A number or [low, high] within bounds, or a `ScenarioError` naming lever and field."""
    if isinstance(value, str):
        parts = value.split(":")
        try:
            numbers = [
                float(p.strip().rstrip("%")) * (0.01 if p.strip().endswith("%") else 1.0)
                for p in parts
            ]
        except ValueError as exc:
            raise ScenarioError(
                "not a number or low:high range", lever=lever, field=name, value=value
            ) from exc
        value = numbers[0] if len(numbers) == 1 else numbers
    if isinstance(value, int | float):
        bounds: tuple[float, ...] = (float(value),)
    elif isinstance(value, Sequence) and len(value) == 2:
        bounds = (float(value[0]), float(value[1]))
        if bounds[0] > bounds[1]:
            raise ScenarioError(
                "range is reversed (low > high)", lever=lever, field=name, value=list(value)
            )
    else:
        raise ScenarioError(
            "must be a number or a [low, high] range", lever=lever, field=name, value=value
        )
    for b in bounds:
        if not (low <= b <= high) or (high_open and b >= high):
            interval = f"[{low}, {high}{')' if high_open else ']'}"
            raise ScenarioError(f"must lie in {interval}", lever=lever, field=name, value=b)
    return bounds[0] if len(bounds) == 1 else (bounds[0], bounds[1])


@dataclass(frozen=True, slots=True)
class PriceDiscount:
    """The target sells ``products`` to the sender ``discount`` below the market price."""

    products: ProductSet
    discount: Param
    kind: str = "price-discount"


@dataclass(frozen=True, slots=True)
class Currency:
    """The sender's currency goes from ``from_rate`` to ``to_rate`` units per USD while
    the target holds ``holdings_usd`` of it (USD value before the move). A plain
    ``move`` m is the same as rates 1 -> 1 + m."""

    from_rate: Param
    to_rate: Param
    holdings_usd: float
    kind: str = "currency"


# Elasticities that split a cost wedge between the two sides of a flow (the
# standard tax-incidence rule: the importer bears e_s / (e_s + e_d)). Import demand
# elasticities at the product level are estimated by Kee, H. L., Nicita, A. and
# Olarreaga, M. (2008) "Import Demand Elasticities and Trade Distortions", Review
# of Economics and Statistics 90(4) (updated for 1996-2014 by Gruebler, Ghodsi and
# Stehrer 2021, J. Int. Trade & Econ. Development); export supply elasticities by
# Soderbery, A. (2018) "Trade elasticities, heterogeneity, and optimal tariffs",
# J. Int. Economics 114. Both vary widely by product and country; the defaults are
# one wide range for both, so no side is assumed more elastic (and swapping sender
# and target mirrors the costs exactly). Set them per lever: an exporter of crude
# oil with few other outlets has a low supply elasticity and bears more.
DEFAULT_DEMAND_ELASTICITY: Param = (0.5, 3.0)
DEFAULT_SUPPLY_ELASTICITY: Param = (0.5, 3.0)


@dataclass(frozen=True, slots=True)
class PaymentFriction:
    """An ad-valorem cost ``rate`` on bilateral trade in ``products`` (both directions),
    shared on each flow by market incidence: its importer bears
    ``supply_elasticity / (supply_elasticity + demand_elasticity)``, its exporter the
    rest (whichever side is called the target)."""

    products: ProductSet
    rate: Param
    demand_elasticity: Param = DEFAULT_DEMAND_ELASTICITY
    supply_elasticity: Param = DEFAULT_SUPPLY_ELASTICITY
    kind: str = "payment-friction"


# Documented default ranges of the partial-equilibrium parameters.
# Armington elasticity between suppliers of one product: Head, K. and Mayer, T.
# (2014) "Gravity Equations", Handbook of International Economics vol. 4, table 5
# (median trade elasticity about 5 across structural estimates).
DEFAULT_SIGMA: Param = (3.0, 8.0)
# Price elasticity of a country's total demand for an imported product.
DEFAULT_ETA: Param = (0.5, 1.5)
# Share of lost export revenue that is lost income (not sold elsewhere or
# redeployed): an assumption, stated as a wide range; override per lever.
DEFAULT_INCOME_SHARE: Param = (0.2, 0.5)


@dataclass(frozen=True, slots=True)
class Restriction:
    """The sender cuts a ``fraction`` of trade in ``products`` with the target.

    ``direction`` "export": the sender stops selling to the target (technology,
    machinery ...); "import": it stops buying from the target (oil, gas ...).
    """

    direction: str
    products: ProductSet
    fraction: Param = 1.0
    sigma: Param = DEFAULT_SIGMA
    eta: Param = DEFAULT_ETA
    income_share: Param = DEFAULT_INCOME_SHARE

    @property
    def kind(self) -> str:
        return f"{self.direction}-restriction"


Lever = PriceDiscount | Currency | PaymentFriction | Restriction

# Documented ranges of the general-equilibrium model's structural parameters
# (`--model ge`, sanction-simulator): the spans of the sensitivity grids of
# Bhattathiripad & Veetil, "Political Power in International Trade", as shipped in
# `power_trade_estimation.py` (TAU_GRID 0.05-0.80, DELTA_GRID 0.05-0.60, RHO_GRID
# -4 to -0.25); its baseline is tau 0.30, delta 0.10, rho -1. A test pins them to
# the package's grids.
# tau: rerouting friction, the share of a severed flow that cannot be rerouted.
DEFAULT_TAU: Param = (0.05, 0.80)
# delta: sanction leakage, the share of a severed flow that still gets through.
DEFAULT_DELTA: Param = (0.05, 0.60)
# rho: inner CES curvature across sector bundles (elasticity 1 / (1 - rho)).
DEFAULT_RHO: Param = (-4.0, -0.25)


@dataclass(frozen=True, slots=True)
class Structural:
    """Structural parameters of the general-equilibrium model, numbers or ranges."""

    tau: Param = DEFAULT_TAU
    delta: Param = DEFAULT_DELTA
    rho: Param = DEFAULT_RHO

    @classmethod
    def parse(cls, tau: Any = None, delta: Any = None, rho: Any = None) -> Structural:
        """From numbers, [low, high] or "low:high" strings; None keeps the default range."""
        kind = "ge"
        return cls(
            DEFAULT_TAU if tau is None else _param(tau, name="tau", lever=kind, low=0.0, high=1.0),
            DEFAULT_DELTA
            if delta is None
            else _param(delta, name="delta", lever=kind, low=0.0, high=1.0),
            DEFAULT_RHO
            if rho is None
            else _param(rho, name="rho", lever=kind, low=-50.0, high=-1e-3),
        )


@dataclass(frozen=True, slots=True)
class Scenario:
    """What ``sender`` does to ``target``, with the states that also restrict it.

    ``coalition``: the states that restrict exports to the target besides the
    sender, so cannot take diverted trade or replace it as a supplier
    (`asymmetry.metrics.coalitions`). None (the default) = the packaged, cited
    list's restrictions against the target, by product; ``()`` = nobody; a tuple
    = those states, on every product of the levers. In the general-equilibrium
    model a given coalition restricts with the sender (its legs are severed and
    its losses counted on the sender's side); the packaged default is not applied
    there (see `asymmetry.levers.general_eq`). ``counter_measures``: restrictions the target
    imposes in return, from its point of view ("export": it stops selling to the
    sender's side). ``structural``: the general-equilibrium parameters.
    """

    sender: str
    target: str
    levers: tuple[Lever, ...]
    name: str = "scenario"
    year: int | None = None
    coalition: tuple[str, ...] | None = None
    counter_measures: tuple[Restriction, ...] = ()
    structural: Structural = Structural()

    def __post_init__(self) -> None:
        if self.sender == self.target:
            raise ScenarioError(
                f"sender and target are the same country ({self.sender})", field="target"
            )
        if not self.levers:
            raise ScenarioError("a scenario needs at least one lever", field="levers")
        kinds = [lever.kind for lever in self.levers]
        restrictions = [lv for lv in self.levers if isinstance(lv, Restriction)]
        for i, first in enumerate(restrictions):
            for second in restrictions[i + 1 :]:
                if first.direction == second.direction and _overlap(
                    first.products, second.products
                ):
                    raise ScenarioError(
                        f"two {first.kind}s cover the same products "
                        f"({first.products.label} and {second.products.label}); "
                        "give one fraction per product",
                        lever=first.kind,
                    )
        if kinds.count("currency") > 1:
            raise ScenarioError(
                "two currency levers contradict each other; give one move", lever="currency"
            )
        if self.coalition and self.target in self.coalition:
            raise ScenarioError(
                f"the target {self.target} cannot be in the sender's coalition",
                field="coalition",
                value=self.target,
            )

    @property
    def senders(self) -> tuple[str, ...]:
        """The sender and a given coalition, sender first, no repeats (the sender's side
        of the general-equilibrium model; the packaged default does not join it)."""
        return tuple(dict.fromkeys((self.sender, *(self.coalition or ()))))

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Scenario:
        """From the YAML/JSON layout: sender, target, [name, year], levers: [{type: ...}]."""
        for key in ("sender", "target", "levers"):
            if key not in data:
                raise ScenarioError(f"missing {key!r}", field=key)
        levers: list[Lever] = []
        for item in data["levers"]:
            if isinstance(item, Mapping) and item.get("type") == "embargo":
                # shorthand: export and import restrictions on all products
                levers += [
                    parse_lever({"type": f"{d}-restriction", "products": "all"})
                    for d in ("export", "import")
                ]
            else:
                levers.append(parse_lever(item))
        target = resolve_country(str(data["target"]))
        coalition = _coalition(data.get("coalition"), target=target)
        counter = tuple(parse_lever(item) for item in data.get("counter_measures") or ())
        if not all(isinstance(c, Restriction) for c in counter):
            raise ScenarioError(
                "counter_measures are export-restriction or import-restriction levers",
                field="counter_measures",
            )
        sender = resolve_country(str(data["sender"]))
        return cls(
            sender,
            target,
            tuple(levers),
            str(data.get("name", "scenario")),
            int(data["year"]) if data.get("year") is not None else None,
            None if coalition is None else tuple(c for c in coalition if c != sender),
            tuple(c for c in counter if isinstance(c, Restriction)),
            Structural.parse(data.get("tau"), data.get("delta"), data.get("rho")),
        )

    @classmethod
    def from_file(cls, path: str | Path) -> Scenario:
        file = Path(path)
        try:
            text = file.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise ScenarioError(f"cannot read scenario file {file}: {exc}") from exc
        try:
            if file.suffix.lower() in (".yaml", ".yml"):
                import yaml

                data = yaml.safe_load(text)
            else:
                data = json.loads(text)
        except Exception as exc:  # yaml and json raise different types
            raise ScenarioError(
                f"{file} is not valid {file.suffix.lstrip('.').upper()}: {str(exc).splitlines()[0]}"
            ) from exc
        if not isinstance(data, Mapping):
            raise ScenarioError(f"{file}: a scenario is a mapping with sender, target, levers")
        return cls.from_dict(data)


def _coalition(spec: Any, *, target: str) -> tuple[str, ...] | None:
    """None for the packaged default ("auto" or absent), () for "none", else members."""
    if spec is None or (isinstance(spec, str) and spec.strip().lower() in ("", "auto")):
        return None
    if isinstance(spec, str) and spec.strip().lower() == "none":
        return ()
    if not isinstance(spec, str | Sequence):
        raise ScenarioError(
            "a list of countries or groups (eu, g7, unfriendly), auto or none",
            field="coalition",
            value=spec,
        )
    return parse_members(spec if isinstance(spec, str) else [str(c) for c in spec], target=target)


def _overlap(a: ProductSet, b: ProductSet) -> bool:
    if a.all_products or b.all_products:
        return True
    if set(a.sectors) & set(b.sectors):
        return True
    return any(x.startswith(y) or y.startswith(x) for x in a.hs for y in b.hs)


def parse_lever(item: Mapping[str, Any]) -> Lever:
    """One lever from its mapping form, e.g. ``{type: price-discount, products: fuels,
    discount: [0.2, 0.3]}``."""
    kind = str(item.get("type", ""))
    if kind == "price-discount":
        return PriceDiscount(
            ProductSet.parse(item.get("products")),
            _param(
                item.get("discount"), name="discount", lever=kind, low=0.0, high=1.0, high_open=True
            ),
        )
    if kind == "currency":
        if item.get("holdings_usd") is None:
            raise ScenarioError(
                "needs holdings_usd: the USD value of the target's holdings "
                "in the sender's currency",
                lever=kind,
                field="holdings_usd",
            )
        holdings = float(item["holdings_usd"])
        if holdings < 0:
            raise ScenarioError(
                "must not be negative", lever=kind, field="holdings_usd", value=holdings
            )
        if "rates" in item:
            rates = item["rates"]
            if isinstance(rates, str):
                rates = rates.split("->")
            if not isinstance(rates, Sequence) or len(rates) != 2:
                raise ScenarioError(
                    "rates is [from, to] (units of the sender's currency per "
                    "USD; each a number or a low:high range)",
                    lever=kind,
                    field="rates",
                    value=rates,
                )
            return Currency(
                _param(rates[0], name="rates", lever=kind, low=1e-9, high=1e12),
                _param(rates[1], name="rates", lever=kind, low=1e-9, high=1e12),
                holdings,
            )
        move = _param(item.get("move"), name="move", lever=kind, low=-0.99, high=10.0)
        to_rate = (1 + move[0], 1 + move[1]) if isinstance(move, tuple) else 1 + move
        return Currency(1.0, to_rate, holdings)
    if kind == "payment-friction":
        if "incidence" in item:
            raise ScenarioError(
                "incidence comes from the market, not the labels: give demand_elasticity "
                "and supply_elasticity (the importer bears e_s / (e_s + e_d))",
                lever=kind,
                field="incidence",
            )
        return PaymentFriction(
            ProductSet.parse(item.get("products")),
            _param(item.get("rate"), name="rate", lever=kind, low=0.0, high=1.0),
            _param(
                item.get("demand_elasticity", DEFAULT_DEMAND_ELASTICITY),
                name="demand_elasticity",
                lever=kind,
                low=1e-3,
                high=100.0,
            ),
            _param(
                item.get("supply_elasticity", DEFAULT_SUPPLY_ELASTICITY),
                name="supply_elasticity",
                lever=kind,
                low=1e-3,
                high=100.0,
            ),
        )
    if kind in ("export-restriction", "import-restriction"):
        if item.get("products") is None:
            raise ScenarioError(
                "needs products (HS codes, a section, a named group, chpl)",
                lever=kind,
                field="products",
            )
        return Restriction(
            kind.split("-")[0],
            ProductSet.parse(item.get("products")),
            _param(item.get("fraction", 1.0), name="fraction", lever=kind, low=0.0, high=1.0),
            _param(item.get("sigma", DEFAULT_SIGMA), name="sigma", lever=kind, low=1.01, high=50.0),
            _param(item.get("eta", DEFAULT_ETA), name="eta", lever=kind, low=0.0, high=10.0),
            _param(
                item.get("income_share", DEFAULT_INCOME_SHARE),
                name="income_share",
                lever=kind,
                low=0.0,
                high=1.0,
            ),
        )
    known = (
        "export-restriction, import-restriction, embargo, price-discount, currency, "
        "payment-friction"
    )
    raise ScenarioError(
        f"unknown lever type {kind!r}; available: {known}", field="type", value=kind
    )
