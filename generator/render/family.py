"""What a page family is, and what every family renders with.

A page family (home, day, week, month, archive, category, trends, search, the hand-written
pages) is one ``PageFamily`` value in one module under ``families/``, listed once in
``pages.FAMILIES``: the pages it makes from the light site index (``Page``: a path, the
template data, the inputs that key its cache, the file its edit button opens), its
template, its place in the navigation, its feeds and its own labels. ``Renderer`` is
what a family's functions are handed: the index, the labels and cards of the site's
language, one edition's items on demand, and the page cache.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterable, Mapping

from ..memo import Memo, Store
from ..models import Edition, Item
from .cards import Cards, Link
from .i18n import Labels
from .index import SiteIndex
from .paths import month_of, rel
from .templating import render

ItemsOf = Callable[[Edition], Mapping[str, Item]]


PAGES_TABLE = "pages"  # rendered Markdown (and a day's search records) by the hash of its inputs


def page_cache(store: Store | None, salt: str) -> Memo[str]:
    """Rendered Markdown by the hash of its inputs; ``salt`` stands for everything else a
    page depends on (the code and templates, the settings)."""
    return Memo(store, PAGES_TABLE, salt)


@dataclass(frozen=True, slots=True)
class Page:
    """One page of a family, listed before it is rendered.

    ``data()`` builds its template's data (only when the page is rendered); ``inputs()``
    gives plain values the data is made of, cheaper to compute than the data: with a cache
    they are its key, so an unchanged page is not even prepared (None: the data is the key).
    """

    path: str  # docs-relative Markdown file
    data: Callable[[], Mapping[str, object]]
    inputs: Callable[[], tuple] | None = None
    template: str | None = None  # None: the family's template
    edit: str | None = None  # the file its edit button opens, relative to docs/


@dataclass(frozen=True, slots=True)
class NavEntry:
    """A family's entry in the site navigation: a label key and the page it opens."""

    label: str
    path: str


@dataclass(frozen=True)
class PageFamily:
    """One page type (see the module docstring)."""

    name: str
    template: str | None  # templates/<name>; None for pages that are not rendered from one
    pages: Callable[["Renderer"], Iterable[Page]]
    nav: NavEntry | None = None
    feeds: Callable[["Renderer"], Mapping[str, str]] | None = None  # {path: XML}
    labels: Mapping[str, Mapping[str, str]] = field(default_factory=dict)  # {language: {key: text}}
    text: Callable[["Renderer", Page], str] | None = None  # a page's Markdown when not from the template


@dataclass(frozen=True, slots=True)
class Nav:
    prev: Link | None = None
    month: Link | None = None
    next: Link | None = None
    week: Link | None = None


@dataclass(frozen=True, slots=True)
class MonthNav:
    older: Link | None
    index: Link
    newer: Link | None


def around(names: list[str], i: int) -> tuple[str | None, str | None]:
    """(newer, older) neighbours of names[i] in a newest-first list."""
    newer = names[i - 1] if i > 0 else None
    older = names[i + 1] if i + 1 < len(names) else None
    return newer, older


class Renderer:
    """What every family's pages are made with (see the module docstring).

    ``items_of(edition)`` returns that edition's items (a mapping holding at least them); a
    family asks for it only while it prepares a page that shows full items (a day page), so
    a caller can load one day at a time. ``version(edition)`` is a digest of an edition's
    files (with a cache, it keys the day's page); ``docs_dir`` holds the hand-written pages.
    """

    def __init__(
        self,
        index: SiteIndex,
        items_of: ItemsOf | None = None,
        *,
        cache: Memo[str] | None = None,
        version: Callable[[Edition], str] | None = None,
        docs_dir: Path | None = None,
    ):
        self.index = index
        self.settings = index.settings
        self.language = index.settings.language
        self.t = Labels(self.language)
        self.cards = Cards(index)
        self.items_of = items_of or (lambda edition: {})
        self.cache = cache or page_cache(None, "")
        self.version = version
        self.docs_dir = docs_dir

    def memo(self, inputs: tuple, make: Callable[[], str]) -> str:
        """``make()``, or what it gave last time for the same ``inputs`` (plain values)."""
        return self.cache(make, self.language, *inputs)

    def render(self, family: PageFamily, page: Page) -> str:
        """The page's Markdown, from the cache when its inputs (or its data) are unchanged."""
        if family.text is not None:
            return family.text(self, page)
        template = page.template or family.template
        if page.inputs is not None and self.cache.store is not None:
            return self.memo((family.name, template, page.inputs()), lambda: render(self.language, template, **page.data()))
        data = page.data()
        return self.memo((template, data), lambda: render(self.language, template, **data))

    # ---- helpers several families share

    def months(self) -> list[tuple[str, list[Edition]]]:
        """(yyyy-mm, editions of that month newest first), newest month first."""
        grouped: dict[str, list[Edition]] = defaultdict(list)
        for edition in reversed(self.index.editions):
            grouped[month_of(edition.date)].append(edition)
        return sorted(grouped.items(), reverse=True)

    def month_nav(self, page: str, older: str | None, newer: str | None, target, index_page: str, index_label: str) -> MonthNav:
        return MonthNav(
            older=Link(rel(page, target(older)), self.t.month(older)) if older else None,
            index=Link(rel(page, index_page), index_label),
            newer=Link(rel(page, target(newer)), self.t.month(newer)) if newer else None,
        )
