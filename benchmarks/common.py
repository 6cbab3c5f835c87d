"""Shared helpers of the benchmark scripts: the cache folder, child-process measurement
(wall time + peak RSS of the whole process tree), results files and Markdown tables.

Every figure is measured in a separate child process, so one measurement's memory never
inflates the next: ``measure()`` starts the command from a small trampoline process that
reaps it with ``os.wait4``, whose ``ru_maxrss`` is the largest resident set of that child and
of any descendant it waited for. Processes that run side by side (a build's MkDocs and
Pagefind) add up, which no single ``ru_maxrss`` shows: the trampoline also samples, every
250 ms, the summed proportional set size (PSS) of the whole process tree; the peak reported
is the larger of the two.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import platform
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
BENCH_DIR = ROOT / "benchmarks"
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))
if str(BENCH_DIR) not in sys.path:
    sys.path.insert(0, str(BENCH_DIR))

MB = 1024 * 1024


def cache_dir() -> Path:
    """Generated archives, built sites and results: ``$BENCH_CACHE`` or a temp folder."""
    path = Path(os.environ.get("BENCH_CACHE") or Path(tempfile.gettempdir()) / "briefing-bench")
    path.mkdir(parents=True, exist_ok=True)
    return path


def results_dir() -> Path:
    path = cache_dir() / "results"
    path.mkdir(parents=True, exist_ok=True)
    return path


@dataclass
class Measured:
    wall: float  # seconds
    max_rss: int  # bytes: the larger of the largest process's peak RSS and the tree's sampled peak PSS
    returncode: int
    stdout: str
    stderr: str
    cpu: float = 0.0  # seconds of user + system CPU, the child and its reaped descendants

    def check(self, what: str) -> "Measured":
        if self.returncode != 0:
            tail = "\n".join((self.stderr or self.stdout).strip().splitlines()[-25:])
            raise SystemExit(f"{what} failed (exit {self.returncode}):\n{tail}")
        return self


# A tiny process between the caller and the measured command: Linux counts the address
# space a child inherited by fork in its ru_maxrss, so a measurement started from a large
# process (a benchmark driver holding results, a browser driver) would report the driver's
# size. The trampoline is a fresh, small interpreter; its child inherits only that.
_TRAMPOLINE = r"""
import json, os, subprocess, sys, threading, time
def tree_pss(root):
    # the summed proportional set size of root and its descendants (shared pages split, so
    # processes running side by side, or forked, are counted once)
    children = {}
    for name in os.listdir("/proc"):
        if name.isdigit():
            try:
                with open(f"/proc/{name}/stat") as f:
                    children.setdefault(int(f.read().rsplit(")", 1)[1].split()[1]), []).append(int(name))
            except OSError:
                pass
    total, todo = 0, [root]
    while todo:
        pid = todo.pop()
        try:
            with open(f"/proc/{pid}/smaps_rollup") as f:
                total += next(int(line.split()[1]) for line in f if line.startswith("Pss:")) * 1024
        except (OSError, StopIteration):
            pass
        todo += children.get(pid, [])
    return total
start = time.perf_counter()
process = subprocess.Popen(sys.argv[2:])
peak = [0]
done = threading.Event()
def sample():
    # not process.poll(): it could reap the child before os.wait4 below gets its usage
    while not done.wait(0.25):  # reading smaps costs CPU; a bundle's peak lasts seconds
        peak[0] = max(peak[0], tree_pss(process.pid))
if os.path.exists("/proc/self/smaps_rollup"):
    threading.Thread(target=sample, daemon=True).start()
_, status, usage = os.wait4(process.pid, 0)
done.set()
wall = time.perf_counter() - start
with open(sys.argv[1], "w") as handle:
    json.dump({"wall": wall, "status": os.waitstatus_to_exitcode(status), "maxrss": usage.ru_maxrss,
               "tree": peak[0], "cpu": usage.ru_utime + usage.ru_stime}, handle)
