"""A day: one edition's page, with every section, item card, idea and the source report.

The only family that needs full items: ``Renderer.items_of`` loads one edition's items when
its page is prepared. A day page is rendered from ``day_index``, the part of the site index
it may read, as a value; with a cache it is keyed by that value and
``Renderer.version(edition)`` (a digest of its edition and item files), so an unchanged day
is not even loaded, and nothing it reads can be left out of its key.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import partial
from typing import Mapping

from ...ids import anchor
from ...models import Edition, EditionEntry, Item
from ..cards import Link, PageNames, Text, generated, label_parts, written_judgment
from ..escape import one_line
from ..feeds import briefing_feeds
from ..family import Nav, Page, PageFamily, Renderer
from ..i18n import SOURCE_LABELS
from ..index import SiteIndex
from ..messages import fallback, parts
from ..paths import archive_page, day_page, edition_source, month_of, rel
from ..plain import DisplayItems
from .week import week_of, week_page

SECTION_ORDER = ("highlights", "papers", "follow", "read-closely")
# Highlights (and what only the read-closely list names) get the full card; the other papers
# and the follow list one compact row each, as the reader's own briefings list them.
LAYOUTS = {"papers": "rows", "follow": "follow"}
SOURCE_COLUMNS = ["col_source", "col_status", "col_requests", "col_http", "col_retries", "col_fallback", "col_candidates"]


def pages(r: Renderer):
    for edition in r.index.editions:
        view = day_index(r.index, edition)
        seen = Renderer(view, r.items_of, cache=r.cache, version=r.version, docs_dir=r.docs_dir)
        inputs = partial(day_inputs, seen, edition) if r.version is not None else None
        yield Page(day_page(edition.date), partial(day, seen, edition), inputs=inputs, edit="../" + edition_source(edition.date))


def day_inputs(r: Renderer, edition: Edition) -> tuple:
    """A day page's key: its files (``version``: its edition's and its items') and the rest of
    the index it is rendered from (``day_index``), as values; the settings are in the salt."""
    view = r.index
    return r.version(edition), [e.date for e in view.editions], view.summaries, view.first_day, sorted(view.position.items())


def _is_edition_day(index: SiteIndex, value: str) -> bool:
    try:
        return dt.date.fromisoformat(value) in index.position
    except ValueError:
        return False


def edition_nav(r: Renderer, page: str, edition: Edition) -> Nav:
    editions = r.index.editions
    position = r.index.position[edition.date]
    prev = editions[position - 1].date if position > 0 else None
    next_ = editions[position + 1].date if position + 1 < len(editions) else None
    return Nav(
        prev=Link(rel(page, day_page(prev)), f"{prev:%Y-%m-%d}") if prev else None,
        month=Link(rel(page, archive_page(month_of(edition.date))), f"{edition.date:%Y-%m}"),
        next=Link(rel(page, day_page(next_)), f"{next_:%Y-%m-%d}") if next_ else None,
        week=Link(rel(page, week_page(week_of(edition.date))), week_of(edition.date)),
    )


def day(r: Renderer, edition: Edition) -> dict:
    """One edition's page data (its items from ``r.items_of``)."""
    page = day_page(edition.date)
    items = DisplayItems(r.items_of(edition))  # as readers see them: no TeX (the archive keeps it)
    date = f"{edition.date:%Y-%m-%d}"
    title = r.t("edition_title", title=r.settings.site_title, date=date)
    before, after = label_parts(r.t, "edition_title", "date", title=r.settings.site_title)
    written = written_judgment(edition)
    judgment = generated(written, r.language) if written is not None else None
    # without an LLM's (or a human's) judgment, the day's facts, worded here
    digest = [parts(r.t, fact, PageNames(r.cards, page)) for fact in edition.digest] if judgment is None else []
    rendered: set[str] = set()
    sections = []
    for slug in SECTION_ORDER:
        section = edition.section(slug)
        if section is None and slug not in edition.needs_llm:
            continue
        sections.append(section_view(r, page, slug, section, edition, items, rendered))
    ideas = None
    if edition.ideas or "ideas" in edition.needs_llm:
        ideas = [
            {
                "title": idea.title.text,
                "body": Text(idea.body.text, idea.body.human_edited(), len(idea.body.removed_claims)),
                "claims": len(idea.title.removed_claims),
                "refs": [r.cards.ref(page, i) for i in idea.items],
            }
            for idea in edition.ideas
        ]
    return {
        "title": title,
        "heading": (before, date, after),  # the date kept whole on a narrow screen
        "nav": edition_nav(r, page, edition),
        "status": edition.status,
        "judgment": judgment,
        "digest": digest,
        "judgment_needs_llm": "judgment" in edition.needs_llm,
        "sections": sections,
        "ideas": ideas,
        "report": source_report(r, edition),
    }


