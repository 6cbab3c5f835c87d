"""The replayed day's site as a reader meets it, in headless Chromium (Playwright):
item-level search and accessibility (axe-core) at desktop and phone widths, light and dark.

Served on loopback under the GitHub Pages sub-path, every other request aborted (the
set-up and fixtures of test_browser.py). axe-core comes from the npm registry into
tests/axe/node_modules (scripts/setup.sh runs ``npm ci`` there); without it, or without
Chromium, the tests skip locally and fail under CI (CI=true).
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from generator.ids import anchor
from generator.models import Item
from generator.render.escape import one_line
from generator.render.index import SiteIndex
from generator.store import Archive
from test_browser import PREFIX, SHOTS, _loopback_only, _require_browser, base_url, browser, serving, site_dir, watch  # noqa: F401  (fixtures)
from tools_util import missing


@pytest.fixture(scope="module")
def replayed_site(full_day_site):
    """The recorded day as a busy day looks: every item it could list (conftest.full_day_site).
    The shipped edition lists only what clears the reader's bar, too few for these checks."""
    return full_day_site


pytestmark = [pytest.mark.browser, pytest.mark.slow]

AXE = Path(__file__).parent / "axe" / "node_modules" / "axe-core" / "axe.min.js"
DAY = "days/2026/2026-04-30/"
PAGES = {"home": "", "day": DAY, "category": "categories/llm-agents/", "archive": "archive/2026-04/", "search": "search/?q=agent"}
WIDTHS = {"desktop": (1280, 900), "phone": (390, 844)}


def _require_axe() -> str:
    if AXE.is_file():
        return AXE.read_text(encoding="utf-8")
    missing(f"axe-core not installed at {AXE}: `npm ci --prefix tests/axe` (scripts/setup.sh does it)")


@pytest.fixture(scope="module")
def site_url(replayed_site):
    _require_browser()
    site, _ = replayed_site
    with serving(site) as url:
        yield url


@pytest.fixture
def open_page(browser, site_url):  # noqa: F811  (browser is the imported fixture)
    """open_page(width, height, scheme) -> a loopback-only, watched page; closed after the test,
    which then fails on anything the pages logged (console errors, failed requests)."""
    contexts = []

    def make(width: int = 1280, height: int = 900, scheme: str = "light"):
        context = browser.new_context(viewport={"width": width, "height": height}, color_scheme=scheme)
        contexts.append(context)
        page = context.new_page()
        _loopback_only(page, site_url)
        watched.append(watch(page))
        return page

    watched: list[list[str]] = []
    yield make
    for context in contexts:
        context.close()
    logged = [p for found in watched for p in found]
    assert not logged, "the pages visited logged errors or failed requests:\n" + "\n".join(logged)


def wait_for_results(page) -> None:
    page.locator(".pagefind-ui__result").first.wait_for(timeout=15_000)


# --------------------------------------------------------------------------- accessibility


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("width", list(WIDTHS))
def test_no_serious_accessibility_violations(open_page, site_url, scheme, width):
    axe = _require_axe()
    page = open_page(*WIDTHS[width], scheme=scheme)
    failures = []
    for name, path in PAGES.items():
        page.goto(site_url + path)
        expected = "slate" if scheme == "dark" else "default"
        assert page.locator("body").get_attribute("data-md-color-scheme") == expected, (name, scheme)
        if name == "search":
            wait_for_results(page)
        failures += serious_violations(page, axe, f"{name} ({scheme}, {width})")
        SHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SHOTS / f"a11y-{name}-{scheme}-{width}.png"))
    assert not failures, "\n".join(failures)


