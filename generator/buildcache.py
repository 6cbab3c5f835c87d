"""Disposable, content-keyed caches that make a daily build cost what changed.

One SQLite file (``<cache dir>/build.sqlite``) holds:

* ``files``: each archive YAML file parsed and validated, as the model's JSON, with an item's
  light summary beside it, keyed by the file's content fingerprint (its git blob hash, or
  for files git does not know as committed, the SHA-1 of their bytes). Keys carry a digest
  of the models' schema and the parsers' versions: a change misses every entry instead of
  reading stale shapes.
* ``pages``: rendered Markdown per page, keyed by the hash of its inputs (``memo.Memo``: the
  data handed to its template, or for a day page the facts it reads), the code, the
  renderers' versions and the settings (``page_salt``).
* ``html``: MkDocs' conversion of a page's Markdown, with what it looked up and logged;
  ``output``: each page as the theme rendered it, zlib-compressed; ``theme``: what the
  theme's templates name. Keyed as ``render.mkdocs_cache`` says: the engine (versions,
  mkdocs.yml, hooks, plugins, configuration) and each step's whole input.

Every look-up, compute and store goes through ``memo.Memo``. A build's writes are one
transaction, committed only when the whole build succeeded (``close(commit=...)``).

The YAML under ``data/`` stays the only source of truth: deleting the cache changes nothing
but the build time (a test checks that a warm build and a cold one give the same site byte
for byte). Entries a build did not use are dropped at its end, so the cache tracks the
archive instead of growing.
"""

from __future__ import annotations

import concurrent.futures
import ctypes
import gc
import hashlib
import importlib.metadata
import json
import multiprocessing
import os
import sqlite3
import subprocess
from pathlib import Path
from typing import Iterable, Iterator

from .memo import Memo
from .models import Edition, Item

FORMAT = 3  # 3: item summaries carry the interests matched and the reader's rating
CACHE_ENV = "BRIEFING_CACHE_DIR"


# The libraries that read the archive's files, and those that turn its data into pages:
# their versions are part of what a parsed file, and what a rendered page, is keyed by.
PARSERS = ("yaml-rs", "pydantic", "pydantic-core", "PyYAML")
RENDERERS = ("Jinja2", "MarkupSafe", "pylatexenc")


def installed_versions(names: Iterable[str]) -> dict[str, str | None]:
    """{distribution: installed version (None: not installed)}."""
    out: dict[str, str | None] = {}
    for name in names:
        try:
            out[name] = importlib.metadata.version(name)
        except importlib.metadata.PackageNotFoundError:
            out[name] = None
    return out


