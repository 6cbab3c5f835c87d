"""Classification into the taxonomy. Pure.

Phrase evidence on the item's own text (``evidence``: title above abstract, word boundaries,
abbreviations, no URLs) plus the paper's arXiv categories, so every category comes with the
terms that put it there; and, once the reader has filed enough rated papers, the filing model
learnt from them (``taste.FilingModel``): a category it is sure of is given on its word alone,
one it finds likely needs phrase evidence too. Relevance to the reader is ``rank``'s job.
"""

from __future__ import annotations

from . import evidence
from .models import CategoryMatch, Item
from .settings import Category
from .taste import FILED_ALONE, FILED_WITH_PHRASES, FilingModel, Text


# A category needs evidence of what the item is about: a phrase in the title, an arXiv
# category the paper is filed under, or its phrases recurring in the abstract; one passing
# mention or two in the abstract (0.4 each) is not enough.
MIN_EVIDENCE = 1.0
PRIMARY_CATEGORY = 1.0  # the paper's primary arXiv category
CROSS_CATEGORY = 0.4  # a cross-listed one counts like one abstract mention


def filing_of(texts: list[Text], kinds: list[str], filing: FilingModel | None) -> list[dict[str, float]]:
    """The filing model's probabilities for each paper ({} for other kinds, or without a model)."""
    papers = [n for n, kind in enumerate(kinds) if kind == "paper"]
    found = filing.probabilities([texts[n] for n in papers]) if filing and papers else []
    out: list[dict[str, float]] = [{} for _ in texts]
    for n, probabilities in zip(papers, found):
        out[n] = probabilities
    return out


def apply_all(items: list[Item], taxonomy: list[Category], filing: FilingModel | None = None) -> None:
    """Classify every item, the filing model asked once for all of them."""
    texts = [Text(i.title, i.summary, tuple(i.source_categories) if i.kind == "paper" else ()) for i in items]
    for item, filed in zip(items, filing_of(texts, [i.kind for i in items], filing)):
        item.classification = category_matches(item.kind, item.title, item.summary, item.source_categories, taxonomy, filed)
        item.categories = [m.category for m in item.classification]


def category_matches(kind: str, title: str, summary: str, tags: list[str], taxonomy: list[Category],
                     filed: dict[str, float] | None = None) -> list[CategoryMatch]:
    """``filed``: the filing model's probability per category slug (those it learnt)."""
    filed = filed or {}
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
        if _given(weight >= MIN_EVIDENCE, filed.get(category.slug)):
            if category.slug in filed:
                terms.append(f"filing:{filed[category.slug]:.2f}")
            matches.append(CategoryMatch(category=category.slug, terms=terms))
    if not matches:
        fallback = next((c for c in taxonomy if c.catch_all), None)
        if fallback is not None:
            matches.append(CategoryMatch(category=fallback.slug, terms=["(no other category matched)"]))
    return matches


def _given(phrases: bool, filed: float | None) -> bool:
    """Phrases alone decide a category the filing model did not learn; one it learnt needs the
    model's word, firmer without phrase evidence than with it."""
    if filed is None:
        return phrases
    return filed >= FILED_ALONE or (phrases and filed >= FILED_WITH_PHRASES)
