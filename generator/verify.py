"""Verification: an item enters the archive only when an authoritative look-up confirms it.

Authorities: the arXiv API for papers, the GitHub API for repos, the HF API for models.
A candidate that came *from* its authority (an arXiv API listing entry, a GitHub search
result, an HF models API entry) is its own confirmation and costs no request. The rest is
looked up: papers in batched ``id_list`` requests (a handful a day, not one per paper).

Outcomes per identity:
* verified: the authority answered and knows the thing; its ID, title and date are stored.
* partial: the look-up could not be made (network, rate limit): the item is kept with the
  source's own data and a note saying what could not be checked. Never silent.
* dropped: the authority answered and does not know the thing (deleted repo, no such paper).
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from dataclasses import dataclass, field
from typing import Callable

from .errors import SourceError
from .ids import bare_arxiv_id
from . import messages
from .models import Candidate, Message, Verification

AUTHORITY = {"paper": "arxiv-api", "repo": "github-api", "model": "hf-api", "dataset": "hf-api"}
SELF_AUTHORITATIVE = {"arxiv-api": "paper", "github-search": "repo", "hf-trending-models": "model",
                      "hf-trending-datasets": "dataset"}


@dataclass
class Lookups:
    """How to ask the authorities; injected so verification is testable without a network."""

    papers: Callable[[list[str]], dict[str, Candidate]]  # bare ids -> found candidates (batched)
    repo: Callable[[str], Candidate | None]  # "owner/repo" -> candidate or None if unknown
    model: Callable[[str], Candidate | None]  # "org/name" -> candidate or None if unknown
    paper_url: Callable[[str], str]  # the authoritative URL recorded for a paper id
    repo_url: Callable[[str], str]
    model_url: Callable[[str], str]
    dataset_url: Callable[[str], str] = lambda name: f"https://huggingface.co/api/datasets/{name}"


@dataclass
class Verified:
    candidate: Candidate  # the authoritative record (or the best source record, if partial)
    verification: Verification


@dataclass
class Outcome:
    verified: dict[str, Verified] = field(default_factory=dict)
    dropped: dict[str, str] = field(default_factory=dict)  # id -> reason
    failed_lookups: dict[str, int] = field(default_factory=dict)  # kind -> items whose look-up failed
    renamed: dict[str, str] = field(default_factory=dict)  # id seen -> id the authority answers under

    def failed(self, kind: str, count: int = 1) -> None:
        self.failed_lookups[kind] = self.failed_lookups.get(kind, 0) + count


def normalise_title(title: str) -> str:
    text = unicodedata.normalize("NFKC", title).lower()
    return re.sub(r"[\W_]+", " ", text).strip()


def _compare(source: Candidate, authority: Candidate) -> tuple[list[str], list[str]]:
    matched, mismatched = ["id"], []
    (matched if normalise_title(source.title) == normalise_title(authority.title) else mismatched).append("title")
    if authority.published is None:
        mismatched.append("date")
    elif source.published is None or source.published >= authority.published:
        # Sources report announce/listing days on or after the authority's submission date.
        matched.append("date")
    else:
        mismatched.append("date")
    return matched, mismatched


def _confirmed(source: Candidate, authority: Candidate, by: str, url: str, now: dt.datetime) -> Verified:
    matched, mismatched = _compare(source, authority)
    note = None
    if "title" in mismatched:
        note = messages.note("title-differed", source=source.source, quote=source.title)
    record = authority.model_copy(update={"source": source.source})
    status = "verified" if authority.published is not None else "partial"
    if status == "partial":
        note = messages.note("no-date")
    return Verified(record, Verification(status=status, by=by, url=url, checked=now, matched=matched, mismatched=mismatched, note=note))


def _partial(source: Candidate, by: str, url: str, now: dt.datetime, problem: Message) -> Verified:
    note = messages.note("lookup-failed", by=by, problem=problem, source=source.source)
    return Verified(source, Verification(status="partial", by=by, url=url, checked=now, matched=[], note=note))


def _self_verified(candidate: Candidate, by: str, url: str, now: dt.datetime) -> Verified:
    matched = ["id", "title"] + (["date"] if candidate.published else [])
    status = "verified" if candidate.published else "partial"
    note = None if candidate.published else messages.note("no-date")
    return Verified(candidate, Verification(status=status, by=by, url=url, checked=now, matched=matched, note=note))


def verify(groups: dict[str, list[Candidate]], lookups: Lookups, now: dt.datetime) -> Outcome:
    """Verify every identity in ``groups`` (id -> the candidates all sources gave for it)."""
    outcome = Outcome()
    refused: dict[str, Message] = {}  # kind -> why its authority stopped being asked (rate limit)
    pending_papers: dict[str, Candidate] = {}
    for item_id, candidates in sorted(groups.items()):
        kind = candidates[0].kind
        own = next((c for c in candidates if SELF_AUTHORITATIVE.get(c.source) == kind), None)
        url_for = {"paper": lookups.paper_url, "repo": lookups.repo_url, "model": lookups.model_url,
                   "dataset": lookups.dataset_url}[kind]
        name = item_id.split(":", 1)[1]
        if own is not None:
            outcome.verified[item_id] = _self_verified(own, AUTHORITY[kind], url_for(name), now)
        elif kind == "paper":
            pending_papers[name] = candidates[0]
        else:
            _verify_one(item_id, name, candidates[0], kind, lookups, now, outcome, refused)
    if pending_papers:
        _verify_papers(pending_papers, lookups, now, outcome)
    return outcome


def _verify_one(item_id: str, name: str, candidate: Candidate, kind: str, lookups: Lookups, now: dt.datetime,
                outcome: Outcome, refused: dict[str, Message]) -> None:
    ask = lookups.repo if kind == "repo" else lookups.model
    url = (lookups.repo_url if kind == "repo" else lookups.model_url)(name)
    if kind in refused:  # the authority is rate-limiting us: asking again only costs quota
        outcome.verified[item_id] = _partial(candidate, AUTHORITY[kind], url, now, messages.note("not-asked-after", problem=refused[kind]))
        outcome.failed(kind)
        return
    try:
        authority = ask(candidate.title if kind == "repo" else name)
    except SourceError as exc:
        outcome.failed(kind)
        outcome.verified[item_id] = _partial(candidate, AUTHORITY[kind], url, now, messages.problem(exc))
        if exc.status in (403, 429):
            refused[kind] = messages.problem(exc)
        return
    if authority is None:
        outcome.dropped[item_id] = f"{AUTHORITY[kind]} does not know {name} ({url})"
        return
    if authority.id != item_id:  # renamed (GitHub and HF follow renames): filed under the current name
        outcome.renamed[item_id] = authority.id
    outcome.verified.setdefault(authority.id, _confirmed(candidate, authority, AUTHORITY[kind], url, now))


def _verify_papers(pending: dict[str, Candidate], lookups: Lookups, now: dt.datetime, outcome: Outcome) -> None:
    try:
        found = lookups.papers(sorted(pending))
    except SourceError as exc:
        outcome.failed("paper")
        for name, candidate in pending.items():
            outcome.verified[candidate.id] = _partial(candidate, "arxiv-api", lookups.paper_url(name), now, messages.problem(exc))
        return
    found = {bare_arxiv_id(k): v for k, v in found.items()}
    if not found and len(pending) > 1:
        # arXiv answered, but knows none of several IDs that arXiv's own feeds or HF just
        # reported: a glitch on its side, not proof that they do not exist. Keep, as partial.
        for name, candidate in pending.items():
            outcome.verified[candidate.id] = _partial(candidate, "arxiv-api", lookups.paper_url(name), now, messages.note("empty-answer"))
        outcome.failed("paper")
        return
    for name, candidate in sorted(pending.items()):
        authority = found.get(name)
        if authority is None:
            outcome.dropped[candidate.id] = f"the arXiv API has no paper {name}"
            continue
        outcome.verified[candidate.id] = _confirmed(candidate, authority, "arxiv-api", lookups.paper_url(name), now)

