"""Site build at 30, 365 and 1825 days: build time (MkDocs and Pagefind separately), peak
memory, site size, pages, the largest page, and the bytes a search query downloads.

    python benchmarks/bench_site.py                    # all three sizes
    python benchmarks/bench_site.py --days 30 365      # some sizes
    python benchmarks/bench_site.py --days 1825 --reuse-site   # re-measure search only

Archives come from make_archive.py and are cached (``$BENCH_CACHE``, default
/tmp/briefing-bench); so are the built sites, for ``--reuse-site``.

The build is the project's own ``generator.render.build.build_site`` run in a child
process: ``mkdocs build --strict`` and, beside it, Pagefind over each search bundle as
the briefing plugin hands them over; each of the two is timed (they overlap), and the peak
memory is the whole process tree's (``common.measure``).

Search: the site is served on loopback (plain static server, no compression) and the query
is typed into the search page in headless Chromium (Playwright, /usr/bin/chromium); every
response's body size is summed. Without a browser the figure is computed from Pagefind's
files instead (entry + pagefind.js + wasm + metadata + the largest index chunk per query
word + 5 fragments): an upper-bound estimate, labelled as such.
"""

from __future__ import annotations

import argparse
import functools
import http.server
import json
import shutil
import sys
import threading
import time
from pathlib import Path
from urllib.parse import urlsplit

sys.path.insert(0, str(Path(__file__).resolve().parent))
import common  # noqa: E402
import make_archive  # noqa: E402

SIZES = (30, 365, 1825)
QUERIES = ("latent reasoning", "长上下文")
CHROMIUM = "/usr/bin/chromium"

# Runs in the child: the real build_site, with its two overlapping jobs timed: the MkDocs
# process (start to finish) and the Pagefind indexing beside it (first bundle to last).
_CHILD = r"""
import json, resource, sys, time
sys.path.insert(0, {bench!r})
import common
from generator.render import build
steps = {{}}
def children_cpu():
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime
_enter, _finish, _index, _part = build._Background.__enter__, build._Background.finish, build.index_streamed_parts, build._index_part
def enter(self):
    steps["start"] = time.perf_counter()
    return _enter(self)
def finish(self):
    try:
        return _finish(self)
    finally:  # MkDocs is reaped here, after the Pagefind services
        steps["mkdocs_wall"] = time.perf_counter() - steps["start"]
        steps["mkdocs_cpu"] = children_cpu() - steps.get("pagefind_cpu", 0)
def index(*args, **kwargs):
    try:
        return _index(*args, **kwargs)
    finally:
        steps["pagefind_cpu"] = children_cpu()  # the services, each reaped when its bundle is done
        steps["pagefind_end"] = time.perf_counter() - steps["start"]
def part(*args, **kwargs):
    steps.setdefault("pagefind_first", time.perf_counter() - steps["start"])
    return _part(*args, **kwargs)
build._Background.__enter__, build._Background.finish, build.index_streamed_parts, build._index_part = enter, finish, index, part
settings = common.briefing_settings({data!r})
start = time.perf_counter()
build.build_site(settings, {site!r})
print(json.dumps({{"total": time.perf_counter() - start, "steps": steps}}))
"""


def build(data: Path, site: Path) -> dict:
    """Build ``data`` into ``site``: the whole build's time, CPU and peak memory (the process
    tree's, MkDocs and Pagefind together), and each of the two jobs' time and CPU."""
    if site.exists():
        shutil.rmtree(site)
    code = _CHILD.format(bench=str(common.BENCH_DIR), data=str(data), site=str(site))
    m = common.python_child(["-c", code], cwd=common.ROOT, env=common.clean_env()).check("build_site")
    steps = json.loads(m.stdout.strip().splitlines()[-1])["steps"]
    return {
        "build_wall": m.wall,
        "build_cpu": m.cpu,
        "build_max_rss": m.max_rss,  # the child and everything it started, side by side
        "mkdocs_wall": steps.get("mkdocs_wall"),
        "mkdocs_cpu": steps.get("mkdocs_cpu"),
        "pagefind_cpu": steps.get("pagefind_cpu"),
        "pagefind_start": steps.get("pagefind_first"),
        "pagefind_wall": steps["pagefind_end"] - steps["pagefind_first"] if "pagefind_first" in steps else None,
    }


