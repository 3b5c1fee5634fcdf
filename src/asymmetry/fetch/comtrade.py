"""UN Comtrade connector: declarations by reporter, fetched, cached, then ingested.

One query per (year, flow) keeps most answers under the API's record limit
(100,000 records per call with a subscription key, 500 on the keyless
preview endpoint). An answer that reaches the limit was cut short: it is
never used, and the query is asked again in parts (every reporter or
partner becomes batches of 40 countries, a batch is halved) until each part
fits; a single reporter-partner pair that still does not fit raises
`FetchError` (ask at HS4, or with a key). Answers are cached by query
(`QueryCache`), so a run that stops half way resumes where it stopped and a
repeated run makes no request. Only when every query has answered are the
records written out as a declarations file (one per HS revision) and
ingested with `ingest_reported`, in one transaction each: nothing
half-fetched reaches the store.

Mirror mode asks every other country for its declarations of trade *with*
``partner`` (the way to rebuild a non-reporter's trade, e.g. Russia since
2022); the mirror metrics then read them.

The official client `comtradeapicall` cannot be used for this: on any
status but 200 it prints the body and returns None (``PreviewGet.getPreviewData``),
so a rate limit cannot be told from a server error and neither can be
retried. We call the same documented endpoints with the same parameters.

Reference: UN Comtrade API v1, https://comtradeapi.un.org (``/data/v1/get/C/A/HS``).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import httpx
import pandas as pd

from asymmetry.errors import AsymmetryError
from asymmetry.fetch.cache import QueryCache
from asymmetry.fetch.http import FetchError, RetryPolicy, get, http_client
from asymmetry.store.codes import COMTRADE_SPECIAL_CODES, reference_countries, resolve_country
from asymmetry.store.ingest_tidy import ingest_reported
from asymmetry.store.provenance import IngestReport
from asymmetry.store.store import ProgressCallback, Store

API_URL = "https://comtradeapi.un.org/data/v1/get/C/A/HS"
PREVIEW_URL = "https://comtradeapi.un.org/public/v1/preview/C/A/HS"
KEY_ENV = "COMTRADE_API_KEY"
MAX_RECORDS = 100_000  # per call with a (free) subscription key
PREVIEW_MAX_RECORDS = 500  # per call without a key
LEVELS = {"hs2": "AG2", "hs4": "AG4", "hs6": "AG6"}
FLOW_CODES = {"import": "M", "export": "X"}
BATCH = 40  # countries per query when an "all" side is split
# Comtrade's classificationCode of "as reported" HS data -> our revision names.
REVISIONS = {
    "H0": "HS92",
    "H1": "HS96",
    "H2": "HS02",
    "H3": "HS07",
    "H4": "HS12",
    "H5": "HS17",
    "H6": "HS22",
}
RECORD_FIELDS = ("refYear", "reporterCode", "partnerCode", "flowCode", "cmdCode", "primaryValue")


def comtrade_code(country: str) -> str:
    """Comtrade's numeric code for a country (842 for the USA, 251 France, 490 Other Asia...)."""
    iso3 = resolve_country(country)
    for code, (iso, _) in COMTRADE_SPECIAL_CODES.items():
        if iso == iso3:
            return code
    row = reference_countries().set_index("iso3").loc[iso3]
    if pd.isna(row["iso_numeric"]):
        raise AsymmetryError(f"{iso3} has no numeric code to ask Comtrade for")
    return str(int(row["iso_numeric"]))


def parse_years(spec: str | Iterable[int]) -> list[int]:
    """``2015-2023``, ``2019,2021`` or a list of years, ascending."""
    if not isinstance(spec, str):
        return sorted(set(int(y) for y in spec))
    years: set[int] = set()
    for part in spec.split(","):
        found = re.fullmatch(r"\s*(\d{4})\s*(?:-\s*(\d{4})\s*)?", part)
        if not found:
            raise AsymmetryError(f"cannot read years {spec!r}; write 2015-2023 or 2019,2021")
        first, last = int(found.group(1)), int(found.group(2) or found.group(1))
        if last < first:
            raise AsymmetryError(f"year range {part.strip()!r} runs backwards")
        years.update(range(first, last + 1))
    return sorted(years)


