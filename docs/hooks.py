"""MkDocs hooks for the briefing site.

* ``on_config``: take the site's identity from the briefing settings (briefing.yaml + env).
  mkdocs.yml stays static; this fills in site name and URL, the repository and branch the
  "edit" buttons open, the UI language and the navigation (the page families' entries). Hand-written pages live in
  docs/, so edit_uri points there; generated pages set their edit path to "../data/..."
  (see gen_pages.py), which resolves to the YAML at the repository root.
* ``on_page_markdown`` / ``on_page_content``: keep the pages' raw HTML blocks out of
  Python-Markdown (generator.render.rawhtml): same HTML, a fraction of the build time; the
  raw item headings go back into the page's table of contents and anchors.
* The build cache (generator.buildcache, ``$BRIEFING_CACHE_DIR``): opened with the config,
  MkDocs' Markdown conversion reuses unchanged pages (generator.render.mkdocs_cache); it
  is committed after a successful build and left as it was after a failed one.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from pathlib import Path

from generator import buildcache, settings as settings_mod
from generator.render import mkdocs_cache, rawhtml
from generator.render.pages import nav

_stashed: dict[str, list[str]] = {}


def on_config(config, **kwargs):
    settings = settings_mod.load()
    site = settings.site
    config["site_name"] = site.title
    config["site_url"] = site.url if site.url.endswith("/") else site.url + "/"
    config["repo_url"] = site.repo_url
    config["repo_name"] = urlsplit(site.repo_url).path.strip("/") or site.repo_url
    config["edit_uri"] = f"edit/{site.branch}/docs/"
    config["theme"]["language"] = settings.language
    config["nav"] = nav(settings)
    buildcache.session()
    mkdocs_cache.install(buildcache.page_salt(settings, Path(__file__).resolve().parent / "overrides"))
    return config


def on_post_build(config, **kwargs):
    buildcache.end_session(ok=True)


def on_build_error(error, **kwargs):
    buildcache.end_session(ok=False)


def on_page_markdown(markdown, page, **kwargs):
    text, blocks = rawhtml.stash(markdown)
    if blocks:
        _stashed[page.file.src_uri] = blocks
    return text


def on_page_content(html, page, config, **kwargs):
    blocks = _stashed.pop(page.file.src_uri, [])
    html = rawhtml.restore(html, blocks)
    mkdocs_cache.add_raw_headings(page, html, blocks, config)
    return html
