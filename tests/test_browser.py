"""The dashboard and the file report in a real browser (Playwright driving Debian's Chromium).

Screenshots are kept in ``test-artifacts/``. Without /usr/bin/chromium the tests
skip, unless ASYMMETRY_REQUIRE_BROWSER is set (CI sets it: there, a missing
browser is a failure, not a skip).
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

import pytest

import asymmetry
from asymmetry.report.build import build_report
from asymmetry.report.render import write_report
from asymmetry.web import pages
from tests.live_server import serve

CHROMIUM = Path("/usr/bin/chromium")
ARTIFACTS = Path(__file__).resolve().parent.parent / "test-artifacts"
LAUNCH_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]

pytestmark = pytest.mark.slow

if not CHROMIUM.exists():
    if os.environ.get("ASYMMETRY_REQUIRE_BROWSER"):
        raise RuntimeError(f"{CHROMIUM} is missing; `apt-get install chromium`")
    pytest.skip(f"{CHROMIUM} is not installed", allow_module_level=True)

sync_api = pytest.importorskip("playwright.sync_api")


@pytest.fixture(scope="module")
def server(default_store_file: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    path = tmp_path_factory.mktemp("browser") / "store.duckdb"
    shutil.copy(default_store_file, path)
    with serve(path) as url:
        yield url


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    with sync_api.sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=str(CHROMIUM), args=LAUNCH_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser: Any, request: pytest.FixtureRequest) -> Iterator[Any]:
    """A fresh page that records every request and script error; screenshot at the end."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    # Playwright's init scripts run whatever the page's policy: this one records its violations.
    context.add_init_script(
        "window.__csp = [];"
        "document.addEventListener('securitypolicyviolation', e =>"
        " window.__csp.push(e.violatedDirective + ' ' + (e.blockedURI || 'inline')));"
    )
    tab = context.new_page()
    # a pair's first page builds its report (seconds; more on a loaded 2-core machine)
    tab.set_default_timeout(120_000)
    tab.requests, tab.errors, tab.console = [], [], []
    tab.on("request", lambda r: tab.requests.append(r.url))
    tab.on("pageerror", lambda e: tab.errors.append(str(e)))
    tab.on("console", lambda m: tab.console.append(m.text))
    yield tab
    ARTIFACTS.mkdir(exist_ok=True)
    tab.screenshot(path=str(ARTIFACTS / f"{request.node.name}.png"), full_page=True)
    context.close()


def only_local(urls: list[str]) -> list[str]:
    """The requests that left the machine (anything but loopback, file: and data:)."""
    return [
        u
        for u in urls
        if not u.startswith(("data:", "file:", "blob:"))
        and urlparse(u).hostname not in ("127.0.0.1", "localhost")
    ]


def test_pair_explorer_renders_the_chart(page: Any, server: str) -> None:
    page.goto(f"{server}/pair?a=DEU&b=USA")
    page.select_option("select[name=a]", "RUS")
    page.select_option("select[name=b]", "CHN")
    page.click("[data-testid=pair-form] button")
    page.wait_for_url("**/pair?a=RUS&b=CHN*")
    headline = page.locator("[data-testid=headline]").inner_text()
    assert "China supplied" in headline and "of Russia's imports" in headline
    chart = page.locator("#chart-headline svg.main-svg").first
    chart.wait_for()
    bars = page.locator("#chart-headline .bars path")
    assert bars.count() == 6  # 3 measures x 2 sides
    assert page.locator("div.chart svg.main-svg").count() >= 5
    assert page.errors == []
    assert only_local(page.requests) == []


def test_api_docs_render_the_openapi_31_schema(page: Any, server: str) -> None:
    """Swagger UI 4.15 showed "Unable to render this definition" for OpenAPI 3.1."""
    responses: list[Any] = []
    page.on("response", lambda r: responses.append(r))
    page.goto(f"{server}/docs")
    operation = page.locator(".opblock-summary-path", has_text="/api/profile").first
    operation.wait_for(timeout=20_000)
    assert "Unable to render" not in page.content()
    assert page.errors == []
    assert only_local(page.requests) == []
    assert [r.url for r in responses if r.status >= 400] == []  # favicon included


# Every page of web/pages.py, with what shows that it drew: (path, selector, count).
PAGES = {
    "/": ("#chart-headline svg.main-svg", 1),  # redirects to /pair?a=RUS&b=CHN
    "/pair": ("div.chart svg.main-svg", 5),
    "/brief": ("div.chart svg.main-svg", 1),
    "/dependencies": ("#deps tbody tr", 10),
    "/levers": ("[data-testid=lever-form]", 1),
    "/claims": ("[data-testid=claims-form]", 1),
    "/docs": (".opblock-summary-path", 5),
}


def csp_violations(page: Any) -> list[str]:
    reported = page.evaluate("window.__csp")
    return [*reported, *(m for m in page.console if "Content Security Policy" in m)]


