"""The data model: the contract between the pipeline, the archive, commentary and the site.

An **Item** is what stays true about one thing (a paper, a repo, a model): its identity,
title, links, where and when it was seen, how it was verified, its categories, relevance
and commentary. It lives in ``data/items/<kind>/<shard>/<name>.yaml``.

An **Edition** is what was true of one day: which items, in which sections and order,
the day's volatile popularity numbers (upvotes, stars today), the source report and
the day-level text. It lives in ``data/briefings/<yyyy>/<yyyy-mm-dd>.yaml``.

Keeping the day's numbers in the edition keeps ``git diff`` of an item meaningful.
Field order here is the key order in the YAML files.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from typing import Annotated, Literal, Union

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, model_validator

Kind = Literal["paper", "repo", "model", "dataset"]
KINDS: tuple[str, ...] = ("paper", "repo", "model", "dataset")

# A grade (3 must read, 2 relevant, 1 tangential, 0 not for me) or its two-word form.
RatingValue = Literal[0, 1, 2, 3, "relevant", "not-relevant"]

# Where a candidate came from. Stable strings: they are stored in YAML.
SourceName = Literal[
    "arxiv-rss",
    "arxiv-api",
    "hf-daily-papers",
    "hf-trending-models",
    "hf-trending-datasets",
    "github-trending",
    "github-search",
]


class Strict(BaseModel):
    """Base for stored models: unknown fields are errors, so a typo in a PR is caught."""

    model_config = ConfigDict(extra="forbid", validate_assignment=False)


# --------------------------------------------------------------------------- notes


class Message(Strict):
    """A note or an explanation as data: a code and its arguments (numbers, dates, URLs,
    names, quotations of someone else's words, other messages), never a sentence. Pages word
    it in their language (``render.messages``); ``generator.messages`` lists the codes."""

    code: str
    args: dict[str, "MessageArg"] = Field(default_factory=dict)


MessageArg = Union[int, float, str, list[str], Message, list[Message]]
Message.model_rebuild()


def _recorded(value: object) -> object:
    """A note an earlier version stored as a sentence: kept, and shown as a quotation of the
    record (never parsed back into a code)."""
    return {"code": "recorded", "args": {"quote": value}} if isinstance(value, str) else value


RunNote = Annotated[Message, BeforeValidator(_recorded)]


# --------------------------------------------------------------------------- candidates


class Candidate(BaseModel):
    """One thing a source reported, before verification. Produced by the pure parsers.

    ``popularity`` holds the day's volatile numbers (upvotes, stars today...); they go to
    the edition, never to the item.
    """

    model_config = ConfigDict(extra="forbid")

    id: str  # canonical identity, see generator.ids
    kind: Kind
    source: SourceName
    title: str
    url: str
    published: dt.date | None = None
    updated: dt.date | None = None
    version: str | None = None  # arXiv version seen, e.g. "v2"
    authors: list[str] = Field(default_factory=list)
    summary: str = ""  # abstract, repo description or model card summary
    categories: list[str] = Field(default_factory=list)  # source-side tags (cs.CL, topics, pipeline tag)
    detail: str | None = None  # e.g. RSS announce type "new"/"replace"/"cross"
    links: dict[str, str] = Field(default_factory=dict)
    related: list[str] = Field(default_factory=list)  # ids this one points at (paper -> repo)
    popularity: dict[str, int | float] = Field(default_factory=dict)
    extra: dict[str, str] = Field(default_factory=dict)  # language, license, pipeline_tag...


# --------------------------------------------------------------------------- item parts


class Sighting(Strict):
    """One place and day an item was seen."""

    source: SourceName
    date: dt.date
    detail: str | None = None  # "cs.CL new", "v2", "stars today"...


class Verification(Strict):
    """What an authoritative look-up confirmed, and when."""

    status: Literal["verified", "partial"]
    by: str  # "arxiv-api", "hf-api", "github-api"
    url: str  # the authoritative URL that was asked
    checked: dt.datetime
    matched: list[str] = Field(default_factory=list)  # of: id, title, date
    mismatched: list[str] = Field(default_factory=list)
    note: RunNote | None = None


class InterestMatch(Strict):
    interest: str  # profile interest slug
    terms: list[str]  # the phrases that matched ("on" would be a YAML 1.1 boolean key)


class LibraryMatch(Strict):
    item: str  # id of the library item (or rated item) this one is close to
    title: str
    similarity: float  # TF-IDF cosine, 0..1
    grade: int | None = Field(None, ge=0, le=3)  # the reader's grade of that item, when they rated it
    why: str | None = None  # the reason the reader gave with that grade


class Relevance(Strict):
    score: float  # 0..1: the reader's taste model, phrase evidence, library similarity, unwanted topics (rank.combine)
    taste: float | None = None  # 0..1, the model trained on the reader's ratings; None while it steps aside
    terms: list[str] = Field(default_factory=list)  # the words that weighed most in the taste model's score
    matched: list[InterestMatch] = Field(default_factory=list)
    nearest: list[LibraryMatch] = Field(default_factory=list)  # the closest items the reader follows
    unwanted: list[InterestMatch] = Field(default_factory=list)  # unwanted topics in evidence
    # The reader's own word on it: in their library, rated (>= 2 / 1 / 0), or from a lab they follow.
    reader: Literal["follows", "rated-relevant", "rated-not-relevant", "rated-tangential", "follows-lab"] | None = None
    grade: int | None = Field(None, ge=0, le=3)  # an LLM's 0-3 grade against the profile, when one graded it
    graded_by: str | None = None  # "llm:<model>"

    @model_validator(mode="before")
    @classmethod
    def _drop_stored_wording(cls, data):
        """Archives written before pages worded the evidence themselves (``render.explain``)
        stored an ``explanation`` sentence in one language: it is read and ignored."""
        if isinstance(data, dict) and "explanation" in data:
            data = {k: v for k, v in data.items() if k != "explanation"}
        return data


class CategoryMatch(Strict):
    category: str  # taxonomy slug
    terms: list[str]  # the rule terms that matched


class GeneratedText(Strict):
    """A piece of commentary with its provenance.

    ``generated`` is the hash of the text as the generator wrote it. When ``text`` no longer
    hashes to it, a human has edited the field and no later run overwrites it.
    """

    text: str
    by: str  # "extractive", "llm:<model>", or "human"
    prompt: str | None = None  # prompt file and version, e.g. "item.v1"
    date: dt.date | None = None
    inputs: str | None = None  # sha256 of the inputs (source text + profile)
    generated: str | None = None  # sha256 of text as generated
    removed_claims: list[str] = Field(default_factory=list)  # claims the checker cut

    def human_edited(self) -> bool:
        return self.by == "human" or (self.generated is not None and self.generated != text_hash(self.text))


class Commentary(Strict):
    contribution: GeneratedText | None = None  # core contribution in one line
    why_it_matters: GeneratedText | None = None
    relation: GeneratedText | None = None  # relation to the reader's interests
    flags: list[str] = Field(default_factory=list)  # e.g. "claims-removed", "llm-failed: timeout"


class Item(Strict):
    id: str  # "arxiv:2604.26904", "github:owner/repo", "hf:org/model"
    aliases: list[str] = Field(default_factory=list)  # former ids of a renamed repo/model; sightings under them merge here
    kind: Kind
    title: str
    url: str
    published: dt.date
    updated: dt.date | None = None
    authors: list[str] = Field(default_factory=list)
    summary: str = ""
    versions: list[str] = Field(default_factory=list)
    source_categories: list[str] = Field(default_factory=list)
    links: dict[str, str] = Field(default_factory=dict)
    related: list[str] = Field(default_factory=list)
    extra: dict[str, str] = Field(default_factory=dict)
    seen: list[Sighting]
    verification: Verification
    categories: list[str] = Field(default_factory=list)
    classification: list[CategoryMatch] = Field(default_factory=list)
    relevance: Relevance = Field(default_factory=lambda: Relevance(score=0.0))
    # The reader's own judgement, set by hand in a pull request (or `briefing rate`): a grade 0-3
    # or relevant / not-relevant. Later runs train the taste model on it (generator/ratings.py).
    rating: RatingValue | None = None
    rating_why: str | None = None  # the reader's one-line reason for the rating
    commentary: Commentary = Field(default_factory=Commentary)

    def first_seen(self) -> dt.date:
        return min(s.date for s in self.seen)


# --------------------------------------------------------------------------- ratings

GRADE_OF_WORD = {"relevant": 2, "not-relevant": 0}


def grade_of(rating: int | str) -> int:
    """The 0-3 grade a rating stands for (relevant = 2, not-relevant = 0)."""
    return GRADE_OF_WORD[rating] if isinstance(rating, str) else rating


class Rating(Strict):
    """One rating in the reader's ledger (data/ratings/<yyyy-mm>.yaml): the text as rated."""

    id: str  # "arxiv:2503.16586", "github:owner/repo", "hf:org/model", "hfd:org/dataset"
    kind: Kind = "paper"
    title: str
    abstract: str = ""  # the abstract, or a repo's / model's description
    arxiv_categories: list[str] = Field(default_factory=list)  # primary first
    grade: RatingValue
    why: str | None = None  # the reader's one-line reason
    filed: list[str] = Field(default_factory=list)  # taxonomy slugs the reader filed it under
    date: dt.date  # when it was rated


class RatingsFile(Strict):
    ratings: list[Rating] = Field(default_factory=list)


# --------------------------------------------------------------------------- library


class LibraryRecord(Strict):
    """The text of one library entry as its authority gave it (data/library.yaml)."""

    id: str
    title: str
    summary: str = ""
    by: str  # "arxiv-api", "github-api", "hf-api"
    checked: dt.date


class Library(Strict):
    entries: list[LibraryRecord] = Field(default_factory=list)


# --------------------------------------------------------------------------- edition


SourceStatus = Literal["ok", "degraded", "failed", "not-scheduled", "disabled"]


class SourceReport(Strict):
    """What happened with one source in one run (shown as the page's source-access notes)."""

    source: str  # settings key, e.g. "arxiv_rss"
    status: SourceStatus
    requests: int = 0
    http_statuses: dict[str, int] = Field(default_factory=dict)  # "200": 3, "429": 1, "timeout": 1
    retries: int = 0
    fallback: str | None = None  # what stood in, e.g. "arxiv_api listing"
    candidates: int = 0
    notes: list[RunNote] = Field(default_factory=list)


class EditionEntry(Strict):
    item: str  # item id
    score: float = 0.0
    signals: dict[str, int | float] = Field(default_factory=dict)  # upvotes, stars_today, trending_score...
    continuity: list[str] = Field(default_factory=list)  # "hf-daily-papers:3-days", "new-version:v2", "repo-of:arxiv:..."


class Section(Strict):
    slug: Literal["highlights", "papers", "follow", "read-closely"]
    entries: list[EditionEntry] = Field(default_factory=list)


class Idea(Strict):
    title: GeneratedText
    body: GeneratedText
    items: list[str] = Field(default_factory=list)


class RunStats(Strict):
    candidates: int = 0
    shortlisted: int = 0  # identities ranked high enough to be verified
    verified: int = 0
    partial: int = 0
    dropped: int = 0
    new_items: int = 0  # listed items first seen on this day
    returning_items: int = 0  # listed items seen on an earlier day


class Edition(Strict):
    date: dt.date
    language: Literal["zh", "en"] = "zh"
    status: Literal["published", "degraded", "empty"] = "published"
    judgment: GeneratedText | None = None  # the day's overall judgment, by an LLM or a human
    digest: list[Message] = Field(default_factory=list)  # the day's judgment as facts, worded by the page
    sections: list[Section] = Field(default_factory=list)
    ideas: list[Idea] = Field(default_factory=list)
    needs_llm: list[str] = Field(default_factory=list)  # sections left out for want of an LLM
    commentary_notes: list[RunNote] = Field(default_factory=list)  # what happened in commentary
    ranking_notes: list[RunNote] = Field(default_factory=list)  # how the day was ranked (LLM grading, fallbacks)
    category_counts: dict[str, int] = Field(default_factory=dict)
    interest_counts: dict[str, int] = Field(default_factory=dict)  # listed papers per reader interest (later days compare)
    term_counts: dict[str, int] = Field(default_factory=dict)  # listed papers per matched phrase (later days compare)
    sources: list[SourceReport] = Field(default_factory=list)
    stats: RunStats = Field(default_factory=RunStats)
    replay: str | None = None  # replay manifest used, if any

    def section(self, slug: str) -> Section | None:
        return next((s for s in self.sections if s.slug == slug), None)

    def item_ids(self) -> list[str]:
        seen: dict[str, None] = {}
        for section in self.sections:
            for entry in section.entries:
                seen.setdefault(entry.item, None)
        return list(seen)


# --------------------------------------------------------------------------- helpers


def text_hash(text: str) -> str:
    return "sha256:" + hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]
