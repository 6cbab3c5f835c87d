"""Helpers every source's parser uses: dates, and refusing what is not a feed or JSON."""

from __future__ import annotations

import datetime as dt
import email.utils
import io
import json
import xml.sax
from typing import Any

import feedparser

from ..errors import ParseError
from ..text import collapse_whitespace


def describe_body(body: bytes) -> str:
    """A short account of what a server sent, for error messages ("an HTML page '<!DOCTYPE…'")."""
    text = body.decode("utf-8", errors="replace").strip()
    if not text:
        return "an empty body"
    head = collapse_whitespace(text[:120])
    kind = "an HTML page" if "<html" in text[:1000].lower() or text.lower().startswith("<!doctype html") else "a body"
    return f"{kind} starting {head[:80]!r} ({len(body)} bytes)"


def iso_date(value: object) -> dt.date | None:
    """``'2026-07-29T00:00:00.000Z'`` -> date(2026, 7, 29); None when absent or unreadable."""
    if not isinstance(value, str) or len(value) < 10:
        return None
    try:
        return dt.date.fromisoformat(value[:10])
    except ValueError:
        return None


def rfc822_date(value: object) -> dt.date | None:
    """An RSS pubDate's date *as written* (its own time zone: arXiv's are US Eastern)."""
    if not isinstance(value, str) or not value.strip():
        return None
    try:
        return email.utils.parsedate_to_datetime(value).date()
    except (TypeError, ValueError):
        return None


def parse_feed(body: bytes, what: str) -> feedparser.FeedParserDict:
    """feedparser over bytes, refusing what is not a feed (HTML error pages, truncated XML)."""
    if not body.lstrip().startswith(b"<"):
        raise ParseError(f"{what}: expected an XML feed, got {describe_body(body)}")
    feed = feedparser.parse(io.BytesIO(body))  # a stream: feedparser never treats it as a URL
    if not feed.get("version"):
        raise ParseError(f"{what}: expected an Atom/RSS feed, got {describe_body(body)}")
    problem = feed.get("bozo_exception")
    if isinstance(problem, xml.sax.SAXException):  # truncated or broken XML: entries may be missing
        raise ParseError(f"{what}: malformed XML ({problem}) in {len(body)} bytes")
    return feed


def load_json(body: bytes, what: str) -> Any:
    """JSON from ``body`` or ParseError naming what came instead (an HTML page, a cut body)."""
    try:
        return json.loads(body)
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ParseError(f"{what}: expected JSON, got {describe_body(body)} ({exc})") from None
