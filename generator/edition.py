"""Assemble a day's edition from the day's ranked items. Pure.

Sections follow the briefings readers use today: highlighted papers, other papers,
repos/models to follow, and the ones to read closely (a subset of the highlights).
"""

from __future__ import annotations

import datetime as dt
from collections import Counter

from . import rank
from .models import Edition, EditionEntry, Item, Section, SourceReport
from .settings import Settings


# A partly verified item ranks a little below an equally relevant verified one.
PARTIAL_FACTOR = 0.85


def entry(item: Item, signals: dict[str, float], continuity: list[str]) -> EditionEntry:
    score = rank.day_score(item.relevance, signals, item.kind)
    if item.verification.status == "partial":
        score = round(score * PARTIAL_FACTOR, 4)
    return EditionEntry(item=item.id, score=score, signals=signals, continuity=continuity)


def _ranked(entries: list[EditionEntry]) -> list[EditionEntry]:
    return sorted(entries, key=lambda e: (-e.score, e.item))


def build(
    day: dt.date,
    items: dict[str, Item],
    entries: list[EditionEntry],
    reports: list[SourceReport],
    settings: Settings,
) -> Edition:
    limits = settings.edition
    # Restraint: only what shows evidence of the reader's interests is listed, and papers below
    # min_score stay out, so a thin day has a short list. The follow list is the day's repos,
    # models and datasets closest to the reader (a model card often has no text to score high on).
    shown = [e for e in entries if not limits.require_evidence or rank.has_evidence(items[e.item].relevance)]
    papers = _ranked([e for e in shown if items[e.item].kind == "paper"
                      and rank.relevance_value(items[e.item].relevance) >= limits.min_score])
    others = _ranked([e for e in shown if items[e.item].kind != "paper"])
    highlights = papers[: limits.highlights]
    rest = papers[limits.highlights : limits.highlights + limits.papers]
    # Read closely: the most relevant of the highlights, by relevance alone (not popularity).
    closely = sorted(highlights, key=lambda e: (-rank.relevance_value(items[e.item].relevance), -e.score, e.item))[: limits.read_closely]
    sections = [
        Section(slug="highlights", entries=highlights),
        Section(slug="papers", entries=rest),
        Section(slug="follow", entries=follow_list(others, items, limits.follow)),
        Section(slug="read-closely", entries=closely),
    ]
    shown = {e.item for s in sections for e in s.entries}
    counts = Counter(cat for item_id in shown for cat in items[item_id].categories)
    return Edition(
        date=day,
        language=settings.language,
        status=status_of(reports, bool(shown)),
        sections=[s for s in sections if s.entries],
        category_counts=dict(sorted(counts.items())),
        sources=reports,
    )


def follow_list(ranked: list[EditionEntry], items: dict[str, Item], size: int) -> list[EditionEntry]:
    """The best repos, models and datasets: each kind present gets a share of the places first
    (one viral kind must not crowd out the others), the rest go by score; the list stays in score order."""
    kinds = list(dict.fromkeys(items[e.item].kind for e in ranked))
    share = max(1, size // (2 * len(kinds))) if kinds else 0
    chosen = [e for kind in kinds for e in [x for x in ranked if items[x.item].kind == kind][:share]][:size]
    chosen += [e for e in ranked if e not in chosen][: size - len(chosen)]
    return _ranked(chosen)


def status_of(reports: list[SourceReport], has_items: bool) -> str:
    if not has_items:
        return "empty"
    if any(r.status in ("failed", "degraded") for r in reports):
        return "degraded"
    return "published"


# Worst last: a re-run may keep or improve a day's status, never lower it unasked.
STATUS_RANK = {"published": 0, "degraded": 1, "empty": 2}


def why_not_replace(new: Edition, stored: Edition | None) -> str | None:
    """Why ``new`` must not replace the day's ``stored`` edition, or None when it may.

    A re-run after an outage would otherwise overwrite a published day with a poorer one:
    fewer listed items, or a lower status (published -> degraded -> empty).
    """
    if not new.item_ids():
        return "this run lists no item"
    if stored is None:
        return None
    reasons = []
    if STATUS_RANK[new.status] > STATUS_RANK[stored.status]:
        reasons.append(f"this run would lower its status from {stored.status} to {new.status}")
    fewer, before = len(new.item_ids()), len(stored.item_ids())
    if fewer < before:
        reasons.append(f"this run would list {fewer} items instead of {before}")
    return "; ".join(reasons) or None
