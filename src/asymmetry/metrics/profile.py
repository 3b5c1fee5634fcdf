"""Two-sided pair profile: how much A and B matter to each other.

The seed papers' headline ("China is 36.5% of Russia's imports while Russia
is ~4% of China's trade") is a pair of partner shares read against each
other. This module computes them for any pair from one `Basis`, with the
partner concentration of each side (Hirschman-Herfindahl index over
partners: sum of squared partner shares, 1/n for n equal partners, 1 for a
single partner) and the composition of each direction.

References: Hirschman, A. O. (1945) *National Power and the Structure of
Foreign Trade*; Herfindahl, O. C. (1950) *Concentration in the Steel Industry*.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from typing import Any, Literal

import pandas as pd

from asymmetry.errors import NoDataError
from asymmetry.metrics.basis import (
    ICIO_YEAR,
    Basis,
    Source,
    SourceChoice,
    available_years,
    lacking_trade,
    resolve_basis,
)
from asymmetry.metrics.coverage import coverage_warnings
from asymmetry.metrics.official import (
    AGGREGATES_LABEL,
    SHARE_KEYS,
    OfficialYear,
    agency_of,
    annual_facts,
    official_composition,
    official_year,
    pair_years,
)
from asymmetry.store.codes import hs_sections, resolve_pair
from asymmetry.store.store import Store

CompositionLevel = Literal["section", "chapter"]


@dataclass(frozen=True, slots=True)
class PairProfile:
    """Result of `profile`; shares are fractions in [0, 1], money in USD.

    On official aggregates a figure may be missing (None): ``cannot`` says
    why, and ``figures`` gives each number's source, the row chosen and the
    arithmetic. ``notes`` say why this basis answers (the basis ladder);
    ``warnings`` say what the data lacks of a full year (`metrics.coverage`).
    """

    a: str
    b: str
    year: int
    source: Source
    basis: str
    dataset: str
    flows_usd: dict[str, float | None]
    totals_usd: dict[str, float | None]
    shares: dict[str, float | None]
    asymmetry: dict[str, float | None]
    hhi: dict[str, float | None]
    composition: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    series: list[dict[str, Any]] = field(default_factory=list)  # one entry per year
    figures: dict[str, dict[str, Any]] = field(default_factory=dict)
    cannot: dict[str, str] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    @property
    def turnover_usd(self) -> float | None:
        if "turnover" in self.figures:
            return float(self.figures["turnover"]["value"])
        x, y = self.flows_usd["a_to_b"], self.flows_usd["b_to_a"]
        return None if x is None or y is None else x + y

    @property
    def balance_usd(self) -> float | None:
        """A's surplus with B (exports to B minus imports from B)."""
        x, y = self.flows_usd["a_to_b"], self.flows_usd["b_to_a"]
        return None if x is None or y is None else x - y

    def agencies(self, keys: Iterable[str] | None = None) -> list[str]:
        """The agencies behind the figures (all, or those of ``keys``), first use first."""
        chosen = (
            self.figures
            if keys is None
            else {k: self.figures[k] for k in keys if k in self.figures}
        )
        return list(
            dict.fromkeys(
                part for f in chosen.values() for part in agency_of(str(f["source"])).split("; ")
            )
        )

    def stated_beside(self, key: str) -> list[str]:
        """Other sources' statements of figure ``key`` and why each differs (aggregates)."""
        figure = self.figures.get(key) or {}
        return [
            f"{alt['written']} as stated by {agency_of(alt['source']).split(', ')[0]}: {alt['why']}"
            for alt in figure.get("alternatives", ())
            if "why" in alt
        ]

    def source_of(self, key: str) -> str:
        """Where a number comes from: the chosen row's source, or the dataset."""
        figure = self.figures.get(key)
        return str(figure["source"]) if figure else f"{self.basis}, {self.dataset}"

    def to_dict(self) -> dict[str, Any]:
        out = asdict(self)
        out["turnover_usd"] = self.turnover_usd
        out["balance_usd"] = self.balance_usd
        return out

    def to_frame(self) -> pd.DataFrame:
        """The headline numbers as a long table (metric, value)."""
        rows: list[tuple[str, Any]] = [
            ("a", self.a),
            ("b", self.b),
            ("year", self.year),
            ("basis", self.basis),
            ("dataset", self.dataset),
        ]
        rows += [(f"flow_{k}_usd", v) for k, v in self.flows_usd.items()]
        rows += [("turnover_usd", self.turnover_usd), ("balance_usd", self.balance_usd)]
        rows += [(f"total_{k}_usd", v) for k, v in self.totals_usd.items()]
        rows += [(f"share_{k}", v) for k, v in self.shares.items()]
        rows += [(f"asymmetry_{k}", v) for k, v in self.asymmetry.items()]
        rows += [(f"hhi_{k}", v) for k, v in self.hhi.items()]
        return pd.DataFrame(rows, columns=["metric", "value"])


