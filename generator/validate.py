"""``briefing validate``: every file under data/ against the schema and cross-references.

Each fault is reported as ``path:line: field: problem`` (or as a GitHub annotation), where the
line is the one holding the offending key, found from the YAML node tree.

With a cache folder (``briefing validate`` uses ``.cache/briefing``; ``--all`` none), a file
whose content fingerprint (``buildcache.fingerprints``: git blob hash, else a hash of its
bytes) was found valid before, by this schema and this module's checks, is not parsed
again: an item's id and an edition's item references are kept with it, so duplicate ids and
every edition -> item reference are still checked across the whole archive on every run.
"""

from __future__ import annotations

import gc
import hashlib
import json
import os
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterator

import yaml
from pydantic import BaseModel, ValidationError

from .ids import KIND_OF_PREFIX, item_path
from .models import Edition, Item, Library, RatingsFile
from .buildcache import relative
from .store import TMP_PREFIX, SafeLoader, YamlSyntaxError, files_below, parse_yaml


@dataclass(frozen=True)
class Fault:
    path: str
    line: int
    field: str
    problem: str

    def text(self) -> str:
        return f"{self.path}:{self.line}: {self.field}: {self.problem}"

    def github(self) -> str:
        # https://docs.github.com/actions/reference/workflow-commands-for-github-actions#setting-an-error-message
        message = f"{self.field}: {self.problem}".replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
        return f"::error file={self.path},line={self.line},title=briefing validate::{message}"


def _line_of(node: yaml.Node | None, loc: tuple[Any, ...]) -> int:
    """The 1-based line of the deepest node along ``loc`` that exists in the file."""
    line = node.start_mark.line + 1 if node is not None else 1
    for key in loc:
        if isinstance(node, yaml.MappingNode):
            match = next(((k, v) for k, v in node.value if k.value == str(key)), None)
            if match is None:
                break
            line = match[0].start_mark.line + 1
            node = match[1]
        elif isinstance(node, yaml.SequenceNode) and isinstance(key, int) and key < len(node.value):
            node = node.value[key]
            line = node.start_mark.line + 1
        else:
            break
    return line


def _field(loc: tuple[Any, ...]) -> str:
    text = ""
    for part in loc:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text or "(file)"


class _Source:
    """One file; its YAML node tree (slow, pure Python) is built only to place a fault.

    Made from the text already read, or from a path read only if a fault needs a line.
    """

    def __init__(self, text: str | None = None, *, path: Path | None = None):
        self._text, self._path = text, path
        self._node: yaml.Node | None = None

    @property
    def text(self) -> str:
        if self._text is None:
            self._text = self._path.read_text(encoding="utf-8")
        return self._text

    def line(self, loc: tuple[Any, ...]) -> int:
        if self._node is None:
            self._node = yaml.compose(self.text, Loader=SafeLoader)
        return _line_of(self._node, loc)


def _load(path: Path, shown: str, model: type[BaseModel]) -> tuple[BaseModel | None, list[Fault], _Source | None, Any]:
    try:
        source = _Source(path.read_text(encoding="utf-8"))
        data = parse_yaml(source.text)
    except UnicodeDecodeError as exc:
        return None, [Fault(shown, 1, "(file)", f"not UTF-8 text ({exc.reason}); save the file as UTF-8")], None, None
    except YamlSyntaxError as exc:
        return None, [Fault(shown, exc.line or 1, "(syntax)", f"not valid YAML: {exc.problem}")], None, None
    if not isinstance(data, dict):
        return None, [Fault(shown, 1, "(file)", "expected a mapping of fields")], source, data
    try:
        return model.model_validate(data), [], source, data
    except ValidationError as exc:
        faults = []
        for error in exc.errors():
            loc = tuple(p for p in error["loc"] if not (isinstance(p, str) and p.startswith("function-")))
            problem = "unknown field (remove it or fix its spelling)" if error["type"] == "extra_forbidden" else error["msg"]
            if loc == ("rating",) or (len(loc) == 3 and loc[0] == "ratings" and loc[2] == "grade"):
                problem = f"{error['msg']}: write a grade 0-3 (3 must read, 2 relevant, 1 tangential, 0 not for me), relevant or not-relevant"
            faults.append(Fault(shown, source.line(loc), _field(loc), problem))
        return None, faults, source, data


