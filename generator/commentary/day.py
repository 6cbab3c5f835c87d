"""The day-level text of an edition: the overall judgment and the research ideas.

One LLM request covers both. Without an LLM the judgment is the day's digest: facts from the
archive (``extractive.digest``) that the page words in its language; ideas have no extractive form, so without an LLM they are left out and
``needs_llm`` says so. A human's edit, or text already written from the same inputs, is kept.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
from dataclasses import dataclass, field
from typing import Any

from ..errors import LLMError
from ..messages import note
from ..models import Edition, GeneratedText, Idea, Item, Message
from ..settings import Settings
from . import claims, extractive
from .fields import (
    Session,
    canonical_hash,
    generated_text,
    in_language,
    item_data,
    profile_text,
    prompt_for,
    reader_profile,
    same_but_date,
    source_text,
    stays_as_is,
)
from .llm import DayOut, load_prompt, reason_of

log = logging.getLogger(__name__)

DAY_PROMPT = "day.v1"
DAY_SOURCE_LIMIT = 1500  # characters of each featured item's summary in the day-level request
DAY_FEATURED_MAX = 12
IDEAS_MAX = 3
JUDGMENT_SENTENCES = 4


@dataclass
class DayText:
    """An edition's day-level text."""

    judgment: GeneratedText | None = None  # an LLM's (or a human's); without one the digest stands
    ideas: list[Idea] = field(default_factory=list)
    needs_llm: list[str] = field(default_factory=list)  # day sections left out for want of an LLM
    digest: list[Message] = field(default_factory=list)  # the day's judgment as facts (extractive.digest)
    interest_counts: dict[str, int] = field(default_factory=dict)
    term_counts: dict[str, int] = field(default_factory=dict)

    @classmethod
    def of(cls, edition: Edition | None) -> "DayText":
        if edition is None:
            return cls()
        return cls(edition.judgment, list(edition.ideas), list(edition.needs_llm), list(edition.digest),
                   dict(edition.interest_counts), dict(edition.term_counts))


@dataclass
class _Request:
    """The day-level request, and the inputs hash that decides whether stored text still fits."""

    featured: list[Item]
    stats: dict[str, Any]
    data: dict[str, Any]
    inputs: str


def write_day(session: Session, items: list[Item], edition: Edition, previous: DayText, history: list[Edition],
              settings: Settings, day: dt.date) -> tuple[DayText, list[Message]]:
    """The day's text (``previous`` where it still stands) and notes on how it was written."""
    request = _request(items, edition, history, settings, day)
    keep_judgment, keep_ideas = _kept(previous, request, session.by)
    reply, failure = None, None
    if session.chat is not None and request.featured and not (keep_judgment and keep_ideas):
        reply, failure = _ask(session, request.data, settings.language)
    allowed = claims.SourceText.of(
        [t for item in request.featured for t in source_text(item)]
        + profile_text(settings)
        + [json.dumps(request.stats, ensure_ascii=False)]
    )
    notes: list[Message] = []
    judgment = previous.judgment
    if not keep_judgment:
        judgment = _judgment(reply, request, allowed, previous.judgment, session, settings.language, day, notes)
    ideas, needs_ideas = previous.ideas, False
    if not keep_ideas:
        ideas, needs_ideas = _ideas(reply, request, allowed, session, settings.language, day, notes)
    needs = [n for n in previous.needs_llm if n != "ideas"] + (["ideas"] if needs_ideas else [])
    if failure == "budget":
        notes.append(note("day-budget"))
    elif failure:
        notes.append(note("day-llm-failed", reason=failure))
    digest = extractive.digest(items, edition, history, settings, day)
    return DayText(judgment, ideas, needs, digest, extractive.interest_counts(items), extractive.term_counts(items)), notes


def featured_items(items: list[Item], edition: Edition) -> list[Item]:
    """The items the day's text is about: read-closely and highlights first, at most DAY_FEATURED_MAX."""
    by_id = {item.id: item for item in items}
    ids: list[str] = []
    for slug in ("read-closely", "highlights"):
        section = edition.section(slug)
        if section is not None:
            ids += [e.item for e in section.entries if e.item in by_id and e.item not in ids]
    if not ids:
        ids = [i for i in edition.item_ids() if i in by_id] or list(by_id)
    return [by_id[i] for i in ids[:DAY_FEATURED_MAX]]


