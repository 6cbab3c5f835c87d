"""Where a site build's time goes: ``mkdocs build`` run in-process with timers around its
phases (and, with ``--cprofile``, the top functions under cProfile).

    python benchmarks/profile_build.py --days 365            # phase timings
    python benchmarks/profile_build.py --days 365 --cprofile # + the 40 costliest functions
    python benchmarks/profile_build.py --days 365 --warm --cprofile   # the daily build: one new day, cache filled
    python benchmarks/profile_build.py --days 1825 --warm --cli 3     # + `briefing build` warm 3 times (wall, CPU)

``--warm`` profiles the daily build as ``bench_incremental.py`` sets it up: the archive minus
its last day committed to a git repository and built by ``briefing build --cache-dir`` (a
child process: yesterday's build, with the current code), then the last day written back
and ``mkdocs build`` run in this process with that cache (without Pagefind, as above).
``--cli N`` also runs the whole warm ``briefing build`` (MkDocs and Pagefind) N times in child
processes, each from yesterday's cache, and prints its wall and CPU time.

Phases (inclusive wall time; nested phases are indented):

* generate pages: the briefing plugin's ``on_files``: load the archive (YAML parse +
  pydantic), render the pages and feeds (``generator.render``), hand them to MkDocs;
* read + Markdown: per page, read the source, the plugin's raw-HTML stash/restore, and
  Python-Markdown (MkDocs' conversion between ``on_page_markdown`` and ``on_page_content``);
* theme templating: Material's Jinja templates per page (between ``on_page_context`` and
  the plugin's ``on_post_page``, which renders the page's template);
* writing: from one page's ``on_post_page`` to the next page's context;
* anchor validation: from the last page to ``on_post_build``;
* search plugin: off in mkdocs.yml (Pagefind indexes the built site as a separate step).

MkDocs' phases are timed by a plugin of this script's own (``event_timers``: a handler that
runs first and one that runs last for each event), the generator's functions by wrapping
them. The timers cost little (a few function calls per page); cProfile roughly doubles the
run time, so read its numbers as proportions.
"""

from __future__ import annotations

import argparse
import cProfile
import resource
import io
import os
import pstats
import shutil
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import bench_incremental  # noqa: E402
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
    ("generate pages (briefing plugin on_files)", 0, "on_files"),
    ("load items (YAML + pydantic)", 1, "CachedArchive.summaries"),
    ("load editions (YAML + pydantic)", 1, "CachedArchive.editions"),
    ("render pages (generator.render.pages)", 1, "site_pages (with each day's items)"),
    ("render feeds (generator.render.feeds)", 1, "site_feeds"),
    ("read + Markdown, all pages", 0, "on_pre_page ... on_page_content"),
    ("raw-HTML stash/restore (plugin)", 1, "rawhtml.stash + restore"),
    ("Python-Markdown (Page.render)", 1, "on_page_markdown ... on_page_content"),
    ("build pages (template + write)", 0, "on_page_context ... on_post_page"),
    ("theme templating (Jinja)", 1, "on_page_context ... the plugin's on_post_page"),
    ("write files", 0, "on_post_page ... the next page (writing, the next context)"),
    ("anchor validation", 0, "the last page ... on_post_build"),
]


def event_timers():
    """A MkDocs plugin that times the phases between events (``PHASES``): a handler that runs
    first and one that runs last for each event it needs (MkDocs' public event priorities)."""
    from mkdocs.plugins import BasePlugin, CombinedEvent, event_priority

    marks: dict[str, float] = {}

    def mark(name: str):
        def handler(self, item=None, **kwargs):
            marks[name] = time.perf_counter()
            return item
        return handler

    def span(label: str, since: str, name: str):
        def handler(self, item=None, **kwargs):
            now = time.perf_counter()
            if since in marks:
                TIMES[label] += now - marks.pop(since)
                CALLS[label] += 1
                if CALLS[label] % 200 == 1:
                    RSS_AFTER[label] = current_rss()
            marks[name] = now
            return item
        return handler

    first, last, after_cache = event_priority(1000), event_priority(-1000), event_priority(50)

    class EventTimers(BasePlugin):
        on_files = CombinedEvent(first(mark("files")), last(span("generate pages (briefing plugin on_files)", "files", "files done")))
        on_pre_page = first(span("write files", "written", "read"))
        on_page_markdown = last(mark("markdown"))
        on_page_content = CombinedEvent(first(span("Python-Markdown (Page.render)", "markdown", "converted")),
                                        last(span("read + Markdown, all pages", "read", "content")))
        on_page_context = CombinedEvent(first(span("write files", "written", "context")),
                                        last(mark("templating")))
        on_post_page = CombinedEvent(after_cache(span("theme templating (Jinja)", "templating", "themed")),
                                     last(span("build pages (template + write)", "context", "written")))
        on_post_build = first(span("anchor validation", "written", "built"))

    return EventTimers()


