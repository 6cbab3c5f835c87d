"""The real build: `mkdocs build --strict` + Pagefind on a temporary archive, then checks on
the HTML, the feeds and the internal links (lychee, offline)."""

from __future__ import annotations

import html
import json
import re
from html.parser import HTMLParser
from pathlib import Path

import feedparser
import pytest
import yaml

from generator.ids import anchor
from generator.render.build import BuildError, build_site, run_link_check
from generator.render.escape import one_line
from generator.render.plain import display_item
from site_data import HOSTILE_TITLE, REPO, files_under, sample_editions, sample_items, sample_settings, write_archive

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("site-build")
    write_archive(root / "data")
    site_dir = root / "site"
    build_site(sample_settings(root / "data"), site_dir)
    return site_dir


def read(site: Path, path: str) -> str:
    return (site / path).read_text(encoding="utf-8")


def test_pages_exist(site):
    for path in [
        "index.html", "search/index.html", "about/index.html", "correcting/index.html",
        "days/2026/2026-03-31/index.html", "days/2026/2026-04-03/index.html",
        "archive/index.html", "archive/2026-04/index.html",
        "categories/index.html", "categories/llm-agents/index.html", "categories/llm-agents/2026-04/index.html",
        "feeds/rss.xml", "feeds/atom.xml", "feeds/llm-agents.xml",
        "pagefind/pagefind-ui.js", "assets/extra.css",
    ]:
        assert (site / path).is_file(), path
    # the build's own files are not published
    for path in ["overrides/main.html", "i18n/about.zh.md"]:
        assert not (site / path).exists(), path


def test_edit_button_opens_the_edition_yaml(site):
    page = read(site, "days/2026/2026-04-01/index.html")
    assert 'href="https://github.com/ai-briefing/ai-briefing/edit/main/data/briefings/2026/2026-04-01.yaml"' in page
    about = read(site, "about/index.html")
    assert 'href="https://github.com/ai-briefing/ai-briefing/edit/main/docs/i18n/about.zh.md"' in about


def test_correct_this_links(site):
    page = read(site, "days/2026/2026-04-01/index.html")
    assert "https://github.com/ai-briefing/ai-briefing/edit/main/data/items/repo/88/example-org--stepwise.yaml" in page


def test_only_day_pages_are_searchable(site):
    for path in site.rglob("*.html"):
        relative = path.relative_to(site).as_posix()
        marked = "data-pagefind-body" in path.read_text(encoding="utf-8")
        assert marked == relative.startswith("days/"), relative
    # one search record per listed item (generator.render.search), not per page, over every bundle
    bundles = [name for _, names in json.loads(read(site, "pagefind/bundles.json")) for name in names]
    entries = [json.loads(read(site, f"{name}/pagefind-entry.json")) for name in bundles]
    listed = {entry.item for edition in sample_editions() for section in edition.sections for entry in section.entries}
    assert sum(lang["page_count"] for entry in entries for lang in entry["languages"].values()) == len(listed & set(sample_items()))


def test_nav_does_not_list_days(site):
    page = read(site, "days/2026/2026-04-01/index.html")
    nav = page[page.index('md-nav--primary'):page.index("</nav>", page.index('md-nav--primary'))]
    assert "days/" not in nav


def test_every_built_page_belongs_to_a_registered_family(site):
    """The registry (pages.FAMILIES) is the only list of page types: the built site holds
    exactly the pages its families list, and the navigation is their entries."""
    from generator.render.index import SiteIndex
    from generator.render.pages import FAMILIES, nav, site_pages
    from generator.render.paths import page_url

    settings = sample_settings()
    index = SiteIndex.build(sample_items(), sample_editions(), settings)
    families = {page_url(p.path): p.family for p in site_pages(index, lambda e: sample_items(), docs_dir=REPO / "docs")}
    built = {page_url(p.relative_to(site).as_posix()[: -len("index.html")] + "index.md")
             for p in site.rglob("index.html") if not p.relative_to(site).as_posix().startswith("pagefind")}
    assert built == set(families), "pages built outside the registry, or registered pages not built"
    assert set(families.values()) == {family.name for family in FAMILIES}
    entries = [path for entry in nav(settings) for path in entry.values()]
    assert entries == [f.nav.path for f in FAMILIES if f.nav] and "nav" not in yaml.safe_load((REPO / "mkdocs.yml").read_text())
    primary = read(site, "index.html").split('md-nav--primary', 1)[1].split('md-sidebar--secondary', 1)[0]
    links = [h for h in re.findall(r'<a href="([^"]+)" class="md-nav__link', primary) if not h.startswith("#")]
    assert links == [page_url(p) or "." for p in entries]


