"""The site renderer as a pure function: golden pages and feeds, escaping, links, page weight.

Goldens live in tests/golden/<language>/. After an intended change, regenerate them with
    UPDATE_GOLDENS=1 python -m pytest tests/test_render.py
and review the diff.
"""

from __future__ import annotations

import datetime as dt
import html
import os
import re
from html.parser import HTMLParser
from pathlib import Path

import feedparser
import markdown
import pytest
import yaml
from hypothesis import given, settings as hyp_settings, strategies as st

from generator.render.escape import MD_SPECIALS, escape_html, escape_md, one_line, safe_url
from generator.render.index import SiteIndex
from generator.render.pages import render_feeds, render_site, site_pages
from site_data import HOSTILE_ID, HOSTILE_TITLE, REPO, sample_editions, sample_items, sample_settings, synthetic_archive

GOLDEN = Path(__file__).parent / "golden"
UPDATE = os.environ.get("UPDATE_GOLDENS") == "1"


def mkdocs_markdown() -> markdown.Markdown:
    """A Markdown instance with the extensions mkdocs.yml configures."""
    config = yaml.load((REPO / "mkdocs.yml").read_text(encoding="utf-8"), Loader=yaml.BaseLoader)
    names, configs = [], {}
    for entry in config["markdown_extensions"]:
        if isinstance(entry, dict):
            (name, options), = entry.items()
            names.append(name)
            configs[name] = {k: (v == "true" if v in ("true", "false") else v) for k, v in (options or {}).items()}
        else:
            names.append(entry)
    return markdown.Markdown(extensions=names, extension_configs=configs)


def rendered(language: str) -> dict[str, str]:
    settings = sample_settings(language=language)
    items, editions = sample_items(), sample_editions()
    return {**render_site(items, editions, settings), **render_feeds(items, editions, settings)}


# --------------------------------------------------------------------------- goldens


@pytest.mark.parametrize("language", ["zh", "en"])
def test_golden_pages(language):
    pages = rendered(language)
    folder = GOLDEN / language
    if UPDATE:
        for old in folder.rglob("*"):
            if old.is_file():
                old.unlink()
        for path, text in pages.items():
            target = folder / path
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(text, encoding="utf-8")
    expected = {p.relative_to(folder).as_posix(): p.read_text(encoding="utf-8") for p in folder.rglob("*") if p.is_file()}
    assert sorted(pages) == sorted(expected), "pages added or removed: regenerate the goldens (see module docstring)"
    for path, text in pages.items():
        assert text == expected[path], f"{language}/{path} differs from its golden (UPDATE_GOLDENS=1 to regenerate)"


def test_render_is_deterministic_and_order_independent():
    settings = sample_settings()
    items, editions = sample_items(), sample_editions()
    first = render_site(items, editions, settings)
    second = render_site(dict(reversed(list(items.items()))), list(reversed(editions)), settings)
    assert first == second
    assert render_feeds(items, editions, settings) == render_feeds(items, list(reversed(editions)), settings)


def test_expected_pages_exist():
    pages = rendered("zh")
    for path in [
        "index.md", "search.md", "archive/index.md", "archive/2026-03.md", "archive/2026-04.md",
        "categories/index.md", "categories/llm-agents/index.md", "categories/llm-agents/2026-03.md",
        "categories/llm-agents/2026-04.md", "days/2026/2026-03-31.md", "days/2026/2026-04-03.md",
        "feeds/rss.xml", "feeds/atom.xml", "feeds/llm-agents.xml",
    ]:
        assert path in pages, path
    # every taxonomy entry has an index page and a feed, even when empty
    for category in sample_settings().taxonomy:
        assert f"categories/{category.slug}/index.md" in pages
        assert f"feeds/{category.slug}.xml" in pages


def test_edit_paths_point_at_edition_yaml():
    items = sample_items()
    index = SiteIndex.build(items, sample_editions(), sample_settings())
    paths = {p.path: p.edit for p in site_pages(index, lambda e: items, docs_dir=REPO / "docs") if p.edit}
    assert paths["days/2026/2026-03-31.md"] == "../data/briefings/2026/2026-03-31.yaml"  # relative to docs/
    assert paths["about.md"] == "i18n/about.zh.md" and (REPO / "docs" / paths["correcting.md"]).is_file()
    assert set(paths) == {f"days/2026/{e.date:%Y-%m-%d}.md" for e in sample_editions()} | {"about.md", "correcting.md"}


