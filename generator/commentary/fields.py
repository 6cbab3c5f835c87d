"""What item and day commentary share: the LLM session, what the LLM sees, provenance rules.

* ``Session``: one run's LLM (or none), given up for the rest of the run once it proves
  unusable (bad key, unreachable);
* the inputs: what the LLM is shown of an item and the reader_profile, and the hash that says whether
  a stored text was written from the same inputs;
* provenance: when a stored text is kept as it is, and how a new one is recorded.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import re
from typing import Any

from ..http import Http
from ..models import GeneratedText, Item, text_hash
from ..settings import Settings
from . import extractive
from .llm import ChatClient, LLMUnavailable, reason_of

log = logging.getLogger(__name__)

SOURCE_TEXT_LIMIT = 6000  # characters of an item's summary sent for item commentary


def llm_configured(settings: Settings) -> bool:
    """An LLM is configured iff base_url and model are set (a key is optional: local servers)."""
    return bool(settings.llm.base_url.strip() and settings.llm.model.strip())


# --------------------------------------------------------------------------- the LLM session


class Session:
    """The run's LLM, if configured and given an Http; remembers when it became unusable."""

    def __init__(self, settings: Settings, http: Http | None):
        self.configured = llm_configured(settings)
        self.chat: ChatClient | None = ChatClient(http, settings) if self.configured and http is not None else None
        self.unavailable: str | None = None  # reason, once the LLM proved unusable for the run

    @property
    def by(self) -> str:
        """Who writes text now: ``llm:<model>`` while the LLM is usable, else ``extractive``."""
        return self.chat.by if self.chat is not None and self.unavailable is None else "extractive"

    @property
    def requests(self) -> int:
        return self.chat.requests if self.chat is not None else 0

    def ask(self, system: str, data: dict[str, Any], schema):
        """The LLM's reply as ``schema``; LLMError on failure (LLMUnavailable from then on)."""
        assert self.chat is not None
        if self.unavailable is not None:
            raise LLMUnavailable(self.unavailable)
        try:
            return self.chat.complete(system, data, schema)
        except LLMUnavailable as exc:
            self.unavailable = reason_of(exc)
            log.warning("llm: unavailable for the rest of the run: %s", exc)
            raise


def prompt_for(by: str, llm_prompt: str) -> str:
    """The prompt version recorded for text written ``by``."""
    return extractive.VERSION if by == "extractive" else llm_prompt


# --------------------------------------------------------------------------- inputs


GRADE_PROMPT = "grade.v1"  # the relation text LLM grading writes (generator/grading.py)


def canonical_hash(data: Any) -> str:
    """sha256 (via models.text_hash) of the canonical JSON of ``data``."""
    return text_hash(json.dumps(data, sort_keys=True, ensure_ascii=False, separators=(",", ":")))


def reader_profile(settings: Settings) -> list[dict[str, Any]]:
    return [
        {"slug": i.slug, "name": settings.profile.names(settings.language)[i.slug], "description": i.description,
         "phrases": list(i.phrases)}
        for i in settings.profile.interests
    ]


def _relevance(item: Item, settings: Settings) -> dict[str, Any]:
    names = settings.profile.names(settings.language)
    return {
        "matched": [{"interest": names.get(m.interest, m.interest), "terms": list(m.terms)} for m in item.relevance.matched],
        "close_to": [n.title for n in item.relevance.nearest],  # items the reader follows
    }


def item_data(item: Item, settings: Settings, limit: int = SOURCE_TEXT_LIMIT) -> dict[str, Any]:
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
    data = item_data(item, settings, limit=len(item.summary) + 1)
    return canonical_hash({"item": data, "reader": reader_profile(settings), "language": settings.language})


def source_text(item: Item) -> list[str]:
    """What an item's generated text may cite: its title, summary and facts."""
    return [item.title, item.summary, *item.extra.values()]


def profile_text(settings: Settings) -> list[str]:
    out = []
    for i in settings.profile.interests:
        out += [i.slug, i.name, i.name_en, i.description, *i.phrases]
    return out


def relevance_text(item: Item, settings: Settings) -> list[str]:
    rel = _relevance(item, settings)
    return [*rel["close_to"], *(m["interest"] for m in rel["matched"]), *(p for m in rel["matched"] for p in m["terms"])]


_CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")


def in_language(text: str, language: str) -> bool:
    cjk = len(_CJK.findall(text))
    if language == "zh":
        return cjk > 0
    return cjk <= len(text) * 0.1


# --------------------------------------------------------------------------- provenance


def stays_as_is(existing: GeneratedText | None, inputs: str, want_by: str, want_prompt: str) -> bool:
    """Should ``existing`` stay as it is?"""
    if existing is None:
        return False
    if existing.human_edited() or existing.prompt == GRADE_PROMPT:
        return True  # a human's text, or the relation grading wrote (grading keeps it fresh)
    if existing.inputs != inputs:
        return False
    if existing.by == want_by and existing.prompt == want_prompt:
        return True
    if existing.by.startswith("llm:") and want_by == "extractive":
        return True  # LLM text on the same inputs beats a downgrade to extracts
    if existing.by == "extractive" and existing.removed_claims and want_by.startswith("llm:"):
        return True  # the LLM's text for these inputs failed the claim check: don't ask again
    return False


def same_but_date(a: GeneratedText | None, b: GeneratedText | None) -> bool:
    """Equal but for the date: keeping ``a`` then avoids a diff that says nothing."""
    if a is None or b is None:
        return a is b
    return a.model_dump(exclude={"date"}) == b.model_dump(exclude={"date"})


def generated_text(text: str, by: str, prompt: str, day: dt.date, inputs: str, removed: list[str] | None = None) -> GeneratedText:
    """New text with its provenance: who, which prompt, when, from which inputs."""
    return GeneratedText(
        text=text, by=by, prompt=prompt, date=day, inputs=inputs, generated=text_hash(text), removed_claims=list(removed or [])
    )
