"""A month of the archive: the month's best (``best``), then its briefings, newest first,
each with its judgment and picks."""

from __future__ import annotations

from ..best import best_of, span_pages
from ..cards import Link
from ..escape import truncate
from ..family import PageFamily, Renderer
from ..paths import archive_page, day_page, href

ARCHIVE_PICKS = 5
JUDGMENT_EXCERPT = 200
CONTRIBUTION_EXCERPT = 160


def pages(r: Renderer):
    yield from span_pages(r, r.months(), archive_page, archive_month)  # each reads its month's editions and items only


def archive_month(r: Renderer, month: str, editions, newer: str | None, older: str | None) -> dict:
    t = r.t
    page = archive_page(month)
    rows = []
    for edition in editions:
        judgment = r.cards.judgment_text(edition)
        rows.append({
            "link": Link(href(page, day_page(edition.date)), f"{edition.date:%Y-%m-%d}"),
            "count": t("items_count", n=len(edition.item_ids())),
            "judgment": truncate(judgment, JUDGMENT_EXCERPT) if judgment else "",
            "picks": [r.cards.ref(page, i) for i in r.index.picks(edition, ARCHIVE_PICKS)],
        })
    nav = r.month_nav(page, older, newer, archive_page, "archive/index.md", t("archive"))
    return {"month": t.month(month), "nav": nav, "best": best_of(r, page, editions), "rows": rows}


FAMILY = PageFamily("month", "archive_month.md", pages)