# Above this many item files, parsing is spread over processes: YAML construction is CPU-bound
# pure Python, so one core is the limit otherwise (PERFORMANCE.md, "Validation").
PARALLEL_FROM = 1000


class _Known:
    """Files found valid before: key (checks' digest, path, content fingerprint) -> what the
    cross-file checks need (an item's id, an edition's item references)."""

    def __init__(self, cache_dir: Path, data_dir: Path, paths: list[Path]):
        from .buildcache import BuildCache, fingerprints, schema_digest

        self.cache = BuildCache(cache_dir, name="validate.sqlite", tables=("valid",))
        checks = hashlib.sha256(schema_digest().encode() + Path(__file__).read_bytes()).hexdigest()[:16]
        prints = fingerprints(data_dir, paths)
        self.keys = {path: f"{checks}:{relative(path, data_dir)}:{prints[path]}" for path in paths}
        self.found = {k: json.loads(v) for k, v in self.cache.get_many("valid", self.keys.values()).items()}

    def get(self, path: Path):
        return self.found.get(self.keys[path])

    def add(self, path: Path, value) -> None:
        self.cache.put("valid", self.keys[path], json.dumps(value).encode())


def validate(
    data_dir: Path, shown_root: Path | None = None, workers: int | None = None, cache_dir: Path | None = None
) -> list[Fault]:
    """All faults under ``data_dir``; paths are shown relative to ``shown_root`` (default: cwd).

    ``cache_dir``: skip parsing files found valid before (see module docstring)."""
    data_dir = Path(data_dir).resolve()
    root = (shown_root or Path.cwd()).resolve()
    prefix = _shown_prefix(data_dir, root)
    items_dir = data_dir / "items"
    item_files = list(_files(items_dir))
    edition_files = list(_files(data_dir / "briefings"))
    known = _Known(Path(cache_dir), data_dir, item_files + edition_files) if cache_dir else None
    faults: list[Fault] = []
    item_ids: dict[str, str] = {}
    published: dict[str, tuple[str, Path, str]] = {}  # item id -> (its published date, file, shown path)
    for path, (shown, found, (item_id, date), valid) in zip(item_files, _checked_items(item_files, items_dir, prefix, workers, known)):
        faults += found
        if item_id in item_ids and valid:
            line = _Source(path=path).line(("id",))  # rare: place it only now
            faults.append(Fault(shown, line, "id", f"duplicate id {item_id}, also in {item_ids[item_id]}"))
        item_ids.setdefault(item_id, shown)
        if date:
            published.setdefault(item_id, (date, path, shown))
    first_listed: dict[str, str] = {}  # item id -> the first edition that lists it
    for path, (shown, found, edition) in zip(edition_files, _checked_editions(edition_files, data_dir, prefix, workers, known)):
        faults += found
        for ref in edition if isinstance(edition, list) else edition.item_ids() if isinstance(edition, Edition) else []:
            first_listed[ref] = min(first_listed.get(ref, path.stem), path.stem)
        if isinstance(edition, list):  # known valid: only its references need checking
            if all(ref in item_ids for ref in edition):
                continue
            shown, found, edition = _edition_file(path, data_dir, prefix)  # a reference broke: place it
        if isinstance(edition, Edition):
            faults += _check_edition(edition, path, shown, item_ids, _Source(path=path))
    faults += _published_after_listed(published, first_listed)
    if known is not None:
        known.cache.close()
    library_file = data_dir / "library.yaml"
    if library_file.exists():
        faults += _load(library_file, prefix + "library.yaml", Library)[1]
    faults += _check_ledger(data_dir, prefix)
    for leftover in sorted(data_dir.rglob(TMP_PREFIX + "*")) if data_dir.exists() else []:
        faults.append(Fault(prefix + leftover.relative_to(data_dir).as_posix(), 1, "(file)", "temp file left by an interrupted run; the next run removes it"))
    return faults


