"""MkDocs' Markdown -> HTML step, cached per page (used by docs/hooks.py).

MkDocs converts every page's Markdown on every build; most pages are the same as yesterday.
``install()`` wraps ``mkdocs.structure.pages.Page.render``: a page whose Markdown (after the
raw-HTML stash), path, Markdown configuration and link targets are unchanged gets back what
the conversion produced last time (HTML, table of contents, title, anchor ids, links to
other pages' anchors, which MkDocs still validates) instead of running Python-Markdown.
A link target's existence is part of the key, so a link that breaks is converted (and
reported) again. Stored as JSON in the build cache (``generator.buildcache``).

This module imports MkDocs; nothing else in ``generator.render`` does.
"""

from __future__ import annotations

import hashlib
import json
import posixpath
import re

from mkdocs.structure import pages as mk_pages
from mkdocs.structure.toc import get_toc

from .. import buildcache

_LINK_RE = re.compile(r"\]\(([^)\s]+)\)")
_installed = False


def _tokens(items) -> list[dict]:
    return [{"level": a.level, "id": a.id, "name": a.title, "children": _tokens(a.children)} for a in items]


def _link_state(page, files) -> list:
    """Each relative Markdown link target of the page and whether it exists."""
    folder = posixpath.dirname(page.file.src_uri)
    state = []
    for target in dict.fromkeys(_LINK_RE.findall(page.markdown or "")):
        path = target.split("#", 1)[0]
        if not path or "://" in path or path.startswith("mailto:"):
            continue
        resolved = posixpath.normpath(posixpath.join(folder, path))
        state.append((target, files.get_file_from_path(resolved) is not None))
    return state


def _key(page, config, files) -> str:
    parts = [
        buildcache.FORMAT,
        mk_pages.__name__,
        str(config["markdown_extensions"]),
        json.dumps(config["mdx_configs"] or {}, sort_keys=True, default=str),
        config["use_directory_urls"],
        page.file.src_uri,
        page.markdown,
        _link_state(page, files),
    ]
    return hashlib.sha256(repr(parts).encode()).hexdigest()


def _restore(page, stored: dict, files) -> bool:
    """Put a stored conversion back on the page; False if a page it links to is gone."""
    links = stored["links"]
    if links is not None:
        targets = {uri: files.get_file_from_path(uri) for uri in links}
        if None in targets.values():
            return False
        page.links_to_anchors = {targets[uri]: v for uri, v in links.items()}
    page.content = stored["content"]
    page.toc = get_toc(stored["toc"])
    page._title_from_render = stored["title"]
    page.present_anchor_ids = set(stored["anchors"])
    return True


def install(salt: str) -> None:
    """Wrap Page.render once per process; ``salt`` is the code/settings digest."""
    global _installed
    if _installed:
        return
    _installed = True
    original = mk_pages.Page.render

    def render(self, config, files):
        cache = buildcache.session()
        key = salt + ":" + _key(self, config, files)
        raw = cache.get("html", key)
        if raw is not None and _restore(self, json.loads(raw), files):
            return
        original(self, config, files)
        links = None
        if self.links_to_anchors is not None:
            links = {f.src_uri: v for f, v in self.links_to_anchors.items()}
        stored = {
            "content": self.content,
            "toc": _tokens(self.toc),
            "title": self._title_from_render,
            "anchors": sorted(self.present_anchor_ids or ()),
            "links": links,
        }
        cache.put("html", key, json.dumps(stored, ensure_ascii=False).encode("utf-8"))

    mk_pages.Page.render = render
