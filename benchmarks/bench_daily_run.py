"""A full daily run on the recorded day, against the loopback fixture server.

    python benchmarks/bench_daily_run.py                 # into an empty archive, 3 runs
    python benchmarks/bench_daily_run.py --archive 1825  # into a copy of the 5-year archive

Each run is ``briefing run --replay tests/fixtures/replay/2026-04-30.yaml --quiet`` (the CLI's
own code path, ``generator.cli.main``) in a fresh child process with a fresh temp data dir.
The replay points every source at the loopback server with ``min_interval: 0`` and the CLI
sets ``backoff_base: 0`` for replays, so no politeness delay is in the figure; the child
also sums every ``sleep`` the HTTP layer asked for, to prove it.

Reported: wall time of the whole process (interpreter start to exit) and of the run itself,
CPU time, peak RSS (``os.wait4``), and the requests per host: the loopback server's request
log mapped back to the host each path stands for (rss.arxiv.org, export.arxiv.org, ...),
plus the HTTP layer's per-source tallies (requests, retries, statuses).
"""

from __future__ import annotations

import argparse
import json
import shutil
import statistics
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import common  # noqa: E402

MANIFEST = common.ROOT / "tests" / "fixtures" / "replay" / "2026-04-30.yaml"

# Which live host each replayed path stands for (see generator/sources/*).
HOSTS = [
    ("/rss/", "rss.arxiv.org"),
    ("/api/query", "export.arxiv.org"),
    ("/api/feed", "papers.takara.ai (HF mirror feed)"),
    ("/api/daily_papers", "huggingface.co"),
    ("/api/models", "huggingface.co"),
    ("/api/papers", "huggingface.co"),
    ("/papers/", "huggingface.co"),
    ("/trending", "github.com"),
    ("/search/", "api.github.com"),
    ("/repos/", "api.github.com"),
]

_CHILD = r"""
import json, sys, time
sys.path.insert(0, {bench!r})
import common
from generator import cli, replay, http as http_mod
servers, clients, slept = [], [], [0.0]
_enter = replay.FixtureServer.__enter__
def enter(self):
    servers.append(self)
    return _enter(self)
replay.FixtureServer.__enter__ = enter
_init = http_mod.Http.__init__
def init(self, *args, **kwargs):
    _init(self, *args, **kwargs)
    clients.append(self)
http_mod.Http.__init__ = init
_sleep = http_mod.SystemClock.sleep
def sleep(self, seconds):
    slept[0] += seconds
    _sleep(self, seconds)
http_mod.SystemClock.sleep = sleep
start = time.perf_counter()
code = cli.main(["run", "--replay", {manifest!r}, "--quiet"])
run = time.perf_counter() - start
tallies = {{}}
for client in clients:
    for source, tally in client.tallies.items():
        tallies[source] = {{"requests": tally.requests, "retries": tally.retries, "statuses": tally.as_dict()}}
print(json.dumps({{"exit": code, "run": run, "slept": slept[0],
                   "requests": [list(r) for s in servers for r in s.requests], "tallies": tallies}}))
"""


def host_of(path: str) -> str:
    return next((host for prefix, host in HOSTS if path.startswith(prefix)), f"(other: {path})")


def one_run(data_dir: Path) -> dict:
    code = _CHILD.format(bench=str(common.BENCH_DIR), manifest=str(MANIFEST))
    env = common.clean_env(BRIEFING_DATA_DIR=str(data_dir))
    m = common.python_child(["-c", code], cwd=common.ROOT, env=env)
    lines = m.stdout.strip().splitlines()
    if not lines or not lines[-1].startswith("{"):
        m.check("briefing run --replay")
    report = json.loads(lines[-1])
    if report["exit"] not in (0, 3):  # 3: published, degraded (the recording has gaps, by design)
        raise SystemExit(f"briefing run exited {report['exit']}:\n{m.stderr[-2000:]}")
    per_host: dict[str, int] = {}
    for path, _query in report["requests"]:
        host = host_of(path)
        per_host[host] = per_host.get(host, 0) + 1
    return {
        "wall": m.wall,
        "cpu": m.cpu,
        "max_rss": m.max_rss,
        "run": report["run"],
        "slept": report["slept"],
        "exit": report["exit"],
        "requests": len(report["requests"]),
        "per_host": dict(sorted(per_host.items())),
        "tallies": report["tallies"],
        "summary": lines[-2] if len(lines) > 1 else "",
    }