def _checked_items(paths: list[Path], items_dir: Path, prefix: str, workers: int | None, known: _Known | None) -> list:
    """``_item_file`` for each path, in order; a file known valid is not read."""
    todo = [p for p in paths if known is None or known.get(p) is None]
    checked = dict(zip(todo, _map(_item_file, todo, items_dir, prefix, workers)))
    out = []
    for path in paths:
        if path not in checked:
            out.append((prefix + "items/" + relative(path, items_dir), [], tuple(known.get(path)), True))
            continue
        result = checked[path]
        if known is not None and result[3] and not result[1]:
            known.add(path, list(result[2]))
        out.append(result)
    return out


def _checked_editions(paths: list[Path], data_dir: Path, prefix: str, workers: int | None, known: _Known | None) -> list:
    """``_edition_file`` for each path, in order; for a file known valid, its item
    references (a list) stand in for the edition."""
    todo = [p for p in paths if known is None or known.get(p) is None]
    checked = dict(zip(todo, _map(_edition_file, todo, data_dir, prefix, workers)))
    out = []
    for path in paths:
        if path not in checked:
            out.append((prefix + relative(path, data_dir), [], known.get(path)))
            continue
        shown, found, edition = checked[path]
        if known is not None and isinstance(edition, Edition) and not found and path.stem == edition.date.isoformat():
            known.add(path, [entry.item for section in edition.sections for entry in section.entries])
        out.append((shown, found, edition))
    return out


def _shown_prefix(data_dir: Path, root: Path) -> str:
    try:
        relative = data_dir.relative_to(root).as_posix()
        return "" if relative == "." else relative + "/"
    except ValueError:
        return data_dir.as_posix() + "/"


def _item_file(path: Path, items_dir: Path, prefix: str) -> tuple[str, list[Fault], tuple[str, str], bool]:
    """Check one item file on its own: (shown path, faults, (its id, its published date),
    whether it parsed)."""
    shown = prefix + "items/" + path.relative_to(items_dir).as_posix()
    item, found, source, raw = _load(path, shown, Item)
    if isinstance(item, Item):
        return shown, found + _check_item(item, path, items_dir, shown, source), (item.id, item.published.isoformat()), True
    return shown, found, (_raw_id(path, raw), ""), False


def _edition_file(path: Path, data_dir: Path, prefix: str) -> tuple[str, list[Fault], Edition | None]:
    """Parse and check one edition on its own; cross-references are checked by the caller
    (which reads the file again only if one of them is broken, to place it)."""
    shown = prefix + path.relative_to(data_dir).as_posix()
    edition, found, _, _ = _load(path, shown, Edition)
    return shown, found, edition


def _check_chunk(check, paths: list[Path], base: Path, prefix: str) -> list:
    gc.disable()  # short-lived worker: nothing cyclic worth collecting, and the collector's scans cost parse time
    return [check(path, base, prefix) for path in paths]


