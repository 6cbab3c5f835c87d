"""Run every benchmark and print one Markdown table of the figures against their targets.

    python benchmarks/run_all.py                   # everything (~10 min on 2 cores; +5 min to generate the archives once)
    python benchmarks/run_all.py --reuse           # reuse saved measurements, run only what is missing
    python benchmarks/run_all.py --reuse --update-report   # rewrite PERFORMANCE.md and README's headline table

Saved measurements live in ``$BENCH_CACHE/results`` (default /tmp/briefing-bench/results);
``--update-report`` writes PERFORMANCE.md (the whole file) at the repository root and rewrites
README.md between ``<!-- performance:start -->`` and ``<!-- performance:end -->`` (the
headline table only), touching nothing else in README.md.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import common  # noqa: E402
from generator.render.build import RECORDS_PER_BUNDLE  # noqa: E402

START, END = "<!-- performance:start -->", "<!-- performance:end -->"  # README's headline block
REPORT = common.ROOT / "PERFORMANCE.md"
SIZES = (30, 365, 1825)
FIVE_YEARS = 1825
GB = 1024 * common.MB
TARGETS = {
    "daily": 10.0,  # s, a replayed daily run
    "build": 60.0,  # s, the 5-year build
    "memory": 1 * GB,  # peak RSS of the 5-year build
    "linear": 1.25,  # marginal build cost per day, 365->1825 vs 30->365
    "page": 2.0,  # largest page, 5 years vs 30 days
    "search": 300 * 1024,  # downloaded per query (issue 12), and the results are items
    "validate": 10.0,  # s, validating 5 years
}


# --------------------------------------------------------------------------- running


def ensure(name: str, reuse: bool, make) -> dict:
    saved = common.load_result(name)
    if reuse and saved is not None:
        return saved
    make()
    saved = common.load_result(name)
    if saved is None:
        raise SystemExit(f"{name}: no result saved")
    return saved


def profile(args: list[str]) -> None:
    """profile_build.py in its own process: its timers patch MkDocs and generator/."""
    import subprocess

    subprocess.run([sys.executable, str(common.BENCH_DIR / "profile_build.py"), *args], cwd=common.ROOT, check=True,
                   env=common.clean_env())


def collect(reuse: bool, sizes: tuple[int, ...], extras: bool) -> dict:
    import bench_daily_run
    import bench_site
    import bench_validate

    r: dict = {}
    print("== daily run", flush=True)
    r["daily"] = ensure("daily-run", reuse, lambda: bench_daily_run.run(3))
    r["site"] = {}
    for days in sizes:
        print(f"== site build, {days} days", flush=True)
        r["site"][days] = ensure(f"site-{days}", reuse, lambda d=days: bench_site.run(d))
    print(f"== validate, {FIVE_YEARS} days", flush=True)
    r["validate"] = ensure(f"validate-{FIVE_YEARS}", reuse and bool((common.load_result(f"validate-{FIVE_YEARS}") or {}).get("variants")),
                           lambda: bench_validate.run(FIVE_YEARS, floor=extras))
    if extras and FIVE_YEARS in sizes:
        print(f"== profile of mkdocs build, {FIVE_YEARS} days", flush=True)
        r["profile"] = ensure(f"profile-{FIVE_YEARS}", reuse, lambda: profile(["--days", str(FIVE_YEARS), "--save"]))
        print(f"== daily run into a copy of the {FIVE_YEARS}-day archive", flush=True)
        r["daily_big"] = ensure(f"daily-run-archive{FIVE_YEARS}", reuse, lambda: bench_daily_run.run(3, FIVE_YEARS))
    return r


# --------------------------------------------------------------------------- figures


def verdict(ok: bool | None) -> str:
    return "–" if ok is None else ("**pass**" if ok else "**FAIL**")


def targets_table(r: dict) -> tuple[str, dict]:
    site = r["site"]
    rows, f = [], {}
    d = r["daily"]
    f["daily"] = d["wall_median"]
    rows.append(["replayed daily run, wall (politeness delays excluded)", common.fmt_seconds(d["wall_median"]),
                 f"≤ {TARGETS['daily']:.0f} s", verdict(d["wall_median"] <= TARGETS["daily"])])
    big_run = r.get("daily_big")
    if big_run:
        f["daily_big"] = big_run["wall_median"]
        rows.append([f"the same, into a copy of the {big_run['archive_days']}-day archive", common.fmt_seconds(big_run["wall_median"]),
                     f"≤ {TARGETS['daily']:.0f} s", verdict(big_run["wall_median"] <= TARGETS["daily"])])
    big = site.get(FIVE_YEARS)
    if big:
        b = big["build"]
        f["build"], f["memory"] = b["build_wall"], b["build_max_rss"]
        rows.append(["5-year build (mkdocs + Pagefind beside it), wall", f"{common.fmt_seconds(b['build_wall'])} "
                     f"(mkdocs {common.fmt_seconds(b['mkdocs_wall'])}, Pagefind {common.fmt_seconds(b['pagefind_wall'])} of it)",
                     f"≤ {TARGETS['build']:.0f} s", verdict(b["build_wall"] <= TARGETS["build"])])
        rows.append(["5-year build, peak memory (all its processes together)", f"{common.fmt_bytes(b['build_max_rss'])}",
                     "≤ 1 GB", verdict(b["build_max_rss"] <= TARGETS["memory"])])
    if all(s in site for s in (30, 365, FIVE_YEARS)):
        cpu = {s: site[s]["build"].get("build_cpu") or site[s]["build"]["build_wall"] for s in (30, 365, FIVE_YEARS)}
        early = (cpu[365] - cpu[30]) / (365 - 30)
        late = (cpu[FIVE_YEARS] - cpu[365]) / (FIVE_YEARS - 365)
        f["linear"] = late / early
        rows.append(["build time linear in days: CPU s per added day, 365→1825 vs 30→365",
                     f"{late:.3f} vs {early:.3f} s/day (×{late / early:.2f})", f"≤ ×{TARGETS['linear']}",
                     verdict(late / early <= TARGETS["linear"])])
    if 30 in site and FIVE_YEARS in site:
        small, large = site[30]["site"], site[FIVE_YEARS]["site"]
        ratio = large["largest_page_bytes"] / small["largest_page_bytes"]
        f["page"] = ratio
        rows.append(["largest page, 5 years vs 30 days",
                     f"{common.fmt_bytes(large['largest_page_bytes'])} vs {common.fmt_bytes(small['largest_page_bytes'])} (×{ratio:.2f})",
                     f"≤ ×{TARGETS['page']:.0f}", verdict(ratio <= TARGETS["page"])])
    if big:
        for query, s in big["search"].items():
            f[f"search:{query}"] = s["bytes"]
            items = bool(s.get("first_results")) and all("#" in href for href in s["first_results"])
            rows.append([f"search “{query}”, 5 years (newest year, the default): downloaded per query ({s['method']}); results are items",
                         f"{common.fmt_bytes(s['bytes'])} in {s['requests']} requests; "
                         + ("item cards" if items else "not item cards"), "≤ 300 KB, items",
                         verdict(s["bytes"] <= TARGETS["search"] and items)])
    v = r.get("validate")
    if v:
        f["validate"] = v["wall"]
        rows.append([f"`briefing validate`, 5 years ({v['files']:,} files)", f"{common.fmt_seconds(v['wall'])} "
                     f"(CPU {common.fmt_seconds(v['cpu'])}, peak {common.fmt_bytes(v['max_rss'])})",
                     f"≤ {TARGETS['validate']:.0f} s", verdict(v["wall"] <= TARGETS["validate"])])
    return common.table(["figure", "measured", "target", "result"], rows), f


def sizes_table(r: dict) -> str:
    rows = []
    for days, s in sorted(r["site"].items()):
        b, st, a = s["build"], s["site"], s["archive"]
        rows.append([
            str(days), f"{a['items']:,} / {common.fmt_bytes(a['bytes'])}",
            f"{common.fmt_seconds(b['build_wall'])} ({common.fmt_seconds(b.get('build_cpu'))} CPU)",
            common.fmt_seconds(b["mkdocs_wall"]), common.fmt_seconds(b["pagefind_wall"]), common.fmt_bytes(b["build_max_rss"]),
            f"{st['pages']:,}", common.fmt_bytes(st["site_bytes"]), common.fmt_bytes(st["pagefind_bytes"]),
            f"{common.fmt_bytes(st['largest_page_bytes'])} `{st['largest_page']}`",
            f"{common.fmt_bytes(st['largest_day_page_bytes'])}",
            " / ".join(common.fmt_bytes(q["bytes"]) for q in s["search"].values()),
        ])
    return common.table(["days", "items / YAML", "build (wall)", "mkdocs", "Pagefind (beside it)", "peak, all processes", "pages",
                         "site", "search index", "largest page", "largest day page",
                         "search: " + " / ".join(next(iter(r["site"].values()))["search"])], rows)


def daily_tables(d: dict, big: dict | None = None) -> str:
    runs = [d] + ([big] if big else [])
    header = ["figure", "empty archive"] + ([f"copy of the {big['archive_days']}-day archive"] if big else [])
    out = common.table(header, [
        ["wall time, whole process (median of %d)" % d["repeat"]] + [common.fmt_seconds(x["wall_median"]) for x in runs],
        ["of which in `cli.main` (after interpreter start)"] + [common.fmt_seconds(x["run_median"]) for x in runs],
        ["CPU time"] + [common.fmt_seconds(x["cpu_median"]) for x in runs],
        ["peak RSS"] + [common.fmt_bytes(x["max_rss"]) for x in runs],
        ["sleeps asked by the HTTP layer (politeness, backoff)"] + [common.fmt_seconds(x["slept"]) for x in runs],
        ["HTTP requests"] + [str(x["requests"]) for x in runs],
    ])
    out += "\n\n" + common.table(["host (the replay stands for)", "requests"], [[h, str(n)] for h, n in d["per_host"].items()])
    return out


def search_detail(r: dict) -> str:
    big = r["site"].get(FIVE_YEARS) or r["site"][max(r["site"])]
    rows = []
    for query, s in big["search"].items():
        kinds = s.get("by_kind") or {}
        rows.append([query, s.get("message", ""), common.fmt_bytes(s["bytes"]), str(s["requests"]),
                     "; ".join(f"{k} {common.fmt_bytes(v)}" for k, v in sorted(kinds.items(), key=lambda kv: -kv[1]))])
    table = common.table(["query", "Pagefind UI says", "downloaded", "requests", "by file"], rows)
    scopes = big.get("search_scopes") or {}
    if scopes:  # the default searches the newest year; each year ticked adds its page list
        table += "\n\nWith other years ticked on the search page (`?years=`):\n\n" + common.table(
            ["years searched"] + [f"“{q}”" for q in next(iter(scopes.values()))],
            [[scope] + [f"{common.fmt_bytes(v['bytes'])} in {v['requests']} requests" for v in by_query.values()]
             for scope, by_query in scopes.items()])
        full = next((by_query for scope, by_query in scopes.items() if "full year" in scope), None)
        if full:
            worst = max(v["bytes"] for v in full.values())
            table += ("\n\nThe default above is measured on an archive that ends in April. Later in a year the newest year "
                      f"is more bundles (runs of months of at most {RECORDS_PER_BUNDLE:,} records, for the build's memory, and the "
                      f"newest month): a full year downloads up to {common.fmt_bytes(worst)} a query"
                      + (", over the 300 KB target." if worst > TARGETS["search"] else "."))
    return table


def search_growth(r: dict) -> str:
    parts = []
    sizes = sorted(r["site"])
    for query in next(iter(r["site"].values()))["search"]:
        chunks = [(d, (r["site"][d]["search"][query].get("by_kind") or {}).get("index chunk")) for d in sizes]
        if all(c is not None for _, c in chunks):
            text = f"“{query}”: index chunks " + " → ".join(f"{common.fmt_bytes(c)} ({d} days)" for d, c in chunks)
            if len(sizes) >= 2:
                (d0, t0), (d1, t1) = [(d, r["site"][d]["search"][query]["bytes"]) for d in sizes[-2:]]
                slope = (t1 - t0) / (d1 - d0)
                if slope > 0:
                    years = (TARGETS["search"] - t1) / slope / 365
                    text += f", so the query stays under 300 KB for about {years:.0f} more years at this rate"
            parts.append(text)
    return "; ".join(parts) + (" (the default searches one year's bundles, so its chunks stop growing with the archive)" if parts else "see the table by archive size")


def validate_table(v: dict) -> str:
    rows = [["`briefing validate` as is", common.fmt_seconds(v["wall"]), common.fmt_seconds(v["cpu"]), common.fmt_bytes(v["max_rss"])]]
    names = {
        "validate, 1 worker": "the same, held to one process (`workers=1`)",
        "editions pass alone": "its edition pass alone (runs in the parent, after the item workers)",
        "one-parse, 1 process": "one parse per file (yaml-rs) + `model_validate` + references (floor)",
        "one-parse, 2 processes": "the same on 2 processes",
        "one-parse, PyYAML, 1 process": "the floor with libyaml + PyYAML (`CSafeLoader`), the parser before yaml-rs",
    }
    for name, x in (v.get("variants") or {}).items():
        rows.append([names.get(name, name), common.fmt_seconds(x["wall"]), common.fmt_seconds(x["cpu"]), common.fmt_bytes(x["max_rss"])])
    return common.table(["variant", "wall", "CPU", "peak RSS"], rows)


# --------------------------------------------------------------------------- PERFORMANCE.md and README


def phase(profile: dict, label: str) -> float:
    return profile["phases"].get(label, 0.0)


def report(r: dict) -> str:
    """PERFORMANCE.md: every figure, how it is measured, and what bounds it."""
    table, f = targets_table(r)
    m = r["daily"]
    machine = next(iter(r["site"].values()))["machine"]
    big = r["site"].get(FIVE_YEARS)
    lines = [
        "# Performance",
        "",
        "<!-- Generated by benchmarks/run_all.py --update-report from the saved measurements: do not edit by hand. -->",
        "",
        "How fast a daily run, a site build, a search and a validation are today, and how they grow with the archive. "
        "The archives are synthetic ([`benchmarks/make_archive.py`](benchmarks/make_archive.py)): about 25 listed items a day "
        "(~18 papers, ~5 repos, ~2 models; English abstracts of ~1,200 characters with a long-tailed vocabulary, Chinese "
        "LLM-style commentary with provenance, a Chinese judgment and two ideas a day, source reports), categorised and ranked by "
        "the real classifier with `briefing.yaml`, sections built by the real edition code, written with the real `Archive` "
        "(`briefing validate` passes). Repos and models come back on later days. \"latent reasoning\" and 长上下文 are on known days.",
        "",
        "```bash",
        "python benchmarks/run_all.py                 # everything, prints the tables below (~10 min on 2 cores,",
        "                                             #   + ~5 min the first time to generate the archives)",
        "python benchmarks/run_all.py --reuse --update-report   # reuse saved measurements, rewrite this file",
        "python benchmarks/bench_daily_run.py         # replayed daily run: wall, CPU, peak RSS, requests per host",
        "python benchmarks/bench_site.py [--days 30 365 1825]  # build time/memory, pages, sizes, search download",
        "python benchmarks/bench_validate.py [--floor]          # briefing validate over 5 years (+ the suggested fixes)",
        "python benchmarks/profile_build.py --days 1825 [--cprofile] [--warm [--cli 3]]  # where mkdocs' time goes (--warm: the daily build)",
        "python benchmarks/bench_incremental.py [--update-readme]  # the daily build: one new day on a cached archive, cold vs warm",
        "python benchmarks/make_archive.py --days 365 --out /tmp/a/data   # just the synthetic archive",
        "```",
        "",
        f"Archives, built sites and results are cached in `$BENCH_CACHE` (default `/tmp/briefing-bench`). Memory is the peak "
        f"resident set of any one process of the measured tree (`os.wait4`; a build's processes run one after another). Search is measured in headless Chromium (Playwright with "
        f"Debian's `/usr/bin/chromium`): the site is served from loopback by a plain static server (no compression), the "
        f"query is typed into the search page, and every response body fetched from typing to the last fragment is summed "
        f"(the search page's own HTML/CSS/JS, {common.fmt_bytes(big['search'][next(iter(big['search']))]['page_load_bytes']) if big else '–'}, "
        f"loads before and is not counted). "
        f"Measured on {machine['cpus']} cores, Python {machine['python']}, {machine['date']}; when the machine is shared with "
        f"other test suites, wall times carry noise of ±30 % (CPU times are given beside them).",
        "",
        "### Targets",
        "",
        table,
        "",
        *incremental_block(),
        "### By archive size",
        "",
        sizes_table(r),
        "",
        "The largest page is a category's month page (every item of that category first listed in that month); day pages "
        "stay near 100 KB. Both are bounded by a month or a day, so page weight does not grow with the archive.",
        "",
        "### Search download (5 years)",
        "",
        search_detail(r),
        "",
        "Each result is an item (one Pagefind record per item card). The search page searches the newest year's bundles "
        "(the newest month's and, later in a year, the runs of months before it) unless the reader ticks more years, because Pagefind fetches the page list (metadata) and filter files of every "
        "bundle it merges, besides its fixed files (entry, JS, worker, wasm: ~150 KB), the index chunks holding the query's "
        "words and the fragments of the first results. The fixed files and fragments do not grow with the archive; "
        "the metadata and the index chunks grow with the number of items searched: " + search_growth(r) + ".",
        "",
        "### Daily run (replay of the recorded day)",
        "",
        daily_tables(m, r.get("daily_big")),
        "",
    ]
    lines += analysis(r, f)
    text = "\n".join(lines).rstrip("\n") + "\n"
    return text.replace("\n### ", "\n## ")  # the sections are the file's own, one level up


def headline(r: dict) -> str:
    """README's block: the targets table and a pointer to the rest."""
    import bench_incremental

    table, _ = targets_table(r)
    machine = next(iter(r["site"].values()))["machine"]
    lines = [
        START,
        f"Against the targets, measured {machine['date']} on {machine['cpus']} cores (wall times ±30 % when shared); "
        "[PERFORMANCE.md](PERFORMANCE.md) has every figure, where the time goes, and how to re-run them.",
        "",
        table,
    ]
    saved = common.load_result("incremental")
    rows = bench_incremental.target_rows(saved) if saved else []
    if rows:  # issue 13's build and validation targets (bench_incremental.py) stand for the older, looser ones
        older = ("| 5-year build (mkdocs", "| 5-year build, peak memory", "| `briefing validate`, 5 years")
        kept = [line for line in table.splitlines() if not line.startswith(older)]
        lines[-1] = "\n".join(kept + common.table(["figure", "measured", "target", "result"], rows).splitlines()[2:])
    return "\n".join(lines + [END])


