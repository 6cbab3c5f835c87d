"""The build cache (generator.buildcache): a warm build, after one more day, gives the same
site byte for byte as a cold build of the same data, and reuses what did not change."""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import subprocess
from pathlib import Path

import pytest

from generator.buildcache import BuildCache, CachedArchive, fingerprints
from generator.render.build import build_site
from generator.store import Archive
from site_data import files_under, sample_settings, synthetic_archive

GIT_ENV = {**os.environ, "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.org",
           "GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@example.org"}


def git(repo: Path, *args: str) -> None:
    subprocess.run(["git", *args], cwd=repo, env=GIT_ENV, check=True, capture_output=True)


def save_day(archive: Archive, edition, items) -> None:
    for item_id in edition.item_ids():
        archive.save_item(items[item_id])
    archive.save_edition(edition)


@pytest.mark.slow
def test_warm_build_after_a_new_day_equals_a_cold_build(tmp_path):
    items, editions = synthetic_archive(days=6, per_day=6, start=dt.date(2025, 12, 29))
    repo = tmp_path / "repo"
    archive = Archive(repo / "data")
    for edition in editions[:-1]:
        save_day(archive, edition, items)
    git(repo, "init", "-q")
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "archive")
    settings = sample_settings(repo / "data")
    cache = tmp_path / "cache"
    build_site(settings, tmp_path / "yesterday", cache_dir=cache)
    bundles = {p.name: p.stat().st_mtime_ns for p in (cache / "pagefind").iterdir()}
    assert [name[:4] for name in sorted(bundles)] == ["2025", "2026"]

    # the next day, as the daily run leaves it before publishing: new files and a returning
    # item rewritten, none of it committed
    save_day(archive, editions[-1], items)
    returning = editions[0].item_ids()[0]
    archive.save_item(items[returning].model_copy(update={"title": "A corrected title"}))
    build_site(settings, tmp_path / "warm", cache_dir=cache)
    build_site(settings, tmp_path / "cold")  # no cache at all

    warm, cold = files_under(tmp_path / "warm"), files_under(tmp_path / "cold")
    assert sorted(warm) == sorted(cold)
    assert [path for path in warm if warm[path] != cold[path]] == []
    assert "A corrected title" in cold["days/2025/2025-12-29/index.html"].decode()
    # 2025's day pages did change (the corrected title): its bundle was indexed again ...
    after = {p.name: p.stat().st_mtime_ns for p in (cache / "pagefind").iterdir()}
    assert len(after) == 2 and not set(after) & {n for n in bundles if n.startswith("2025")}
    # ... and with nothing changed, both years' bundles are reused as they are, and every
    # page is written from its stored HTML: the same keys, no page templated again
    pages = output_keys(cache)
    assert len(pages) == sum(1 for path in cold if path.endswith(".html") and path != "404.html")  # 404: MkDocs apart
    build_site(settings, tmp_path / "again", cache_dir=cache)
    assert {p.name: p.stat().st_mtime_ns for p in (cache / "pagefind").iterdir()} == after
    assert output_keys(cache) == pages
    assert files_under(tmp_path / "again") == cold


def output_keys(cache: Path) -> set[str]:
    import sqlite3

    with contextlib.closing(sqlite3.connect(cache / "build" / "build.sqlite")) as db:
        return {key for (key,) in db.execute("SELECT key FROM output")}


def test_fingerprints_follow_content_not_time(tmp_path):
    items, editions = synthetic_archive(days=2, per_day=5)
    repo = tmp_path / "repo"
    archive = Archive(repo / "data")
    for edition in editions:
        save_day(archive, edition, items)
    git(repo, "init", "-q")
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "archive")
    paths = list(archive.item_files())
    before = fingerprints(archive.root, paths)
    assert all(fp.startswith("g") for fp in before.values())  # git blob hashes
    os.utime(paths[0], ns=(1, 1))  # a fresh checkout's new mtimes change nothing
    assert fingerprints(archive.root, paths) == before
    paths[1].write_text(paths[1].read_text(encoding="utf-8") + "\n", encoding="utf-8")
    after = fingerprints(archive.root, paths)
    assert after[paths[1]] != before[paths[1]] and after[paths[1]].startswith("h")
    assert {p: f for p, f in after.items() if p != paths[1]} == {p: f for p, f in before.items() if p != paths[1]}


def test_cached_archive_reads_back_what_the_yaml_says(tmp_path):
    items, editions = synthetic_archive(days=3, per_day=4)
    archive = Archive(tmp_path / "data")
    for edition in editions:
        save_day(archive, edition, items)
    cache = BuildCache(tmp_path / "cache")
    first = CachedArchive(archive.root, cache)
    assert first.editions() == editions
    summaries = first.summaries()
    cache.close()
    cache = BuildCache(tmp_path / "cache")
    second = CachedArchive(archive.root, cache)
    assert second.editions() == editions and second.summaries() == summaries
    for edition in editions:
        assert second.items_of(edition) == {i: items[i] for i in edition.item_ids()}
    cache.close()


def test_a_cold_load_parses_in_two_processes_as_in_one(tmp_path, monkeypatch):
    """Many files to parse: a forked child parses half (buildcache._parse_items). The result
    is the same as parsing in one process, and a file the child could not parse fails with
    the error this process gives for it."""
    from generator import buildcache
    from generator.errors import BriefingError

    items, editions = synthetic_archive(days=3, per_day=6)
    archive = Archive(tmp_path / "data")
    for edition in editions:
        save_day(archive, edition, items)
    children = []
    real_submit = buildcache.concurrent.futures.ProcessPoolExecutor.submit
    monkeypatch.setattr(buildcache.concurrent.futures.ProcessPoolExecutor, "submit",
                        lambda self, *a: children.append(a[1]) or real_submit(self, *a))
    monkeypatch.setattr(buildcache, "PARALLEL_PARSE_MIN", 10**9)
    alone = CachedArchive(archive.root, BuildCache(None)).summaries()
    monkeypatch.setattr(buildcache, "PARALLEL_PARSE_MIN", 2)
    monkeypatch.setattr(buildcache, "PARSE_CHUNK", 4)
    shared = CachedArchive(archive.root, BuildCache(None))
    assert shared.summaries() == alone and list(shared.summaries()) == list(alone)
    assert len(children) > 1 and sum(map(len, children)) == len(shared.item_paths) // 2  # the child had half, in chunks
    broken = shared.item_paths[0]  # in the child's half
    broken.write_text("id: [unclosed\n", encoding="utf-8")
    with pytest.raises(BriefingError) as in_two:
        CachedArchive(archive.root, BuildCache(None)).summaries()
    monkeypatch.setattr(buildcache, "PARALLEL_PARSE_MIN", 10**9)
    with pytest.raises(BriefingError) as in_one:
        CachedArchive(archive.root, BuildCache(None)).summaries()
    assert str(in_two.value) == str(in_one.value) and broken.name in str(in_one.value)
