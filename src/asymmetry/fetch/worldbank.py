"""World Bank GDP (current USD) into the facts table, for "% of GDP" figures.

One documented call per page of the World Bank API v2 indicator endpoint
(``/v2/country/{codes}/indicator/NY.GDP.MKTP.CD?date=2015:2023&format=json``),
retried on 429/5xx and cached by query like every fetch. `wbgapi` is not
used: its ``data.fetch`` first asks the API for the database's concepts and
its list of aggregates, three calls where one answers, each needing its own
recorded reply. The answer is written as a facts file (indicator
``gdp_usd``, USD bn, with the API's last-update date) and ingested with
`ingest_facts`, so it carries provenance like any cited figure.

`asymmetry.metrics.gdp` reads it back, falling back to value added in the
embedded ICIO 2022 network when no World Bank figure is stored (offline).

Reference: World Bank, World Development Indicators, NY.GDP.MKTP.CD,
https://datahelpdesk.worldbank.org/knowledgebase/articles/898581 (API v2 basic calls).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

import httpx
import pandas as pd

from asymmetry.fetch.cache import QueryCache
from asymmetry.fetch.comtrade import parse_years
from asymmetry.fetch.http import FetchError, RetryPolicy, get, http_client
from asymmetry.metrics.gdp import GDP_FACT, WORLD_BANK
from asymmetry.store.codes import resolve_country
from asymmetry.store.ingest_facts import ingest_facts
from asymmetry.store.provenance import IngestReport
from asymmetry.store.store import Store

WB_URL = "https://api.worldbank.org/v2/country/{countries}/indicator/{indicator}"
GDP_INDICATOR = "NY.GDP.MKTP.CD"
PER_PAGE = 1000


def fetch_gdp(
    store: Store,
    countries: Sequence[str],
    years: str | Iterable[int],
    *,
    cache_dir: str | Path | None = None,
    client: httpx.Client | None = None,
    policy: RetryPolicy | None = None,
) -> IngestReport:
    """GDP in current USD for ``countries`` over ``years``, ingested as facts."""
    codes = sorted({resolve_country(c) for c in countries})
    span = parse_years(years)
    url = WB_URL.format(countries=";".join(codes), indicator=GDP_INDICATOR)
    folder = Path(cache_dir) if cache_dir else store.path.parent / "cache" / "worldbank"
    cache = QueryCache(folder / "answers")
    rows: list[dict[str, Any]] = []
    updated = ""
    page, pages = 1, 1
    with http_client(client) as http:
        while page <= pages:
            params = {"format": "json", "date": f"{span[0]}:{span[-1]}",
                      "per_page": PER_PAGE, "page": page}  # fmt: skip
            key = QueryCache.key(url, params)
            answer = cache.get(key)
            if answer is None:
                response = get(http, url, params=params, policy=policy,
                               what=f"World Bank GDP page {page}")  # fmt: skip
                answer = _checked(response, page)
                cache.put(key, answer)
            header, records = answer
            pages, updated = int(header["pages"]), str(header.get("lastupdated", ""))
            rows += [r for r in records if r.get("value") is not None and int(r["date"]) in span]
            page += 1
    if not rows:
        raise FetchError(f"the World Bank has no GDP figures for {', '.join(codes)} in {span}")
    facts = pd.DataFrame(
        {
            "indicator": GDP_FACT,
            "country": [r["countryiso3code"] for r in rows],
            "year": [int(r["date"]) for r in rows],
            "period": [str(r["date"]) for r in rows],
            "value": [float(r["value"]) / 1e9 for r in rows],
            "unit": "USD bn",
            "source": WORLD_BANK,
            "locator": f"API v2, last updated {updated}" if updated else "API v2",
            "url": url,
        }
    )
    name = f"worldbank-gdp-{'-'.join(codes) if len(codes) <= 4 else f'{len(codes)}countries'}"
    path = folder / "extracts" / f"{name}-{span[0]}-{span[-1]}.csv"
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".part")
    facts.to_csv(tmp, index=False)
    tmp.replace(path)
    return ingest_facts(store, path)


def _checked(response: httpx.Response, page: int) -> list[Any]:
    """``[header, records]`` of a v2 answer; the API's own error message otherwise."""
    try:
        answer = response.json()
    except ValueError as exc:
        raise FetchError(f"World Bank page {page}: the answer is not JSON ({exc})") from exc
    if isinstance(answer, list) and answer and isinstance(answer[0], dict):
        if "message" in answer[0]:
            message = answer[0]["message"][0]
            raise FetchError(f"World Bank: {message.get('key')}: {message.get('value')}")
        if len(answer) == 2 and isinstance(answer[1], list) and "pages" in answer[0]:
            for i, record in enumerate(answer[1]):
                if not isinstance(record, dict) or not {"countryiso3code", "date", "value"} <= set(
                    record
                ):
                    raise FetchError(f"World Bank page {page}: record {i} is malformed")
            return answer
        if len(answer) == 1 or answer[1] is None:  # no data for the query
            return [answer[0], []]
    raise FetchError(f"World Bank page {page}: unrecognised answer layout")