def site_stats(site: Path) -> dict:
    pages = [p for p in site.rglob("*.html")]
    largest = max(pages, key=lambda p: p.stat().st_size)
    days = [p for p in pages if p.relative_to(site).parts[0] == "days"]
    largest_day = max(days, key=lambda p: p.stat().st_size) if days else None
    others = [p for p in pages if p.relative_to(site).parts[0] != "days"]
    largest_other = max(others, key=lambda p: p.stat().st_size) if others else None
    pagefind = site / "pagefind"
    return {
        "pages": len(pages),
        "day_pages": len(days),
        "site_bytes": common.du(site),
        "site_files": sum(1 for p in site.rglob("*") if p.is_file()),
        "pagefind_bytes": common.du(pagefind) if pagefind.exists() else 0,
        "pagefind_files": sum(1 for p in pagefind.rglob("*") if p.is_file()) if pagefind.exists() else 0,
        "largest_page": str(largest.relative_to(site)),
        "largest_page_bytes": largest.stat().st_size,
        "largest_day_page": str(largest_day.relative_to(site)) if largest_day else None,
        "largest_day_page_bytes": largest_day.stat().st_size if largest_day else None,
        "largest_other_page": str(largest_other.relative_to(site)) if largest_other else None,
        "largest_other_page_bytes": largest_other.stat().st_size if largest_other else None,
    }


# --------------------------------------------------------------------------- search


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args) -> None:
        pass


class StaticServer:
    def __init__(self, root: Path):
        handler = functools.partial(_QuietHandler, directory=str(root))
        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    def __enter__(self) -> str:
        self.thread.start()
        return f"http://127.0.0.1:{self.httpd.server_address[1]}/"

    def __exit__(self, *exc) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


def browser_available() -> bool:
    import importlib.util

    if importlib.util.find_spec("playwright") is None:
        return False
    return Path(CHROMIUM).exists() or bool(shutil.which("chromium"))


def search_in_browser(site: Path, queries: tuple[str, ...], page_path: str = "search/") -> dict:
    """Type each query into the search page of a fresh browser; sum what was downloaded."""
    from playwright.sync_api import sync_playwright

    out = {}
    with StaticServer(site) as base, sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM if Path(CHROMIUM).exists() else shutil.which("chromium"),
                                     args=["--no-sandbox"])
        try:
            for query in queries:
                context = browser.new_context()  # empty cache: a first-time visitor
                page = context.new_page()
                responses: list = []
                page.on("response", lambda r: responses.append(r))
                page.goto(base + page_path, wait_until="networkidle")
                page_load = list(responses)
                responses.clear()
                started = time.perf_counter()
                box = page.locator(".pagefind-ui__search-input")
                box.fill(query)
                page.locator(".pagefind-ui__result-link").first.wait_for(timeout=60_000)
                page.wait_for_load_state("networkidle")
                page.wait_for_timeout(500)  # let the last fragments land
                elapsed = time.perf_counter() - started
                message = page.locator(".pagefind-ui__message").first.inner_text()
                results = page.locator(".pagefind-ui__result-link").count()
                hrefs = [page.locator(".pagefind-ui__result-link").nth(i).get_attribute("href") for i in range(min(results, 5))]

                def size(r) -> int:
                    try:
                        return len(r.body())
                    except Exception:  # redirects and aborted requests have no body
                        return 0

                files = [(urlsplit(r.url).path, size(r)) for r in responses]
                load = [(urlsplit(r.url).path, size(r)) for r in page_load]
                context.close()
                kinds: dict[str, int] = {}
                for path, n in files:
                    name = path.rsplit("/", 1)[-1]
                    kind = ("fragment" if "/fragment/" in path else "index chunk" if "/index/" in path else
                            "wasm" if name.startswith("wasm.") else "metadata" if name.endswith(".pf_meta") else
                            "filter" if "/filter/" in path else name)
                    kinds[kind] = kinds.get(kind, 0) + n
                out[query] = {
                    "method": "browser",
                    "bytes": sum(n for _, n in files),
                    "page": page_path,
                    "requests": len(files),
                    "by_kind": kinds,
                    "files": files,
                    "page_load_bytes": sum(n for _, n in load),
                    "page_load_requests": len(load),
                    "pagefind_ui_bytes": sum(n for p, n in load if "/pagefind/" in p),
                    "message": message,
                    "results_shown": results,
                    "first_results": hrefs,
                    "seconds": elapsed,
                }
        finally:
            browser.close()
    return out


def search_computed(site: Path, queries: tuple[str, ...]) -> dict:
    """Without a browser: entry + js + wasm + metadata + largest index chunk per word + 5 fragments."""
    pf = site / "pagefind"
    entry = json.loads((pf / "pagefind-entry.json").read_text())
    fixed = (pf / "pagefind-entry.json").stat().st_size + (pf / "pagefind.js").stat().st_size
    language = next(iter(entry["languages"].values()))
    wasm = pf / f"wasm.{language['wasm']}.pagefind" if language.get("wasm") else None
    if wasm and wasm.exists():
        fixed += wasm.stat().st_size
    meta = pf / f"pagefind.{language['hash']}.pf_meta"
    if meta.exists():
        fixed += meta.stat().st_size
    chunks = sorted((p.stat().st_size for p in (pf / "index").glob("*.pf_index")), reverse=True)
    fragments = [p.stat().st_size for p in (pf / "fragment").glob("*.pf_fragment")]
    average_fragment = sum(fragments) / max(len(fragments), 1)
    out = {}
    for query in queries:
        words = max(1, len(query.split()))
        total = fixed + sum(chunks[:words]) + 5 * average_fragment
        out[query] = {"method": "computed (upper bound)", "bytes": int(total), "requests": 4 + words + 5}
    return out


