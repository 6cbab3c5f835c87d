"""Building the site: MkDocs (strict) and, beside it, Pagefind, as subprocesses.

``build_site(settings, site_dir)`` is what ``briefing build`` calls. The MkDocs run reads the
same settings: they are written to a temporary settings file (secrets left out) named by
``BRIEFING_CONFIG``, which the briefing plugin (``mkdocs_plugin``) loads.
The plugin writes the search records (a file a month, each bundle announced once its
months are written: ``write_search_parts``) before it renders any page; this process indexes
each bundle as it comes while MkDocs renders and writes the pages (``index_streamed_parts``),
so the two longest jobs of a build share the machine's cores instead of taking turns.
``run_link_check(site_dir)`` runs lychee offline over the built site (internal links and
anchors); ``build_site(..., check_links=True)`` does it after the build.

``cache_dir`` (``briefing build`` passes ``.cache/briefing`` unless ``--no-cache``) holds the
build cache (``generator.buildcache``: parsed archive, rendered pages, MkDocs' conversions,
themed pages; committed only when the whole build succeeded) and each Pagefind bundle, keyed by its search records: only a bundle whose items changed is
indexed again (the newest month's, from day to day). Everything there is disposable; without it the site is the same.
"""

from __future__ import annotations

import hashlib
import importlib.metadata
import itertools
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Callable, Iterable

from ..errors import BuildError
from ..settings import Settings
from .pagefind_bundle import sort_filters
from .pagefind_service import write_index
from .search import SearchRecord, search_records

SEARCH_PARTS_ENV = "AI_BRIEFING_SEARCH_PARTS"  # the folder the plugin writes the search records to
BUNDLE_CAP_ENV = "AI_BRIEFING_RECORDS_PER_BUNDLE"  # and the bundle cap it cuts them by (RECORDS_PER_BUNDLE)
PARTS_MANIFEST = "parts.json"  # written last: the records' files are complete
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


def _failure(what: str, returncode: int, output: str) -> BuildError:
    tail = "\n".join(output.strip().splitlines()[-30:])
    return BuildError(f"{what} failed (exit {returncode}):\n{tail}")


class _Background:
    """A command running beside the caller, its output in a file (no pipe to fill up);
    ``finish()`` waits for it and raises BuildError with its last lines if it failed. Leaving
    the block any other way (an error here) stops it."""

    def __init__(self, command: list[str], *, cwd: Path, env: dict[str, str], what: str) -> None:
        self.command, self.cwd, self.env, self.what = command, cwd, env, what

    def __enter__(self) -> "_Background":
        self.output = tempfile.TemporaryFile("w+", encoding="utf-8", errors="replace")
        self.process = subprocess.Popen(self.command, cwd=self.cwd, env=self.env, stdout=self.output, stderr=subprocess.STDOUT, text=True)
        return self

    def running(self) -> bool:
        return self.process.poll() is None

    def finish(self) -> None:
        if self.process.wait() != 0:
            self.output.seek(0)
            raise _failure(self.what, self.process.returncode, self.output.read())

    def __exit__(self, *exc) -> None:
        if self.process.poll() is None:
            self.process.kill()
            self.process.wait()
        self.output.close()


def build_site(
    settings: Settings,
    site_dir: Path | str,
    *,
    check_links: bool = False,
    search: bool = True,
    root: Path | None = None,
    cache_dir: Path | str | None = None,
) -> None:
    """Build the static site into ``site_dir``: ``mkdocs build --strict`` and Pagefind beside it.

    ``check_links=True`` then runs lychee offline over the result (raises BuildError on a
    broken internal link or anchor). ``search=False`` skips the Pagefind index (faster, for
    tests that do not search). ``root`` is the folder with mkdocs.yml (default:
    :func:`project_root`). ``cache_dir``: the build cache (None: a cold build, nothing kept).
    """
    root = Path(root or project_root())
    site_dir = Path(site_dir).resolve()
    cache = Path(cache_dir).resolve() if cache_dir else None
    with tempfile.TemporaryDirectory(prefix="briefing-build-") as tmp:
        parts_dir = Path(tmp) / "search-parts"  # the plugin writes the records there
        env = mkdocs_environment(settings, Path(tmp), cache)
        if search:
            env[SEARCH_PARTS_ENV], env[BUNDLE_CAP_ENV] = str(parts_dir), str(RECORDS_PER_BUNDLE)
        command = [sys.executable, "-m", "mkdocs", "build", "--strict", "--clean", "-f", str(root / "mkdocs.yml"), "-d", str(site_dir)]
        with _Background(command, cwd=root, env=env, what="mkdocs build") as mkdocs:
            # MkDocs renders and writes the pages while Pagefind indexes the records beside it:
            # the plugin hands them over before it renders a page (two cores, two jobs).
            if search:
                parts = index_streamed_parts(parts_dir, site_dir, settings.language, mkdocs.running,
                                             cache_dir=cache / "pagefind" if cache else None)
            mkdocs.finish()
        if search and parts is None:
            raise BuildError("mkdocs build wrote no search records: is the briefing plugin listed in mkdocs.yml (plugins: [briefing])?")
    if check_links:
        run_link_check(site_dir, root=root)


