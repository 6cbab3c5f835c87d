"""The site as a pure function: archive data in, Markdown pages out.

``render_site(items, editions, settings)`` returns ``{docs-relative path: Markdown}``;
``render_pages(index, items_of)`` yields the same pages one at a time, asking ``items_of``
for one edition's items only when it renders that day (so the whole archive need never be
in memory). ``edit_paths(editions)`` says which YAML file each page came from (the Material
"edit this page" button opens it). Nothing here imports MkDocs: ``docs/gen_pages.py`` writes
the pages into the build, and tests compare them with golden files.

Pages::

    index.md                          latest briefing and recent ones
    days/<yyyy>/<yyyy-mm-dd>.md       one per edition (the only pages Pagefind indexes)
    archive/index.md                  months, newest first
    archive/<yyyy-mm>.md              the editions of one month
    categories/index.md               every taxonomy entry with counts
    categories/<slug>/index.md        the category's months with counts, latest items
    categories/<slug>/<yyyy-mm>.md    the category's items first listed that month
    search.md                         the Pagefind search box

Page weight stays flat as the archive grows: every page holds at most a month of something,
the recent list or one day.

Markup lives in Jinja2 templates (``templates/``, autoescaped, see ``templating``); this
module prepares plain data for them. Headings and the short navigation lines are Markdown
(table of contents, anchors MkDocs validates); the bodies are raw HTML blocks, which
Python-Markdown passes through untouched (the MkDocs hook even keeps them away from its
HTML parser, see ``rawhtml``). Links in raw HTML are computed for MkDocs' directory URLs
(``href``); lychee checks them in the built site.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections import defaultdict
from dataclasses import dataclass
from typing import Callable, Iterator, Mapping, Protocol

from ..ids import anchor
from ..models import Edition, EditionEntry, Item
from ..settings import Settings
from .cards import Cards, Link, Text, generated
from .escape import one_line, truncate
from .i18n import SOURCE_LABELS, Labels
from .index import ItemSummary, SiteIndex
from .paths import (  # noqa: F401 (re-exported: the path helpers' historical home)
    archive_page,
    category_feed,
    category_page,
    day_page,
    day_url,
    edition_source,
    href,
    item_source,
    month_of,
    page_url,
    rel,
)
from .notes import translate
from .plain import DisplayItems
from .templating import render

SECTION_ORDER = ("highlights", "papers", "follow", "read-closely")
CATEGORY_LATEST = 10
HOME_PICKS = 8
ARCHIVE_PICKS = 5
JUDGMENT_EXCERPT = 200
CONTRIBUTION_EXCERPT = 160
SOURCE_COLUMNS = ["col_source", "col_status", "col_requests", "col_http", "col_retries", "col_fallback", "col_candidates"]

ItemsOf = Callable[[Edition], Mapping[str, Item]]


class PageStore(Protocol):
    """Where rendered pages are kept between builds (``buildcache.BuildCache``)."""

    def get(self, table: str, key: str) -> bytes | None: ...

    def put(self, table: str, key: str, value: bytes) -> None: ...


class PageCache:
    """Rendered Markdown by the hash of its input; ``salt`` stands for everything else a
    page depends on (the code and templates, the settings)."""

    def __init__(self, store: PageStore, salt: str):
        self.store = store
        self.salt = salt

    def key(self, *parts: object) -> str:
        return hashlib.sha256(repr((self.salt, *parts)).encode()).hexdigest()

    def get(self, key: str) -> str | None:
        raw = self.store.get("pages", key)
        return raw.decode("utf-8") if raw is not None else None

    def put(self, key: str, text: str) -> None:
        self.store.put("pages", key, text.encode("utf-8"))


@dataclass(frozen=True, slots=True)
class Nav:
    prev: Link | None = None
    month: Link | None = None
    next: Link | None = None


@dataclass(frozen=True, slots=True)
class MonthNav:
    older: Link | None
    index: Link
    newer: Link | None


def _is_edition_day(index: SiteIndex, value: str) -> bool:
    try:
        return dt.date.fromisoformat(value) in index.position
    except ValueError:
        return False


def _months_around(months: list[str], i: int) -> tuple[str | None, str | None]:
    """(newer, older) neighbours of months[i] in a newest-first list."""
    newer = months[i - 1] if i > 0 else None
    older = months[i + 1] if i + 1 < len(months) else None
    return newer, older


class Renderer:
    """Prepares each page's data and renders its template."""

    def __init__(self, index: SiteIndex, cache: PageCache | None = None):
        self.index = index
        self.settings = index.settings
        self.language = index.settings.language
        self.t = Labels(self.language)
        self.cards = Cards(index)
        self.cache = cache

    def page(self, template: str, **data: object) -> str:
        """The template rendered with ``data`` (plain values: their repr is the cache key)."""
        if self.cache is None:
            return render(self.language, template, **data)
        key = self.cache.key(self.language, template, data)
        text = self.cache.get(key)
        if text is None:
            text = render(self.language, template, **data)
            self.cache.put(key, text)
        return text

    # ---- navigation

    def edition_nav(self, page: str, edition: Edition) -> Nav:
        editions = self.index.editions
        position = self.index.position[edition.date]
        prev = editions[position - 1].date if position > 0 else None
        next_ = editions[position + 1].date if position + 1 < len(editions) else None
        return Nav(
            prev=Link(rel(page, day_page(prev)), f"{prev:%Y-%m-%d}") if prev else None,
            month=Link(rel(page, archive_page(month_of(edition.date))), f"{edition.date:%Y-%m}"),
            next=Link(rel(page, day_page(next_)), f"{next_:%Y-%m-%d}") if next_ else None,
        )

    def month_nav(self, page: str, older: str | None, newer: str | None, target, index_page: str, index_label: str) -> MonthNav:
        return MonthNav(
            older=Link(rel(page, target(older)), self.t.month(older)) if older else None,
            index=Link(rel(page, index_page), index_label),
            newer=Link(rel(page, target(newer)), self.t.month(newer)) if newer else None,
        )

    # ---- day page

    def day(self, edition: Edition, items: Mapping[str, Item]) -> str:
        """One edition's page; ``items`` holds (at least) the edition's items."""
        page = day_page(edition.date)
        items = DisplayItems(items)  # as readers see them: no TeX (the archive keeps it)
        title = self.t("edition_title", title=self.settings.site.title, date=f"{edition.date:%Y-%m-%d}")
        judgment = generated(edition.judgment) if edition.judgment is not None and one_line(edition.judgment.text) else None
        rendered: set[str] = set()
        sections = []
        for slug in SECTION_ORDER:
            section = edition.section(slug)
            if section is None and slug not in edition.needs_llm:
                continue
            sections.append(self.section(page, slug, section, edition, items, rendered))
        ideas = None
        if edition.ideas or "ideas" in edition.needs_llm:
            ideas = [
                {
                    "title": idea.title.text,
                    "body": Text(idea.body.text, idea.body.human_edited(), len(idea.body.removed_claims)),
                    "claims": len(idea.title.removed_claims),
                    "refs": [self.cards.ref(page, i) for i in idea.items],
                }
                for idea in edition.ideas
            ]
        return self.page(
            "day.md",
            title=title,
            nav=self.edition_nav(page, edition),
            status=edition.status,
            judgment=judgment,
            judgment_needs_llm="judgment" in edition.needs_llm,
            sections=sections,
            ideas=ideas,
            report=self.source_report(edition),
        )

    def day_facts(self, edition: Edition) -> tuple:
        """What a day page reads from the site index (beyond its edition and items): its
        neighbours, and for each item it mentions the day it first appeared and its title."""
        index = self.index
        position = index.position[edition.date]
        neighbours = tuple(index.editions[i].date for i in (position - 1, position + 1) if 0 <= i < len(index.editions))
        mentioned = list(edition.item_ids()) + [i for idea in edition.ideas for i in idea.items]
        dates = []
        for section in edition.sections:
            for entry in section.entries:
                for note in entry.continuity:
                    kind, _, value = note.partition(":")
                    if kind.endswith("-of"):
                        mentioned.append(value)
                    elif kind == "seen-before":
                        dates.append((value, _is_edition_day(index, value)))
        items = tuple((i, index.first_day.get(i), index.title_text(i)) for i in dict.fromkeys(mentioned))
        return position == 0, neighbours, items, tuple(dates)

    def section(self, page: str, slug: str, section, edition: Edition, items: Mapping[str, Item], rendered: set[str]) -> dict:
        view = {"slug": slug, "needs_llm": False, "empty": False, "read_closely": None, "entries": []}
        if section is None or not section.entries:
            view["needs_llm" if slug in edition.needs_llm else "empty"] = True
            return view
        entries = section.entries
        if slug == "read-closely":
            view["read_closely"] = [self.read_closely_row(entry, items) for entry in entries]
            # listed only in the list: the full card follows it
            entries = [e for e in entries if e.item in items and e.item not in rendered]
        view["entries"] = [self.entry(page, entry, items, rendered) for entry in entries]
        return view

    def entry(self, page: str, entry: EditionEntry, items: Mapping[str, Item], rendered: set[str]) -> dict:
        item = items.get(entry.item)
        if item is None:
            return {"missing": entry.item}
        if entry.item in rendered:
            return {"seen": self.cards.ref(page, entry.item)}
        rendered.add(entry.item)
        return {"card": self.cards.card(page, item, entry)}

    def read_closely_row(self, entry: EditionEntry, items: Mapping[str, Item]) -> dict:
        item = items.get(entry.item)
        if item is None:
            return {"missing": entry.item}
        language = self.language
        reason = (
            generated(item.commentary.why_it_matters, language)
            or self.cards.relation(item)
            or generated(item.commentary.contribution, language)
        )
        return {"link": Link("#" + anchor(entry.item), self.index.title_text(entry.item)), "reason": reason}

    def source_report(self, edition: Edition) -> dict | None:
        t = self.t
        if not (edition.sources or edition.commentary_notes or edition.ranking_notes or edition.stats.candidates):
            return None
        rows = [
            [
                SOURCE_LABELS.get(report.source, report.source),
                t("status_source_degraded" if report.status == "degraded" else f"status_{report.status}"),
                str(report.requests),
                ", ".join(f"{code}×{count}" for code, count in report.http_statuses.items()),
                str(report.retries),
                "".join(p.text or p.quote for p in translate(t, report.fallback or "")),
                str(report.candidates),
            ]
            for report in edition.sources
        ]
        notes = [(SOURCE_LABELS.get(r.source, r.source), [translate(t, n) for n in r.notes]) for r in edition.sources if r.notes]
        stats = edition.stats
        return {
            "header": SOURCE_COLUMNS,
            "rows": rows,
            "notes": notes,
            "stats": t("run_stats", **stats.model_dump()) if stats.candidates or stats.verified else "",
            "commentary_notes": [translate(t, n) for n in edition.commentary_notes],
            "ranking_notes": edition.ranking_notes,  # written in the edition's language by grading
        }

    # ---- home, archive

    def pick_rows(self, page: str, edition: Edition, limit: int) -> list[dict]:
        return [
            {"link": self.cards.ref(page, i), "excerpt": self.cards.excerpt(i, CONTRIBUTION_EXCERPT), "lang": self.cards.excerpt_lang(i)}
            for i in self.index.picks(edition, limit)
        ]

    def home(self) -> str:
        page = "index.md"
        editions = self.index.editions
        latest = recent = None
        if editions:
            last = editions[-1]
            judgment = last.judgment.text if last.judgment is not None and one_line(last.judgment.text) else ""
            latest = {
                "date": f"{last.date:%Y-%m-%d}",
                "judgment": truncate(judgment, JUDGMENT_EXCERPT * 2) if judgment else "",
                "picks": self.pick_rows(page, last, HOME_PICKS),
                "url": rel(page, day_page(last.date)),
            }
            recent = [self.edition_row(page, e) for e in list(reversed(editions[:-1]))[: max(self.settings.site.recent - 1, 0)]]
        links = {"archive": rel(page, "archive/index.md"), "rss": rel(page, "feeds/rss.xml"), "atom": rel(page, "feeds/atom.xml")}
        return self.page("home.md", title=self.settings.site.title, latest=latest, recent=recent, links=links)

    def edition_row(self, page: str, edition: Edition, picks: int = 3) -> dict:
        return {
            "link": Link(href(page, day_page(edition.date)), f"{edition.date:%Y-%m-%d}"),
            "count": self.t("items_count", n=len(edition.item_ids())),
            "picks": [self.cards.ref(page, i, 90) for i in self.index.picks(edition, picks)],
        }

    def months(self) -> list[tuple[str, list[Edition]]]:
        """(yyyy-mm, editions of that month newest first), newest month first."""
        grouped: dict[str, list[Edition]] = defaultdict(list)
        for edition in reversed(self.index.editions):
            grouped[month_of(edition.date)].append(edition)
        return sorted(grouped.items(), reverse=True)

    def archive_index(self, months) -> str:
        t = self.t
        page = "archive/index.md"
        by_year: dict[str, list[dict]] = defaultdict(list)
        for month, editions in months:
            by_year[month[:4]].append({
                "link": Link(href(page, archive_page(month)), t.month(month)),
                "editions": t("editions_count", n=len(editions)),
                "item_count": t("items_count", n=sum(len(e.item_ids()) for e in editions)),
            })
        return self.page("archive.md", years=list(by_year.items()))

    def archive_month(self, month: str, editions: list[Edition], newer: str | None, older: str | None) -> str:
        t = self.t
        page = archive_page(month)
        rows = []
        for edition in editions:
            judgment = edition.judgment.text if edition.judgment is not None and one_line(edition.judgment.text) else ""
            rows.append({
                "link": Link(href(page, day_page(edition.date)), f"{edition.date:%Y-%m-%d}"),
                "count": t("items_count", n=len(edition.item_ids())),
                "judgment": truncate(judgment, JUDGMENT_EXCERPT) if judgment else "",
                "picks": [self.cards.ref(page, i) for i in self.index.picks(edition, ARCHIVE_PICKS)],
            })
        nav = self.month_nav(page, older, newer, archive_page, "archive/index.md", t("archive"))
        return self.page("archive_month.md", month=t.month(month), nav=nav, rows=rows)

    # ---- categories

    def categories_index(self) -> str:
        page = "categories/index.md"
        rows = []
        for slug in self.index.categories:
            entries = self.index.by_category[slug]
            rows.append({
                "link": Link(href(page, category_page(slug)), self.cards.category_name(slug)),
                "description": self.cards.category_description(slug),
                "count": str(len(entries)),
                "latest": f"{entries[0][0]:%Y-%m-%d}" if entries else "",
                "feed": Link(href(page, category_feed(slug)), "RSS"),
            })
        return self.page("categories.md", rows=rows)

    def category_months(self, slug: str) -> list[tuple[str, list[tuple[dt.date, int, str]]]]:
        grouped: dict[str, list[tuple[dt.date, int, str]]] = defaultdict(list)
        for entry in self.index.by_category[slug]:
            grouped[month_of(entry[0])].append(entry)
        return sorted(grouped.items(), reverse=True)

    def category_index(self, slug: str, months) -> str:
        t = self.t
        page = category_page(slug)
        latest = [(f"{day:%Y-%m-%d}", self.cards.ref(page, item_id)) for day, _, item_id in self.index.by_category[slug][:CATEGORY_LATEST]]
        month_rows = [
            {"link": Link(href(page, category_page(slug, month)), t.month(month)), "count": t("items_count", n=len(entries))}
            for month, entries in months
        ]
        return self.page(
            "category.md",
            feed=category_feed(slug),
            name=self.cards.category_name(slug),
            description=self.cards.category_description(slug),
            links={"feed": rel(page, category_feed(slug)), "categories": rel(page, "categories/index.md")},
            latest=latest if months else [],
            months=month_rows,
        )

    def category_month(self, slug: str, month: str, entries, newer: str | None, older: str | None) -> str:
        t = self.t
        page = category_page(slug, month)
        name = self.cards.category_name(slug)
        by_day: dict[dt.date, list[dict]] = {}
        for day, _, item_id in entries:
            by_day.setdefault(day, []).append({
                "link": self.cards.ref(page, item_id),
                "kind": self.index.summaries[item_id].kind,
                "excerpt": self.cards.excerpt(item_id, CONTRIBUTION_EXCERPT),
                "lang": self.cards.excerpt_lang(item_id),
            })
        days = [
            {"id": f"{day:%Y%m%d}", "link": Link(href(page, day_page(day)), f"{day:%Y-%m-%d}"), "rows": rows}
            for day, rows in by_day.items()
        ]
        nav = self.month_nav(page, older, newer, lambda m: category_page(slug, m), category_page(slug), name)
        return self.page(
            "category_month.md",
            feed=category_feed(slug),
            title=t("category_month_title", name=name, month=t.month(month)),
            nav=nav,
            days=days,
        )

    def search(self) -> str:
        return self.page("search.md")


