"""MkDocs' Markdown -> HTML step and its theme templating, cached per page (used by docs/hooks.py).

MkDocs converts every page's Markdown on every build; most pages are the same as yesterday.
``install()`` wraps ``mkdocs.structure.pages.Page.render``: a page whose Markdown (after the
raw-HTML stash), path, Markdown configuration and link targets are unchanged gets back what
the conversion produced last time (HTML, table of contents, title, anchor ids, links to
other pages' anchors, which MkDocs still validates) instead of running Python-Markdown.
A link target's existence is part of the key, so a link that breaks is converted (and
reported) again. Stored as JSON in the build cache (``generator.buildcache``).

``install()`` also wraps ``mkdocs.commands.build._build_page`` (theme templating, then the
write): a page whose own state (URL, title, HTML, table of contents, meta, edit and
canonical URLs, neighbours), the site's configuration, the navigation and the theme's
version are unchanged is written from the page HTML stored last time, zlib-compressed
(the whole site is ~230 MB of HTML at five years), instead of rendering Material's templates.

This module imports MkDocs; nothing else in ``generator.render`` does.
"""

from __future__ import annotations

import hashlib
import importlib.metadata
import json
import posixpath
import re
import tempfile
import zlib

from mkdocs import utils as mk_utils
from mkdocs.commands import build as mk_build
from mkdocs.structure import pages as mk_pages
from markdown.extensions.toc import nest_toc_tokens
from mkdocs.structure.toc import get_toc

from .. import buildcache
from . import rawhtml

_LINK_RE = re.compile(r"\]\(([^)\s]+)\)")
_installed = False


def _tokens(items) -> list[dict]:
    return [{"level": a.level, "id": a.id, "name": a.title, "children": _tokens(a.children)} for a in items]


def _flat_tokens(items, out: dict[str, dict]) -> dict[str, dict]:
    for a in items:
        out[a.id] = {"level": a.level, "id": a.id, "name": a.title}
        _flat_tokens(a.children, out)
    return out


def _toc_depth(config) -> int:
    depth = (config["mdx_configs"] or {}).get("toc", {}).get("toc_depth", 6)
    return int(str(depth).rsplit("-", 1)[-1])


def add_raw_headings(page, html: str, blocks: list[str], config) -> None:
    """Put the raw heading blocks (``rawhtml.headings``) into the page's table of contents
    and its anchors, where Markdown would have put them had it seen them."""
    raw = rawhtml.headings(blocks)
    if not raw:
        return
    page.present_anchor_ids = set(page.present_anchor_ids or ()) | set(raw)
    depth = _toc_depth(config)
    listed = {anchor: entry for anchor, entry in raw.items() if entry[0] <= depth}
    page.toc = get_toc(nest_toc_tokens(rawhtml.toc_tokens(html, _flat_tokens(page.toc, {}), listed)))


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
    """Wrap Page.render and _build_page once per process; ``salt`` is the code/settings digest."""
    global _installed
    if _installed:
        return
    _installed = True
    _install_render(salt)
    _install_populate_page()
    _install_build_page(salt)


def _install_render(salt: str) -> None:
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


# What every page's HTML depends on besides the page itself: the configuration the theme reads.
_CONFIG_KEYS = ("site_name", "site_url", "site_description", "site_author", "repo_url", "repo_name", "edit_uri",
                "copyright", "extra", "extra_css", "extra_javascript", "use_directory_urls")


def _site_state(config, nav) -> str:
    """The configuration and the navigation, as every page's template sees them."""
    theme = {name: config["theme"][name] for name in config["theme"]} if config["theme"] else {}
    parts = [importlib.metadata.version("mkdocs"), importlib.metadata.version("mkdocs-material"), theme,
             [(name, config.get(name)) for name in _CONFIG_KEYS],
             [(p.title, p.url) for p in nav.pages], [(i.title, getattr(i, "url", None)) for i in nav.items]]
    return hashlib.sha256(repr(parts).encode()).hexdigest()


def _neighbour(page) -> tuple | None:
    return (page.title, page.url) if page is not None else None


def _page_key(site: str, page) -> str:
    parts = [page.file.src_uri, page.url, page.title, _tokens(page.toc), sorted(page.meta.items(), key=str),
             page.edit_url, page.canonical_url, page.is_homepage, _neighbour(page.previous_page), _neighbour(page.next_page),
             _neighbour(page.parent)]
    digest = hashlib.sha256(repr(parts).encode())
    digest.update(b"\0" + (page.content or "").encode("utf-8"))  # the HTML itself: no repr of 100 KB
    return site + ":" + digest.hexdigest()


# MkDocs converts every page before it writes any, holding each page's Markdown and HTML
# until the end (at five years more than 200 MB); between the two steps a page keeps no
# Markdown and its HTML waits in a temporary file (the OS's page cache holds it, not the
# build's memory).
class _Parked:
    def __init__(self) -> None:
        self.file = tempfile.TemporaryFile()
        self.where: dict[str, tuple[int, int]] = {}

    def put(self, name: str, text: str) -> None:
        data = text.encode("utf-8")
        self.file.seek(0, 2)
        self.where[name] = (self.file.tell(), len(data))
        self.file.write(data)

    def take(self, name: str) -> str | None:
        found = self.where.pop(name, None)
        if found is None:
            return None
        self.file.seek(found[0])
        return self.file.read(found[1]).decode("utf-8")


_PARKED = _Parked()


def _install_populate_page() -> None:
    original = mk_build._populate_page

    def populate_page(page, config, files, dirty=False):
        original(page, config, files, dirty)
        if page.content is not None:
            _PARKED.put(page.file.src_uri, page.content)
            # "": Page.title reads the title the conversion found, as it would with the Markdown
            page.content, page.markdown = None, ""

    mk_build._populate_page = populate_page


def _unpack(page) -> None:
    parked = _PARKED.take(page.file.src_uri)
    if parked is not None:
        page.content = parked


def _install_build_page(salt: str) -> None:
    original = mk_build._build_page
    state: list = [None, ""]  # the build's nav and its site state: computed once per build

    def build_page(page, config, doc_files, nav, env, dirty=False, excluded=False):
        _unpack(page)
        try:
            _build_or_reuse(page, config, doc_files, nav, env, dirty, excluded)
        finally:
            page.content = None

    def _build_or_reuse(page, config, doc_files, nav, env, dirty, excluded):
        if dirty or excluded:
            return original(page, config, doc_files, nav, env, dirty, excluded)
        cache = buildcache.session()
        if state[0] is not nav:
            state[:] = [nav, salt + ":" + _site_state(config, nav)]
        key = _page_key(state[1], page)
        raw = cache.get("output", key)
        if raw is not None:
            mk_utils.write_file(zlib.decompress(raw), page.file.abs_dest_path)
            return None
        original(page, config, doc_files, nav, env, dirty, excluded)
        try:
            with open(page.file.abs_dest_path, "rb") as written:
                cache.put("output", key, zlib.compress(written.read(), 1))
        except FileNotFoundError:  # MkDocs skips a page whose output is empty: nothing to keep
            pass
        return None

    mk_build._build_page = build_page