# --------------------------------------------------------------------------- day page content


def test_day_page_sections_and_item_details():
    page = rendered("zh")["days/2026/2026-03-31.md"]
    for heading in ["今日总判断", "重点论文与动态", "今日最值得精读", "研究机会 / idea", "来源访问说明"]:
        assert f"## {heading}" in page
    assert '<h3 id="arxiv-2603-20001">' in page  # stable anchor
    assert "https://huggingface.co/papers/2603.20001" in page  # seen on HF Daily Papers
    assert "https://arxiv.org/abs/2603.20001" in page
    assert "HF 点赞 42" in page  # the day's signal
    assert "https://github.com/ai-briefing/ai-briefing/edit/main/data/items/paper/2603/2603.20001.yaml" in page
    assert "pagefind_body: true" in page
    assert "[下一期 2026-04-01 →](2026-04-01.md)" in page
    # the card appears once; read-closely links to it
    assert page.count('id="arxiv-2603-20001"') == 1
    assert page.count('href="#arxiv-2603-20001"') >= 2  # its permalink, and read-closely's link


def test_continuity_verification_and_markers():
    pages = rendered("en")
    day2 = pages["days/2026/2026-04-01.md"]
    assert "On Hugging Face Daily Papers for 2 days" in day2
    assert 'Code for <a href="../2026-03-31/#arxiv-2603-20001">StepWise' in day2
    assert "+120 stars today" in day2
    day3 = pages["days/2026/2026-04-02.md"]
    assert "New version v2" in day3
    assert "partly verified" in day3 and "title differs from the listing in punctuation" in day3
    assert "some claims removed by the checker" in day3
    assert "edited by hand" in day3
    assert "Item arxiv:2609.99999 is missing from the archive." in day3
    day4 = pages["days/2026/2026-04-03.md"]
    assert "needs an LLM" in day4
    assert "Degraded briefing" in day4
    assert ">arXiv API listing</td>" in day4 and "503×1, timeout×2" in day4


def test_category_pages_newest_first_and_link_to_first_day():
    pages = rendered("en")
    index = pages["categories/llm-agents/index.md"]
    # months newest first
    assert index.index('href="2026-04/"') < index.index('href="2026-03/"')
    april = pages["categories/llm-agents/2026-04.md"]
    # MemFold (2026-04-02) before the repo (2026-04-01)
    assert april.index("MemFold") < april.index("example-org/stepwise")
    assert 'href="../../../days/2026/2026-04-02/#arxiv-2604-00003"' in april
    overview = pages["categories/index.md"]
    assert re.search(r'<a href="llm-agents/">LLM agents</a></td><td [^>]*>[^<]*</td><td [^>]*>3</td><td [^>]*>2026-04-02</td>', overview)


def test_home_lists_latest_and_recent():
    home = rendered("zh")["index.md"]
    assert "最新一期：2026-04-03" in home
    assert "[阅读全文 →](days/2026/2026-04-03.md)" in home
    assert home.index("2026-04-02") < home.index("2026-03-31")


# --------------------------------------------------------------------------- feeds


def test_feeds_parse_newest_first():
    feeds = render_feeds(sample_items(), sample_editions(), sample_settings())
    rss = feedparser.parse(feeds["feeds/rss.xml"])
    assert not rss.bozo, rss.get("bozo_exception")
    dates = [e.published_parsed for e in rss.entries]
    assert dates == sorted(dates, reverse=True) and len(dates) == 4
    assert rss.entries[0].link == "https://ai-briefing.github.io/ai-briefing/days/2026/2026-04-03/"
    assert "MemFold" in rss.entries[1].summary
    assert rss.feed.updated_parsed[:3] == (2026, 4, 3)
    atom = feedparser.parse(feeds["feeds/atom.xml"])
    assert not atom.bozo and atom.version == "atom10"
    assert [e.link for e in atom.entries] == [e.link for e in rss.entries]
    category = feedparser.parse(feeds["feeds/llm-agents.xml"])
    assert [e.link.rsplit("#", 1)[1] for e in category.entries] == [
        "arxiv-2604-00003", "github-example-org-stepwise", "arxiv-2603-20001",
    ]


