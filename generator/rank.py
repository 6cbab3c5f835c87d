"""Relevance to the reader: their taste, phrase evidence, their library, unwanted topics. Pure.

Four signals, each explainable, combined by one formula (``combine``, weights in ``WEIGHTS``):

* **taste** — the model trained on the reader's own ratings (``taste.TasteModel``): what
  generalises from day to day; it steps aside while there are too few ratings;
* **phrases** — field-weighted phrase evidence (``evidence``) per interest of the profile;
* **described** — the TF-IDF similarity of the item to each interest's own description;
* **library** — TF-IDF cosine similarity (scikit-learn) to the papers, repos and models the
  reader follows (``profile.library`` and ``data/library.yaml``).

Profile evidence (phrases, descriptions, library) counts fully only where the reader's field is
in evidence (``profile.context``: a language model, for this reader): "agent" and "RL" in a
paper on 5G networks or robot swarms is not evidence of an interest in LLM agents. Evidence of
an unwanted topic scales the score down; the reader's own word on an item (they follow it, they
rated it) overrides everything. What is stored is the evidence itself (each signal, the taste
model's words, the matched phrases per interest, the nearest library or rated items, the unwanted
topics); pages word it in their language (``render.explain``: "close to ClawGym, which you rated
must-read: ...").
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.metrics.pairwise import linear_kernel

from . import evidence
from .ids import KIND_OF_PREFIX
from .models import InterestMatch, LibraryMatch, Relevance
from .ratings import Rated
from .settings import Profile
from .taste import ReaderModels, Taste, Text


@dataclass(frozen=True)
class Weights:
    """How much each signal counts; shares of the score, renormalised over the signals present."""

    taste: float
    phrases: float
    described: float
    library: float


# Chosen by leave-one-day-out over the labelled days (benchmarks/bench_relevance.py), never on
# the day being scored: the reader's ratings lead, the profile's evidence corrects them.
WEIGHTS = Weights(taste=0.43, phrases=0.31, described=0.14, library=0.12)
# Profile evidence in a text with no sign of the reader's field counts this much.
OUT_OF_FIELD = 0.3
UNWANTED_PENALTY = 0.85
# TF-IDF cosines between short texts rarely pass these; they map to "as similar as it gets".
DESCRIPTION_SCALE = 0.4
LIBRARY_SCALE = 0.4
NEAREST_SHOWN = 2
NEAREST_MIN = 0.3  # below this a library item is not "close" enough to name
# The reader's own word on an item outranks any inference: what they follow or rated >= 2 is
# listed, what they rated 0 is not; a release of a lab they follow (profile.labs) is worth a look.
FOLLOWED_FLOOR = 0.9
REJECTED_CEILING = 0.05
LAB_FLOOR = 0.6


@dataclass(frozen=True)
class Exemplar:
    """A text the reader follows (profile library, data/library.yaml)."""

    id: str
    title: str
    text: str


@dataclass(frozen=True)
class Document:
    """What is ranked: an item's or a candidate group's own text."""

    id: str
    title: str
    summary: str
    arxiv_categories: tuple[str, ...] = ()  # a paper's, primary first


def _interest_text(interest) -> str:
    return " ".join([interest.name, interest.name_en, interest.description, *interest.phrases])


def combine(taste: float | None, phrases: float, described: float, library: float, in_field: bool) -> float:
    """The one formula: a weighted mean of the signals present, profile evidence discounted
    outside the reader's field."""
    field = 1.0 if in_field else OUT_OF_FIELD
    parts = [(WEIGHTS.phrases, field * phrases), (WEIGHTS.described, field * described), (WEIGHTS.library, field * library)]
    if taste is not None:
        parts.append((WEIGHTS.taste, taste))
    return sum(w * v for w, v in parts) / sum(w for w, _ in parts)


