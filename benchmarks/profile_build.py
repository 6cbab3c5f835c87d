"""Where a site build's time goes: ``mkdocs build`` run in-process with timers around its
phases (and, with ``--cprofile``, the top functions under cProfile).

    python benchmarks/profile_build.py --days 365            # phase timings
    python benchmarks/profile_build.py --days 365 --cprofile # + the 40 costliest functions
    python benchmarks/profile_build.py --days 1825 --experiment gc-freeze   # a suggested fix, measured

Experiments monkeypatch a suggested change in this process only (generator/ is not edited):
``gc-freeze`` loads the archive with the cyclic GC paused, then ``gc.freeze()``.

Phases (inclusive wall time; nested phases are indented):

* gen-files: ``docs/gen_pages.py``: load the archive (YAML parse + pydantic), render the
  pages and feeds (``generator.render``), hand them to MkDocs;
* read + Markdown: per page, read the source, the hooks' raw-HTML stash/restore, and
  Python-Markdown (``Page.render``);
* theme templating: Material's Jinja templates per page (``Template.render``), context;
* writing: ``utils.write_file`` of every page; copying static files;
* anchor validation: ``Page.validate_anchor_links``;
* search plugin: off in mkdocs.yml (Pagefind indexes the built site as a separate step).

The timers cost little (a few function calls per page); cProfile roughly doubles the run
time, so read its numbers as proportions.
"""

from __future__ import annotations

import argparse
import cProfile
import resource
import io
import os
import pstats
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import common  # noqa: E402
import make_archive  # noqa: E402

TIMES: dict[str, float] = defaultdict(float)
RSS_AFTER: dict[str, int] = {}  # current RSS (bytes) when the phase last ended
CALLS: dict[str, int] = defaultdict(int)
_DEPTH: dict[str, int] = defaultdict(int)