def mkdocs_environment(settings: Settings, folder: Path, cache: Path | None) -> dict[str, str]:
    """The environment MkDocs runs in: the settings as a file in ``folder`` (secrets left out)
    named by ``BRIEFING_CONFIG``, which the plugin loads, and the build cache's folder."""
    env = {**os.environ, **BANNER_ENV, "BRIEFING_CONFIG": str(_settings_file(settings, folder))}
    # Settings already carry any BRIEFING_ overrides; don't let them apply twice.
    for name in list(env):
        if name.startswith("BRIEFING_") and name != "BRIEFING_CONFIG":
            del env[name]
    env["BRIEFING_CACHE_DIR"] = str(cache / "build") if cache else ""
    return env


def build_in_process(
    settings: Settings, site_dir: Path | str, *, root: Path | None = None, cache_dir: Path | str | None = None,
    plugins: dict | None = None,
) -> None:
    """``mkdocs build --strict`` in this process, as its command line runs it (the plugins'
    ``on_startup`` and ``on_shutdown`` around the build), without Pagefind: for tests that
    change what MkDocs sees from inside (a faked version), and for the profiler, whose
    ``plugins`` ({name: plugin}) join mkdocs.yml's. Raises BuildError when the build fails."""
    from mkdocs.commands.build import build
    from mkdocs.config import load_config
    from mkdocs.exceptions import MkDocsException

    import logging

    root = Path(root or project_root())
    cache = Path(cache_dir).resolve() if cache_dir else None
    saved = dict(os.environ)
    mkdocs_log = logging.getLogger("mkdocs")
    level, mkdocs_log.level = mkdocs_log.level, logging.INFO  # as `mkdocs build` sets it
    with tempfile.TemporaryDirectory(prefix="briefing-build-") as tmp:
        os.environ.clear()
        os.environ.update({k: v for k, v in mkdocs_environment(settings, Path(tmp), cache).items() if k != SEARCH_PARTS_ENV})
        try:
            config = load_config(config_file=str(root / "mkdocs.yml"), site_dir=str(Path(site_dir).resolve()), strict=True)
            for name, plugin in (plugins or {}).items():
                config.plugins[name] = plugin  # (PluginCollection registers its events on assignment)
            config.plugins.on_startup(command="build", dirty=False)
            try:
                build(config)
            finally:
                config.plugins.on_shutdown()
        except MkDocsException as error:
            raise BuildError(f"mkdocs build failed: {error}") from error
        finally:
            os.environ.clear()
            os.environ.update(saved)
            mkdocs_log.setLevel(level)


# Pagefind holds a bundle's every record in memory while it builds it (about 0.13 MB a record
# over ~60 MB of its own, PERFORMANCE.md), and it runs beside MkDocs (~330 MB at five years):
# a bundle of at most this many records keeps the two under 600 MB together.
RECORDS_PER_BUNDLE = 1600


def build_search_index(
    site_dir: Path, settings: Settings, records: list[SearchRecord] | None = None, *, cache_dir: Path | None = None,
) -> list[str]:
    """Pagefind indexes of item records (``search.search_records``; without ``records`` the
    archive is loaded here), a year's in one or more bundles (:func:`bundle_parts`), merged in
    the browser: :func:`index_parts` over records in memory. Returns the bundles written."""
    if records is None:
        from ..store import Archive

        archive = Archive(settings.data_dir)
        records = search_records(archive.load_items(), archive.load_editions(), settings)
    return index_parts(site_dir, bundle_parts(records), settings.language, cache_dir=cache_dir)


def index_parts(
    site_dir: Path, parts: list[tuple[str, list[SearchRecord]]], language: str, *, cache_dir: Path | None = None,
) -> list[str]:
    """Pagefind over each bundle's records (``(label, records)``, newest first, as
    :func:`bundle_parts` cuts them), one bundle after the other; see :func:`_publish`."""
    used: set[str] = set()
    for number, (_, records) in enumerate(parts):
        months = [_month_json(list(group)) for _, group in itertools.groupby(records, key=_month)]
        _index_part(_part_folder(site_dir, number), _month(records[0]) if records else "none", months, language, cache_dir, used)
    return _publish(site_dir, [label for label, _ in parts], list(range(len(parts))), cache_dir, used)


