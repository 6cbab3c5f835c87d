"""The archive on disk: deterministic YAML, atomic writes.

* Keys keep the model's field order; empty values are left out so files stay short.
* Block style, Unicode written as is, a fixed line width: ``git diff`` of an item reads well.
* Every write goes to a temp file in the same folder, is fsynced, then renamed over the
  target: a killed run leaves either the old file or the new one, never half of one.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import gc
import os
import re
import tempfile
from pathlib import Path
from typing import Any, Iterator

import yaml
import yaml_rs

from .errors import DataError
from .ids import item_path
from .models import Edition, Item, Library, RatingsFile

# libyaml's safe loader: for the rare re-parse that explains a syntax error (parse_yaml).
SafeLoader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

WIDTH = 100
TMP_PREFIX = ".tmp-"


class _Dumper(yaml.SafeDumper):
    """SafeDumper with multi-line strings as literal blocks and no aliases."""

    def ignore_aliases(self, data: Any) -> bool:
        return True


_YAML_BREAKS = ("\r", "\x85", "\u2028", "\u2029")


def _str_representer(dumper: yaml.SafeDumper, value: str) -> yaml.ScalarNode:
    # YAML folds these into line breaks unless they are escaped: force double quotes.
    if any(ch in value for ch in _YAML_BREAKS):
        return dumper.represent_scalar("tag:yaml.org,2002:str", value, style='"')
    # Literal block style only where it round-trips exactly: PyYAML falls back to quoting
    # when the text has trailing spaces, tabs or special characters.
    if "\n" in value and not value.endswith((" ", "\t")) and " \n" not in value:
        return dumper.represent_scalar("tag:yaml.org,2002:str", value, style="|")
    if _reads_as_other(value):
        return dumper.represent_scalar("tag:yaml.org,2002:str", value, style="'")
    return dumper.represent_scalar("tag:yaml.org,2002:str", value)


def _reads_as_other(value: str) -> bool:
    """Whether plain ``value`` would come back from parse_yaml (YAML 1.2) as something else
    than this string: PyYAML quotes by YAML 1.1's rules, which leave ``1e3`` or ``0o17`` plain."""
    if not value or value[0] not in "0123456789+-.":
        return False
    try:
        return yaml_rs.loads(value, parse_datetime=False) != value
    except yaml_rs.YAMLDecodeError:
        return False


def _datetime_representer(dumper: yaml.SafeDumper, value: dt.datetime) -> yaml.ScalarNode:
    if value.tzinfo is not None:
        value = value.astimezone(dt.timezone.utc).replace(tzinfo=None)
    return dumper.represent_scalar("tag:yaml.org,2002:timestamp", value.strftime("%Y-%m-%dT%H:%M:%SZ"))


_Dumper.add_representer(str, _str_representer)
_Dumper.add_representer(dt.datetime, _datetime_representer)


def _prune(value: Any) -> Any:
    """Drop None, empty lists and empty dicts so files only carry what is known."""
    if isinstance(value, dict):
        pruned = {k: _prune(v) for k, v in value.items()}
        return {k: v for k, v in pruned.items() if v not in (None, [], {})}
    if isinstance(value, list):
        return [_prune(v) for v in value]
    return value


def dump_yaml(data: Any) -> str:
    return yaml.dump(
        _prune(data),
        Dumper=_Dumper,
        sort_keys=False,
        allow_unicode=True,
        default_flow_style=False,
        width=WIDTH,
        indent=2,
    )


def to_yaml(model: Item | Edition) -> str:
    return dump_yaml(model.model_dump(mode="python"))


def atomic_write(path: Path, text: str) -> bool:
    """Write ``text`` to ``path`` atomically. Returns False (and writes nothing) if unchanged."""
    data = text.encode("utf-8")
    if path.exists() and path.read_bytes() == data:
        return False
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(prefix=TMP_PREFIX, suffix=".yaml", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp_name, path)
    except BaseException:
        Path(tmp_name).unlink(missing_ok=True)
        raise
    return True


