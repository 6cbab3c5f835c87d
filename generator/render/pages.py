"""The site as a pure function: archive data in, Markdown pages out.

``FAMILIES`` is the one list of page types (see ``family``: each is one module under
``families/`` and one template). ``render_site(items, editions, settings)`` returns
``{docs-relative path: Markdown}``; ``render_pages(index, items_of)`` yields the same pages
one at a time, asking ``items_of`` for one edition's items only when it renders that day
(so the whole archive need never be in memory); ``site_pages`` also says which family made
each page and which file its edit button opens; ``site_feeds(index)`` / ``render_feeds`` are
the families' feeds. ``nav(settings)`` is the navigation, from
the families' entries. Nothing here imports MkDocs: the MkDocs plugin (``generate``) writes the pages
into the build, and tests compare them with golden files.

Pages::

    index.md                          latest briefing and recent ones          (home)
    search.md                         the Pagefind search box                  (search)
    days/<yyyy>/<yyyy-mm-dd>.md       one per edition (the only pages Pagefind indexes)  (day)
    weeks/index.md                    the ISO weeks, newest first              (week)
    weeks/<yyyy>-W<ww>.md             a week's best
    archive/index.md                  months, newest first                     (archive)
    archive/<yyyy-mm>.md              a month's best and its editions          (month)
    categories/index.md               every taxonomy entry with counts         (category)
    categories/<slug>/index.md        the category's months with counts, latest items
    categories/<slug>/<yyyy-mm>.md    the category's items first listed that month
    trends/index.md                   26 weeks per interest and category, rising terms  (trends)
    trends/<interests|categories>/<slug>.md   one series over the whole archive
    about.md, correcting.md           hand-written, docs/i18n/<name>.<language>.md  (about)

Page weight stays flat as the archive grows: every page holds at most a month of something,
the recent list, one day or 26 weeks of counts; only a series' trend page grows, by a row
and a bar a week.

Markup lives in Jinja2 templates (``templates/``, autoescaped, see ``templating``); the
families prepare plain data for them. Headings and the short navigation lines are Markdown
(table of contents, anchors MkDocs validates); the bodies are raw HTML blocks, which
Python-Markdown passes through untouched (the MkDocs hook even keeps them away from its
HTML parser, see ``rawhtml``). Links in raw HTML are computed for MkDocs' directory URLs
(``href``); lychee checks them in the built site.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterator

from ..errors import ConfigError
from ..models import Edition, Item
from ..settings import Settings
from ..memo import Memo
from .family import PAGES_TABLE, ItemsOf, PageFamily, Renderer, page_cache
from .families import about, archive, category, day, home, month, search, trends, week
from .i18n import Labels
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

# Every page type, in the order its pages are written and its navigation entry is listed.
FAMILIES: tuple[PageFamily, ...] = (
    home.FAMILY,
    day.FAMILY,
    week.FAMILY,
    archive.FAMILY,
    month.FAMILY,
    category.FAMILY,
    trends.FAMILY,
    search.FAMILY,
    about.FAMILY,
)


@dataclass(frozen=True, slots=True)
class SitePage:
    """A rendered page: its path, Markdown, family and the file its edit button opens."""

    path: str
    markdown: str
    family: str
    edit: str | None


def site_pages(
    index: SiteIndex,
    items_of: ItemsOf | None = None,
    *,
    cache: Memo[str] | None = None,
    version: Callable[[Edition], str] | None = None,
    docs_dir: Path | None = None,
) -> Iterator[SitePage]:
    """Every page of every family, rendered one at a time (see ``family.Renderer`` for the
    arguments). With a ``cache``, a page whose inputs are unchanged is not rendered again;
    a day page's inputs are ``version(edition)`` and what it reads from the index, so an
    unchanged day is not even loaded."""
    r = Renderer(index, items_of, cache=cache, version=version, docs_dir=docs_dir)
    made: dict[str, str] = {}
    for family in FAMILIES:
        for page in family.pages(r):
            _claim(made, page.path, family.name)
            yield SitePage(page.path, r.render(family, page), family.name, page.edit)


def render_pages(
    index: SiteIndex,
    items_of: ItemsOf,
    *,
    cache: Memo[str] | None = None,
    version: Callable[[Edition], str] | None = None,
) -> Iterator[tuple[str, str]]:
    """Every generated page as ``(docs-relative path, Markdown)``, one at a time (``site_pages``)."""
    for page in site_pages(index, items_of, cache=cache, version=version):
        yield page.path, page.markdown


def render_site(items: dict[str, Item], editions: list[Edition], settings: Settings, index: SiteIndex | None = None) -> dict[str, str]:
    """Every generated page of the site: ``{docs-relative path: Markdown}``. Pure."""
    index = index or SiteIndex.build(items, editions, settings)
    return dict(render_pages(index, lambda edition: items))


def site_feeds(index: SiteIndex) -> dict[str, str]:
    """Every family's feeds, ``{path: XML}``, from the site index alone (no item needs loading)."""
    r = Renderer(index)
    made: dict[str, str] = {}
    out: dict[str, str] = {}
    for family in FAMILIES:
        for path, xml in (family.feeds(r) if family.feeds else {}).items():
            _claim(made, path, family.name)
            out[path] = xml
    return out


def _claim(made: dict[str, str], path: str, family: str) -> None:
    """Note that ``family`` makes ``path``; two families making one file is a settings clash
    (a taxonomy slug such as "weeks" makes feeds/weeks.xml, which the week family writes)."""
    if path in made:
        raise ConfigError(f"{path} is made by both the {made[path]} and the {family} page family: "
                          "rename the taxonomy entry (briefing.yaml: taxonomy) whose slug gives this path")
    made[path] = family


def render_feeds(items: dict[str, Item], editions: list[Edition], settings: Settings, index: SiteIndex | None = None) -> dict[str, str]:
    """``{"feeds/rss.xml": ..., "feeds/atom.xml": ..., "feeds/<slug>.xml": ...}``. Pure."""
    return site_feeds(index or SiteIndex.build(items, editions, settings))


def nav(settings: Settings) -> list[dict[str, str]]:
    """The site navigation, labelled in the UI language: the families' entries. Fixed size:
    no day is ever in it."""
    t = Labels(settings.language)
    return [{t(family.nav.label): family.nav.path} for family in FAMILIES if family.nav is not None]


__all__ = ["FAMILIES", "PAGES_TABLE", "ItemSummary", "page_cache", "Renderer", "SiteIndex", "SitePage", "nav",
           "render_feeds", "render_pages", "render_site", "site_feeds", "site_pages"]
