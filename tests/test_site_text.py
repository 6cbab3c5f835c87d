"""What readers see of an item: links to its history on the forge, clean text (no TeX),
the reader's language for the project's own words."""

from __future__ import annotations

import datetime as dt
import html
import re
import shutil
from html.parser import HTMLParser

import pytest

from conftest import NO_BAR, REPLAY_DAY, build_replayed_site
from fixtures_util import briefing_cli
from fixtures_util import fixture_bytes
from generator import rank, ratings
from generator.commentary import extractive
from generator.ids import anchor, item_path
from generator import messages
from generator.models import Candidate, Commentary, Edition, EditionEntry, GeneratedText, Item, Section, Sighting, SourceReport, Verification
from generator.render.escape import one_line
from generator.render.pages import render_feeds, render_site
from generator.render.i18n import STRINGS, Labels
from generator.render.messages import Part, parts, text
from generator.render.plain import display_item, tex_to_text
from generator.render.build import build_search_index
from generator.render.search import search_records
from generator.settings import Site
from generator.sources import arxiv
from generator.store import Archive
from test_render import mkdocs_markdown
from site_data import REPO, SAMPLE_SITE, sample_editions, sample_items, sample_settings, write_archive

CARD_RE = re.compile(r'^<h3 id="([a-z0-9-]+)">', re.MULTILINE)  # an item card's heading
ROW_RE = re.compile(r'<li id="([a-z0-9-]+)">(.*?)</li>')  # an item's compact row (other papers, follow list)


def _cards(page: str) -> dict[str, str]:
    """anchor -> the Markdown of that item's card (heading to the next heading) or compact row."""
    found = list(CARD_RE.finditer(page))
    cards = {m.group(1): page[m.start(): found[i + 1].start() if i + 1 < len(found) else len(page)] for i, m in enumerate(found)}
    return cards | {m.group(1): m.group(2) for m in ROW_RE.finditer(page)}


def _highlights(page: str) -> dict[str, str]:
    """The items with a full card (the highlights): anchor -> card."""
    return {a: card for a, card in _cards(page).items() if card.startswith("<h3")}


@pytest.mark.parametrize("repo_url, branch", [("https://github.com/ai-briefing/ai-briefing", "main"), ("https://codeberg.org/me/briefing/", "archive")])
def test_every_item_card_links_to_its_history_and_raw_file(tmp_path, repo_url, branch):
    write_archive(tmp_path / "data")
    settings = sample_settings(tmp_path / "data")
    settings = settings.model_copy(update={"site": Site(**{**SAMPLE_SITE, "repo_url": repo_url, "branch": branch})})
    items = sample_items()
    pages = render_site(items, sample_editions(), settings)
    by_anchor = {anchor(i): i for i in items}
    base = repo_url.rstrip("/")
    checked = 0
    for path, page in pages.items():
        if not path.startswith("days/"):
            continue
        for card_anchor, card in _cards(page).items():
            if card_anchor not in by_anchor:
                continue  # an idea heading, not an item card
            source = f"data/items/{item_path(by_anchor[card_anchor])}"
            assert (tmp_path / source).is_file(), source  # the link names the file the store wrote
            assert f'href="{base}/commits/{branch}/{source}"' in card, (path, card_anchor)
            assert f'href="{base}/raw/{branch}/{source}"' in card, (path, card_anchor)
            checked += 1
    assert checked >= len(items) - 1  # every card (the one never-listed item has none)


# --------------------------------------------------------------------------- TeX -> Unicode

# What TeX markup looks like once it reached a reader: a control word (\emph), an escaped
# special (\%), a math span ($...$), a TeX dash between words (3--5), TeX quotes (``x'').
TEX_RE = re.compile(r"\\[A-Za-z]+|\\[%$&#_{}]|\$[^$\n]{1,120}\$|\w--\w|``")


def _tex_left(text: str) -> list[str]:
    return sorted({m.group() for m in TEX_RE.finditer(text)})