# --------------------------------------------------------------------------- entry points


def render_pages(
    index: SiteIndex,
    items_of: ItemsOf,
    *,
    cache: PageCache | None = None,
    version: Callable[[Edition], str] | None = None,
) -> Iterator[tuple[str, str]]:
    """Every generated page as ``(docs-relative path, Markdown)``, one at a time.

    ``items_of(edition)`` returns that edition's items (a mapping holding at least them);
    it is called once per day page, so a caller can load one day at a time. With a
    ``cache``, a page whose input is unchanged is not rendered again; a day page's input is
    ``version(edition)`` (a digest of its edition and item files) plus ``day_facts``, so an
    unchanged day is not even loaded.
    """
    r = Renderer(index, cache)
    yield "index.md", r.home()
    yield "search.md", r.search()
    for edition in index.editions:
        yield day_page(edition.date), _day(r, edition, items_of, cache, version)
    months = r.months()
    yield "archive/index.md", r.archive_index(months)
    names = [month for month, _ in months]
    for i, (month, month_editions) in enumerate(months):
        newer, older = _months_around(names, i)
        yield archive_page(month), r.archive_month(month, month_editions, newer, older)
    yield "categories/index.md", r.categories_index()
    for slug in index.categories:
        cat_months = r.category_months(slug)
        yield category_page(slug), r.category_index(slug, cat_months)
        names = [month for month, _ in cat_months]
        for i, (month, entries) in enumerate(cat_months):
            newer, older = _months_around(names, i)
            yield category_page(slug, month), _category_month(r, slug, month, entries, newer, older)


