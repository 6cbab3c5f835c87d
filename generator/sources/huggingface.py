"""Hugging Face: Daily Papers, trending models, and an RSS mirror of Daily Papers.

Pure parsers over response bytes, plus ``fetch``/``lookup_model`` through the shared ``Http``.
An HF Daily Papers entry *is* its arXiv paper (id ``arxiv:<id>``); HF adds the day's
upvotes, comments, a linked GitHub repo and its stars.

``fetch(http, settings, day)`` returns one ``Fetched`` for the settings key ``huggingface``
(both endpoints share it, so the HTTP tally matches one report):

* ``/api/daily_papers?date=day`` -> papers. An empty list is ok (noted: weekend or not curated
  yet). On failure, ``mirror_feed_url`` (when set) stands in: fallback "hf mirror feed".
* ``/api/models?sort=trendingScore`` -> models (unless ``trending_models_limit`` is 0).

Status: ok when every part worked; degraded when a part failed or the mirror stood in;
failed when nothing usable came back. HF_TOKEN is attached by the Http host policy.
"""

from __future__ import annotations

import datetime as dt
import html
import re
from typing import TYPE_CHECKING

from ..errors import FetchError, ParseError
from .. import ids
from ..ids import arxiv_abs_url, paper_id, repo_id, split_arxiv_id
from ..messages import failure, note
from ..models import Candidate, Message
from ..text import collapse_whitespace
from .common import iso_date, load_json, parse_feed, rfc822_date
from .base import Fetched

if TYPE_CHECKING:
    from ..http import Http
    from ..settings import Settings

HF_PAPER_URL = "https://huggingface.co/papers/{}"
MODEL_URL = "https://huggingface.co/{}"
DATASET_URL = "https://huggingface.co/datasets/{}"
# What /api/models must be asked to expand to carry these fields (recorded working request).
MODEL_EXPAND = ["author", "pipeline_tag", "createdAt", "downloads", "likes", "trendingScore", "tags", "library_name"]
GITHUB_REPO = re.compile(r"github\.com/(?P<owner>[\w.-]+)/(?P<name>[\w.-]+?)(?:\.git)?(?:[/?#].*)?$", re.IGNORECASE)
MIRROR_FIELD = re.compile(r"<b>\s*(?P<label>[\w ]+?)\s*:\s*</b>\s*(?P<value>.*?)</p>", re.IGNORECASE | re.DOTALL)
TAG = re.compile(r"<[^>]+>")


def _json_list(body: bytes, what: str) -> list:
    data = load_json(body, what)
    if not isinstance(data, list):
        shown = f"an object with keys {sorted(data)[:5]}" if isinstance(data, dict) else type(data).__name__
        raise ParseError(f"{what}: expected a JSON list, got {shown}")
    return data


# --------------------------------------------------------------------------- daily papers


def parse_daily_papers(body: bytes) -> list[Candidate]:
    """Entries of ``/api/daily_papers`` (2024 and 2026 schemas). Entries without an arXiv id are skipped."""
    candidates = []
    for entry in _json_list(body, "HF daily papers"):
        candidate = _daily_paper(entry) if isinstance(entry, dict) else None
        if candidate is not None:
            candidates.append(candidate)
    return candidates


def _daily_paper(entry: dict) -> Candidate | None:
    paper = entry.get("paper") if isinstance(entry.get("paper"), dict) else {}
    try:
        bare = split_arxiv_id(str(paper.get("id", "")))[0]
    except ValueError:
        return None  # schema drift or a non-arXiv paper: nothing to identify it by
    links = {"hf": HF_PAPER_URL.format(bare), "abs": arxiv_abs_url(bare)}
    related = []
    github = paper.get("githubRepo") or entry.get("githubRepo")
    repo = _github_full_name(github)
    if repo:
        links["github"] = github
        related.append(repo_id(repo))
    if isinstance(paper.get("projectPage"), str) and paper["projectPage"]:
        links["project"] = paper["projectPage"]
    return Candidate(
        id=paper_id(bare),
        kind="paper",
        source="hf-daily-papers",
        title=collapse_whitespace(paper.get("title") or entry.get("title")),
        url=arxiv_abs_url(bare),
        published=iso_date(paper.get("publishedAt")),
        authors=[collapse_whitespace(a["name"]) for a in paper.get("authors") or [] if isinstance(a, dict) and a.get("name")],
        summary=collapse_whitespace(paper.get("summary") or entry.get("summary")),
        links=links,
        related=related,
        popularity=_numbers(
            upvotes=paper.get("upvotes"),
            comments=entry.get("numComments"),
            github_stars=paper.get("githubStars", entry.get("githubStars")),
        ),
        extra=_paper_extra(entry, paper),
    )


