"""Run notes as data: a code and its arguments (``models.Message``), never a sentence.

What happened in a run (a source failed and what stood in, how the LLM fared, how the day
was ranked, why an item is only partly verified) is stored as a code and plain values:
numbers, dates, URLs, names, quotations of someone else's words (a server's error text, a
title), other notes. The pages word each code in their language (``render.messages``), so
the archive reads the same whatever the site's language, nothing is ever parsed back from a
sentence, and an ``en`` site of a ``zh`` archive is English.

``CODES`` is every code the generator writes, with its arguments; ``note`` refuses any other,
and a test checks that each has a label in every language with exactly those placeholders.
"""

from __future__ import annotations

from typing import Callable

from .errors import SourceError
from .models import Message

CODES: dict[str, tuple[str, ...]] = {
    # a failed exchange (generator/http.py, the sources' parsers)
    "http-status": ("url", "status"),
    "http-wait": ("url", "status", "wait"),
    "after-attempts": ("url", "problem", "attempts"),
    "problem-http": ("status",),
    "problem-timeout": (),
    "problem-connect": ("detail",),
    "problem-transport": ("detail",),
    "invalid-url": ("url",),
    "source-error": ("quote",),
    "arxiv-says": ("error", "quote"),
    # arXiv (generator/sources/arxiv.py)
    "weekend-no-listing": (),
    "no-announcement": ("date",),
    "empty-feed": ("date",),
    "stale-feed": ("feed", "date"),
    "rss-kept": ("kept", "n", "types"),
    "api-disabled": (),
    "listing": ("n", "first", "last", "requests"),
    # GitHub (generator/sources/github.py)
    "trending": ("n",),
    "trending-empty": (),
    "rate-limited": ("n",),
    "search": ("query", "n"),
    "search-failed": ("query", "error"),
    # Hugging Face (generator/sources/huggingface.py)
    "daily-papers": ("n", "date"),
    "daily-empty": ("date",),
    "daily-failed": ("error",),
    "no-mirror": (),
    "mirror": ("n", "url"),
    "mirror-failed": ("error",),
    "models": ("n",),
    "models-failed": ("error",),
    "datasets": ("n",),
    "datasets-failed": ("error",),
    # verification (generator/verify.py, generator/pipeline.py)
    "lookups-failed": ("n",),
    "published-later": ("n", "date"),
    "title-differed": ("source", "quote"),
    "no-date": (),
    "lookup-failed": ("by", "problem", "source"),
    "not-asked-after": ("problem",),
    "empty-answer": (),
    # commentary (generator/commentary/write.py, day.py)
    "no-llm": (),
    "no-client": (),
    "llm-unavailable": ("reason",),
    "llm-batches": ("model", "ok", "n"),
    "llm-failed": ("n", "reason", "items"),
    "llm-budget": ("budget", "after", "items"),
    "llm-missing": ("n",),
    "claims": ("n", "items"),
    "llm-requests": ("n", "approx", "tokens"),
    "items-written": ("written", "kept"),
    "day-claims": ("n", "quote"),
    "day-language": (),
    "day-idea-claims": ("n",),
    "day-ideas-dropped": ("n",),
    "day-budget": (),
    "day-llm-failed": ("reason",),
    # ranking (generator/grading.py)
    "grading": ("graded",),
    "grading-failed": ("graded", "batches", "reason", "items"),
    # the day's digest: its judgment as facts (generator/commentary/extractive.py)
    "digest-leading": ("papers", "interest", "n", "others"),
    "digest-leading-only": ("papers", "interest", "n"),
    "digest-count": ("interest", "n"),
    "digest-no-interest": ("papers",),
    "digest-must-reads": ("items",),
    "pick": ("item", "why"),
    "pick-plain": ("item",),
    "why-graded": ("grade",),
    "why-follows": (),
    "why-rated-relevant": (),
    "why-rated-not-relevant": (),
    "why-rated-tangential": (),
    "why-follows-lab": (),
    "why-matched": ("interest", "terms"),
    "why-close": ("titles",),
    "digest-rising": ("interest", "today", "papers", "before", "editions"),
    "digest-rising-term": ("term", "today", "papers", "before", "editions"),
    "digest-rising-category": ("category", "today", "listed", "before", "editions"),
    "digest-steady": ("editions",),
    "digest-no-history": (),
    "digest-lacking": ("interests",),
    "digest-returning": ("items",),
    # a note an earlier version stored as a sentence: shown as a quotation of the record
    "recorded": ("quote",),
}


def note(code: str, **args: object) -> Message:
    """The note ``code`` with its arguments (None values left out)."""
    if code not in CODES:
        raise ValueError(f"unknown note code {code!r}: add it to generator/messages.py CODES and its labels to render/i18n.py")
    return Message(code=code, args={name: value for name, value in args.items() if value is not None})


def failure(exc: BaseException) -> Message:
    """A failed exchange as a note: the HTTP status, the wait a server asked for, the problem
    after the retries, or (a parser's complaint) the error's own words, quoted."""
    if not isinstance(exc, SourceError):
        return note("source-error", quote=str(exc))
    if exc.reason == "invalid URL":
        return note("invalid-url", url=exc.url)
    if exc.wait is not None:
        return note("http-wait", url=exc.url, status=exc.status, wait=round(exc.wait))
    if exc.attempts:
        return note("after-attempts", url=exc.url, problem=problem(exc), attempts=exc.attempts)
    if exc.status:
        return note("http-status", url=exc.url, status=exc.status)
    return note("source-error", quote=str(exc))


def problem(exc: SourceError) -> Message:
    """What went wrong, short: an HTTP status, a timeout, a connection or transport error."""
    if exc.status:
        return note("problem-http", status=exc.status)
    if exc.reason == "timeout":
        return note("problem-timeout")
    if exc.reason == "connect-error":
        return note("problem-connect", detail=exc.detail)
    if exc.reason == "transport-error":
        return note("problem-transport", detail=exc.detail)
    return note("source-error", quote=str(exc))


def scrubbed(message: Message, scrub: Callable[[str], str]) -> Message:
    """The message with ``scrub`` applied to every text in it (a replay's loopback URL)."""
    def clean(value):
        if isinstance(value, str):
            return scrub(value)
        if isinstance(value, Message):
            return scrubbed(value, scrub)
        if isinstance(value, list):
            return [clean(v) for v in value]
        return value

    return Message(code=message.code, args={name: clean(value) for name, value in message.args.items()})