def incremental_block() -> list[str]:
    """The daily build with the cache (bench_incremental.py), when it has been measured."""
    import bench_incremental

    saved = common.load_result("incremental")
    if saved:
        return [bench_incremental.section(saved), ""]
    # not measured in this cache: keep the block the report already has (its figures are dated)
    text = REPORT.read_text(encoding="utf-8") if REPORT.exists() else ""
    if bench_incremental.START not in text:
        return []
    block = text.split(bench_incremental.START, 1)[1].split(bench_incremental.END, 1)[0]
    return [bench_incremental.START + block.replace("\n## ", "\n### ") + bench_incremental.END, ""]


def analysis(r: dict, f: dict) -> list[str]:
    big = r["site"].get(FIVE_YEARS)
    if not big or "profile" not in r:
        return ["(Run `python benchmarks/run_all.py` with the 1825-day size for the profile and the analysis.)", ""]
    p = r["profile"]
    total = p["total"]
    b = big["build"]
    items = big["archive"]["items"]
    load = phase(p, "load items (YAML + pydantic)") + phase(p, "load editions (YAML + pydantic)")
    render = phase(p, "render pages (generator.render.pages)") + phase(p, "render feeds (generator.render.feeds)")
    md = phase(p, "Python-Markdown (Page.render)")
    jinja = phase(p, "theme templating (Jinja)")
    write = phase(p, "write files")
    v = r["validate"]
    variants = v.get("variants") or {}
    rows = [[label.replace("&nbsp;", ""), f"{phase(p, label):.1f} s", f"{100 * phase(p, label) / total:.0f} %"] for label in (
        "load items (YAML + pydantic)", "load editions (YAML + pydantic)", "render pages (generator.render.pages)",
        "render feeds (generator.render.feeds)", "Python-Markdown (Page.render)", "raw-HTML stash/restore (plugin)",
        "theme templating (Jinja)", "write files", "anchor validation")]
    rows.append(["everything else (file collection, nav, static files, MkDocs internals)",
                 f"{total - load - render - md - phase(p, 'raw-HTML stash/restore (plugin)') - jinja - write - phase(p, 'anchor validation'):.1f} s", ""])
    rows.append([f"**mkdocs build, in-process** (peak RSS {common.fmt_bytes(p.get('peak', 0)) if p.get('peak') else 'see table above'})", f"**{total:.1f} s**", "100 %"])
    rows.append(["Pagefind (separate processes beside MkDocs, one bundle after another)", common.fmt_seconds(b["pagefind_wall"]), ""])
    pyyaml = variants.get("one-parse, PyYAML, 1 process")
    rs = variants.get("one-parse, 1 process")
    out = [
        "### Where the 5-year build goes",
        "",
        f"`python benchmarks/profile_build.py --days {FIVE_YEARS}` runs a cold `mkdocs build` in-process with timers around "
        "its phases (cProfile with `--cprofile`), without the search records (`briefing build` has Pagefind index them beside "
        "MkDocs). The search plugin is off, so it costs nothing.",
        "",
        common.table(["phase (mkdocs build)", "time", "share"], rows),
        "",
        f"* **Loading the archive**: {load:.0f} s for {items:,} items and {FIVE_YEARS} editions. yaml-rs parses "
        "(`store.parse_yaml`)" + (f"; one parse and `model_validate` per file takes {common.fmt_seconds(rs['wall'])} with it "
                                  f"against {common.fmt_seconds(pyyaml['wall'])} with libyaml + PyYAML, whose constructor builds "
                                  "every value in Python (Validation, below)" if rs and pyyaml else "")
        + ". A cold build keeps each parsed item in a temporary SQLite file and reads a day's items back when it renders "
        "that day, so the archive is never in memory at once.",
        f"* **Rendering the pages** (`generator.render`, Jinja templates with autoescaping) is {render:.0f} s, linear in items: "
        "item cards and category-month rows.",
        f"* **Python-Markdown** costs {md:.0f} s ({1000 * md / big['site']['pages']:.1f} ms a page): the bodies and the item "
        "headings are raw HTML kept out of it by the hooks (`generator/render/rawhtml.py`, which puts the item headings back "
        "into the table of contents); what remains is the section headings, the navigation lines and MkDocs' link processing.",
        f"* **Theme templating** (Material's Jinja templates) is {jinja:.0f} s and **writing** {write:.1f} s.",
        f"* **Pagefind** indexes {items:,} item records in {common.fmt_seconds(b['pagefind_wall'])}, beside MkDocs: "
        "the briefing plugin writes the records a month at a time before it renders any page and announces each bundle once "
        "its months are written; `briefing build` indexes it on the second core while MkDocs goes on (`build.write_search_parts`, "
        f"`build.index_streamed_parts`). A Pagefind service holds its whole bundle in memory while it builds it (about 0.13 MB "
        f"a record over ~60 MB of its own), and runs beside MkDocs, so a year over {RECORDS_PER_BUNDLE:,} records is cut "
        "into runs of whole months (`build.bundle_months`): memory is bounded by the cap, not by the archive.",
    ]
    out.append("* **The garbage collector**: the archive's index is loaded with the collector paused and kept out of its "
               "full collections until the pages are written (`store.frozen_heap`): at five years a warm build's full "
               "collections went from 1.9 s to 0.6 s (`profile_build.py --warm`).")
    out += [
        "",
        "### The daily build",
        "",
        "A day adds one day page and changes about 30 others (home, archive index and month, the previous day's \"next\" "
        "link, the category pages it touches, feeds); every other page is byte-identical. The build cache "
        "(`generator/buildcache.py`, one SQLite file, restored and saved by the daily workflow; every entry through "
        "`generator/memo.py`) keeps, each keyed by content: every parsed file (by git blob hash), each page's Markdown (by "
        "the hash of its inputs) and each day's search records, MkDocs' conversion of each page and the theme's rendering of "
        "it (`generator/render/mkdocs_cache.py`: by the final Markdown and every file it looked up, by the template and the "
        "whole context; both keys hold the engine: versions, mkdocs.yml, hooks, plugins), and each Pagefind bundle (by its "
        "records; the newest month is a bundle of its own, so a day re-indexes only it). Every plugin and hook event runs "
        "for every page, and the cache is committed only after a build that succeeded. A build without the cache gives the "
        "same site byte for byte (`tests/test_build_cache.py`, `tests/test_build_cache_property.py`); the figures are in "
        "the block above.",
        "",
        "### Validation",
        "",
        validate_table(v),
        "",
        "`generator/validate.py` reads each file once with yaml-rs (`store.parse_yaml`), composes a PyYAML node tree only to "
        "place a fault, and spreads the item and edition files over worker processes (from 1,000 files); the edition → item "
        "references are checked in the parent. `briefing validate` without `--all` skips files whose content fingerprint "
        "(git blob hash, else a hash of the bytes) it found valid before by the same schema and checks, and still checks "
        "duplicate ids and every edition → item reference across the archive.",
        "",
        "### Gaps, and what bounds them",
        "",
    ]
    gaps = []
    if f.get("build", 0) > TARGETS["build"]:
        gaps.append(
            f"* **5-year cold build: {f['build']:.0f} s against 60 s here and 45 s in issue 13** (MkDocs {b['mkdocs_wall']:.0f} s, "
            f"Pagefind {b['pagefind_wall']:.0f} s of it, beside MkDocs from {b.get('pagefind_start') or 0:.0f} s on). The build's CPU "
            f"time is {b['build_cpu']:.0f} s, so 2 cores cannot finish it in less than {b['build_cpu'] / 2:.0f} s; MkDocs' process is "
            f"the longer of the two jobs: rendering ({render:.0f} s), theme templating ({jinja:.0f} s), Python-Markdown ({md:.0f} s) "
            f"and loading ({load:.0f} s). Not done: rendering day pages in a second process (it would share the core Pagefind "
            "uses), a leaner edition model (editions are a third of MkDocs' memory). The daily build, which the workflow runs, "
            "is the warm one."
        )
    if f.get("memory", 0) > TARGETS["memory"]:
        gaps.append(f"* **5-year build memory: {common.fmt_bytes(f['memory'])} against 1 GB** (MkDocs and Pagefind side by side).")
    if f.get("validate", 0) > TARGETS["validate"]:
        gaps.append(f"* **Validating 5 years: {f['validate']:.1f} s against 10 s** on 2 cores.")
    if f.get("linear", 0) > TARGETS["linear"]:
        gaps.append(f"* **Build time grows faster than linearly** (×{f['linear']:.2f} per added day).")
    import bench_incremental

    saved = common.load_result("incremental")
    for label, measured, target, result in (bench_incremental.target_rows(saved) if saved else []):
        if result != "**pass**":  # the daily build's targets (bench_incremental.py: one run of each step)
            gaps.append(f"* **{label}: {measured} against {target}** (`bench_incremental.py`, one run of each step; "
                        "wall times on a shared host vary by ±30 %, so re-measure before acting on a small miss).")
    if not gaps:
        gaps.append("* None: every target is met.")
    out += gaps
    out += [""]
    return out


def update_report(r: dict) -> None:
    """Write PERFORMANCE.md whole and README's headline block; README must have the markers."""
    common.write_text(REPORT, report(r))
    common.replace_readme_block(START, END, headline(r)[len(START):-len(END)], "## Performance")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Run all benchmarks; print the figures against the targets.")
    parser.add_argument("--reuse", action="store_true", help="reuse saved measurements; run only the missing ones")
    parser.add_argument("--sizes", type=int, nargs="+", default=list(SIZES), help="archive sizes for the site build")
    parser.add_argument("--no-extras", action="store_true", help="skip the profile and the validation floor")
    parser.add_argument("--update-report", action="store_true", help="write PERFORMANCE.md and README's headline table")
    args = parser.parse_args(argv)
    results = collect(args.reuse, tuple(args.sizes), not args.no_extras)
    table, _ = targets_table(results)
    print()
    print(table)
    print()
    print(sizes_table(results))
    if args.update_report:
        update_report(results)
        print(f"\n{REPORT.name} rewritten; README.md: headline table rewritten between {START} and {END}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
