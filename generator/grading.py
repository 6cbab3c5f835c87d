"""LLM grading of the shortlist: a 0-3 grade against the reader's profile, and why, in one sentence.

Runs only when an LLM is configured. Items go in batches (``llm.grade_batch_size``) under the
run's token budget (``llm.grade_budget_share`` of it; commentary gets the rest). The grade
orders the edition (``rank.relevance_value``); the reason, claim-checked against the item's own
text and the profile, becomes the item's relation text, with its provenance (``grade.v1``).

A batch that fails (HTTP error, refusal, malformed JSON, a reply that leaves out an item or
gives a grade outside 0-3) falls back to the lexical score for that batch only, and the
edition's notes say so. A grade on the same inputs is reused on a re-run: no request.
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass, field

from pydantic import BaseModel, ConfigDict, Field

from .commentary import claims
from .commentary.llm import ChatClient, LLMUnavailable, load_prompt, reason_of
from .commentary.fields import GRADE_PROMPT, canonical_hash
from .errors import BudgetExceeded, LLMError
from .messages import note
from .models import GeneratedText, Item, Message, Relevance, text_hash
from .settings import Settings

log = logging.getLogger(__name__)

SOURCE_LIMIT = 1500  # characters of an item's text sent for grading


class GradeOut(BaseModel):
    model_config = ConfigDict(extra="ignore", str_strip_whitespace=True)
    id: str
    grade: int = Field(ge=0, le=3)
    reason: str = Field(min_length=1)


class GradesOut(BaseModel):
    model_config = ConfigDict(extra="ignore")
    items: list[GradeOut]


@dataclass
class Grade:
    grade: int
    relation: GeneratedText


@dataclass
class Grading:
    grades: dict[str, Grade] = field(default_factory=dict)  # item id -> its grade and relation text
    failed: dict[str, str] = field(default_factory=dict)  # item id -> why its batch fell back
    batches: int = 0
    batches_failed: int = 0
    reused: int = 0


def grade_inputs(item: Item, settings: Settings) -> str:
    return canonical_hash({"item": _item_data(item), "reader": _reader(settings), "language": settings.language,
                           "prompt": GRADE_PROMPT})


def _item_data(item: Item) -> dict:
    return {"id": item.id, "kind": item.kind, "title": item.title, "source_text": item.summary[:SOURCE_LIMIT]}


def _reader(settings: Settings) -> dict:
    profile = settings.profile
    names = profile.names(settings.language)
    return {
        "interests": [{"name": names[i.slug], "description": i.description, "weight": i.weight} for i in profile.interests],
        "follows": [e.title for e in profile.library],
        "unwanted": [names[t.slug] for t in profile.unwanted],
    }


def grade(items: list[Item], prior: dict[str, Relevance], settings: Settings, chat: ChatClient, day: dt.date) -> Grading:
    """Grade ``items`` (best first); ``prior`` holds their stored relevance, to reuse grades."""
    result = Grading()
    todo: list[tuple[Item, str]] = []
    for item in items:
        inputs = grade_inputs(item, settings)
        old = prior.get(item.id)
        relation = item.commentary.relation
        if old is not None and old.grade is not None and relation is not None and relation.inputs == inputs \
                and relation.prompt == GRADE_PROMPT and old.graded_by == chat.by:
            result.grades[item.id] = Grade(old.grade, relation)
            result.reused += 1
        else:
            todo.append((item, inputs))
    size = settings.llm.grade_batch_size
    system = load_prompt(GRADE_PROMPT).system(settings.language)
    for start in range(0, len(todo), size):
        batch = todo[start : start + size]
        result.batches += 1
        try:
            reply = chat.complete(system, _request(batch, settings), GradesOut)
            answers = _answers(reply, batch)
        except (LLMError, BudgetExceeded) as exc:
            reason = reason_of(exc)
            result.batches_failed += 1
            result.failed.update({item.id: reason for item, _ in batch})
            log.warning("llm: grading batch %d failed (%s): %s", result.batches, reason, exc)
            if isinstance(exc, (LLMUnavailable, BudgetExceeded)):
                for item, _ in todo[start + size :]:
                    result.failed[item.id] = reason
                break
            continue
        for item, inputs in batch:
            result.grades[item.id] = _graded(item, answers[item.id], inputs, settings, chat.by, day)
    return result


def _request(batch: list[tuple[Item, str]], settings: Settings) -> dict:
    return {"task": "grade", "language": settings.language, "reader": _reader(settings),
            "items": [_item_data(item) for item, _ in batch]}


def _answers(reply: GradesOut, batch: list[tuple[Item, str]]) -> dict[str, GradeOut]:
    answers = {a.id: a for a in reply.items}
    missing = [item.id for item, _ in batch if item.id not in answers]
    if missing:  # a reply that skips items is not trusted for the others either
        error = LLMError(f"the grading reply left out {len(missing)} of {len(batch)} items")
        error.reason = "incomplete reply"
        raise error
    return answers


def _graded(item: Item, answer: GradeOut, inputs: str, settings: Settings, by: str, day: dt.date) -> Grade:
    allowed = [item.title, item.summary, *item.extra.values()]
    for interest in settings.profile.interests:
        allowed += [interest.name, interest.name_en, interest.description, *interest.phrases]
    allowed += [e.title for e in settings.profile.library]
    checked = claims.check(answer.reason, claims.SourceText.of(allowed))
    # When the claim check cut the whole reason, the text stays empty (its removed claims
    # recorded): the page then words the grade and the ranking's evidence in its language.
    text = checked.text
    relation = GeneratedText(text=text, by=by, prompt=GRADE_PROMPT, date=day, inputs=inputs,
                             generated=text_hash(text), removed_claims=checked.removed)
    return Grade(answer.grade, relation)


def apply(items: dict[str, Item], grading: Grading, by: str) -> None:
    """Put the grades on the items' relevance and the reasons into their relation text."""
    for item_id, graded in grading.grades.items():
        item = items[item_id]
        item.relevance = item.relevance.model_copy(update={"grade": graded.grade, "graded_by": by})
        relation = item.commentary.relation
        if relation is None or not relation.human_edited():
            item.commentary = item.commentary.model_copy(update={"relation": graded.relation})


def notes(grading: Grading) -> list[Message]:
    """What the edition says about grading (no request counts: a re-run that reuses stored
    grades must not change the edition)."""
    if not grading.batches and not grading.reused:
        return []
    graded, failed = len(grading.grades), len(grading.failed)
    if not failed:
        return [note("grading", graded=graded)]
    reasons = sorted(set(grading.failed.values()))
    return [note("grading-failed", graded=graded, batches=grading.batches_failed, reason=reasons, items=failed)]
