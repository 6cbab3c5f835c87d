"""Classification into the taxonomy. Pure.

Phrase evidence on the item's own text (``evidence``: title above abstract, word boundaries,
abbreviations, no URLs) plus the paper's arXiv categories, so every category comes with the
terms that put it there. Relevance to the reader is ``rank``'s job.
"""

from __future__ import annotations

from . import evidence
from .models import CategoryMatch, Item
from .settings import Category


# A category needs evidence of what the item is about: a phrase in the title, an arXiv
# category the paper is filed under, or its phrases recurring in the abstract; one passing
# mention or two in the abstract (0.4 each) is not enough.
MIN_EVIDENCE = 1.0
PRIMARY_CATEGORY = 1.0  # the paper's primary arXiv category
CROSS_CATEGORY = 0.4  # a cross-listed one counts like one abstract mention


def classify(item: Item, taxonomy: list[Category]) -> list[CategoryMatch]:
    return category_matches(item.kind, item.title, item.summary, item.source_categories, taxonomy)


def categories_of_group(group: list, taxonomy: list[Category]) -> list[str]:
    """The categories of a candidate group, as its item would get them (bench_relevance.py)."""
    summary = max((c.summary for c in group), key=len, default="")
    tags = next((c.categories for c in group if c.kind == "paper" and c.categories), group[0].categories)
    return [m.category for m in category_matches(group[0].kind, group[0].title, summary, tags, taxonomy)]


def category_matches(kind: str, title: str, summary: str, tags: list[str], taxonomy: list[Category]) -> list[CategoryMatch]:
    fields = evidence.Fields.of(title, summary)
    matches = []
    for category in taxonomy:
        if category.catch_all or (category.kinds and kind not in category.kinds):
            continue
        if category.kinds and not category.phrases and not category.arxiv_categories:
            matches.append(CategoryMatch(category=category.slug, terms=[f"kind:{kind}"]))  # e.g. model releases
            continue
        found = evidence.hits(fields, category.phrases)
        found += [h for h in evidence.hits(fields, category.title_phrases) if h.in_title]
        weight = evidence.weight(found)
        terms = [h.phrase for h in found]
        for n, tag in enumerate(tags if kind == "paper" else []):
            if tag in category.arxiv_categories:
                weight += PRIMARY_CATEGORY if n == 0 else CROSS_CATEGORY
                terms.append(tag)
        if weight >= MIN_EVIDENCE:
            matches.append(CategoryMatch(category=category.slug, terms=terms))
    if not matches:
        fallback = next((c for c in taxonomy if c.catch_all), None)
        if fallback is not None:
            matches.append(CategoryMatch(category=fallback.slug, terms=["(no other category matched)"]))
    return matches


def apply(item: Item, taxonomy: list[Category]) -> None:
    item.classification = classify(item, taxonomy)
    item.categories = [m.category for m in item.classification]
