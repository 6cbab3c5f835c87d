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


def build_replayed_site(folder: Path, language: str = "zh", search: bool = True, replay_env: dict[str, str] | None = None):
    """The site of the replayed day built into ``folder``/site with the repository's settings;
    returns (site dir, settings). In zh it is the committed data/ (a test keeps it equal to
    the replay's output), copied first: a build never touches data/. In another language, or
    with ``replay_env`` (settings overridden by BRIEFING_* variables), the day is replayed, with
    the shipped reader's ratings."""
    import shutil

    from generator import settings as settings_mod
    from generator.render.build import build_site

    data = folder / "data"
    if language == "zh" and not replay_env:
        shutil.copytree(ROOT / "data", data)
    else:  # the commentary is written in the configured language: replay the day in it
        import subprocess
        import sys

        shutil.copytree(ROOT / "data" / "ratings", data / "ratings")
        env = {k: v for k, v in os.environ.items() if not k.startswith("BRIEFING_")}
        env.update(BRIEFING_DATA_DIR=str(data), BRIEFING_LANGUAGE=language, **(replay_env or {}))
        result = subprocess.run([sys.executable, "-m", "generator.cli", "run", "--replay", str(REPLAY_DAY), "--quiet"],
                                cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)
        assert result.returncode in (0, 3), result.stderr  # 3: degraded, as recorded
    settings = settings_mod.load(ROOT / "briefing.yaml").model_copy(update={"data_dir": data, "language": language})
    build_site(settings, folder / "site", search=search)
    return folder / "site", settings


@pytest.fixture(scope="session")
def replayed_site(tmp_path_factory):
    """The replayed day's site in the configured language (zh), with its search index."""
    return build_replayed_site(tmp_path_factory.mktemp("replayed-site"))


# The recorded day with no bar: every shortlisted item listed, whatever its evidence (33 items).
NO_BAR = {"BRIEFING_EDITION__MIN_SCORE": "0", "BRIEFING_EDITION__REQUIRE_EVIDENCE": "false"}


@pytest.fixture(scope="session")
def full_day_site(tmp_path_factory):
    """The replayed day listing all it can (the shipped edition lists only what clears the bar):
    a day as long as a busy one, for what needs many items (page height, search, TeX)."""
    return build_replayed_site(tmp_path_factory.mktemp("full-day-site"), replay_env=NO_BAR)
