"""End to end: `briefing run` against a loopback server that serves real recorded payloads."""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
import subprocess
import sys

import httpx
import yaml

from conftest import REPLAY_DAY, ROOT, payload
from fixtures_util import FakeClock
from site_data import files_under
from generator import pipeline
from generator.http import Http
from generator.replay import FixtureServer, Route, load_manifest
from generator.store import Archive
from generator.validate import validate

SOURCE_KEYS = ("ARXIV_API", "ARXIV_RSS", "HUGGINGFACE", "GITHUB_API", "GITHUB_WEB")


def env_for(server_url: str, data_dir, **extra) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("BRIEFING_")}
    for key in SOURCE_KEYS:
        env[f"BRIEFING_SOURCES__{key}__BASE_URL"] = server_url
        env[f"BRIEFING_SOURCES__{key}__MIN_INTERVAL"] = "0"
    env["BRIEFING_DATA_DIR"] = str(data_dir)
    env["BRIEFING_HTTP__BACKOFF_BASE"] = "0"
    env.update(extra)
    return env


def briefing(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "generator.cli", *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)


def test_run_with_base_urls_from_environment(tmp_path):
    """Acceptance 2: the five base URLs pointed at loopback by environment variables."""
    manifest = load_manifest(REPLAY_DAY)
    data_dir = tmp_path / "data"
    with FixtureServer(manifest.routes) as server:
        env = env_for(server.url, data_dir,
                      BRIEFING_SOURCES__HUGGINGFACE__MIRROR_FEED_URL=f"{server.url}/api/feed",
                      BRIEFING_SOURCES__GITHUB_API__QUERIES='["topic:claude-code-skills"]')
        result = briefing("run", "--date", "2026-04-30", "--ok-if-degraded", env=env)
    assert result.returncode == 0, result.stderr
    archive = Archive(data_dir)
    items = archive.load_items()
    assert {item.kind for item in items.values()} == {"paper", "repo", "model", "dataset"}
    for path in archive.item_files():
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
        for key in ("id", "kind", "title", "url", "published", "categories", "seen", "verification"):
            assert raw.get(key) not in (None, ""), f"{path}: {key}"
        assert raw["seen"][0]["date"] == dt.date(2026, 4, 30)
        assert raw["verification"]["status"] in ("verified", "partial")
    edition = archive.load_edition(dt.date(2026, 4, 30))
    report = {r.source: r for r in edition.sources}
    assert set(report) == {"arxiv_rss", "arxiv_api", "huggingface", "github_web", "github_api"}
    assert report["arxiv_rss"].status == "failed" and report["arxiv_rss"].fallback == "arxiv_api listing"
    assert report["huggingface"].fallback == "hf mirror feed"
    assert report["arxiv_api"].http_statuses.get("200", 0) >= 1
    assert validate(data_dir) == []


