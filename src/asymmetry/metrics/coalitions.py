"""Who restricts what against whom: the packaged, cited list, and coalitions drawn from it.

A country that itself bans exports of a product to a target cannot take the
trade another supplier's ban diverts, nor replace that supplier: it is not a
substitute. ``data/restrictions.csv`` lists such restrictions, one row per
restricting state, target and measure, each with its source (publisher, title,
URL and the few words that carry the fact). ``hs`` is the product scope as
HS prefixes (``84;85;90``), ``chpl`` (the Common High Priority List, see
`asymmetry.store.products.chpl`), ``all``, or ``unspecified`` (the source names
the state as sanctioning but no goods: such rows never exclude by product).

The export-control rows restrict *listed items* within the chapters given; a
coalition built from them treats each listed prefix as closed to the member,
so the exclusion is an upper bound on the trade the rules actually stop. On
ICIO sectors a prefix closes the sectors its chapter maps to
(`asymmetry.metrics.concordance`), a coarser bound still.

Examples
--------
>>> c = resolve_coalition(None, target="RUS", exclude=("CHN",))
>>> c.excludes("DEU", "847130"), c.excludes("KAZ", "847130")
(True, False)
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from functools import cache
from importlib import resources
from typing import Any, Final, Literal

import numpy as np
import pandas as pd

from asymmetry.errors import ScenarioError, SchemaError
from asymmetry.metrics.concordance import sectors_of
from asymmetry.store.codes import OTHER_ASIA, resolve_country
from asymmetry.store.products import chpl

FILE: Final = "restrictions.csv"
COLUMNS: Final = (
    "restricting",
    "target",
    "measure",
    "hs",
    "coverage",
    "since",
    "publisher",
    "title",
    "url",
    "quote",
)
EU27: Final = tuple(
    [
        "AUT",
        "BEL",
        "BGR",
        "HRV",
        "CYP",
        "CZE",
        "DNK",
        "EST",
        "FIN",
        "FRA",
        "DEU",
        "GRC",
        "HUN",
        "IRL",
        "ITA",
        "LVA",
        "LTU",
        "LUX",
        "MLT",
        "NLD",
        "POL",
        "PRT",
        "ROU",
        "SVK",
        "SVN",
        "ESP",
        "SWE",
    ]
)
G7: Final = ("CAN", "FRA", "DEU", "ITA", "JPN", "GBR", "USA")
# Named groups for --coalition: their members restrict every product of the lever
# (the user says so by naming them); "unfriendly" is Russia's own list of the
# states that sanctioned it (the rows with goods "unspecified").
GROUPS: Final[dict[str, tuple[str, ...]]] = {"eu": EU27, "g7": G7}
UNFRIENDLY: Final = "unfriendly"
# BACI files Taiwan under the pseudo-ISO3 S19 ("Other Asia, n.e.s."); a Taiwanese
# restriction closes that code too.
ALIASES: Final[dict[str, tuple[str, ...]]] = {"TWN": (OTHER_ASIA,)}
_ISO3 = re.compile(r"^[A-Z]{3}$")
_SCOPE = re.compile(r"^(all|unspecified|chpl|\d{2,6}(;\d{2,6})*)$")

Scope = tuple[str, ...] | None  # HS prefixes; None = every product


@cache
def restrictions() -> pd.DataFrame:
    """The packaged list (one row per restricting state, target and measure), validated.

    Raises `SchemaError` naming the line and field of a malformed row.
    """
    text = resources.files("asymmetry.data").joinpath(FILE).read_text(encoding="utf-8")
    reader = csv.DictReader(text.splitlines())
    if tuple(reader.fieldnames or ()) != COLUMNS:
        raise SchemaError(f"columns must be {', '.join(COLUMNS)}", file=FILE, line=1)
    rows = []
    for line, row in enumerate(reader, start=2):
        for name in COLUMNS:
            if not (row.get(name) or "").strip():
                raise SchemaError(
                    "empty field: every row needs its source", file=FILE, line=line, field=name
                )
        for name in ("restricting", "target"):
            if not _ISO3.match(row[name]):
                raise SchemaError(
                    "not an ISO3 code", file=FILE, line=line, field=name, value=row[name]
                )
        if not _SCOPE.match(row["hs"]):
            raise SchemaError(
                "use HS prefixes separated by ';', chpl, all or unspecified",
                file=FILE,
                line=line,
                field="hs",
                value=row["hs"],
            )
        try:
            date.fromisoformat(row["since"])
        except ValueError:
            raise SchemaError(
                "not a date (YYYY-MM-DD)", file=FILE, line=line, field="since", value=row["since"]
            ) from None
        if not row["url"].startswith(("http://", "https://")):
            raise SchemaError("not a URL", file=FILE, line=line, field="url", value=row["url"])
        rows.append(row)
    return pd.DataFrame(rows, columns=list(COLUMNS))


def _prefixes(hs: str) -> Scope:
    if hs == "all":
        return None
    if hs == "chpl":
        return tuple(chpl()["hs6"])
    return tuple(hs.split(";"))


def packaged_scopes(target: str) -> dict[str, Scope]:
    """Each state's product scope against ``target`` from the packaged list (rows with
    named goods only): the union of its measures' prefixes, None if one covers all."""
    table = restrictions()
    table = table[(table["target"] == target) & (table["hs"] != "unspecified")]
    scopes: dict[str, Scope] = {}
    for member, group in table.groupby("restricting", sort=True):
        parts = [_prefixes(hs) for hs in group["hs"]]
        if any(p is None for p in parts):
            scopes[str(member)] = None
        else:
            scopes[str(member)] = tuple(sorted({x for p in parts if p for x in p}))
    return scopes


