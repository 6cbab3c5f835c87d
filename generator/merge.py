"""Merge: one item per identity across sources and days. Pure (reads items, returns items).

A new sighting is appended to the item's history; the authoritative record refreshes the
title, summary and dates; links and related ids accumulate; a new arXiv version is added to
``versions``. The day's volatile numbers are returned separately for the edition.
"""

from __future__ import annotations

import datetime as dt

from .models import Candidate, Commentary, Item, Sighting, Verification
from .verify import Verified

# Sources that describe an item best, in order (the authority's text wins).
_TEXT_PRIORITY = ["arxiv-api", "github-search", "hf-trending-models", "hf-trending-datasets", "arxiv-rss", "hf-daily-papers",
                  "github-trending"]


def group_by_id(candidates: list[Candidate], aliases: dict[str, str] | None = None) -> dict[str, list[Candidate]]:
    """Candidates by identity; one seen under a renamed repo's or model's former id (``aliases``:
    former id -> current id) joins the current one."""
    aliases = aliases or {}
    groups: dict[str, list[Candidate]] = {}
    for candidate in candidates:
        groups.setdefault(aliases.get(candidate.id, candidate.id), []).append(candidate)
    return groups


def with_aliases(item: Item, item_id: str, former: list[str]) -> Item:
    """``item`` under its current id ``item_id``, remembering the ids it was seen under before."""
    aliases = sorted((set(item.aliases) | set(former) | {item.id}) - {item_id})
    return item.model_copy(update={"id": item_id, "aliases": aliases})


def _sightings(candidates: list[Candidate], day: dt.date) -> list[Sighting]:
    seen: dict[tuple, Sighting] = {}
    for c in candidates:
        parts = [c.categories[0] if c.source == "arxiv-rss" and c.categories else None, c.detail, c.version]
        detail = " ".join(p for p in parts if p) or None
        seen.setdefault((c.source, day), Sighting(source=c.source, date=day, detail=detail))
    return list(seen.values())


def _merge_verification(old: Verification | None, new: Verification) -> Verification:
    """Keep the old record (and its timestamp) when the new check says the same thing,
    so a re-run does not churn the file; a partial never overwrites a verified."""
    if old is None:
        return new
    if old.status == "verified" and new.status == "partial":
        return old
    same = (old.status, old.by, old.matched, old.mismatched, old.note) == (new.status, new.by, new.matched, new.mismatched, new.note)
    return old if same else new


def merge_item(existing: Item | None, verified: Verified, candidates: list[Candidate], day: dt.date) -> Item:
    """The item as it stands after today's sightings."""
    record = verified.candidate
    ordered = sorted(candidates, key=lambda c: _TEXT_PRIORITY.index(c.source))
    summary = record.summary or next((c.summary for c in ordered if c.summary), "") or (existing.summary if existing else "")
    links: dict[str, str] = dict(existing.links) if existing else {}
    related: list[str] = list(existing.related) if existing else []
    for c in [record, *ordered]:
        for key, value in c.links.items():
            links.setdefault(key, value)
        related += [r for r in c.related if r not in related]
    extra = dict(existing.extra) if existing else {}
    for c in reversed(ordered):
        extra.update({k: v for k, v in c.extra.items() if v})
    extra.update({k: v for k, v in record.extra.items() if v})
    versions = list(existing.versions) if existing else []
    for version in sorted({c.version for c in [record, *candidates] if c.version}, key=lambda v: int(v[1:])):
        if version not in versions:
            versions.append(version)
    seen = list(existing.seen) if existing else []
    for sighting in _sightings(candidates, day):
        if not any(s.source == sighting.source and s.date == sighting.date for s in seen):
            seen.append(sighting)
    seen.sort(key=lambda s: (s.date, s.source))
    published = record.published or (existing.published if existing else None) or day
    if existing is not None and existing.verification.status == "verified" and verified.verification.status == "partial":
        # Today's look-up failed: the record verified earlier stays authoritative.
        record = record.model_copy(update={"title": existing.title or record.title, "url": existing.url})
        summary, published = existing.summary or summary, existing.published
    item = Item(
        id=existing.id if existing else record.id,
        aliases=list(existing.aliases) if existing else [],
        kind=record.kind,
        title=record.title,
        url=record.url,
        published=published,
        updated=record.updated or (existing.updated if existing else None),  # a partial record may not know it
        authors=record.authors or (existing.authors if existing else []),
        summary=summary,
        versions=versions,
        source_categories=record.categories or (existing.source_categories if existing else []),
        links=dict(sorted(links.items())),
        related=related,
        extra=dict(sorted(extra.items())),
        seen=seen,
        verification=_merge_verification(existing.verification if existing else None, verified.verification),
        rating=existing.rating if existing else None,
        rating_why=existing.rating_why if existing else None,
        commentary=existing.commentary if existing else Commentary(),
    )
    return item  # categories and relevance: classify.apply, from today's text


def signals(candidates: list[Candidate]) -> dict[str, float]:
    """The day's popularity numbers for an item: the largest value any source reported."""
    merged: dict[str, float] = {}
    for c in candidates:
        for key, value in c.popularity.items():
            if value is not None:
                value = int(value) if float(value).is_integer() else value
                merged[key] = max(merged.get(key, value), value)
    return dict(sorted(merged.items()))


def streak(item: Item, source: str, day: dt.date) -> int:
    """How many consecutive days up to ``day`` the item was seen on ``source``."""
    days = {s.date for s in item.seen if s.source == source}
    count = 0
    while day - dt.timedelta(days=count) in days:
        count += 1
    return count


def _versions_seen(item: Item, before: dt.date | None = None, on: dt.date | None = None) -> set[str]:
    found = set()
    for s in item.seen:
        if (before and s.date < before) or (on and s.date == on):
            found.update(w for w in (s.detail or "").split() if w[:1] == "v" and w[1:].isdigit())
    return found


def continuity(item: Item, day: dt.date, featured_papers: dict[str, Item]) -> list[str]:
    """Why an item is not new today, derived from its stored history (stable on re-runs)."""
    notes = []
    first = item.first_seen()
    if first < day:
        notes.append(f"seen-before:{first.isoformat()}")
    days = streak(item, "hf-daily-papers", day)
    if days >= 2:
        notes.append(f"hf-daily-papers:{days}-days")
    before, today = _versions_seen(item, before=day), _versions_seen(item, on=day)
    for version in sorted(today - before, key=lambda v: int(v[1:])):
        if before or version != "v1":
            notes.append(f"new-version:{version}")
    for paper_id, paper in sorted(featured_papers.items()):
        if item.id in paper.related or paper_id in item.related:
            notes.append(f"repo-of:{paper_id}")
    return notes