def _map(check, paths: list[Path], base: Path, prefix: str, workers: int | None) -> list:
    """``check`` over ``paths`` in order, in worker processes when there are many."""
    workers = workers if workers is not None else (os.cpu_count() or 1)
    if workers <= 1 or len(paths) < PARALLEL_FROM:
        return [check(path, base, prefix) for path in paths]
    size = -(-len(paths) // (workers * 4))
    chunks = [paths[i : i + size] for i in range(0, len(paths), size)]
    with ProcessPoolExecutor(max_workers=workers) as pool:
        results = pool.map(_check_chunk, [check] * len(chunks), chunks, [base] * len(chunks), [prefix] * len(chunks))
        return [entry for chunk in results for entry in chunk]


def _raw_id(path: Path, raw: Any) -> str:
    if isinstance(raw, dict) and raw.get("id"):
        return str(raw["id"])
    return f"arxiv:{path.stem}" if path.parts[-3:-2] == ("paper",) else str(path)


def _files(folder: Path) -> Iterator[Path]:
    yield from (path for path in files_below(folder) if path.name != ".gitkeep")


def _check_item(item: Item, path: Path, items_dir: Path, shown: str, source: _Source) -> list[Fault]:
    faults = []
    try:
        expected = item_path(item.id)
        if path.relative_to(items_dir).as_posix() != expected.as_posix():
            faults.append(Fault(shown, source.line(("id",)), "id", f"item {item.id} belongs in data/items/{expected}, not here"))
    except ValueError as exc:
        faults.append(Fault(shown, source.line(("id",)), "id", str(exc)))
    if item.kind != KIND_OF_PREFIX.get(item.id.split(":", 1)[0]):
        faults.append(Fault(shown, source.line(("kind",)), "kind", f"kind {item.kind} does not fit id {item.id}"))
    for index, alias in enumerate(item.aliases):
        if alias == item.id or alias.split(":", 1)[0] != item.id.split(":", 1)[0]:
            faults.append(Fault(shown, source.line(("aliases", index)), f"aliases[{index}]",
                                f"{alias} cannot be a former id of {item.id} (same prefix, another name); fix or remove it"))
    return faults


def _check_ledger(data_dir: Path, prefix: str) -> list[Fault]:
    """The ratings ledger (data/ratings/<yyyy-mm>.yaml): schema, ids, each rating in the file of
    its month, one rating per id. (An item listed after it was rated here keeps the ledger's
    rating; a rating written in the item's own file wins, see ratings.rated.)"""
    faults: list[Fault] = []
    seen: dict[str, str] = {}
    for path in _files(data_dir / "ratings"):
        shown = prefix + relative(path, data_dir)
        ledger, found, source, _ = _load(path, shown, RatingsFile)
        faults += found
        for n, rating in enumerate(ledger.ratings if isinstance(ledger, RatingsFile) else []):
            def fault(key: str, problem: str) -> Fault:
                return Fault(shown, source.line(("ratings", n, key)), f"ratings[{n}].{key}", problem)

            kind = KIND_OF_PREFIX.get(rating.id.split(":", 1)[0])
            if kind is None:
                faults.append(fault("id", f"{rating.id} is not an item id: arxiv:<id>, github:owner/repo, hf:org/model or hfd:org/dataset"))
            elif kind != rating.kind:
                faults.append(fault("kind", f"kind {rating.kind} does not fit id {rating.id} (write kind: {kind})"))
            if path.stem != f"{rating.date:%Y-%m}":
                faults.append(fault("date", f"rated {rating.date}: this rating belongs in ratings/{rating.date:%Y-%m}.yaml"))
            if rating.id in seen:
                faults.append(fault("id", f"{rating.id} is rated twice (also in {seen[rating.id]}); keep one"))
            seen.setdefault(rating.id, shown)
    return faults


def _published_after_listed(published: dict[str, tuple[str, Path, str]], first_listed: dict[str, str]) -> list[Fault]:
    """An item published after the first edition that lists it: no day lists what did not
    exist yet (a backfill or a replay can see a later record of it)."""
    faults = []
    for item_id, (date, path, shown) in published.items():
        listed = first_listed.get(item_id)
        if listed is not None and date > listed:
            faults.append(Fault(shown, _Source(path=path).line(("published",)), "published",
                                f"{date} is after {listed}, the first edition that lists it; correct the date "
                                f"or take the item out of that edition"))
    return faults


def _check_edition(edition: Edition, path: Path, shown: str, item_ids: dict[str, str], source: _Source) -> list[Fault]:
    faults = []
    if path.stem != edition.date.isoformat():
        faults.append(Fault(shown, source.line(("date",)), "date", f"date {edition.date} does not match the file name {path.name}"))
    for s_index, section in enumerate(edition.sections):
        for e_index, entry in enumerate(section.entries):
            if entry.item not in item_ids:
                loc = ("sections", s_index, "entries", e_index, "item")
                faults.append(Fault(shown, source.line(loc), _field(loc), f"names item {entry.item}, which is not in data/items"))
    return faults
