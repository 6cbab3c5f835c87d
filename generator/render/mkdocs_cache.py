"""What the briefing's MkDocs plugin keeps between builds, and the keys it keeps it by.

A build runs every plugin and hook event for every page, cached or not. Two steps between
events are pure, and only they are cached (``mkdocs_plugin`` calls them):

* **the conversion** of a page's Markdown by MkDocs (Python-Markdown and MkDocs' link
  processing, between ``on_page_markdown`` and ``on_page_content``), keyed by the Markdown as
  the last handler left it, the page's place, and the engine (:func:`engine_state`). It is
  stored with every look-up of another file it made (``files.get_file_from_path``, seen
  through :class:`TracedFiles`) and every message it logged: an entry is used only while
  each look-up finds the same file, and its messages are logged again, so a cached page
  reports the same broken links (and fails a strict build) as a converted one.
* **the theme** (``template.render(context)`` between ``on_page_context`` and
  ``on_post_page``), keyed by the template and the whole context as the last
  ``on_page_context`` handler left it (:class:`ContextState`).

The engine (:func:`engine_state`) is part of every key: the installed versions of the site
engine, Material, Python-Markdown, pymdown-extensions, Jinja2 and Pagefind, mkdocs.yml and
every hook file as bytes, each plugin with its package's version and its configuration, the
configuration as MkDocs resolved it, the theme's own templates (``custom_dir``) and this
package's code. A change to any of them misses every entry.

This module imports MkDocs; besides ``mkdocs_plugin``, nothing else in ``generator.render`` does.
"""

from __future__ import annotations

import enum
import functools
import hashlib
import importlib.metadata
import logging
import types
import zlib
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Callable

import jinja2
from jinja2 import nodes
from markdown.extensions.toc import nest_toc_tokens
from mkdocs.plugins import BasePlugin
from mkdocs.structure import StructureItem
from mkdocs.structure.files import File, Files
from mkdocs.structure.nav import Navigation
from mkdocs.structure.pages import Page
from mkdocs.structure.toc import AnchorLink, TableOfContents, get_toc

from .. import buildcache
from ..memo import Memo, digest
from . import rawhtml

# The distributions whose code turns a page's Markdown into the site's HTML.
ENGINE = ("mkdocs", "properdocs", "mkdocs-material", "Markdown", "pymdown-extensions", "Jinja2", "MarkupSafe", "pagefind")
# Loggers a conversion reports on: MkDocs' (what a strict build counts) and Python-Markdown's.
CONVERSION_LOGGERS = ("mkdocs", "MARKDOWN")


@functools.lru_cache(maxsize=None)
def _distribution_of(module: str) -> str:
    """``name==version`` of the installed distribution a module comes from ("" if none)."""
    top = module.split(".", 1)[0]
    names = importlib.metadata.packages_distributions().get(top) or []
    return ",".join(f"{n}=={importlib.metadata.version(n)}" for n in sorted(set(names)))


def _file_digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _files_digest(folder: Path) -> str:
    digest_ = hashlib.sha256()
    for path in sorted(p for p in folder.rglob("*") if p.is_file() and "__pycache__" not in p.parts):
        digest_.update(path.relative_to(folder).as_posix().encode() + b"\0" + path.read_bytes() + b"\0")
    return digest_.hexdigest()


# Configuration keys left out of the configuration's state: where this build writes (no page
# shows it), and the plugins (keyed on their own, with their versions).
_NOT_CONFIGURATION = ("site_dir", "plugins")


def engine_state(config, *, code: str) -> str:
    """The digest of everything besides a page's own inputs that can change any page (see
    the module docstring); ``code`` is the digest of this package's code and templates."""
    config_file = Path(config.config_file_path or "mkdocs.yml")
    hooks = {name: _file_digest(Path(name) if Path(name).is_absolute() else config_file.parent / name) for name in config["hooks"]}
    theme_dir = config.theme.custom_dir
    return digest(
        buildcache.installed_versions(ENGINE),
        _file_digest(config_file) if config_file.is_file() else None,
        hooks,
        [[name, plugin_state(plugin)] for name, plugin in config.plugins.items()],
        [[key, _config_value(value)] for key, value in config.items() if key not in _NOT_CONFIGURATION],
        _files_digest(Path(theme_dir)) if theme_dir else None,
        code,
    )