def _ratio(num: float | None, den: float | None) -> float | None:
    return num / den if num is not None and den else None


def profile(
    store: Store,
    a: str,
    b: str,
    *,
    year: int | None = None,
    source: SourceChoice = "auto",
    dataset: str | None = None,
    top: int = 10,
    level: CompositionLevel = "section",
    series: bool = True,
) -> PairProfile:
    """Profile the trade relation of ``a`` and ``b`` (names or codes accepted).

    ``series=False`` (with a ``year``) skips the official aggregates' other years, for a
    caller that reads one year's figures (the claims checker).

    Examples
    --------
    >>> p = profile(store, "RUS", "CHN", source="icio")  # doctest: +SKIP
    >>> p.shares["b_in_a_imports"]  # doctest: +SKIP
    """
    a, b = resolve_pair(a, b)
    notes: list[str] = []
    if source == "auto" and dataset is None:
        source, notes, official = _ladder(store, a, b, year, series=series)
        if official is not None:
            return official
    if source == "aggregates":
        return official_profile(store, a, b, year=year, notes=notes, series=series)
    basis = resolve_basis(store, source=source, year=year, dataset=dataset)
    head = _headline(store, basis, a, b)
    each_way = {
        "a_to_b": composition(store, basis, a, b, top=top, level=level),
        "b_to_a": composition(store, basis, b, a, top=top, level=level),
    }
    return PairProfile(
        a,
        b,
        basis.year,
        basis.source,
        basis.label,
        basis.dataset,
        head.flows_usd,
        head.totals_usd,
        head.shares,
        head.asymmetry,
        head.hhi,
        each_way,
        _series(store, basis, head, a, b, dataset=dataset),
        notes=notes,
        warnings=coverage_warnings(store, basis),
    )


def _ladder(
    store: Store, a: str, b: str, year: int | None, *, series: bool = True
) -> tuple[Source, list[str], PairProfile | None]:
    """The basis ladder: goods flows, else official aggregates, else ICIO (with why).

    One rule for every caller (`profile`, the report, the web): goods flows answer
    when they hold trade of both countries in the year; a partial ingest that lacks
    one of them steps down like an empty store, and the note says so. The
    aggregates' profile is computed once here and returned when it answers.
    """
    years = available_years(store)
    if years and (year is None or year in years):
        basis = resolve_basis(store, source="flows", year=year)
        lacking = lacking_trade(store, basis, (a, b))
        if not lacking:
            return "flows", [], None
        why = (
            f"the goods flows for {basis.year} ({basis.dataset}) hold no trade of "
            f"{' or '.join(lacking)}"
        )
    else:
        why = (
            f"no goods flows for {year} in the store" if years else "the store holds no goods flows"
        )
    try:
        found = official_profile(
            store, a, b, year=year, notes=[f"{why}; official aggregates answer"], series=series
        )
    except NoDataError:
        found = None
    if found is not None and any(v is not None for v in found.shares.values()):
        return "aggregates", found.notes, found
    no_icio = not store.scalar("SELECT count(*) FROM io_nodes")
    if years and ((year is not None and year != ICIO_YEAR) or no_icio):
        return "flows", [], None  # nothing covers the year: the flows' error says what exists
    missing = f"for {year}" if year is not None else "for the pair"
    return (
        "icio",
        [
            f"{why}, and no official aggregates {missing} ({a}-{b}); the ICIO network "
            f"({ICIO_YEAR} intermediate inputs) answers instead. For customs goods trade, run "
            f"`asymmetry fetch baci --release 202501 --hs HS22 --years {year or 2023}`"
        ],
        None,
    )


def _official_years(
    store: Store, a: str, b: str, only: int | None
) -> tuple[pd.DataFrame, list[int], dict[int, OfficialYear]]:
    """The pair's annual facts, the years they state its trade, and each year's figures
    (only ``only``'s when given). A report asks for them a dozen times: `Store.memo`
    keeps them on a read-only store."""
    frame = annual_facts(store, (a, b))
    years = pair_years(frame, a, b)
    wanted = years if only is None else [y for y in years if y == only]
    return frame, years, {y: official_year(frame, a, b, y) for y in wanted}


