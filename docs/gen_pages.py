"""mkdocs-gen-files script: write every generated page and feed into the build (virtually).

All the work is in generator.render (pure functions, tested with golden files); this reads
the archive through the build cache (generator.buildcache: every edition, a light summary
of every item, one day's items at a time), builds the site index once for pages and feeds,
and hands the pages of every page family to MkDocs one by one; unchanged pages come from the
cache. Each day page's "edit" button opens the edition's YAML: edit_uri is
<repo>/edit/<branch>/docs/, so "../data/..." lands at the root.
"""

from pathlib import Path
from xml.sax.saxutils import escape

import mkdocs_gen_files

from generator import buildcache, settings as settings_mod
from generator.render.build import search_parts_wanted, write_search_parts
from generator.render.index import SiteIndex
from generator.render.pages import page_cache, site_feeds, site_pages
from generator.render.search import iter_records


def feeds_sitemap(feed_paths: list[str], site_url: str) -> str:
    """A sitemap of the feeds, in their folder. Material fetches ``sitemap.xml`` beside every
    ``<link rel="alternate">`` of a page's head, as if each were a translation of the site
    (squidfunk/mkdocs-material#8576): for the feed links that is feeds/sitemap.xml, a 404 on
    every page without this file. A sitemap may list the URLs of its own folder: the feeds."""
    base = site_url if site_url.endswith("/") else site_url + "/"
    urls = "".join(f"<url><loc>{escape(base + path)}</loc></url>" for path in sorted(feed_paths))
    return f'<?xml version="1.0" encoding="UTF-8"?>\n<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{urls}</urlset>\n'


settings = settings_mod.load()
cache = buildcache.session()
source = buildcache.CachedArchive(settings.data_dir, cache)
editions = source.editions()
index = SiteIndex.build(source.summaries(), editions, settings)
pages = page_cache(cache, buildcache.page_salt(settings, Path(__file__).resolve().parent / "overrides"))


def write(path: str, text: str) -> None:
    with mkdocs_gen_files.open(path, "w") as handle:
        handle.write(text)


# The search index's item records first: briefing build indexes them while MkDocs renders.
if (wanted := search_parts_wanted()) is not None:
    write_search_parts(iter_records(index, source.items_of, cache=pages, version=source.version), *wanted)
    buildcache.release_memory()  # the records' churn, before Pagefind's biggest bundles
# Every page of every family (generator.render.pages.FAMILIES); the hand-written ones come
# from docs/i18n/<page>.<language>.md.
for page in site_pages(index, source.items_of, cache=pages, version=source.version, docs_dir=Path(__file__).parent):
    write(page.path, page.markdown)
    if page.edit:
        mkdocs_gen_files.set_edit_path(page.path, page.edit)
feeds = site_feeds(index)
feeds["feeds/sitemap.xml"] = feeds_sitemap(list(feeds), settings.site.url)
for path, text in feeds.items():
    write(path, text)
# MkDocs now converts and writes every page while Pagefind indexes beside it: let go of the
# archive's index and give the freed heap back (buildcache.release_memory).
del source, editions, index, feeds
buildcache.release_memory()
