"""Phrase evidence in an item's own text, shared by relevance ranking and classification. Pure.

A phrase counts where it stands as words (word boundaries, an optional plural ending), never
inside a URL, and an abbreviation counts for its long form ("RL" is evidence for
"reinforcement learning", "MoE" for "mixture of experts"). A hit in the title weighs more
than one in the abstract, and repeats in the abstract add a little: what a paper is *about*
shows in its title and recurs in its abstract, a passing word does not.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from functools import lru_cache

# Abbreviations and the long forms they stand for. Matched case-sensitively on word
# boundaries ("RL" yes, "rl" inside "world" no); the long form is what phrases name.
ABBREVIATIONS: dict[str, str] = {
    "RL": "reinforcement learning",
    "MARL": "multi-agent reinforcement learning",
    "RLHF": "reinforcement learning from human feedback",
    "RLVR": "reinforcement learning with verifiable rewards",
    "LLM": "large language model",
    "LM": "language model",
    "VLM": "vision-language model",
    "MLLM": "multimodal large language model",
    "VLA": "vision-language-action model",
    "MoE": "mixture of experts",
    "CoT": "chain-of-thought",
    "RAG": "retrieval-augmented generation",
    "KV": "key-value cache",
    "SFT": "supervised fine-tuning",
    "MCTS": "monte carlo tree search",
    "GUI": "graphical user interface",
    "ASR": "automatic speech recognition",
    "TTS": "text-to-speech",
    "OOD": "out-of-distribution",
    "SWE": "software engineering",
    "MBRL": "model-based reinforcement learning",
    "dLLM": "diffusion language model",
    "NeRF": "neural radiance field",
}

# Separators that mean the same to a reader: "long-horizon" = "long horizon".
_SEPARATORS = re.compile(r"[\s\-‐‑–—_/]+")
_URL = re.compile(r"(?:https?://|www\.)\S+|\b[\w.-]+\.(?:com|org|io|ai|net|edu)/\S*", re.IGNORECASE)
_TEX_COMMAND = re.compile(r"\\[a-zA-Z]+\*?")

TITLE_WEIGHT = 1.0
ABSTRACT_WEIGHT = 0.4
# An abstract repeating a phrase is a sign it is about it; the third repeat adds nothing more.
ABSTRACT_REPEATS = 3


def normalise(text: str) -> str:
    """Lower case, TeX commands out, separators folded to one space (URLs: expand_abbreviations)."""
    text = _TEX_COMMAND.sub(" ", text)
    return " " + _SEPARATORS.sub(" ", text.lower()).strip() + " "


def expand_abbreviations(text: str) -> str:
    """The text with each known abbreviation preceded by its long form, URLs removed.

    Before, not after: "LLM agents" reads "(large language model) LLM agents", so a phrase
    "llm agent" still finds its words side by side."""
    if "/" in text or "www." in text:  # no URL without one: spares the costly pattern on most texts
        text = _URL.sub(" ", text)
    return _abbreviation_pattern().sub(lambda m: f"({ABBREVIATIONS[m.group(1)]}) {m.group(0)}", text)


@lru_cache(maxsize=1)
def _abbreviation_pattern() -> re.Pattern[str]:
    names = sorted(ABBREVIATIONS, key=len, reverse=True)
    return re.compile(r"(?<![A-Za-z0-9])(" + "|".join(map(re.escape, names)) + r")s?(?![A-Za-z0-9])")


@lru_cache(maxsize=8192)
def folded_phrase(phrase: str) -> str:
    """The phrase as normalised text has it: lower case, separators as one space."""
    return _SEPARATORS.sub(" ", phrase.lower()).strip()


@lru_cache(maxsize=8192)
def phrase_pattern(phrase: str) -> re.Pattern[str]:
    """Word-bounded, separator-insensitive, with an optional plural on ASCII phrases."""
    folded = folded_phrase(phrase)
    escaped = re.escape(folded).replace(r"\ ", " ")
    if folded.isascii():
        return re.compile(rf"(?<![a-z0-9]){escaped}(?:s|es)?(?![a-z0-9])")
    return re.compile(escaped)  # CJK: no spaces between words, so no boundaries either


@dataclass(frozen=True)
class Fields:
    """An item's text as matched: title and abstract apart, each normalised once."""

    title: str
    abstract: str

    @classmethod
    def of(cls, title: str, abstract: str) -> Fields:
        return cls(normalise(expand_abbreviations(title)), normalise(expand_abbreviations(abstract)))


@dataclass(frozen=True)
class Hit:
    phrase: str
    in_title: bool
    in_abstract: int  # occurrences in the abstract

    @property
    def weight(self) -> float:
        abstract = ABSTRACT_WEIGHT * (1 + 0.5 * (min(self.in_abstract, ABSTRACT_REPEATS) - 1)) if self.in_abstract else 0.0
        return (TITLE_WEIGHT if self.in_title else 0.0) + abstract


def hits(fields: Fields, phrases: list[str]) -> list[Hit]:
    found = []
    for phrase in phrases:
        folded = folded_phrase(phrase)
        if not folded:
            continue
        # A match contains the folded phrase itself: a plain substring test rules most phrases out
        # before the (ten times slower) word-bounded pattern runs.
        in_title = folded in fields.title and bool(phrase_pattern(phrase).search(fields.title))
        in_abstract = len(phrase_pattern(phrase).findall(fields.abstract)) if folded in fields.abstract else 0
        if in_title or in_abstract:
            found.append(Hit(phrase, in_title, in_abstract))
    return found


def weight(found: list[Hit]) -> float:
    return sum(h.weight for h in found)


def squash(evidence: float) -> float:
    """Diminishing returns: one title hit ~0.63, more evidence approaches 1."""
    return 1 - math.exp(-evidence)