def test_replay_is_byte_identical_on_a_second_run(tmp_path):
    """Acceptance 1 (the README's replay): a re-run changes nothing."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("BRIEFING_")}
    env["BRIEFING_DATA_DIR"] = str(tmp_path / "data")
    first = briefing("run", "--replay", str(REPLAY_DAY), "--quiet", env=env)
    assert first.returncode == 3, first.stderr  # degraded: RSS and the HF API were not recorded
    snapshot = {p: p.read_bytes() for p in (tmp_path / "data").rglob("*.yaml")}
    second = briefing("run", "--replay", str(REPLAY_DAY), "--quiet", env=env)
    assert second.returncode == 3
    assert "0 files changed" in second.stdout
    assert {p: p.read_bytes() for p in (tmp_path / "data").rglob("*.yaml")} == snapshot
    assert b"127.0.0.1" not in b"".join(snapshot.values())


def test_committed_archive_matches_the_replay(tmp_path):
    """The data/ shipped in the repo is what the README's first command leaves: replaying the
    recorded day into a copy of it changes no file, byte for byte (``git status`` stays clean)."""
    shipped = files_under(ROOT / "data")
    assert "briefings/2026/2026-04-30.yaml" in shipped
    assert validate(ROOT / "data", shown_root=ROOT) == []
    copy = tmp_path / "data"
    shutil.copytree(ROOT / "data", copy)
    env = {k: v for k, v in os.environ.items() if not k.startswith("BRIEFING_")}
    result = briefing("run", "--replay", str(REPLAY_DAY.relative_to(ROOT)), "--quiet", env={**env, "BRIEFING_DATA_DIR": str(copy)})
    assert result.returncode == 3, result.stdout + result.stderr  # degraded: RSS and the HF API were not recorded
    replayed = files_under(copy)
    changed = sorted(k for k in shipped.keys() | replayed.keys() if shipped.get(k) != replayed.get(k))
    assert changed == [], f"the replay changes {changed}: run the README's first command and commit data/"


def derived_hf_entry_for(rss_candidate) -> bytes:
    """An HF Daily Papers answer for a paper that was on the arXiv RSS.

    No real capture has one paper in both an RSS feed and an HF daily list, so this is
    DERIVED, and says so: the real 2024-10-25 HF entry 0 (its schema and every other field)
    with paper.id, title and summary replaced by those of the real RSS item.
    """
    entries = json.loads(payload("hf/daily_papers_2024-10-25_full_day_29_entries.json"))
    entry = entries[0]
    bare = rss_candidate.id.removeprefix("arxiv:")
    entry["paper"].update(id=bare, title=rss_candidate.title, summary=rss_candidate.summary)
    entry["title"] = rss_candidate.title
    return json.dumps([entry]).encode("utf-8")


def test_same_paper_from_rss_and_hf_is_one_item_with_both_sightings(tmp_path, settings_factory):
    """Acceptance 3."""
    from generator.sources import arxiv

    rss = payload("arxiv_rss/rss_multi_archive_2024-11-28_trimmed_cs.CL_plus_cross.rss.xml")
    first_new = next(c for c in arxiv.read_rss(rss)[1] if c.detail == "new")
    routes = [
        Route(path="/rss/cs.CL", body=rss, headers={"Content-Type": "application/rss+xml"}),
        Route(path="/api/daily_papers", body=derived_hf_entry_for(first_new), headers={"Content-Type": "application/json"}),
    ]
    day = dt.date(2024, 11, 28)
    with FixtureServer(routes) as server:
        settings = settings_factory(sources={
            "arxiv_rss": {"base_url": server.url, "min_interval": 0, "categories": ["cs.CL"]},
            "arxiv_api": {"base_url": server.url, "min_interval": 0},
            "huggingface": {"base_url": server.url, "trending_models_limit": 0, "mirror_feed_url": ""},
            "github_api": {"enabled": False, "base_url": server.url},
            "github_web": {"enabled": False, "base_url": server.url},
        }, edition={"min_score": 0.0, "require_evidence": False})  # about merging, not selection: list whatever arrives
        with httpx.Client() as client:
            http = Http(client, pipeline.host_policies(settings), backoff_base=0)
            pipeline.run(day, settings, http, now=dt.datetime(2024, 11, 28, 23, 0, tzinfo=dt.timezone.utc))
    archive = Archive(settings.data_dir)
    item = archive.load_item(first_new.id)
    assert item is not None
    assert sorted(s.source for s in item.seen) == ["arxiv-rss", "hf-daily-papers"]
    assert len([p for p in archive.item_files() if p.stem == first_new.id.removeprefix("arxiv:")]) == 1


def test_arxiv_requests_are_at_least_3_seconds_apart(tmp_path, settings_factory):
    """Acceptance 5: a whole run, with a controlled clock, asks arXiv at most once per 3 s.

    arXiv is served on 127.0.0.1 and every other source on localhost, so they are two hosts
    with separate politeness, as on the real network.
    """
    manifest = load_manifest(REPLAY_DAY)
    with FixtureServer(manifest.routes) as server:
        other = server.url.replace("127.0.0.1", "localhost")
        settings = settings_factory(sources={
            "arxiv_rss": {"base_url": server.url, "min_interval": 3.0, "categories": ["cs.LG", "cs.AI"]},
            "arxiv_api": {"base_url": server.url, "min_interval": 3.0, "categories": ["cs.LG", "cs.AI"], "max_results": 20},
            "huggingface": {"base_url": other, "mirror_feed_url": f"{other}/api/feed"},
            "github_api": {"base_url": other, "min_interval": 0, "queries": ["topic:claude-code-skills"]},
            "github_web": {"base_url": other, "min_interval": 0},
        })
        clock = FakeClock()
        with httpx.Client() as client:
            http = Http(client, pipeline.host_policies(settings), backoff_base=0, clock=clock)
            result = pipeline.run(dt.date(2026, 4, 30), settings, http, now=dt.datetime(2026, 4, 30, 23, 30, tzinfo=dt.timezone.utc))
    arxiv_host = server.url.removeprefix("http://")
    times = [t for t, host in http.request_log if host == arxiv_host]
    gaps = [b - a for a, b in zip(times, times[1:])]
    assert len(times) >= 4  # RSS, listing pages, one batched id_list look-up
    assert all(gap >= 3.0 for gap in gaps), gaps
    assert len(times) <= 5, "a day must cost a handful of arXiv requests (README: at most 5), not one per paper"
    assert result.edition.stats.partial > 0  # the 46 mirror-only papers went through ONE id_list batch
    assert sum(1 for path, query in server.requests if "id_list=" in query) == 1
