"""Commentary for one day's edition: item fields and day-level text, with provenance.

``write_commentary`` is what the pipeline calls. It reads nothing but its arguments (the
stored edition of the day comes from the caller) and changes none of them: it returns the
new commentary of every item and the edition's day-level text, for the caller to adopt.
For every field it decides:

* a field a human edited (``GeneratedText.human_edited()``) is never touched;
* a machine-owned field whose inputs hash is unchanged is kept as it is (re-runs are
  idempotent and do not call the LLM again), unless an LLM is now available and the
  field was extractive (then it is upgraded);
* otherwise it is generated: by the LLM when one is configured and answers, else
  extractively. LLM text goes through the claim check; sentences with figures or names
  absent from the source are cut, and if nothing is left the extractive text stands in.

The day-level text (judgment, ideas; :mod:`generator.commentary.day`) is asked of the LLM
first, in one request, so a tight token budget is not spent on items before it (items have
a good extractive fallback; ideas have none).
"""

from __future__ import annotations

import datetime as dt
import logging
import re
from collections import Counter
from dataclasses import dataclass, field
from typing import Any, Iterable

from ..errors import BudgetExceeded, LLMError
from ..http import Http
from ..messages import note
from ..models import Commentary, Edition, GeneratedText, Idea, Item, Message
from ..settings import Settings
from . import claims, extractive
from .day import DayText, write_day
from .fields import (
    GRADE_PROMPT,
    Session,
    generated_text,
    in_language,
    item_data,
    item_inputs,
    profile_text,
    prompt_for,
    reader_profile,
    relevance_text,
    same_but_date,
    source_text,
    stays_as_is,
)
from .llm import ItemsOut, load_prompt, reason_of

log = logging.getLogger(__name__)

ITEM_PROMPT = "item.v1"
FIELDS = ("contribution", "why_it_matters", "relation")
OWN_FLAGS = re.compile(r"^(claims-removed|llm-)")


@dataclass
class CommentaryResult:
    """What a commentary run wrote: every item's commentary and the edition's day-level text."""

    commentary: dict[str, Commentary]  # item id -> its commentary (unchanged ones included)
    judgment: GeneratedText | None
    ideas: list[Idea]
    needs_llm: list[str]
    notes: list[Message]  # the edition's commentary_notes
    digest: list[Message] = field(default_factory=list)  # the day's judgment as facts
    interest_counts: dict[str, int] = field(default_factory=dict)
    term_counts: dict[str, int] = field(default_factory=dict)

    def apply_to(self, items: Iterable[Item], edition: Edition) -> None:
        """Adopt the results: the caller's items and edition, which the run left alone."""
        for item in items:
            if item.id in self.commentary:
                item.commentary = self.commentary[item.id]
        edition.judgment, edition.ideas = self.judgment, list(self.ideas)
        edition.needs_llm, edition.commentary_notes = list(self.needs_llm), list(self.notes)
        edition.digest, edition.interest_counts, edition.term_counts = list(self.digest), dict(self.interest_counts), dict(self.term_counts)


def write_commentary(
    items: list[Item],
    edition: Edition,
    history: list[Edition],
    settings: Settings,
    http: Http | None,
    day: dt.date,
    *,
    stored: Edition | None = None,
) -> CommentaryResult:
    """The commentary of ``items`` (the edition's items) and the edition's day-level text.

    ``stored`` is the day's edition as archived, if any: its day-level text (perhaps edited by
    a human) is what a re-run keeps or replaces. ``edition`` gives the sections. Never raises
    for LLM trouble: failures fall back to extractive text and are recorded in the notes and
    the items' flags.
    """
    session = Session(settings, http)
    previous = DayText.of(stored)
    counts = _CommentaryCounts()
    day_text, day_notes = write_day(session, list(items), edition, previous, history, settings, day)
    commentary = _item_commentary(session, list(items), settings, day, counts)
    changed = (day_text != previous) or any(commentary[item.id] != item.commentary for item in items)
    stored_notes = list(stored.commentary_notes) if stored is not None else []
    if session.requests or changed or not stored_notes:
        notes = _notes(session, settings, counts, day_notes)
    else:
        notes = stored_notes  # nothing was (re)generated: the previous run's notes still describe the text
    return CommentaryResult(commentary, day_text.judgment, day_text.ideas, day_text.needs_llm, notes, day_text.digest,
                            day_text.interest_counts, day_text.term_counts)


