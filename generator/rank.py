"""Relevance to the reader: phrase evidence, similarity to the reader's library, unwanted topics. Pure.

Three signals, each explainable:

* **interests** — field-weighted phrase evidence (``evidence``) per interest, plus the TF-IDF
  similarity of the item to the interest's own description;
* **library** — TF-IDF cosine similarity (scikit-learn) to the papers, repos and models the
  reader follows, and to the items they rated relevant; similarity to items rated not relevant
  counts against;
* **unwanted** — evidence that the item is about a topic the reader skips scales it down.

What is stored is the evidence itself (the matched phrases per interest, the nearest library
items, the unwanted topics); pages word it in their language (``render.explain``: "close to
ClawGym, which you follow").
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.metrics.pairwise import linear_kernel

from . import evidence
from .models import InterestMatch, LibraryMatch, Relevance
from .settings import Profile

# How the signals combine. Phrase evidence leads; similarity lifts what the reader's own
# library resembles; an unwanted topic in the title all but removes an item.
PHRASE_SHARE = 0.55
DESCRIPTION_SHARE = 0.25
LIBRARY_SHARE = 0.20
UNWANTED_PENALTY = 0.85
NEGATIVE_PENALTY = 0.6
# TF-IDF cosines between short texts rarely pass these; they map to "as similar as it gets".
DESCRIPTION_SCALE = 0.4
LIBRARY_SCALE = 0.4
NEAREST_SHOWN = 2
NEAREST_MIN = 0.3  # below this a library item is not "close" enough to name
# The reader's own word on an item outranks any inference: what they follow or rated relevant
# is listed, what they rated not relevant is not.
FOLLOWED_FLOOR = 0.9
REJECTED_CEILING = 0.05


@dataclass(frozen=True)
class Exemplar:
    """A text the reader vouched for (library, rated relevant) or against (rated not relevant)."""

    id: str
    title: str
    text: str
    positive: bool = True
    rated: bool = False  # from the reader's rating (else from the profile's library)


@dataclass(frozen=True)
class Document:
    """What is ranked: an item's or a candidate group's own text."""

    id: str
    title: str
    summary: str


def _interest_text(interest) -> str:
    return " ".join([interest.name, interest.name_en, interest.description, *interest.phrases])


class Ranker:
    """Fitted once per run on the profile and the library."""

    def __init__(self, profile: Profile, exemplars: list[Exemplar]):
        self.profile = profile
        self.positives = [e for e in exemplars if e.positive]
        self.negatives = [e for e in exemplars if not e.positive]
        self.own = {e.id: ("rated-relevant" if e.rated else "follows") if e.positive else "rated-not-relevant"
                    for e in exemplars}
        interests = [_interest_text(i) for i in profile.interests]
        # Fitted on the reader's texts only, never on the day's: an item's score must not move
        # because of what else was announced that day (its YAML would change every day it is seen).
        corpus = interests + [e.text for e in exemplars]
        # English stop words and word pairs; sublinear tf so one repeated word cannot dominate.
        self.vectorizer = TfidfVectorizer(stop_words="english", ngram_range=(1, 2), sublinear_tf=True,
                                          min_df=1, token_pattern=r"(?u)\b[a-zA-Z][a-zA-Z0-9]+\b")
        self.vectorizer.fit([evidence.expand_abbreviations(t) for t in corpus] or [""])
        self._interests = self._vectors(interests)
        self._positives = self._vectors([e.text for e in self.positives])
        self._negatives = self._vectors([e.text for e in self.negatives])

    def _vectors(self, texts: list[str]):
        return self.vectorizer.transform([evidence.expand_abbreviations(t) for t in texts]) if texts else None

    def rank(self, documents: list[Document]) -> dict[str, Relevance]:
        if not documents:
            return {}
        vectors = self._vectors([f"{d.title}. {d.title}. {d.summary}" for d in documents])
        to_interests = linear_kernel(vectors, self._interests) if self._interests is not None else None
        to_positives = linear_kernel(vectors, self._positives) if self._positives is not None else None
        to_negatives = linear_kernel(vectors, self._negatives) if self._negatives is not None else None
        out = {}
        for row, doc in enumerate(documents):
            out[doc.id] = self._relevance(
                doc,
                to_interests[row] if to_interests is not None else [],
                to_positives[row] if to_positives is not None else [],
                to_negatives[row] if to_negatives is not None else [],
            )
        return out

    def _relevance(self, doc: Document, to_interests, to_positives, to_negatives) -> Relevance:
        fields = evidence.Fields.of(doc.title, doc.summary)
        interests = self.profile.interests
        total_weight = sum(i.weight for i in interests) or 1.0
        phrase_raw = 0.0
        described = 0.0
        matched: list[InterestMatch] = []
        for n, interest in enumerate(interests):
            found = evidence.hits(fields, interest.phrases)
            if found:
                matched.append(InterestMatch(interest=interest.slug, terms=[h.phrase for h in found]))
            phrase_raw += interest.weight * evidence.squash(evidence.weight(found))
            if len(to_interests):
                described = max(described, interest.weight * min(1.0, to_interests[n] / DESCRIPTION_SCALE))
        # Two interests strongly in evidence already make a very relevant item.
        phrases = min(1.0, 2.5 * phrase_raw / total_weight)
        library, nearest = self._library(doc.id, to_positives)
        score = PHRASE_SHARE * phrases + DESCRIPTION_SHARE * described + LIBRARY_SHARE * library
        unwanted = [InterestMatch(interest=t.slug, terms=[h.phrase for h in found])
                    for t in self.profile.unwanted if (found := evidence.hits(fields, t.phrases))]
        if unwanted:
            strength = max(evidence.squash(evidence.weight(evidence.hits(fields, t.phrases)))
                           for t in self.profile.unwanted if t.slug in {u.interest for u in unwanted})
            score *= 1 - UNWANTED_PENALTY * strength
        if len(to_negatives):
            score *= 1 - NEGATIVE_PENALTY * min(1.0, float(max(to_negatives)) / LIBRARY_SCALE)
        reader = self.own.get(doc.id)
        if reader in ("follows", "rated-relevant"):
            score = max(score, FOLLOWED_FLOOR)
        elif reader == "rated-not-relevant":
            score = min(score, REJECTED_CEILING)
        return Relevance(score=round(max(0.0, min(1.0, score)), 3), matched=matched, nearest=nearest,
                         unwanted=unwanted, reader=reader)

    def _library(self, doc_id: str, to_positives) -> tuple[float, list[LibraryMatch]]:
        """Similarity to the closest item the reader vouched for (the item itself aside)."""
        others = [k for k in range(len(to_positives)) if self.positives[k].id != doc_id]
        if not others:
            return 0.0, []
        order = sorted(others, key=lambda k: (-to_positives[k], self.positives[k].id))
        best = float(to_positives[order[0]])
        nearest = [LibraryMatch(item=self.positives[k].id, title=self.positives[k].title,
                                similarity=round(float(to_positives[k]), 3))
                   for k in order[:NEAREST_SHOWN] if to_positives[k] >= NEAREST_MIN]
        return min(1.0, best / LIBRARY_SCALE), nearest


# --------------------------------------------------------------------------- the day's order


def group_document(item_id: str, group: list) -> Document:
    """A candidate group as one document: the first title, the longest text any source gave."""
    summary = max((c.summary for c in group), key=len, default="")
    tags = [t for c in group for t in c.categories]
    return Document(id=item_id, title=_name(group[0].title, group[0].kind), summary=_with_tags(summary, group[0].kind, tags))


def rank_groups(groups: dict[str, list], ranker: Ranker) -> dict[str, float]:
    """The day's score of each candidate group, as the shortlist and the benchmark order them."""
    from . import merge  # merge imports models only; kept local to keep rank's imports light

    relevances = ranker.rank([group_document(i, g) for i, g in groups.items()])
    return {i: day_score(relevances[i], merge.signals(g)) for i, g in groups.items()}