def official_profile(
    store: Store,
    a: str,
    b: str,
    *,
    year: int | None = None,
    notes: list[str] | None = None,
    series: bool = True,
) -> PairProfile:
    """The pair on official aggregates (`asymmetry.metrics.official`) for ``year``.

    Without a year: the latest year that gives both import shares, else the
    latest with any share. The series holds every year with a bilateral
    figure; a figure the year lacks stays None.
    """
    only = None if series or year is None else year
    frame, years, by_year = store.memo(
        ("official years", a, b, only), lambda: _official_years(store, a, b, only)
    )
    given = {y: o for y, o in by_year.items() if any(k in o.figures for k in SHARE_KEYS)}
    if not given:
        raise NoDataError(
            f"no official aggregates for {a}-{b} give a share (need a bilateral flow and a "
            "country total in USD for the same year); `asymmetry facts --country "
            f"{a}` lists what is stored"
        )
    if year is None:
        both = [y for y, o in given.items() if "b_in_a_imports" in o.figures and
                "a_in_b_imports" in o.figures]  # fmt: skip
        year = max(both or given)
    if year not in by_year:
        listed = ", ".join(str(y) for y in years)
        raise NoDataError(f"no official aggregates for {a}-{b} in {year}; years: {listed}")
    this = by_year[year]
    value = this.value
    shares = {k: value(k) for k in SHARE_KEYS}
    datasets = sorted({d for f in this.figures.values() for d in f.dataset.split(", ") if d})
    return PairProfile(
        a,
        b,
        year,
        "aggregates",
        AGGREGATES_LABEL,
        ", ".join(datasets) or "facts",
        {"a_to_b": value("a_to_b"), "b_to_a": value("b_to_a")},
        {k: value(k) for k in ("a_exports", "a_imports", "b_exports", "b_imports")},
        shares,
        {
            side: _ratio(shares[f"b_in_a_{side}"], shares[f"a_in_b_{side}"])
            for side in ("imports", "exports", "trade")
        },
        dict.fromkeys(("a_imports", "a_exports", "b_imports", "b_exports")),
        {
            "a_to_b": official_composition(frame, a, b, year, this.figures.get("a_to_b")),
            "b_to_a": official_composition(frame, b, a, year, this.figures.get("b_to_a")),
        },
        [
            {
                "year": y,
                "dataset": "official aggregates",
                "source": "aggregates",
                "a_to_b": o.value("a_to_b"),
                "b_to_a": o.value("b_to_a"),
                "turnover": o.value("turnover"),
                **{f"share_{k}": o.value(k) for k in SHARE_KEYS},
            }
            for y, o in by_year.items()
        ],
        {k: f.to_dict() for k, f in this.figures.items()},
        this.cannot,
        list(notes or []),
    )


@dataclass(frozen=True, slots=True)
class _Headline:
    flows_usd: dict[str, float | None]
    totals_usd: dict[str, float | None]
    shares: dict[str, float | None]
    asymmetry: dict[str, float | None]
    hhi: dict[str, float | None]


@dataclass(frozen=True, slots=True)
class _PairSums:
    """Every pair's flow in a basis, and each country's totals and partner HHI."""

    # plain dicts, not frames: shared by request threads, and pandas builds an index's
    # lookup table lazily (concurrent first lookups race, pandas #21150, #28439)
    bilateral: dict[tuple[str, str], float]  # (exporter, importer) -> USD
    imports: dict[str, tuple[float, float]]  # country -> (total, partner HHI)
    exports: dict[str, tuple[float, float]]


def pair_sums(store: Store, basis: Basis) -> _PairSums:
    """The pair sums of a basis (a few thousand rows), kept per dataset and year on a
    read-only store: every headline of every pair reads them instead of querying."""

    def compute() -> _PairSums:
        pairs = store.query(
            f"SELECT exporter, importer, value_usd AS v FROM ({basis.pairs_sql})", basis.params
        )
        pairs["v2"] = pairs["v"] * pairs["v"]

        def by(side: str) -> dict[str, tuple[float, float]]:
            sums = pairs.groupby(side)[["v", "v2"]].sum()
            # sum of squared partner shares = sum(v^2) / sum(v)^2 (NaN when nothing flows)
            hhi = sums["v2"] / (sums["v"] * sums["v"])
            return {
                str(c): (float(t), float(h))
                for c, t, h in zip(sums.index, sums["v"], hhi, strict=True)
            }

        bilateral = dict(
            zip(zip(pairs["exporter"], pairs["importer"], strict=True), pairs["v"], strict=True)
        )
        return _PairSums(bilateral, by("importer"), by("exporter"))

    return store.memo(("pair_sums", basis.source, basis.dataset, basis.year), compute)