def plugin_state(plugin) -> list:
    cls = type(plugin)
    return [f"{cls.__module__}.{cls.__qualname__}", _distribution_of(cls.__module__), _config_value(getattr(plugin, "config", None))]


def _config_value(value, seen: frozenset = frozenset()) -> object:
    """A configuration value as data: plain values as they are, plugins by class, version and
    configuration, functions and modules by name, other objects by their type, their text and
    their public attributes."""
    if value is None or isinstance(value, (str, int, float, bool)):
        return value
    if id(value) in seen:
        return ["seen", type(value).__qualname__]
    seen = seen | {id(value)}
    if isinstance(value, enum.Enum):
        return [type(value).__qualname__, value.name]
    if isinstance(value, BasePlugin):
        return ["plugin", *plugin_state(value)]
    if isinstance(value, types.ModuleType):
        return ["module", value.__name__]
    if isinstance(value, (types.FunctionType, types.BuiltinFunctionType, type, functools.partial)):
        return ["callable", getattr(value, "__module__", ""), getattr(value, "__qualname__", repr(value))]
    if isinstance(value, Mapping):
        return ["map", [[str(k), _config_value(v, seen)] for k, v in value.items()]]
    if isinstance(value, (list, tuple, set, frozenset)):
        items = [_config_value(v, seen) for v in value]
        return sorted(items, key=repr) if isinstance(value, (set, frozenset)) else items
    public = {k: _config_value(v, seen) for k, v in vars(value).items() if not k.startswith("_")} if hasattr(value, "__dict__") else {}
    return ["object", type(value).__qualname__, str(value), public]


# ------------------------------------------------------------------------------ conversion


class TracedFiles(Files):
    """The build's files; while ``trace`` is a list, every look-up by path is noted in it as
    ``(path, what was found)``: a page's conversion depends on what its links found."""

    trace: list | None = None

    def get_file_from_path(self, path: str) -> File | None:
        found = super().get_file_from_path(path)
        if self.trace is not None:
            self.trace.append((path, file_identity(found)))
        return found


def file_identity(file: File | None) -> list | None:
    """What a conversion reads of a file it links to: where it is, its URL, its inclusion."""
    return None if file is None else [file.src_uri, file.url, file.inclusion.name]


class _Captured(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.NOTSET)
        self.records: list[list] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append([record.name, record.levelno, record.getMessage()])


class Capture:
    """Everything a conversion logs and every file it looks up, between ``start`` and ``stop``."""

    def __init__(self, files: Files) -> None:
        self.files = files if isinstance(files, TracedFiles) else None
        self.handler = _Captured()

    def start(self) -> None:
        for name in CONVERSION_LOGGERS:
            logging.getLogger(name).addHandler(self.handler)
        if self.files is not None:
            self.files.trace = []

    def stop(self) -> tuple[list, list[list] | None]:
        for name in CONVERSION_LOGGERS:
            logging.getLogger(name).removeHandler(self.handler)
        trace = None
        if self.files is not None:
            trace, self.files.trace = self.files.trace, None
        return self.handler.records, trace


def replay_messages(records: list[list]) -> None:
    """Log again what a conversion logged (a strict build counts the warnings again)."""
    for name, level, message in records:
        logging.getLogger(name).log(level, "%s", message)


def trace_holds(trace: list, files: Files) -> bool:
    """Each look-up of a stored conversion still finds what it found then."""
    return all(file_identity(files.get_file_from_path(path)) == found for path, found in trace)


def log_levels() -> list[int]:
    """The levels that decide what a conversion logs and records (MkDocs notes links to
    other pages' anchors only above DEBUG)."""
    return [logging.getLogger(name).getEffectiveLevel() for name in (*CONVERSION_LOGGERS, "mkdocs.structure.pages")]