def test_feeds_escape_hostile_strings():
    feeds = render_feeds(sample_items(), sample_editions(), sample_settings())
    entry = feedparser.parse(feeds["feeds/rss.xml"]).entries[0]
    # the description is HTML in which the hostile title is text, not markup
    assert "<script" not in entry.summary and "javascript:" not in re.findall(r'href="([^"]*)"', entry.summary)[0]
    assert html.unescape(re.sub(r"<[^>]+>", "", entry.summary)).startswith(HOSTILE_TITLE)
    safety = feedparser.parse(feeds["feeds/safety.xml"]).entries[0]
    assert safety.title == HOSTILE_TITLE


# --------------------------------------------------------------------------- escaping


class _Text(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.tags: list[str] = []
        self.attrs: list[tuple[str, str | None]] = []
        self.text = ""

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        self.attrs += attrs

    def handle_data(self, data):
        self.text += data


def _render_inline(md: markdown.Markdown, source: str) -> _Text:
    md.reset()
    out = md.convert(source)
    parser = _Text()
    parser.feed(out)
    return parser


def test_escape_covers_every_markdown_escapable_character():
    md = mkdocs_markdown()
    assert set(MD_SPECIALS) <= set(md.ESCAPED_CHARS), "escaping a char Markdown can't unescape leaves a backslash"
    assert set(md.ESCAPED_CHARS) - set(MD_SPECIALS) <= {">"}, "a Markdown special char is left unescaped (> is HTML-escaped)"


HOSTILE_SAMPLES = [
    HOSTILE_TITLE,
    "<script>alert(1)</script>",
    "[x](javascript:alert(1))",
    "![img](http://example.org/x.png)",
    "<http://example.org>",
    "{{ config }} {% include 'x' %}",
    "&amp; &lt;b&gt; &#60;script&#62;",
    "`code` ``more``",
    "*em* **strong** _u_ __uu__",
    "a | b | c",
    "# heading",
    "- list\n+ plus\n1. one",
    "line one\n\n    indented code\n===",
    "{#id .cls}",
    "text {: .class }",
    "\\*not em\\*",
    "!!! warning\n    admonition",
    "<!-- comment -->",
    "[ref]: http://example.org",
]


@pytest.mark.parametrize("text", HOSTILE_SAMPLES)
def test_escape_md_renders_literally(text):
    md = mkdocs_markdown()
    result = _render_inline(md, "- **label**: " + escape_md(text))
    assert result.tags == ["ul", "li", "strong"], result.tags
    assert result.text.strip() == "label: " + one_line(text)


@hyp_settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(list(MD_SPECIALS + "<>&;#:/=\"' \n\tab1.x{}%") + ["javascript:", "&amp;", "<b>", "\u2028", "1. ", "    "]), max_size=30).map("".join))
def test_escape_md_property(text):
    md = mkdocs_markdown()
    result = _render_inline(md, "- **label**: " + escape_md(text))
    assert result.tags == ["ul", "li", "strong"]
    assert result.text.strip() == ("label: " + one_line(text)).strip()


@pytest.mark.parametrize("text", HOSTILE_SAMPLES + ["Trailing hashes ##", "{#evil .x}", "ends with \\", "x {: #y }"])
def test_escape_md_in_heading_with_attr_list(text):
    md = mkdocs_markdown()
    result = _render_inline(md, f"### {escape_md(text)} {{#anchor}}")
    assert result.tags[0] == "h3" and ("id", "anchor") in result.attrs
    assert [t for t in result.tags if t != "a"] == ["h3"]  # only the permalink
    assert result.text.replace("¶", "").strip() == one_line(text)


@hyp_settings(max_examples=200, deadline=None)
@given(st.lists(st.sampled_from(list(MD_SPECIALS + "<>&;#:=\"' \nab1.{}%") + ["{#", "{: ", "</", "##"]), min_size=1, max_size=25).map("".join))
def test_escape_md_heading_property(text):
    md = mkdocs_markdown()
    result = _render_inline(md, f"### {escape_md(text)} {{#anchor}}")
    if not one_line(text):
        return
    assert result.tags[0] == "h3" and ("id", "anchor") in result.attrs
    assert result.text.replace("¶", "").strip() == one_line(text).strip()


def test_escape_md_in_table_cell():
    md = mkdocs_markdown()
    result = _render_inline(md, "| a | b |\n|---|---|\n| " + escape_md("x | y *z*") + " | 2 |\n")
    assert result.tags.count("td") == 2
    assert "x | y *z*" in result.text


def test_escape_html():
    assert escape_html('<a href="x">\'&') == "&lt;a href=&quot;x&quot;&gt;&#x27;&amp;"