def _request(items: list[Item], edition: Edition, history: list[Edition], settings: Settings, day: dt.date) -> _Request:
    stats = extractive.day_stats(items, edition, history, settings, day)
    featured = featured_items(items, edition)
    data = {
        "task": "day-commentary",
        "language": settings.language,
        "date": day.isoformat(),
        "reader": reader_profile(settings),
        "stats": stats,
        "items": [{**item_data(item, settings, DAY_SOURCE_LIMIT), "categories": list(item.categories)} for item in featured],
    }
    # The date is provenance, not an input: the same items and numbers give the same text.
    return _Request(featured, stats, data, canonical_hash({**data, "date": None}))


def _kept(previous: DayText, request: _Request, want_by: str) -> tuple[bool, bool]:
    """Whether the stored judgment, and the stored ideas, stand as they are."""
    keep_judgment = stays_as_is(previous.judgment, request.inputs, want_by, prompt_for(want_by, DAY_PROMPT))
    ideas = previous.ideas
    ideas_human = any(i.title.human_edited() or i.body.human_edited() for i in ideas)
    keep_ideas = ideas_human or (
        bool(ideas)
        and all(i.title.inputs == request.inputs and i.body.inputs == request.inputs and i.title.by.startswith("llm:") for i in ideas)
    )
    if not request.featured:
        keep_ideas = keep_ideas or not ideas
    return keep_judgment, keep_ideas


def _ask(session: Session, data: dict[str, Any], language: str) -> tuple[DayOut | None, str | None]:
    try:
        return session.ask(load_prompt(DAY_PROMPT).system(language), data, DayOut), None
    except LLMError as exc:
        failure = reason_of(exc)
        log.warning("llm: day-level request failed (%s): %s", failure, exc)
        return None, failure


def _judgment(reply: DayOut | None, request: _Request, allowed: claims.SourceText, stored: GeneratedText | None,
              session: Session, language: str, day: dt.date, notes: list[Message]) -> GeneratedText | None:
    """The LLM's judgment after the claim check; None without one (the day's digest of facts
    stands in). A judgment the claim check cut whole is kept empty with its removed claims,
    so the same inputs are not asked again."""
    text: GeneratedText | None = None
    removed: list[str] = []
    if reply is not None and in_language(reply.judgment, language):
        sentences = [s for s in claims.split_sentences(reply.judgment) if s.strip()][:JUDGMENT_SENTENCES]
        checked = claims.check("".join(sentences), allowed)
        removed = checked.removed
        if checked.text:
            text = generated_text(checked.text, session.chat.by, DAY_PROMPT, day, request.inputs, removed)
        if removed:
            notes.append(note("day-claims", n=len(removed), quote=list(removed)))
    elif reply is not None:
        notes.append(note("day-language"))
    if text is None and removed:
        text = generated_text("", "extractive", extractive.VERSION, day, request.inputs, removed)
    return stored if same_but_date(stored, text) else text


def _ideas(reply: DayOut | None, request: _Request, allowed: claims.SourceText, session: Session, language: str,
           day: dt.date, notes: list[Message]) -> tuple[list[Idea], bool]:
    """The LLM's ideas that pass the language and claim checks, and whether ideas still need an LLM."""
    if reply is None:
        return [], bool(request.featured)
    known = {item.id for item in request.featured}
    ideas: list[Idea] = []
    dropped = cut = 0
    for out in reply.ideas[:IDEAS_MAX]:
        if not (in_language(out.title, language) or in_language(out.body, language)):
            dropped += 1
            continue
        title = claims.check(out.title, allowed)
        body = claims.check(out.body, allowed)
        cut += len(title.removed) + len(body.removed)
        if not title.text or not body.text:
            dropped += 1
            continue
        by = session.chat.by
        ideas.append(
            Idea(
                title=generated_text(title.text, by, DAY_PROMPT, day, request.inputs, title.removed),
                body=generated_text(body.text, by, DAY_PROMPT, day, request.inputs, body.removed),
                items=[i for i in dict.fromkeys(out.items) if i in known],
            )
        )
    if cut:
        notes.append(note("day-idea-claims", n=cut))
    if dropped:
        notes.append(note("day-ideas-dropped", n=dropped))
    return ideas, False