def _recorded_papers() -> list[Candidate]:
    """Real arXiv entries with TeX in titles and abstracts (see tests/fixtures/sources/SOURCES.md)."""
    found: dict[str, Candidate] = {}
    for name in (
        "arxiv_api/query_all_testing_start0_max10.atom.xml",
        "arxiv_api/query_all_testing_start10_max10.atom.xml",
        "arxiv_api/query_cat_cs.LG_OR_cat_cs.AI_start0_max20_2026-04-30.atom.xml",
    ):
        for candidate in arxiv.parse_api(fixture_bytes(name)):
            found.setdefault(candidate.id, candidate)
    for candidate in arxiv.read_rss(fixture_bytes("arxiv_rss/rss_multi_archive_2024-11-28_trimmed_cs.CL_plus_cross.rss.xml"))[1]:
        found.setdefault(candidate.id, candidate)
    return [c for c in found.values() if _tex_left(c.title + " " + c.summary)]


def _tex_archive(settings) -> tuple[dict[str, Item], list[Edition]]:
    """The recorded TeX-heavy papers as items of one edition, commentary by the real extractive writer."""
    day = dt.date(2026, 4, 30)
    items: dict[str, Item] = {}
    for c in _recorded_papers():
        item = Item(
            id=c.id, kind="paper", title=c.title, url=c.url, published=c.published or day, authors=c.authors,
            summary=c.summary, source_categories=c.categories, seen=[Sighting(source="arxiv-api", date=day)],
            verification=Verification(status="verified", by="arxiv-api", url=c.url, checked=dt.datetime(2026, 4, 30, tzinfo=dt.timezone.utc)),
            categories=["reasoning"],
        )
        fields = extractive.item_fields(item)
        item.commentary = Commentary(**{k: GeneratedText(text=v, by="extractive") for k, v in fields.items() if v})
        items[item.id] = item
    entries = [EditionEntry(item=i) for i in items]
    edition = Edition(date=day, sections=[Section(slug="highlights", entries=entries[:5]), Section(slug="papers", entries=entries[5:])])
    return items, [edition]


@pytest.mark.parametrize("language", ["zh", "en"])
def test_no_tex_reaches_pages_or_feeds(language):
    settings = sample_settings(language=language)
    items, editions = _tex_archive(settings)
    assert len(items) >= 15, "the recorded payloads should give plenty of TeX"
    source = " ".join(i.title + " " + i.summary for i in items.values())
    assert {"\\emph", "\\textit", "\\%", "\\mathcal"} & set(_tex_left(source))  # the input really is TeX
    md = mkdocs_markdown()
    for path, text in {**render_site(items, editions, settings), **render_feeds(items, editions, settings)}.items():
        shown = _visible_text(text if path.endswith(".xml") else md.reset().convert(text))
        assert not _tex_left(shown), (path, _tex_left(shown))
    # ... while the archive keeps the source text
    assert any("\\" in i.title or "$" in i.title for i in items.values())


def _visible_text(markup: str) -> str:
    """Text as a reader sees it: tags dropped, entities decoded (twice for feed HTML in XML)."""
    for _ in range(2):
        markup = html.unescape(re.sub(r"<[^>]+>", " ", markup))
    return markup


@pytest.mark.parametrize("raw, shown", [
    (r"three contributions: (i) a \emph{unified operational paradigm}", "three contributions: (i) a unified operational paradigm"),
    (r"$H^3$Fusion: Helpful, Harmless, Honest Fusion", "H^3Fusion: Helpful, Harmless, Honest Fusion"),
    (r"it outperforms each model by $11.37\%$, and 4--16% of those", "it outperforms each model by 11.37%, and 4–16% of those"),
    (r"Apr\`es avoir pr\'esent\'e le corpus", "Après avoir présenté le corpus"),
    (r"$C \subseteq \mathcal{M}$", "C ⊆ℳ"),
    ("plain 100% & more, ~10x faster", "plain 100% & more, ~10x faster"),  # bare specials mean what they say
    ("no markup at all", "no markup at all"),
])
def test_tex_to_text(raw, shown):
    assert tex_to_text(raw) == shown


