"""Weeks (ISO weeks): a page per week with the week's best (``best``: papers and items to
follow by score, by the reader's interests, what stayed, what the reader rated), each item
linking to its day; an index of the weeks by year; and a feed of the weeks, for readers
who want one message a week (a week joins it once the archive has a later day).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from functools import partial

from ...ids import anchor
from ...models import Edition
from ..best import best_of, day_link, listed_in, papers_and_follow, span_pages
from ..cards import Link
from ..family import MonthNav, NavEntry, Page, PageFamily, Renderer
from ..feeds import FeedWriter, stamp
from ..paths import day_url, href, rel

INDEX = "weeks/index.md"
FEED_PAPERS = 5
FEED_FOLLOW = 3


def week_of(day: dt.date) -> str:
    """The ISO week holding ``day``: ``2026-W18``."""
    year, week, _ = day.isocalendar()
    return f"{year}-W{week:02d}"


def week_page(week: str) -> str:
    return f"weeks/{week}.md"


def week_days(week: str) -> tuple[dt.date, dt.date]:
    """Its Monday and Sunday."""
    monday = dt.datetime.strptime(week + "-1", "%G-W%V-%u").date()
    return monday, monday + dt.timedelta(days=6)


def weeks(r: Renderer) -> list[tuple[str, list[Edition]]]:
    """(week, its editions oldest first), newest week first."""
    grouped: dict[str, list[Edition]] = defaultdict(list)
    for edition in r.index.editions:
        grouped[week_of(edition.date)].append(edition)
    return sorted(grouped.items(), reverse=True)


def pages(r: Renderer):
    listed = weeks(r)
    yield Page(INDEX, partial(weeks_index, r, listed))
    yield from span_pages(r, listed, week_page, week_data)  # each reads its week's editions and items only


def title(r: Renderer, week: str) -> str:
    monday, sunday = week_days(week)
    year, number = week.split("-W")
    return r.t("week_title", year=year, week=int(number), start=f"{monday:%Y-%m-%d}", end=f"{sunday:%Y-%m-%d}")


def week_data(r: Renderer, week: str, editions: list[Edition], newer: str | None, older: str | None) -> dict:
    page = week_page(week)
    nav = MonthNav(
        older=Link(rel(page, week_page(older)), older) if older else None,
        index=Link(rel(page, INDEX), r.t("weeks")),
        newer=Link(rel(page, week_page(newer)), newer) if newer else None,
    )
    items = {i for edition in editions for i in edition.item_ids()}
    return {
        "title": title(r, week),
        "nav": nav,
        "summary": r.t("week_summary", editions=len(editions), items=len(items)),
        "days": [day_link(page, edition.date) for edition in editions],
        "best": best_of(r, page, editions),
    }


def weeks_index(r: Renderer, listed: list[tuple[str, list[Edition]]]) -> dict:
    by_year: dict[str, list[dict]] = defaultdict(list)
    for week, editions in listed:
        by_year[week[:4]].append({
            "link": Link(href(INDEX, week_page(week)), title(r, week)),
            "count": r.t("items_count", n=len({i for edition in editions for i in edition.item_ids()})),
        })
    return {"years": list(by_year.items())}


def complete_weeks(r: Renderer) -> list[tuple[str, list[Edition]]]:
    """The weeks the archive has moved past (it holds a later day), newest first."""
    if not r.index.editions:
        return []
    last = r.index.editions[-1].date
    return [(week, editions) for week, editions in weeks(r) if week_days(week)[1] <= last]


def week_feeds(r: Renderer) -> dict[str, str]:
    """``feeds/weeks.xml`` (RSS) and ``feeds/weeks.atom.xml``: one entry per complete week,
    newest first, with its best papers and items to follow."""
    w, t = FeedWriter(r), r.t
    out: dict[str, str] = {}
    listed = complete_weeks(r)[: w.limit]
    updated = stamp(week_days(listed[0][0])[1]) if listed else w.newest
    for path, atom in (("feeds/weeks.xml", False), ("feeds/weeks.atom.xml", True)):
        fg = w.feed(t("feed_week_title", title=w.site_title), t("feed_week_description"), w.base + "weeks/", path, updated)
        for week, editions in listed:
            papers, follow = papers_and_follow(listed_in(editions, r.index.summaries), r.index.summaries)
            picks = [{"url": w.base + day_url(x.day) + "#" + anchor(x.item), "title": r.index.title_text(x.item),
                      "contribution": r.index.summaries[x.item].contribution} for x in papers[:FEED_PAPERS] + follow[:FEED_FOLLOW]]
            summary = t("week_summary", editions=len(editions), items=len({i for e in editions for i in e.item_ids()}))
            w.entry(fg, w.base + f"weeks/{week}/", title(r, week), week_days(week)[1],
                    str(w.html.edition({"judgment": summary, "picks": picks})), atom)
        out[path] = (fg.atom_str if atom else fg.rss_str)(pretty=True).decode("utf-8")
    return out


LABELS = {
    "zh": {
        "weeks": "每周",
        "weeks_title": "每周回顾",
        "weeks_intro": "每周（周一至周日）的最佳论文、值得跟进的项目、按兴趣的分组、持续出现的项目与你的评价。",
        "week_title": "{year} 年第 {week} 周（{start} 至 {end}）",
        "week_summary": "{editions} 期简报，{items} 个条目。",
        "week_days": "本周各期",
        "week_of_day": "本周回顾",
        "feed_week_title": "{title} · 每周",
        "feed_week_description": "每周一封：一周的最佳论文与值得跟进的项目。",
    },
    "en": {
        "weeks": "Weeks",
        "weeks_title": "Week by week",
        "weeks_intro": "Each week (Monday to Sunday): the best papers, what is worth following, by your interests, what stayed and what you rated.",
        "week_title": "Week {week} of {year} ({start} to {end})",
        "week_summary": "{editions} briefings, {items} items.",
        "week_days": "This week's briefings",
        "week_of_day": "This week",
        "feed_week_title": "{title} · weekly",
        "feed_week_description": "One message a week: the week's best papers and what is worth following.",
    },
}

FAMILY = PageFamily("week", "week.md", pages, nav=NavEntry("weeks", INDEX), feeds=week_feeds, labels=LABELS)
