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

from ..messages import note
from ..models import Edition, Item, Message
from ..settings import Settings
from ..text import collapse_whitespace
from .claims import split_sentences

VERSION = "extractive.v1"
LIMIT = 200
HISTORY_DAYS = 28  # a day is compared with the editions of the previous four weeks
MUST_READS = 3
RETURNING = 3

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
    previous = previous_weeks(history, day)
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


def previous_weeks(history: list[Edition], day: dt.date) -> list[Edition]:
    """The editions of the ``HISTORY_DAYS`` before ``day``, oldest first."""
    since = day - dt.timedelta(days=HISTORY_DAYS)
    return sorted((e for e in history if since <= e.date < day), key=lambda e: e.date)


def interest_counts(items: list[Item]) -> dict[str, int]:
    """Listed papers per reader interest they matched (what later days compare with)."""
    counts = Counter(m.interest for item in items if item.kind == "paper" for m in item.relevance.matched)
    return dict(sorted(counts.items()))


def term_counts(items: list[Item]) -> dict[str, int]:
    """Listed papers per phrase of the reader's interests they matched (what later days compare with)."""
    counts = Counter(term for item in items if item.kind == "paper"
                     for term in {t.lower() for m in item.relevance.matched for t in m.terms})
    return dict(sorted(counts.items()))


def digest(items: list[Item], edition: Edition, history: list[Edition], settings: Settings, day: dt.date) -> list[Message]:
    """The day's judgment as facts, for the page to word in its language: the leading interest,
    the must-reads with the evidence that put them there, what rose against the previous four
    weeks, the interests the day lacked, what keeps coming back. Never a claim of its own."""
    papers = [item for item in items if item.kind == "paper"]
    counts = interest_counts(items)
    order = {interest.slug: n for n, interest in enumerate(settings.profile.interests)}
    ranked = sorted(counts, key=lambda slug: (-counts[slug], order.get(slug, len(order)), slug))
    facts = [_leading(len(papers), counts, ranked), _must_reads(items, edition), _change(items, edition, history, day)]
    lacking = [interest.slug for interest in settings.profile.interests if not counts.get(interest.slug)]
    if lacking:
        facts.append(note("digest-lacking", interests=lacking))
    returning = [e.item for s in edition.sections for e in s.entries if any(c.startswith(("seen-before", "hf-daily-papers:")) for c in e.continuity)]
    if returning:
        facts.append(note("digest-returning", items=list(dict.fromkeys(returning))[:RETURNING]))
    return [fact for fact in facts if fact is not None]


def _leading(papers: int, counts: dict[str, int], ranked: list[str]) -> Message:
    if not ranked:
        return note("digest-no-interest", papers=papers)
    top, others = ranked[0], [note("digest-count", interest=slug, n=counts[slug]) for slug in ranked[1:3]]
    if not others:
        return note("digest-leading-only", papers=papers, interest=top, n=counts[top])
    return note("digest-leading", papers=papers, interest=top, n=counts[top], others=others)


def _must_reads(items: list[Item], edition: Edition) -> Message | None:
    by_id = {item.id: item for item in items}
    section = edition.section("read-closely") or edition.section("highlights")
    picks = [by_id[e.item] for e in (section.entries if section else []) if e.item in by_id][:MUST_READS]
    return note("digest-must-reads", items=[_evidence(item) for item in picks]) if picks else None


def _evidence(item: Item) -> Message:
    """What put an item among the must-reads: an LLM's grade or the reader's own word, and the
    interest with the most evidence and its phrases (else the followed item it is close to)."""
    relevance = item.relevance
    why = []
    if relevance.grade is not None:
        why.append(note("why-graded", grade=relevance.grade))
    elif relevance.reader:
        why.append(note("why-" + relevance.reader))
    if relevance.matched:
        strongest = max(relevance.matched, key=lambda m: len(m.terms))
        why.append(note("why-matched", interest=strongest.interest, terms=strongest.terms[:2]))
    elif relevance.nearest:
        why.append(note("why-close", titles=[n.title for n in relevance.nearest[:1]]))
    return note("pick", item=item.id, why=why) if why else note("pick-plain", item=item.id)


def _change(items: list[Item], edition: Edition, history: list[Edition], day: dt.date) -> Message:
    """What rose most against the previous four weeks, as a share of each day's list (days list
    more or fewer papers): an interest, else one of its phrases, else a category (editions
    written before interests and phrases were counted have none)."""
    previous = previous_weeks(history, day)
    if not previous:
        return note("digest-no-history")
    papers = sum(1 for item in items if item.kind == "paper")
    counted = [e for e in previous if e.interest_counts]
    for code, key, today, before in (
        ("digest-rising", "interest", interest_counts(items), [(e.interest_counts, _papers(e)) for e in counted]),
        ("digest-rising-term", "term", term_counts(items), [(e.term_counts, _papers(e)) for e in counted]),
    ):
        rose = _rose(today, papers, before) if before else None
        if rose:
            return note(code, **{key: rose[0]}, today=rose[1], papers=papers, before=rose[2], editions=len(before))
    listed = len(edition.item_ids())
    rose = _rose(edition.category_counts, listed, [(e.category_counts, len(e.item_ids())) for e in previous])
    if rose:
        return note("digest-rising-category", category=rose[0], today=rose[1], listed=listed, before=rose[2], editions=len(previous))
    return note("digest-steady", editions=len(previous))


def _papers(edition: Edition) -> int:
    """The papers an edition listed (its highlights and other papers)."""
    return sum(len(s.entries) for s in edition.sections if s.slug in ("highlights", "papers"))


# What counts as a rise: at least this many today, half again the earlier share of a day's
# list, and at least this many points above it.
RISE_MIN = 3
RISE_FACTOR = 1.5
RISE_POINTS = 0.15


def _rose(today: dict[str, int], total: int, before: list[tuple[dict[str, int], int]]) -> tuple[str, int, int] | None:
    """(key, today's count, its earlier share of a day's list in percent) of what rose most."""
    found = []
    for key, count in today.items():
        share = count / total if total else 0.0
        earlier = sum(counts.get(key, 0) / n for counts, n in before if n) / len(before)
        if count >= RISE_MIN and share >= RISE_FACTOR * earlier and share - earlier >= RISE_POINTS:
            found.append((earlier - share, key, count, round(100 * earlier)))
    return min(found)[1:] if found else None