@pytest.mark.slow
@pytest.mark.slow
def test_no_tex_in_the_replayed_days_site(full_day_site):
    # With no bar, the day also lists its paper whose abstract carries TeX (the shipped edition,
    # which lists only what clears the reader's bar, does not).
    site, settings = full_day_site
    files = [p for p in site.rglob("*") if p.suffix in (".html", ".xml") and "pagefind" not in p.parts]
    assert any("days" in p.parts for p in files) and (site / "feeds" / "rss.xml") in files
    stored = " ".join(p.read_text(encoding="utf-8") for p in (settings.data_dir / "items").rglob("*.yaml"))
    assert "\\emph{" in stored  # the recorded day does carry TeX
    for path in files:
        text = path.read_text(encoding="utf-8")
        if path.suffix == ".html":
            text = re.sub(r"<(script|style)\b.*?</\1>", " ", text, flags=re.DOTALL)
        assert not _tex_left(_visible_text(text)), (path.relative_to(site), _tex_left(_visible_text(text)))


# --------------------------------------------------------------------------- search records


def _replayed_archive():
    archive = Archive(REPO / "data")
    return archive.load_items(), archive.load_editions()


@pytest.mark.parametrize("archive", ["sample", "replayed"])
@pytest.mark.parametrize("language", ["zh", "en"])
def test_search_records_are_items_without_boilerplate(language, archive):
    settings = sample_settings(language=language)
    items, editions = (sample_items(), sample_editions()) if archive == "sample" else _replayed_archive()
    records = search_records(items, editions, settings)
    pages = render_site(items, editions, settings)
    listed = {e.item for ed in editions for s in ed.sections for e in s.entries} & set(items)
    assert len(records) == len(listed)  # one per item, not per day
    labels = Labels(language)
    kind = labels("search_kind")
    by_anchor = {anchor(i): i for i in items}
    boilerplate = [labels(k) for k in ("why_it_matters", "relation", "contribution", "read_closely_reason")]
    names = settings.profile.names(language)
    for record in records:
        page, _, card = record.url.lstrip("/").partition("#")
        item = items[by_anchor[card]]
        assert card in _cards(pages[page[:-1] + ".md"]), record.url  # the item's card or row on its first day
        assert record.meta["title"] and record.meta[kind] == labels("kind_" + item.kind)
        # the names of the interests it matched, in the site's language, and of no other
        matched = {m.interest for m in item.relevance.matched}
        assert all(names[slug] in record.content for slug in matched), (record.url, record.content)
        others = [i.name for i in settings.profile.interests if i.slug not in matched]
        assert not [b for b in boilerplate + others if b in record.content], (record.url, record.content)


# --------------------------------------------------------------------------- the reader's language

# Four or more Latin-script words with an English function word among them: a sentence (or a
# clause) in English, not a name like "Hugging Face Daily Papers" or "arXiv API".
LATIN_RUN = re.compile(r"[A-Za-z][\w'’.-]*(?:[ ,;:()/]+[A-Za-z][\w'’.-]*){3,}")
FUNCTION_WORDS = {"the", "of", "and", "to", "in", "for", "is", "are", "no", "not", "with", "from", "on", "by", "was",
                  "were", "be", "this", "that", "it", "as", "at", "or", "but", "left", "out", "used", "configured"}
CJK_RUN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\u3000-\u303f\uff00-\uffef]+")


class _ProjectText(HTMLParser):
    """The text of a page's article, minus what is marked as another language (quotations
    of sources and of the run's record carry a lang attribute), scripts and code."""

    SKIP = {"script", "style", "code", "svg"}
    VOID = {"br", "img", "input", "meta", "link", "hr", "wbr", "source"}

    def __init__(self, everywhere: bool = False):
        super().__init__(convert_charrefs=True)
        self.stack: list[bool] = []  # per open element: is its text skipped?
        self.in_article = 0
        self.everywhere = everywhere  # the whole body (header, navigation, footer), not the article only
        self.page_lang = ""
        self.parts: list[str] = []

    BLOCKS = {"p", "li", "td", "th", "tr", "div", "h1", "h2", "h3", "h4", "ul", "ol", "details", "summary", "table"}

    def handle_starttag(self, tag, attrs):
        if tag in self.BLOCKS:
            self.parts.append(" | ")  # a sentence does not run across blocks
        if tag in self.VOID:
            return
        lang = dict(attrs).get("lang")
        if tag == "html":
            self.page_lang = (lang or "")[:2]
            lang = None
        foreign = lang is not None and lang[:2] != self.page_lang
        skipped = (self.stack and self.stack[-1]) or tag in self.SKIP or foreign
        self.stack.append(bool(skipped))
        if tag == "article":
            self.in_article += 1

    def handle_endtag(self, tag):
        if tag in self.BLOCKS:
            self.parts.append(" | ")
        if tag in self.VOID:
            return
        if self.stack:
            self.stack.pop()
        if tag == "article":
            self.in_article -= 1

    def handle_data(self, data):
        if (self.in_article or self.everywhere) and not (self.stack and self.stack[-1]):
            self.parts.append(data)


