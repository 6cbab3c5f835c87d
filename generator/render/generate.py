"""The site's generated sources: every page and feed written as files for MkDocs to read.

``write_sources(settings, cache, folder, docs_dir)`` reads the archive through the build cache
(``buildcache.CachedArchive``: every edition, a light summary of every item, one day's items
at a time), builds the site index once for pages and feeds, writes the search records for
``briefing build``'s Pagefind step first (it indexes them while MkDocs goes on), then each
page's Markdown and each feed into ``folder``, and returns what it wrote (:class:`Source`).
Unchanged pages come from the cache. All the work is in ``generator.render`` (pure
functions, tested with golden files); the MkDocs plugin (``mkdocs_plugin``) adds the files,
and each day page's "edit" button opens the edition's YAML (``../data/...`` from docs/).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from .. import buildcache
from ..store import frozen_heap, paused_gc
from ..settings import Settings
from .build import search_parts_wanted, write_search_parts
from .feeds import feeds_sitemap
from .index import SiteIndex
from .pages import page_cache, site_feeds, site_pages
from .search import iter_records


@dataclass(frozen=True)
class Source:
    """A generated file: its path in the site's sources and the file it is written to;
    ``edit`` is what its "edit" button opens, relative to the docs folder (None: none)."""

    src_uri: str
    path: Path
    edit: str | None


def write_sources(settings: Settings, cache: buildcache.BuildCache, folder: Path, docs_dir: Path, *, salt: str) -> list[Source]:
    """Write the generated pages and feeds into ``folder``; ``salt`` stands for what every
    page depends on besides its data (``buildcache.page_salt``)."""
    with paused_gc():  # the index: tens of thousands of objects that all stay alive
        source = buildcache.CachedArchive(settings.data_dir, cache)
        editions = source.editions()
        index = SiteIndex.build(source.summaries(), editions, settings)
    pages = page_cache(cache, salt)
    written: list[Source] = []

    def write(src_uri: str, text: str, edit: str | None = None) -> None:
        path = folder / src_uri
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        written.append(Source(src_uri, path, edit))

    with frozen_heap():
        # The search index's item records first: briefing build indexes them while MkDocs renders.
        if (wanted := search_parts_wanted()) is not None:
            write_search_parts(iter_records(index, source.items_of, cache=pages, version=source.version), *wanted)
            buildcache.release_memory()  # the records' churn, before Pagefind's biggest bundles
        # Every page of every family (pages.FAMILIES); the hand-written ones come from docs/i18n/.
        for page in site_pages(index, source.items_of, cache=pages, version=source.version, docs_dir=docs_dir):
            write(page.path, page.markdown, page.edit)
        feeds = site_feeds(index)
        feeds["feeds/sitemap.xml"] = feeds_sitemap(list(feeds), settings.site.url)
        for src_uri, text in feeds.items():
            write(src_uri, text)
        # MkDocs now converts and writes every page while Pagefind indexes beside it: let go of
        # the archive's index and, once it is unfrozen, give the freed heap back.
        del source, editions, index, feeds
    buildcache.release_memory()
    return written