# The day's popularity decides between equally relevant items; it cannot lift an irrelevant one.
POPULARITY_SHARE = 0.15


def day_score(relevance: Relevance, signals: dict[str, float]) -> float:
    """Relevance first, the day's popularity (log-squashed) as a tie-breaker-plus."""
    popularity = 0.0
    for key, scale in (("upvotes", 50), ("stars_today", 500), ("trending_score", 500), ("likes", 2000), ("stars", 20000)):
        value = signals.get(key)
        if value:
            popularity = max(popularity, min(1.0, math.log1p(value) / math.log1p(scale)))
    return round((1 - POPULARITY_SHARE) * relevance_value(relevance) + POPULARITY_SHARE * popularity, 4)


def item_document(item) -> Document:
    return Document(id=item.id, title=_name(item.title, item.kind),
                    summary=_with_tags(item.summary, item.kind, item.source_categories))


def _name(title: str, kind: str) -> str:
    """A repo's or model's name as words: "owner/agent-rl-kit" says "agent rl kit"."""
    if kind == "paper":
        return title
    return re.sub(r"[-_./]+", " ", title.split("/", 1)[-1])


def _with_tags(summary: str, kind: str, tags: list[str]) -> str:
    """Repo topics, model pipeline tags and dataset tags are what the item says it is about;
    arXiv categories (cs.CL) say nothing the text does not."""
    if kind == "paper" or not tags:
        return summary
    return f"{summary} {' '.join(dict.fromkeys(t.replace('-', ' ') for t in tags))}".strip()


def relevances(ranker: Ranker, items: list) -> dict[str, Relevance]:
    """Each item's relevance, as the pipeline stores it (``render.explain`` words it for pages)."""
    return ranker.rank([item_document(item) for item in items])


def relevance_value(relevance: Relevance) -> float:
    """What orders items: an LLM's grade where one graded the item, else the lexical score.

    A graded item sits mostly by its grade (3 above 2 above 1...), the lexical score breaking
    ties; an ungraded one (its batch failed) keeps its lexical score, which lies on the same
    0..1 scale.
    """
    if relevance.grade is None:
        return relevance.score
    return round(GRADE_SHARE * relevance.grade / 3 + (1 - GRADE_SHARE) * relevance.score, 4)


GRADE_SHARE = 0.8