# --------------------------------------------------------------------------- items


@dataclass
class _Outcome:
    """What happened to one item in this run."""

    out: Any = None  # the LLM's ItemOut, if any
    failure: str | None = None  # "timeout", "budget"...


@dataclass
class _CommentaryCounts:
    """Counts for the edition's notes."""

    batches: int = 0
    batches_ok: int = 0
    failures: Counter = field(default_factory=Counter)  # reason -> batches
    fallback_items: Counter = field(default_factory=Counter)  # reason -> items
    budget_after: int | None = None  # items written by the LLM when the budget ran out
    claims_removed: int = 0
    claims_items: int = 0
    generated_items: int = 0
    kept_items: int = 0


def _item_commentary(session: Session, items: list[Item], settings: Settings, day: dt.date,
                     counts: _CommentaryCounts) -> dict[str, Commentary]:
    want_by = session.by
    todo: list[tuple[Item, str]] = []
    for item in items:
        inputs = item_inputs(item, settings)
        if _needs(item, inputs, want_by):
            todo.append((item, inputs))
        else:
            counts.kept_items += 1
    outcomes: dict[str, _Outcome] = {item.id: _Outcome() for item, _ in todo}
    if session.chat is not None and todo:
        _ask_items(session, [item for item, _ in todo], outcomes, settings, counts)
    result = {item.id: item.commentary for item in items}
    for item, inputs in todo:
        result[item.id] = _written(item, inputs, outcomes[item.id], session, settings, day, counts)
    return result


def _needs(item: Item, inputs: str, want_by: str) -> bool:
    # A relation written by grading is grading's to keep fresh: it says nothing about the rest.
    fields = {f: getattr(item.commentary, f) for f in FIELDS}
    present = [f for f, g in fields.items() if g is not None and g.prompt != GRADE_PROMPT]
    if not present:
        return True
    if any(not stays_as_is(fields[f], inputs, want_by, prompt_for(want_by, ITEM_PROMPT)) for f in present):
        return True
    machine_kept = any(not fields[f].human_edited() for f in present)
    return len(present) < len(FIELDS) and not machine_kept


def _ask_items(session: Session, items: list[Item], outcomes: dict[str, _Outcome], settings: Settings,
               counts: _CommentaryCounts) -> None:
    system = load_prompt(ITEM_PROMPT).system(settings.language)
    size = settings.llm.batch_size
    batches = [items[i : i + size] for i in range(0, len(items), size)]
    done = 0
    for n, batch in enumerate(batches):
        if session.unavailable is not None:
            for item in batch:
                outcomes[item.id].failure = session.unavailable
                counts.fallback_items[session.unavailable] += 1
            continue
        data = {
            "task": "item-commentary",
            "language": settings.language,
            "reader": reader_profile(settings),
            "items": [item_data(item, settings) for item in batch],
        }
        counts.batches += 1
        try:
            reply: ItemsOut = session.ask(system, data, ItemsOut)
        except BudgetExceeded:
            counts.budget_after = done
            rest = [item for b in batches[n:] for item in b]
            for item in rest:
                outcomes[item.id].failure = "budget"
            counts.fallback_items["budget"] += len(rest)
            counts.batches -= 1
            log.warning("llm: token budget spent after %d items; %d items fall back to extractive", done, len(rest))
            return
        except LLMError as exc:
            reason = reason_of(exc)
            counts.failures[reason] += 1
            counts.fallback_items[reason] += len(batch)
            for item in batch:
                outcomes[item.id].failure = reason
            log.warning("llm: batch %d/%d failed (%s): %s", n + 1, len(batches), reason, exc)
            continue
        counts.batches_ok += 1
        answers = {out.id: out for out in reply.items}
        for item in batch:
            out = answers.get(item.id)
            if out is None:
                outcomes[item.id].failure = "missing from reply"
                counts.fallback_items["missing from reply"] += 1
            else:
                outcomes[item.id].out = out
                done += 1
        log.info("llm: batch %d/%d: %d items", n + 1, len(batches), len(batch))


