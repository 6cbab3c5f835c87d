"""``briefing validate``: every file under data/ against the schema and cross-references.

Each fault is reported as ``path:line: field: problem`` (or as a GitHub annotation), where the
line is the one holding the offending key, found from the YAML node tree.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterator

import yaml
from pydantic import BaseModel, ValidationError

from .ids import item_path
from .models import Edition, Item
from .store import TMP_PREFIX


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


def _load(path: Path, shown: str, model: type[BaseModel]) -> tuple[BaseModel | None, list[Fault]]:
    try:
        text = path.read_text(encoding="utf-8")
        node = yaml.compose(text, Loader=yaml.SafeLoader)
        data = yaml.safe_load(text)
    except UnicodeDecodeError as exc:
        return None, [Fault(shown, 1, "(file)", f"not UTF-8 text ({exc.reason}); save the file as UTF-8")]
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        return None, [Fault(shown, mark.line + 1 if mark else 1, "(syntax)", f"not valid YAML: {getattr(exc, 'problem', exc)}")]
    if not isinstance(data, dict):
        return None, [Fault(shown, 1, "(file)", "expected a mapping of fields")]
    try:
        return model.model_validate(data), []
    except ValidationError as exc:
        faults = []
        for error in exc.errors():
            loc = tuple(p for p in error["loc"] if not (isinstance(p, str) and p.startswith("function-")))
            problem = "unknown field (remove it or fix its spelling)" if error["type"] == "extra_forbidden" else error["msg"]
            faults.append(Fault(shown, _line_of(node, loc), _field(loc), problem))
        return None, faults


def validate(data_dir: Path, shown_root: Path | None = None) -> list[Fault]:
    """All faults under ``data_dir``; paths are shown relative to ``shown_root`` (default: cwd)."""
    data_dir = Path(data_dir)
    root = (shown_root or Path.cwd()).resolve()

    def shown(path: Path) -> str:
        try:
            return str(path.resolve().relative_to(root))
        except ValueError:
            return str(path)

    faults: list[Fault] = []
    item_ids: dict[str, str] = {}
    for path in _files(data_dir / "items"):
        item, found = _load(path, shown(path), Item)
        faults += found
        if isinstance(item, Item):
            faults += _check_item(item, path, data_dir, shown(path), item_ids)
        else:  # still count its id, so editions naming it don't cascade into more faults
            item_ids.setdefault(_raw_id(path), shown(path))
    for path in _files(data_dir / "briefings"):
        edition, found = _load(path, shown(path), Edition)
        faults += found
        if isinstance(edition, Edition):
            faults += _check_edition(edition, path, shown(path), item_ids)
    for leftover in sorted(data_dir.rglob(TMP_PREFIX + "*")) if data_dir.exists() else []:
        faults.append(Fault(shown(leftover), 1, "(file)", "temp file left by an interrupted run; the next run removes it"))
    return faults


def _raw_id(path: Path) -> str:
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        return str(data.get("id", path)) if isinstance(data, dict) else str(path)
    except (yaml.YAMLError, UnicodeDecodeError):
        stem = path.stem.replace("--", "/")
        return f"arxiv:{stem}" if path.parts[-3:-2] == ("paper",) else str(path)


def _files(folder: Path) -> Iterator[Path]:
    if folder.exists():
        yield from sorted(p for p in folder.rglob("*") if p.is_file() and not p.name.startswith(TMP_PREFIX) and p.name != ".gitkeep")


def _check_item(item: Item, path: Path, data_dir: Path, shown: str, seen_ids: dict[str, str]) -> list[Fault]:
    faults = []
    node = yaml.compose(path.read_text(encoding="utf-8"), Loader=yaml.SafeLoader)
    try:
        expected = data_dir / "items" / item_path(item.id)
        if path.resolve() != expected.resolve():
            faults.append(Fault(shown, _line_of(node, ("id",)), "id", f"item {item.id} belongs in {expected.relative_to(data_dir.parent) if data_dir.parent in expected.parents else expected}, not here"))
    except ValueError as exc:
        faults.append(Fault(shown, _line_of(node, ("id",)), "id", str(exc)))
    if item.id in seen_ids:
        faults.append(Fault(shown, _line_of(node, ("id",)), "id", f"duplicate id {item.id}, also in {seen_ids[item.id]}"))
    else:
        seen_ids[item.id] = shown
    if item.kind != {"arxiv": "paper", "github": "repo", "hf": "model"}.get(item.id.split(":", 1)[0]):
        faults.append(Fault(shown, _line_of(node, ("kind",)), "kind", f"kind {item.kind} does not fit id {item.id}"))
    return faults


def _check_edition(edition: Edition, path: Path, shown: str, item_ids: dict[str, str]) -> list[Fault]:
    faults = []
    node = yaml.compose(path.read_text(encoding="utf-8"), Loader=yaml.SafeLoader)
    if path.stem != edition.date.isoformat():
        faults.append(Fault(shown, _line_of(node, ("date",)), "date", f"date {edition.date} does not match the file name {path.name}"))
    for s_index, section in enumerate(edition.sections):
        for e_index, entry in enumerate(section.entries):
            if entry.item not in item_ids:
                loc = ("sections", s_index, "entries", e_index, "item")
                faults.append(Fault(shown, _line_of(node, loc), _field(loc), f"names item {entry.item}, which is not in data/items"))
    return faults