def _headline(store: Store, basis: Basis, a: str, b: str) -> _Headline:
    """Bilateral flows, both sides' totals, shares and partner HHI, from `pair_sums`."""
    sums = pair_sums(store, basis)
    for country in (a, b):
        if country not in sums.imports and country not in sums.exports:
            raise NoDataError(
                f"{country} has no trade in {basis.label} ({basis.dataset}, "
                f"{basis.year}); pick another year, dataset or --source"
            )

    def get(side: str, country: str, column: str = "total") -> float:
        if side.startswith("to_"):
            value = sums.bilateral.get((country, side[3:]), 0.0)
        else:
            table = sums.imports if side == "imports" else sums.exports
            total, hhi = table.get(country, (0.0, 0.0))
            value = total if column == "total" else hhi
        return 0.0 if pd.isna(value) else float(value)

    a_to_b, b_to_a = get(f"to_{b}", a), get(f"to_{a}", b)
    ax, am, bx, bm = (get("exports", a), get("imports", a), get("exports", b), get("imports", b))
    totals: dict[str, float | None] = {
        "a_exports": ax,
        "a_imports": am,
        "b_exports": bx,
        "b_imports": bm,
    }
    shares = {
        "b_in_a_imports": _ratio(b_to_a, am),
        "b_in_a_exports": _ratio(a_to_b, ax),
        "a_in_b_imports": _ratio(a_to_b, bm),
        "a_in_b_exports": _ratio(b_to_a, bx),
        "b_in_a_trade": _ratio(a_to_b + b_to_a, ax + am),
        "a_in_b_trade": _ratio(a_to_b + b_to_a, bx + bm),
    }
    asymmetry = {
        key: _ratio(shares[f"b_in_a_{key}"] or 0.0, shares[f"a_in_b_{key}"] or 0.0)
        for key in ("imports", "exports", "trade")
    }
    hhi = {
        f"{who}_{side}": (get(side, c, "hhi") or None)
        for who, c in (("a", a), ("b", b))
        for side in ("imports", "exports")
    }
    return _Headline({"a_to_b": a_to_b, "b_to_a": b_to_a}, totals, shares, asymmetry, hhi)


def _series(
    store: Store, basis: Basis, head: _Headline, a: str, b: str, *, dataset: str | None
) -> list[dict[str, Any]]:
    """The headline for every year in the store (one dataset per year, as `resolve_basis`)."""
    years = [basis.year] if basis.source == "icio" else available_years(store, dataset=dataset)
    series = []
    for year in years:
        if year == basis.year:
            basis_y, head_y = basis, head  # already computed by the caller
        else:
            basis_y = resolve_basis(store, source=basis.source, year=year, dataset=dataset)
            try:
                head_y = _headline(store, basis_y, a, b)
            except NoDataError:
                continue  # one side has no trade that year: a gap, not an error
        series.append(
            {
                "year": year,
                "dataset": basis_y.dataset,
                "source": basis_y.source,
                **head_y.flows_usd,
                "turnover": sum(v or 0.0 for v in head_y.flows_usd.values()),
                **{f"share_{k}": v for k, v in head_y.shares.items()},
                **{f"hhi_{k}": v for k, v in head_y.hhi.items()},
            }
        )
    return series


def composition(
    store: Store, basis: Basis, exporter: str, importer: str, *, top: int, level: CompositionLevel
) -> list[dict[str, Any]]:
    """What flows from exporter to importer on ``basis``: sectors (ICIO) or HS sections or
    chapters, largest first, each with its share of the flow. (At most a hundred rows,
    summed in Python: under the profiler a composition took 34 ms with pandas' merge and
    groupby, 7 ms now, nearly all of it the query.)
    """
    params = {**basis.params, "x": exporter, "y": importer}
    parts: dict[str, tuple[str | None, float]] = {}  # code -> (name, USD)
    if basis.source == "icio":
        rows = store.rows(
            f"""SELECT t.item, any_value(n.sector_name), sum(t.value_usd)
                FROM ({basis.sql}) t
                LEFT JOIN io_nodes n ON n.sector = t.item AND n.country = t.exporter
                WHERE t.exporter = $x AND t.importer = $y GROUP BY t.item""",
            params,
        )
        parts = {str(code): (name, float(value)) for code, name, value in rows}
    else:
        rows = store.rows(
            f"""SELECT substr(item, 1, 2) AS chapter, sum(value_usd)
                FROM ({basis.sql}) t WHERE exporter = $x AND importer = $y GROUP BY chapter""",
            params,
        )
        sections = hs_sections()
        for chapter, value in rows:
            section, section_name = sections.get(chapter, (None, None))
            if level == "section":
                code, name = section or "?", section_name  # "?": a chapter in no section
            else:
                code, name = str(chapter), f"HS {chapter} ({section_name or '?'})"
            parts[code] = (name, parts.get(code, (None, 0.0))[1] + float(value))
    total = sum(value for _, value in parts.values())
    ranked = sorted(parts.items(), key=lambda part: -part[1][1])[:top]
    return [
        {"code": code, "name": name, "value_usd": value, "share": value / total if total else 0.0}
        for code, (name, value) in ranked
    ]