def _paper_extra(entry: dict, paper: dict) -> dict[str, str]:
    extra = {}
    # The day of the HF list: submittedOnDailyAt (2026 schema), else when it was put on the list.
    hf_date = iso_date(paper.get("submittedOnDailyAt")) or iso_date(entry.get("publishedAt"))
    if hf_date:
        extra["hf_date"] = hf_date.isoformat()
    ai_summary = paper.get("ai_summary") or entry.get("ai_summary")
    if isinstance(ai_summary, str) and ai_summary.strip():
        extra["ai_summary"] = collapse_whitespace(ai_summary)
    keywords = paper.get("ai_keywords") or entry.get("ai_keywords")
    if isinstance(keywords, list) and keywords:
        extra["ai_keywords"] = ", ".join(collapse_whitespace(str(k)) for k in keywords)
    organization = entry.get("organization") or paper.get("organization")
    if isinstance(organization, dict) and organization.get("name"):
        extra["organization"] = str(organization["name"])
    return extra


def _github_full_name(url: object) -> str | None:
    """``https://github.com/desBugger/constitutional-mt`` -> ``desBugger/constitutional-mt``."""
    match = GITHUB_REPO.search(url) if isinstance(url, str) else None
    return f"{match['owner']}/{match['name']}" if match else None


def _numbers(**values: object) -> dict[str, float]:
    """The numeric values among ``values`` (absent or null fields are left out, not zeroed)."""
    return {k: float(v) for k, v in values.items() if isinstance(v, (int, float)) and not isinstance(v, bool)}


# --------------------------------------------------------------------------- models


def parse_models(body: bytes) -> list[Candidate]:
    """Models of ``/api/models`` (trending or author listings). Entries without an id are skipped."""
    return [c for c in (model_candidate(m) for m in _json_list(body, "HF models") if isinstance(m, dict)) if c]


def model_candidate(model: dict) -> Candidate | None:
    """One model object (a listing entry or the ``/api/models/<id>`` answer).

    ``published`` is ``createdAt``'s date, None when the listing was not asked to expand it.
    The summary stays empty: the listing has no text and none is invented.
    """
    name = model.get("id") or model.get("modelId")
    if not isinstance(name, str) or "/" not in name:
        return None
    pipeline, library = model.get("pipeline_tag"), model.get("library_name")
    author = model.get("author") or name.split("/", 1)[0]
    extra = {"pipeline_tag": pipeline, "library_name": library, "author": author}
    return Candidate(
        id=ids.model_id(name),
        kind="model",
        source="hf-trending-models",
        title=name,
        url=MODEL_URL.format(name),
        categories=[v for v in (pipeline, library) if isinstance(v, str) and v],
        extra={k: str(v) for k, v in extra.items() if isinstance(v, str) and v},
        **_hub_fields(model),
    )


def _hub_fields(entry: dict) -> dict:
    """Dates and popularity, named alike in HF's model and dataset listings."""
    return {
        "published": iso_date(entry.get("createdAt")),
        "updated": iso_date(entry.get("lastModified")),
        "popularity": _numbers(trending_score=entry.get("trendingScore"), likes=entry.get("likes"), downloads=entry.get("downloads")),
    }


# --------------------------------------------------------------------------- datasets


def parse_datasets(body: bytes) -> list[Candidate]:
    """Datasets of ``/api/datasets`` (``sort=trendingScore``). Entries without an owner/name id are skipped."""
    return [c for c in (dataset_candidate(d) for d in _json_list(body, "HF datasets") if isinstance(d, dict)) if c]


