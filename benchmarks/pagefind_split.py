"""Experiment: one Pagefind index per year, merged in the browser (``mergeIndex``).

    python benchmarks/pagefind_split.py --days 1825

Pagefind holds the whole index in memory while it builds (about 1.7 MB per day page here),
so one index over five years needs ~3 GB. Indexing each year separately bounds the peak by
one year, and only the current year's index changes from one day to the next (the other
years' bundles can be kept from the previous build). This script measures, on the site
bench_site.py built and cached:

* each year's ``pagefind --glob days/<year>/**/*.html --output-subdir pagefind-<year>`` run
  (wall, CPU, peak RSS), and the current year's alone (the daily cost with a cache);
* the bytes a query downloads when the search page merges all years' indexes
  (headless Chromium, as bench_site.py; a test page ``bench-merged-search/`` loads Pagefind
  UI from the newest bundle with ``mergeIndex`` listing the others).

It does not change the project's build; the per-year bundles are removed afterwards unless
``--keep``.
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import bench_site  # noqa: E402
import common  # noqa: E402

PAGE = """<!doctype html>
<html lang="zh"><head><meta charset="utf-8"><title>merged search (benchmark)</title>
<link rel="stylesheet" href="/{newest}/pagefind-ui.css"></head>
<body><div id="search"></div>
<script src="/{newest}/pagefind-ui.js"></script>
<script>
new PagefindUI({{ element: "#search", bundlePath: "/{newest}/", showSubResults: true, showImages: false,
                 mergeIndex: {merge} }});
</script></body></html>
"""


# The page furniture the former page-level index left out (the site now indexes one record per
# item, generator/render/search.py; this experiment still measures indexing whole day pages).
PAGEFIND_EXCLUDE = [".headerlink", ".md-content__button", ".day-nav", ".correct-this", "h2#sources", ".source-notes", "table"]


def pagefind_command(site: Path, year: str) -> list[str]:
    command = [sys.executable, "-m", "pagefind", "--site", str(site), "--quiet",
               "--glob", f"days/{year}/**/*.html", "--output-subdir", f"pagefind-{year}"]
    for selector in PAGEFIND_EXCLUDE:
        command += ["--exclude-selectors", selector]
    return command


def run(days: int, keep: bool = False, progress=print) -> dict:
    site = common.cache_dir() / f"site-{days}"
    if not (site / "days").exists():
        raise SystemExit(f"{site} not built yet: run bench_site.py --days {days} first")
    years = sorted(p.name for p in (site / "days").iterdir() if p.is_dir())
    runs = {}
    try:
        for year in years:
            m = common.measure(pagefind_command(site, year), cwd=common.ROOT).check(f"pagefind {year}")
            pages = sum(1 for _ in (site / "days" / year).rglob("index.html"))
            runs[year] = {"pages": pages, "wall": m.wall, "cpu": m.cpu, "max_rss": m.max_rss,
                          "bytes": common.du(site / f"pagefind-{year}")}
            progress(f"  pagefind {year} ({pages} pages): {m.wall:.1f} s, peak {common.fmt_bytes(m.max_rss)}")
        newest = f"pagefind-{years[-1]}"
        merge = json.dumps([{"bundlePath": f"/pagefind-{y}/"} for y in reversed(years[:-1])])
        test_page = site / "bench-merged-search"
        test_page.mkdir(exist_ok=True)
        (test_page / "index.html").write_text(PAGE.format(newest=newest, merge=merge), encoding="utf-8")
        search = bench_site.search_in_browser(site, bench_site.QUERIES, page_path="bench-merged-search/") \
            if bench_site.browser_available() else {}
        for query, s in search.items():
            progress(f"  merged search {query!r}: {common.fmt_bytes(s['bytes'])} in {s['requests']} requests; {s['message']}")
    finally:
        if not keep:
            for year in years:
                shutil.rmtree(site / f"pagefind-{year}", ignore_errors=True)
            shutil.rmtree(site / "bench-merged-search", ignore_errors=True)
    full = (common.load_result(f"site-{days}") or {}).get("build", {})
    result = {
        "days": days,
        "years": runs,
        "total_wall": sum(r["wall"] for r in runs.values()),
        "total_cpu": sum(r["cpu"] for r in runs.values()),
        "max_rss": max(r["max_rss"] for r in runs.values()),
        "current_year": years[-1],
        "current_year_wall": runs[years[-1]]["wall"],
        "largest_year_wall": max(r["wall"] for r in runs.values()),
        "single_index_wall": full.get("pagefind_wall"),
        "single_index_max_rss": full.get("pagefind_max_rss"),
        "search": {q: {k: v for k, v in s.items() if k != "files"} for q, s in search.items()},
    }
    common.save_result(f"pagefind-split-{days}", result)
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Per-year Pagefind indexes: build cost and search download.")
    parser.add_argument("--days", type=int, default=1825)
    parser.add_argument("--keep", action="store_true", help="keep the per-year bundles and the test page in the cached site")
    args = parser.parse_args(argv)
    r = run(args.days, args.keep)
    rows = [[y, str(v["pages"]), common.fmt_seconds(v["wall"]), common.fmt_bytes(v["max_rss"]), common.fmt_bytes(v["bytes"])]
            for y, v in r["years"].items()]
    rows.append(["all years", "", common.fmt_seconds(r["total_wall"]), common.fmt_bytes(r["max_rss"]), ""])
    if r["single_index_wall"]:
        rows.append(["one index (bench_site.py)", "", common.fmt_seconds(r["single_index_wall"]),
                     common.fmt_bytes(r["single_index_max_rss"]), ""])
    print()
    print(common.table(["index", "day pages", "wall", "peak RSS", "bundle size"], rows))
    if r["search"]:
        print()
        print(common.table(["query (merged indexes)", "downloaded", "requests"],
                           [[q, common.fmt_bytes(s["bytes"]), str(s["requests"])] for q, s in r["search"].items()]))
    return 0


if __name__ == "__main__":
    sys.exit(main())