def measure_search(site: Path, queries: tuple[str, ...] = QUERIES) -> dict:
    if browser_available():
        try:
            return search_in_browser(site, queries)
        except Exception as exc:  # noqa: BLE001 (report, then fall back)
            print(f"  browser search failed ({type(exc).__name__}: {exc}); computing from Pagefind's files", file=sys.stderr)
    return search_computed(site, queries)


def measure_scopes(site: Path) -> dict:
    """The same queries with other years ticked than the default newest one: the newest full
    year alone and every year (``?years=`` on the search page); browser only."""
    bundles = json.loads((site / "pagefind" / "bundles.json").read_text(encoding="utf-8"))
    years = [year for year, _ in bundles]
    if len(years) < 2 or not browser_available():
        return {}
    scopes = {f"{years[1]} (a full year)": years[1], "every year": ",".join(years)}
    return {scope: search_in_browser(site, QUERIES, f"search/?years={value}") for scope, value in scopes.items()}


# --------------------------------------------------------------------------- main


def run(days: int, *, reuse_site: bool = False, progress=print) -> dict:
    data, manifest = make_archive.ensure_archive(days, progress=progress)
    site = common.cache_dir() / f"site-{days}"
    result: dict = {"days": days, "archive": manifest}
    previous = common.load_result(f"site-{days}")
    if reuse_site and site.exists() and previous and "build" in previous:
        result["build"] = previous["build"]
        progress(f"{days} days: reusing the built site {site}")
    else:
        progress(f"{days} days: building ({manifest['items']} items, {manifest['editions']} editions) ...")
        result["build"] = build(data, site)
        b = result["build"]
        progress(f"  build {b['build_wall']:.1f} s (mkdocs {b['mkdocs_wall'] or 0:.1f} s, pagefind {b['pagefind_wall'] or 0:.1f} s), "
                 f"peak {common.fmt_bytes(b['build_max_rss'])}")
    result["site"] = site_stats(site)
    progress(f"  {result['site']['pages']} pages, {common.fmt_bytes(result['site']['site_bytes'])}, largest page "
             f"{result['site']['largest_page']} {common.fmt_bytes(result['site']['largest_page_bytes'])}")
    result["search"] = measure_search(site)
    for query, s in result["search"].items():
        progress(f"  search {query!r}: {common.fmt_bytes(s['bytes'])} in {s['requests']} requests ({s['method']})"
                 + (f"; {s['message']}" if s.get("message") else ""))
    result["search_scopes"] = measure_scopes(site)
    for scope, by_query in result["search_scopes"].items():
        progress(f"  search over {scope}: " + ", ".join(f"{q!r} {common.fmt_bytes(v['bytes'])}" for q, v in by_query.items()))
    common.save_result(f"site-{days}", result)
    return result


def rows(results: list[dict]) -> list[list[str]]:
    out = []
    for r in results:
        b, s = r["build"], r["site"]
        search = r["search"]
        out.append([
            f"{r['days']}",
            f"{r['archive']['items']:,}",
            common.fmt_seconds(b["build_wall"]),
            common.fmt_seconds(b["mkdocs_wall"]),
            common.fmt_seconds(b["pagefind_wall"]),
            common.fmt_bytes(b["build_max_rss"]),
            f"{s['pages']:,}",
            common.fmt_bytes(s["site_bytes"]),
            f"{common.fmt_bytes(s['largest_page_bytes'])} (`{s['largest_page']}`)",
            " / ".join(common.fmt_bytes(search[q]["bytes"]) for q in QUERIES if q in search),
        ])
    return out


HEADER = ["days", "items", "build", "mkdocs", "pagefind (beside it)", "peak, all processes", "pages", "site size", "largest page",
          "search: " + " / ".join(QUERIES)]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Site build benchmark at several archive sizes.")
    parser.add_argument("--days", type=int, nargs="+", default=list(SIZES), help=f"archive sizes in days (default {' '.join(map(str, SIZES))})")
    parser.add_argument("--reuse-site", action="store_true", help="do not rebuild a cached site; re-measure size and search only")
    args = parser.parse_args(argv)
    results = [run(days, reuse_site=args.reuse_site) for days in args.days]
    print()
    print(common.table(HEADER, rows(results)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