@pytest.mark.parametrize(
    "url",
    ["javascript:alert(1)", " JavaScript:alert(1)", "data:text/html,<script>", "vbscript:x", "//evil.example/x",
     "/relative", "file:///etc/passwd", "http://", "java\nscript:alert(1)", "http://a b", "", None, 42],
)
def test_safe_url_drops_unsafe(url):
    assert safe_url(url) is None


def test_safe_url_keeps_and_encodes_http():
    assert safe_url("https://arxiv.org/abs/2604.26904") == "https://arxiv.org/abs/2604.26904"
    assert safe_url("http://example.org/a?b=1&c=2#d") == "http://example.org/a?b=1&c=2#d"
    encoded = safe_url('https://example.org/x)(y"<z>`|{}\\')
    assert not set(encoded) & set(')("<>`|{}\\ ')


def test_hostile_item_page_is_inert():
    md = mkdocs_markdown()
    page = rendered("zh")["days/2026/2026-04-03.md"]
    body = page.split("---\n", 2)[2]
    md.reset()
    out = md.convert(body)
    assert "<script" not in out
    assert "<b>" not in out and "<img" not in out
    assert not [h for h in re.findall(r'href="([^"]*)"', out) if not h.startswith(("http://", "https://", "#", "../", "2026-"))]
    assert "javascript:" not in " ".join(re.findall(r'href="([^"]*)"', out))
    assert html.escape(HOSTILE_TITLE, quote=False).replace("'", "&#x27;") in out or "&lt;script&gt;alert(" in out
    assert "{{ config.site_name }}" in out  # visible literally (MkDocs never templates page content)


# --------------------------------------------------------------------------- page weight


def test_page_weight_does_not_grow_with_the_archive():
    settings = sample_settings()
    small_items, small_editions = synthetic_archive(days=40, per_day=10)
    big_items, big_editions = synthetic_archive(days=400, per_day=10)
    small = render_site(small_items, small_editions, settings)
    big = render_site(big_items, big_editions, settings)
    for path in ["index.md", "search.md", "categories/index.md"]:
        assert len(big[path]) < len(small[path]) * 1.2, path
    # a month page holds a month, whatever the archive's length
    assert max(len(t) for p, t in big.items() if p.startswith("archive/2")) < 2 * max(
        len(t) for p, t in small.items() if p.startswith("archive/2")
    )
    largest_category_page = max(len(t) for p, t in big.items() if p.startswith("categories/"))
    assert largest_category_page < 60_000
    day = big_editions[0].date
    assert len(big[f"days/{day:%Y}/{day:%Y-%m-%d}.md"]) < 40_000


def test_render_time_for_a_year_is_small():
    import time

    items, editions = synthetic_archive(days=365, per_day=25)
    # CPU time, not wall time: the suite runs on shared machines whose load says nothing
    # about the renderer (rendering is single-threaded, so CPU time <= its wall time alone)
    start = time.process_time()
    pages = render_site(items, editions, sample_settings())
    render_feeds(items, editions, sample_settings())
    elapsed = time.process_time() - start
    assert len(pages) > 365
    assert elapsed < 10, f"rendering a year took {elapsed:.1f} s"


def test_empty_archive_renders():
    pages = render_site({}, [], sample_settings())
    assert "还没有任何简报" in pages["index.md"]
    feeds = render_feeds({}, [], sample_settings())
    assert not feedparser.parse(feeds["feeds/rss.xml"]).bozo


def test_hostile_title_visible_in_category_page():
    page = rendered("en")["categories/safety/2026-04.md"]
    assert escape_html(HOSTILE_TITLE) in page
    assert HOSTILE_ID.split(":")[1].replace(".", "-") in page


# --------------------------------------------------------------------------- raw HTML fast path


def test_rawhtml_fast_path_gives_the_same_html():
    from generator.render import rawhtml

    md = mkdocs_markdown()
    pages = {p: t for p, t in rendered("zh").items() if p.endswith(".md")}
    stashed_any = False
    for path, text in pages.items():
        body = text.split("---\n", 2)[2] if text.startswith("---\n") else text
        md.reset()
        plain = md.convert(body)
        fast_text, blocks = rawhtml.stash(body)
        stashed_any |= bool(blocks)
        md.reset()
        fast = rawhtml.restore(md.convert(fast_text), blocks)
        assert fast == plain, path
    assert stashed_any