def test_every_page_satisfies_the_content_security_policy(page: Any, server: str) -> None:
    served = {r.path for r in pages.router.routes if "GET" in getattr(r, "methods", ())}
    assert served == set(PAGES)  # a new page gets a row here
    policy = page.request.get(f"{server}/claims").headers["content-security-policy"]
    assert "script-src 'self';" in policy and "unsafe-eval" not in policy
    page.set_default_timeout(120_000)  # the first /pair and /brief build their report
    for path, (drawn, count) in PAGES.items():
        page.goto(f"{server}{path}")
        page.locator(drawn).nth(count - 1).wait_for(timeout=60_000)
        assert csp_violations(page) == [], path
    page.goto(f"{server}/levers?run=1&lever=price-discount&products=fuels&draws=50")
    page.locator("#chart-lever svg.main-svg").first.wait_for()
    page.goto(f"{server}/claims")
    page.fill("textarea[name=text]", "Sino-Russian trade turnover was $120 billion in 2021.")
    page.click("[data-testid=claims-form] button")
    mark = page.locator("mark.discrepant[title]")
    mark.wait_for()
    # claims.css, now a linked file, is applied (a bare <mark> is yellow)
    assert mark.evaluate("m => getComputedStyle(m).backgroundColor") == "rgb(247, 185, 178)"
    assert csp_violations(page) == [] and page.errors == []
    assert only_local(page.requests) == []


def _column(page: Any, table: str, index: int) -> list[float]:
    cells = page.locator(f"{table} tbody tr:not([hidden]) td:nth-child({index})")
    return [float(v) for v in cells.evaluate_all("cs => cs.map(c => c.dataset.value)")]


def test_dependencies_table_sorts_and_filters(page: Any, server: str) -> None:
    page.goto(f"{server}/dependencies?country=RUS&on=CHN&top=40")
    header = page.locator("#deps thead th", has_text="from CHN")
    header.click()
    ascending = _column(page, "#deps", 3)
    assert len(ascending) == 40 and ascending == sorted(ascending)
    header.click()
    descending = _column(page, "#deps", 3)
    assert descending == sorted(ascending, reverse=True)
    assert header.get_attribute("aria-sort") == "descending"
    rows = page.locator("#deps tbody tr")
    flagged = page.locator("#deps tbody tr[data-ec='1']").count()
    page.check("[data-filter-for=deps][data-filter=ec]")
    visible = page.locator("#deps tbody tr:not([hidden])").count()
    assert visible == flagged < rows.count()
    link = page.locator("a[download]").get_attribute("href")
    assert link.startswith("/api/dependencies?") and "format=csv" in link
    assert page.errors == []


def test_lever_form_submits_and_shows_intervals(page: Any, server: str) -> None:
    page.goto(f"{server}/levers")
    page.select_option("select[name=sender]", "CHN")
    page.select_option("select[name=target]", "RUS")
    page.select_option("select[name=lever]", "price-discount")
    page.fill("input[name=products]", "fuels")
    page.fill("input[name=low]", "0.1")
    page.fill("input[name=high]", "0.3")
    page.fill("input[name=draws]", "300")
    page.click("[data-testid=lever-form] button")
    result = page.locator("[data-testid=lever-result]")
    result.wait_for()
    assert "price-discount on fuels" in result.inner_text()
    assert page.locator("[data-testid=cost-target]").inner_text().startswith("USD")
    page.locator("#chart-lever svg.main-svg").first.wait_for()
    assert "the sender gains" in result.inner_text()  # a discount moves money to the buyer
    # A bad form value is shown on the page with the API's status.
    bad = page.goto(f"{server}/levers?run=1&lever=price-discount&products=nonsense")
    assert bad.status == 422
    assert "unknown product group" in page.locator("[data-testid=error]").inner_text()


def test_claims_paste_is_annotated(page: Any, server: str) -> None:
    page.goto(f"{server}/claims")
    page.fill(
        "textarea[name=text]",
        "Sino-Russian trade turnover was $120 billion in 2021.",
    )
    page.click("[data-testid=claims-form] button")
    mark = page.locator("mark.discrepant[title]")
    mark.wait_for()
    assert mark.inner_text() == "$120 billion"
    # the verdict's reason and reference are on the page, not only in the tooltip
    note = page.locator("ol.verdicts li.discrepant").first
    assert "USD 146.9 bn" in note.inner_text() and "China GAC" in note.inner_text()
    assert "1 of 1 claims" in page.locator("[data-testid=claims-coverage]").inner_text()


def test_file_report_works_offline(page: Any, default_store_file: Path, tmp_path: Path) -> None:
    with asymmetry.open(default_store_file, read_only=True) as store:
        report = build_report(store, "RUS", "CHN", draws=100)
    path = write_report(report, tmp_path / "russia-china.html")
    assert "/static/" not in path.read_text()  # self-contained: only served pages link /static
    page.goto(path.as_uri())
    page.locator("#chart-headline svg.main-svg").first.wait_for()
    assert page.locator("div.chart svg.main-svg").count() >= 6
    assert only_local(page.requests) == []
    assert page.errors == []
