"""Commentary without an LLM: extracts and data, never invented text.

* contribution: the source's own most informative sentence ("we propose / introduce /
  present...", else the first), trimmed to about 200 characters at a sentence or clause
  boundary, never mid-word. It stays in the source's language: honest beats translated. A
  repo's or dataset's description likewise; a heading ("Dataset Summary") is no content.
* why_it_matters: a paper's sentence stating a concrete result (a figure, a named benchmark,
  dataset, method or baseline: ``concrete``); omitted when the source states none, and for
  repos, models and datasets (the page words why to follow them from the ranking's evidence).
* relation: none; the page words the stored relevance evidence in its own language.
* the day's judgment: counts from the archive (rising categories against the previous
  editions, items that keep reappearing, items by kind and source).

Research ideas need an LLM; this module does not attempt them.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from typing import Any

from ..models import Edition, Item
from ..settings import Settings
from ..text import collapse_whitespace
from .claims import split_sentences

VERSION = "extractive.v1"
LIMIT = 200
PREVIOUS_EDITIONS = 7

# "we" as the subject: at the start of a sentence or clause, or after "in this paper", "here"...
_WE = (
    r"(?:^|[,;:]\s+|\b(?:in this (?:paper|work|study|article)|here|thus|then|also|finally|further)\s*,?\s+)"
    r"we\s+(?:\w+ly\s+|also\s+|further\s+|then\s+)?"
)
_THIS = r"\b(?:this|the present|our) (?:paper|work|study|article|report)\s+(?:\w+ly\s+)?"
_STRONG = r"(?:propose|introduce|present|develop|design|release|build|formulate|contribute|create|construct)s?\b"
_WEAK = (
    r"(?:prove|establish|show|address|initiate|investigate|study|conduct|identify|characteri[sz]e|find|"
    r"analy[sz]e|examine|explore|demonstrate|provide|describe|extend|evaluate|report|revisit|derive)s?\b"
)
# Sentences stating the contribution, strongest first.
_PROPOSALS = (
    re.compile(f"{_WE}{_STRONG}|{_THIS}{_STRONG}", re.IGNORECASE),
    re.compile(rf"^we\b.{{0,160}}?\band (?:\w+ly )?{_STRONG}", re.IGNORECASE),
    re.compile(f"{_WE}{_WEAK}|{_THIS}{_WEAK}", re.IGNORECASE),
)
_RESULT = re.compile(
    r"\b(?:outperform\w*|surpass\w*|achiev\w*|improv\w*|exceed\w*|speed[- ]?ups?|reduc\w*|accelerat\w*|"
    r"(?:results?|experiments?|evaluations?) (?:show|demonstrate|indicate|suggest|reveal)\w*|"
    r"we (?:show|demonstrate|find|observe)|consistently|significantly)\b",
    re.IGNORECASE,
)
_WEAK_RESULT = re.compile(r"\b(?:state[- ]of[- ]the[- ]art|gains?|boost\w*|yield\w*|matches|competitive)\b", re.IGNORECASE)

_KIND_NAMES = {
    "zh": {"paper": "论文", "repo": "仓库", "model": "模型", "dataset": "数据集"},
    "en": {"paper": "papers", "repo": "repositories", "model": "models", "dataset": "datasets"},
}


# --------------------------------------------------------------------------- text helpers


def trim(text: str, limit: int = LIMIT) -> str:
    """``text`` cut to about ``limit`` characters: at a sentence end, else a clause, else a word."""
    text = collapse_whitespace(text)
    if len(text) <= limit:
        return text
    sentences = split_sentences(text)
    out = ""
    for sentence in sentences:
        if len(out) + len(sentence) > limit:
            break
        out += sentence
    if out.strip():
        return out.strip()
    head = text[: limit + 1]
    for mark in ("; ", ": ", ", ", "，", "；", "："):
        cut = head.rfind(mark)
        if cut >= limit // 2:
            return head[:cut].rstrip(" ,;:，；：") + "…"
    cut = head.rfind(" ")
    if cut >= limit // 2:
        return head[:cut].rstrip(" ,;:") + "…"
    if re.search(r"[\u3000-\u9fff]", head):
        return text[:limit] + "…"  # CJK: no spaces between words; a character is a word
    return text  # one unbroken token: don't cut inside it


def sentences_of(text: str) -> list[str]:
    return [s.strip() for s in split_sentences(collapse_whitespace(text)) if s.strip()]


def _chosen(sentences: list[str]) -> list[int]:
    """Indices of the sentences that state the contribution."""
    index = next(
        (i for pattern in _PROPOSALS for i, s in enumerate(sentences) if pattern.search(s)),
        0,
    )
    chosen = [index]
    # A short proposal sentence is often completed by the next one ("It consists of...").
    if (
        len(sentences[index]) < 80
        and index + 1 < len(sentences)
        and len(sentences[index]) + 1 + len(sentences[index + 1]) <= LIMIT
    ):
        chosen.append(index + 1)
    return chosen


def contribution(item: Item) -> str | None:
    """The source's own statement of what it contributes; None when it makes none (no text, or
    only a heading such as "Dataset Summary": a repo's or model's card facts are worded by the
    page instead)."""
    summary = collapse_whitespace(item.summary)
    if not summary or is_heading(summary):
        return None
    if item.kind != "paper":
        return trim(summary)
    sentences = sentences_of(summary)
    chosen = _chosen(sentences)
    text = " ".join(sentences[i] for i in chosen)
    if len(text) > LIMIT:
        # A long sentence whose proposal comes late ("Motivated by X, ..., we propose Y"):
        # start the extract at the proposal, marked as an excerpt.
        for pattern in _PROPOSALS:
            match = pattern.search(sentences[chosen[0]])
            if match:
                start = match.start() + len(match.group()) - len(match.group().lstrip(",;: "))
                if start > LIMIT // 4:
                    return "…" + trim(sentences[chosen[0]][start:])
                break
    return trim(text)


# What a card's first line often is instead of a description: a section heading.
_HEADING = re.compile(
    r"#+\s.*|(?:(?:dataset|model|data)\s+)?(?:card|summary|description|overview|introduction|about|readme|details)"
    r"(?:\s+(?:for|of)\s+\S+)?|(?:dataset|model)\s+card\s+for\s+.+",
    re.IGNORECASE,
)


def is_heading(text: str) -> bool:
    """A heading ("Dataset Summary", "Model Card for X", "## Overview"), never content."""
    return bool(_HEADING.fullmatch(collapse_whitespace(text).rstrip(":")))


# A concrete element of a result: a number, or a name (ALFWorld, GRPO, SWE-bench, Llama) that
# is not the sentence's first word; generic acronyms (LLM, RL...) name no benchmark or method.
_NUMBER = re.compile(r"\d")
_NAME = re.compile(r"(?<!^)(?<![.!?]\s)\b(?:[A-Z][a-z]*[A-Z][\w-]*|[A-Z]{2,}[\w-]*|[A-Z][a-z]+(?:-[\w]+)+|[A-Z][a-z]{2,})\b")
_GENERIC = {"LLM", "LLMs", "AI", "RL", "ML", "NLP", "VLM", "VLMs", "MLLM", "MLLMs", "LM", "LMs", "GPU", "GPUs", "API", "APIs",
            "SOTA", "We", "Our", "The", "This", "These", "In", "Code"}


def concrete(sentence: str) -> bool:
    """Whether a result sentence says something specific: a figure, or a named benchmark,
    dataset, method or baseline ("The results show that training is effective" does not)."""
    return bool(_NUMBER.search(sentence)) or any(m.group() not in _GENERIC for m in _NAME.finditer(sentence))


def why_it_matters(item: Item) -> str | None:
    """A paper's sentence stating a concrete result (a figure, a named benchmark or baseline);
    None when it states none, or for repos, models and datasets (the page words why to follow them)."""
    if item.kind != "paper":
        return None
    sentences = sentences_of(item.summary)
    if not sentences:
        return None
    chosen = _chosen(sentences)
    after = [i for i in range(len(sentences)) if i > chosen[-1]]
    before = [i for i in range(len(sentences)) if i < chosen[0]]
    # Results come after the contribution; a "state of the art" before it is usually motivation.
    for pattern, order in ((_RESULT, after + before), (_WEAK_RESULT, after)):
        for i in order:
            if pattern.search(sentences[i]) and concrete(sentences[i]):
                return trim(sentences[i])
    return None


def item_fields(item: Item) -> dict[str, str | None]:
    return {
        "contribution": contribution(item),
        "why_it_matters": why_it_matters(item),
        "relation": None,  # the ranking's evidence, worded by the page (render.explain)
    }


# --------------------------------------------------------------------------- the day


def category_name(slug: str, settings: Settings) -> str:
    for category in settings.taxonomy:
        if category.slug == slug:
            if settings.language == "en" and category.name_en:
                return category.name_en
            return category.name
    return slug


def day_stats(items: list[Item], edition: Edition, history: list[Edition], settings: Settings, day: dt.date) -> dict[str, Any]:
    """The day's numbers, computed from the archive only."""
    today = Counter(edition.category_counts) if edition.category_counts else Counter(
        c for item in items for c in item.categories
    )
    previous = sorted((e for e in history if e.date < day), key=lambda e: e.date)[-PREVIOUS_EDITIONS:]
    rising = []
    if previous:
        for slug, count in today.items():
            average = sum(e.category_counts.get(slug, 0) for e in previous) / len(previous)
            if count >= 2 and count - average >= 1:
                rising.append({"category": slug, "name": category_name(slug, settings), "today": count,
                               "previous_avg": round(average, 1), "_delta": count - average})
        rising.sort(key=lambda r: (-r["_delta"], r["category"]))
        for r in rising:
            del r["_delta"]
    titles = {item.id: collapse_whitespace(item.title) for item in items}
    continuity = []
    seen: set[str] = set()
    for section in edition.sections:
        for entry in section.entries:
            if entry.continuity and entry.item not in seen and entry.item in titles:
                seen.add(entry.item)
                continuity.append({"id": entry.item, "title": titles[entry.item], "signals": list(entry.continuity)})
    sources: Counter = Counter()
    for item in items:
        today_sources = {s.source for s in item.seen if s.date == day} or {s.source for s in item.seen}
        sources.update(today_sources)
    kinds = Counter(item.kind for item in items)
    top = sorted(today.items(), key=lambda kv: (-kv[1], kv[0]))
    return {
        "items": len(items),
        "kinds": {k: kinds[k] for k in ("paper", "repo", "model", "dataset") if kinds[k]},
        "sources": dict(sorted(sources.items(), key=lambda kv: (-kv[1], kv[0]))),
        "categories": [{"category": slug, "name": category_name(slug, settings), "count": n} for slug, n in top if n],
        "previous_editions": len(previous),
        "rising": rising[:3],
        "continuity": continuity[:5],
    }


