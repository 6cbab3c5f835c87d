"""Feeds as a pure function: ``render_feeds(items, editions, settings) -> {path: XML}``.

* ``feeds/rss.xml`` and ``feeds/atom.xml``: one entry per briefing, newest first, carrying the
  day's picks (title + core contribution each);
* ``feeds/<slug>.xml``: one RSS feed per taxonomy category, one entry per item, newest first.

Deterministic: every date comes from the data (the feed's lastBuildDate/updated is the newest
edition's date), never from the clock, so two builds of the same archive give the same bytes.
Absolute links are built from ``settings.site.url``. Source text is HTML-escaped before it goes
into an entry's HTML description; feedgen escapes it once more as XML text.
"""

from __future__ import annotations

import datetime as dt

from feedgen.feed import FeedGenerator

from ..ids import anchor
from ..models import Edition, Item
from ..settings import Settings
from .escape import escape_html, one_line, safe_url
from .i18n import HTML_LANG, Labels
from .pages import Renderer, SiteIndex, day_url

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


def _item_html(r: Renderer, base: str, item: Item) -> str:
    day = r.index.first_day[item.id]
    href = escape_html(base + day_url(day) + "#" + anchor(item.id))
    text = f'<a href="{href}">{escape_html(item.title)}</a>'
    contribution = item.commentary.contribution
    if contribution is not None and one_line(contribution.text):
        text += ": " + escape_html(contribution.text)
    return text


def render_feeds(items: dict[str, Item], editions: list[Edition], settings: Settings) -> dict[str, str]:
    """``{"feeds/rss.xml": ..., "feeds/atom.xml": ..., "feeds/<slug>.xml": ...}``. Pure."""
    index = SiteIndex.build(items, editions, settings)
    r = Renderer(index)
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
            parts = []
            if edition.judgment is not None and one_line(edition.judgment.text):
                parts.append(f"<p>{escape_html(edition.judgment.text)}</p>")
            picks = r.picks(edition, FEED_PICKS)
            if picks:
                parts.append("<ul>" + "".join(f"<li>{_item_html(r, base, items[i])}</li>" for i in picks) + "</ul>")
            html = "".join(parts) or escape_html(t("status_empty"))
            if serialise == "atom_str":
                entry.content(html, type="html")
            else:
                entry.description(html)
        out[path] = getattr(fg, serialise)(pretty=True).decode("utf-8")

    # ---- one feed per category
    for slug in index.categories:
        name = r.category_name(slug)
        page_url = base + f"categories/{slug}/"
        entries = index.by_category[slug]
        updated = _stamp(entries[0][0]) if entries else newest
        fg = _new_feed(
            settings,
            t("feed_category_title", title=site_title, name=name),
            t("feed_category_description", name=name),
            page_url,
            base + f"feeds/{slug}.xml",
            updated,
        )
        for day, _, item_id in entries[:limit]:
            item = items[item_id]
            url = base + day_url(day) + "#" + anchor(item_id)
            entry = fg.add_entry(order="append")
            entry.id(url)
            entry.guid(url, permalink=True)
            entry.title(one_line(item.title) or item_id)
            entry.link(href=url)
            entry.published(_stamp(day))
            entry.updated(_stamp(day))
            entry.description(_item_html(r, base, item))
        out[f"feeds/{slug}.xml"] = fg.rss_str(pretty=True).decode("utf-8")
    return out
