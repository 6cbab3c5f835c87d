"""The build cache (generator.buildcache): a warm build, after one more day, gives the same
site byte for byte as a cold build of the same data, and reuses what did not change."""

from __future__ import annotations

import contextlib
import datetime as dt
import importlib.metadata
import logging
import os
import shutil
import sqlite3
import subprocess
from pathlib import Path

import pytest

from generator.buildcache import BuildCache, CachedArchive, fingerprints
from generator.errors import BuildError
from generator.render.build import build_in_process, build_site
from generator.store import Archive
from site_data import files_under, sample_settings, synthetic_archive

REPO = Path(__file__).resolve().parents[1]

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



# --------------------------------------------------------------------------- the MkDocs side


def project_copy(tmp_path: Path) -> Path:
    """mkdocs.yml and docs/ in a folder of their own, for tests that edit them."""
    root = tmp_path / "project"
    shutil.copytree(REPO / "docs", root / "docs", ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(REPO / "mkdocs.yml", root / "mkdocs.yml")
    return root


def small_site(tmp_path: Path, days: int = 3):
    items, editions = synthetic_archive(days=days, per_day=4, start=dt.date(2026, 1, 1))
    archive = Archive(tmp_path / "data")
    for edition in editions:
        save_day(archive, edition, items)
    return archive, sample_settings(archive.root), project_copy(tmp_path)


def cache_rows(cache: Path) -> dict[str, dict[str, bytes]]:
    with contextlib.closing(sqlite3.connect(cache / "build" / "build.sqlite")) as db:
        tables = [name for (name,) in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]
        return {table: dict(db.execute(f"SELECT key, value FROM {table}")) for table in tables}


def html_pages(site: Path) -> dict[str, str]:
    """The site's pages (MkDocs' 404 page is a theme template, not a page)."""
    return {path: text.decode() for path, text in files_under(site).items() if path.endswith(".html") and path != "404.html"}


@pytest.mark.slow
def test_a_broken_link_fails_every_build(tmp_path):
    """With no cache, with a cache from a good build, with a cache from a failed build; and a
    stored conversion whose link target went away is converted (and reported) again."""
    archive, settings, root = small_site(tmp_path)
    cache = tmp_path / "cache"
    probe = root / "docs" / "probe.md"
    probe.write_text("# Probe\n\nThe [first day][day].\n\n[day]: days/2026/2026-01-01.md\n", encoding="utf-8")
    build_site(settings, tmp_path / "good", root=root, cache_dir=cache, search=False)
    filled = cache_rows(cache)
    assert filled["html"] and filled["output"]

    # the page it links to goes: its stored conversion no longer holds
    archive.edition_file(dt.date(2026, 1, 1)).unlink()
    for _ in range(2):  # the second time, with the cache the failed build left
        with pytest.raises(BuildError, match="probe.md.*days/2026/2026-01-01.md"):
            build_site(settings, tmp_path / "bad", root=root, cache_dir=cache, search=False)
        assert cache_rows(cache) == filled  # a failed build leaves the cache as it was

    probe.write_text("# Probe\n\n[inline](nowhere.md), [by reference][ref].\n\n[ref]: nowhere/either.md\n", encoding="utf-8")
    for cache_dir in (cache, cache, None):
        with pytest.raises(BuildError) as failed:
            build_site(settings, tmp_path / "bad", root=root, cache_dir=cache_dir, search=False)
        assert "'nowhere.md'" in str(failed.value) and "'nowhere/either.md'" in str(failed.value)
    assert cache_rows(cache) == filled


HOOK = '''
def on_page_markdown(markdown, page, **kwargs):
    return markdown + "\\n\\nHooked body {mark}.\\n"


def on_page_context(context, page, **kwargs):
    page.meta["description"] = "hooked description {mark}"
    return context


def on_post_page(output, page, **kwargs):
    return output + "<!-- hooked {mark} -->"
'''


@pytest.mark.slow
def test_a_hook_added_after_the_cache_was_filled_reaches_every_page(tmp_path):
    """A hook added to mkdocs.yml, then only edited, reaches every page of the next warm
    build (its Markdown, its context, its output), and warm == cold each time."""
    _, settings, root = small_site(tmp_path)
    cache = tmp_path / "cache"
    build_site(settings, tmp_path / "first", root=root, cache_dir=cache, search=False)
    hook = root / "hooks" / "probe.py"
    hook.parent.mkdir()
    config = root / "mkdocs.yml"
    config.write_text(config.read_text(encoding="utf-8") + "\nhooks:\n  - hooks/probe.py\n", encoding="utf-8")
    for mark in ("A", "B"):
        hook.write_text(HOOK.format(mark=mark), encoding="utf-8")
        build_site(settings, tmp_path / f"warm-{mark}", root=root, cache_dir=cache, search=False)
        pages = html_pages(tmp_path / f"warm-{mark}")
        assert len(pages) > 20
        for path, text in pages.items():
            assert text.endswith(f"<!-- hooked {mark} -->"), path
            assert f'content="hooked description {mark}"' in text, path
            assert f"Hooked body {mark}." in text, path
        build_site(settings, tmp_path / f"cold-{mark}", root=root, search=False)
        assert files_under(tmp_path / f"warm-{mark}") == files_under(tmp_path / f"cold-{mark}")


@pytest.mark.slow
@pytest.mark.parametrize("distribution", ["Markdown", "mkdocs", "mkdocs-material", "Jinja2"])
def test_a_new_engine_version_misses_what_it_affects(tmp_path, monkeypatch, distribution):
    """A faked upgrade: every conversion and every themed page is made again; the pages'
    Markdown too when the upgrade is Jinja2's (it renders them); the parsed archive stays."""
    _, settings, root = small_site(tmp_path)
    cache = tmp_path / "cache"
    build_in_process(settings, tmp_path / "before", root=root, cache_dir=cache)
    before = cache_rows(cache)
    real = importlib.metadata.version
    monkeypatch.setattr(importlib.metadata, "version", lambda name: "999.0" if name == distribution else real(name))
    build_in_process(settings, tmp_path / "after", root=root, cache_dir=cache)
    after = cache_rows(cache)
    for table in ("html", "output"):
        assert after[table] and not set(after[table]) & set(before[table]), table
    assert (set(after["pages"]) == set(before["pages"])) == (distribution != "Jinja2")
    assert after["files"] == before["files"]
    assert files_under(tmp_path / "after") == files_under(tmp_path / "before")


@pytest.mark.slow
def test_a_reused_conversion_reports_what_converting_reported(tmp_path, caplog):
    """A stored conversion logs its messages again: a build with the cache reports what a
    build without it reports (here a missing link at INFO, which does not fail the build)."""
    _, settings, root = small_site(tmp_path)
    config = root / "mkdocs.yml"
    config.write_text(config.read_text(encoding="utf-8").replace("  links:\n    not_found: warn", "  links:\n    not_found: info"),
                      encoding="utf-8")
    (root / "docs" / "probe.md").write_text("# Probe\n\n[gone](nowhere.md)\n", encoding="utf-8")
    cache = tmp_path / "cache"
    reported = []
    for attempt in ("cold", "warm"):
        caplog.clear()
        with caplog.at_level(logging.INFO, logger="mkdocs"):
            build_in_process(settings, tmp_path / attempt, root=root, cache_dir=cache)
        reported.append([r.getMessage() for r in caplog.records if "nowhere.md" in r.getMessage()])
        if attempt == "cold":
            stored = cache_rows(cache)["html"]
    assert reported[0] == reported[1] == ["Doc file 'probe.md' contains a link 'nowhere.md', but the target is not found among documentation files."]
    assert cache_rows(cache)["html"] == stored  # the second build converted nothing


def test_the_engine_state_covers_mkdocs_yml_hooks_plugins_and_the_theme(tmp_path):
    """What every MkDocs-side entry is keyed by changes with each of them, and not with the
    folder the site is written to."""
    from mkdocs.config import load_config
    from mkdocs.contrib.search import SearchPlugin

    from generator.render.mkdocs_cache import engine_state

    root = project_copy(tmp_path)
    config_file, hook, override = root / "mkdocs.yml", root / "hooks" / "h.py", root / "docs" / "overrides" / "main.html"
    hook.parent.mkdir()
    hook.write_text("def on_post_page(output, **kwargs):\n    return output\n", encoding="utf-8")
    config_file.write_text(config_file.read_text(encoding="utf-8") + "\nhooks:\n  - hooks/h.py\n", encoding="utf-8")

    def state(site="site", plugin=None):
        config = load_config(config_file=str(config_file), site_dir=str(tmp_path / site))
        if plugin is not None:
            config.plugins["search"] = plugin
        return engine_state(config, code="code")

    first = state()
    assert state(site="elsewhere") == first
    assert state(plugin=SearchPlugin()) != first
    hook.write_text(hook.read_text(encoding="utf-8") + "# edited\n", encoding="utf-8")
    assert state() != first
    second = state()
    override.write_text(override.read_text(encoding="utf-8") + "\n", encoding="utf-8")
    assert state() != second
    third = state()
    config_file.write_text(config_file.read_text(encoding="utf-8") + "# a comment\n", encoding="utf-8")
    assert state() != third


def test_a_day_page_reads_only_the_index_that_keys_it():
    """Each day page of the sample archive (every optional field, and notes naming another
    day and an item listed elsewhere) made from its ``day_index`` (the value its cache key
    holds) is the page made from the whole site index: a read that the key does not cover
    would make them differ."""
    from generator.render.families import day
    from generator.render.family import Renderer
    from generator.render.index import SiteIndex
    from site_data import sample_editions, sample_items

    items, editions = sample_items(), sorted(sample_editions(), key=lambda e: e.date)
    last, entry = editions[-1], editions[-1].sections[0].entries[0]
    notes = [*entry.continuity, f"seen-before:{editions[0].date}", f"paper-of:{editions[0].item_ids()[0]}"]
    section = last.sections[0].model_copy(update={"entries": [entry.model_copy(update={"continuity": notes}), *last.sections[0].entries[1:]]})
    editions[-1] = last.model_copy(update={"sections": [section, *last.sections[1:]]})
    index = SiteIndex.build(items, editions, sample_settings())
    whole = Renderer(index, lambda edition: items)
    for edition in index.editions:
        alone = Renderer(day.day_index(index, edition), lambda edition: items)
        assert day.day(alone, edition) == day.day(whole, edition), edition.date
