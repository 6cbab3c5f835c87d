"""mkdocs-gen-files script: write every generated page and feed into the build (virtually).

All the work is in generator.render (pure functions, tested with golden files); this only
loads the archive, builds the site index once for pages and feeds, and hands the results to
MkDocs page by page. Each day page's "edit" button opens the edition's YAML: edit_uri is
<repo>/edit/<branch>/docs/, so "../data/..." lands at the root.
"""

import mkdocs_gen_files

from generator import settings as settings_mod
from generator.render.feeds import feeds_of
from generator.render.index import SiteIndex
from generator.render.pages import edit_paths, render_pages
from generator.store import Archive

settings = settings_mod.load()
archive = Archive(settings.data_dir)
items, editions = archive.load_items(), archive.load_editions()
index = SiteIndex.build(items, editions, settings)


def write(path: str, text: str) -> None:
    with mkdocs_gen_files.open(path, "w") as handle:
        handle.write(text)


for path, text in render_pages(index, lambda edition: items):
    write(path, text)
for path, text in feeds_of(index).items():
    write(path, text)
for path, source in edit_paths(editions).items():
    mkdocs_gen_files.set_edit_path(path, "../" + source)
