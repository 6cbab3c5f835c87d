"""Shared test helpers: paths to recorded payloads and settings bound to a temp archive."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from fixtures_util import fixture_bytes

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "tests" / "fixtures"
REPLAY_DAY = FIXTURES / "replay" / "2026-04-30.yaml"

# Tests never inherit the developer's overrides, secrets or tokens.
for _name in list(os.environ):
    if _name.startswith("BRIEFING_") or _name in ("GITHUB_TOKEN", "HF_TOKEN"):
        del os.environ[_name]
os.environ.setdefault("NO_MKDOCS_2_WARNING", "1")
os.environ.setdefault("DISABLE_MKDOCS_2_WARNING", "true")


# The bytes of a recorded payload under tests/fixtures/sources (one helper for every test).
payload = fixture_bytes


@pytest.fixture
def settings_factory(tmp_path):
    """Build Settings from the repo's briefing.yaml with data_dir in a temp folder and overrides."""
    from generator import settings as settings_mod

    def make(**overrides):
        base = settings_mod.load(ROOT / "briefing.yaml")
        return settings_mod.with_overrides(base, {"data_dir": tmp_path / "data", **overrides})

    return make
