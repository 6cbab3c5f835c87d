"""Building the site: MkDocs (strict) then Pagefind, as subprocesses.

``build_site(settings, site_dir)`` is what ``briefing build`` calls. The MkDocs run reads the
same settings: they are written to a temporary settings file (secrets left out) named by
``BRIEFING_CONFIG``, which ``docs/hooks.py`` and ``docs/gen_pages.py`` load.
``run_link_check(site_dir)`` runs lychee offline over the built site (internal links and
anchors); ``build_site(..., check_links=True)`` does it after the build.

``cache_dir`` (``briefing build`` passes ``.cache/briefing`` unless ``--no-cache``) holds the
build cache (``generator.buildcache``: parsed archive, rendered pages, MkDocs' conversions)
and each Pagefind bundle, keyed by its search records: only a bundle whose items changed is
indexed again (the newest month's, from day to day). Everything there is disposable; without it the site is the same.
"""

from __future__ import annotations

import dataclasses
import hashlib
import importlib.metadata
import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from ..errors import BuildError
from ..settings import Settings
from .pagefind_bundle import sort_filters
from .pagefind_service import write_index
from .search import SearchRecord, search_records

RECORDS_ENV = "AI_BRIEFING_SEARCH_RECORDS"  # where docs/gen_pages.py writes the search records
BANNER_ENV = {"NO_MKDOCS_2_WARNING": "1", "DISABLE_MKDOCS_2_WARNING": "true"}


def project_root() -> Path:
    """The folder holding mkdocs.yml: the current directory if it has one, else the checkout."""
    cwd = Path.cwd()
    if (cwd / "mkdocs.yml").exists():
        return cwd
    return Path(__file__).resolve().parents[2]


def _settings_file(settings: Settings, folder: Path) -> Path:
    data = settings.model_dump(mode="json", exclude={"llm": {"api_key"}})
    data["data_dir"] = str(Path(settings.data_dir).resolve())
    path = folder / "settings.json"  # JSON is YAML: settings.load() reads it
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    return path


def _run(command: list[str], *, cwd: Path, env: dict[str, str], what: str) -> subprocess.CompletedProcess:
    result = subprocess.run(command, cwd=cwd, env=env, capture_output=True, text=True)
    if result.returncode != 0:
        tail = "\n".join((result.stderr or result.stdout).strip().splitlines()[-30:])
        raise BuildError(f"{what} failed (exit {result.returncode}):\n{tail}")
    return result


def build_site(
    settings: Settings,
    site_dir: Path | str,
    *,
    check_links: bool = False,
    search: bool = True,
    root: Path | None = None,
    cache_dir: Path | str | None = None,
) -> None:
    """Build the static site into ``site_dir``: ``mkdocs build --strict``, then Pagefind.

    ``check_links=True`` then runs lychee offline over the result (raises BuildError on a
    broken internal link or anchor). ``search=False`` skips the Pagefind index (faster, for
    tests that do not search). ``root`` is the folder with mkdocs.yml (default:
    :func:`project_root`). ``cache_dir``: the build cache (None: a cold build, nothing kept).
    """
    root = Path(root or project_root())
    site_dir = Path(site_dir).resolve()
    cache = Path(cache_dir).resolve() if cache_dir else None
    with tempfile.TemporaryDirectory(prefix="briefing-build-") as tmp:
        records_file = Path(tmp) / "search-records.json"  # docs/gen_pages.py writes them
        env = {**os.environ, **BANNER_ENV, "BRIEFING_CONFIG": str(_settings_file(settings, Path(tmp)))}
        # Settings already carry any BRIEFING_ overrides; don't let them apply twice.
        for name in list(env):
            if name.startswith("BRIEFING_") and name != "BRIEFING_CONFIG":
                del env[name]
        env["BRIEFING_CACHE_DIR"] = str(cache / "build") if cache else ""
        if search:
            env[RECORDS_ENV] = str(records_file)
        _run(
            [sys.executable, "-m", "mkdocs", "build", "--strict", "--clean", "-f", str(root / "mkdocs.yml"), "-d", str(site_dir)],
            cwd=root,
            env=env,
            what="mkdocs build",
        )
        if search:
            build_search_index(site_dir, settings, read_records(records_file), cache_dir=cache / "pagefind" if cache else None)
    if check_links:
        run_link_check(site_dir, root=root)


# Pagefind holds a bundle's every record in memory while it builds it (about 0.13 MB a record
# with its fragment, over ~160 MB of its own, PERFORMANCE.md): a bundle of at most this many
# records keeps the service near 550 MB.
RECORDS_PER_BUNDLE = 3000