def test_feed_autodiscovery_in_head(site):
    head = read(site, "index.html").split("</head>")[0]
    assert re.search(r'<link rel="alternate" type="application/rss\+xml" title="[^"]*" href="feeds/rss.xml">', head)
    category = read(site, "categories/llm-agents/index.html").split("</head>")[0]
    assert 'href="../../feeds/llm-agents.xml"' in category
    day = read(site, "days/2026/2026-04-01/index.html").split("</head>")[0]
    assert 'href="../../../feeds/rss.xml"' in day
    # Material fetches sitemap.xml beside each alternate link: the feeds' folder has one,
    # listing every feed (test_browser fails on the 404 otherwise)
    listed = re.findall(r"<loc>([^<]+)</loc>", read(site, "feeds/sitemap.xml"))
    feeds = sorted(p.name for p in (site / "feeds").glob("*.xml") if p.name != "sitemap.xml")
    assert [url.rsplit("/", 1)[1] for url in listed] == feeds and all("/feeds/" in url for url in listed)


def test_the_header_asks_no_third_party(site):
    """Material's repository widget fetches stars and forks from api.github.com in every
    visitor's browser when the link carries data-md-component="source"."""
    page = read(site, "index.html")
    assert 'class="md-source"' in page and 'data-md-component="source"' not in page


def test_feeds_parse_newest_first(site):
    for name in ["rss.xml", "atom.xml", "llm-agents.xml"]:
        feed = feedparser.parse(read(site, f"feeds/{name}"))
        assert not feed.bozo, (name, feed.get("bozo_exception"))
        dates = [e.published_parsed for e in feed.entries]
        assert dates and dates == sorted(dates, reverse=True), name
    rss = feedparser.parse(read(site, "feeds/rss.xml"))
    assert rss.entries[0].link.endswith("/days/2026/2026-04-03/")


def test_internal_links_are_not_broken(site, tmp_path):
    run_link_check(site)
    # and the check does catch a broken anchor
    broken = tmp_path / "broken"
    broken.mkdir()
    (broken / "index.html").write_text('<a href="days/#nope">x</a>', encoding="utf-8")
    (broken / "days").mkdir()
    (broken / "days" / "index.html").write_text("<p id='yes'>y</p>", encoding="utf-8")
    with pytest.raises(BuildError, match="nope"):
        run_link_check(broken)


