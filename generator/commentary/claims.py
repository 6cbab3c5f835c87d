"""The claim check: generated text may only state figures and names its sources state.

A *claim* is a figure (``93.1%``, ``48.78``, ``7B``, ``1.3x``, ``3 倍``) or a name that looks
like a benchmark, dataset, method or model (``ALFWorld``, ``GPT-4o``, ``SWE-bench``,
``Qwen2.5-7B``, ``GRPO``): a token with capitals and digits, CamelCase, or an all-capitals
acronym. Every claim in a generated text must occur in the source text it was generated
from (title, abstract / description / model card, extra facts), after normalising case,
Unicode width, dashes, thousands separators and the space before units ("93.1 %").

A sentence holding an unsupported claim is removed whole; what was removed is reported so
the caller can record it (``GeneratedText.removed_claims``) and flag the item.
Sentences end at 。！？； and at . ! ? followed by a space or the end of the text.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Iterable

from ..text import collapse_whitespace

# Acronyms so generic that naming them claims nothing about an item.
GENERIC_NAMES = frozenset(
    {
        "ai", "llm", "llms", "ml", "rl", "nlp", "api", "apis", "gpu", "gpus", "cpu", "cpus",
        "sota", "arxiv", "github", "readme", "url", "urls", "json", "pdf", "hf",
    }
)

# Trailing parts of a hyphenated name that do not belong to the name: "GRPO-based".
_NAME_SUFFIXES = frozenset(
    {
        "based", "style", "like", "level", "only", "free", "aware", "driven", "guided", "specific",
        "scale", "sized", "size", "tuned", "augmented", "centric", "enhanced", "powered", "native",
        "series", "family", "type", "wise",
    }
)

_DASHES = dict.fromkeys(map(ord, "\u2010\u2011\u2012\u2013\u2014\u2015\u2212\ufe63\uff0d"), "-")

_UNITS = {
    "%": "%", "percent": "%", "pct": "%", "pp": "pp", "个百分点": "pp", "百分点": "pp",
    "x": "x", "×": "x", "times": "x", "fold": "x", "-fold": "x", "倍": "x",
    "b": "b", "bn": "b", "billion": "b", "m": "m", "million": "m", "k": "k", "thousand": "k",
    "t": "t", "trillion": "t", "亿": "亿", "万": "万",
}
_UNIT_PATTERN = "|".join(sorted((re.escape(u) for u in _UNITS), key=len, reverse=True))
# A figure: digits not glued to a preceding letter/digit/dot, an optional unit, then no
# letter or digit (so "GPT-4o" holds no figure, while "Qwen2.5-7B" holds "7B").
_NUMBER = re.compile(
    rf"(?<![A-Za-z0-9.])(\d+(?:\.\d+)?)(?:\s?({_UNIT_PATTERN}))?(?![A-Za-z0-9])",
    re.IGNORECASE,
)
_TOKEN = re.compile(r"(?<![A-Za-z0-9])[A-Za-z][A-Za-z0-9]*(?:[._-][A-Za-z0-9]+)*")
_NUMBER_WORDS = {
    "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
    "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "twenty": 20, "hundred": 100,
    "single": 1, "dual": 2, "twice": 2, "double": 2, "triple": 3,
}
_NUMBER_WORD = re.compile(r"\b(" + "|".join(_NUMBER_WORDS) + r")\b", re.IGNORECASE)

# Sentence boundaries: CJK enders, or . ! ? before whitespace / the end, or a line break.
_BOUNDARY = re.compile(r"[。！？；]+[」』”’）)]*\s*|[.!?]+[\"'”’)）]*(?=\s|$)\s*|\n+")
_ABBREVIATION = re.compile(r"(?:\b(?:e\.g|i\.e|vs|cf|al|fig|figs|eq|eqs|approx|resp|sec|no)\.)$", re.IGNORECASE)


# --------------------------------------------------------------------------- text helpers


def normalise(text: str) -> str:
    """NFKC, unified dashes, no thousands separators, single spaces. Case is kept."""
    text = unicodedata.normalize("NFKC", text or "").translate(_DASHES)
    text = re.sub(r"(?<=\d),(?=\d{3}(?!\d))", "", text)
    return collapse_whitespace(text)


def split_sentences(text: str) -> list[str]:
    """Split into sentences, keeping every character (joining the parts gives ``text`` back)."""
    parts: list[str] = []
    start = 0
    for match in _BOUNDARY.finditer(text):
        if match.group().startswith(".") and _ABBREVIATION.search(text[start : match.start() + 1]):
            continue
        parts.append(text[start : match.end()])
        start = match.end()
    if start < len(text):
        parts.append(text[start:])
    return [part for part in parts if part]


def _canonical_number(value: str) -> str:
    try:
        return format(Decimal(value).normalize(), "f")
    except InvalidOperation:  # pragma: no cover - the regex only yields decimals
        return value


# --------------------------------------------------------------------------- claims


@dataclass(frozen=True)
class Claim:
    text: str  # as written in the generated text
    kind: str  # "figure" or "name"
    value: str = ""  # figures: canonical number
    unit: str | None = None  # figures: canonical unit


def is_name(token: str) -> bool:
    """Does this token look like the name of a benchmark, model, dataset or method?"""
    letters = [c for c in token if c.isalpha()]
    uppers = sum(c.isupper() for c in letters)
    lowers = len(letters) - uppers
    if uppers and any(c.isdigit() for c in token):
        return True  # GPT-4o, Qwen2.5-7B, Llama3
    if uppers >= 2 and lowers == 0:
        return True  # GRPO, RLVR
    if uppers >= 2 and lowers:
        return True  # ALFWorld, WebShop, SWE-bench, HumanEval
    return bool(re.search(r"[a-z][A-Z]", token))  # arXiv, iPhone


def find_claims(text: str) -> list[Claim]:
    """The figures and names in ``text``, in order of appearance, without duplicates.

    Digits inside a name ("GPT-5", "Qwen2.5-7B") belong to the name, not to a figure.
    """
    text = normalise(text)
    found: list[tuple[int, tuple, Claim]] = []
    name_spans: list[tuple[int, int]] = []
    for match in _TOKEN.finditer(text):
        token = match.group()
        if is_name(token):
            name_spans.append(match.span())
            if token.lower() not in GENERIC_NAMES:
                found.append((match.start(), ("name", token.lower()), Claim(token, "name")))
    for match in _NUMBER.finditer(text):
        if any(start <= match.start() < end for start, end in name_spans):
            continue
        value = _canonical_number(match.group(1))
        unit = _UNITS[match.group(2).lower()] if match.group(2) else None
        found.append((match.start(), ("figure", value, unit), Claim(match.group().strip(), "figure", value, unit)))
    claims: dict[tuple, Claim] = {}
    for _, key, claim in sorted(found, key=lambda f: f[0]):
        claims.setdefault(key, claim)
    return list(claims.values())


@dataclass
class SourceText:
    """The text that generated claims are checked against."""

    text: str
    figures: set[tuple[str, str | None]] = field(default_factory=set)

    @classmethod
    def of(cls, parts: Iterable[str | None]) -> "SourceText":
        text = normalise("\n".join(p for p in parts if p))
        figures = {
            (_canonical_number(m.group(1)), _UNITS[m.group(2).lower()] if m.group(2) else None)
            for m in _NUMBER.finditer(text)
        }
        figures |= {(str(_NUMBER_WORDS[m.group(1).lower()]), None) for m in _NUMBER_WORD.finditer(text)}
        return cls(text=text.lower(), figures=figures)

    def supports(self, claim: Claim) -> bool:
        if claim.kind == "figure":
            if (claim.value, claim.unit) in self.figures:
                return True
            # A bare figure may drop a percent or "x" sign, never a size unit ("8" is not "8B").
            return claim.unit is None and any(
                value == claim.value and unit in (None, "%", "pp", "x") for value, unit in self.figures
            )
        return self._has_name(claim.text)

    def _has_name(self, token: str) -> bool:
        parts = [p for p in re.split(r"[-_\s]+", token.lower()) if p]
        while parts:
            pattern = r"(?<![a-z0-9])" + r"[-_ ]?".join(re.escape(p) for p in parts) + r"s?(?![a-z0-9])"
            if re.search(pattern, self.text):
                return True
            if len(parts) > 1 and parts[-1] in _NAME_SUFFIXES:
                parts = parts[:-1]
                continue
            if parts[-1].endswith("s") and parts[-1][:-1] and token.rstrip("s")[-1:].isupper():
                parts = parts[:-1] + [parts[-1][:-1]]  # "LLMs" -> "LLM"
                continue
            return False
        return False


@dataclass
class Checked:
    text: str  # what is left; "" when every sentence held an unsupported claim
    removed: list[str] = field(default_factory=list)  # the unsupported claims
    removed_sentences: list[str] = field(default_factory=list)


def check(text: str, source: SourceText) -> Checked:
    """Remove every sentence of ``text`` that states a figure or name ``source`` does not."""
    kept: list[str] = []
    removed: list[str] = []
    removed_sentences: list[str] = []
    for sentence in split_sentences(text):
        unsupported = [c.text for c in find_claims(sentence) if not source.supports(c)]
        if unsupported:
            removed_sentences.append(sentence.strip())
            removed.extend(c for c in unsupported if c not in removed)
        else:
            kept.append(sentence)
    return Checked(text="".join(kept).strip(), removed=removed, removed_sentences=removed_sentences)