class Ranker:
    """Fitted once per run on the profile, the library and the reader's ratings."""

    def __init__(self, profile: Profile, exemplars: list[Exemplar], ratings: list[Rated] = (),
                 models: ReaderModels | None = None):
        self.profile = profile
        self.positives = list(exemplars)
        self.models = models or ReaderModels()
        # The reader's own word on an item: in the library, or a rating (which wins).
        self.own: dict[str, str] = {e.id: "follows" for e in exemplars} | {r.id: _reader_word(r.grade) for r in ratings}
        self.labs = {lab.lower() for lab in profile.labs}
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

    def _vectors(self, texts: list[str]):
        return self.vectorizer.transform([evidence.expand_abbreviations(t) for t in texts]) if texts else None

    def rank(self, documents: list[Document]) -> dict[str, Relevance]:
        if not documents:
            return {}
        vectors = self._vectors([f"{d.title}. {d.title}. {d.summary}" for d in documents])
        to_interests = linear_kernel(vectors, self._interests) if self._interests is not None else None
        to_positives = linear_kernel(vectors, self._positives) if self._positives is not None else None
        tastes = self._tastes(documents)
        return {
            doc.id: self._relevance(
                doc,
                to_interests[row] if to_interests is not None else [],
                to_positives[row] if to_positives is not None else [],
                tastes[row],
            )
            for row, doc in enumerate(documents)
        }

    def _tastes(self, documents: list[Document]) -> list[Taste | None]:
        """Each document judged by the taste model of its kind (papers, or the follow list's)."""
        out: list[Taste | None] = [None] * len(documents)
        for kind in ("paper", "other"):
            model = self.models.for_kind(kind)
            rows = [n for n, d in enumerate(documents) if (kind_of(d.id) == "paper") == (kind == "paper")]
            if model is not None and rows:
                for n, taste in zip(rows, model.judge([Text(documents[n].title, documents[n].summary, documents[n].arxiv_categories)
                                                       for n in rows])):
                    out[n] = taste
        return out

    def _relevance(self, doc: Document, to_interests, to_positives, taste: Taste | None) -> Relevance:
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
        in_field = not self.profile.context or bool(evidence.hits(fields, self.profile.context))
        library, nearest = self._library(doc.id, to_positives)
        score = combine(taste.value if taste else None, phrases, described, library, in_field)
        topics = [t for t in self.profile.unwanted if not t.kinds or kind_of(doc.id) in t.kinds]
        unwanted = [InterestMatch(interest=t.slug, terms=[h.phrase for h in found])
                    for t in topics if (found := evidence.hits(fields, t.phrases))]
        reader = self.own.get(doc.id)
        if reader is None and kind_of(doc.id) != "paper" and owner_of(doc.id) in self.labs:
            reader = "follows-lab"  # a release of a lab the reader follows: listed unless about a topic they skip
            score = max(score, LAB_FLOOR)
        if unwanted:
            strength = max(evidence.squash(evidence.weight(evidence.hits(fields, t.phrases)))
                           for t in topics if t.slug in {u.interest for u in unwanted})
            score *= 1 - UNWANTED_PENALTY * strength
        if reader in ("follows", "rated-relevant"):
            score = max(score, FOLLOWED_FLOOR)
        elif reader == "rated-not-relevant":
            score = min(score, REJECTED_CEILING)
        if taste is not None and taste.nearest is not None and taste.nearest.id != doc.id:
            nearest = [_rated_match(taste), *nearest][:NEAREST_SHOWN]
        return Relevance(score=round(max(0.0, min(1.0, score)), 3), taste=taste.value if taste else None,
                         terms=list(taste.terms) if taste else [], matched=matched if in_field else [],
                         nearest=nearest, unwanted=unwanted, reader=reader)

    def _library(self, doc_id: str, to_positives) -> tuple[float, list[LibraryMatch]]:
        """Similarity to the closest item the reader follows (the item itself aside)."""
        others = [k for k in range(len(to_positives)) if self.positives[k].id != doc_id]
        if not others:
            return 0.0, []
        order = sorted(others, key=lambda k: (-to_positives[k], self.positives[k].id))
        best = float(to_positives[order[0]])
        nearest = [LibraryMatch(item=self.positives[k].id, title=self.positives[k].title,
                                similarity=round(float(to_positives[k]), 3))
                   for k in order[:NEAREST_SHOWN] if to_positives[k] >= NEAREST_MIN]
        return min(1.0, best / LIBRARY_SCALE), nearest