def instrument() -> None:
    """Timers around the generator's own functions (the MkDocs phases: ``event_timers``)."""
    from generator.buildcache import CachedArchive
    from generator.render import generate, rawhtml

    wrap(CachedArchive, "summaries", "load items (YAML + pydantic)")
    wrap(CachedArchive, "editions", "load editions (YAML + pydantic)")
    wrap_iter(generate, "site_pages", "render pages (generator.render.pages)")  # the names generate calls
    wrap(generate, "site_feeds", "render feeds (generator.render.feeds)")
    wrap(rawhtml, "stash", "raw-HTML stash/restore (plugin)")
    wrap(rawhtml, "restore", "raw-HTML stash/restore (plugin)")


def run_build(data: Path, site: Path, cache_dir: Path | None = None) -> float:
    """A ``mkdocs build`` in this process, with the event timers among its plugins: cold
    (nothing cached: with the project's cache a second profile would time a warm build, and
    the cache would fill with benchmark data), or with ``cache_dir``."""
    from generator.render.build import build_in_process

    start = time.perf_counter()
    # (the plugins are part of every cache key: a warm build with the timers would miss
    # everything yesterday's build stored, so a warm build times the generator's phases only)
    timers = {"profile-timers": event_timers()} if cache_dir is None else {}
    build_in_process(common.briefing_settings(data), site, root=common.ROOT, cache_dir=cache_dir, plugins=timers)
    return time.perf_counter() - start


class WarmBuild:
    """The daily build's setting (see the module docstring): yesterday's archive committed and
    built into a cache by the current code, the new day written back; ``reset()`` puts
    yesterday's cache back, so each warm build starts from it."""

    def __init__(self, days: int) -> None:
        source, _ = make_archive.ensure_archive(days)
        self.work = common.cache_dir() / f"profile-warm-{days}"
        self.data, newest = bench_incremental.yesterday_repository(source, self.work)
        self.cache, self.yesterday = self.work / "cache", self.work / "cache-yesterday"
        print(f"yesterday's build of {days} days (fills the cache) ...", file=sys.stderr)
        self.briefing("build", "--site-dir", str(self.work / "site-yesterday"), "--cache-dir", str(self.cache))
        shutil.copytree(self.cache, self.yesterday)
        bench_incremental.add_new_day(self.data, newest)

    def briefing(self, *args: str) -> common.Measured:
        return bench_incremental.briefing(*args, data=self.data, cwd=common.ROOT)

    def reset(self) -> None:
        shutil.rmtree(self.cache)
        shutil.copytree(self.yesterday, self.cache)

    def cli(self) -> common.Measured:
        """The whole warm ``briefing build`` (MkDocs and Pagefind) in a child process."""
        self.reset()
        return self.briefing("build", "--site-dir", str(self.work / "site-warm"), "--cache-dir", str(self.cache))


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
    parser.add_argument("--warm", action="store_true", help="the daily build: one new day on a cache yesterday's build filled")
    parser.add_argument("--cli", type=int, default=0, metavar="N", help="with --warm: also time `briefing build` warm N times")
    args = parser.parse_args(argv)
    data, manifest = make_archive.ensure_archive(args.days)
    warm = WarmBuild(args.days) if args.warm else None
    if warm is not None:
        data = warm.data
        for _ in range(args.cli):
            measured = warm.cli()
            print(f"briefing build, warm: {measured.wall:.2f} s wall, {measured.cpu:.2f} s CPU, peak {common.fmt_bytes(measured.max_rss)}")
        warm.reset()
    site = Path(tempfile.mkdtemp(prefix="briefing-profile-site-"))
    import atexit

    atexit.register(shutil.rmtree, site, True)
    import logging

    logging.basicConfig(level=logging.WARNING)
    instrument()
    profiler = cProfile.Profile() if args.cprofile else None
    if profiler:
        profiler.enable()
    total = run_build(data, site, warm.cache if warm else None)
    if profiler:
        profiler.disable()
    text = report(total)
    print(f"{'warm' if warm else 'cold'} mkdocs build of a {args.days}-day archive ({manifest['items']} items), in-process"
          + (" under cProfile" if profiler else ""))
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
        common.save_result(f"profile-{args.days}", {"days": args.days, "total": total, "phases": dict(TIMES), "calls": dict(CALLS), "rss_after": RSS_AFTER, "table": text,
                                                      "peak": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024})
    return 0


if __name__ == "__main__":
    sys.exit(main())
