"""The best of a span of days (a week, a month), from the light site index.

Every item listed in the span, by its best score there (``EditionEntry.score``, the day's
ranking): the best papers, the best repos, models and datasets to follow, the same grouped by
the reader's interests, what stayed (repos and models listed on several days) and what the
reader rated. Each row links to the item's card on the day of its best score, and to that
day. Week pages show it, and month pages above their briefings.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import partial
from typing import Callable, Iterator

from ..ids import anchor
from ..models import Edition, grade_of
from .cards import Link
from .family import Page, Renderer, around
from .index import SiteIndex
from .paths import day_page, href, rel, trend_page

BEST_PAPERS = 10
BEST_FOLLOW = 10
PER_INTEREST = 5
EXCERPT = 160


@dataclass(frozen=True, slots=True)
class Listed:
    """An item as the span lists it: its best score, the day of that score, every day."""

    item: str
    score: float
    day: dt.date
    days: tuple[dt.date, ...]


def listed_in(editions: list[Edition], summaries) -> list[Listed]:
    """The span's items (those with a summary), best score first (then by id); an item's day
    is the first on which it had its best score."""
    best: dict[str, tuple[float, dt.date]] = {}
    days: dict[str, list[dt.date]] = {}
    for edition in sorted(editions, key=lambda e: e.date):
        for section in edition.sections:
            for entry in section.entries:
                if entry.item not in summaries:
                    continue
                if entry.item not in best or entry.score > best[entry.item][0]:
                    best[entry.item] = (entry.score, edition.date)
                on = days.setdefault(entry.item, [])
                if edition.date not in on:
                    on.append(edition.date)
    rows = [Listed(i, score, day, tuple(sorted(days[i]))) for i, (score, day) in best.items()]
    return sorted(rows, key=lambda x: (-x.score, x.item))


def span_index(index: SiteIndex, editions: list[Edition]) -> SiteIndex:
    """What a page about a span of days (a week, a month) may read of the site index, as an
    index of its own: the span's editions, and for each item they list its summary and the
    day it first appeared. Rendered from this value alone, the page is keyed by
    :func:`span_inputs`, so nothing it reads can be missing from its key."""
    listed = list(dict.fromkeys(i for edition in editions for i in edition.item_ids()))
    return SiteIndex(
        settings=index.settings,
        summaries={i: index.summaries[i] for i in listed if i in index.summaries},
        editions=list(editions),
        first_day={i: index.first_day[i] for i in listed if i in index.first_day},
        categories=index.categories,
        position={edition.date: n for n, edition in enumerate(editions)},
    )


def span_renderer(r: Renderer, editions: list[Edition]) -> Renderer:
    """A renderer that sees only ``span_index(r.index, editions)``."""
    return Renderer(span_index(r.index, editions), r.items_of, cache=r.cache, version=r.version, docs_dir=r.docs_dir)


def span_inputs(r: Renderer, *place: object) -> tuple:
    """The key of a page rendered by ``span_renderer``: its ``place`` (the span and its
    neighbours), the span's files (``Renderer.version``: each edition's and its items', of
    which the summaries are made) and the first days; the settings are in the salt."""
    return place, [r.version(edition) for edition in r.index.editions], sorted(r.index.first_day.items())


def span_pages(r: Renderer, spans: list[tuple[str, list[Edition]]], path: Callable[[str], str], data: Callable[..., dict]) -> Iterator[Page]:
    """A page per span (``(name, editions)``, newest first) at ``path(name)``, its data
    ``data(renderer, name, editions, newer, older)`` from the span's own renderer
    (:func:`span_renderer`), keyed by :func:`span_inputs`."""
    names = [name for name, _ in spans]
    for i, (name, editions) in enumerate(spans):
        newer, older = around(names, i)
        seen = span_renderer(r, editions)
        inputs = partial(span_inputs, seen, name, newer, older) if r.version is not None else None
        yield Page(path(name), partial(data, seen, name, editions, newer, older), inputs=inputs)


def papers_and_follow(listed: list[Listed], summaries) -> tuple[list[Listed], list[Listed]]:
    """The span's papers, and its repos, models and datasets, each best first."""
    papers = [x for x in listed if summaries[x.item].kind == "paper"]
    return papers, [x for x in listed if summaries[x.item].kind != "paper"]


def best_of(r: Renderer, page: str, editions: list[Edition]) -> dict:
    """The template data of a span's best (``templates/best.md``)."""
    summaries = r.index.summaries
    listed = listed_in(editions, summaries)
    papers, follow = papers_and_follow(listed, summaries)
    names = r.settings.profile.names(r.language)
    interests = []
    for interest in r.settings.profile.interests:
        rows = [x for x in listed if interest.slug in summaries[x.item].interests][:PER_INTEREST]
        if rows:
            interests.append({"slug": interest.slug, "name": names[interest.slug], "rows": [row(r, page, x) for x in rows],
                              "trend": rel(page, trend_page("interests", interest.slug))})
    stayed = sorted((x for x in follow if len(x.days) > 1), key=lambda x: (-len(x.days), x.item))
    rated = [x for x in listed if summaries[x.item].rating is not None]
    return {
        "papers": [row(r, page, x) for x in papers[:BEST_PAPERS]],
        "follow": [row(r, page, x) for x in follow[:BEST_FOLLOW]],
        "interests": interests,
        "stayed": [{**row(r, page, x), "days": [day_link(page, d) for d in x.days]} for x in stayed],
        "rated": [{**row(r, page, x), "grade": grade_of(summaries[x.item].rating)} for x in rated],
    }


def day_link(page: str, day: dt.date) -> Link:
    return Link(href(page, day_page(day)), f"{day:%Y-%m-%d}")


def row(r: Renderer, page: str, x: Listed) -> dict:
    """One item: its title linked to its card on the day of its best score, that day, the
    score, its kind, the interests it matched and its core contribution."""
    summary = r.index.summaries[x.item]
    names = r.settings.profile.names(r.language)
    return {
        "link": Link(href(page, day_page(x.day), anchor(x.item)), r.index.title_text(x.item)),
        "day": day_link(page, x.day),
        "score": f"{x.score:.2f}",
        "kind": summary.kind,
        "interests": [names[s] for s in summary.interests if s in names],
        "excerpt": r.cards.excerpt(x.item, EXCERPT),
        "lang": r.cards.excerpt_lang(x.item),
    }