def _project_text(page: str, everywhere: bool = False) -> str:
    parser = _ProjectText(everywhere)
    parser.feed(page)
    return re.sub(r"\s+", " ", " ".join(parser.parts))


def _source_haystack(settings) -> str:
    """Every string the site shows from the sources or the reader's own settings (normalised):
    text found here is not the project's voice."""
    archive = Archive(settings.data_dir)
    parts = [settings.site.title, settings.profile.name]
    for interest in settings.profile.interests:
        parts += [interest.name, *interest.phrases]
    parts += [entry.title for entry in settings.profile.library]  # the reader's own titles ("close to X")
    for rated in ratings.rated(archive):  # "close to X, which you rated must-read: <the reader's reason>"
        parts += [rated.title, rank.short_title(rated.title), rated.why or ""]
    for item in archive.load_items().values():
        shown = display_item(item)
        parts += [shown.title, shown.summary, item.id, item.url, *item.authors, *item.source_categories, *item.versions]
        parts += [s.detail or "" for s in item.seen] + list(item.extra.values())
        parts += [g.text for g in (shown.commentary.contribution, shown.commentary.why_it_matters) if g and g.by == "extractive"]
        parts += [term for match in item.relevance.matched for term in match.terms]
    return re.sub(r"\s+", " ", " ".join(parts)).lower()


def _foreign_runs(site, settings) -> dict[str, list[str]]:
    haystack = _source_haystack(settings)
    found: dict[str, list[str]] = {}
    for path in sorted(site.rglob("*.html")):
        if "pagefind" in path.parts or path.name == "404.html":
            continue
        text = _project_text(path.read_text(encoding="utf-8"))
        if settings.language == "zh":
            runs = [m.group() for m in LATIN_RUN.finditer(text)
                    if FUNCTION_WORDS & {w.lower() for w in re.findall(r"[A-Za-z]+", m.group())}]
        else:
            runs = [m.group() for m in CJK_RUN.finditer(text) if re.search(r"[\u3400-\u9fff]", m.group())]
        runs = [r for r in runs if re.sub(r"\s+", " ", r).lower().strip(" ,;:()") not in haystack]
        if runs:
            found[str(path.relative_to(site))] = runs[:5]
    return found


@pytest.mark.slow
@pytest.mark.parametrize("language", ["zh", "en"])
def test_the_project_speaks_the_readers_language(tmp_path_factory, replayed_site, language):
    """Acceptance 2: over the built pages' text minus quoted source text, no sentence by the
    project in the other language (zh: no English; en: no Chinese)."""
    site, settings = replayed_site if language == "zh" else build_replayed_site(tmp_path_factory.mktemp("site-en"), "en", search=False)
    assert any((site / "days").rglob("*.html"))
    assert _foreign_runs(site, settings) == {}


