"""The reader's taste, learnt from their ratings: linear models over TF-IDF. Pure.

The recipe researchers trust (arxiv-sanity's SVM per reader, Scholar Inbox's model of the
reader's ratings): the words of title and abstract, weighted by TF-IDF, plus the paper's primary
arXiv category as one more token, and a linear classifier with balanced classes.

* **Taste** (``TasteModel``): two logistic regressions, one for "worth a glance" (grade >= 1)
  and one for "worth listing" (grade >= 2); a text's taste is their weighted mean probability,
  0..1. It is explained by its own weights: the words whose weight x TF-IDF counted most, and
  the rated paper closest to the text (with the reader's grade and reason).
* **Filing** (``FilingModel``): one logistic regression per taxonomy category, trained on the
  categories the reader filed rated papers under; ``classify`` combines it with phrase evidence.

Below a minimum number of ratings a model steps aside (``fit`` returns None): a handful of
ratings would teach it noise. The same ratings always give the same model (the solvers are
deterministic), so stored scores do not churn.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.metrics.pairwise import linear_kernel
from threadpoolctl import threadpool_limits

from . import evidence
from .ratings import Rated

# Below these the taste model steps aside: ratings in all, and papers graded >= 2 among them.
MIN_RATINGS = 30
MIN_LISTED = 5
# How the two probabilities mix: what the reader would list counts twice what they would glance at.
GLANCE_WEIGHT, LIST_WEIGHT = 1.0, 0.5
REGULARISATION = 3.0  # LogisticRegression's C: chosen by leave-one-day-out (benchmarks/bench_relevance.py)
TERMS_SHOWN = 3
NEAREST_MIN = 0.2  # TF-IDF cosine below which a rated paper is not "close"
# Filing: a category needs this many filed examples to be learnt, and this probability to be given
# on the model's word alone (FILED_ALONE) or together with phrase evidence (FILED_WITH_PHRASES).
MIN_FILED = 5
FILED_ALONE, FILED_WITH_PHRASES = 0.6, 0.3

_TOKEN = r"(?u)\b[a-zA-Z][a-zA-Z0-9_]+\b"
_CATEGORY_TOKEN = re.compile(r"^x?cat_")


@dataclass(frozen=True)
class Text:
    """What the models read of a paper, repo or model."""

    title: str
    abstract: str
    arxiv_categories: tuple[str, ...] = ()


def document(text: Text) -> str:
    """Title twice (what a paper is about), abstract, abbreviations spelt out, the primary arXiv
    category as ``cat_cs_cl`` and cross-lists as ``xcat_...``."""
    words = evidence.expand_abbreviations(f"{text.title}. {text.title}. {text.abstract}")
    tags = [("cat_" if n == 0 else "xcat_") + c.replace(".", "_").replace("-", "_")
            for n, c in enumerate(text.arxiv_categories)]
    return " ".join([words, *tags])


def text_of(rated: Rated) -> Text:
    return Text(rated.title, rated.abstract, rated.arxiv_categories)


class Features:
    """The TF-IDF space of the reader's rated texts (fitted on them only, never on the day's:
    a text's score must not move because of what else was announced that day)."""

    def __init__(self, rated: list[Rated]):
        self.vectorizer = TfidfVectorizer(stop_words="english", sublinear_tf=True, min_df=2, token_pattern=_TOKEN)
        self.rated_matrix = self.vectorizer.fit_transform([document(text_of(r)) for r in rated])
        self.vocabulary = self.vectorizer.get_feature_names_out()

    def transform(self, texts: list[Text]):
        return self.vectorizer.transform([document(t) for t in texts])


def _classifier(matrix, labels: list[int]) -> LogisticRegression:
    # One BLAS thread: on these small sparse problems a thread pool costs 10-20x the work itself
    # (measured: 0.05 s against 1.3 s CPU per fit at 5,000 ratings, benchmarks/bench_rank.py).
    with threadpool_limits(limits=1):
        return LogisticRegression(C=REGULARISATION, class_weight="balanced", max_iter=5000).fit(matrix, labels)


@dataclass(frozen=True)
class Taste:
    value: float  # 0..1
    terms: tuple[str, ...]  # the words that weighed most for it
    nearest: Rated | None  # the closest paper the reader rated >= 2
    similarity: float


