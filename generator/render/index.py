"""The site index: what every page needs to know about the whole archive, built once.

It holds a light summary per item (title, kind, categories, core contribution) and the
editions' structure, never the items themselves: the pages and the feeds share one index,
and only a day page needs an item's full record (see ``pages.render_pages``).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Iterable, Mapping

from ..ids import anchor
from ..models import Edition, Item
from ..settings import Category, Settings
from .escape import one_line
from .paths import day_page, href
from .plain import display_edition, display_item


@dataclass(frozen=True, slots=True)
class ItemSummary:
    """The few fields of an item that pages other than its day page show."""

    title: str
    kind: str
    categories: tuple[str, ...]
    contribution: str  # the core contribution on one line, "" when there is none
    extract: bool = False  # the contribution is an extract of the source (not commentary)
    interests: tuple[str, ...] = ()  # the profile interests it matched (slugs), strongest first
    rating: str | int | None = None  # the reader's own word on it: a grade 0-3, "relevant" or "not-relevant"

    @classmethod
    def of(cls, item: Item) -> "ItemSummary":
        item = display_item(item)  # as readers see it: no TeX
        contribution = item.commentary.contribution
        return cls(
            title=item.title,
            kind=item.kind,
            categories=tuple(item.categories),
            contribution=one_line(contribution.text) if contribution is not None else "",
            extract=contribution is not None and contribution.by == "extractive",
            interests=tuple(dict.fromkeys(m.interest for m in item.relevance.matched)),
            rating=item.rating,
        )

    def row(self) -> list:
        """Its fields as JSON values (the build cache keeps summaries so)."""
        return [self.title, self.kind, list(self.categories), self.contribution, self.extract, list(self.interests), self.rating]

    @classmethod
    def from_row(cls, row: list) -> "ItemSummary":
        title, kind, categories, contribution, extract, interests, rating = row
        return cls(title, kind, tuple(categories), contribution, extract, tuple(interests), rating)


@dataclass
class SiteIndex:
    """The archive's shape: editions in order, where each item first appeared, categories."""

    settings: Settings
    summaries: dict[str, ItemSummary]
    editions: list[Edition]  # oldest first, one per date
    first_day: dict[str, dt.date] = field(default_factory=dict)
    # category slug -> [(day, position in that edition, item id)], newest first
    by_category: dict[str, list[tuple[dt.date, int, str]]] = field(default_factory=dict)
    categories: dict[str, Category] = field(default_factory=dict)
    position: dict[dt.date, int] = field(default_factory=dict)  # edition date -> index in editions

    @classmethod
    def build(cls, summaries: Mapping[str, ItemSummary | Item], editions: Iterable[Edition], settings: Settings) -> "SiteIndex":
        """Index the archive; ``summaries`` may hold full items (they are summarised)."""
        light = {i: s if isinstance(s, ItemSummary) else ItemSummary.of(s) for i, s in summaries.items()}
        unique = {edition.date: edition for edition in editions}
        ordered = [display_edition(unique[d]) for d in sorted(unique)]  # judgment, ideas without TeX
        index = cls(settings=settings, summaries=light, editions=ordered)
        index.categories = {c.slug: c for c in settings.taxonomy}
        index.position = {edition.date: i for i, edition in enumerate(ordered)}
        grouped: dict[str, list[tuple[dt.date, int, str]]] = defaultdict(list)
        for edition in ordered:
            for position, item_id in enumerate(edition.item_ids()):
                summary = light.get(item_id)
                if summary is None or item_id in index.first_day:  # a missing item has no card to link to
                    continue
                index.first_day[item_id] = edition.date
                for slug in dict.fromkeys(summary.categories):
                    if slug in index.categories:
                        grouped[slug].append((edition.date, position, item_id))
        for entries in grouped.values():
            entries.sort(key=lambda e: (-e[0].toordinal(), e[1]))
        index.by_category = {slug: grouped.get(slug, []) for slug in index.categories}
        return index

    def item_href(self, from_page: str, item_id: str) -> str | None:
        """Relative URL of the item's card on the day it first appeared (None if never listed)."""
        day = self.first_day.get(item_id)
        if day is None:
            return None
        return href(from_page, day_page(day), anchor(item_id))

    def title_text(self, item_id: str) -> str:
        """The item's title, or its id when it has none (or is missing)."""
        summary = self.summaries.get(item_id)
        return summary.title if summary and one_line(summary.title) else item_id

    def picks(self, edition: Edition, limit: int) -> list[str]:
        """The day's picks: highlights first, then the other sections, in order, unique."""
        out: list[str] = []
        for slug in ("highlights", "read-closely", "follow", "papers"):
            section = edition.section(slug)
            for entry in section.entries if section else []:
                if entry.item not in out and entry.item in self.summaries:
                    out.append(entry.item)
                if len(out) >= limit:
                    return out
        return out
