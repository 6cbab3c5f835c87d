"""Feeds as a pure function: ``render_feeds(items, editions, settings) -> {path: XML}``.

* ``feeds/rss.xml`` and ``feeds/atom.xml``: one entry per briefing, newest first, carrying the
  day's picks (title + core contribution each);
* ``feeds/<slug>.xml``: one RSS feed per taxonomy category, one entry per item, newest first.

Deterministic: every date comes from the data (the feed's lastBuildDate/updated is the newest
edition's date), never from the clock, so two builds of the same archive give the same bytes.
Absolute links are built from ``settings.site.url``. An entry's HTML description comes from
``templates/feed.html`` (autoescaped); feedgen escapes it once more as XML text. The site
index is the one the pages use (``render_all`` builds it once for both).
"""

from __future__ import annotations

import datetime as dt

from feedgen.feed import FeedGenerator

from ..ids import anchor
from ..models import Edition, Item
from ..settings import Settings
from .cards import Cards
from .escape import one_line, safe_url
from .i18n import HTML_LANG, Labels
from .index import SiteIndex
from .paths import category_feed, day_url
from .templating import macros

EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.timezone.utc)
FEED_PICKS = 8


def _stamp(day: dt.date) -> dt.datetime:
    return dt.datetime(day.year, day.month, day.day, tzinfo=dt.timezone.utc)


def _base(settings: Settings) -> str:
    url = safe_url(settings.site.url) or "https://example.invalid/"
    return url if url.endswith("/") else url + "/"


def _new_feed(settings: Settings, title: str, description: str, page_url: str, self_url: str, updated: dt.datetime) -> FeedGenerator:
    fg = FeedGenerator()
    fg.id(self_url)
    fg.title(title)
    fg.description(description)
    fg.link(href=self_url, rel="self")
    fg.link(href=page_url, rel="alternate")  # last: RSS's channel <link> is the last link set
    fg.language(HTML_LANG.get(settings.language, settings.language))
    fg.generator("ai-briefing")
    fg.updated(updated)
    return fg


def _item(index: SiteIndex, base: str, item_id: str) -> dict:
    """An item in a feed entry: link to its card on its first day, title, contribution."""
    summary = index.summaries[item_id]
    day = index.first_day[item_id]
    return {"url": base + day_url(day) + "#" + anchor(item_id), "title": summary.title, "contribution": summary.contribution}


def render_feeds(items: dict[str, Item], editions: list[Edition], settings: Settings, index: SiteIndex | None = None) -> dict[str, str]:
    """``{"feeds/rss.xml": ..., "feeds/atom.xml": ..., "feeds/<slug>.xml": ...}``. Pure."""
    index = index or SiteIndex.build(items, editions, settings)
    return feeds_of(index)


def feeds_of(index: SiteIndex) -> dict[str, str]:
    """The feeds from the site index alone (no item needs loading)."""
    settings = index.settings
    cards = Cards(index)
    html = macros(settings.language, "feed.html")
    t = Labels(settings.language)
    base = _base(settings)
    site_title = one_line(settings.site.title)
    newest = _stamp(index.editions[-1].date) if index.editions else EPOCH
    limit = settings.site.feed_items
    out: dict[str, str] = {}

    # ---- the briefings, as RSS and as Atom (same entries, own self link)
    for path, serialise in (("feeds/rss.xml", "rss_str"), ("feeds/atom.xml", "atom_str")):
        fg = _new_feed(settings, t("feed_title", title=site_title), t("feed_description"), base, base + path, newest)
        for edition in reversed(index.editions[-limit:]):  # newest first
            url = base + day_url(edition.date)
            entry = fg.add_entry(order="append")
            entry.id(url)
            entry.guid(url, permalink=True)
            entry.title(t("feed_entry_title", title=site_title, date=f"{edition.date:%Y-%m-%d}"))
            entry.link(href=url)
            entry.published(_stamp(edition.date))
            entry.updated(_stamp(edition.date))
            judgment = edition.judgment.text if edition.judgment is not None and one_line(edition.judgment.text) else ""
            picks = [_item(index, base, i) for i in index.picks(edition, FEED_PICKS)]
            description = str(html.edition({"judgment": judgment, "picks": picks}))
            if serialise == "atom_str":
                entry.content(description, type="html")
            else:
                entry.description(description)
        out[path] = getattr(fg, serialise)(pretty=True).decode("utf-8")

    # ---- one feed per category
    for slug in index.categories:
        name = cards.category_name(slug)
        page_url = base + f"categories/{slug}/"
        entries = index.by_category[slug]
        updated = _stamp(entries[0][0]) if entries else newest
        fg = _new_feed(
            settings,
            t("feed_category_title", title=site_title, name=name),
            t("feed_category_description", name=name),
            page_url,
            base + category_feed(slug),
            updated,
        )
        for day, _, item_id in entries[:limit]:
            url = base + day_url(day) + "#" + anchor(item_id)
            entry = fg.add_entry(order="append")
            entry.id(url)
            entry.guid(url, permalink=True)
            entry.title(one_line(index.summaries[item_id].title) or item_id)
            entry.link(href=url)
            entry.published(_stamp(day))
            entry.updated(_stamp(day))
            entry.description(str(html.item(_item(index, base, item_id))))
        out[category_feed(slug)] = fg.rss_str(pretty=True).decode("utf-8")
    return out
