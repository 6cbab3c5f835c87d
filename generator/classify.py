"""Classification into the taxonomy and relevance against the reader's profile. Pure.

Both are phrase matches on the item's own text (title, summary, source tags), so every
decision comes with a stored, human-readable explanation: which category or interest
matched, and on which phrases.
"""

from __future__ import annotations

import math
import re
from functools import lru_cache

from .models import CategoryMatch, InterestMatch, Item, Relevance
from .settings import Category, Profile


@lru_cache(maxsize=4096)
def _phrase_pattern(phrase: str) -> re.Pattern[str]:
    # Word-bounded on ASCII words; a CJK phrase matches anywhere (no spaces between words).
    escaped = re.escape(phrase.lower())
    if phrase.isascii():
        return re.compile(rf"(?<![a-z0-9]){escaped}(?![a-z0-9])")
    return re.compile(escaped)


def matched_phrases(text: str, phrases: list[str]) -> list[str]:
    lowered = text.lower()
    return [p for p in phrases if p and _phrase_pattern(p).search(lowered)]


def text_of(title: str, summary: str, tags: list[str]) -> str:
    """The text classification and relevance match against (of an item or a candidate)."""
    return " \n ".join([title, summary, " ".join(tags)])


def item_text(item: Item) -> str:
    return text_of(item.title, item.summary, item.source_categories)


def classify(item: Item, taxonomy: list[Category]) -> list[CategoryMatch]:
    text = item_text(item)
    matches = []
    for category in taxonomy:
        if category.catch_all:
            continue
        if category.kinds and item.kind not in category.kinds:
            continue
        on = matched_phrases(text, category.phrases)
        on += [c for c in category.arxiv_categories if c in item.source_categories]
        if category.kinds and not category.phrases and not category.arxiv_categories:
            on = [f"kind:{item.kind}"]  # a kind-only category (e.g. model releases)
        if on:
            matches.append(CategoryMatch(category=category.slug, terms=on))
    if not matches:
        fallback = next((c for c in taxonomy if c.catch_all), None)
        if fallback is not None:
            matches.append(CategoryMatch(category=fallback.slug, terms=["(no other category matched)"]))
    return matches


def relevance(item: Item, profile: Profile) -> Relevance:
    return relevance_of_text(item_text(item), profile)


def relevance_of_text(text: str, profile: Profile) -> Relevance:
    """Score in [0, 1]: weighted interests, diminishing returns on more phrases per interest."""
    total_weight = sum(i.weight for i in profile.interests) or 1.0
    raw = 0.0
    matched: list[InterestMatch] = []
    for interest in profile.interests:
        on = matched_phrases(text, interest.phrases)
        if on:
            matched.append(InterestMatch(interest=interest.slug, terms=on))
            raw += interest.weight * (1 - math.exp(-len(on)))  # 1 phrase ~0.63, 3 ~0.95
    # Two strongly matched interests out of five already make a very relevant item.
    score = round(min(1.0, 2.5 * raw / total_weight), 3)
    names = {i.slug: i.name for i in profile.interests}
    explanation = "; ".join(f"{names[m.interest]}: {', '.join(m.terms)}" for m in matched)
    return Relevance(score=score, matched=matched, explanation=explanation)


def apply(item: Item, taxonomy: list[Category], profile: Profile) -> None:
    item.classification = classify(item, taxonomy)
    item.categories = [m.category for m in item.classification]
    item.relevance = relevance(item, profile)


def day_score(item: Item, signals: dict[str, float]) -> float:
    """The day's ranking score: relevance first, the day's popularity as a tie-breaker-plus.

    Popularity is squashed (log) so a viral repo cannot bury a relevant paper.
    """
    return score_of(item.relevance.score, signals)


def score_of(relevance_score: float, signals: dict[str, float]) -> float:
    popularity = 0.0
    for key, scale in (("upvotes", 50), ("stars_today", 500), ("trending_score", 500), ("likes", 2000), ("stars", 20000)):
        value = signals.get(key)
        if value:
            popularity = max(popularity, min(1.0, math.log1p(value) / math.log1p(scale)))
    return round(0.75 * relevance_score + 0.25 * popularity, 4)