_RATING_LINE = re.compile(r"^rating: ", re.MULTILINE)


class Archive:
    """Read and write items and editions under one data directory."""

    def __init__(self, root: Path):
        self.root = Path(root)
        self.items_dir = self.root / "items"
        self.briefings_dir = self.root / "briefings"

    # ---- paths
    def item_file(self, item_id: str) -> Path:
        return self.items_dir / item_path(item_id)

    def edition_file(self, day: dt.date) -> Path:
        return self.briefings_dir / f"{day:%Y}" / f"{day:%Y-%m-%d}.yaml"

    # ---- housekeeping
    def clean_temp_files(self) -> list[Path]:
        """Remove temp files a killed run left behind (they were never renamed into place)."""
        removed = []
        if self.root.exists():
            for leftover in self.root.rglob(TMP_PREFIX + "*"):
                leftover.unlink(missing_ok=True)
                removed.append(leftover)
        return removed

    # ---- items
    def load_item(self, item_id: str) -> Item | None:
        path = self.item_file(item_id)
        if not path.exists():
            return None
        return Item.model_validate(read_yaml(path))

    def save_item(self, item: Item) -> bool:
        return atomic_write(self.item_file(item.id), to_yaml(item))

    def item_files(self) -> Iterator[Path]:
        yield from files_below(self.items_dir, ".yaml")

    def load_items(self) -> dict[str, Item]:
        with paused_gc():
            items = {}
            for path in self.item_files():
                item = Item.model_validate(read_yaml(path))
                items[item.id] = item
            return items

    def aliases(self) -> dict[str, str]:
        """Former id -> current id of every renamed repo and model (papers are never renamed).

        Read from the items' ``aliases:`` lists; a file without one is not parsed."""
        found: dict[str, str] = {}
        for kind in ("repo", "model"):
            folder = self.items_dir / kind
            for path in sorted(folder.rglob("*.yaml")) if folder.exists() else []:
                if path.name.startswith(TMP_PREFIX) or "\naliases:" not in path.read_text(encoding="utf-8"):
                    continue
                item = Item.model_validate(read_yaml(path))
                found.update({alias: item.id for alias in item.aliases})
        return found

    def rated_items(self) -> list[Item]:
        """Items the reader rated: only files that mention a rating are parsed."""
        rated = []
        for path in self.item_files():
            text = path.read_text(encoding="utf-8")
            if _RATING_LINE.search(text):
                item = Item.model_validate(read_yaml(path))
                if item.rating:
                    rated.append(item)
        return rated

    # ---- the reader's library
    @property
    def library_file(self) -> Path:
        return self.root / "library.yaml"

    def load_library(self) -> Library:
        if not self.library_file.exists():
            return Library()
        return Library.model_validate(read_yaml(self.library_file) or {})

    def save_library(self, library: Library) -> bool:
        return atomic_write(self.library_file, dump_yaml(library.model_dump(mode="python")))

    # ---- the reader's ratings ledger (generator/ratings.py)
    @property
    def ratings_dir(self) -> Path:
        return self.root / "ratings"

    def ratings_file(self, month: str) -> Path:
        return self.ratings_dir / f"{month}.yaml"  # month: "2025-03"

    def ratings_files(self) -> list[Path]:
        return files_below(self.ratings_dir, ".yaml")

    def load_ratings(self, path: Path) -> RatingsFile:
        return RatingsFile.model_validate(read_yaml(path) or {})

    def save_ratings(self, path: Path, ratings: RatingsFile) -> bool:
        if not ratings.ratings:  # the last rating of a month moved away
            existed = path.exists()
            path.unlink(missing_ok=True)
            return existed
        return atomic_write(path, dump_yaml(ratings.model_dump(mode="python")))

    # ---- editions
    def load_edition(self, day: dt.date) -> Edition | None:
        path = self.edition_file(day)
        if not path.exists():
            return None
        return Edition.model_validate(read_yaml(path))

    def save_edition(self, edition: Edition) -> bool:
        return atomic_write(self.edition_file(edition.date), to_yaml(edition))

    def edition_files(self) -> list[Path]:
        return files_below(self.briefings_dir, ".yaml")

    def load_editions(self) -> list[Edition]:
        with paused_gc():
            return [Edition.model_validate(read_yaml(p)) for p in self.edition_files()]