def toc_tokens(toc) -> list[dict]:
    """A table of contents as the tokens ``get_toc`` builds it from."""
    return [{"level": a.level, "id": a.id, "name": a.title, "children": toc_tokens(a.children)} for a in toc]


def conversion_of(page: Page, html: str, messages: list, trace: list) -> dict:
    """A page's conversion as it is stored: what ``Page.render`` set, and what it read and logged."""
    links = None
    if page.links_to_anchors is not None:
        links = {file.src_uri: anchors for file, anchors in page.links_to_anchors.items()}
    title = None if "title" in page.meta else page.title
    return {"html": html, "toc": toc_tokens(page.toc), "title": title, "anchors": sorted(page.present_anchor_ids or ()),
            "links": links, "messages": messages, "trace": trace}


def restore_conversion(page: Page, stored: dict, files: Files) -> str:
    """Put a stored conversion on the page (as ``Page.render`` would have) and log its messages."""
    page.toc = get_toc(stored["toc"])
    if stored["title"] is not None:
        page.title = stored["title"]
    page.present_anchor_ids = set(stored["anchors"])
    if stored["links"] is not None:
        page.links_to_anchors = {files.get_file_from_path(uri): anchors for uri, anchors in stored["links"].items()}
    replay_messages(stored["messages"])
    return stored["html"]


def _flat_tokens(toc, out: dict[str, dict]) -> dict[str, dict]:
    for a in toc:
        out[a.id] = {"level": a.level, "id": a.id, "name": a.title}
        _flat_tokens(a.children, out)
    return out


def _toc_depth(config) -> int:
    depth = (config["mdx_configs"] or {}).get("toc", {}).get("toc_depth", 6)
    return int(str(depth).rsplit("-", 1)[-1])


def add_raw_headings(page: Page, html: str, blocks: list[str], config) -> None:
    """Put the raw heading blocks (``rawhtml.headings``) into the page's table of contents
    and its anchors, where Markdown would have put them had it seen them."""
    raw = rawhtml.headings(blocks)
    if not raw:
        return
    page.present_anchor_ids = set(page.present_anchor_ids or ()) | set(raw)
    depth = _toc_depth(config)
    listed = {anchor: entry for anchor, entry in raw.items() if entry[0] <= depth}
    page.toc = get_toc(nest_toc_tokens(rawhtml.toc_tokens(html, _flat_tokens(page.toc, {}), listed)))


# ------------------------------------------------------------------------------ theme


# Values that change with every build while no input does: the build's date and the list of
# every page (sitemap.xml shows them, no page does). They are left out of a page's key while
# no page template names them; when one does, pages are not cached.
VOLATILE_VARIABLES = frozenset({"build_date_utc", "pages"})
VOLATILE_ATTRIBUTES = frozenset({"update_date"})
# What a page's conversion read or found (its HTML and table of contents are in its key) and
# where this build reads and writes its files.
_NOT_SHOWN = frozenset({"markdown", "present_anchor_ids", "links_to_anchors", "abs_src_path", "abs_dest_path", "src_dir",
                        "dest_dir", "content_bytes", "content_string"})


class Unkeyable(TypeError):
    """The context holds a value the key cannot see into: the page is rendered, not cached."""


def volatile_names(env: jinja2.Environment, static_templates: Iterable[str]) -> frozenset[str]:
    """The volatile variables and attributes (:data:`VOLATILE_VARIABLES`, ...) that a page
    template names: all of the theme's templates but those MkDocs renders on their own
    (``theme.static_templates``: sitemap.xml, 404.html)."""
    static = set(static_templates)
    variables: set[str] = set()
    attributes: set[str] = set()
    for name in env.list_templates(filter_func=lambda n: n.endswith((".html", ".xml", ".j2")) and not n.startswith(".")):
        if name in static or env.loader is None:
            continue
        tree = env.parse(env.loader.get_source(env, name)[0])
        variables.update(node.name for node in tree.find_all(nodes.Name))
        attributes.update(node.attr for node in tree.find_all(nodes.Getattr))
        attributes.update(str(node.arg.value) for node in tree.find_all(nodes.Getitem) if isinstance(node.arg, nodes.Const))
    return frozenset((VOLATILE_VARIABLES & variables) | (VOLATILE_ATTRIBUTES & attributes))