def schema_digest() -> str:
    """Changes whenever the stored models' shape changes, the parsers' versions or this
    cache's format."""
    text = json.dumps([FORMAT, Item.model_json_schema(), Edition.model_json_schema(), installed_versions(PARSERS)], sort_keys=True)
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def code_digest(*folders: Path) -> str:
    """A digest of the source files (``.py`` and templates) under ``folders``."""
    digest = hashlib.sha256()
    for folder in folders:
        for path in sorted(p for p in folder.rglob("*") if p.is_file() and p.suffix in (".py", ".md", ".html")):
            digest.update(path.name.encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()[:16]


def fingerprints(root: Path, paths: Iterable[Path]) -> dict[Path, str]:
    """Content fingerprints of ``paths`` (files under ``root``): git blob hashes where the
    working copy is what git has, else (outside a git checkout too) the SHA-1 of the bytes.
    Never size and time: a restored cache or a copied checkout can keep both while the
    content differs."""
    blobs = _git_blobs(root) or {}
    out: dict[Path, str] = {}
    for path in paths:
        blob = blobs.get(relative(path, root))
        out[path] = "g" + blob if blob else "h" + hashlib.sha1(path.read_bytes()).hexdigest()
    return out


def relative(path: Path, root: Path) -> str:
    """``path.relative_to(root).as_posix()`` for a path found under ``root``, by string: the
    pathlib version costs seconds over 40,000 files."""
    text, base = os.fspath(path), os.fspath(root).rstrip(os.sep)
    if not text.startswith(base + os.sep):
        return Path(path).relative_to(root).as_posix()
    return text[len(base) + 1:].replace(os.sep, "/")


def _git_blobs(root: Path) -> dict[str, str] | None:
    """{path relative to ``root``: blob hash} for the files under ``root`` whose working copy
    is what git has; None when ``root`` is not in a git checkout (or git is missing)."""

    def git(*args: str) -> str | None:
        try:
            result = subprocess.run(["git", *args], cwd=root, capture_output=True, text=True)
        except (FileNotFoundError, NotADirectoryError):
            return None
        return result.stdout if result.returncode == 0 else None

    if not Path(root).is_dir():
        return None
    listing = git("ls-files", "-s", "-z", "--", ".")
    changed = git("ls-files", "-z", "-m", "-o", "--exclude-standard", "--", ".")  # modified or untracked
    if listing is None or changed is None:
        return None
    dirty = set(changed.split("\0"))
    blobs = {}
    for entry in listing.split("\0"):
        meta, tab, name = entry.partition("\t")
        if tab and name not in dirty:
            blobs[name] = meta.split()[1]
    return blobs


def default_dir() -> Path | None:
    """``$BRIEFING_CACHE_DIR`` (empty: no cache), else ``.cache/briefing`` in the project."""
    value = os.environ.get(CACHE_ENV)
    if value is not None:
        return Path(value) if value.strip() else None
    return Path(".cache") / "briefing"


class BuildCache:
    """The cache database; ``BuildCache(None)`` is a cold build's: it starts empty, keeps
    only parsed files, in a temporary database, and is gone when the build ends."""

    def __init__(self, folder: Path | None, *, name: str = "build.sqlite", tables: tuple[str, ...] = ("files", "pages", "html", "output", "theme")):
        self.folder = Path(folder) if folder else None
        self.schema = schema_digest()
        self._used: dict[str, set[str]] = {table: set() for table in tables}
        if self.folder is not None:
            self.folder.mkdir(parents=True, exist_ok=True)
            self.db = sqlite3.connect(self.folder / name, isolation_level=None, timeout=60)
            self.db.execute("PRAGMA journal_mode=WAL")
            self.db.execute("PRAGMA synchronous=NORMAL")
        else:  # no cache: parsed files go to a private temporary database (deleted on close),
            # so a day's items are read back without keeping the archive in memory
            self.db = sqlite3.connect("", isolation_level=None)
        for table in self._used:
            self.db.execute(f"CREATE TABLE IF NOT EXISTS {table} (key TEXT PRIMARY KEY, value BLOB NOT NULL)")
        self.db.execute("BEGIN")

    # ---- generic

    def get(self, table: str, key: str) -> bytes | None:
        self._used[table].add(key)
        if self.folder is None and table != "files":
            return None
        row = self.db.execute(f"SELECT value FROM {table} WHERE key = ?", (key,)).fetchone()
        return row[0] if row else None

    def get_many(self, table: str, keys: Iterable[str]) -> dict[str, bytes]:
        keys = list(keys)
        self._used[table].update(keys)
        if not keys:
            return {}
        found: dict[str, bytes] = {}
        for start in range(0, len(keys), 900):  # SQLite's bound-parameter limit
            chunk = keys[start:start + 900]
            marks = ",".join("?" * len(chunk))
            found.update(self.db.execute(f"SELECT key, value FROM {table} WHERE key IN ({marks})", chunk).fetchall())
        return found

    def keep(self, table: str, key: str) -> None:
        """Count an entry as used (not pruned at the end) without reading it."""
        self._used[table].add(key)

    def put(self, table: str, key: str, value: bytes) -> None:
        self._used[table].add(key)
        if self.folder is None and table != "files":
            return  # nothing outlives a build without a cache
        self.db.execute(f"INSERT OR REPLACE INTO {table} (key, value) VALUES (?, ?)", (key, value))

    def file_key(self, kind: str, fingerprint: str) -> str:
        return f"{kind}:{self.schema}:{fingerprint}"

    def close(self, *, commit: bool = True, prune: bool = True) -> None:
        """Commit (with ``prune``, dropping what this build did not use), or with
        ``commit=False`` leave the database as it was before this build."""
        if self.db is None:
            return
        if not commit:
            self.db.execute("ROLLBACK")
        else:
            if prune and self.folder is not None:
                self._prune()
            self.db.execute("COMMIT")
        self.db.close()
        self.db = None

    def _prune(self) -> None:
        self.db.execute("CREATE TEMP TABLE IF NOT EXISTS keep (key TEXT PRIMARY KEY)")
        for table, keys in self._used.items():
            self.db.execute("DELETE FROM keep")
            self.db.executemany("INSERT OR IGNORE INTO keep (key) VALUES (?)", ((k,) for k in keys))
            self.db.execute(f"DELETE FROM {table} WHERE key NOT IN (SELECT key FROM keep)")


def release_memory() -> None:
    """Collect, then hand the heap's free pages back to the OS: glibc keeps what a process
    freed (here, the archive's index once the pages are written) for its own next use, so
    it would still count against the build beside Pagefind. Elsewhere, only the collection."""
    gc.collect()
    try:
        ctypes.CDLL(None).malloc_trim(0)
    except (AttributeError, OSError):  # not glibc
        pass


def page_salt(settings, *folders: Path) -> str:
    """What every rendered page depends on besides its data: the generator's code and
    templates, the versions of the libraries that render them, and the settings (secrets
    and the data folder's location left out)."""
    fixed = settings.model_dump(mode="json", exclude={"llm", "data_dir"})
    package = Path(__file__).resolve().parent
    parts = [code_digest(package, *folders), installed_versions(RENDERERS), fixed]
    return hashlib.sha256(json.dumps(parts, sort_keys=True).encode()).hexdigest()


# Below this many files to parse, a second process costs more than it saves; files go to it
# in chunks of this many, so neither process holds more than a chunk of parsed items.
PARALLEL_PARSE_MIN = 2000
PARSE_CHUNK = 500


def _parse_items(paths: list[Path]) -> Iterator[tuple[Path, tuple[bytes, bytes]]]:
    """(path, (the item's JSON, its summary row)) of each item file to parse, in chunks.

    A cold build parses every file (the YAML parser and pydantic: most of a cold build's
    first quarter, while the second core has nothing to do yet), so with many files and more
    than one core a forked child parses the first half while this process parses the rest.
    A file the child cannot parse is parsed again here, so its error is raised as this
    process would raise it.
    """
    if len(paths) < PARALLEL_PARSE_MIN or (os.cpu_count() or 1) < 2 or "fork" not in multiprocessing.get_all_start_methods():
        yield from ((path, _parsed_item(path)) for path in paths)
        return
    half = len(paths) // 2
    chunks = [paths[i:min(i + PARSE_CHUNK, half)] for i in range(0, half, PARSE_CHUNK)]
    pool = concurrent.futures.ProcessPoolExecutor(1, mp_context=multiprocessing.get_context("fork"))
    try:
        shares = [pool.submit(_parse_share, chunk) for chunk in chunks]
        yield from ((path, _parsed_item(path)) for path in paths[half:])
        for chunk, share in zip(chunks, shares):
            parsed = share.result()
            yield from ((path, parsed.get(path) or _parsed_item(path)) for path in chunk)
    finally:  # after an error here, the child's remaining chunks are not worth parsing
        pool.shutdown(cancel_futures=True)


def _parse_share(paths: list[Path]) -> dict[Path, tuple[bytes, bytes]]:
    """The child's half: files it could not parse are left out (see :func:`_parse_items`)."""
    out = {}
    for path in paths:
        try:
            out[path] = _parsed_item(path)
        except Exception:  # noqa: BLE001 (the parent parses it again and reports it)
            continue
    return out


def _parse(path: Path, model):
    from .store import read_yaml

    return model.model_validate(read_yaml(path))


def _parsed_item(path: Path) -> tuple[bytes, bytes]:
    from .render.index import ItemSummary

    item = _parse(path, Item)
    return _model_json(item), _summary_row((item.id, ItemSummary.of(item)))


def _model_json(model) -> bytes:
    return model.model_dump_json().encode()


def _summary_row(entry) -> bytes:
    """An item's id and light summary (``index.ItemSummary``) as the cache keeps them."""
    item_id, summary = entry
    return json.dumps([item_id, *summary.row()], ensure_ascii=False).encode()


def _summary(row: bytes):
    from .render.index import ItemSummary

    item_id, *fields = json.loads(row)
    return item_id, ItemSummary.from_row(fields)


class CachedArchive:
    """The archive read through the cache: every edition, a light summary of every item,
    and one edition's items on demand (so a build holds one day of items at a time)."""

    def __init__(self, root: Path, cache: BuildCache):
        from .store import Archive

        self.archive = Archive(root)
        self.cache = cache
        self.item_paths = list(self.archive.item_files())
        self.edition_paths = self.archive.edition_files()
        self.prints = fingerprints(self.archive.root, [*self.item_paths, *self.edition_paths])
        self._files_by_id: dict[str, tuple[Path, str | None]] = {}
        self._versions: dict = {}  # edition date -> version
        self.edition_memo = Memo(cache, "files", dump=_model_json, load=Edition.model_validate_json)
        self.item_memo = Memo(cache, "files", dump=_model_json, load=Item.model_validate_json)
        self.summary_memo = Memo(cache, "files", dump=_summary_row, load=_summary)

    def editions(self) -> list[Edition]:
        keys = {path: self.cache.file_key("edition", self.prints[path]) for path in self.edition_paths}
        return list(self.edition_memo.many(keys, lambda missing: ((path, _parse(path, Edition)) for path in missing)).values())

    def summaries(self) -> dict:
        """{item id: ItemSummary} for every item file (parsing only files not cached; many of
        them, half in a second process: see :func:`_parse_items`)."""

        def parse(missing: list[Path]):
            for path, (item_json, row) in _parse_items(missing):
                self.cache.put("files", self.cache.file_key("item", self.prints[path]), item_json)
                yield path, _summary(row)

        keys = {path: self.cache.file_key("summary", self.prints[path]) for path in self.item_paths}
        found = self.summary_memo.many(keys, parse)
        for path in self.item_paths:  # an item row goes with its summary row
            self.cache.keep("files", self.cache.file_key("item", self.prints[path]))
        return dict(found.values())

    def items_of(self, edition: Edition) -> dict[str, Item]:
        """The edition's items that exist, read from the cache (the YAML when not cached)."""
        out = {}
        for item_id in edition.item_ids():
            path, fp = self._item_file(item_id)
            if fp is not None:
                item = self.item_memo.by_key(self.cache.file_key("item", fp), lambda path=path: _parse(path, Item))
                out[item.id] = item
        return out

    def version(self, edition: Edition) -> str:
        """A digest of the edition's file and its items' files (what a day page is made of);
        remembered, as the search records and several page families ask for each edition."""
        found = self._versions.get(edition.date)
        if found is None:
            found = self._versions[edition.date] = self._version(edition)
        return found

    def _version(self, edition: Edition) -> str:
        digest = hashlib.sha256(self.prints.get(self.archive.edition_file(edition.date), "").encode())
        for item_id in edition.item_ids():
            digest.update(b"\0" + item_id.encode() + b"=" + (self._item_file(item_id)[1] or "-").encode())
        return digest.hexdigest()

    def _item_file(self, item_id: str) -> tuple[Path, str | None]:
        """An item's file and its fingerprint (None: no such file); remembered, as every
        day page, search record and version asks again for the same items."""
        found = self._files_by_id.get(item_id)
        if found is None:
            path = self.archive.item_file(item_id)
            found = self._files_by_id[item_id] = (path, self.prints.get(path))
        return found