def kind_of(item_id: str) -> str:
    return KIND_OF_PREFIX.get(item_id.split(":", 1)[0], "paper")  # `briefing rank` may pass ids of its own: papers


def owner_of(item_id: str) -> str:
    """The organisation of a repo, model or dataset id (github:bytedance/deer-flow -> bytedance)."""
    return item_id.split(":", 1)[-1].split("/", 1)[0].lower()


def _reader_word(grade: int) -> str:
    return {0: "rated-not-relevant", 1: "rated-tangential"}.get(grade, "rated-relevant")


def _rated_match(taste: Taste) -> LibraryMatch:
    rated = taste.nearest
    return LibraryMatch(item=rated.id, title=short_title(rated.title), similarity=taste.similarity,
                        grade=rated.grade, why=rated.why)


def short_title(title: str) -> str:
    """The name a reader knows a paper by: the part before the colon ("ClawGym")."""
    head = title.split(":", 1)[0].strip()
    return head if 0 < len(head) <= 40 and head != title else title


# --------------------------------------------------------------------------- the day's order


def group_document(item_id: str, group: list) -> Document:
    """A candidate group as one document: the first title, the longest text any source gave."""
    summary = max((c.summary for c in group), key=len, default="")
    tags = [t for c in group for t in c.categories]
    arxiv = next((c.categories for c in group if c.kind == "paper" and c.categories), [])
    return Document(id=item_id, title=_name(group[0].title, group[0].kind), summary=_with_tags(summary, group[0].kind, tags),
                    arxiv_categories=tuple(arxiv))


def rank_groups(groups: dict[str, list], ranker: Ranker) -> dict[str, float]:
    """The day's score of each candidate group, as the shortlist and the benchmark order them."""
    from . import merge  # merge imports models only; kept local to keep rank's imports light

    relevances = ranker.rank([group_document(i, g) for i, g in groups.items()])
    return {i: day_score(relevances[i], merge.signals(g), g[0].kind) for i, g in groups.items()}


# The day's popularity decides between equally relevant papers; it cannot lift an irrelevant one.
# For a repo, model or dataset it counts for more: what is worth following is notable as well as
# on topic (a 700-star tool that says "agent" is not deer-flow), and their texts are thin.
POPULARITY_SHARE = 0.15
FOLLOW_POPULARITY_SHARE = 0.4


def day_score(relevance: Relevance, signals: dict[str, float], kind: str = "paper") -> float:
    """Relevance first, the day's popularity (log-squashed) as a tie-breaker-plus."""
    popularity = 0.0
    for key, scale in (("upvotes", 50), ("stars_today", 500), ("trending_score", 500), ("likes", 2000), ("stars", 20000)):
        value = signals.get(key)
        if value:
            popularity = max(popularity, min(1.0, math.log1p(value) / math.log1p(scale)))
    share = POPULARITY_SHARE if kind == "paper" else FOLLOW_POPULARITY_SHARE
    return round((1 - share) * relevance_value(relevance) + share * popularity, 4)


def item_document(item) -> Document:
    return Document(id=item.id, title=_name(item.title, item.kind),
                    summary=_with_tags(item.summary, item.kind, item.source_categories),
                    arxiv_categories=tuple(item.source_categories) if item.kind == "paper" else ())


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


# The taste model's word alone is evidence from this value up (0..1; the mean of "would glance"
# and "would list" probabilities).
TASTE_EVIDENCE = 0.3


def has_evidence(relevance: Relevance) -> bool:
    """Whether anything ties the item to the reader: their own word (library, rating, a lab they
    follow), an interest's phrases in the reader's field, a followed or rated item it is close
    to, the taste model, or an LLM's grade of at least 1. An item with none is never listed."""
    if relevance.reader == "rated-not-relevant":
        return False
    return bool(relevance.reader or relevance.matched or relevance.nearest or (relevance.taste or 0) >= TASTE_EVIDENCE
                or (relevance.grade or 0) >= 1)


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
