"""mkdocs-gen-files script: write every generated page and feed into the build (virtually).

All the work is in generator.render (pure functions, tested with golden files); this reads
the archive through the build cache (generator.buildcache: every edition, a light summary
of every item, one day's items at a time), builds the site index once for pages and feeds,
and hands the pages to MkDocs one by one; unchanged pages come from the cache. Each day
page's "edit" button opens the edition's YAML: edit_uri is <repo>/edit/<branch>/docs/, so
"../data/..." lands at the root.
"""

from pathlib import Path

import mkdocs_gen_files

from generator import buildcache, settings as settings_mod
from generator.render.feeds import feeds_of
from generator.render.index import SiteIndex
from generator.render.pages import PageCache, edit_paths, render_pages

settings = settings_mod.load()
cache = buildcache.session()
source = buildcache.CachedArchive(settings.data_dir, cache)
editions = source.editions()
index = SiteIndex.build(source.summaries(), editions, settings)
pages = PageCache(cache, buildcache.page_salt(settings, Path(__file__).resolve().parent / "overrides"))


def write(path: str, text: str) -> None:
    with mkdocs_gen_files.open(path, "w") as handle:
        handle.write(text)


for path, text in render_pages(index, source.items_of, cache=pages, version=source.version):
    write(path, text)
for path, text in feeds_of(index).items():
    write(path, text)
for path, source_file in edit_paths(editions).items():
    mkdocs_gen_files.set_edit_path(path, "../" + source_file)
