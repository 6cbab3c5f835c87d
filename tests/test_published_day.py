"""A published day is never replaced by a worse one (issue 11).

A re-run that would list fewer items, or lower the day's status (published -> degraded ->
empty), keeps the stored edition and its items, says why, and exits 4 ("nothing published"):
nothing under data/ changes. ``--force`` replaces the day deliberately (never by an empty one).
"""

from __future__ import annotations

import datetime as dt
import shutil
import socket
import subprocess

import pytest

from conftest import ROOT
from fixtures_util import briefing_cli, replay_manifest_variant
from generator.store import Archive

DAY = dt.date(2026, 4, 30)
SOURCES = ("ARXIV_API", "ARXIV_RSS", "HUGGINGFACE", "GITHUB_API", "GITHUB_WEB")
# The arXiv API listing answers with the real recorded 0-entry answer: a source answering less.
EMPTY_LISTING = {"path": "/api/query", "query": {"search_query": "*"}, "content_type": "application/atom+xml; charset=utf-8",
                 "file": str(ROOT / "tests/fixtures/sources/arxiv_api/empty_result_id_list_0000.0000.atom.xml")}


def git(repo, *args: str) -> str:
    return subprocess.run(["git", "-C", str(repo), *args], check=True, capture_output=True, text=True).stdout


@pytest.fixture
def published(tmp_path):
    """A git checkout holding the committed data/ (the published 2026-04-30), committed."""
    repo = tmp_path / "repo"
    shutil.copytree(ROOT / "data", repo / "data")
    git(repo, "init", "-q")
    git(repo, "add", "data")
    git(repo, "-c", "user.name=t", "-c", "user.email=t@example.invalid", "commit", "-qm", "published")
    return repo / "data"


def closed_port() -> int:
    """A loopback port nobody listens on: every connection to it is refused."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_every_source_unreachable_leaves_a_published_day_untouched(published):
    nowhere = f"http://127.0.0.1:{closed_port()}"
    env = {"BRIEFING_HTTP__BACKOFF_BASE": "0", "BRIEFING_SOURCES__HUGGINGFACE__MIRROR_FEED_URL": nowhere + "/feed"}
    for key in SOURCES:
        env.update({f"BRIEFING_SOURCES__{key}__BASE_URL": nowhere, f"BRIEFING_SOURCES__{key}__MIN_INTERVAL": "0"})
    result = briefing_cli("run", "--date", DAY.isoformat(), data_dir=published, env=env)
    assert result.returncode == 4, result.stdout + result.stderr
    listed = len(Archive(published).load_edition(DAY).item_ids())
    assert f"nothing published: the stored edition (degraded, {listed} items) stays: this run lists no item" in result.stdout
    assert git(published.parent, "status", "--porcelain", "--untracked-files=all") == ""


def test_a_source_answering_less_keeps_the_stored_edition_unless_forced(published, tmp_path):
    """The arXiv listing answers with no entry and the HF mirror feed (the day's other paper
    source) is down: the re-run would list the 8 repos and no paper."""
    stored = Archive(published).load_edition(DAY)
    less = replay_manifest_variant(tmp_path, drop=("/api/feed",), routes=(EMPTY_LISTING,))
    kept = briefing_cli("run", "--replay", str(less), data_dir=published)
    assert kept.returncode == 4, kept.stdout + kept.stderr
    assert f"this run would list 8 items instead of {len(stored.item_ids())}" in kept.stdout
    assert "--force replaces it" in kept.stdout
    assert git(published.parent, "status", "--porcelain", "--untracked-files=all") == ""

    forced = briefing_cli("run", "--replay", str(less), "--force", data_dir=published)
    assert forced.returncode == 3, forced.stdout + forced.stderr  # published, degraded as before
    assert len(Archive(published).load_edition(DAY).item_ids()) == 8
    assert git(published.parent, "status", "--porcelain") != ""


def test_a_lower_status_keeps_the_stored_edition(published, tmp_path):
    """The same items, but degraded where the stored day was fully published."""
    archive = Archive(published)
    archive.save_edition(archive.load_edition(DAY).model_copy(update={"status": "published"}))
    git(published.parent, "-c", "user.name=t", "-c", "user.email=t@example.invalid", "commit", "-qam", "the day was published in full")
    replayed = briefing_cli("run", "--replay", str(replay_manifest_variant(tmp_path)), data_dir=published)
    assert replayed.returncode == 4, replayed.stdout + replayed.stderr
    assert "this run would lower its status from published to degraded" in replayed.stdout
    assert git(published.parent, "status", "--porcelain", "--untracked-files=all") == ""


def test_a_new_day_with_nothing_to_list_writes_nothing(tmp_path):
    every_source_off = {f"BRIEFING_SOURCES__{key}__ENABLED": "false" for key in SOURCES}
    result = briefing_cli("run", "--date", DAY.isoformat(), "--force", data_dir=tmp_path / "data", env=every_source_off)
    assert result.returncode == 4, result.stdout + result.stderr
    assert "nothing published (this run lists no item)" in result.stdout
    assert not (tmp_path / "data").exists() or not any(p.is_file() for p in (tmp_path / "data").rglob("*"))