@dataclass(frozen=True, slots=True)
class OtherDay:
    """Another edition as a day page may see it: its date (reading more fails loudly)."""

    date: dt.date


def day_index(index: SiteIndex, edition: Edition) -> SiteIndex:
    """What a day page may read of the site index, as an index of its own: the page is
    rendered from this value alone and keyed by it (``day_inputs``), so nothing it reads can
    be missing from its key. It holds the edition, its neighbours and the edition days its
    notes name (dates only: another edition's content is not there), and for each item it
    mentions (listed, in an idea, named by a note) its summary and its first day."""
    position = index.position[edition.date]
    days = {index.editions[i].date for i in (position - 1, position + 1) if 0 <= i < len(index.editions)}
    mentioned = list(edition.item_ids()) + [i for idea in edition.ideas for i in idea.items]
    for section in edition.sections:
        for entry in section.entries:
            for note in entry.continuity:
                kind, _, value = note.partition(":")
                if kind.endswith("-of"):
                    mentioned.append(value)
                elif kind == "seen-before" and _is_edition_day(index, value):
                    days.add(dt.date.fromisoformat(value))
    editions = sorted([edition, *(OtherDay(day) for day in days - {edition.date})], key=lambda e: e.date)
    mentioned = list(dict.fromkeys(mentioned))
    return SiteIndex(
        settings=index.settings,
        summaries={i: index.summaries[i] for i in mentioned if i in index.summaries},
        editions=editions,
        first_day={i: index.first_day[i] for i in mentioned if i in index.first_day},
        categories=index.categories,
        position={e.date: n for n, e in enumerate(editions)},
    )


def section_view(r: Renderer, page: str, slug: str, section, edition: Edition, items: Mapping[str, Item], rendered: set[str]) -> dict:
    view = {"slug": slug, "layout": LAYOUTS.get(slug, "cards"), "needs_llm": False, "empty": False, "read_closely": None, "entries": []}
    if section is None or not section.entries:
        view["needs_llm" if slug in edition.needs_llm else "empty"] = True
        return view
    entries = section.entries
    if slug == "read-closely":
        view["read_closely"] = [read_closely_row(r, entry, items) for entry in entries]
        # listed only in the list: the full card follows it
        entries = [e for e in entries if e.item in items and e.item not in rendered]
    view["entries"] = [entry_view(r, page, entry, items, rendered, view["layout"], edition.date) for entry in entries]
    return view


def entry_view(r: Renderer, page: str, entry: EditionEntry, items: Mapping[str, Item], rendered: set[str], layout: str,
               day: dt.date) -> dict:
    item = items.get(entry.item)
    if item is None:
        return {"missing": entry.item}
    if entry.item in rendered:
        return {"seen": r.cards.ref(page, entry.item)}
    rendered.add(entry.item)
    if layout == "rows":
        return {"row": r.cards.row(page, item, entry)}
    if layout == "follow":
        return {"follow": r.cards.follow_row(page, item, entry)}
    return {"card": r.cards.card(page, item, entry, day)}


def read_closely_row(r: Renderer, entry: EditionEntry, items: Mapping[str, Item]) -> dict:
    item = items.get(entry.item)
    if item is None:
        return {"missing": entry.item}
    reason = (
        generated(item.commentary.why_it_matters, r.language)
        or r.cards.relation(item)
        or generated(item.commentary.contribution, r.language)
    )
    return {"link": Link("#" + anchor(entry.item), r.index.title_text(entry.item)), "reason": reason}


def source_report(r: Renderer, edition: Edition) -> dict | None:
    t = r.t
    if not (edition.sources or edition.commentary_notes or edition.ranking_notes or edition.stats.candidates):
        return None
    rows = [
        [
            SOURCE_LABELS.get(report.source, report.source),
            t("status_source_degraded" if report.status == "degraded" else f"status_{report.status}"),
            str(report.requests),
            ", ".join(f"{code}×{count}" for code, count in report.http_statuses.items()),
            str(report.retries),
            fallback(t, report.fallback) if report.fallback else "",
            str(report.candidates),
        ]
        for report in edition.sources
    ]
    notes = [(SOURCE_LABELS.get(x.source, x.source), [parts(t, n) for n in x.notes]) for x in edition.sources if x.notes]
    stats = edition.stats
    return {
        "header": SOURCE_COLUMNS,
        "rows": rows,
        "notes": notes,
        "stats": t("run_stats", **stats.model_dump()) if stats.candidates or stats.verified else "",
        "commentary_notes": [parts(t, n) for n in edition.commentary_notes],
        "ranking_notes": [parts(t, n) for n in edition.ranking_notes],
    }


FAMILY = PageFamily("day", "day.md", pages, feeds=briefing_feeds)