class _Collect(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.scripts: list[str] = []
        self.hrefs: list[str] = []
        self.text = ""
        self._in_script = False

    def handle_starttag(self, tag, attrs):
        self._in_script = tag == "script"
        for name, value in attrs:
            if name in ("href", "src", "action", "formaction") and value:
                self.hrefs.append(value)
            if name.startswith("on"):
                raise AssertionError(f"event handler attribute {name}={value!r} in page")

    def handle_endtag(self, tag):
        self._in_script = False

    def handle_data(self, data):
        if self._in_script:
            self.scripts.append(data)
        else:
            self.text += data


def test_hostile_strings_are_inert(site):
    for path in list(site.rglob("*.html")):
        parser = _Collect()
        parser.feed(path.read_text(encoding="utf-8"))
        assert not [s for s in parser.scripts if "pwned" in s or "alert(" in s], path
        assert not [h for h in parser.hrefs if h.strip().lower().startswith(("javascript:", "data:", "vbscript:"))], path
    day = _Collect()
    day.feed(read(site, "days/2026/2026-04-03/index.html"))
    assert HOSTILE_TITLE in day.text  # visible literally
    assert "**not bold** <b>raw</b> [x](javascript:alert(3)) | pipe {{ x }}" in day.text
    raw = read(site, "days/2026/2026-04-03/index.html")
    assert "<b>raw</b>" not in raw and "<img src=x" not in raw
    assert html.escape("<script>alert('pwned')</script>", quote=False) in raw


class _Toc(HTMLParser):
    """The page's table of contents (Material's secondary nav): (anchor, title) in order,
    and the headings of the article that carry a permalink."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.toc: list[list[str]] = []
        self.headings: list[str] = []
        self._depth = 0  # <nav> depth inside the secondary nav

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "nav" and (self._depth or "md-nav--secondary" in (attrs.get("class") or "")):
            self._depth += 1
        elif tag == "a" and self._depth and (attrs.get("href") or "").startswith("#"):
            self.toc.append([attrs["href"][1:], ""])
        elif tag == "a" and attrs.get("class") == "headerlink":
            self.headings.append(attrs["href"][1:])

    def handle_endtag(self, tag):
        if tag == "nav" and self._depth:
            self._depth -= 1

    def handle_data(self, data):
        if self._depth and self.toc and not self.toc[-1][1].strip():
            self.toc[-1][1] += data.strip()


def test_day_page_contents_list_every_item_heading(site):
    """Item headings are raw HTML blocks Markdown never sees (generator.render.rawhtml):
    the table of contents still lists them, in page order, under their section, titled."""
    items = sample_items()
    for day in ("2026-03-31", "2026-04-03"):
        page = _Toc()
        page.feed(read(site, f"days/2026/{day}/index.html"))
        assert [anchor for anchor, _ in page.toc] == page.headings, day  # the title (no permalink) aside
        titles = dict(page.toc)
        cards = [a for a in page.headings if a.startswith(("arxiv-", "github-", "hf-"))]
        assert cards, day
        for item in items.values():
            if anchor(item.id) in cards:
                assert titles[anchor(item.id)] == one_line(display_item(item).title), item.id


@pytest.mark.parametrize("language", ["en"])
def test_english_build(tmp_path, language):
    write_archive(tmp_path / "data")
    build_site(sample_settings(tmp_path / "data", language=language), tmp_path / "site", search=False)
    page = (tmp_path / "site" / "days/2026/2026-04-01/index.html").read_text(encoding="utf-8")
    assert '<html lang="en"' in page
    assert "Highlights" in page and "Correct this" in page


def _record(n: int, **changes) -> dict:
    record = {"url": f"/days/2026/04/30/#item-{n}", "content": f"record {n} agent memory", "language": "en",
              "meta": {"title": f"Item {n}"}, "filters": {"Kind": ["paper"]}, "sort": {"date": "2026-04-30"}}
    return record | changes


def test_pagefind_service_indexes_every_record(tmp_path):
    """More records than the pipes hold in flight (the writer and the reader must overlap);
    the speed is benchmarks/bench_site.py's to measure."""
    from generator.render.pagefind_service import write_index

    write_index(tmp_path / "pagefind", [_record(n) for n in range(3000)], "en")
    meta = json.loads((tmp_path / "pagefind" / "pagefind-entry.json").read_text())
    assert meta["languages"]["en"]["page_count"] == 3000


def test_pagefind_service_errors_name_the_index_and_the_cause(tmp_path):
    from generator.render.pagefind_service import write_index

    with pytest.raises(BuildError, match=r"search index pagefind-2025\) failed: invalid type: null"):
        write_index(tmp_path / "pagefind-2025", [_record(1), _record(2, content=None)], "en")


def _search_record(day: str, n: int):
    from generator.render.search import SearchRecord

    return SearchRecord(url=f"/days/{day[:4]}/{day}/#item-{n}", language="en", content=f"record {n}", sort={"date": day})


def test_a_year_over_the_bundle_cap_is_cut_into_runs_of_whole_months():
    """Pagefind's memory grows with a bundle's records: a year over the cap is cut, at month
    boundaries, filled from January; the newest month is a bundle of its own, so the next
    day changes only that one."""
    from generator.render.build import bundle_parts

    days = ["2025-01-05"] * 3 + ["2025-02-01"] * 2 + ["2025-03-09"] * 2 + ["2025-04-01"] * 4 + ["2025-05-02"] * 2
    records = [_search_record(day, n) for n, day in enumerate(days)]
    parts = bundle_parts(records, cap=5)
    assert [(label, len(part)) for label, part in parts] == [("2025-05", 2), ("2025-04", 4), ("2025-03", 2), ("2025-01", 5)]
    assert [r.sort["date"][:7] for r in parts[-1][1]] == ["2025-01"] * 3 + ["2025-02"] * 2
    grown = bundle_parts(records + [_search_record("2025-05-30", 99)], cap=5)
    assert grown[1:] == parts[1:] and len(grown[0][1]) == 3  # only the newest month's bundle changed
    next_month = bundle_parts(records + [_search_record("2026-01-02", 99)], cap=5)
    assert [label for label, _ in next_month] == ["2026", "2025-05", "2025-04", "2025-03", "2025-01"]  # April's run is full
    assert bundle_parts([], cap=5) == [("", [])]


def test_search_parts_are_announced_a_bundle_at_a_time_oldest_first(tmp_path):
    """The briefing plugin streams the records to files (a month at a time) and announces each
    bundle once it is complete, so Pagefind can start before the last month is read; the
    bundles are the ones bundle_parts cuts from the same records."""
    from generator.render.build import BuildError, PARTS_MANIFEST, bundle_months, bundle_parts, write_search_parts

    days = ["2024-12-30", "2025-01-05", "2025-01-05", "2025-02-01", "2025-03-09", "2025-03-09", "2025-04-01", "2026-01-02", "2026-02-02"]
    records = [_search_record(day, n) for n, day in enumerate(days)]
    written = []
    folder = tmp_path / "parts"

    def spy():  # what the folder holds each time the writer asks for the next record
        for record in records:
            written.append(sorted(p.name for p in folder.glob("run-*.json")) if folder.exists() else [])
            yield record

    write_search_parts(spy(), folder, cap=3)
    runs = [json.loads(p.read_text()) for p in sorted(folder.glob("run-*.json"))]
    assert runs == [["2024-12"], ["2025-01", "2025-02"], ["2025-03", "2025-04"], ["2026-01"], ["2026-02"]]
    counts = {m: sum(d.startswith(m) for d in days) for m in {d[:7] for d in days}}
    assert sorted(runs) == sorted(months for _, months in bundle_months(counts, 3))
    assert written[2] == ["run-000.json"]  # 2024 announced as soon as 2025 began
    manifest = json.loads((folder / PARTS_MANIFEST).read_text())
    assert [label for label, _ in manifest] == [label for label, _ in bundle_parts(records, cap=3)]
    with pytest.raises(BuildError, match="2025-01 are not together"):
        write_search_parts(records[1:2] + records[3:4] + records[2:3], tmp_path / "unordered")


@pytest.mark.slow
def test_streamed_bundles_are_the_bundles_of_the_same_records(tmp_path, monkeypatch):
    from generator.render import build

    days = ["2025-01-05", "2025-03-09", "2025-03-10", "2026-01-02"]
    records = [_search_record(d, n) for n, d in enumerate(days)]
    monkeypatch.setattr(build, "RECORDS_PER_BUNDLE", 2)
    in_memory = build.build_search_index(tmp_path / "a", sample_settings(), records)
    build.write_search_parts(iter(records), tmp_path / "parts")
    streamed = build.index_streamed_parts(tmp_path / "parts", tmp_path / "b", "zh", lambda: False)
    assert streamed == in_memory == ["pagefind", "pagefind-2025-03", "pagefind-2025-01"]
    assert files_under(tmp_path / "a") == files_under(tmp_path / "b")
    assert build.index_streamed_parts(tmp_path / "nothing", tmp_path / "c", "zh", lambda: False) is None


@pytest.mark.slow
def test_the_bundle_list_names_each_years_bundles_newest_first(tmp_path, monkeypatch):
    from generator.render import build

    days = ["2025-01-05", "2025-03-09", "2025-03-10", "2026-01-02"]
    monkeypatch.setattr(build, "RECORDS_PER_BUNDLE", 2)  # 2025 in two; 2026, the newest month, alone
    names = build.build_search_index(tmp_path, sample_settings(), [_search_record(d, n) for n, d in enumerate(days)])
    assert names == ["pagefind", "pagefind-2025-03", "pagefind-2025-01"]
    listing = json.loads((tmp_path / "pagefind" / "bundles.json").read_text())
    assert listing == [["2026", ["pagefind"]], ["2025", ["pagefind-2025-03", "pagefind-2025-01"]]]
    counts = [json.loads((tmp_path / n / "pagefind-entry.json").read_text())["languages"] for n in names]
    assert [sum(lang["page_count"] for lang in c.values()) for c in counts] == [1, 2, 1]