"""


def measure(command: list[str], *, cwd: Path | None = None, env: dict[str, str] | None = None) -> Measured:
    """Run ``command`` to completion; its wall time, CPU time and peak RSS (children included)."""
    with tempfile.TemporaryFile("w+") as out, tempfile.TemporaryFile("w+") as err, \
            tempfile.NamedTemporaryFile("r", suffix=".json") as report:
        subprocess.run([sys.executable, "-I", "-S", "-c", _TRAMPOLINE, report.name, *command],
                       cwd=cwd, env=env, stdout=out, stderr=err, text=True)
        out.seek(0)
        err.seek(0)
        data = json.loads(Path(report.name).read_text() or "{}")
        if not data:
            raise SystemExit(f"could not run {command[:3]}...: {err.read()[-2000:]}")
        # ru_maxrss is in kilobytes on Linux; the sampled tree is in bytes.
        peak = max(data["maxrss"] * 1024, data.get("tree", 0))
        return Measured(data["wall"], peak, data["status"], out.read(), err.read(), data["cpu"])


def python_child(code_or_args: list[str], **kwargs: Any) -> Measured:
    return measure([sys.executable, *code_or_args], **kwargs)


def du(path: Path) -> int:
    """Bytes on disk of a folder's files (apparent sizes, like ``du -sb``)."""
    return sum(p.stat().st_size for p in Path(path).rglob("*") if p.is_file())


def machine() -> dict[str, Any]:
    return {
        "cpus": os.cpu_count(),
        "python": platform.python_version(),
        "platform": platform.platform(terse=True),
        "date": dt.datetime.now(dt.timezone.utc).strftime("%Y-%m-%d"),
    }


def save_result(name: str, data: dict[str, Any]) -> Path:
    path = results_dir() / f"{name}.json"
    data = {"benchmark": name, "machine": machine(), **data}
    path.write_text(json.dumps(data, ensure_ascii=False, indent=2), encoding="utf-8")
    return path


def load_result(name: str) -> dict[str, Any] | None:
    path = results_dir() / f"{name}.json"
    if not path.exists():
        return None
    return json.loads(path.read_text(encoding="utf-8"))


def fmt_seconds(value: float | None) -> str:
    if value is None:
        return "–"
    return f"{value:.2f} s" if value < 10 else f"{value:.1f} s"


def fmt_bytes(value: float | None) -> str:
    if value is None:
        return "–"
    if value >= 1024 * MB:
        return f"{value / (1024 * MB):.2f} GB"
    if value >= MB:
        return f"{value / MB:.1f} MB"
    if value >= 1024:
        return f"{value / 1024:.1f} KB"
    return f"{int(value)} B"


def table(header: list[str], rows: list[list[str]]) -> str:
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join("---" for _ in header) + "|"]
    lines += ["| " + " | ".join(str(c) for c in row) + " |" for row in rows]
    return "\n".join(lines)


def briefing_settings(data_dir: Path):
    """The project's settings (briefing.yaml) with the archive root pointed at ``data_dir``.

    Environment overrides (BRIEFING_...) are cleared first so a benchmark measures the
    configuration in the repository, not the shell's.
    """
    from generator import settings as settings_mod

    saved = {k: os.environ.pop(k) for k in list(os.environ) if k.startswith("BRIEFING_")}
    try:
        settings = settings_mod.load(ROOT / "briefing.yaml")
    finally:
        os.environ.update(saved)
    settings.data_dir = Path(data_dir).resolve()
    return settings


def clean_env(**extra: str) -> dict[str, str]:
    """The environment for a child: no BRIEFING_ overrides from the shell, plus ``extra``."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("BRIEFING_")}
    env.update(extra)
    env.setdefault("PYTHONHASHSEED", "0")
    return env


def write_text(path: Path, text: str) -> None:
    """Replace ``path`` by ``text`` in one rename (a report is never half written)."""
    temp = path.with_name(path.name + ".tmp")
    temp.write_text(text, encoding="utf-8")
    temp.replace(path)


def replace_readme_block(start: str, end: str, block: str, where: str) -> None:
    """README.md with the text between the markers ``start`` and ``end`` replaced by ``block``."""
    readme = ROOT / "README.md"
    text = readme.read_text(encoding="utf-8")
    if start not in text or end not in text:
        raise SystemExit(f"README.md has no {start} ... {end} block; add it under {where!r}")
    before, rest = text.split(start, 1)
    _, after = rest.split(end, 1)
    write_text(readme, before + start + block + end + after)
