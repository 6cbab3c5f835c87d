"""Commentary for one day's edition: item fields and day-level sections, with provenance.

``write_commentary`` is what the pipeline calls. For every field it decides:

* a field a human edited (``GeneratedText.human_edited()``) is never touched;
* a machine-owned field whose inputs hash is unchanged is kept as it is (re-runs are
  idempotent and do not call the LLM again), unless an LLM is now available and the
  field was extractive (then it is upgraded);
* otherwise it is generated: by the LLM when one is configured and answers, else
  extractively. LLM text goes through the claim check; sentences with figures or names
  absent from the source are cut, and if nothing is left the extractive text stands in.

The day-level sections (judgment, ideas) are asked of the LLM first, in one request, so a
tight token budget is not spent on items before them (items have a good extractive
fallback; ideas have none).
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import re
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from ..errors import BudgetExceeded, DataError, LLMError
from ..http import Http
from ..models import Commentary, Edition, GeneratedText, Idea, Item, text_hash
from ..settings import Settings
from ..store import Archive
from . import claims, extractive
from .llm import ChatClient, DayOut, ItemsOut, LLMUnavailable, load_prompt, reason_of

log = logging.getLogger(__name__)

ITEM_PROMPT = "item.v1"
DAY_PROMPT = "day.v1"
FIELDS = ("contribution", "why_it_matters", "relation")
SOURCE_TEXT_LIMIT = 6000  # characters of an item's summary sent for item commentary
DAY_SOURCE_LIMIT = 1500  # ... and for the day-level request
DAY_FEATURED_MAX = 12
IDEAS_MAX = 3
JUDGMENT_SENTENCES = 4
OWN_FLAGS = re.compile(r"^(claims-removed|llm-)")


def llm_configured(settings: Settings) -> bool:
    """An LLM is configured iff base_url and model are set (a key is optional: local servers)."""
    return bool(settings.llm.base_url.strip() and settings.llm.model.strip())


def canonical_hash(data: Any) -> str:
    """sha256 (via models.text_hash) of the canonical JSON of ``data``."""
    return text_hash(json.dumps(data, sort_keys=True, ensure_ascii=False, separators=(",", ":")))


def write_commentary(
    items: list[Item],
    edition: Edition,
    history: list[Edition],
    settings: Settings,
    http: Http | None,
    day: dt.date,
) -> None:
    """Write the commentary of ``items`` (the edition's items) and the edition's day-level text.

    Mutates ``item.commentary`` and ``edition.judgment``, ``ideas``, ``needs_llm`` and
    ``commentary_notes``. Never raises for LLM trouble: failures fall back to extractive
    text and are recorded in ``edition.commentary_notes`` and the items' flags.
    """
    _Run(items, edition, history, settings, http, day).run()


# --------------------------------------------------------------------------- inputs


def _reader(settings: Settings) -> list[dict[str, Any]]:
    return [
        {"slug": i.slug, "name": i.name, "description": i.description, "phrases": list(i.phrases)}
        for i in settings.profile.interests
    ]


def _relevance(item: Item, settings: Settings) -> dict[str, Any]:
    names = {i.slug: i.name for i in settings.profile.interests}
    return {
        "matched": [{"interest": names.get(m.interest, m.interest), "terms": list(m.terms)} for m in item.relevance.matched],
        "explanation": item.relevance.explanation,
    }


def _item_data(item: Item, settings: Settings, limit: int = SOURCE_TEXT_LIMIT) -> dict[str, Any]:
    """What the LLM sees of one item: verified source text and the relevance match, nothing else."""
    return {
        "id": item.id,
        "kind": item.kind,
        "title": item.title,
        "source_text": item.summary[:limit],
        "facts": dict(sorted(item.extra.items())),
        "relevance": _relevance(item, settings),
    }


def item_inputs(item: Item, settings: Settings) -> str:
    """The inputs hash of an item's commentary: source text, relevance, profile, language."""
    data = _item_data(item, settings, limit=len(item.summary) + 1)
    return canonical_hash({"item": data, "reader": _reader(settings), "language": settings.language})


def _source(item: Item) -> list[str]:
    return [item.title, item.summary, *item.extra.values()]


def _profile_text(settings: Settings) -> list[str]:
    out = []
    for i in settings.profile.interests:
        out += [i.slug, i.name, i.description, *i.phrases]
    return out


def _relevance_text(item: Item, settings: Settings) -> list[str]:
    rel = _relevance(item, settings)
    return [rel["explanation"], *(m["interest"] for m in rel["matched"]), *(p for m in rel["matched"] for p in m["terms"])]


_CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")


def _in_language(text: str, language: str) -> bool:
    cjk = len(_CJK.findall(text))
    if language == "zh":
        return cjk > 0
    return cjk <= len(text) * 0.1


# --------------------------------------------------------------------------- keep or regenerate


def _keep(existing: GeneratedText | None, inputs: str, want_by: str, want_prompt: str) -> bool:
    """Should ``existing`` stay as it is?"""
    if existing is None:
        return False
    if existing.human_edited():
        return True
    if existing.inputs != inputs:
        return False
    if existing.by == want_by and existing.prompt == want_prompt:
        return True
    if existing.by.startswith("llm:") and want_by == "extractive":
        return True  # LLM text on the same inputs beats a downgrade to extracts
    if existing.by == "extractive" and existing.removed_claims and want_by.startswith("llm:"):
        return True  # the LLM's text for these inputs failed the claim check: don't ask again
    return False


def _same(a: GeneratedText | None, b: GeneratedText | None) -> bool:
    """Equal but for the date: keeping ``a`` then avoids a diff that says nothing."""
    if a is None or b is None:
        return a is b
    return a.model_dump(exclude={"date"}) == b.model_dump(exclude={"date"})


def _text(text: str, by: str, prompt: str, day: dt.date, inputs: str, removed: list[str] | None = None) -> GeneratedText:
    return GeneratedText(
        text=text, by=by, prompt=prompt, date=day, inputs=inputs, generated=text_hash(text), removed_claims=list(removed or [])
    )


# --------------------------------------------------------------------------- the run


@dataclass
class _Outcome:
    """What happened to one item in this run."""

    out: Any = None  # the LLM's ItemOut, if any
    failure: str | None = None  # "timeout", "budget"...


@dataclass
class _CommentaryCounts:
    batches: int = 0
    batches_ok: int = 0
    failures: Counter = field(default_factory=Counter)  # reason -> batches
    fallback_items: Counter = field(default_factory=Counter)  # reason -> items
    budget_after: int | None = None  # items written by the LLM when the budget ran out
    claims_removed: int = 0
    claims_items: int = 0
    generated_items: int = 0
    kept_items: int = 0


class _Run:
    def __init__(self, items, edition, history, settings, http, day):
        self.items: list[Item] = list(items)
        self.edition: Edition = edition
        self.history: list[Edition] = list(history)
        self.settings: Settings = settings
        self.day: dt.date = day
        self.language = settings.language
        self.configured = llm_configured(settings)
        self.chat: ChatClient | None = ChatClient(http, settings) if self.configured and http is not None else None
        self.unavailable: str | None = None  # reason, once the LLM proved unusable for the run
        self.tally = _CommentaryCounts()
        self.day_notes: list[str] = []

    # ---- helpers

    @property
    def want_by(self) -> str:
        return self.chat.by if self.chat is not None and self.unavailable is None else "extractive"

    def _ask(self, system: str, data: dict[str, Any], schema):
        assert self.chat is not None
        if self.unavailable is not None:
            raise LLMUnavailable(self.unavailable)
        try:
            return self.chat.complete(system, data, schema)
        except LLMUnavailable as exc:
            self.unavailable = reason_of(exc)
            log.warning("llm: unavailable for the rest of the run: %s", exc)
            raise

    # ---- the run

    def run(self) -> None:
        self._carry_over()
        before = self._snapshot()
        self.day_sections()
        self.item_commentary()
        requests = self.chat.requests if self.chat is not None else 0
        if requests or self._snapshot() != before or not self.edition.commentary_notes:
            self.write_notes()
        # else nothing was (re)generated: the previous run's notes still describe the text

    def _carry_over(self) -> None:
        """Adopt the stored edition's day-level text when given a freshly built edition.

        A re-run of a day builds a new Edition; without its stored judgment and ideas, a
        human's edit would be lost and the LLM asked again. When the caller already carried
        them over (or the day is new) this does nothing.
        """
        edition = self.edition
        if edition.judgment is not None or edition.ideas or edition.needs_llm or edition.commentary_notes:
            return
        try:
            stored = Archive(self.settings.data_dir).load_edition(edition.date)
        except (DataError, ValueError, OSError) as exc:
            log.warning("commentary: the stored edition of %s is unreadable: %s", edition.date, exc)
            self.day_notes.append(f"day: the stored edition of {edition.date} could not be read; day-level text regenerated")
            return
        if stored is not None:
            edition.judgment = stored.judgment
            edition.ideas = list(stored.ideas)
            edition.needs_llm = list(stored.needs_llm)
            edition.commentary_notes = list(stored.commentary_notes)

    def _snapshot(self) -> Any:
        edition = self.edition.model_dump(include={"judgment", "ideas", "needs_llm"})
        return edition, [item.commentary.model_dump() for item in self.items]

    # ---- items

    def _needs(self, item: Item, inputs: str, want_by: str) -> bool:
        fields = {f: getattr(item.commentary, f) for f in FIELDS}
        present = [f for f, g in fields.items() if g is not None]
        if not present:
            return True
        if any(not _keep(fields[f], inputs, want_by, self._prompt_for(want_by, ITEM_PROMPT)) for f in present):
            return True
        machine_kept = any(not fields[f].human_edited() for f in present)
        return len(present) < len(FIELDS) and not machine_kept

    @staticmethod
    def _prompt_for(by: str, llm_prompt: str) -> str:
        return extractive.VERSION if by == "extractive" else llm_prompt

    def item_commentary(self) -> None:
        want_by = self.want_by
        todo: list[tuple[Item, str]] = []
        for item in self.items:
            inputs = item_inputs(item, self.settings)
            if self._needs(item, inputs, want_by):
                todo.append((item, inputs))
            else:
                self.tally.kept_items += 1
        outcomes: dict[str, _Outcome] = {item.id: _Outcome() for item, _ in todo}
        if self.chat is not None and todo:
            self._ask_items([item for item, _ in todo], outcomes)
        for item, inputs in todo:
            self._apply(item, inputs, outcomes[item.id])

    def _ask_items(self, items: list[Item], outcomes: dict[str, _Outcome]) -> None:
        prompt = load_prompt(ITEM_PROMPT)
        system = prompt.system(self.language)
        size = self.settings.llm.batch_size
        batches = [items[i : i + size] for i in range(0, len(items), size)]
        done = 0
        for n, batch in enumerate(batches):
            if self.unavailable is not None:
                for item in batch:
                    outcomes[item.id].failure = self.unavailable
                    self.tally.fallback_items[self.unavailable] += 1
                continue
            data = {
                "task": "item-commentary",
                "language": self.language,
                "reader": _reader(self.settings),
                "items": [_item_data(item, self.settings) for item in batch],
            }
            self.tally.batches += 1
            try:
                reply: ItemsOut = self._ask(system, data, ItemsOut)
            except BudgetExceeded:
                self.tally.budget_after = done
                rest = [item for b in batches[n:] for item in b]
                for item in rest:
                    outcomes[item.id].failure = "budget"
                self.tally.fallback_items["budget"] += len(rest)
                self.tally.batches -= 1
                log.warning("llm: token budget spent after %d items; %d items fall back to extractive", done, len(rest))
                return
            except LLMError as exc:
                reason = reason_of(exc)
                self.tally.failures[reason] += 1
                self.tally.fallback_items[reason] += len(batch)
                for item in batch:
                    outcomes[item.id].failure = reason
                log.warning("llm: batch %d/%d failed (%s): %s", n + 1, len(batches), reason, exc)
                continue
            self.tally.batches_ok += 1
            answers = {out.id: out for out in reply.items}
            for item in batch:
                out = answers.get(item.id)
                if out is None:
                    outcomes[item.id].failure = "missing from reply"
                    self.tally.fallback_items["missing from reply"] += 1
                else:
                    outcomes[item.id].out = out
                    done += 1
            log.info("llm: batch %d/%d: %d items", n + 1, len(batches), len(batch))

    def _apply(self, item: Item, inputs: str, outcome: _Outcome) -> None:
        old = item.commentary
        fallback = extractive.item_fields(item, self.settings)
        flags: set[str] = set()
        if outcome.failure == "budget":
            flags.add("llm-skipped: budget")
        elif outcome.failure:
            flags.add(f"llm-failed: {outcome.failure}")
        new: dict[str, GeneratedText | None] = {}
        removed_here = 0
        for name in FIELDS:
            existing: GeneratedText | None = getattr(old, name)
            if existing is not None and existing.human_edited():
                new[name] = existing
                continue
            removed: list[str] = []
            text: GeneratedText | None = None
            if outcome.out is not None:
                raw = (getattr(outcome.out, name) or "").strip()
                if raw and not _in_language(raw, self.language):
                    flags.add("llm-wrong-language")
                elif raw:
                    allowed = _source(item)
                    if name == "relation":
                        allowed += _profile_text(self.settings) + _relevance_text(item, self.settings)
                    checked = claims.check(raw, claims.SourceText.of(allowed))
                    removed = checked.removed
                    if checked.text:
                        text = _text(checked.text, self.chat.by, ITEM_PROMPT, self.day, inputs, removed)
            if text is None and fallback[name]:
                text = _text(fallback[name], "extractive", extractive.VERSION, self.day, inputs, removed)
            if removed:
                flags.add("claims-removed")
                removed_here += len(removed)
            new[name] = existing if _same(existing, text) else text
        kept_removed = any(g is not None and g.removed_claims for g in new.values())
        if kept_removed:
            flags.add("claims-removed")
        other_flags = [f for f in old.flags if not OWN_FLAGS.match(f)]
        commentary = Commentary(**new, flags=other_flags + sorted(flags))
        if removed_here:
            self.tally.claims_removed += removed_here
            self.tally.claims_items += 1
        self.tally.generated_items += 1
        if commentary != old:
            item.commentary = commentary

    # ---- the day

    def _featured(self) -> list[Item]:
        by_id = {item.id: item for item in self.items}
        ids: list[str] = []
        for slug in ("read-closely", "highlights"):
            section = self.edition.section(slug)
            if section is not None:
                ids += [e.item for e in section.entries if e.item in by_id and e.item not in ids]
        if not ids:
            ids = [i for i in self.edition.item_ids() if i in by_id] or list(by_id)
        return [by_id[i] for i in ids[:DAY_FEATURED_MAX]]

    def day_sections(self) -> None:
        edition = self.edition
        stats = extractive.day_stats(self.items, edition, self.history, self.settings, self.day)
        featured = self._featured()
        data = {
            "task": "day-commentary",
            "language": self.language,
            "date": self.day.isoformat(),
            "reader": _reader(self.settings),
            "stats": stats,
            "items": [
                {**_item_data(item, self.settings, DAY_SOURCE_LIMIT), "categories": list(item.categories)}
                for item in featured
            ],
        }
        # The date is provenance, not an input: the same items and numbers give the same text.
        inputs = canonical_hash({**data, "date": None})
        want_by = self.want_by
        ideas_human = any(i.title.human_edited() or i.body.human_edited() for i in edition.ideas)
        keep_judgment = _keep(edition.judgment, inputs, want_by, self._prompt_for(want_by, DAY_PROMPT))
        keep_ideas = ideas_human or (
            bool(edition.ideas)
            and all(i.title.inputs == inputs and i.body.inputs == inputs and i.title.by.startswith("llm:") for i in edition.ideas)
        )
        if not featured:
            keep_ideas = keep_ideas or not edition.ideas

        reply: DayOut | None = None
        failure: str | None = None
        if self.chat is not None and featured and not (keep_judgment and keep_ideas):
            try:
                reply = self._ask(load_prompt(DAY_PROMPT).system(self.language), data, DayOut)
            except LLMError as exc:
                failure = reason_of(exc)
                log.warning("llm: day-level request failed (%s): %s", failure, exc)

        notes: list[str] = []
        allowed = claims.SourceText.of(
            [t for item in featured for t in _source(item)]
            + _profile_text(self.settings)
            + [json.dumps(stats, ensure_ascii=False)]
        )

        # judgment
        if not keep_judgment:
            text: GeneratedText | None = None
            removed: list[str] = []
            if reply is not None and _in_language(reply.judgment, self.language):
                sentences = [s for s in claims.split_sentences(reply.judgment) if s.strip()][:JUDGMENT_SENTENCES]
                checked = claims.check("".join(sentences), allowed)
                removed = checked.removed
                if checked.text:
                    text = _text(checked.text, self.chat.by, DAY_PROMPT, self.day, inputs, removed)
                if removed:
                    notes.append(f"day: {len(removed)} unsupported claims removed from the judgment ({', '.join(removed)})")
            elif reply is not None:
                notes.append("day: the LLM's judgment was not in the configured language; extractive judgment used")
            if text is None:
                text = _text(extractive.judgment(stats, self.language), "extractive", extractive.VERSION, self.day, inputs, removed)
            edition.judgment = edition.judgment if _same(edition.judgment, text) else text

        # ideas
        needs_ideas = False
        if not keep_ideas:
            if reply is not None:
                ideas, dropped, cut = self._ideas(reply, featured, allowed, inputs)
                edition.ideas = ideas
                if cut:
                    notes.append(f"day: {cut} unsupported claims removed from the ideas")
                if dropped:
                    notes.append(f"day: {dropped} ideas dropped (nothing left after the claim check, or wrong language)")
            else:
                edition.ideas = []
                needs_ideas = bool(featured)
        needs = [n for n in edition.needs_llm if n != "ideas"]
        if needs_ideas:
            needs.append("ideas")
        edition.needs_llm = needs

        if failure == "budget":
            notes.append("day: token budget spent before the day-level request; extractive judgment used, ideas left out")
        elif failure:
            notes.append(f"day: llm failed ({failure}); extractive judgment used, ideas left out")
        self.day_notes += notes

    def _ideas(self, reply: DayOut, featured: list[Item], allowed: claims.SourceText, inputs: str) -> tuple[list[Idea], int, int]:
        known = {item.id for item in featured}
        ideas: list[Idea] = []
        dropped = cut = 0
        for out in reply.ideas[:IDEAS_MAX]:
            if not (_in_language(out.title, self.language) or _in_language(out.body, self.language)):
                dropped += 1
                continue
            title = claims.check(out.title, allowed)
            body = claims.check(out.body, allowed)
            cut += len(title.removed) + len(body.removed)
            if not title.text or not body.text:
                dropped += 1
                continue
            ideas.append(
                Idea(
                    title=_text(title.text, self.chat.by, DAY_PROMPT, self.day, inputs, title.removed),
                    body=_text(body.text, self.chat.by, DAY_PROMPT, self.day, inputs, body.removed),
                    items=[i for i in dict.fromkeys(out.items) if i in known],
                )
            )
        return ideas, dropped, cut

    # ---- notes

    def write_notes(self) -> None:
        t = self.tally
        day_notes = self.day_notes
        notes: list[str] = []
        if not self.configured:
            notes.append("no LLM configured (llm.base_url, llm.model): extractive commentary; ideas left out")
        elif self.chat is None:
            notes.append("LLM configured but no HTTP client given: extractive commentary; ideas left out")
        if self.unavailable:
            notes.append(f"llm: unavailable ({self.unavailable}); extractive used for the rest of the run")
        if t.batches:
            notes.append(f"llm:{self.chat.model}: {t.batches_ok} of {t.batches} item batches answered")
        for reason, batches in sorted(t.failures.items()):
            items = t.fallback_items[reason]
            notes.append(f"llm: {batches} batch{'es' if batches != 1 else ''} failed ({reason}), extractive used for {items} items")
        if t.budget_after is not None:
            notes.append(
                f"llm: token budget ({self.settings.llm.token_budget}) spent after {t.budget_after} items; "
                f"extractive used for {t.fallback_items['budget']} items"
            )
        if t.fallback_items.get("missing from reply"):
            notes.append(f"llm: {t.fallback_items['missing from reply']} items missing from replies, extractive used")
        if t.claims_removed:
            notes.append(f"claims: {t.claims_removed} unsupported claims removed from {t.claims_items} items")
        notes += day_notes
        if self.chat is not None and self.chat.requests:
            approx = "~" if self.chat.budget.estimated else ""
            notes.append(f"llm: {self.chat.requests} requests, {approx}{self.chat.budget.spent} tokens")
        if t.generated_items:
            notes.append(f"items: {t.generated_items} (re)written, {t.kept_items} unchanged")
        self.edition.commentary_notes = notes
