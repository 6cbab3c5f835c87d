"""The static site: pure renderers from archive data to Markdown pages and feed XML.

* ``pages.render_site(items, editions, settings) -> {path: Markdown}``, ``pages.edit_paths``,
  ``pages.nav``;
* ``feeds.render_feeds(items, editions, settings) -> {path: XML}``;
* ``build.build_site(settings, site_dir, check_links=False)``: mkdocs build --strict + Pagefind
  (+ lychee offline), what ``briefing build`` runs.

No MkDocs import here; docs/gen_pages.py and docs/hooks.py are the glue.
"""
