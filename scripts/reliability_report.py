#!/usr/bin/env python3
"""Rewrite the README's "Reliability" section from what the reliability tests observed.

    python scripts/reliability_report.py            # run the suite, then rewrite the section
    python scripts/reliability_report.py --no-run   # rewrite from artifacts/reliability.json as it is

1. Runs ``pytest tests/test_reliability*.py`` (all but the README check) with a fresh results
   file (``artifacts/reliability.json``, or ``$RELIABILITY_RESULTS``). If a test fails, it stops
   and leaves README.md alone: the table only ever shows a passing suite.
2. Writes one table per group (fault | source | observed behaviour | test) between
   ``<!-- reliability:start -->`` and ``<!-- reliability:end -->``; the markers are appended to
   README.md when absent. Nothing else in README.md is touched.
3. Runs the README check (``test_readme_lists_every_scenario``) and exits with its status.

The scenarios and their order come from tests/reliability.py; the "observed" cells are only
ever what a test recorded.
"""

from __future__ import annotations

import argparse
import glob
import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

import reliability as r  # noqa: E402 (needs tests/ on sys.path)

README_CHECK = "tests/test_reliability_readme.py::test_readme_lists_every_scenario"
GROUPS = [
    ("Outages and bad answers, for every source", r.FAULTS,
     "One fault injected into an otherwise healthy day served on loopback (real recorded payloads), "
     "in an archive that already holds another, real recorded day. Retries: 2 per request (3 attempts); "
     "back-off, `Retry-After` and politeness run on a virtual clock, so waits are measured, not spent. "
     "\"Other day untouched\": its edition byte-identical, its items only gained the day's sighting, "
     "every written file valid."),
    ("Crash safety", r.CRASH, "`briefing run --replay` killed with SIGKILL, then run again."),
    ("Idempotence and backfill", r.IDEMPOTENCE, ""),
    ("Hostile content", r.HOSTILE,
     "Recorded payloads with hostile text substituted (derived, and labelled so in the tests); pages "
     "from the public `render_site` API, turned into HTML with the site's Markdown extensions."),
    ("Bad edits", r.BAD_EDITS, "Hand edits to an archive holding the recorded day, as a pull request would make them."),
    ("Secrets", r.SECRETS, ""),
]


def run_suite(results: Path) -> int:
    results.unlink(missing_ok=True)
    env = {**os.environ, "RELIABILITY_RESULTS": str(results)}
    files = sorted(glob.glob("tests/test_reliability*.py", root_dir=ROOT))
    command = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", *files, "--deselect", README_CHECK]
    print("+", " ".join(command), flush=True)
    return subprocess.run(command, cwd=ROOT, env=env).returncode


def section(results: dict) -> tuple[str, list[str]]:
    missing = []
    total = sum(len(scenarios) for _, scenarios, _ in GROUPS)
    out = [
        "",
        "## Reliability",
        "",
        f"Outages, hostile input and bad edits never lose data or publish garbage: {total} scenarios, each a test of "
        "`tests/test_reliability*.py` parametrized over the table in [`tests/reliability.py`](tests/reliability.py). "
        "The \"observed behaviour\" column is what the tests recorded on their last run "
        "(`scripts/reliability_report.py` runs them and rewrites this section; do not edit it by hand). "
        "Exit status of `briefing run`: 0 published, 3 published degraded, 4 nothing published.",
        "",
    ]
    for title, scenarios, intro in GROUPS:
        out += [f"### {title}", ""]
        if intro:
            out += [intro, ""]
        out += ["| fault | source | observed behaviour | test |", "|---|---|---|---|"]
        for scenario in scenarios:
            found = results.get(scenario.name)
            if found is None:
                missing.append(scenario.name)
            observed = found["observed"] if found else "(not run)"
            test = found["test"] if found else f"{scenario.test}[{scenario.name}]"
            out.append(f"| {r.md_cell(scenario.fault)} | {r.md_cell(scenario.source)} | {r.md_cell(observed)} | `{test}` |")
        out.append("")
    return "\n".join(out), missing


def rewrite_readme(text: str) -> None:
    readme = r.README.read_text(encoding="utf-8")
    if r.readme_section(readme) is None:
        readme = readme.rstrip("\n") + f"\n\n{r.START_MARKER}\n{r.END_MARKER}\n"
    start = readme.index(r.START_MARKER) + len(r.START_MARKER)
    end = readme.index(r.END_MARKER, start)
    r.README.write_text(readme[:start] + text + readme[end:], encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--no-run", action="store_true", help="use the results file as it is instead of running the suite")
    args = parser.parse_args(argv)
    results_file = r.RESULTS_FILE
    if not args.no_run:
        status = run_suite(results_file)
        if status != 0:
            print(f"reliability suite failed (exit {status}): README.md left as it was", file=sys.stderr)
            return status
    try:
        results = json.loads(results_file.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        print(f"{results_file}: no results ({exc}); run without --no-run", file=sys.stderr)
        return 1
    text, missing = section(results)
    if missing:
        print(f"no observed behaviour for {len(missing)} scenario(s): {', '.join(missing)}; README.md left as it was", file=sys.stderr)
        return 1
    rewrite_readme(text)
    print(f"README.md: reliability section rewritten ({len(results)} scenarios)")
    return subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", README_CHECK], cwd=ROOT).returncode


if __name__ == "__main__":
    sys.exit(main())