def test_two_families_making_one_file_is_a_clear_error():
    from generator.errors import ConfigError
    from generator.settings import Category

    settings = sample_settings()
    clash = settings.model_copy(update={"taxonomy": [*settings.taxonomy, Category(slug="rss", name="RSS", description="x")]})
    with pytest.raises(ConfigError, match=r"^feeds/rss.xml is made by both the day and the category page family: rename"):
        render_feeds(sample_items(), sample_editions(), clash)


@pytest.mark.parametrize("language", ["zh", "en"])
def test_raw_html_blocks_are_whole(language):
    """Every raw HTML paragraph a family writes is one line opening with a tag Markdown
    treats as a block (rawhtml.loose_blocks): so it skips Python-Markdown, unchanged."""
    from generator.render import rawhtml

    loose = {path: rawhtml.loose_blocks(text) for path, text in rendered(language).items() if path.endswith(".md")}
    assert {path: found for path, found in loose.items() if found} == {}


def test_rawhtml_ignores_markdown_and_multiline_blocks():
    from generator.render import rawhtml

    text = "# Title\n\n<p>a</p>\n\n- <p>not a block</p>\n\n<ul>\n<li>x</li></ul>\n\n&lt;p&gt;escaped&lt;/p&gt;"
    stashed, blocks = rawhtml.stash(text)
    assert blocks == ["<p>a</p>"]
    assert rawhtml.restore(stashed, blocks) == text


def test_href_matches_relpath_between_served_urls():
    import itertools
    import posixpath

    from generator.render.pages import href, page_url

    pages = ["index.md", "search.md", "archive/index.md", "archive/2026-04.md", "categories/index.md",
             "categories/llm-agents/index.md", "categories/llm-agents/2026-04.md", "days/2026/2026-04-01.md",
             "days/2026/2026-03-31.md", "days/2025/2025-12-31.md", "feeds/rss.xml", "feeds/llm-agents.xml"]
    for source, target in itertools.product(pages[:-2], pages):
        base = page_url(source).rstrip("/") or "."
        expected = posixpath.relpath(page_url(target).rstrip("/") or ".", base)
        if target.endswith(".md"):
            expected = "./" if expected == "." else expected + "/"
        assert href(source, target) == expected, (source, target)
    assert href("days/2026/2026-04-01.md", "days/2026/2026-04-01.md", "x") == "#x"
    assert href("days/2026/2026-04-01.md", "days/2026/2026-03-31.md", "x") == "../2026-03-31/#x"


def test_no_html_is_built_in_python_under_render():
    """Markup lives in the autoescaped templates: no string literal or f-string in
    generator/render/*.py holds an HTML tag (docstrings, and rawhtml's own block markers,
    aside)."""
    import ast

    tag = re.compile(r"</?[a-zA-Z][a-zA-Z0-9]*[\s>/]|<[a-zA-Z][a-zA-Z0-9]*$")
    allowed = {("rawhtml.py", "BLOCK_TAGS"), ("rawhtml.py", "_MARKER"), ("rawhtml.py", "_MARKER_RE"),
               ("rawhtml.py", "_HEADING_RE"), ("rawhtml.py", "_PERMALINK_RE")}  # patterns that read headings
    found = []
    for path in sorted((REPO / "generator" / "render").rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        docstrings = {
            id(node.body[0].value)
            for node in ast.walk(tree)
            if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef)) and node.body
            and isinstance(node.body[0], ast.Expr) and isinstance(node.body[0].value, ast.Constant)
        }
        exempt = set()
        for node in ast.walk(tree):
            if isinstance(node, ast.Assign) and any(isinstance(t, ast.Name) and (path.name, t.id) in allowed for t in node.targets):
                exempt |= {id(n) for n in ast.walk(node.value)}
        for node in ast.walk(tree):
            if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in docstrings | exempt:
                if tag.search(node.value):
                    found.append(f"{path.name}:{node.lineno}: {node.value[:60]!r}")
    assert found == []


@hyp_settings(max_examples=400, deadline=None)
@given(st.text())
def test_template_escaping_is_escape_html(text):
    """Every value a template prints goes through the environment's finalize, whose fast
    path (text with nothing to escape) must agree with escape_html exactly."""
    from generator.render.templating import environment

    rendered_text = environment("en").from_string("{{ value }}").render(value=text)
    assert rendered_text == escape_html(text)
    assert environment("en").from_string("<a title=\"{{ value }}\">").render(value=text) == f'<a title="{escape_html(text)}">'


