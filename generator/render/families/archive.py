"""The archive: every month with its briefings and items, by year, newest first."""

from __future__ import annotations

from collections import defaultdict

from ..cards import Link
from ..family import NavEntry, Page, PageFamily, Renderer
from ..paths import archive_page, href

PAGE = "archive/index.md"


def pages(r: Renderer):
    yield Page(PAGE, lambda: archive_index(r))


def archive_index(r: Renderer) -> dict:
    t = r.t
    by_year: dict[str, list[dict]] = defaultdict(list)
    for month, editions in r.months():
        by_year[month[:4]].append({
            "link": Link(href(PAGE, archive_page(month)), t.month(month)),
            "editions": t("editions_count", n=len(editions)),
            "item_count": t("items_count", n=sum(len(e.item_ids()) for e in editions)),
        })
    return {"years": list(by_year.items())}


FAMILY = PageFamily("archive", "archive.md", pages, nav=NavEntry("archive", PAGE))
