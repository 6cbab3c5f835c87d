"""The 60-day story archive (site_data.story_archive) written to data/ and built as a site
(mkdocs build --strict, lychee offline): week and trends pages, their charts against counts
computed here from data/, the week feed, and axe-core on week and trends pages in both
themes at 1280 and 390 px (headless Chromium, as in test_browser_reader)."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from pathlib import Path

import feedparser
import pytest

from generator.render.build import build_site
from generator.store import Archive
from site_data import iso_week, story_archive, story_settings, weekly_counts
from test_browser import _loopback_only, _require_browser, browser, serving, watch  # noqa: F401  (fixtures)
from test_browser_reader import WIDTHS, _require_axe, serious_violations

pytestmark = pytest.mark.slow

SVG = "{http://www.w3.org/2000/svg}"


@pytest.fixture(scope="module")
def story_site(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("story-site")
    archive = Archive(root / "data")
    items, editions = story_archive()
    for item in items.values():
        archive.save_item(item)
    for edition in editions:
        archive.save_edition(edition)
    build_site(story_settings(root / "data"), root / "site", check_links=True)
    return root


def counts_from_data(data: Path) -> tuple[list[str], dict[tuple[str, str], dict[str, int]]]:
    archive = Archive(data)
    return weekly_counts(archive.load_items(), archive.load_editions())


def charts(html: str) -> dict[str, tuple[ET.Element, list[tuple[str, int]]]]:
    """{figure id: (the parsed <svg>, the (week, count) rows of its table)}."""
    out = {}
    for figure_id, body in re.findall(r'<figure class="chart" id="([^"]+)">(.*?)</figure>', html):
        svg = ET.fromstring(re.search(r"<svg.*?</svg>", body).group(0))  # valid XML, or this raises
        rows = [(week, int(n)) for week, n in re.findall(r'<tr><th scope="row">([^<]+)</th><td>(\d+)</td></tr>', body)]
        out[figure_id] = (svg, rows)
    return out


def test_every_chart_is_valid_svg_with_title_desc_and_the_counts_of_data(story_site):
    weeks, counts = counts_from_data(story_site / "data")
    site = story_site / "site"
    settings = story_settings()
    series = [("interests", i.slug) for i in settings.profile.interests] + [("categories", c.slug) for c in settings.taxonomy]
    found = 0
    for kind, slug in series:
        expected = [(week, counts[kind, slug][week]) for week in weeks]
        on_index = charts((site / "trends" / "index.html").read_text(encoding="utf-8"))[f"chart-{kind}-{slug}"]
        on_page = charts((site / "trends" / kind / slug / "index.html").read_text(encoding="utf-8"))["chart-recent"]
        for svg, rows in (on_index, on_page):
            assert svg.find(f"{SVG}title").text and svg.find(f"{SVG}desc").text
            assert svg.get("role") == "img" and svg.get("aria-labelledby")
            bars = [int(rect.get("data-count")) for rect in svg.iter(f"{SVG}rect")]  # in the order of the table's weeks
            assert rows == expected[-26:] and bars == [n for _, n in rows], (kind, slug)
            found += 1
    assert found == 2 * len(series) and any(n for _, n in expected)


def test_week_feed_of_the_site_parses(story_site):
    parsed = feedparser.parse((story_site / "site" / "feeds" / "weeks.xml").read_bytes())
    assert parsed.bozo == 0 and len(parsed.entries) == len(counts_from_data(story_site / "data")[0])
    head = (story_site / "site" / "weeks" / "index.html").read_text(encoding="utf-8").split("</head>")[0]
    assert "feeds/weeks.xml" in head  # advertised where weeks are read


PAGES = {"week": None, "weeks": "weeks/", "trends": "trends/", "trend": "trends/interests/agentic-rl/"}


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("width", list(WIDTHS))
def test_week_and_trends_pages_have_no_serious_accessibility_violations(browser, story_site, scheme, width):  # noqa: F811
    _require_browser()
    axe = _require_axe()
    _, editions = story_archive()
    pages = {**PAGES, "week": f"weeks/{iso_week(editions[-1].date)}/"}
    with serving(story_site / "site") as url:
        context = browser.new_context(viewport=dict(zip(("width", "height"), WIDTHS[width])), color_scheme=scheme)
        try:
            page = context.new_page()
            _loopback_only(page, url)
            problems = watch(page)
            failures = []
            for name, path in pages.items():
                page.goto(url + path)
                assert page.locator("body").get_attribute("data-md-color-scheme") == ("slate" if scheme == "dark" else "default")
                page.locator("details.numbers").first.evaluate("d => d.open = true") if name.startswith("trend") else None
                failures += serious_violations(page, axe, f"{name} ({scheme}, {width})")
            assert not failures, "\n".join(failures)
            assert not problems, problems
        finally:
            context.close()
