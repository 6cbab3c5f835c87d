"""``briefing validate`` over a synthetic archive (default: the 5-year one).

    python benchmarks/bench_validate.py                  # 1825 days
    python benchmarks/bench_validate.py --days 30 365    # other sizes
    python benchmarks/bench_validate.py --floor          # + what the suggested fixes would give

Each measurement is ``briefing validate --data-dir <archive>`` in a child process: wall time,
CPU time, peak RSS (``os.wait4``). The archive must validate (exit 0).

``--floor`` also measures, in child processes and without editing generator/:

* ``validate, 1 worker``: the same ``validate()`` held to one process (what its worker
  processes add);
* ``editions pass alone``: validate()'s loop over the edition files, which runs in the
  parent after the items' workers have finished;
* ``one-parse``: the least any validator must do: read each file, parse it once with the
  archive's parser (``store.parse_yaml``, yaml-rs), ``model_validate`` it, and check the
  edition -> item references (line numbers would be looked up only for files with a fault);
  on one process and on two; and once with libyaml + PyYAML (``CSafeLoader``), the parser
  before yaml-rs, on one process.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import common  # noqa: E402
import make_archive  # noqa: E402

# validate() on one process (when it takes a ``workers`` argument), to show what the workers add.
_ONE_WORKER = r"""
import inspect, sys
from generator import validate as v
kwargs = {{"workers": 1}} if "workers" in inspect.signature(v.validate).parameters else {{}}
faults = v.validate({data!r}, **kwargs)
print(len(faults))
sys.exit(1 if faults else 0)
"""

# validate()'s edition pass alone (it runs in the parent process, after the items' workers).
_EDITIONS = r"""
import sys
from pathlib import Path
from generator import validate as v
from generator.models import Edition
paths = sorted((Path({data!r}) / "briefings").rglob("*.yaml"))
faults = [f for p in paths for f in v._load(p, str(p), Edition)[1]]
sys.exit(1 if faults else 0)
"""

# The floor: one parse + model_validate per file, cross-references checked, N processes.
PARSERS = {"yaml-rs": "parse_yaml(text)", "PyYAML": "yaml.load(text, Loader=yaml.CSafeLoader)"}
_ONE_PARSE = r"""
import sys, yaml
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from generator.models import Edition, Item
from generator.store import parse_yaml
def parse(text):
    return {parse}
def load(paths, model):
    out = []
    for path in paths:
        obj = model.model_validate(parse(Path(path).read_text(encoding="utf-8")))
        out.append(obj.id if model is Item else [e.item for s in obj.sections for e in s.entries])
    return out
data = Path({data!r})
items = sorted(str(p) for p in (data / "items").rglob("*.yaml"))
editions = sorted(str(p) for p in (data / "briefings").rglob("*.yaml"))
jobs = {jobs}
if jobs > 1:
    with ProcessPoolExecutor(jobs) as pool:
        ids = set(i for part in pool.map(load, [items[k::jobs] for k in range(jobs)], [Item] * jobs) for i in part)
        refs = [r for part in pool.map(load, [editions[k::jobs] for k in range(jobs)], [Edition] * jobs) for r in part]
else:
    ids, refs = set(load(items, Item)), load(editions, Edition)
missing = sum(1 for names in refs for name in names if name not in ids)
print(len(ids), len(refs), missing)
sys.exit(1 if missing else 0)
"""


def measure_validate(data: Path) -> common.Measured:
    return common.python_child(["-m", "generator.cli", "validate", "--data-dir", str(data)], cwd=common.ROOT,
                               env=common.clean_env()).check("briefing validate")


def run(days: int, *, floor: bool = False, progress=print) -> dict:
    data, manifest = make_archive.ensure_archive(days, progress=progress)
    files = manifest["items"] + manifest["editions"]
    progress(f"validate {days} days ({files:,} files, {common.fmt_bytes(manifest['bytes'])}) ...")
    m = measure_validate(data)
    result = {"days": days, "files": files, "bytes": manifest["bytes"], "wall": m.wall, "cpu": m.cpu,
              "max_rss": m.max_rss, "output": m.stderr.strip().splitlines()[-1:]}
    progress(f"  {m.wall:.1f} s wall, {m.cpu:.1f} s CPU, peak {common.fmt_bytes(m.max_rss)}: {' '.join(result['output'])}")
    if floor:
        variants = {}
        for name, code in (("validate, 1 worker", _ONE_WORKER.format(data=str(data))),
                           ("editions pass alone", _EDITIONS.format(data=str(data))),
                           ("one-parse, 1 process", _ONE_PARSE.format(data=str(data), jobs=1, parse=PARSERS["yaml-rs"])),
                           ("one-parse, 2 processes", _ONE_PARSE.format(data=str(data), jobs=2, parse=PARSERS["yaml-rs"])),
                           ("one-parse, PyYAML, 1 process", _ONE_PARSE.format(data=str(data), jobs=1, parse=PARSERS["PyYAML"]))):
            v = common.python_child(["-c", code], cwd=common.ROOT, env=common.clean_env()).check(name)
            variants[name] = {"wall": v.wall, "cpu": v.cpu, "max_rss": v.max_rss}
            progress(f"  {name}: {v.wall:.1f} s wall, {v.cpu:.1f} s CPU, peak {common.fmt_bytes(v.max_rss)}")
        result["variants"] = variants
    previous = common.load_result(f"validate-{days}") or {}
    if not floor and "variants" in previous:
        result["variants"] = previous["variants"]
    common.save_result(f"validate-{days}", result)
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Benchmark `briefing validate` on synthetic archives.")
    parser.add_argument("--days", type=int, nargs="+", default=[1825])
    parser.add_argument("--floor", action="store_true", help="also measure the suggested fixes (C parser, one parse per file)")
    args = parser.parse_args(argv)
    results = [run(days, floor=args.floor) for days in args.days]
    rows = []
    for r in results:
        rows.append([str(r["days"]), f"{r['files']:,}", "`briefing validate`", common.fmt_seconds(r["wall"]),
                     common.fmt_seconds(r["cpu"]), common.fmt_bytes(r["max_rss"])])
        for name, v in (r.get("variants") or {}).items():
            rows.append(["", "", name, common.fmt_seconds(v["wall"]), common.fmt_seconds(v["cpu"]), common.fmt_bytes(v["max_rss"])])
    print()
    print(common.table(["days", "files", "what", "wall", "CPU", "peak RSS"], rows))
    return 0


if __name__ == "__main__":
    sys.exit(main())
