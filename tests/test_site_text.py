"""What readers see of an item: links to its history on the forge, clean text (no TeX),
the reader's language for the project's own words."""

from __future__ import annotations

import datetime as dt
import html
import re

import pytest

from fixtures_util import fixture_bytes
from generator.commentary import extractive
from generator.ids import anchor, item_path
from generator.models import Candidate, Commentary, Edition, EditionEntry, GeneratedText, Item, Section, Sighting, Verification
from generator.render.feeds import render_feeds
from generator.render.pages import render_site
from generator.render.i18n import Labels
from generator.render.plain import tex_to_text
from generator.render.search import search_records
from generator.settings import Site
from generator.sources import arxiv
from generator.store import Archive
from test_render import mkdocs_markdown
from site_data import REPO, SAMPLE_SITE, sample_editions, sample_items, sample_settings, write_archive

CARD_RE = re.compile(r"^### .*\{#([a-z0-9-]+)\}$", re.MULTILINE)


def _cards(page: str) -> dict[str, str]:
    """anchor -> the Markdown of that item card (heading to the next heading)."""
    found = list(CARD_RE.finditer(page))
    return {m.group(1): page[m.start(): found[i + 1].start() if i + 1 < len(found) else len(page)] for i, m in enumerate(found)}


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
    for candidate in arxiv.parse_rss(fixture_bytes("arxiv_rss/rss_multi_archive_2024-11-28_trimmed_cs.CL_plus_cross.rss.xml")):
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
        fields = extractive.item_fields(item, settings)
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
def test_no_tex_in_the_replayed_days_site(replayed_site):
    site, _ = replayed_site
    files = [p for p in site.rglob("*") if p.suffix in (".html", ".xml") and "pagefind" not in p.parts]
    assert any("days" in p.parts for p in files) and (site / "feeds" / "rss.xml") in files
    shipped = " ".join(p.read_text(encoding="utf-8") for p in (REPO / "data" / "items").rglob("*.yaml"))
    assert "\\emph{" in shipped  # the recorded day does carry TeX
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
    kind, category, year = labels("search_kind"), labels("category_label"), labels("search_year")
    boilerplate = [i.name for i in settings.profile.interests] + [labels(k) for k in ("why_it_matters", "relation", "contribution", "read_closely_reason")]
    for record in records:
        page, _, card = record.url.lstrip("/").partition("#")
        assert "{#" + card + "}" in pages[page[:-1] + ".md"], record.url  # the item's card on its first day
        assert record.meta["title"] and record.meta[kind] in record.filters[kind]
        assert set(record.filters) == {kind, category, year} and record.filters[year] == [record.sort["date"][:4]]
        assert not [b for b in boilerplate if b in record.content], (record.url, record.content)
