"""The briefing's MkDocs plugin (``plugins: [briefing]``), driven by MkDocs' public events only.

* ``on_config``: the site's identity from the briefing settings (briefing.yaml + environment):
  site name and URL, the repository and branch the "edit" buttons open, the UI language and
  the navigation labels; mkdocs.yml stays static.
* ``on_files``: the generated pages and feeds (``generate.write_sources``), added as generated
  files, as Material's blog plugin adds its pages; a day page's "edit" button opens its YAML.
* ``on_page_markdown`` / ``on_page_content``: the pages' raw HTML blocks are kept out of
  Python-Markdown (``rawhtml``: same HTML, a fraction of the build time), the raw item
  headings go back into the page's table of contents and anchors.
* The build cache (``generator.buildcache``, ``$BRIEFING_CACHE_DIR``, for ``mkdocs build``):
  MkDocs' conversion of a page and the theme's rendering of it are reused when their inputs
  are unchanged (``mkdocs_cache``, which says what the keys hold). Every event of every
  plugin and hook still runs for every page. The cache is committed in ``on_shutdown``, and
  only when the whole build succeeded: MkDocs counts a strict build's warnings after
  ``on_post_build`` and calls ``on_build_error`` when they fail it, so a failed build
  leaves the cache as it was.

The theme's rendering is deferred from the template MkDocs picked to ``on_post_page``: each
page's ``template`` front matter names a stub (:data:`DEFERRED`) from ``on_env`` until this
plugin's first ``on_page_context`` handler puts the page's own back, so every plugin's
``on_page_context`` sees the page as it is; the last handler takes the context as they left
it, and the first ``on_post_page`` handler renders the page's template with it, or takes the
output stored for the same template and context, before any other plugin's ``on_post_page``.
List this plugin first in mkdocs.yml, so its "first" handlers run before others of the same
priority.

Memory: MkDocs converts every page before it themes any. From this plugin's last
``on_page_content`` handler to its first ``on_page_context`` handler, and after its last
``on_post_page`` handler, a page's ``content`` is a placeholder (:data:`PARKED`) and its
HTML waits in a temporary file; a plugin that read ``page.content`` in ``on_env`` or
``on_post_build`` would see the placeholder.
"""

from __future__ import annotations

import json
import logging
import tempfile
from pathlib import Path
from urllib.parse import urlsplit

import jinja2
from mkdocs.config import base, config_options
from mkdocs.plugins import BasePlugin, CombinedEvent, event_priority
from mkdocs.structure.files import File

from .. import buildcache, settings as settings_mod
from ..memo import Memo
from . import mkdocs_cache, rawhtml
from .generate import write_sources
from .pages import nav

log = logging.getLogger(f"mkdocs.plugins.{__name__}")

DEFERRED = "briefing-deferred.html"  # the stub template: the page's own is rendered in on_post_page
PARKED = "<!-- briefing: this page's HTML waits in a temporary file until its page is built -->"
_NO_TEMPLATE = object()  # the page's front matter named no template


class BriefingPluginConfig(base.Config):
    cache = config_options.Type(bool, default=True)  # false: never read or write the build cache


