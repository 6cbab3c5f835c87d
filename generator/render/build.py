"""Building the site: MkDocs (strict) then Pagefind, as subprocesses.

``build_site(settings, site_dir)`` is what ``briefing build`` calls. The MkDocs run reads the
same settings: they are written to a temporary settings file (secrets left out) named by
``BRIEFING_CONFIG``, which ``docs/hooks.py`` and ``docs/gen_pages.py`` load.
``run_link_check(site_dir)`` runs lychee offline over the built site (internal links and
anchors); ``build_site(..., check_links=True)`` does it after the build.

``cache_dir`` (``briefing build`` passes ``.cache/briefing`` unless ``--no-cache``) holds the
build cache (``generator.buildcache``: parsed archive, rendered pages, MkDocs' conversions)
and each year's Pagefind bundle, keyed by that year's day pages: only a year whose pages
changed is indexed again. Everything there is disposable; without it the site is the same.
"""

from __future__ import annotations

import hashlib
import importlib.metadata
import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from ..errors import BriefingError
from ..settings import Settings

# Page furniture Pagefind should not index (permalinks, buttons, day navigation, the
# source-access table at the end of a day page): results then show the briefing's text.
PAGEFIND_EXCLUDE = [
    ".headerlink",
    ".md-content__button",
    ".day-nav",
    ".correct-this",
    "h2#sources",
    ".source-notes",
    "table",  # day pages hold one table: the source-access report
]
BANNER_ENV = {"NO_MKDOCS_2_WARNING": "1", "DISABLE_MKDOCS_2_WARNING": "true"}


class BuildError(BriefingError):
    """The site could not be built (MkDocs, Pagefind or the link check failed)."""


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
        env = {**os.environ, **BANNER_ENV, "BRIEFING_CONFIG": str(_settings_file(settings, Path(tmp)))}
        # Settings already carry any BRIEFING_ overrides; don't let them apply twice.
        for name in list(env):
            if name.startswith("BRIEFING_") and name != "BRIEFING_CONFIG":
                del env[name]
        env["BRIEFING_CACHE_DIR"] = str(cache / "build") if cache else ""
        _run(
            [sys.executable, "-m", "mkdocs", "build", "--strict", "--clean", "-f", str(root / "mkdocs.yml"), "-d", str(site_dir)],
            cwd=root,
            env=env,
            what="mkdocs build",
        )
    if search:
        build_search_index(site_dir, root=root, cache_dir=cache / "pagefind" if cache else None)
    if check_links:
        run_link_check(site_dir, root=root)


def _pagefind(site_dir: Path, root: Path, glob: str, output: str) -> None:
    command = [sys.executable, "-m", "pagefind", "--site", str(site_dir), "--quiet", "--glob", glob, "--output-subdir", output]
    for selector in PAGEFIND_EXCLUDE:
        command += ["--exclude-selectors", selector]
    _run(command, cwd=root, env={**os.environ}, what=f"pagefind ({glob})")


def _pages_digest(site_dir: Path, folder: Path) -> str:
    """A digest of the HTML pages under ``folder`` (paths and bytes) and of the indexer."""
    digest = hashlib.sha256(json.dumps([importlib.metadata.version("pagefind"), PAGEFIND_EXCLUDE]).encode())
    for page in sorted(folder.rglob("*.html")):
        digest.update(page.relative_to(site_dir).as_posix().encode() + b"\0" + page.read_bytes() + b"\0")
    return digest.hexdigest()[:24]


def _index_year(site_dir: Path, root: Path, year: str, output: str, cache_dir: Path | None, used: set[str]) -> None:
    """Pagefind over one year of day pages into ``output``, or that bundle from the cache."""
    if cache_dir is None:
        _pagefind(site_dir, root, f"days/{year}/**/*.html", output)
        return
    stored = cache_dir / f"{year}-{_pages_digest(site_dir, site_dir / 'days' / year)}"
    used.add(stored.name)
    target = site_dir / output
    if not stored.is_dir():
        _pagefind(site_dir, root, f"days/{year}/**/*.html", output)
        partial = stored.with_name(stored.name + ".partial")
        shutil.rmtree(partial, ignore_errors=True)
        shutil.copytree(target, partial)
        partial.rename(stored)  # a killed build leaves no half bundle under a valid name
        return
    shutil.rmtree(target, ignore_errors=True)
    shutil.copytree(stored, target)


def build_search_index(site_dir: Path, *, root: Path, cache_dir: Path | None = None) -> list[str]:
    """One Pagefind index per year of day pages, merged in the browser.

    Pagefind holds a whole index in memory while it builds, so one index over years of pages
    outgrows the build's memory target (PERFORMANCE.md). The newest year's bundle is ``pagefind/`` (the search page
    loads its UI); older years go to ``pagefind-<year>/``, listed newest first in
    ``pagefind/merge.json`` for the search page's ``mergeIndex``. With ``cache_dir``, a year
    whose day pages are unchanged gets its bundle from there. Returns the bundles built.
    """
    days = site_dir / "days"
    years = sorted((p.name for p in days.iterdir() if p.is_dir() and p.name.isdigit()), reverse=True) if days.exists() else []
    if not years:
        _pagefind(site_dir, root, "**/*.html", "pagefind")
        bundles = ["pagefind"]
    else:
        bundles = []
        used: set[str] = set()
        if cache_dir is not None:
            cache_dir.mkdir(parents=True, exist_ok=True)
        for index, year in enumerate(years):
            output = "pagefind" if index == 0 else f"pagefind-{year}"
            _index_year(site_dir, root, year, output, cache_dir, used)
            bundles.append(output)
        if cache_dir is not None:  # drop bundles of pages that are gone
            for stale in cache_dir.iterdir():
                if stale.name not in used:
                    shutil.rmtree(stale, ignore_errors=True)
    (site_dir / "pagefind" / "merge.json").write_text(json.dumps(bundles[1:]) + "\n", encoding="utf-8")
    return bundles


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
