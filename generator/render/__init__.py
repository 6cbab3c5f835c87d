"""The static site: pure renderers from archive data to Markdown pages and feed XML.

* ``paths``: where pages live and how they link (MkDocs directory URLs);
* ``index.SiteIndex``: the archive's shape and a light summary per item, built once and
  shared by pages and feeds;
* ``cards``: an item card's plain data; ``templates/``: all markup, Jinja2 with autoescape
  (``templating``);
* ``pages.FAMILIES``: the one list of page types, each a module under ``families/`` with
  its template (``family`` says what a family holds);
  ``pages.render_site(items, editions, settings) -> {path: Markdown}`` (``render_pages`` /
  ``site_pages`` stream them, one day's items at a time, with each page's edit path), ``pages.nav``;
* ``pages.render_feeds(items, editions, settings) -> {path: XML}`` (``site_feeds(index)``): the
  families' feeds, written with feedgen by ``feeds``;
* ``build.build_site(settings, site_dir, check_links=False)``: mkdocs build --strict + Pagefind
  (+ lychee offline), what ``briefing build`` runs.

* ``mkdocs_plugin``: the MkDocs plugin (``plugins: [briefing]``) that hands the pages to MkDocs
  (``generate``) and keeps the build cache (``mkdocs_cache``), through public events only.

Only ``mkdocs_plugin`` and ``mkdocs_cache`` import MkDocs.
"""