class BriefingPlugin(BasePlugin[BriefingPluginConfig]):
    def __init__(self) -> None:
        self.command: str | None = None  # set by on_startup: the cache is used by `mkdocs build` only

    def on_startup(self, *, command, dirty, **kwargs) -> None:
        self.command = command if not dirty else None

    # ---- configuration and files

    def _configure(self, config, **kwargs):
        settings = settings_mod.load()
        site = settings.site
        config["site_name"] = settings.site_title
        config["site_url"] = site.url if site.url.endswith("/") else site.url + "/"
        config["repo_url"] = site.repo_url
        config["repo_name"] = urlsplit(site.repo_url).path.strip("/") or site.repo_url
        config["edit_uri"] = f"edit/{site.branch}/docs/"
        config["theme"]["language"] = settings.language
        config["nav"] = nav(settings)
        self.settings = settings
        folder = buildcache.default_dir() if self.config.cache and self.command == "build" else None
        self.caching = folder is not None
        self.cache = buildcache.BuildCache(folder)
        self.succeeded = False
        self.salt = buildcache.page_salt(settings, Path(config.theme.custom_dir or "."))
        self.stashed: dict[str, list[str]] = {}
        self.converting: dict[str, tuple] = {}
        self.templates: dict[str, object] = {}
        self.contexts: dict[str, dict] = {}
        self.parked = Parked()
        return config

    @event_priority(-100)
    def _engine(self, config, **kwargs):
        """Last: the engine state, from the configuration as every plugin and hook left it."""
        self.engine = mkdocs_cache.engine_state(config, code=self.salt)
        self.conversions = Memo(self.cache if self.caching else None, "html", self.engine, dump=_json_bytes, load=json.loads)
        self.outputs = mkdocs_cache.output_memo(self.cache, enabled=self.caching)
        return config

    on_config = CombinedEvent(_configure, _engine)

    def _generate(self, files, *, config, **kwargs):
        self.sources = tempfile.TemporaryDirectory(prefix="briefing-sources-")
        written = write_sources(self.settings, self.cache, Path(self.sources.name), Path(config.docs_dir), salt=self.salt)
        for source in written:
            existing = files.get_file_from_path(source.src_uri)
            if existing is not None:
                files.remove(existing)
            file = File.generated(config, source.src_uri, abs_src_path=str(source.path))
            file.edit_uri = source.edit
            files.append(file)
        return files

    @event_priority(-100)
    def _trace(self, files, *, config, **kwargs):
        """Last: the files every page's conversion looks up, through a collection that notes
        each look-up (``mkdocs_cache.TracedFiles``)."""
        return mkdocs_cache.TracedFiles(files) if self.caching else files

    on_files = CombinedEvent(_generate, _trace)

    # ---- conversion (on_page_markdown last, on_page_content first)

    @event_priority(-100)
    def on_page_markdown(self, markdown, *, page, config, files, **kwargs):
        text, blocks = rawhtml.stash(markdown)
        src_uri = page.file.src_uri
        if blocks:
            self.stashed[src_uri] = blocks
        if not self.caching or not isinstance(files, mkdocs_cache.TracedFiles):
            return text
        key = self.conversions.key(src_uri, page.url, page.file.inclusion.name, mkdocs_cache.log_levels(), text)
        stored = self.conversions.lookup(key)
        if stored is not None:
            if mkdocs_cache.trace_holds(stored["trace"], files):
                self.converting[src_uri] = (key, text, stored, None)
                return ""  # converted before: Python-Markdown has nothing to do
        capture = mkdocs_cache.Capture(files)
        capture.start()
        self.converting[src_uri] = (key, text, None, capture)
        return text

    @event_priority(100)
    def _convert(self, html, *, page, config, files, **kwargs):
        """First: the conversion, from the cache or as MkDocs made it (then stored), and the
        raw HTML blocks back in place, for every other handler."""
        src_uri = page.file.src_uri
        converting = self.converting.pop(src_uri, None)
        if converting is not None:
            key, text, stored, capture = converting
            if stored is not None:
                html = mkdocs_cache.restore_conversion(page, stored, files)
                page.markdown = text  # as MkDocs would have left it
            else:
                messages, trace = capture.stop()
                if trace is not None:
                    self.conversions.store_value(key, mkdocs_cache.conversion_of(page, html, messages, trace))
        blocks = self.stashed.pop(src_uri, [])
        html = rawhtml.restore(html, blocks)
        mkdocs_cache.add_raw_headings(page, html, blocks, config)
        return html

    @event_priority(-100)
    def _park(self, html, *, page, **kwargs):
        """Last: the page's HTML waits in a temporary file until its page is built (MkDocs
        converts every page before it writes any: at five years 240 MB of HTML)."""
        self.parked.put(page.file.src_uri, html)
        return PARKED

    on_page_content = CombinedEvent(_convert, _park)

    # ---- theme (deferred to on_post_page)

    @event_priority(-100)
    def on_env(self, env, *, config, files, **kwargs):
        if not self.caching:
            return env
        self.env = env
        volatile = Memo(self.cache, "theme", self.engine, dump=_json_bytes, load=json.loads)(
            lambda: sorted(mkdocs_cache.volatile_names(env, config.theme.static_templates)), "volatile names")
        self.context_state = mkdocs_cache.ContextState(self.engine, frozenset(volatile))
        if volatile:
            log.info("pages are themed afresh: a page template shows %s, which change with every build", ", ".join(volatile))
        env.loader = jinja2.ChoiceLoader([jinja2.DictLoader({DEFERRED: "{{ page.url }}"}), env.loader])
        for file in files.documentation_pages():
            if file.page is not None:
                self.templates[file.src_uri] = file.page.meta.get("template", _NO_TEMPLATE)
                file.page.meta["template"] = DEFERRED
        return env

    @event_priority(100)
    def _own_page(self, context, *, page, config, nav, **kwargs):
        """First: the page's HTML and front matter as they were, for every other handler and
        the theme."""
        parked = self.parked.take(page.file.src_uri)
        if parked is not None:
            page.content = parked
        template = self.templates.get(page.file.src_uri)
        if template is _NO_TEMPLATE:
            del page.meta["template"]
        elif template is not None:
            page.meta["template"] = template
        return context

    @event_priority(-100)
    def _take_context(self, context, *, page, config, nav, **kwargs):
        """Last: the context the theme renders the page with."""
        if page.file.src_uri in self.templates:
            self.contexts[page.file.src_uri] = context
        return context

    on_page_context = CombinedEvent(_own_page, _take_context)

    @event_priority(100)
    def _theme(self, output, *, page, config, **kwargs):
        """First: the page's own template rendered with its context, or that output stored
        for the same template and context."""
        src_uri = page.file.src_uri
        template = self.templates.pop(src_uri, None)
        context = self.contexts.pop(src_uri, None)
        if template is None or context is None:
            return output
        name = "main.html" if template is _NO_TEMPLATE else str(template)
        render = mkdocs_cache.render_with(self.env, name, context)
        try:
            key = self.context_state.key(name, context)
        except mkdocs_cache.Unkeyable as why:
            log.debug("%s: theme output not cached: %s", src_uri, why)
            return render()
        return self.outputs.by_key(key, render)

    @event_priority(-100)
    def _release(self, output, *, page, **kwargs):
        """Last: the page is written next; MkDocs keeps every page to the end, not its HTML."""
        page.content = PARKED
        return output

    on_post_page = CombinedEvent(_theme, _release)

    # ---- the end of a build

    def on_post_build(self, *, config, **kwargs):
        self.succeeded = True  # so far: a strict build may still fail on the warnings it counted
        self.sources.cleanup()
        if not self.caching:  # nothing to keep (a cold build, `mkdocs serve`): the temporary tables go now
            self._end()

    def on_build_error(self, *, error, **kwargs):
        self.succeeded = False
        if getattr(self, "sources", None) is not None:
            self.sources.cleanup()
        self._end()

    def on_shutdown(self, **kwargs):
        self._end()

    def _end(self) -> None:
        cache, self.cache = getattr(self, "cache", None), None
        if cache is not None:
            cache.close(commit=self.succeeded)
            self.parked.file.close()


class Parked:
    """Texts put aside in a temporary file (the OS's page cache holds them, not the build's
    memory) and taken back once."""

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


def _json_bytes(value) -> bytes:
    return json.dumps(value, ensure_ascii=False).encode("utf-8")