def files_below(folder: Path, suffix: str = "") -> list[Path]:
    """The files below ``folder`` whose names end in ``suffix`` (none if it is missing), temp
    files left out, in the order of ``sorted(Path)``; os.walk, as Path.rglob costs seconds
    over 40,000 files."""
    found = []
    for parent, _, names in os.walk(folder):
        found += [os.path.join(parent, n) for n in names if n.endswith(suffix) and not n.startswith(TMP_PREFIX)]
    return [Path(name) for name in sorted(found, key=lambda name: name.split(os.sep))]


@contextlib.contextmanager
def paused_gc() -> Iterator[None]:
    """Bulk loading creates millions of objects that all stay alive: the cyclic collector would
    re-scan them again and again for nothing (PERFORMANCE.md has the measured gain)."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


@contextlib.contextmanager
def frozen_heap() -> Iterator[None]:
    """Everything alive now (a build's archive index, kept until its pages are written) is
    left out of the collector's full collections for the block (``gc.freeze``): rendering
    triggers them, and at five years they spent 1.9 s of a warm build walking an index that
    is never garbage. Unfrozen on leaving, so what the block let go of is collected as before."""
    gc.freeze()
    try:
        yield
    finally:
        gc.unfreeze()


def read_yaml(path: Path) -> Any:
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise DataError(f"{path}: cannot read ({exc})", path=str(path)) from None
    try:
        return parse_yaml(text)
    except YamlSyntaxError as exc:
        where = f"{path}:{exc.line}" if exc.line else str(path)
        raise DataError(f"{where}: not valid YAML ({exc.problem}); fix the syntax", path=str(path), line=exc.line) from None


class YamlSyntaxError(ValueError):
    """Text that is not valid YAML: what is wrong and the 1-based line where it was noticed."""

    def __init__(self, problem: str, line: int | None):
        super().__init__(problem)
        self.problem, self.line = problem, line


def parse_yaml(text: str) -> Any:
    """The archive's YAML, parsed by yaml-rs (Rust; 7x libyaml + PyYAML's construction in
    Python, PERFORMANCE.md), with YAML 1.2's types (``yes`` is a string) and duplicate keys
    refused. A syntax error is explained by PyYAML's message where PyYAML also refuses it.

    Dates and times stay strings (the models parse them): yaml-rs 0.1.6 turns even a quoted
    ``'2024-10-25'`` into a date, which a string field then refuses."""
    try:
        return yaml_rs.loads(text, parse_datetime=False)
    except yaml_rs.YAMLDecodeError as exc:
        raise _syntax_error(text, str(exc)) from None


def _syntax_error(text: str, message: str) -> YamlSyntaxError:
    try:
        node = yaml.compose(text, Loader=SafeLoader)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        return YamlSyntaxError(str(getattr(exc, "problem", exc)), mark.line + 1 if mark else None)
    named = re.search(r"at line (\d+)", message)
    if named:
        return YamlSyntaxError(message.splitlines()[0], int(named.group(1)))
    # yaml-rs names a duplicate key but not its line
    return YamlSyntaxError(message.splitlines()[0], _duplicate_key_line(node) if node is not None else None)


def _duplicate_key_line(node: yaml.Node) -> int | None:
    if isinstance(node, yaml.MappingNode):
        seen = set()
        for key, value in node.value:
            if key.value in seen:
                return key.start_mark.line + 1
            seen.add(key.value)
            if (line := _duplicate_key_line(value)) is not None:
                return line
    if isinstance(node, yaml.SequenceNode):
        return next((line for child in node.value if (line := _duplicate_key_line(child)) is not None), None)
    return None