def serious_violations(page, axe: str, where: str) -> list[str]:
    """axe-core's serious and critical violations on the page as it is now, one line each."""
    page.add_script_tag(content=axe)
    result = page.evaluate("() => axe.run(document, {resultTypes: ['violations']})")
    found = []
    for violation in result["violations"]:
        if violation["impact"] in ("serious", "critical"):
            targets = [" ".join(map(str, node["target"])) for node in violation["nodes"][:3]]
            found.append(f"{where}: {violation['id']} [{violation['impact']}] "
                         f"{len(violation['nodes'])}× e.g. {targets}: {violation['nodes'][0]['failureSummary'][:200]}")
    return found


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("width", list(WIDTHS))
def test_year_choice_is_accessible(browser, base_url, scheme, width):
    """The search page of a site with two years shows the year checkboxes: axe-clean too."""
    context = browser.new_context(viewport=dict(zip(("width", "height"), WIDTHS[width])), color_scheme=scheme)
    try:
        page = context.new_page()
        _loopback_only(page, base_url)
        problems = watch(page)
        page.goto(base_url + "search/?q=latent+reasoning")
        wait_for_results(page)
        assert page.locator("#search-years input[type=checkbox]").count() == 2
        assert not serious_violations(page, _require_axe(), f"search with years ({scheme}, {width})")
        assert not problems, problems
    finally:
        context.close()


@pytest.mark.parametrize("path", [DAY + "#sources", "categories/"])
def test_tables_are_readable_on_a_phone(open_page, site_url, path):
    """At 390 px every cell of the source-report and category tables is on screen, labelled."""
    page = open_page(*WIDTHS["phone"])
    page.goto(site_url + path)
    table = page.locator("article table").first
    table.scroll_into_view_if_needed()
    cells = page.evaluate("""() => [...document.querySelectorAll('article table td')].map(td => {
        const box = td.getBoundingClientRect();
        return {left: box.left, right: box.right, label: getComputedStyle(td, '::before').content};
    })""")
    assert cells, "no table cells"
    width = page.evaluate("document.documentElement.clientWidth")
    hidden = [c for c in cells if c["left"] < 0 or c["right"] > width + 1]
    assert not hidden, f"{len(hidden)} of {len(cells)} cells off screen at {width}px"
    assert all(c["label"] not in ("none", "normal", "") for c in cells), "stacked cells carry their column label"
    assert page.evaluate("document.documentElement.scrollWidth") <= width + 1
    table.screenshot(path=str(SHOTS / f"phone-table-{path.split('/')[0]}.png"))


# --------------------------------------------------------------------------- search


def _items_shown(replayed_site) -> dict[str, tuple[str, Item]]:
    """anchor -> (title as pages show it, item) for every item of the replayed day."""
    _, settings = replayed_site
    archive = Archive(settings.data_dir)
    items = archive.load_items()
    index = SiteIndex.build(items, archive.load_editions(), settings)
    return {anchor(i): (one_line(index.summaries[i].title), items[i]) for i in index.first_day}


def search_results(page, site_url: str, query: str) -> list[dict]:
    page.goto(site_url + "search/")
    page.locator(".pagefind-ui__search-input").fill(query)
    wait_for_results(page)
    page.wait_for_load_state("networkidle")
    return search_results_now(page)


def _check_item_results(results, shown) -> list:
    """Each result is one item: its card's anchor on its day, its title, kind and date."""
    items = []
    for result in results:
        match = re.fullmatch(re.escape(PREFIX) + r"days/2026/2026-04-30/#([a-z0-9-]+)", result["href"])
        assert match, result
        title, item = shown[match.group(1)]
        assert result["title"] == title, result
        assert "日期: 2026-04-30" in result["tags"] and f"类型: {KIND_ZH[item.kind]}" in result["tags"], result
        items.append(item)
    return items


KIND_ZH = {"paper": "论文", "repo": "仓库", "model": "模型", "dataset": "数据集"}


