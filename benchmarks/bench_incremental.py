"""The daily build as it runs every morning: one new day on a cached archive.

    python benchmarks/bench_incremental.py                  # 365 and 1825 days (+ a 10-year projection)
    python benchmarks/bench_incremental.py --days 1825      # one size
    python benchmarks/bench_incremental.py --update-readme  # also rewrite its block in PERFORMANCE.md

For each size the archive (make_archive.py) is copied into a git repository holding every
day but the last (the archive "as of yesterday", committed, as in the daily workflow's
checkout), then, each step in a child process measured for wall time, CPU and peak RSS:

1. ``briefing build --cache-dir`` with an empty cache (fills it: yesterday's build);
2. ``briefing validate --cache-dir`` (fills the cache of valid files);
3. the last day's files are written back, uncommitted (what ``briefing run`` leaves);
4. ``briefing validate --cache-dir`` after one day, and ``briefing validate --all``;
5. ``briefing build --cache-dir``: the **warm** build;
6. ``briefing build --no-cache``: the **cold** build of the same data; its site is compared
   with the warm one file by file (they must be byte-identical).

The 10-year projection extends the line through the two sizes measured (time and memory
grow linearly with the archive here: every cost is per file or per page).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import common  # noqa: E402
import make_archive  # noqa: E402

SIZES = (365, 1825)
TEN_YEARS = 3650
TARGETS = {  # issues 13 and 25 (cold build: 60 s since issue 25), on 2 cores
    "cold": ("5-year cold build (no cache)", 60.0, "s"),
    "cold_rss": ("5-year cold build, peak memory", 600 * common.MB, "bytes"),
    "warm": ("5-year warm build after one new day", 15.0, "s"),
    "validate_warm": ("`briefing validate` after one new day, 5 years", 2.0, "s"),
    "validate_all": ("`briefing validate --all`, 5 years", 10.0, "s"),
}
START, END = "<!-- incremental:start -->", "<!-- incremental:end -->"
GIT_ENV = {"GIT_AUTHOR_NAME": "bench", "GIT_AUTHOR_EMAIL": "bench@example.org",
           "GIT_COMMITTER_NAME": "bench", "GIT_COMMITTER_EMAIL": "bench@example.org"}


def briefing(*args: str, data: Path, cwd: Path) -> common.Measured:
    code = "import sys; from generator.cli import main; sys.exit(main(sys.argv[1:]))"
    env = common.clean_env(BRIEFING_DATA_DIR=str(data), **GIT_ENV)
    return common.python_child(["-c", code, *args], cwd=cwd, env=env).check("briefing " + " ".join(args))


def last_day_files(data: Path) -> list[Path]:
    """The newest edition's file and the item files no earlier edition lists."""
    from generator.store import Archive

    archive = Archive(data)
    editions = archive.load_editions()
    earlier = {i for e in editions[:-1] for i in e.item_ids()}
    newest = editions[-1]
    return [archive.edition_file(newest.date)] + [archive.item_file(i) for i in newest.item_ids() if i not in earlier]


def tree_digest(site: Path) -> dict[str, str]:
    return {p.relative_to(site).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(site.rglob("*")) if p.is_file()}


def step(m: common.Measured) -> dict:
    return {"wall": round(m.wall, 3), "cpu": round(m.cpu, 3), "max_rss": m.max_rss}


def yesterday_repository(source: Path, work: Path) -> tuple[Path, dict[Path, bytes]]:
    """``work``/repo, a git repository holding the archive ``source`` minus its last day,
    committed (the daily workflow's checkout): its data folder, and the last day's files
    ({path relative to it: content}) for :func:`add_new_day`."""
    shutil.rmtree(work, ignore_errors=True)
    repo, data = work / "repo", work / "repo" / "data"
    shutil.copytree(source, data)
    newest = {p.relative_to(data): p.read_bytes() for p in last_day_files(data)}
    for relative in newest:
        (data / relative).unlink()
    env = {**os.environ, **GIT_ENV}
    for command in (["init", "-q"], ["add", "-A"], ["commit", "-q", "-m", "archive"]):
        subprocess.run(["git", *command], cwd=repo, env=env, check=True, capture_output=True)
    return data, newest


def add_new_day(data: Path, newest: dict[Path, bytes]) -> None:
    """The new day's files written back, uncommitted, as ``briefing run`` leaves them."""
    for relative, content in newest.items():
        (data / relative).parent.mkdir(parents=True, exist_ok=True)
        (data / relative).write_bytes(content)