def judgment(stats: dict[str, Any], language: str) -> str:
    """The day's judgment from the numbers alone."""
    zh = language == "zh"
    kinds = _KIND_NAMES[language]
    if not stats["items"]:
        return "今日没有条目。" if zh else "No items today."
    sentences = []
    by_kind = ("、" if zh else ", ").join(
        f"{kinds[k]} {n}" if zh else f"{n} {kinds[k]}" for k, n in stats["kinds"].items()
    )
    sentences.append(f"今日共 {stats['items']} 条：{by_kind}。" if zh else f"{stats['items']} items today: {by_kind}.")
    if stats["categories"]:
        top = ("、" if zh else ", ").join(f"{c['name']} {c['count']}" for c in stats["categories"][:3])
        sentences.append(f"条目最多的类别：{top}。" if zh else f"Largest categories: {top}.")
    n_prev = stats["previous_editions"]
    if n_prev and stats["rising"]:
        if zh:
            rising = "、".join(f"{r['name']} {r['today']}（此前平均 {r['previous_avg']}）" for r in stats["rising"])
            sentences.append(f"与前 {n_prev} 期相比上升的类别：{rising}。")
        else:
            rising = ", ".join(f"{r['name']} {r['today']} (previous average {r['previous_avg']})" for r in stats["rising"])
            sentences.append(f"Rising against the previous {n_prev} editions: {rising}.")
    elif n_prev:
        sentences.append(
            f"与前 {n_prev} 期相比，没有类别明显上升。" if zh else f"No category rose markedly against the previous {n_prev} editions."
        )
    if stats["continuity"]:
        if zh:
            items = "；".join(f"{c['title']}（{', '.join(c['signals'])}）" for c in stats["continuity"][:3])
            sentences.append(f"持续出现：{items}。")
        else:
            items = "; ".join(f"{c['title']} ({', '.join(c['signals'])})" for c in stats["continuity"][:3])
            sentences.append(f"Keeps reappearing: {items}.")
    if stats["sources"]:
        sources = ("、" if zh else ", ").join(f"{s} {n}" for s, n in stats["sources"].items())
        sentences.append(f"来源：{sources}。" if zh else f"By source: {sources}.")
    return ("" if zh else " ").join(sentences)
