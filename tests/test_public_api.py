"""The project drives MkDocs, Material and Python-Markdown through their public interfaces
only: no project code replaces one of their functions or reads an underscore-named
attribute of their objects (the build cache once replaced ``_build_page`` and read
``Page._title_from_render``; a MkDocs release could change either without notice)."""

from __future__ import annotations

import ast
import re
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
FOLDERS = ("generator", "docs", "benchmarks", "scripts", "tests")
LIBRARIES = ("mkdocs", "material", "markdown")
IDENTIFIER = re.compile(r"_[A-Za-z]\w*")


def project_files() -> list[Path]:
    return sorted(p for folder in FOLDERS for p in (REPO / folder).rglob("*.py") if "node_modules" not in p.parts)


def own_names(trees: list[ast.AST]) -> set[str]:
    """Every name the project defines itself (functions, classes, attributes of its own
    objects, variables, parameters): an underscore name outside this set belongs to a dependency."""
    names: set[str] = set()
    for tree in trees:
        for node in ast.walk(tree):
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                names.add(node.name)
            elif isinstance(node, ast.Attribute) and isinstance(node.ctx, ast.Store) and isinstance(node.value, ast.Name) \
                    and node.value.id in ("self", "cls"):
                names.add(node.attr)
            elif isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store):
                names.add(node.id)
            elif isinstance(node, ast.arg):
                names.add(node.arg)
    return names


def library_aliases(tree: ast.AST) -> set[str]:
    """Names a file binds to a module or object of MkDocs, Material or Python-Markdown."""
    aliases: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            aliases.update((a.asname or a.name).split(".")[0] for a in node.names if a.name.split(".")[0] in LIBRARIES)
        elif isinstance(node, ast.ImportFrom) and (node.module or "").split(".")[0] in LIBRARIES:
            aliases.update(a.asname or a.name for a in node.names)
    return aliases


def _root(node: ast.AST) -> ast.AST:
    while isinstance(node, (ast.Attribute, ast.Subscript, ast.Call)):
        node = node.value if not isinstance(node, ast.Call) else node.func
    return node


def findings(path: Path, tree: ast.AST, own: set[str]) -> list[str]:
    aliases = library_aliases(tree)
    shown = path.relative_to(REPO).as_posix()
    found = []
    for node in ast.walk(tree):
        private = None
        if isinstance(node, ast.Attribute):
            private = node.attr
        elif isinstance(node, ast.Call):  # getattr(page, "_x"), or a name handed to a helper that sets it
            named = [a.value for a in node.args if isinstance(a, ast.Constant) and isinstance(a.value, str) and IDENTIFIER.fullmatch(a.value)]
            private = named[0] if named else None
        if private and private.startswith("_") and not private.startswith("__") and private not in own:
            found.append(f"{shown}:{node.lineno}: reads or sets {private!r}, which is not the project's")
        targets = node.targets if isinstance(node, ast.Assign) else [node.target] if isinstance(node, (ast.AugAssign, ast.AnnAssign)) else []
        for target in targets:
            if isinstance(target, ast.Attribute) and isinstance(_root(target), ast.Name) and _root(target).id in aliases:
                found.append(f"{shown}:{node.lineno}: replaces {ast.unparse(target)} of {_root(target).id}")
    return found


def test_no_private_mkdocs_material_or_markdown_interface_is_used():
    trees = {path: ast.parse(path.read_text(encoding="utf-8"), str(path)) for path in project_files()}
    own = own_names(list(trees.values()))
    assert [f for path, tree in trees.items() for f in findings(path, tree, own)] == []


def test_the_scan_finds_what_the_old_cache_did():
    """The two ways the page cache once reached into MkDocs, as the scan sees them."""
    old = ast.parse(
        "from mkdocs.commands import build as mk_build\n"
        "from mkdocs.structure import pages as mk_pages\n"
        "mk_build._populate_page = populate_page\n"
        "mk_pages.Page.render = render\n"
        "title = page._title_from_render\n"
        "hidden = getattr(page, '_title_from_render')\n"
        "wrap(mk_build, '_build_page', 'templates')\n"
    )
    found = findings(REPO / "generator" / "old.py", old, own_names([]) | {"populate_page", "render"})
    assert sorted(found) == [
        "generator/old.py:3: reads or sets '_populate_page', which is not the project's",
        "generator/old.py:3: replaces mk_build._populate_page of mk_build",
        "generator/old.py:4: replaces mk_pages.Page.render of mk_pages",
        "generator/old.py:5: reads or sets '_title_from_render', which is not the project's",
        "generator/old.py:6: reads or sets '_title_from_render', which is not the project's",
        "generator/old.py:7: reads or sets '_build_page', which is not the project's",
    ]
