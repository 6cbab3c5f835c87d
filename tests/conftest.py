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
    from generator.cli import _deep_merge

    def make(**overrides):
        base = settings_mod.load(ROOT / "briefing.yaml")
        data = _deep_merge(base.model_dump(mode="python"), overrides)
        data.setdefault("data_dir", tmp_path / "data")
        if "data_dir" not in overrides:
            data["data_dir"] = tmp_path / "data"
        return settings_mod.Settings.model_validate(data)

    return make