class _Store:
    """A dict standing in for the build cache's SQLite tables."""

    def __init__(self):
        self.rows: dict[tuple[str, str], bytes] = {}

    def get(self, table, key):
        return self.rows.get((table, key))

    def put(self, table, key, value):
        self.rows[(table, key)] = value


def test_cached_render_renders_again_only_what_changed():
    from generator.render.index import SiteIndex
    from generator.render.pages import page_cache, render_pages

    settings = sample_settings()
    items, editions = synthetic_archive(days=10, per_day=5)
    loaded = []

    def items_of(edition):
        loaded.append(edition.date)
        return items

    cache = page_cache(_Store(), "salt")
    version = lambda edition: f"v1-{edition.date}"  # noqa: E731 (what the archive's file digests stand for)
    first = dict(render_pages(SiteIndex.build(items, editions, settings), items_of, cache=cache, version=version))
    assert first == render_site(items, editions, settings)
    loaded.clear()
    assert dict(render_pages(SiteIndex.build(items, editions, settings), items_of, cache=cache, version=version)) == first
    assert loaded == []  # no day loaded, no page rendered

    # one more day: it is rendered, and so is the day before (its navigation gains a link)
    items, more = synthetic_archive(days=11, per_day=5)
    assert more[:10] == editions
    third = dict(render_pages(SiteIndex.build(items, more, settings), items_of, cache=cache, version=version))
    assert sorted(loaded) == [more[-2].date, more[-1].date]
    assert third == render_site(items, more, settings)

    # an item's file changes: every day listing it is rendered again
    loaded.clear()
    changed = more[3].item_ids()[0]
    version2 = lambda edition: version(edition) + ("*" if changed in edition.item_ids() else "")  # noqa: E731
    dict(render_pages(SiteIndex.build(items, more, settings), items_of, cache=cache, version=version2))
    assert loaded == [e.date for e in more if changed in e.item_ids()]


def test_cached_category_month_pages_follow_their_items():
    """A category month page comes from the cache by its entries and their summaries: a
    changed title (or excerpt) renders it again, with the new text."""
    from generator.render.index import SiteIndex
    from generator.render.pages import page_cache, render_pages

    settings = sample_settings()
    items, editions = synthetic_archive(days=6, per_day=5)
    cache = page_cache(_Store(), "salt")
    version = lambda edition: str(edition.date)  # noqa: E731
    dict(render_pages(SiteIndex.build(items, editions, settings), lambda e: items, cache=cache, version=version))
    changed = editions[2].item_ids()[3]
    items[changed] = items[changed].model_copy(update={"title": "A corrected title"})
    warm = dict(render_pages(SiteIndex.build(items, editions, settings), lambda e: items, cache=cache, version=version))
    cold = render_site(items, editions, settings)
    pages = [p for p in cold if p.startswith("categories/") and "A corrected title" in cold[p]]
    assert pages and {p: warm[p] for p in pages} == {p: cold[p] for p in pages}


def test_cached_week_and_month_pages_follow_their_files():
    """Week and month pages are keyed by their editions' files (version: the edition's and its
    items', as buildcache.CachedArchive.version digests them): a rating added by hand
    renders them again, with it."""
    import hashlib

    from generator.render.index import SiteIndex
    from generator.render.pages import page_cache, render_pages

    settings = sample_settings()
    items, editions = synthetic_archive(days=12, per_day=5, start=dt.date(2026, 3, 2))

    def version(edition):  # what the files hold, as their fingerprints would say
        files = [edition.model_dump_json(), *(items[i].model_dump_json() for i in edition.item_ids())]
        return hashlib.sha256("\0".join(files).encode()).hexdigest()

    cache = page_cache(_Store(), "salt")
    dict(render_pages(SiteIndex.build(items, editions, settings), lambda e: items, cache=cache, version=version))
    rated = editions[8].item_ids()[0]
    items[rated] = items[rated].model_copy(update={"rating": "relevant"})
    warm = dict(render_pages(SiteIndex.build(items, editions, settings), lambda e: items, cache=cache, version=version))
    cold = render_site(items, editions, settings)
    pages = [p for p in cold if p.startswith(("weeks/2", "archive/2")) and "{#rated}" in cold[p]]
    assert len(pages) == 2 and {p: warm[p] for p in pages} == {p: cold[p] for p in pages}