@pytest.mark.slow
def test_an_english_site_of_a_chinese_archive_is_english(tmp_path):
    """Issue 26, acceptance 4: the recorded day (run in zh) built as an en site: every page's
    text, header and navigation included, has no Chinese outside quotations (elements marked
    with another lang) and item titles. Notes, explanations and the day's judgment are stored
    as data and worded by the page, so nothing of the run's language shows through."""
    import shutil

    from generator import settings as settings_mod
    from generator.render.build import build_site

    shutil.copytree(REPO / "data", tmp_path / "data")
    settings = settings_mod.load(REPO / "briefing.yaml").model_copy(update={"data_dir": tmp_path / "data", "language": "en"})
    build_site(settings, tmp_path / "site", search=False)
    titles = [one_line(display_item(item).title) for item in Archive(tmp_path / "data").load_items().values()]
    found: dict[str, list[str]] = {}
    for path in sorted((tmp_path / "site").rglob("*.html")):
        if "pagefind" in path.parts:
            continue
        text = _project_text(path.read_text(encoding="utf-8"), everywhere=True)
        runs = [m.group() for m in CJK_RUN.finditer(text)
                if re.search(r"[\u3400-\u9fff]", m.group()) and not any(m.group() in title for title in titles)]
        if runs:
            found[str(path.relative_to(tmp_path / "site"))] = runs[:5]
    assert found == {}


def test_run_notes_are_codes_worded_in_every_language():
    """Issue 26, acceptance 4: what a run notes is stored as a code and its arguments
    (generator.messages), never as a sentence to be parsed back; each code has one label per
    language whose placeholders are exactly its arguments."""
    for language in ("zh", "en"):
        labels = {k[4:]: v for k, v in STRINGS[language].items() if k.startswith("msg_")}
        assert set(labels) == set(messages.CODES), language
        for code, args in messages.CODES.items():
            assert set(re.findall(r"\{(\w+)\}", labels[code])) == set(args), (language, code)
    edition = Archive(REPO / "data").load_edition(dt.date(2026, 4, 30))
    notes = [*edition.commentary_notes, *(n for r in edition.sources for n in r.notes)]
    assert notes and all(n.code in messages.CODES and n.code != "recorded" for n in notes)
    for language in ("zh", "en"):
        assert all(p.text or p.quote for n in notes for p in parts(Labels(language), n))
    nested = messages.note("daily-failed", error=messages.note("http-status", url="<replay>/api/daily_papers?date=2026-04-29", status=501))
    assert text(Labels("zh"), nested) == "每日论文：<replay>/api/daily_papers?date=2026-04-29：HTTP 501"
    assert text(Labels("en"), nested) == "daily papers: <replay>/api/daily_papers?date=2026-04-29: HTTP 501"
    # someone else's words stay theirs, marked as a quotation of the record
    assert parts(Labels("zh"), messages.note("search", query="topic:agents", n=3))[1] == Part(quote="topic:agents")
    # a note an earlier version stored as a sentence is shown whole, as a quotation
    legacy = SourceReport(source="arxiv_rss", status="failed", notes=["something the pipeline said"]).notes[0]
    assert parts(Labels("zh"), legacy) == [Part(quote="something the pipeline said")]
    with pytest.raises(ValueError):
        messages.note("no-such-code")


def test_no_vacuous_reason_and_no_heading_as_content_on_the_replayed_day(tmp_path):
    """Issue 26, acceptance 3: every "why it matters" of the recorded day carries a figure or a
    name (FutureWorld's "The results show that training is effective." does not, so its card
    says the abstract gives no concrete result), and a card's heading line ("Dataset Summary")
    is never shown as what a dataset is. The day replayed with no bar and a long follow list,
    so that every paper and dataset it could list is there."""
    shutil.copytree(REPO / "data" / "ratings", tmp_path / "data" / "ratings")
    replayed = briefing_cli("run", "--replay", str(REPLAY_DAY), "--quiet", data_dir=tmp_path / "data",
                            env={**NO_BAR, "BRIEFING_EDITION__FOLLOW": "60"})
    assert replayed.returncode == 3, replayed.stderr
    archive = Archive(tmp_path / "data")
    items = archive.load_items()
    whys = {i: item.commentary.why_it_matters.text for i, item in items.items() if item.commentary.why_it_matters}
    assert len(whys) >= 10 and [w for w in whys.values() if not extractive.concrete(w)] == []
    assert items["arxiv:2604.26733"].commentary.why_it_matters is None  # FutureWorld
    texts = [g.text for item in items.values() for g in (item.commentary.contribution, item.commentary.why_it_matters) if g]
    assert [t for t in texts if extractive.is_heading(t)] == []
    day = render_site(items, archive.load_editions(), sample_settings(archive.root))["days/2026/2026-04-30.md"]
    cards = _cards(day)
    headed = [i for i in archive.load_edition(dt.date(2026, 4, 30)).item_ids() if extractive.is_heading(items[i].summary)]
    assert headed, "the day lists a card whose text starts with a heading (Dataset Summary, Dataset Description:...)"
    for item_id in headed:
        assert items[item_id].summary not in cards[anchor(item_id)], item_id
    assert "The results show that training is effective." not in re.sub(r'<details class="item-abstract">.*?</details>', "", day)