def run(days: int, progress=print) -> dict:
    source, manifest = make_archive.ensure_archive(days, progress=progress)
    work = common.cache_dir() / f"incremental-{days}"
    data, newest = yesterday_repository(source, work)
    repo, cache = data.parent, work / "cache"
    progress(f"{days} days: yesterday's build (empty cache) ...")
    out = {"days": days, "items": manifest["items"], "uptime_before": os.getloadavg()}
    out["fill"] = step(briefing("build", "--site-dir", str(work / "site-yesterday"), "--cache-dir", str(cache), data=data, cwd=common.ROOT))
    briefing("validate", "--cache-dir", str(cache), data=data, cwd=repo)
    add_new_day(data, newest)
    progress(f"{days} days: validate after one day, validate --all ...")
    out["validate_warm"] = step(briefing("validate", "--cache-dir", str(cache), data=data, cwd=repo))
    out["validate_all"] = step(briefing("validate", "--all", data=data, cwd=repo))
    progress(f"{days} days: warm build ...")
    out["warm"] = step(briefing("build", "--site-dir", str(work / "site-warm"), "--cache-dir", str(cache), data=data, cwd=common.ROOT))
    progress(f"{days} days: cold build ...")
    out["cold"] = step(briefing("build", "--site-dir", str(work / "site-cold"), "--no-cache", data=data, cwd=common.ROOT))
    warm, cold = tree_digest(work / "site-warm"), tree_digest(work / "site-cold")
    out["identical"] = warm == cold
    out["differing"] = sorted(p for p in set(warm) | set(cold) if warm.get(p) != cold.get(p))[:10]
    out["cache_bytes"] = common.du(cache)
    out["uptime_after"] = os.getloadavg()
    progress(f"  cold {out['cold']['wall']:.1f} s, warm {out['warm']['wall']:.1f} s, identical: {out['identical']}")
    return out


def project(by_days: dict[int, dict], key: str, field: str, days: int = TEN_YEARS) -> float | None:
    """The value at ``days`` on the line through the two largest sizes measured."""
    sizes = sorted(by_days)
    if len(sizes) < 2:
        return None
    (d1, r1), (d2, r2) = (sizes[-2], by_days[sizes[-2]]), (sizes[-1], by_days[sizes[-1]])
    v1, v2 = r1[key][field], r2[key][field]
    return v2 + (v2 - v1) * (days - d2) / (d2 - d1)


def target_rows(result: dict) -> list[list[str]]:
    """[figure, measured, target, result] for each target (5 years), or none."""
    five = {int(d): r for d, r in result["sizes"].items()}.get(1825)
    if not five:
        return []
    fmt = lambda value, unit: common.fmt_seconds(value) if unit == "s" else common.fmt_bytes(value)  # noqa: E731
    rows = []
    for key, (label, target, unit) in TARGETS.items():
        measured = five["cold"]["max_rss"] if key == "cold_rss" else five[key]["wall"]
        cpu = "" if key == "cold_rss" else f" (CPU {common.fmt_seconds(five[key]['cpu'])})"
        rows.append([label, fmt(measured, unit) + cpu, "≤ " + fmt(target, unit), "**pass**" if measured <= target else "**FAIL**"])
    rows.append(["warm build's site == cold build's, byte for byte (5 years)", "yes" if five["identical"] else "NO", "yes",
                 "**pass**" if five["identical"] else "**FAIL**"])
    return rows