class TasteModel:
    """Fitted once per run on every rating; ``judge`` scores texts."""

    def __init__(self, rated: list[Rated], features: Features):
        self.features = features
        grades = [r.grade for r in rated]
        self.glance = _classifier(features.rated_matrix, [int(g >= 1) for g in grades])
        self.listed = _classifier(features.rated_matrix, [int(g >= 2) for g in grades])
        keep = [n for n, g in enumerate(grades) if g >= 2]
        self.exemplars = [rated[n] for n in keep]
        self.exemplar_matrix = features.rated_matrix[keep]

    @classmethod
    def fit(cls, rated: list[Rated], features: Features | None = None) -> TasteModel | None:
        """The model, or None while there are too few ratings (or no rating below 2) to learn from."""
        listed = sum(r.grade >= 2 for r in rated)
        if len(rated) < MIN_RATINGS or listed < MIN_LISTED or listed == len(rated) or not any(r.grade >= 1 for r in rated):
            return None
        if not any(r.grade == 0 for r in rated):
            return None
        return cls(rated, features or Features(rated))

    def judge(self, texts: list[Text]) -> list[Taste]:
        if not texts:
            return []
        matrix = self.features.transform(texts)
        glance = self.glance.predict_proba(matrix)[:, 1]
        listed = self.listed.predict_proba(matrix)[:, 1]
        values = (GLANCE_WEIGHT * glance + LIST_WEIGHT * listed) / (GLANCE_WEIGHT + LIST_WEIGHT)
        closeness = linear_kernel(matrix, self.exemplar_matrix) if self.exemplars else None
        out = []
        for row in range(len(texts)):
            nearest, similarity = None, 0.0
            if closeness is not None:
                best = int(np.argmax(closeness[row]))
                if closeness[row, best] >= NEAREST_MIN:
                    nearest, similarity = self.exemplars[best], float(closeness[row, best])
            out.append(Taste(round(float(values[row]), 4), self._terms(matrix[row]), nearest, round(similarity, 3)))
        return out

    def _terms(self, row) -> tuple[str, ...]:
        """The words (not category tokens) whose weight x TF-IDF lifted this text most."""
        weights = self.listed.coef_[0]
        pairs = [(row.data[k] * weights[j], self.features.vocabulary[j]) for k, j in enumerate(row.indices)]
        lifted = sorted((p for p in pairs if p[0] > 0 and not _CATEGORY_TOKEN.match(p[1])), key=lambda p: (-p[0], p[1]))
        terms: list[str] = []
        for _, term in lifted:
            if not any(_same_word(term, shown) for shown in terms):  # "agents" says nothing "agent" did not
                terms.append(term)
        return tuple(terms[:TERMS_SHOWN])


def _same_word(a: str, b: str) -> bool:
    return a == b or a.rstrip("s") == b.rstrip("s")


class FilingModel:
    """Per category, the probability the reader would file a text under it."""

    def __init__(self, rated: list[Rated], features: Features):
        self.features = features
        filed = [n for n, r in enumerate(rated) if r.filed]
        matrix = features.rated_matrix[filed]
        slugs = sorted({s for n in filed for s in rated[n].filed})
        self.models = {}
        for slug in slugs:
            labels = [int(slug in rated[n].filed) for n in filed]
            if MIN_FILED <= sum(labels) < len(labels):
                self.models[slug] = _classifier(matrix, labels)

    @classmethod
    def fit(cls, rated: list[Rated], features: Features | None = None) -> FilingModel | None:
        if sum(bool(r.filed) for r in rated) < MIN_RATINGS:
            return None
        model = cls(rated, features or Features(rated))
        return model if model.models else None

    def probabilities(self, texts: list[Text]) -> list[dict[str, float]]:
        if not texts:
            return []
        matrix = self.features.transform(texts)
        columns = {slug: model.predict_proba(matrix)[:, 1] for slug, model in self.models.items()}
        return [{slug: float(column[row]) for slug, column in columns.items()} for row in range(len(texts))]


@dataclass
class ReaderModels:
    """What one run learns from the reader's ratings; any part may be None (too few ratings).

    Papers and the follow list (repos, models, datasets) have a taste model each: a repo's one-line
    description read by a model of abstracts would make every "agent skills" list look like an
    agent paper. Each learns only from ratings of its own kinds."""

    taste: TasteModel | None = None  # papers
    follow_taste: TasteModel | None = None  # repos, models, datasets
    filing: FilingModel | None = None

    @classmethod
    def fit(cls, rated: list[Rated], filing: bool = True) -> ReaderModels:
        """``filing=False``: ranking only (``briefing rank``), no category is asked for."""
        papers = [r for r in rated if r.kind == "paper"]
        others = [r for r in rated if r.kind != "paper"]
        features = Features(papers) if len(papers) >= MIN_RATINGS else None
        return cls(taste=TasteModel.fit(papers, features) if features else None,
                   follow_taste=TasteModel.fit(others) if len(others) >= MIN_RATINGS else None,
                   filing=FilingModel.fit(papers, features) if features and filing else None)

    def for_kind(self, kind: str) -> TasteModel | None:
        return self.taste if kind == "paper" else self.follow_taste