def test_the_recorded_day_shows_no_date_after_it():
    """Issue 26: payloads recorded after the day (models created in June, repos pushed in June)
    put nothing on the day that it could not have had: the models are not listed (the report
    says so) and the page shows no later date."""
    archive = Archive(REPO / "data")
    items, edition = archive.load_items(), archive.load_edition(dt.date(2026, 4, 30))
    assert all(items[i].published <= edition.date for i in edition.item_ids())
    hf = next(r for r in edition.sources if r.source == "huggingface")
    assert messages.note("published-later", n=2, date="2026-04-30") in hf.notes
    day = render_site(items, archive.load_editions(), sample_settings(REPO / "data"))["days/2026/2026-04-30.md"]
    assert [d for d in re.findall(r"\b20\d\d-\d\d-\d\d\b", day) if d > "2026-04-30"] == []


def test_an_item_without_a_reason_says_why():
    archive = Archive(REPO / "data")
    items = archive.load_items()
    settings = sample_settings(REPO / "data")
    pages = render_site(items, archive.load_editions(), settings)
    day = pages["days/2026/2026-04-30.md"]
    edition = archive.load_edition(dt.date(2026, 4, 30))
    highlights = _highlights(day)
    without = [i for i in edition.item_ids() if anchor(i) in highlights and items[i].commentary.why_it_matters is None]
    assert without, "the recorded day has a highlight whose abstract states no concrete result"
    for item_id in without:
        # the row is there, saying why it is empty
        assert "<strong>为什么值得关注</strong>：<em class=\"missing-reason\">摘要没有给出具体结果" in highlights[anchor(item_id)], item_id
    for anchor_, text in highlights.items():
        assert "<strong>为什么值得关注</strong>" in text, anchor_
    # a compact row says why it is listed, and a follow entry why to follow it
    for anchor_, text in _cards(day).items():
        if anchor_ not in highlights:
            assert '<p class="row-reason">' in text and "</p>" in text.split('<p class="row-reason">', 1)[1], anchor_


def test_extracts_in_another_language_are_marked_as_quotations():
    archive = Archive(REPO / "data")
    items = archive.load_items()
    day = render_site(items, archive.load_editions(), sample_settings(REPO / "data"))["days/2026/2026-04-30.md"]
    cards = _cards(day)
    checked = 0
    for item in items.values():
        contribution = item.commentary.contribution
        if anchor(item.id) not in cards or contribution is None or contribution.by != "extractive" \
                or re.search(r"[\u4e00-\u9fff]", contribution.text):
            continue
        card = cards[anchor(item.id)]
        if item.kind == "paper" and not card.startswith("<h3"):
            continue  # a compact row shows no contribution
        shown = html.escape(display_item(item).commentary.contribution.text, quote=True)
        assert f'<span class="source-quote" lang="en">{shown}</span> <small class="quote-mark">（原文摘录）</small>' in card, item.id
        checked += 1
    assert checked >= 8  # the highlights and the follow list


@pytest.mark.slow
def test_the_search_index_is_byte_identical_from_one_build_to_the_next(tmp_path):
    """Deterministic output: two indexings of the same records give the same bytes (Pagefind
    alone writes its filter files in hash-map order; pagefind_bundle.sort_filters sorts them)."""
    import hashlib

    items, editions = _replayed_archive()
    records = search_records(items, editions, sample_settings())
    assert all(r.filters for r in records)
    trees = []
    for name in ("one", "two"):
        build_search_index(tmp_path / name, sample_settings(), records)
        trees.append({p.relative_to(tmp_path / name).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
                      for p in (tmp_path / name).rglob("*") if p.is_file()})
    assert trees[0] == trees[1]
