"""The built site in a real browser: headless Debian Chromium driven by Playwright.

The site is served on loopback under a sub-path (/ai-briefing/, as on GitHub Pages), every
request elsewhere is aborted. Every page visited must log no console error, throw no
uncaught error and have no request fail or answer an HTTP error (which catches a request
leaving loopback too: it is aborted); ``test_the_page_check_catches_...`` shows the check bites.
Screenshots go to artifacts/screenshots/ (gitignored). Without Chromium or Playwright the tests
skip, except under CI (CI=true), where they fail (tools_util.missing).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import functools
import json
import os
import shutil
import threading
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Iterator

import pytest

from generator.render import build
from generator.render.build import build_site
from site_data import HOSTILE_TITLE, REPO, sample_settings, write_archive
from tools_util import missing

pytestmark = [pytest.mark.browser, pytest.mark.slow]

# Debian's chromium here and in .ci/run; GitHub's Ubuntu runners ship Google Chrome instead.
CHROMIUM = os.environ.get("CHROMIUM_PATH") or next(
    (p for p in ("/usr/bin/chromium", "/usr/bin/google-chrome", "/usr/bin/chromium-browser") if os.path.exists(p)),
    "/usr/bin/chromium",
)
ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--no-first-run",
]
PREFIX = "/ai-briefing/"
OLDER_DAY = dt.date(2025, 12, 31)
NOVEMBER_DAY = dt.date(2025, 11, 30)
SHOTS = REPO / "artifacts" / "screenshots"


def _require_browser():
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        missing("playwright is not installed: `pip install -e '.[test]'`")
    if not (Path(CHROMIUM).exists() or shutil.which(CHROMIUM)):
        missing(f"Chromium not found at {CHROMIUM}: `sudo apt-get install chromium` (or set CHROMIUM_PATH)")


def watch(page) -> list[str]:
    """Every console error, uncaught page error, failed request and HTTP error of ``page``, as text."""
    problems: list[str] = []
    page.on("console", lambda message: problems.append(f"console error: {message.text} ({message.location.get('url')})")
            if message.type == "error" else None)
    page.on("pageerror", lambda exc: problems.append(f"page error: {exc}"))
    page.on("requestfailed", lambda request: problems.append(f"request failed: {request.url} ({request.failure})"))
    page.on("response", lambda response: problems.append(f"HTTP {response.status}: {response.url}") if response.status >= 400 else None)
    return problems


def _loopback_only(page, base_url: str) -> None:
    # anything else (fonts, a GitHub API call for repo stats...) is refused, and so reported by watch()
    page.route("**/*", lambda route: route.continue_() if route.request.url.startswith(base_url) else route.abort())


class _SubPathHandler(SimpleHTTPRequestHandler):
    """Serves the site directory under PREFIX only, quietly."""

    def translate_path(self, path):
        if not path.startswith(PREFIX):
            return str(Path(self.directory) / "__not_found__")
        return super().translate_path("/" + path[len(PREFIX):])

    def log_message(self, format, *args):
        pass


@pytest.fixture(scope="module")
def site_dir(tmp_path_factory):
    _require_browser()
    root = tmp_path_factory.mktemp("browser-site")
    archive = write_archive(root / "data")
    # A day of the previous year, so the site has two years of Pagefind bundles that search
    # merges, and one more in November holding one of its items first (2603.20002, about
    # latent reasoning): with a bundle cap of 1 record, 2025 is cut into two bundles.
    first = min(archive.load_editions(), key=lambda e: e.date)
    archive.save_edition(first.model_copy(update={"date": OLDER_DAY}))
    november = [s.model_copy(update={"entries": [e for e in s.entries if e.item == "arxiv:2603.20002"]}) for s in first.sections]
    archive.save_edition(first.model_copy(update={"date": NOVEMBER_DAY, "sections": [s for s in november if s.entries]}))
    site = root / "site"
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(build, "RECORDS_PER_BUNDLE", 1)
        build_site(sample_settings(root / "data"), site)
    assert [len(names) for _, names in json.loads((site / "pagefind" / "bundles.json").read_text())] == [1, 2]
    return site


@contextlib.contextmanager
def serving(site_dir) -> Iterator[str]:
    """A built site on loopback, under the published URL's path prefix; yields its base URL."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_SubPathHandler, directory=str(site_dir)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}{PREFIX}"
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture(scope="module")
def base_url(site_dir):
    with serving(site_dir) as url:
        yield url


@pytest.fixture(scope="module")
def browser():
    _require_browser()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        instance = p.chromium.launch(executable_path=CHROMIUM, args=ARGS, headless=True)
        try:
            yield instance
        finally:
            instance.close()


@pytest.fixture
def page(browser, base_url):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    _loopback_only(page, base_url)
    dialogs: list[str] = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    problems = watch(page)
    yield page
    context.close()
    assert not dialogs, f"a dialog opened (script from data ran?): {dialogs}"
    assert not problems, "the pages visited logged errors or failed requests:\n" + "\n".join(problems)


def shot(page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=False)


def test_home_to_day_to_category(page, base_url):
    page.goto(base_url)
    assert page.title().startswith("AI 研究简报")
    shot(page, "home")
    page.get_by_role("link", name="阅读全文 →").click()
    page.wait_for_url("**/days/2026/2026-04-03/")
    # the hostile title is visible as text and ran nothing
    assert page.locator("h3#arxiv-2604-00666").inner_text().replace("¶", "").strip() == HOSTILE_TITLE
    shot(page, "day-hostile")
    page.get_by_role("link", name="← 上一期 2026-04-02").first.click()
    page.wait_for_url("**/days/2026/2026-04-02/")
    assert page.locator("#arxiv-2604-00003").is_visible()
    shot(page, "day")
    # from an item's category to the category's month page, and back to the item's anchor
    page.locator("#arxiv-2604-00003 ~ .item-card").first.get_by_role("link", name="长上下文与记忆").click()
    page.wait_for_url("**/categories/long-context/")
    shot(page, "category")
    page.get_by_role("link", name="2026 年 4 月").click()
    page.wait_for_url("**/categories/long-context/2026-04/")
    page.get_by_role("link", name="MemFold: Folding Long Contexts into Reusable Memory").click()
    page.wait_for_url("**/days/2026/2026-04-02/#arxiv-2604-00003")
    assert page.locator("#arxiv-2604-00003").is_visible()


