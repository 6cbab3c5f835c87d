"""The one place a test gives up for want of a tool (Chromium, actionlint, shellcheck, lychee...).

On a developer's machine the test skips and says what to install. Under CI (``CI=true``, which
.ci/run and GitHub Actions set) it fails instead: a check that did not run must not pass.

Imported by name (pytest puts tests/ on sys.path): ``from tools_util import missing, tool``.
"""

from __future__ import annotations

import os
import shutil
import sys
from pathlib import Path
from typing import NoReturn

import pytest

BIN = Path(sys.executable).parent  # the venv's bin: tools installed from PyPI land here


def in_ci() -> bool:
    return os.environ.get("CI", "").lower() in ("1", "true", "yes")


def missing(reason: str) -> NoReturn:
    """Skip (on a developer's machine) or fail (under CI) because ``reason``: what is missing and how to get it."""
    if in_ci():
        pytest.fail(f"{reason} (CI is set: a missing tool fails the suite instead of skipping)", pytrace=False)
    pytest.skip(reason)


def tool(name: str, how: str) -> str:
    """The path of executable ``name`` (the venv's bin first, then PATH), or ``missing(...)``."""
    found = shutil.which(name, path=os.pathsep.join([str(BIN), os.environ.get("PATH", "")]))
    return found or missing(f"{name} is not installed: {how}")