def _part_folder(site_dir: Path, number: int) -> Path:
    return site_dir / f".pagefind-part-{number:03d}"


def _publish(site_dir: Path, labels: list[str], numbers: list[int], cache_dir: Path | None, used: set[str]) -> list[str]:
    """Name the indexed bundles (``numbers[i]`` is the folder of ``labels[i]``, newest first).

    Each item is one search result (its card on the day it first appeared); memory is
    bounded by a bundle, not by the archive. The newest bundle is ``pagefind/`` (the search
    page loads its UI); the others are ``pagefind-<year>/`` or, cut, ``pagefind-<year>-<first
    month>/``. ``pagefind/bundles.json`` lists ``[year, [bundle, ...]]`` newest first: the
    search page offers the years as checkboxes, searches the newest by default and merges the
    bundles of the years ticked with ``mergeIndex``. With ``cache_dir``, a bundle whose records
    are unchanged came from there (only the newest month's changes from day to day); the
    cache's other bundles are dropped. Returns the bundles' names.
    """
    names = ["pagefind" if i == 0 else f"pagefind-{label}" for i, label in enumerate(labels)]
    for name, number in zip(names, numbers):
        shutil.rmtree(site_dir / name, ignore_errors=True)
        _part_folder(site_dir, number).rename(site_dir / name)
    if cache_dir is not None:  # drop bundles of records that are gone
        for stale in cache_dir.iterdir():
            if stale.name not in used:
                shutil.rmtree(stale, ignore_errors=True)
    listing: dict[str, list[str]] = {}
    for name, label in zip(names, labels):
        listing.setdefault(label[:4], []).append(name)
    (site_dir / "pagefind" / "bundles.json").write_text(json.dumps(list(map(list, listing.items()))) + "\n", encoding="utf-8")
    return names


def write_search_parts(records: Iterable[SearchRecord], folder: Path | str, cap: int | None = None) -> None:
    """The records for ``briefing build``'s Pagefind step, oldest first, as they come.

    A file a month; each bundle (a run of months, :func:`bundle_months`) is announced in
    ``run-<n>.json`` as soon as it is complete, so Pagefind starts on the oldest while the
    newest are still being read; the manifest of all bundles, labelled, comes last. Only one
    month's records are held at a time.
    """
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    cutter = _MonthRuns(cap or RECORDS_PER_BUNDLE)
    months: set[str] = set()
    runs: list[list[str]] = []
    for month, group in itertools.groupby(records, key=_month):
        if month in months:
            raise BuildError(f"search records of {month} are not together: records must come oldest first")
        months.add(month)
        _announce(folder, runs, cutter.begin(month))  # a new year: the last one's bundles are complete
        rows = list(group)
        (folder / f"{month}.json").write_bytes(_month_json(rows))
        _announce(folder, runs, cutter.add(month, len(rows)))
    _announce(folder, runs, cutter.finish())
    _write_atomic(folder / PARTS_MANIFEST, json.dumps(_labelled(runs)))


def search_parts_wanted() -> tuple[Path, int] | None:
    """Where ``briefing build`` wants the search records and the bundle cap (in the MkDocs
    process, from the environment build_site set); None when no search index is built."""
    folder = os.environ.get(SEARCH_PARTS_ENV)
    if not folder:
        return None
    return Path(folder), int(os.environ.get(BUNDLE_CAP_ENV) or RECORDS_PER_BUNDLE)


def _announce(folder: Path, runs: list[list[str]], complete: list[list[str]]) -> None:
    for months in complete:
        _write_atomic(folder / f"run-{len(runs):03d}.json", json.dumps(months))
        runs.append(months)


def _write_atomic(path: Path, text: str) -> None:
    partial = path.with_name(path.name + ".partial")
    partial.write_text(text, encoding="utf-8")
    partial.rename(path)  # the reader polls: it sees the whole file or none


def _month_json(records: list[SearchRecord]) -> bytes:
    """A month's records as its file holds them (and as a bundle's cache key hashes them)."""
    return json.dumps([r.as_row() for r in records], ensure_ascii=False).encode("utf-8")


def _records_of(months_json: list[bytes]) -> list[SearchRecord]:
    return [SearchRecord(**row) for month in months_json for row in json.loads(month)]