def _written(item: Item, inputs: str, outcome: _Outcome, session: Session, settings: Settings, day: dt.date,
             counts: _CommentaryCounts) -> Commentary:
    """The item's new commentary: the LLM's checked text, else extracts; human edits kept."""
    old = item.commentary
    fallback = extractive.item_fields(item)
    flags: set[str] = set()
    if outcome.failure == "budget":
        flags.add("llm-skipped: budget")
    elif outcome.failure:
        flags.add(f"llm-failed: {outcome.failure}")
    new: dict[str, GeneratedText | None] = {}
    removed_here = 0
    for name in FIELDS:
        existing: GeneratedText | None = getattr(old, name)
        if existing is not None and (existing.human_edited() or existing.prompt == GRADE_PROMPT):
            new[name] = existing
            continue
        removed: list[str] = []
        text: GeneratedText | None = None
        if outcome.out is not None:
            raw = (getattr(outcome.out, name) or "").strip()
            if raw and not in_language(raw, settings.language):
                flags.add("llm-wrong-language")
            elif raw:
                allowed = source_text(item)
                if name == "relation":
                    allowed += profile_text(settings) + relevance_text(item, settings)
                checked = claims.check(raw, claims.SourceText.of(allowed))
                removed = checked.removed
                if checked.text:
                    text = generated_text(checked.text, session.chat.by, ITEM_PROMPT, day, inputs, removed)
        if text is None and fallback[name]:
            text = generated_text(fallback[name], "extractive", extractive.VERSION, day, inputs, removed)
        if removed:
            flags.add("claims-removed")
            removed_here += len(removed)
        new[name] = existing if same_but_date(existing, text) else text
    if any(g is not None and g.removed_claims for g in new.values()):
        flags.add("claims-removed")
    other_flags = [f for f in old.flags if not OWN_FLAGS.match(f)]
    commentary = Commentary(**new, flags=other_flags + sorted(flags))
    if removed_here:
        counts.claims_removed += removed_here
        counts.claims_items += 1
    counts.generated_items += 1
    return old if commentary == old else commentary


# --------------------------------------------------------------------------- notes


def _notes(session: Session, settings: Settings, t: _CommentaryCounts, day_notes: list[Message]) -> list[Message]:
    notes: list[Message] = []
    if not session.configured:
        notes.append(note("no-llm"))
    elif session.chat is None:
        notes.append(note("no-client"))
    if session.unavailable:
        notes.append(note("llm-unavailable", reason=session.unavailable))
    if t.batches:
        notes.append(note("llm-batches", model=session.chat.model, ok=t.batches_ok, n=t.batches))
    for reason, batches in sorted(t.failures.items()):
        notes.append(note("llm-failed", n=batches, reason=reason, items=t.fallback_items[reason]))
    if t.budget_after is not None:
        notes.append(note("llm-budget", budget=settings.llm.token_budget, after=t.budget_after, items=t.fallback_items["budget"]))
    if t.fallback_items.get("missing from reply"):
        notes.append(note("llm-missing", n=t.fallback_items["missing from reply"]))
    if t.claims_removed:
        notes.append(note("claims", n=t.claims_removed, items=t.claims_items))
    notes += day_notes
    if session.requests:
        notes.append(note("llm-requests", n=session.requests, approx="~" if session.chat.budget.estimated else "",
                          tokens=session.chat.budget.spent))
    if t.generated_items:
        notes.append(note("items-written", written=t.generated_items, kept=t.kept_items))
    return notes