def _unfriendly(target: str) -> tuple[str, ...]:
    table = restrictions()
    rows = table[(table["target"] == target) & (table["hs"] == "unspecified")]
    return tuple(sorted(set(rows["restricting"])))


def parse_members(spec: str | Sequence[str], *, target: str) -> tuple[str, ...]:
    """Countries from "eu,g7,CHE" (groups: eu, g7, unfriendly; ISO3 codes or names)."""
    items = [s.strip() for s in (spec.split(",") if isinstance(spec, str) else spec)]
    members: list[str] = []
    for item in (s for s in items if s):
        key = item.lower()
        if key in GROUPS:
            members += GROUPS[key]
        elif key == UNFRIENDLY:
            found = _unfriendly(target)
            if not found:
                raise ScenarioError(
                    f"the packaged list names no state as sanctioning {target}",
                    field="coalition",
                    value=item,
                )
            members += found
        elif key in ("auto", "none"):
            raise ScenarioError(
                f"{key!r} stands alone: give it without other members",
                field="coalition",
                value=spec,
            )
        else:
            members.append(resolve_country(item))
    return tuple(dict.fromkeys(members))


@dataclass(frozen=True, slots=True)
class Coalition:
    """States that restrict exports to ``target``, so cannot replace a withdrawn supplier.

    ``scopes`` maps each member to the HS prefixes it restricts (None: every
    product). ``source``: "packaged" (the cited list, the default when it names
    restrictions against the target), "given" (named by the user: every product
    of the lever) or "none".
    """

    target: str
    scopes: Mapping[str, Scope] = field(default_factory=dict)
    source: Literal["packaged", "given", "none"] = "none"

    @property
    def members(self) -> tuple[str, ...]:
        return tuple(sorted(self.scopes))

    @property
    def label(self) -> str:
        if not self.scopes:
            return "none"
        groups = [name.upper() for name, m in GROUPS.items() if set(m) <= set(self.scopes)]
        named = set().union(*(GROUPS[g.lower()] for g in groups)) if groups else set()
        rest = [m for m in self.members if m not in named]
        listed = ", ".join([*groups, *rest[:8]]) + (" ..." if len(rest) > 8 else "")
        origin = (
            "the packaged list of cited restrictions"
            if self.source == "packaged"
            else "given on the command line or scenario"
        )
        return f"{len(self.scopes)} states restricting {self.target} ({listed}); {origin}"

    def excludes(self, member: str, item: str) -> bool:
        """Whether ``member`` restricts ``item`` (an HS code or an ICIO sector code)."""
        scope = self._scope_of(member)
        if scope is False:
            return False
        if scope is None:
            return True
        if item.isdigit():
            return any(item.startswith(p) for p in scope)
        return any(item in sectors_of(p) for p in scope)

    def mask(self, suppliers: pd.Series, items: pd.Series) -> np.ndarray:
        """`excludes` for many (supplier, item) pairs at once: a boolean array.

        Scopes are matched once per distinct item (members share scopes: the EU's 27),
        rows by integer codes, so a BACI importer's 10^5 flows take milliseconds.
        """
        supplier_codes, supplier_names = pd.factorize(suppliers, sort=False)
        item_codes, item_names = pd.factorize(items, sort=False)
        unique_items = pd.Series(item_names, dtype=str)
        digits = unique_items.str.isdigit().to_numpy()
        position = {str(name): k for k, name in enumerate(supplier_names)}
        scopes: list[Scope] = []
        # row 0 of the table: suppliers outside the coalition, closed on nothing
        scope_of_supplier = np.zeros(len(supplier_names), dtype=np.intp)
        for member, scope in self.scopes.items():
            keys = [position[c] for c in (member, *ALIASES.get(member, ())) if c in position]
            if keys:
                if scope not in scopes:
                    scopes.append(scope)
                scope_of_supplier[keys] = scopes.index(scope) + 1
        table = np.zeros((len(scopes) + 1, len(item_names)), dtype=bool)
        for k, scope in enumerate(scopes, start=1):
            table[k] = _closed_items(unique_items, digits, scope)
        closed: np.ndarray = table[scope_of_supplier[supplier_codes], item_codes]
        return closed

    def _scope_of(self, member: str) -> Scope | Literal[False]:
        if member in self.scopes:
            return self.scopes[member]
        for owner, aliases in ALIASES.items():
            if member in aliases and owner in self.scopes:
                return self.scopes[owner]
        return False

    def to_dict(self) -> dict[str, Any]:
        return {
            "target": self.target,
            "source": self.source,
            "label": self.label,
            "members": list(self.members),
            "scopes": {
                m: "all products" if s is None else ";".join(_compact(s))
                for m, s in sorted(self.scopes.items())
            },
        }