def index_streamed_parts(
    folder: Path, site_dir: Path, language: str, writing: Callable[[], bool], *, cache_dir: Path | None = None, poll: float = 0.05,
) -> list[str] | None:
    """Index each bundle :func:`write_search_parts` announces in ``folder`` as it comes
    (while ``writing()`` says the writer still runs), then name them from its manifest.
    None if the writer ended without a manifest. Returns the bundles' names."""
    used: set[str] = set()
    done: dict[tuple[str, ...], int] = {}
    manifest_path = folder / PARTS_MANIFEST
    while True:
        announced = folder / f"run-{len(done):03d}.json"
        if announced.exists():
            months = json.loads(announced.read_text(encoding="utf-8"))
            months_json = [(folder / f"{month}.json").read_bytes() for month in months]
            _index_part(_part_folder(site_dir, len(done)), months[0], months_json, language, cache_dir, used)
            done[tuple(months)] = len(done)
            continue
        if manifest_path.exists():
            manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
            if len(manifest) == len(done):
                break
        elif not writing():
            if not (announced.exists() or manifest_path.exists()):  # it may have just written them
                return None
            continue
        time.sleep(poll)
    if not manifest:  # no records at all: an empty bundle, so the search page still loads
        manifest = [["", []]]
        _index_part(_part_folder(site_dir, 0), "none", [], language, cache_dir, used)
        done[()] = 0
    return _publish(site_dir, [label for label, _ in manifest], [done[tuple(months)] for _, months in manifest], cache_dir, used)


def bundle_parts(records: list[SearchRecord], cap: int | None = None) -> list[tuple[str, list[SearchRecord]]]:
    """``(label, records)`` per bundle, newest first (:func:`bundle_months`)."""
    by_month: dict[str, list[SearchRecord]] = {}
    for record in records:
        by_month.setdefault(_month(record), []).append(record)
    parts = [(label, [r for month in months for r in by_month[month]])
             for label, months in bundle_months({m: len(rs) for m, rs in by_month.items()}, cap)]
    return parts or [("", [])]


def bundle_months(counts: dict[str, int], cap: int | None = None) -> list[tuple[str, list[str]]]:
    """``(label, months)`` per bundle, newest first, from the records per month (``yyyy-mm``).

    A year is one bundle (label ``2025``) or, over ``cap`` records, runs of whole months of at
    most ``cap`` records each, filled from January (labels ``2025-01``, ``2025-05``, ...; a
    month over the cap stays whole). The archive's newest month is a bundle of its own: the
    daily build indexes again only that month, and once a month the run it then joins.
    """
    cutter = _MonthRuns(cap or RECORDS_PER_BUNDLE)
    runs = [run for month in sorted(counts) for run in cutter.begin(month) + cutter.add(month, counts[month])]
    return _labelled(runs + cutter.finish())


class _MonthRuns:
    """Months, oldest first, cut into the runs :func:`bundle_months` describes, each run given
    back as soon as it is complete (so a stream of records can announce it)."""

    def __init__(self, cap: int) -> None:
        self.cap, self.run, self.size = cap, [], 0

    def _close(self) -> list[list[str]]:
        run, self.run, self.size = self.run, [], 0
        return [run] if run else []

    def begin(self, month: str) -> list[list[str]]:
        """Before a month's records: a new year completes the last one's runs."""
        return self._close() if self.run and month[:4] != self.run[0][:4] else []

    def add(self, month: str, count: int) -> list[list[str]]:
        """A month and its record count: the run it does not fit in is complete."""
        closed = self._close() if self.run and self.size + count > self.cap else []
        self.run.append(month)
        self.size += count
        return closed

    def finish(self) -> list[list[str]]:
        """The last runs: the newest month is a run of its own."""
        newest = self.run[-1:]
        self.run = self.run[:-1]
        return self._close() + ([newest] if newest else [])


def _labelled(runs: list[list[str]]) -> list[tuple[str, list[str]]]:
    """``(label, months)`` newest first: a year's label, or its run's first month when cut."""
    years: dict[str, list[list[str]]] = {}
    for run in runs:
        years.setdefault(run[0][:4], []).append(run)
    return [(year if len(years[year]) == 1 else run[0], run) for year in sorted(years, reverse=True) for run in reversed(years[year])]


def _month(record: SearchRecord) -> str:
    return record.sort["date"][:7]


def _records_digest(months_json: list[bytes], language: str) -> str:
    """A digest of a bundle's records (its months' JSON) and of the indexer."""
    digest = hashlib.sha256(json.dumps([importlib.metadata.version("pagefind"), language]).encode())
    for month in months_json:
        digest.update(hashlib.sha256(month).digest())
    return digest.hexdigest()[:24]


def _index_part(target: Path, first_month: str, months_json: list[bytes], language: str, cache_dir: Path | None, used: set[str]) -> None:
    """Pagefind over one bundle's records (its months' JSON) into ``target``, or that bundle
    from the cache, where it is kept under its first month and a digest of its records (read
    into records only when Pagefind needs them)."""
    if cache_dir is None:
        _write_index(target, _records_of(months_json), language)
        return
    stored = cache_dir / f"{first_month}-{_records_digest(months_json, language)}"
    used.add(stored.name)
    if not stored.is_dir():
        _write_index(target, _records_of(months_json), language)
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
