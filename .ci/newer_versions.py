"""Which installed distributions differ from .ci/constraints.txt (the versions the tests last
passed with), as a Markdown table for the upstream workflow's summary.

    python .ci/newer_versions.py [constraints file]
"""

from __future__ import annotations

import importlib.metadata
import re
import sys
from pathlib import Path

PIN = re.compile(r"^([A-Za-z0-9._-]+)==(\S+)")


def normalized(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def pinned(path: Path) -> dict[str, str]:
    return {normalized(m.group(1)): m.group(2) for line in path.read_text(encoding="utf-8").splitlines() if (m := PIN.match(line))}


def differences(pins: dict[str, str]) -> list[tuple[str, str, str]]:
    """(distribution, tested version, installed version) where they differ, or where one is missing."""
    installed = {normalized(d.metadata["Name"]): d.version for d in importlib.metadata.distributions() if d.metadata["Name"]}
    for own_or_tooling in ("ai-briefing", "pip", "setuptools", "wheel"):  # (pip freeze leaves the tools out)
        installed.pop(own_or_tooling, None)
    return [(name, pins.get(name, "-"), installed.get(name, "-"))
            for name in sorted(set(pins) | set(installed)) if pins.get(name) != installed.get(name)]


def main(argv: list[str]) -> int:
    path = Path(argv[0]) if argv else Path(__file__).with_name("constraints.txt")
    rows = differences(pinned(path))
    print("### Newest allowed versions against the tested ones\n")
    if not rows:
        print(f"Every installed distribution is the version in {path.as_posix()}.")
        return 0
    print("| distribution | tested | newest allowed |\n|---|---|---|")
    for name, tested, newest in rows:
        print(f"| {name} | {tested} | {newest} |")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