def test_feed_link_in_head(page, base_url):
    page.goto(base_url + "days/2026/2026-04-01/")
    href = page.locator('head link[rel="alternate"][type="application/rss+xml"]').first.get_attribute("href")
    response = page.request.get(page.url.rsplit("/", 1)[0] + "/" + href if not href.startswith("http") else href)
    assert response.status == 200 and b"<rss" in response.body()


def search(page, base_url, query: str, years: str = "") -> list[str]:
    page.goto(base_url + "search/" + (f"?years={years}" if years else ""))
    box = page.locator(".pagefind-ui__search-input")
    box.fill(query)
    page.locator(".pagefind-ui__result-link").first.wait_for(timeout=15_000)
    return [a.get_attribute("href") for a in page.locator(".pagefind-ui__result-link").all()]


# One result per item, at its card on the day it first appeared (the 2026-03-31 items were
# first listed on OLDER_DAY, a copy of that edition, and 2603.20002 on NOVEMBER_DAY before it).
@pytest.mark.parametrize(
    "query, years, url",
    [("长上下文", "", "2026/2026-04-02/#arxiv-2604-00003"),
     ("latent reasoning", "2026,2025", "2025/2025-11-30/#arxiv-2603-20002"),
     ("Repository-Level Repair", "", "2026/2026-04-02/#arxiv-2604-00004")],
)
def test_pagefind_search_finds_the_item(page, base_url, query, years, url):
    hrefs = search(page, base_url, query, years)
    assert hrefs[0] == PREFIX + "days/" + url, hrefs  # result links respect the sub-path
    shot(page, "search-" + url.split("/")[1])
    page.locator(".pagefind-ui__result-link").first.click()
    page.wait_for_url("**/days/" + url)
    assert page.locator("#" + url.rsplit("#", 1)[1]).is_visible()


def test_dark_mode_and_phone(browser, base_url, page):
    page.goto(base_url + "days/2026/2026-03-31/")
    scheme = page.locator("body").get_attribute("data-md-color-scheme")
    page.locator("label.md-header__button[for^='__palette']").first.click()
    assert page.locator("body").get_attribute("data-md-color-scheme") != scheme
    shot(page, "day-dark")
    phone = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True)
    try:
        mobile = phone.new_page()
        _loopback_only(mobile, base_url)
        problems = watch(mobile)
        mobile.goto(base_url + "days/2026/2026-03-31/")
        width = mobile.evaluate("document.documentElement.scrollWidth")
        assert width <= 390 + 1, f"horizontal scroll on a phone: {width}px"
        shot(mobile, "day-phone")
        assert not problems, problems
    finally:
        phone.close()


def test_search_offers_the_years_and_merges_those_ticked(page, base_url):
    """Each year has its own Pagefind bundles (here 2025 has two); the newest year is searched by
    default (what one query downloads stays bounded), and ticking an older year searches all
    of its bundles too, query kept."""
    hrefs = search(page, base_url, "latent reasoning")
    assert hrefs and all("/days/2026/" in h for h in hrefs), hrefs  # pagefind/ (2026) only
    years = page.locator("#search-years")
    assert years.locator("legend").inner_text() == "搜索的年份"
    assert years.get_by_label("2026").is_checked() and not years.get_by_label("2025").is_checked()
    years.get_by_label("2025").check()
    page.wait_for_url("**/search/?q=latent+reasoning&years=2026%2C2025")
    page.locator(".pagefind-ui__result-link").first.wait_for(timeout=15_000)
    page.wait_for_load_state("networkidle")
    hrefs = [a.get_attribute("href") for a in page.locator(".pagefind-ui__result-link").all()]
    assert any("/days/2025/2025-11-30/#" in h for h in hrefs), hrefs  # from pagefind-2025-11/, 2025's second bundle
    assert any("/days/2026/" in h for h in hrefs), hrefs
    assert all(h.startswith(PREFIX) for h in hrefs), hrefs


PROBE = """<!doctype html><html><head><meta charset="utf-8"><title>probe</title></head><body>
<script>console.error("probe: a console error");</script>
<script>fetch("no-such-file.json").catch(function () {});</script>
<script>fetch("https://example.invalid/tracker.js").catch(function () {});</script>
<script>throw new Error("probe: an uncaught error");</script>
</body></html>
"""


def test_the_page_check_catches_console_errors_page_errors_and_failed_requests(browser, base_url, site_dir):
    """The control for watch(): a page (not part of the site) that does each thing once."""
    (site_dir / "probe-errors.html").write_text(PROBE, encoding="utf-8")
    context = browser.new_context()
    try:
        page = context.new_page()
        _loopback_only(page, base_url)
        problems = watch(page)
        page.goto(base_url + "probe-errors.html")
        page.wait_for_load_state("networkidle")
    finally:
        context.close()
        (site_dir / "probe-errors.html").unlink()
    text = "\n".join(problems)
    assert "console error: probe: a console error" in text
    assert "page error: probe: an uncaught error" in text
    assert "HTTP 404: " + base_url + "no-such-file.json" in text
    assert "request failed: https://example.invalid/tracker.js" in text