def dataset_candidate(dataset: dict) -> Candidate | None:
    """One dataset object. Only ``id`` is required: listings differ in what else they carry
    (``description``, ``cardData``, ``tags``, ``trendingScore``...), so each field is optional."""
    name = dataset.get("id")
    if not isinstance(name, str) or "/" not in name:
        return None
    card = dataset.get("cardData") if isinstance(dataset.get("cardData"), dict) else {}
    summary = next((collapse_whitespace(v) for v in (dataset.get("description"), card.get("pretty_name")) if isinstance(v, str) and v.strip()), "")
    tags = [t for t in dataset.get("tags") or [] if isinstance(t, str) and ":" not in t]
    author = dataset.get("author") if isinstance(dataset.get("author"), str) else name.split("/", 1)[0]
    return Candidate(
        id=ids.dataset_id(name),
        kind="dataset",
        source="hf-trending-datasets",
        title=name,
        url=DATASET_URL.format(name),
        summary=summary,
        categories=tags,
        extra={"author": author} if author else {},
        **_hub_fields(dataset),
    )


# --------------------------------------------------------------------------- mirror feed


def parse_mirror_feed(body: bytes) -> list[Candidate]:
    """Items of an RSS mirror of HF Daily Papers (links to arXiv or to ``…/p/<arxiv id>``).

    Two layouts are known: the abstract as the description (tldr.takara.ai), and python-feedgen's
    escaped HTML with "Authors:", "Upvotes:" and "Summary:" paragraphs. Items whose link holds
    no arXiv id are skipped.
    """
    feed = parse_feed(body, "HF mirror feed")
    mirror = collapse_whitespace(feed.feed.get("title")) or "mirror"
    return [c for c in (_mirror_candidate(item, mirror) for item in feed.entries) if c]


def _mirror_candidate(item: dict, mirror: str) -> Candidate | None:
    bare = _arxiv_in_url(item.get("link", "")) or _arxiv_in_url(item.get("id", ""))
    if bare is None:
        return None
    fields = mirror_fields(item.get("summary", ""))
    upvotes = re.match(r"\s*(\d+)", _text(fields.get("upvotes", "")))
    authors = [a for a in (collapse_whitespace(n) for n in _text(fields.get("authors", "")).split(",")) if a]
    return Candidate(
        id=paper_id(bare),
        kind="paper",
        source="hf-daily-papers",
        title=collapse_whitespace(item.get("title")),
        url=arxiv_abs_url(bare),
        published=rfc822_date(item.get("published")),
        authors=authors,
        summary=_text(fields["summary"]),
        detail="mirror",
        links={"hf": HF_PAPER_URL.format(bare), "abs": arxiv_abs_url(bare)},
        popularity={"upvotes": float(upvotes[1])} if upvotes else {},
        extra={"mirror": mirror},
    )


def mirror_fields(description: str) -> dict[str, str]:
    """The labelled paragraphs of a mirror's description ("Authors:", "Upvotes:", "Summary:"),
    as HTML fragments by lower-case label; a description without them is all summary."""
    fields = {m["label"].strip().lower(): m["value"] for m in MIRROR_FIELD.finditer(description)}
    fields.setdefault("summary", "" if fields else description)
    return fields


def mirror_abstract(description: str) -> str:
    """The plain-text abstract of a mirror's description (what ``parse_mirror_feed`` stores)."""
    return _text(mirror_fields(description)["summary"])


def _arxiv_in_url(url: str) -> str | None:
    """The arXiv id a mirror links to: ``arxiv.org/abs/<id>`` or a last path segment like ``/p/<id>``."""
    for candidate in (url, url.rstrip("/").rsplit("/", 1)[-1]):
        try:
            return split_arxiv_id(candidate)[0]
        except ValueError:
            continue
    return None


def _text(html_fragment: str) -> str:
    """Plain text of a small HTML fragment: tags dropped, entities decoded (feedparser hands
    back CDATA text as HTML, so a literal "O&M" arrives as "O&amp;M")."""
    return collapse_whitespace(html.unescape(TAG.sub(" ", html_fragment)))


# --------------------------------------------------------------------------- requests


def fetch(http: Http, settings: Settings, day: dt.date) -> list[Fetched]:
    """Daily papers of ``day`` and the currently trending models, as one ``huggingface`` report."""
    hf = settings.sources.huggingface
    if not hf.enabled:
        return [Fetched("huggingface", "disabled")]
    parts = [_fetch_daily_papers(http, settings, day)]
    if hf.trending_models_limit > 0:
        parts.append(_fetch_trending_models(http, settings))
    if hf.trending_datasets_limit > 0:
        parts.append(_fetch_trending_datasets(http, settings))
    return [_combine(parts)]