class ContextState:
    """A page's template context as data: the key of its theme output.

    The page is keyed by every public attribute it has (those set by plugins too), except what
    its conversion read (:data:`_NOT_SHOWN`); other pages, sections and links (the navigation,
    the page's neighbours and parents) by what the navigation shows of them: kind, title,
    URL, whether active, their front matter and children; the configuration and the
    navigation by the engine digest and once per build. Anything the key cannot see into
    raises :class:`Unkeyable`.
    """

    def __init__(self, engine: str, volatile_named: frozenset[str]) -> None:
        self.engine = engine
        self.volatile_named = volatile_named  # volatile values a page template names
        self._nav: tuple[object, object] | None = None

    def key(self, template: str, context: Mapping) -> str:
        if self.volatile_named:
            raise Unkeyable(f"a page template shows {sorted(self.volatile_named)}, which change with every build")
        page = context.get("page")
        state = []
        for name, value in context.items():
            if name in VOLATILE_VARIABLES:
                continue
            if name == "config":
                state.append([name, "engine"])
            elif isinstance(value, Navigation):
                state.append([name, self._navigation(value)])
            else:
                state.append([name, self._value(value, page, frozenset())])
        return digest(self.engine, template, state)

    def _navigation(self, nav: Navigation) -> str:
        """The navigation's shape, once per build (which items are active follows from the
        page: its URL and its ancestors are in its own state)."""
        if self._nav is None or self._nav[0] is not nav:  # the same object for every page of a build
            shape = [self._nav_item(item, active=False) for item in nav.items], [self._nav_item(p, active=False) for p in nav.pages]
            self._nav = (nav, digest(*shape))
        return self._nav[1]

    def _nav_item(self, item, *, active: bool = True) -> list:
        out = [type(item).__name__, item.title, getattr(item, "url", None), item.active if active else None]
        if isinstance(item, Page):
            out.append(self._value(item.meta, None, frozenset()))
        if getattr(item, "children", None):
            out.append([self._nav_item(child, active=active) for child in item.children])
        return out

    def _value(self, value, page, seen: frozenset) -> object:
        if value is None or isinstance(value, (str, int, float, bool)):
            return value
        if isinstance(value, StructureItem) and value is not page:
            return self._nav_item(value)
        if id(value) in seen:
            return ["seen", type(value).__qualname__]
        seen = seen | {id(value)}
        if isinstance(value, enum.Enum):
            return [type(value).__qualname__, value.name]
        if isinstance(value, Mapping):
            return ["map", [[str(k), self._value(v, page, seen)] for k, v in value.items()]]
        if isinstance(value, (list, tuple, TableOfContents)):
            return [self._value(v, page, seen) for v in value]
        if isinstance(value, (Page, File, AnchorLink)) or type(value).__module__.startswith("mkdocs.config"):
            return self._public(value, page, seen)
        raise Unkeyable(f"the context holds a {type(value).__qualname__}")

    def _public(self, value, page, seen: frozenset) -> list:
        out = [type(value).__qualname__]
        for name in dir(value):
            if name.startswith("_") or name in _NOT_SHOWN or name in VOLATILE_ATTRIBUTES:  # (named by no page template, else key() refused)
                continue
            attribute = getattr(value, name)
            if callable(attribute):
                continue
            out.append([name, self._value(attribute, page, seen)])
        return out


def output_memo(store, *, enabled: bool) -> Memo[str]:
    """Theme output, zlib-compressed (the whole site is ~230 MB of HTML at five years)."""
    return Memo(store if enabled else None, "output",
                dump=lambda text: zlib.compress(text.encode("utf-8"), 1), load=lambda raw: zlib.decompress(raw).decode("utf-8"))


def render_with(env: jinja2.Environment, template: str, context: Mapping) -> Callable[[], str]:
    """What MkDocs does between ``on_page_context`` and ``on_post_page``."""
    return lambda: env.get_template(template).render(context)
