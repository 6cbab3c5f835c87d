"""arXiv: the announcement RSS, the API listing (backfill and fallback) and id_list look-ups.

In the style of ``lukasschwab/arxiv.py``: pure parsers over response bytes (no IO), and
``fetch``/``lookup`` that do the requests through the shared ``Http``.

Schedule. arXiv announces Sunday to Thursday at 20:00 US Eastern. Each announcement is dated
the next day (Monday to Friday); the RSS channel's ``pubDate`` carries that date, and the
RSS of a Saturday or Sunday is empty. ``day`` below is that announcement date.

``fetch(http, settings, day)`` returns one or two ``Fetched``:

* ``arxiv_rss`` first (one request). Its items are the answer when the channel's date is
  ``day`` (status ok, only ``announce_types`` kept).
* ``arxiv_api`` listing only when the RSS cannot answer for ``day``: the RSS failed (status
  failed), it carries another day's announcement (backfill; status not-scheduled), or it is
  empty on a weekday (holiday?; not-scheduled). The RSS report then names the fallback.
  On a Saturday or Sunday nothing is announced: no listing is asked for.

A normal weekday costs one arXiv request (RSS) plus ``ceil(n / batch_size)`` id_list look-ups
for verification; a fallback day adds 1 to ``MAX_LISTING_PAGES`` listing requests.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from typing import TYPE_CHECKING

import feedparser

from ..errors import FetchError, ParseError, SourceError
from ..ids import arxiv_abs_url, arxiv_pdf_url, split_arxiv_id
from ..messages import failure, note
from ..models import Candidate, Message
from ..text import collapse_whitespace
from .base import Fetched
from .common import iso_date, parse_feed, rfc822_date

if TYPE_CHECKING:  # annotations only: the parsers stay importable without the HTTP layer
    from ..http import Http
    from ..settings import Settings

MAX_LISTING_PAGES = 3  # a fallback listing never costs more than this many requests
# arXiv category terms (cs.CL, astro-ph, cond-mat.str-el); excludes ACM/MSC classes (I.2.7, 68T50).
CATEGORY = re.compile(r"^[a-z][a-z-]*(?:\.[A-Za-z][A-Za-z-]*)?$")
RSS_ANNOUNCE = re.compile(r"arXiv:(?P<id>\S+?)\s+Announce Type:\s*(?P<type>[\w-]+)", re.IGNORECASE)


# --------------------------------------------------------------------------- API (Atom)


def parse_api(body: bytes) -> list[Candidate]:
    """Entries of an export.arxiv.org ``/api/query`` Atom answer (2025+ and legacy formats).

    An error feed (the API's answer to a bad query, HTTP 400) raises ParseError with its text;
    its "Error" entry never becomes a candidate.
    """
    feed = parse_feed(body, "arXiv API")
    message = _feed_error(feed)
    if message is not None:
        raise ParseError(f"arXiv API error: {message}")
    return [_api_candidate(entry) for entry in feed.entries]


def error_message(body: bytes) -> str | None:
    """The text of an arXiv API error entry ("incorrect id format for abc"), if ``body`` is one."""
    try:
        return _feed_error(parse_feed(body, "arXiv API"))
    except ParseError:
        return None


def _feed_error(feed: feedparser.FeedParserDict) -> str | None:
    for entry in feed.entries:
        if "/api/errors" in entry.get("id", ""):
            return collapse_whitespace(entry.get("summary")) or collapse_whitespace(entry.get("id"))
    return None


def _api_candidate(entry: feedparser.FeedParserDict) -> Candidate:
    try:
        bare, version = split_arxiv_id(entry.get("id", ""))
    except ValueError as exc:
        raise ParseError(f"arXiv API: entry without an arXiv id ({exc})") from None
    primary = (entry.get("arxiv_primary_category") or {}).get("term")
    terms = [primary] + [tag.get("term") for tag in entry.get("tags", [])]
    links = {"abs": arxiv_abs_url(bare), "pdf": arxiv_pdf_url(bare)}
    if entry.get("arxiv_doi"):
        links["doi"] = "https://doi.org/" + entry["arxiv_doi"].strip()
    return Candidate(
        id=f"arxiv:{bare}",
        kind="paper",
        source="arxiv-api",
        title=collapse_whitespace(entry.get("title")),
        url=arxiv_abs_url(bare),
        published=iso_date(entry.get("published")),
        updated=iso_date(entry.get("updated")),
        version=version,
        authors=[collapse_whitespace(a.get("name")) for a in entry.get("authors", []) if a.get("name")],
        summary=collapse_whitespace(entry.get("summary")),
        categories=_categories(terms),
        links=links,
    )


def _categories(terms: list[str | None]) -> list[str]:
    """arXiv categories in order, primary first, without duplicates or ACM/MSC classes."""
    seen: dict[str, None] = {}
    for term in terms:
        if term and CATEGORY.match(term.strip()):
            seen.setdefault(term.strip(), None)
    return list(seen)


# --------------------------------------------------------------------------- RSS


def read_rss(body: bytes) -> tuple[dt.date | None, list[Candidate]]:
    """The announcement date and the items of an rss.arxiv.org feed (2024 feed system).

    Every announce type is kept: ``published`` is the announcement date (item or channel
    pubDate), ``detail`` the announce type. The "Feed error for query" channel raises
    ParseError with arXiv's explanation.
    """
    feed = parse_feed(body, "arXiv RSS")
    channel = feed.feed
    if channel.get("title", "").startswith("Feed error"):
        raise ParseError(f"arXiv RSS: {collapse_whitespace(channel.get('subtitle') or channel.get('title'))}")
    day = rfc822_date(channel.get("published"))
    items = [_rss_candidate(item, day) for item in feed.entries]
    if day is None and items:  # no channel pubDate: the items' own dates tell the announcement
        day = Counter(i.published for i in items).most_common(1)[0][0]
    return day, items


def _rss_candidate(item: feedparser.FeedParserDict, channel_day: dt.date | None) -> Candidate:
    description = item.get("summary", "")
    announce = RSS_ANNOUNCE.search(description)
    raw_id = item.get("id") or (announce["id"] if announce else "") or item.get("link", "")
    try:
        bare, version = split_arxiv_id(raw_id)
        if version is None and announce:
            version = split_arxiv_id(announce["id"])[1]
    except ValueError as exc:
        raise ParseError(f"arXiv RSS: item without an arXiv id ({exc})") from None
    announce_type = item.get("arxiv_announce_type") or (announce["type"] if announce else None)
    _, _, abstract = description.partition("Abstract:")
    return Candidate(
        id=f"arxiv:{bare}",
        kind="paper",
        source="arxiv-rss",
        title=collapse_whitespace(item.get("title")),
        url=arxiv_abs_url(bare),
        published=rfc822_date(item.get("published")) or channel_day,
        version=version,
        authors=[name for name in (collapse_whitespace(n) for n in item.get("author", "").split(",")) if name],
        summary=collapse_whitespace(abstract or description),
        categories=_categories([tag.get("term") for tag in item.get("tags", [])]),
        detail=collapse_whitespace(announce_type) or None,
        links={"abs": arxiv_abs_url(bare), "pdf": arxiv_pdf_url(bare)},
    )


# --------------------------------------------------------------------------- requests


def rss_url(settings: Settings) -> str:
    rss = settings.sources.arxiv_rss
    return f"{rss.base_url.rstrip('/')}/rss/{'+'.join(rss.categories)}"


def api_url(settings: Settings) -> str:
    return f"{settings.sources.arxiv_api.base_url.rstrip('/')}/api/query"


def listing_window(day: dt.date) -> tuple[dt.date, dt.date]:
    """Submission dates (UTC) kept for the announcement of ``day``, leniently.

    The announcement dated D holds what was submitted in the 24 h before 14:00 US Eastern of
    the previous weekday (the 3 days of a weekend for Monday's). We keep [D-3, D], widened
    to D-4 on Monday and Tuesday so Thursday's and Friday's late submissions are inside. Days
    overlap on purpose: a paper seen twice is one item in the archive.
    """
    back = 4 if day.weekday() in (0, 1) else 3
    return day - dt.timedelta(days=back), day


def listing_params(settings: Settings, day: dt.date, start: int = 0) -> dict[str, str | int]:
    """Query of an API listing: the configured categories, submitted inside ``listing_window``."""
    api = settings.sources.arxiv_api
    first, last = listing_window(day)
    categories = " OR ".join(f"cat:{c}" for c in api.categories)
    window = f"submittedDate:[{first:%Y%m%d}0000 TO {last:%Y%m%d}2359]"
    return {
        "search_query": f"({categories}) AND {window}",
        "sortBy": "submittedDate",
        "sortOrder": "descending",
        "start": start,
        "max_results": api.max_results,
    }


def failure_note(exc: SourceError) -> Message:
    """A report note for a failed exchange, quoting the Atom error entry of an HTTP 400 body."""
    said = error_message(getattr(exc, "body", None) or b"")
    return note("arxiv-says", error=failure(exc), quote=said) if said else failure(exc)


def fetch(http: Http, settings: Settings, day: dt.date) -> list[Fetched]:
    """The arXiv candidates announced on ``day``: RSS first, the API listing when it cannot answer."""
    if settings.sources.arxiv_rss.enabled:
        rss, need_listing = _fetch_rss(http, settings, day)
    else:
        rss, need_listing = Fetched("arxiv_rss", "disabled"), True
    if not need_listing:
        return [rss]
    listing = fetch_listing(http, settings, day)
    if listing.status in ("ok", "degraded"):
        rss.fallback = "arxiv_api listing"
    return [rss, listing]


def _fetch_rss(http: Http, settings: Settings, day: dt.date) -> tuple[Fetched, bool]:
    """The RSS report, and whether the API listing must stand in."""
    weekend = day.weekday() >= 5
    try:
        response = http.get(rss_url(settings), source="arxiv_rss")
        feed_day, items = read_rss(response.content)
    except (FetchError, ParseError) as exc:
        notes = [failure_note(exc)]
        if weekend:  # nothing was due: the failure is noted but does not degrade the day
            notes.append(note("weekend-no-listing"))
            return Fetched("arxiv_rss", "not-scheduled", notes=notes), False
        return Fetched("arxiv_rss", "failed", notes=notes), True
    if weekend:
        return Fetched("arxiv_rss", "not-scheduled", notes=[note("no-announcement", date=day.isoformat())]), False
    if not items:
        return Fetched("arxiv_rss", "not-scheduled", notes=[note("empty-feed", date=day.isoformat())]), True
    if feed_day != day:
        stale = note("stale-feed", feed=str(feed_day), date=day.isoformat())
        return Fetched("arxiv_rss", "not-scheduled", notes=[stale]), True
    kept_types = settings.sources.arxiv_rss.announce_types
    kept = [c for c in items if c.detail in kept_types]
    return Fetched("arxiv_rss", "ok", kept, notes=[note("rss-kept", kept=len(kept), n=len(items), types=list(kept_types))]), False


def fetch_listing(http: Http, settings: Settings, day: dt.date) -> Fetched:
    """API listing of papers submitted in ``listing_window(day)``, newest first.

    Pages of ``max_results`` until a page is short, reaches submissions older than day-1
    (the announcement's ~24 h are covered by then), or ``MAX_LISTING_PAGES`` were asked.
    """
    api = settings.sources.arxiv_api
    if not api.enabled:
        return Fetched("arxiv_api", "disabled", notes=[note("api-disabled")])
    first, last = listing_window(day)
    found: dict[str, Candidate] = {}
    for page in range(MAX_LISTING_PAGES):
        params = listing_params(settings, day, start=page * api.max_results)
        try:
            entries = parse_api(http.get(api_url(settings), source="arxiv_api", params=params).content)
        except (FetchError, ParseError) as exc:
            return Fetched("arxiv_api", "degraded" if found else "failed", list(found.values()), notes=[failure_note(exc)])
        for candidate in entries:
            if candidate.published and first <= candidate.published <= last:
                found.setdefault(candidate.id, candidate)
        dates = [c.published for c in entries if c.published]
        if len(entries) < api.max_results or not dates or min(dates) < day - dt.timedelta(days=1):
            break
    listed = note("listing", n=len(found), first=first.isoformat(), last=last.isoformat(), requests=page + 1)
    return Fetched("arxiv_api", "ok", list(found.values()), notes=[listed])


def lookup(http: Http, settings: Settings, ids: list[str]) -> dict[str, Candidate]:
    """Authoritative records for ``ids`` by bare id, ``batch_size`` ids per id_list request.

    Ids arXiv does not know (or that are not arXiv ids) are simply absent from the result.
    A failed batch raises FetchError/ParseError (quoting arXiv's error text), never a partial
    answer: an id missing because of a failure must not read as "does not exist".
    """
    api = settings.sources.arxiv_api
    wanted = list(dict.fromkeys(_bare_or_none(raw) for raw in ids))
    wanted = [bare for bare in wanted if bare]
    found: dict[str, Candidate] = {}
    for start in range(0, len(wanted), api.batch_size):
        batch = wanted[start : start + api.batch_size]
        params = {"id_list": ",".join(batch), "start": 0, "max_results": len(batch)}
        try:
            response = http.get(api_url(settings), source="arxiv_api", params=params)
        except FetchError as exc:
            said = error_message(exc.body or b"")
            raise FetchError(f"{exc} (arXiv says: {said})" if said else str(exc), url=exc.url, status=exc.status, body=exc.body,
                             reason=exc.reason, attempts=exc.attempts, wait=exc.wait, detail=exc.detail) from exc
        for candidate in parse_api(response.content):
            bare = candidate.id.removeprefix("arxiv:")
            if bare in batch:
                found[bare] = candidate
    return found


def _bare_or_none(raw: str) -> str | None:
    try:
        return split_arxiv_id(raw)[0]
    except ValueError:
        return None