def _fetch_daily_papers(http: Http, settings: Settings, day: dt.date) -> Fetched:
    hf = settings.sources.huggingface
    url = f"{hf.base_url.rstrip('/')}/api/daily_papers"
    day = day - dt.timedelta(days=hf.daily_papers_days_back)  # HF buckets by the day a paper was added
    params = {"date": day.isoformat(), "limit": hf.daily_papers_limit}
    try:
        papers = parse_daily_papers(http.get(url, source="huggingface", params=params).content)
    except (FetchError, ParseError) as exc:
        return _fetch_mirror(http, settings, problem=failure(exc))
    notes = [note("daily-papers", n=len(papers), date=day.isoformat())]
    if not papers:
        notes = [note("daily-empty", date=day.isoformat())]
    return Fetched("huggingface", "ok", papers, notes=notes)


def _fetch_mirror(http: Http, settings: Settings, problem: Message) -> Fetched:
    """The mirror feed in place of a failed daily-papers request (all its items, any day)."""
    mirror_url = settings.sources.huggingface.mirror_feed_url
    if not mirror_url:
        return Fetched("huggingface", "failed", notes=[note("daily-failed", error=problem), note("no-mirror")])
    try:
        papers = parse_mirror_feed(http.get(mirror_url, source="huggingface").content)
    except (FetchError, ParseError) as exc:
        return Fetched("huggingface", "failed", notes=[note("daily-failed", error=problem), note("mirror-failed", error=failure(exc))])
    notes = [note("daily-failed", error=problem), note("mirror", n=len(papers), url=mirror_url)]
    return Fetched("huggingface", "degraded", papers, fallback="hf mirror feed", notes=notes)


def _fetch_trending_models(http: Http, settings: Settings) -> Fetched:
    hf = settings.sources.huggingface
    url = f"{hf.base_url.rstrip('/')}/api/models"
    # sort=trendingScore: the snake_case spelling answers HTTP 400.
    params = {"sort": "trendingScore", "direction": -1, "limit": hf.trending_models_limit, "expand[]": MODEL_EXPAND}
    try:
        models = parse_models(http.get(url, source="huggingface", params=params).content)
    except (FetchError, ParseError) as exc:
        return Fetched("huggingface", "failed", notes=[note("models-failed", error=failure(exc))])
    return Fetched("huggingface", "ok", models, notes=[note("models", n=len(models))])


def _fetch_trending_datasets(http: Http, settings: Settings) -> Fetched:
    hf = settings.sources.huggingface
    url = f"{hf.base_url.rstrip('/')}/api/datasets"
    params = {"sort": "trendingScore", "direction": -1, "limit": hf.trending_datasets_limit}
    try:
        datasets = parse_datasets(http.get(url, source="huggingface", params=params).content)
    except (FetchError, ParseError) as exc:
        return Fetched("huggingface", "failed", notes=[note("datasets-failed", error=failure(exc))])
    return Fetched("huggingface", "ok", datasets, notes=[note("datasets", n=len(datasets))])


def _combine(parts: list[Fetched]) -> Fetched:
    statuses = {p.status for p in parts}
    if statuses == {"ok"}:
        status = "ok"
    elif statuses == {"failed"}:
        status = "failed"
    else:
        status = "degraded"
    fallback = next((p.fallback for p in parts if p.fallback), None)
    return Fetched(
        "huggingface",
        status,
        [c for p in parts for c in p.candidates],
        fallback=fallback,
        notes=[n for p in parts for n in p.notes],
    )


def lookup_model(http: Http, settings: Settings, model_id: str) -> Candidate | None:
    """The model's current record from ``/api/models/<id>``; None when HF does not know it.

    HF answers 401 rather than 404 for a repository that does not exist (or is private) to an
    anonymous caller, so both read as "not found".
    """
    name = model_id.removeprefix("hf:").strip("/")
    url = f"{settings.sources.huggingface.base_url.rstrip('/')}/api/models/{name}"
    try:
        response = http.get(url, source="huggingface")
    except FetchError as exc:
        if exc.status in (401, 404):
            return None
        raise
    data = load_json(response.content, "HF model")
    if not isinstance(data, dict):
        raise ParseError(f"HF model {name}: expected a JSON object, got {type(data).__name__}")
    return model_candidate(data)