def _closed_items(items: pd.Series, digits: np.ndarray, scope: Scope) -> np.ndarray:
    """Which of ``items`` (HS codes or ICIO sectors) a scope closes."""
    if scope is None:
        return np.ones(len(items), dtype=bool)
    pattern = "^(?:" + "|".join(sorted(set(scope))) + ")"
    sectors = sorted({sector for p in scope for sector in sectors_of(p)})
    by_hs = items.str.contains(pattern, regex=True).to_numpy()
    by_sector = items.isin(sectors).to_numpy()
    closed: np.ndarray = np.where(digits, by_hs, by_sector)
    return closed


def _compact(prefixes: Iterable[str]) -> list[str]:
    """Prefixes with the CHPL's 50 HS6 codes shown by chapter, to keep JSON short."""
    items = sorted(set(prefixes))
    chapters = sorted({p for p in items if len(p) == 2})
    return chapters + [p for p in items if len(p) > 2 and p[:2] not in chapters]


def resolve_coalition(
    spec: str | Sequence[str] | None, *, target: str, exclude: Iterable[str] = ()
) -> Coalition:
    """The coalition for ``target``: None or "auto" = the packaged list's restrictions
    against it (empty when it names none); "none" = nobody; otherwise the named
    states and groups, restricting every product. ``exclude`` (the sender) is
    dropped: its own sales are the ones withdrawn."""
    drop = {target, *exclude}
    if spec is None or spec == "auto":
        scopes = {m: s for m, s in packaged_scopes(target).items() if m not in drop}
        return Coalition(target, scopes, "packaged" if scopes else "none")
    if spec == "none" or (not isinstance(spec, str) and len(spec) == 0):
        return Coalition(target)
    members = [m for m in parse_members(spec, target=target) if m not in drop]
    return Coalition(target, {m: None for m in members}, "given" if members else "none")


__all__ = [
    "EU27",
    "G7",
    "GROUPS",
    "Coalition",
    "packaged_scopes",
    "parse_members",
    "resolve_coalition",
    "restrictions",
]