def build_search_index(
    site_dir: Path, settings: Settings, records: list[SearchRecord] | None = None, *, cache_dir: Path | None = None,
) -> list[str]:
    """Pagefind indexes of item records (``search.search_records``), a year's in one or more
    bundles, merged in the browser.

    Each item is one search result (its card on the day it first appeared). ``records`` come
    from the MkDocs run (docs/gen_pages.py); without them the archive is loaded here. A year
    whose records exceed ``RECORDS_PER_BUNDLE`` is cut into runs of whole months
    (:func:`bundle_parts`), indexed one after the other, so memory is bounded by a bundle, not
    by the archive; the newest month is a bundle of its own. The newest bundle is ``pagefind/`` (the search page loads its UI); the
    others are ``pagefind-<year>/`` or, cut, ``pagefind-<year>-<first month>/``.
    ``pagefind/bundles.json`` lists ``[year, [bundle, ...]]`` newest first: the search page
    offers the years as checkboxes, searches the newest by default (what a query can download
    in 300 KB) and merges the bundles of the years ticked with ``mergeIndex``. With
    ``cache_dir``, a bundle whose records are unchanged comes from there (only the newest
    month's changes from day to day). Returns the bundles written.
    """
    if records is None:
        from ..store import Archive

        archive = Archive(settings.data_dir)
        records = search_records(archive.load_items(), archive.load_editions(), settings)
    parts = bundle_parts(records)
    names = ["pagefind" if i == 0 else f"pagefind-{label}" for i, (label, _) in enumerate(parts)]
    used: set[str] = set()
    if cache_dir is not None:
        cache_dir.mkdir(parents=True, exist_ok=True)
    for name, (label, part) in zip(names, parts):
        _index_part(site_dir / name, label, part, settings.language, cache_dir, used)
    if cache_dir is not None:  # drop bundles of records that are gone
        for stale in cache_dir.iterdir():
            if stale.name not in used:
                shutil.rmtree(stale, ignore_errors=True)
    listing: dict[str, list[str]] = {}
    for name, (label, _) in zip(names, parts):
        listing.setdefault(label[:4], []).append(name)
    (site_dir / "pagefind" / "bundles.json").write_text(json.dumps(list(map(list, listing.items()))) + "\n", encoding="utf-8")
    return names


def bundle_parts(records: list[SearchRecord], cap: int | None = None) -> list[tuple[str, list[SearchRecord]]]:
    """``(label, records)`` per bundle, newest first.

    A year is one bundle (label ``2025``) or, over ``cap`` records, runs of whole months of at
    most ``cap`` records each, filled from January (labels ``2025-01``, ``2025-05``, ...; a
    month over the cap stays whole). The archive's newest month is a bundle of its own: the
    daily build indexes again only that month, and once a month the run it then joins.
    """
    cap = cap or RECORDS_PER_BUNDLE
    by_month: dict[str, list[SearchRecord]] = {}
    for record in records:
        by_month.setdefault(record.sort["date"][:7], []).append(record)
    newest = max(by_month, default="")
    years: dict[str, list[list[str]]] = {}
    for month in sorted(by_month):
        runs = years.setdefault(month[:4], [[]])
        size = sum(len(by_month[m]) for m in runs[-1])
        if runs[-1] and (month == newest or size + len(by_month[month]) > cap):
            runs.append([])
        runs[-1].append(month)
    parts = []
    for year in sorted(years, reverse=True):
        runs = years[year]
        for run in reversed(runs):
            label = year if len(runs) == 1 else run[0]
            parts.append((label, [r for month in run for r in by_month[month]]))
    return parts or [("", [])]


def _records_digest(records: list[SearchRecord], language: str) -> str:
    """A digest of one year's records and of the indexer."""
    digest = hashlib.sha256(json.dumps([importlib.metadata.version("pagefind"), language]).encode())
    for record in records:
        digest.update(json.dumps(dataclasses.asdict(record), ensure_ascii=False, sort_keys=True).encode() + b"\0")
    return digest.hexdigest()[:24]


def _index_part(target: Path, label: str, records: list[SearchRecord], language: str, cache_dir: Path | None, used: set[str]) -> None:
    """Pagefind over one bundle's records into ``target``, or that bundle from the cache."""
    if cache_dir is None:
        _write_index(target, records, language)
        return
    stored = cache_dir / f"{label or 'none'}-{_records_digest(records, language)}"
    used.add(stored.name)
    if not stored.is_dir():
        _write_index(target, records, language)
        partial = stored.with_name(stored.name + ".partial")
        shutil.rmtree(partial, ignore_errors=True)
        shutil.copytree(target, partial, copy_function=_link_or_copy)
        partial.rename(stored)  # a killed build leaves no half bundle under a valid name
        return
    shutil.rmtree(target, ignore_errors=True)
    shutil.copytree(stored, target, copy_function=_link_or_copy)


def _link_or_copy(source: str, target: str) -> None:
    """A hard link where cache and site share a file system: a year's bundle is thousands of
    small files (a fragment per record) and nothing writes to them once built."""
    try:
        os.link(source, target)
    except OSError:
        shutil.copy2(source, target)


def write_records(records: list[SearchRecord], path: Path | str) -> None:
    Path(path).write_text(json.dumps([dataclasses.asdict(r) for r in records], ensure_ascii=False), encoding="utf-8")


def read_records(path: Path) -> list[SearchRecord] | None:
    if not path.exists():
        return None
    return [SearchRecord(**r) for r in json.loads(path.read_text(encoding="utf-8"))]


def _write_index(output: Path, records: list[SearchRecord], language: str) -> None:
    write_index(output, (
        {"url": r.url, "content": r.content, "language": r.language, "meta": r.meta, "filters": r.filters, "sort": r.sort}
        for r in records
    ), language)
    sort_filters(output)


def lychee_command(site_dir: Path | str, *, root: Path | None = None) -> list[str]:
    """The offline internal-link check of a built site (config: lychee.toml at the root)."""
    root = Path(root or project_root())
    site_dir = Path(site_dir).resolve()
    exe = shutil.which("lychee") or str(Path(sys.executable).parent / "lychee")
    return [exe, "--config", str(root / "lychee.toml"), "--offline", "--root-dir", str(site_dir), "--no-progress", str(site_dir)]


def run_link_check(site_dir: Path | str, *, root: Path | None = None) -> str:
    """Run lychee offline over the built site; raises BuildError listing broken links."""
    root = Path(root or project_root())
    result = subprocess.run(lychee_command(site_dir, root=root), cwd=root, capture_output=True, text=True)
    if result.returncode != 0:
        raise BuildError("broken internal links:\n" + (result.stdout + result.stderr).strip())
    return result.stdout