def test_search_finds_items_not_days(open_page, site_url, replayed_site):
    shown = _items_shown(replayed_site)
    page = open_page()
    results = search_results(page, site_url, "agent")
    items = _check_item_results(results, shown)
    assert len(items) >= 8, [r["title"] for r in results]  # about ten agent items that day, not one day
    # each says "agent" in its text, or in the name of a reader's interest it matched (Agentic RL...)
    names = replayed_site[1].profile.names("zh")
    assert all("agent" in " ".join([i.title, i.summary, *(names[m.interest] for m in i.relevance.matched)]).lower() for i in items)
    # a result opens the item's card
    page.locator(".pagefind-ui__result-link").first.click()
    page.wait_for_url("**/days/2026/2026-04-30/#*")
    assert page.locator("#" + results[0]["href"].rsplit("#", 1)[1]).is_visible()


@pytest.mark.parametrize("query, category", [("智能体", "llm-agents"), ("强化学习", "reinforcement-learning")])
def test_a_chinese_query_finds_its_topics_items(open_page, site_url, replayed_site, query, category):
    """Issue 26, acceptance 5: the items' text is English, but each record carries the names,
    in the site's language, of its categories and of the reader's interests it matched: 智能体
    finds every item filed under LLM 智能体, 强化学习 every item under 强化学习, and each finds
    the items matching an interest so named (世界模型 / 基于模型的强化学习...)."""
    shown = _items_shown(replayed_site)
    names = replayed_site[1].profile.names("zh")
    found = {i.id for i in _check_item_results(search_results(open_page(), site_url, query), shown)}
    filed = {i.id for _, i in shown.values() if category in i.categories}
    matching = {i.id for _, i in shown.values() if any(query in names[m.interest] for m in i.relevance.matched)}
    assert len(filed) >= 3 and filed <= found, sorted(filed - found)
    assert matching - filed and matching <= found, sorted(matching - found)


def test_search_filters_by_kind_and_category(open_page, site_url, replayed_site):
    """The filter panel offers kind and category in the reader's language (the year is the
    choice of bundles: test_browser.py); ticking 仓库 leaves only the repos among the agent
    results."""
    shown = _items_shown(replayed_site)
    page = open_page()
    everything = _check_item_results(search_results(page, site_url, "agent"), shown)
    assert {i.kind for i in everything} >= {"paper", "repo"}
    # Pagefind UI adds the filter groups as their filter files arrive: wait for both
    page.wait_for_function("() => document.querySelectorAll('.pagefind-ui__filter-name').length >= 2")
    names = page.locator(".pagefind-ui__filter-name").all_inner_texts()
    assert {"类型", "类别"} <= set(names), names
    before = page.locator(".pagefind-ui__message").inner_text()
    page.locator("summary.pagefind-ui__filter-name", has_text="类型").click()
    page.get_by_label(re.compile(r"^仓库 \(\d+\)$")).check()
    page.wait_for_function("(before) => document.querySelector('.pagefind-ui__message')?.textContent.trim() !== before",
                           arg=before.strip())
    page.wait_for_load_state("networkidle")
    repos = _check_item_results(search_results_now(page), shown)
    assert repos and {i.kind for i in repos} == {"repo"}
    assert len(repos) == sum(i.kind == "repo" for i in everything)


def search_results_now(page) -> list[dict]:
    """Every result shown, after loading them all ("load more" until it is gone)."""
    loaded = "() => [...document.querySelectorAll('.pagefind-ui__result')].every(r => r.querySelector('.pagefind-ui__result-link'))"
    page.wait_for_function(loaded)
    more = page.locator("button.pagefind-ui__button")
    while more.count() and more.first.is_visible():
        more.first.click()
        page.wait_for_function(loaded)
    return page.evaluate("""() => [...document.querySelectorAll('.pagefind-ui__result')].map(r => ({
        href: r.querySelector('.pagefind-ui__result-link').getAttribute('href'),
        title: r.querySelector('.pagefind-ui__result-link').textContent.trim(),
        tags: [...r.querySelectorAll('.pagefind-ui__result-tag')].map(t => t.textContent.trim()),
    }))""")
