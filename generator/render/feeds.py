"""Feeds, built with feedgen through ``FeedWriter``: each page family that has feeds names
a function (``PageFamily.feeds``), and ``pages.site_feeds`` / ``pages.render_feeds`` collect
them.

* ``feeds/rss.xml`` and ``feeds/atom.xml`` (the day family, here): one entry per briefing,
  newest first, carrying the day's picks (title + core contribution each);
* ``feeds/<slug>.xml`` (the category family, here): one RSS feed per taxonomy category, one
  entry per item, newest first;
* ``feeds/weeks.xml`` and ``feeds/weeks.atom.xml`` (``families/week.py``): one entry per
  finished week.

Deterministic: every date comes from the data (the feed's lastBuildDate/updated is the newest
edition's date), never from the clock, so two builds of the same archive give the same bytes.
Absolute links are built from ``settings.site.url``. An entry's HTML description comes from
``templates/feed.html`` (autoescaped); feedgen escapes it once more as XML text. The site
index is the one the pages use.
"""

from __future__ import annotations

import datetime as dt

from feedgen.feed import FeedGenerator

from ..ids import anchor
from .escape import one_line, safe_url
from .family import Renderer
from .i18n import HTML_LANG
from .paths import category_feed, day_url
from .templating import macros, render

EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.timezone.utc)
FEED_PICKS = 8


def stamp(day: dt.date) -> dt.datetime:
    return dt.datetime(day.year, day.month, day.day, tzinfo=dt.timezone.utc)


class FeedWriter:
    """What every feed of the site shares: its absolute base URL, title, language, the entry
    markup (``templates/feed.html``) and the number of entries a feed keeps."""

    def __init__(self, r: Renderer):
        settings = r.settings
        url = safe_url(settings.site.url) or "https://example.invalid/"
        self.index, self.t = r.index, r.t
        self.base = url if url.endswith("/") else url + "/"
        self.site_title = one_line(settings.site_title)
        self.language = HTML_LANG.get(settings.language, settings.language)
        self.html = macros(settings.language, "feed.html")
        self.limit = settings.site.feed_items
        self.newest = stamp(r.index.editions[-1].date) if r.index.editions else EPOCH

    def feed(self, title: str, description: str, page_url: str, path: str, updated: dt.datetime) -> FeedGenerator:
        fg = FeedGenerator()
        fg.id(self.base + path)
        fg.title(title)
        fg.description(description)
        fg.link(href=self.base + path, rel="self")
        fg.link(href=page_url, rel="alternate")  # last: RSS's channel <link> is the last link set
        fg.language(self.language)
        fg.generator("ai-briefing")
        fg.updated(updated)
        return fg

    @staticmethod
    def entry(fg: FeedGenerator, url: str, title: str, day: dt.date, description: str, atom: bool = False) -> None:
        """An entry at ``url`` dated ``day``; its HTML as Atom content or RSS description."""
        entry = fg.add_entry(order="append")
        entry.id(url)
        entry.guid(url, permalink=True)
        entry.title(title)
        entry.link(href=url)
        entry.published(stamp(day))
        entry.updated(stamp(day))
        if atom:
            entry.content(description, type="html")
        else:
            entry.description(description)

    def item(self, item_id: str) -> dict:
        """An item in a feed entry: link to its card on its first day, title, contribution."""
        summary = self.index.summaries[item_id]
        day = self.index.first_day[item_id]
        return {"url": self.base + day_url(day) + "#" + anchor(item_id), "title": summary.title, "contribution": summary.contribution}


def briefing_feeds(r: Renderer) -> dict[str, str]:
    """``feeds/rss.xml`` and ``feeds/atom.xml``: the briefings, newest first (same entries,
    own self link)."""
    w, t = FeedWriter(r), r.t
    out: dict[str, str] = {}
    for path, atom in (("feeds/rss.xml", False), ("feeds/atom.xml", True)):
        fg = w.feed(t("feed_title", title=w.site_title), t("feed_description"), w.base, path, w.newest)
        for edition in reversed(r.index.editions[-w.limit:]):  # newest first
            judgment = r.cards.judgment_text(edition)
            picks = [w.item(i) for i in r.index.picks(edition, FEED_PICKS)]
            w.entry(fg, w.base + day_url(edition.date), t("feed_entry_title", title=w.site_title, date=f"{edition.date:%Y-%m-%d}"),
                    edition.date, str(w.html.edition({"judgment": judgment, "picks": picks})), atom)
        out[path] = (fg.atom_str if atom else fg.rss_str)(pretty=True).decode("utf-8")
    return out


def category_feeds(r: Renderer) -> dict[str, str]:
    """``feeds/<slug>.xml``: one RSS feed per taxonomy category, its items newest first."""
    w, t = FeedWriter(r), r.t
    out: dict[str, str] = {}
    for slug in r.index.categories:
        name = r.cards.category_name(slug)
        entries = r.index.by_category[slug]
        fg = w.feed(t("feed_category_title", title=w.site_title, name=name), t("feed_category_description", name=name),
                    w.base + f"categories/{slug}/", category_feed(slug), stamp(entries[0][0]) if entries else w.newest)
        for day, _, item_id in entries[: w.limit]:
            w.entry(fg, w.base + day_url(day) + "#" + anchor(item_id), one_line(r.index.summaries[item_id].title) or item_id,
                    day, str(w.html.item(w.item(item_id))))
        out[category_feed(slug)] = fg.rss_str(pretty=True).decode("utf-8")
    return out


def feeds_sitemap(feed_paths: list[str], site_url: str) -> str:
    """A sitemap of the feeds, in their folder. Material fetches ``sitemap.xml`` beside every
    ``<link rel="alternate">`` of a page's head, as if each were a translation of the site
    (squidfunk/mkdocs-material#8576): for the feed links that is feeds/sitemap.xml, a 404 on
    every page without this file. A sitemap may list the URLs of its own folder: the feeds."""
    base = site_url if site_url.endswith("/") else site_url + "/"
    return render("en", "feeds_sitemap.xml", urls=[base + path for path in sorted(feed_paths)])