def _day(r: Renderer, edition: Edition, items_of: ItemsOf, cache: PageCache | None, version) -> str:
    if cache is None or version is None:
        return r.day(edition, items_of(edition))
    key = cache.key(r.language, "day", version(edition), r.day_facts(edition))
    text = cache.get(key)
    if text is None:
        text = r.day(edition, items_of(edition))
        cache.put(key, text)
    return text


def _category_month(r: Renderer, slug: str, month: str, entries, newer: str | None, older: str | None) -> str:
    """A category's month page, looked up by what it is made of before its data is built
    (its rows link each item to its first day, which ``entries`` hold): five years have
    hundreds of these pages and tens of thousands of rows."""
    if r.cache is None:
        return r.category_month(slug, month, entries, newer, older)
    summaries = [r.index.summaries[item_id] for _, _, item_id in entries]
    key = r.cache.key(r.language, "category-month", slug, r.cards.category_name(slug), month, newer, older, entries, summaries)
    text = r.cache.get(key)
    if text is None:
        text = r.category_month(slug, month, entries, newer, older)
        r.cache.put(key, text)
    return text


def render_site(items: dict[str, Item], editions: list[Edition], settings: Settings, index: SiteIndex | None = None) -> dict[str, str]:
    """Every generated page of the site: ``{docs-relative path: Markdown}``. Pure."""
    index = index or SiteIndex.build(items, editions, settings)
    return dict(render_pages(index, lambda edition: items))


def nav(settings: Settings) -> list[dict[str, str]]:
    """The site navigation, labelled in the UI language. Fixed size: no day is ever in it."""
    t = Labels(settings.language)
    return [
        {t("home"): "index.md"},
        {t("archive"): "archive/index.md"},
        {t("categories"): "categories/index.md"},
        {t("search_title"): "search.md"},
        {t("about"): "about.md"},
    ]


def edit_paths(editions: list[Edition]) -> dict[str, str]:
    """Page -> the YAML file (relative to the repository root) it was rendered from."""
    return {day_page(edition.date): edition_source(edition.date) for edition in editions}


__all__ = ["ItemSummary", "PageCache", "Renderer", "SiteIndex", "edit_paths", "nav", "render_pages", "render_site"]
