"""The categories: an overview with counts, and per category an index of its months and
its latest items, and a page per month of the items first listed in it."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from functools import partial

from ..cards import Link
from ..feeds import category_feeds
from ..family import NavEntry, Page, PageFamily, Renderer, around
from ..paths import category_feed, category_page, day_page, href, month_of, rel, trend_page
from .month import CONTRIBUTION_EXCERPT

CATEGORY_LATEST = 10
INDEX = "categories/index.md"


def pages(r: Renderer):
    yield Page(INDEX, partial(categories_index, r), template="categories.md")
    for slug in r.index.categories:
        months = category_months(r, slug)
        yield Page(category_page(slug), partial(category_index, r, slug, months), template="category.md")
        names = [month for month, _ in months]
        for i, (month, entries) in enumerate(months):
            newer, older = around(names, i)
            yield Page(category_page(slug, month), partial(category_month, r, slug, month, entries, newer, older),
                       inputs=partial(month_inputs, r, slug, month, entries, newer, older))


def month_inputs(r: Renderer, slug: str, month: str, entries, newer: str | None, older: str | None) -> tuple:
    """What a category's month page is made of (its rows link each item to its first day,
    which ``entries`` hold): five years have hundreds of these pages and tens of thousands
    of rows, so they are looked up by this before their data is built."""
    summaries = [r.index.summaries[item_id] for _, _, item_id in entries]
    return slug, r.cards.category_name(slug), month, newer, older, entries, summaries


def categories_index(r: Renderer) -> dict:
    rows = []
    for slug in r.index.categories:
        entries = r.index.by_category[slug]
        rows.append({
            "link": Link(href(INDEX, category_page(slug)), r.cards.category_name(slug)),
            "description": r.cards.category_description(slug),
            "count": str(len(entries)),
            "latest": f"{entries[0][0]:%Y-%m-%d}" if entries else "",
            "feed": Link(href(INDEX, category_feed(slug)), "RSS"),
        })
    return {"rows": rows}


def category_months(r: Renderer, slug: str) -> list[tuple[str, list[tuple[dt.date, int, str]]]]:
    grouped: dict[str, list[tuple[dt.date, int, str]]] = defaultdict(list)
    for entry in r.index.by_category[slug]:
        grouped[month_of(entry[0])].append(entry)
    return sorted(grouped.items(), reverse=True)


def category_index(r: Renderer, slug: str, months) -> dict:
    t = r.t
    page = category_page(slug)
    latest = [(f"{day:%Y-%m-%d}", r.cards.ref(page, item_id)) for day, _, item_id in r.index.by_category[slug][:CATEGORY_LATEST]]
    month_rows = [
        {"link": Link(href(page, category_page(slug, month)), t.month(month)), "count": t("items_count", n=len(entries))}
        for month, entries in months
    ]
    return {
        "feed": category_feed(slug),
        "name": r.cards.category_name(slug),
        "description": r.cards.category_description(slug),
        "links": {"feed": rel(page, category_feed(slug)), "categories": rel(page, INDEX), "trend": rel(page, trend_page("categories", slug))},
        "latest": latest if months else [],
        "months": month_rows,
    }


def category_month(r: Renderer, slug: str, month: str, entries, newer: str | None, older: str | None) -> dict:
    t = r.t
    page = category_page(slug, month)
    name = r.cards.category_name(slug)
    by_day: dict[dt.date, list[dict]] = {}
    for day, _, item_id in entries:
        by_day.setdefault(day, []).append({
            "link": r.cards.ref(page, item_id),
            "kind": r.index.summaries[item_id].kind,
            "excerpt": r.cards.excerpt(item_id, CONTRIBUTION_EXCERPT),
            "lang": r.cards.excerpt_lang(item_id),
        })
    days = [
        {"id": f"{day:%Y%m%d}", "link": Link(href(page, day_page(day)), f"{day:%Y-%m-%d}"), "rows": rows}
        for day, rows in by_day.items()
    ]
    nav = r.month_nav(page, older, newer, lambda m: category_page(slug, m), category_page(slug), name)
    return {
        "feed": category_feed(slug),
        "title": t("category_month_title", name=name, month=t.month(month)),
        "nav": nav,
        "days": days,
    }


FAMILY = PageFamily("category", "category_month.md", pages, nav=NavEntry("categories", INDEX), feeds=category_feeds)