def current_rss() -> int:
    with open("/proc/self/statm") as handle:
        return int(handle.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")


def wrap(owner, attr: str, label: str) -> None:
    original = getattr(owner, attr)

    def timed(*args, **kwargs):
        _DEPTH[label] += 1
        start = time.perf_counter()
        try:
            return original(*args, **kwargs)
        finally:
            _DEPTH[label] -= 1
            if _DEPTH[label] == 0:  # outermost call only (recursion)
                TIMES[label] += time.perf_counter() - start
                CALLS[label] += 1
                if CALLS[label] % 200 == 1 or not label.startswith(("read source", "raw-HTML", "Python-Markdown", "template", "theme", "write", "anchor")):
                    RSS_AFTER[label] = current_rss()

    setattr(owner, attr, timed)


def wrap_iter(owner, attr: str, label: str) -> None:
    """Like wrap, for a generator function: the time spent producing each item counts."""
    original = getattr(owner, attr)

    def timed(*args, **kwargs):
        produced = original(*args, **kwargs)
        while True:
            start = time.perf_counter()
            try:
                value = next(produced)
            except StopIteration:
                return
            finally:
                TIMES[label] += time.perf_counter() - start
            yield value

    setattr(owner, attr, timed)


PHASES = [
    # (label, indent, description)
    ("config + plugins on_config", 0, ""),
    ("gen-files (docs/gen_pages.py)", 0, ""),
    ("load items (YAML + pydantic)", 1, "CachedArchive.summaries"),
    ("load editions (YAML + pydantic)", 1, "CachedArchive.editions"),
    ("render pages (generator.render.pages)", 1, "site_pages (with each day's items)"),
    ("render feeds (generator.render.feeds)", 1, "site_feeds"),
    ("collect files + nav", 0, ""),
    ("read + Markdown, all pages", 0, "_populate_page"),
    ("read source", 1, "Page.read_source"),
    ("raw-HTML stash/restore (hooks)", 1, "rawhtml.stash + restore"),
    ("Python-Markdown (Page.render)", 1, "Page.render"),
    ("static files copy", 0, "Files.copy_static_files"),
    ("build pages (template + write)", 0, "_build_page"),
    ("template context", 1, "get_context"),
    ("theme templating (Jinja)", 1, "Template.render"),
    ("write files", 1, "utils.write_file"),
    ("anchor validation", 0, "Page.validate_anchor_links"),
    ("post-build plugins", 0, "on_post_build"),
]


def instrument() -> None:
    import jinja2
    import mkdocs.commands.build as mk_build
    import mkdocs.structure.files as mk_files
    import mkdocs.structure.nav as mk_nav
    import mkdocs.structure.pages as mk_pages
    import mkdocs.utils as mk_utils
    from mkdocs.plugins import PluginCollection
    from mkdocs_gen_files.plugin import GenFilesPlugin

    from generator.buildcache import CachedArchive
    from generator.render import pages, rawhtml

    wrap(PluginCollection, "on_config", "config + plugins on_config")
    wrap(GenFilesPlugin, "on_files", "gen-files (docs/gen_pages.py)")
    # gen_pages.py imports these by name when MkDocs runs it, after this has wrapped them
    wrap(CachedArchive, "summaries", "load items (YAML + pydantic)")
    wrap(CachedArchive, "editions", "load editions (YAML + pydantic)")
    wrap_iter(pages, "site_pages", "render pages (generator.render.pages)")
    wrap(pages, "site_feeds", "render feeds (generator.render.feeds)")
    wrap(mk_build, "get_files", "collect files + nav")
    wrap(mk_build, "get_navigation", "collect files + nav")
    wrap(mk_build, "_populate_page", "read + Markdown, all pages")
    wrap(mk_pages.Page, "read_source", "read source")
    wrap(rawhtml, "stash", "raw-HTML stash/restore (hooks)")
    wrap(rawhtml, "restore", "raw-HTML stash/restore (hooks)")
    wrap(mk_pages.Page, "render", "Python-Markdown (Page.render)")
    wrap(mk_files.Files, "copy_static_files", "static files copy")
    wrap(mk_build, "_build_page", "build pages (template + write)")
    wrap(mk_build, "get_context", "template context")
    wrap(jinja2.environment.Template, "render", "theme templating (Jinja)")
    wrap(mk_utils, "write_file", "write files")
    wrap(mk_pages.Page, "validate_anchor_links", "anchor validation")
    wrap(PluginCollection, "on_post_build", "post-build plugins")
    del mk_nav


def _gc_freeze() -> None:
    """docs/gen_pages.py loading the archive with the cyclic GC off, then gc.freeze():
    the loaded archive is never garbage, so no collection should walk it again."""
    import gc

    from generator.buildcache import CachedArchive

    for name in ("summaries", "editions"):
        original = getattr(CachedArchive, name)

        def loader(self, _original=original):
            gc.disable()
            try:
                return _original(self)
            finally:
                gc.freeze()
                gc.enable()

        setattr(CachedArchive, name, loader)


EXPERIMENTS = {"gc-freeze": _gc_freeze}


def run_build(data: Path, site: Path) -> float:
    from mkdocs.commands.build import build
    from mkdocs.config import load_config

    from generator import buildcache
    from generator.render import build as site_build

    settings = common.briefing_settings(data)
    with tempfile.TemporaryDirectory(prefix="briefing-profile-") as tmp:
        os.environ.update(getattr(site_build, "BANNER_ENV", {}))
        os.environ["BRIEFING_CONFIG"] = str(site_build._settings_file(settings, Path(tmp)))
        # A cold build, nothing kept: with the project's cache the second profile (an
        # experiment) would time a warm build, and the cache would fill with benchmark data.
        os.environ[buildcache.CACHE_ENV] = ""
        os.chdir(common.ROOT)
        start = time.perf_counter()
        config = load_config(config_file=str(common.ROOT / "mkdocs.yml"), strict=True, site_dir=str(site))
        build(config)
        return time.perf_counter() - start


def report(total: float) -> str:
    rows = []
    for label, indent, what in PHASES:
        if label not in TIMES:
            continue
        seconds = TIMES[label]
        rss = common.fmt_bytes(RSS_AFTER[label]) if label in RSS_AFTER and indent == 0 else ""
        rows.append([("&nbsp;&nbsp;" * 2 * indent) + label, what and f"`{what}`", f"{seconds:.2f} s", f"{100 * seconds / total:.0f} %", rss])
    top = sum(TIMES[label] for label, indent, _ in PHASES if indent == 0 and label in TIMES)
    rows.append(["other (MkDocs internals, logging, ...)", "", f"{total - top:.2f} s", f"{100 * (total - top) / total:.0f} %", ""])
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
    rows.append(["**total mkdocs build**", "", f"**{total:.2f} s**", "100 %", f"peak {common.fmt_bytes(peak)}"])
    return common.table(["phase", "function", "time", "share", "RSS after"], rows)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Profile mkdocs build on a synthetic archive.")
    parser.add_argument("--days", type=int, default=365)
    parser.add_argument("--cprofile", action="store_true", help="also run under cProfile and print the top functions")
    parser.add_argument("--top", type=int, default=40)
    parser.add_argument("--save", action="store_true", help="save the phase table as a result for run_all.py")
    parser.add_argument("--experiment", choices=sorted(EXPERIMENTS), action="append", default=[],
                        help="measure a suggested fix without editing generator/ (monkeypatched in this process)")
    args = parser.parse_args(argv)
    data, manifest = make_archive.ensure_archive(args.days)
    site = Path(tempfile.mkdtemp(prefix="briefing-profile-site-"))
    import atexit
    import shutil

    atexit.register(shutil.rmtree, site, True)
    import logging

    logging.basicConfig(level=logging.WARNING)
    for name in args.experiment:
        EXPERIMENTS[name]()
    instrument()
    profiler = cProfile.Profile() if args.cprofile else None
    if profiler:
        profiler.enable()
    total = run_build(data, site)
    if profiler:
        profiler.disable()
    text = report(total)
    print(f"mkdocs build of a {args.days}-day archive ({manifest['items']} items), in-process"
          + (" under cProfile" if profiler else "") + (f", experiments: {', '.join(args.experiment)}" if args.experiment else ""))
    print()
    print(text)
    if profiler:
        out = io.StringIO()
        stats = pstats.Stats(profiler, stream=out)
        stats.sort_stats("tottime").print_stats(args.top)
        print(out.getvalue())
        out = io.StringIO()
        stats = pstats.Stats(profiler, stream=out)
        stats.sort_stats("cumulative").print_stats(args.top)
        print(out.getvalue())
    if args.save and not profiler:
        suffix = "".join(f"+{name}" for name in args.experiment)
        common.save_result(f"profile-{args.days}{suffix}", {"experiments": args.experiment, "days": args.days, "total": total, "phases": dict(TIMES), "calls": dict(CALLS), "rss_after": RSS_AFTER, "table": text,
                                                      "peak": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024})
    return 0


if __name__ == "__main__":
    sys.exit(main())
