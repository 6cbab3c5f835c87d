"""The home page: the latest briefing and the recent ones."""

from __future__ import annotations

from ..escape import truncate
from ..family import NavEntry, Page, PageFamily, Renderer
from ..cards import Link
from ..paths import day_page, href, rel
from .month import CONTRIBUTION_EXCERPT, JUDGMENT_EXCERPT

HOME_PICKS = 8


def pages(r: Renderer):
    yield Page("index.md", lambda: home(r))


def home(r: Renderer) -> dict:
    page = "index.md"
    editions = r.index.editions
    latest = recent = None
    if editions:
        last = editions[-1]
        judgment = r.cards.judgment_text(last)
        latest = {
            "date": f"{last.date:%Y-%m-%d}",
            "judgment": truncate(judgment, JUDGMENT_EXCERPT * 2) if judgment else "",
            "picks": pick_rows(r, page, last, HOME_PICKS),
            "url": rel(page, day_page(last.date)),
        }
        recent = [edition_row(r, page, e) for e in list(reversed(editions[:-1]))[: max(r.settings.site.recent - 1, 0)]]
    links = {"archive": rel(page, "archive/index.md"), "rss": rel(page, "feeds/rss.xml"), "atom": rel(page, "feeds/atom.xml")}
    return {"title": r.settings.site_title, "latest": latest, "recent": recent, "links": links}


def pick_rows(r: Renderer, page: str, edition, limit: int) -> list[dict]:
    return [
        {"link": r.cards.ref(page, i), "excerpt": r.cards.excerpt(i, CONTRIBUTION_EXCERPT), "lang": r.cards.excerpt_lang(i)}
        for i in r.index.picks(edition, limit)
    ]


def edition_row(r: Renderer, page: str, edition, picks: int = 3) -> dict:
    return {
        "link": Link(href(page, day_page(edition.date)), f"{edition.date:%Y-%m-%d}"),
        "count": r.t("items_count", n=len(edition.item_ids())),
        "picks": [r.cards.ref(page, i, 90) for i in r.index.picks(edition, picks)],
    }


FAMILY = PageFamily("home", "home.md", pages, nav=NavEntry("home", "index.md"))