def prepare(archive_days: int | None, folder: Path) -> Path:
    data = folder / "data"
    if archive_days:
        import make_archive

        source, _ = make_archive.ensure_archive(archive_days)
        shutil.copytree(source, data)
        # The archive ends on the recorded day; the run must publish that day afresh.
        (data / "briefings" / "2026" / "2026-04-30.yaml").unlink(missing_ok=True)
    # The shipped reader's ratings, as in the README's run: the run fits its taste model on them.
    shutil.copytree(common.ROOT / "data" / "ratings", data / "ratings", dirs_exist_ok=True)
    return data


def run(repeat: int = 3, archive_days: int | None = None, progress=print) -> dict:
    runs = []
    for n in range(repeat):
        with tempfile.TemporaryDirectory(prefix="briefing-bench-run-") as tmp:
            data = prepare(archive_days, Path(tmp))
            runs.append(one_run(data))
            progress(f"  run {n + 1}/{repeat}: {runs[-1]['wall']:.2f} s wall, {runs[-1]['run']:.2f} s in run(), "
                     f"peak {common.fmt_bytes(runs[-1]['max_rss'])}, {runs[-1]['requests']} requests")
    first = runs[0]
    result = {
        "archive_days": archive_days or 0,
        "repeat": repeat,
        "wall_median": statistics.median(r["wall"] for r in runs),
        "wall_max": max(r["wall"] for r in runs),
        "run_median": statistics.median(r["run"] for r in runs),
        "cpu_median": statistics.median(r["cpu"] for r in runs),
        "max_rss": max(r["max_rss"] for r in runs),
        "slept": max(r["slept"] for r in runs),
        "requests": first["requests"],
        "per_host": first["per_host"],
        "tallies": first["tallies"],
        "exit": first["exit"],
        "runs": runs,
    }
    name = "daily-run" + (f"-archive{archive_days}" if archive_days else "")
    common.save_result(name, result)
    return result


def print_report(result: dict) -> None:
    where = f"a copy of the {result['archive_days']}-day archive" if result["archive_days"] else "an empty archive"
    print(f"\nDaily run, replay of {MANIFEST.relative_to(common.ROOT)} into {where} ({result['repeat']} runs, median):\n")
    print(common.table(["figure", "value"], [
        ["wall time, whole process", common.fmt_seconds(result["wall_median"])],
        ["time in `briefing run` (after interpreter start)", common.fmt_seconds(result["run_median"])],
        ["CPU time", common.fmt_seconds(result["cpu_median"])],
        ["peak RSS", common.fmt_bytes(result["max_rss"])],
        ["politeness / backoff sleeps", common.fmt_seconds(result["slept"])],
        ["HTTP requests", str(result["requests"])],
        ["exit code", f"{result['exit']} (3 = published, degraded: the recording has gaps by design)"],
    ]))
    print()
    print(common.table(["host (as live)", "requests"], [[h, str(n)] for h, n in result["per_host"].items()]))
    print()
    print(common.table(["source", "requests", "retries", "HTTP statuses"], [
        [s, str(t["requests"]), str(t["retries"]), ", ".join(f"{k}×{v}" for k, v in t["statuses"].items())]
        for s, t in sorted(result["tallies"].items())
    ]))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Benchmark a replayed daily run.")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--archive", type=int, metavar="DAYS", help="run into a copy of the synthetic DAYS-day archive")
    args = parser.parse_args(argv)
    print_report(run(args.repeat, args.archive))
    return 0


if __name__ == "__main__":
    sys.exit(main())