@dataclass(frozen=True, slots=True)
class Query:
    """One API call: a year and a flow, for some reporters and partners (None = all)."""

    year: int
    flow: str
    reporters: tuple[str, ...] | None  # Comtrade codes; None = every reporter
    partners: tuple[str, ...] | None  # Comtrade codes; None = every partner
    level: str

    def params(self, max_records: int) -> dict[str, Any]:
        params: dict[str, Any] = {
            "period": str(self.year),
            "flowCode": FLOW_CODES[self.flow],
            "cmdCode": LEVELS[self.level],
            "partner2Code": "0",  # no breakdown by second partner,
            "customsCode": "C00",  # customs procedure
            "motCode": "0",  # or mode of transport: totals only
            "maxRecords": max_records,
            "format": "JSON",
            "includeDesc": "false",
        }
        if self.reporters is not None:
            params["reporterCode"] = ",".join(self.reporters)
        if self.partners is not None:
            params["partnerCode"] = ",".join(self.partners)
        return params

    def label(self) -> str:
        def side(codes: tuple[str, ...] | None) -> str:
            if codes is None:
                return "all"
            return ",".join(codes) if len(codes) <= 3 else f"{len(codes)} countries"

        who = f"reporter {side(self.reporters)}, partner {side(self.partners)}"
        return f"Comtrade {self.year} {self.flow}s ({who}, {self.level})"

    def narrower(self, everyone: tuple[str, ...]) -> list[Query]:
        """Smaller queries covering this one, for an answer cut short at the record limit:
        an "all" side becomes batches of countries, a batch is halved. Empty if this
        query is one reporter and one partner already."""

        def batches(fixed: tuple[str, ...] | None) -> list[tuple[str, ...]]:
            pool = tuple(c for c in everyone if not fixed or c not in fixed)
            return [pool[i : i + BATCH] for i in range(0, len(pool), BATCH)]

        def halves(codes: tuple[str, ...]) -> list[tuple[str, ...]]:
            return [codes[: len(codes) // 2], codes[len(codes) // 2 :]]

        if self.reporters is None:
            return [replace(self, reporters=b) for b in batches(self.partners)]
        if self.partners is None:
            return [replace(self, partners=b) for b in batches(self.reporters)]
        if len(self.reporters) > 1:
            return [replace(self, reporters=h) for h in halves(self.reporters)]
        if len(self.partners) > 1:
            return [replace(self, partners=h) for h in halves(self.partners)]
        return []


def every_country_code() -> tuple[str, ...]:
    """Comtrade codes of every country in the reference table (the pool batches come from)."""
    codes = set()
    for iso3 in reference_countries()["iso3"]:
        try:
            codes.add(comtrade_code(str(iso3)))
        except AsymmetryError:
            continue  # no numeric code: Comtrade cannot be asked about it
    return tuple(sorted(codes, key=int))


@dataclass
class FetchReport:
    """What a fetch did: queries answered from the cache or the API, and the ingests."""

    queries: int = 0
    from_cache: int = 0
    requested: int = 0
    split: int = 0  # answers cut short at the record limit and asked again in parts
    records: int = 0
    files: list[Path] = field(default_factory=list)
    ingests: list[IngestReport] = field(default_factory=list)

    def summary(self) -> str:
        loaded = ", ".join(f"{r.dataset} ({r.status}, {r.rows:,} rows)" for r in self.ingests)
        split = f", {self.split} cut short and split" if self.split else ""
        return (
            f"{self.queries} queries ({self.from_cache} from the cache, {self.requested} "
            f"requested{split}), {self.records:,} records; {loaded or 'nothing ingested'}"
        )


def fetch_comtrade(
    store: Store,
    *,
    reporter: str,
    partner: str | None = None,
    years: str | Iterable[int],
    level: str = "hs6",
    flows: Sequence[str] = ("import", "export"),
    key: str | None = None,
    mirror: bool = False,
    cache_dir: str | Path | None = None,
    client: httpx.Client | None = None,
    policy: RetryPolicy | None = None,
    progress: ProgressCallback | None = None,
) -> FetchReport:
    """Fetch ``reporter``'s declarations (with ``partner`` if given) and ingest them.

    ``mirror``: fetch every country's declarations of trade with ``reporter``
    instead (its mirror flows). Without ``key`` the keyless preview endpoint
    is used (500 records a call: enough for a pair at HS2/HS4).
    """
    if level not in LEVELS:
        raise AsymmetryError(f"unknown level {level!r}; use {', '.join(LEVELS)}")
    for flow in flows:
        if flow not in FLOW_CODES:
            raise AsymmetryError(f"unknown flow {flow!r}; use import or export")
    country = (comtrade_code(reporter),)
    other = (comtrade_code(partner),) if partner else None
    queries = [
        Query(year, flow, None, country, level)
        if mirror
        else Query(year, flow, country, other, level)
        for year in parse_years(years)
        for flow in flows
    ]
    url, limit = (API_URL, MAX_RECORDS) if key else (PREVIEW_URL, PREVIEW_MAX_RECORDS)
    headers = {"Ocp-Apim-Subscription-Key": key} if key else {}
    folder = Path(cache_dir) if cache_dir else store.path.parent / "cache" / "comtrade"
    cache = QueryCache(folder / "answers")
    report = FetchReport()
    records: list[dict[str, Any]] = []
    pending = list(reversed(queries))
    everyone: tuple[str, ...] = ()
    with http_client(client) as http:
        while pending:
            query = pending.pop()
            report.queries += 1
            params = query.params(limit)
            cache_key = QueryCache.key(url, params)
            answer = cache.get(cache_key)
            if answer is None:
                response = get(http, url, params=params, headers=headers, policy=policy,
                               what=query.label())  # fmt: skip
                answer = _checked(response, query)
                report.requested += 1
                if len(answer["data"]) >= limit:  # cut short: ask again in smaller parts
                    everyone = everyone or every_country_code()
                    parts = query.narrower(everyone)
                    if not parts:
                        raise FetchError(
                            f"{query.label()}: {len(answer['data']):,} records, the most one "
                            "call returns, for a single reporter and partner; use --level "
                            "hs4 or a subscription key (--key)"
                        )
                    report.split += 1
                    pending += reversed(parts)
                    continue
                cache.put(cache_key, answer)
            else:
                report.from_cache += 1
            records += answer["data"]
            if progress is not None:
                progress("fetching Comtrade", 1 - len(pending) / (len(pending) + report.queries))
    report.records = len(records)
    if not records:
        raise FetchError(f"Comtrade returned no records for {queries[0].label()} and the rest")
    name = _extract_name(reporter, partner, years, level, mirror)
    for revision, path in _write_extracts(records, folder / "extracts", name).items():
        report.files.append(path)
        report.ingests.append(ingest_reported(store, path, hs_revision=revision, progress=progress))
    return report


def _checked(response: httpx.Response, query: Query) -> dict[str, Any]:
    """The answer's JSON if it is well formed; else a `FetchError` saying why."""
    try:
        answer = response.json()
    except ValueError as exc:
        raise FetchError(f"{query.label()}: the answer is not JSON ({exc})") from exc
    if not isinstance(answer, dict) or not isinstance(answer.get("data"), list):
        raise FetchError(f"{query.label()}: malformed answer, no 'data' list")
    if answer.get("error"):
        raise FetchError(f"{query.label()}: Comtrade says {answer['error']!r}")
    for i, record in enumerate(answer["data"]):
        missing = [f for f in RECORD_FIELDS if not isinstance(record, dict) or f not in record]
        if missing:
            raise FetchError(f"{query.label()}: record {i} lacks {', '.join(missing)}")
    return answer


def _extract_name(
    reporter: str, partner: str | None, years: str | Iterable[int], level: str, mirror: bool
) -> str:
    span = parse_years(years)
    who = f"mirror-{resolve_country(reporter)}" if mirror else resolve_country(reporter)
    if partner:
        who += f"-{resolve_country(partner)}"
    return f"comtrade-{who}-{span[0]}-{span[-1]}-{level}"


def _write_extracts(records: list[dict[str, Any]], folder: Path, name: str) -> dict[str, Path]:
    """The records as declaration files (our reported layout), one per HS revision."""
    frame = pd.DataFrame.from_records(records)
    frame = frame[frame["flowCode"].isin(FLOW_CODES.values())]
    codes = frame.get("classificationCode", pd.Series("H5", index=frame.index)).fillna("H5")
    unknown = sorted(set(codes) - set(REVISIONS))
    if unknown:
        raise FetchError(f"unknown HS classification(s) in the answer: {', '.join(unknown)}")
    weight = frame["netWgt"] if "netWgt" in frame else pd.Series(float("nan"), index=frame.index)
    table = pd.DataFrame(
        {
            "year": frame["refYear"].astype(int),
            "reporter": frame["reporterCode"].astype(str),
            "partner": frame["partnerCode"].astype(str),
            "flow": frame["flowCode"],
            "product": frame["cmdCode"].astype(str),
            "value_usd": pd.to_numeric(frame["primaryValue"], errors="coerce"),
            "quantity": pd.to_numeric(weight, errors="coerce") / 1000.0,  # kg -> t
        }
    )
    folder.mkdir(parents=True, exist_ok=True)
    written = {}
    for code, part in table.groupby(codes.to_numpy()):
        revision = REVISIONS[str(code)]
        path = folder / f"{name}-{revision}.csv"
        tmp = path.with_suffix(".part")
        part.to_csv(tmp, index=False)
        tmp.replace(path)
        written[revision] = path
    return written