def section(result: dict) -> str:
    by_days = {int(d): r for d, r in result["sizes"].items()}
    lines = [START, "### Daily build with the cache (one new day)", ""]
    if target_rows(result):
        lines += [common.table(["figure", "measured", "target", "result"], target_rows(result)), ""]
    header = ["days", "items", "cold build (wall / CPU / peak)", "warm build (wall / CPU / peak)", "validate, one new day",
              "validate --all", "cache on disk", "warm site == cold"]
    rows = []
    for days, r in sorted(by_days.items()):
        rows.append([
            f"{days:,}", f"{r['items']:,}",
            f"{common.fmt_seconds(r['cold']['wall'])} / {common.fmt_seconds(r['cold']['cpu'])} / {common.fmt_bytes(r['cold']['max_rss'])}",
            f"{common.fmt_seconds(r['warm']['wall'])} / {common.fmt_seconds(r['warm']['cpu'])} / {common.fmt_bytes(r['warm']['max_rss'])}",
            common.fmt_seconds(r["validate_warm"]["wall"]), common.fmt_seconds(r["validate_all"]["wall"]),
            common.fmt_bytes(r["cache_bytes"]), "yes" if r["identical"] else "NO",
        ])
    if len(by_days) >= 2:
        p = lambda key, field="wall": project(by_days, key, field)  # noqa: E731
        rows.append([f"{TEN_YEARS:,} (projected)", "",
                     f"{common.fmt_seconds(p('cold'))} / {common.fmt_seconds(p('cold', 'cpu'))} / {common.fmt_bytes(p('cold', 'max_rss'))}",
                     f"{common.fmt_seconds(p('warm'))} / {common.fmt_seconds(p('warm', 'cpu'))} / {common.fmt_bytes(p('warm', 'max_rss'))}",
                     common.fmt_seconds(p("validate_warm")), common.fmt_seconds(p("validate_all")), "", ""])
    lines += [common.table(header, rows), ""]
    baseline = result.get("baseline")
    if baseline:
        lines += [
            f"Calibration: the code before the cache (commit `{baseline['commit']}`) built the same {baseline['days']}-day "
            f"archive cold in {common.fmt_seconds(baseline['wall'])} (CPU {common.fmt_seconds(baseline['cpu'])}, peak "
            f"{common.fmt_bytes(baseline['max_rss'])}) on this machine the same afternoon, against the "
            f"{baseline['readme']} the table above records from a quieter day: the load inflates CPU time too.",
            "",
        ]
    loads = ", ".join(f"{d} days {r['uptime_before'][0]:.1f} → {r['uptime_after'][0]:.1f}" for d, r in sorted(by_days.items()))
    machine = result["machine"]
    lines += [
        f"`python benchmarks/bench_incremental.py`: the archive minus its last day is committed to a git repository and "
        f"built with an empty cache; then the last day's files are written back uncommitted, as `briefing run` "
        f"leaves them, and validated and built again with the cache (warm), and once more with `--no-cache` (cold). "
        f"Each figure is one run of the command in a child process. Measured {machine['date']} on {machine['cpus']} cores "
        f"(1-minute load average before → after each size: {loads}; above 1, other work shared the cores and wall times "
        f"are inflated, CPU times less so). The 10-year row extends the line through the two sizes.",
        "",
        "The caches the warm build uses (`.cache/briefing`, all of them): the parsed archive (by file content); each page's "
        "Markdown and each day's search records (by the hash of their inputs); MkDocs' conversion of each page (by its "
        "Markdown as the last plugin left it, reused only while every file it looked up is the same, its messages logged "
        "again); the theme's rendering of each page (by the template and its whole context); each Pagefind bundle (by its "
        "records); the files found valid. Every key also holds the engine (installed versions, mkdocs.yml, hooks, plugins); "
        "every plugin and hook event still runs for every page.",
        "",
        END,
    ]
    return "\n".join(lines)


def update_readme(block: str) -> Path:
    """Replace the block between the markers in PERFORMANCE.md (before "By archive size" when absent).

    ``run_all.py --update-report`` writes the same block when it rewrites PERFORMANCE.md whole.
    """
    target = common.ROOT / "PERFORMANCE.md"
    text = target.read_text(encoding="utf-8")
    if START in text:
        before, rest = text.split(START, 1)
        text = before + block + rest.split(END, 1)[1]
    else:
        anchor = "## By archive size"
        if anchor not in text:
            raise SystemExit(f"{target.name} has no {START} block and no '{anchor}' heading to put it before")
        text = text.replace(anchor, block.replace("\n### ", "\n## ") + "\n\n" + anchor, 1)
    target.write_text(text, encoding="utf-8")
    return target


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--days", type=int, nargs="+", default=list(SIZES))
    parser.add_argument("--reuse", action="store_true", help="reuse the saved measurements")
    parser.add_argument("--update-readme", action="store_true", help="rewrite the block in PERFORMANCE.md between the incremental markers")
    args = parser.parse_args(argv)
    saved = common.load_result("incremental") if args.reuse else None
    if saved is None:
        sizes = {str(days): run(days) for days in args.days}
        common.save_result("incremental", {"sizes": sizes})
        saved = common.load_result("incremental")
    block = section(saved)
    print(block)
    if args.update_readme:
        print(f"\nrewritten: {update_readme(block)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
