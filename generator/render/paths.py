"""Where pages live and how they link to each other (MkDocs directory URLs).

Pure string functions, shared by the pages, the feeds and the MkDocs glue.
"""

from __future__ import annotations

import datetime as dt
import functools
import posixpath

from ..ids import item_path


@functools.lru_cache(maxsize=None)
def day_page(day: dt.date) -> str:
    return f"days/{day:%Y}/{day:%Y-%m-%d}.md"


def day_url(day: dt.date) -> str:
    """The page's URL below the site root (MkDocs directory URLs)."""
    return f"days/{day:%Y}/{day:%Y-%m-%d}/"


def month_of(day: dt.date) -> str:
    return f"{day:%Y-%m}"


def archive_page(month: str) -> str:
    return f"archive/{month}.md"


def category_page(slug: str, month: str | None = None) -> str:
    return f"categories/{slug}/{month or 'index'}.md"


def trend_page(series: str | None = None, slug: str = "") -> str:
    """The trends page, or one series' page (``series``: "interests" or "categories")."""
    return f"trends/{series}/{slug}.md" if series else "trends/index.md"


def category_feed(slug: str) -> str:
    return f"feeds/{slug}.xml"


def edition_source(day: dt.date) -> str:
    """The edition's YAML file relative to the repository root."""
    return f"data/briefings/{day:%Y}/{day:%Y-%m-%d}.yaml"


def item_source(item_id: str) -> str:
    """The item's YAML file relative to the repository root."""
    return f"data/items/{item_path(item_id)}"


def rel(from_page: str, to_page: str) -> str:
    """A link from one docs-relative page to another, as MkDocs wants it (to the .md file)."""
    return posixpath.relpath(to_page, posixpath.dirname(from_page) or ".")


def page_url(page: str) -> str:
    """Where a docs-relative file is served (MkDocs directory URLs): ``days/2026/2026-04-30/``."""
    if page == "index.md":
        return ""
    if page.endswith("/index.md"):
        return page[: -len("index.md")]
    if page.endswith(".md"):
        return page[:-3] + "/"
    return page


def href(from_page: str, to: str, fragment: str | None = None) -> str:
    """A relative URL, as served, from one page to another page or file (for raw HTML links).

    Same result as ``posixpath.relpath`` between the two served URLs, computed directly
    (it is called for every link of every page).
    """
    source = page_url(from_page)
    target = page_url(to)
    if fragment and target == source and to.endswith(".md"):
        return "#" + fragment
    folders = source.split("/")[:-1] if source else []
    parts = target.split("/")
    common = 0
    while common < len(folders) and common < len(parts) - 1 and folders[common] == parts[common]:
        common += 1
    path = "../" * (len(folders) - common) + "/".join(parts[common:])
    return (path or "./") + ("#" + fragment if fragment else "")
