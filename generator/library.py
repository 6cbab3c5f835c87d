"""The reader's library: what the ranker compares new items with.

Two parts, both under git:

* the profile's ``library`` entries in briefing.yaml (ids and titles the reader chose);
* ``data/library.yaml``: their texts, fetched once by ``briefing library update`` (papers in
  one batched arXiv id_list request, repos and models one look-up each), and the papers of a
  reference manager's export (``briefing ratings import library.bib``). Until a profile entry's
  text is fetched, or when a look-up is impossible, the title the profile gives stands in.

What the reader rated is not library: the taste model learns from it (generator/taste.py).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from .errors import SourceError
from .http import Http
from .models import Candidate, Library, LibraryRecord
from . import ratings
from .rank import Exemplar, Ranker, short_title
from .settings import Settings
from .sources import arxiv, github, huggingface
from .store import Archive
from .taste import ReaderModels


def reader_ranker(settings: Settings, archive: Archive, filing: bool = True) -> Ranker:
    """The ranker of a run: the profile, the library, and the models learnt from the ratings
    (``filing=False``: without the filing model, for ranking alone)."""
    rated = ratings.rated(archive)
    return Ranker(settings.profile, exemplars(settings, archive), rated, ReaderModels.fit(rated, filing=filing))


def exemplars(settings: Settings, archive: Archive) -> list[Exemplar]:
    """Everything the reader follows, in a stable order."""
    stored = {r.id: r for r in archive.load_library().entries}
    out: dict[str, Exemplar] = {}
    for record in stored.values():
        item_id = ratings.canonical_id(record.id)
        out[item_id] = Exemplar(id=item_id, title=short_title(record.title), text=f"{record.title}. {record.summary}")
    for entry in settings.profile.library:
        record = stored.get(entry.id)
        title = entry.title or (record.title if record else entry.id)
        text = f"{record.title}. {record.summary}" if record else title
        item_id = ratings.canonical_id(entry.id)  # github:NousResearch/x is stored as github:nousresearch/x
        out[item_id] = Exemplar(id=item_id, title=short_title(title), text=text)
    return [out[k] for k in sorted(out)]


@dataclass
class TextLookup:
    """Texts of items fetched from their authority (arXiv, GitHub, Hugging Face)."""

    found: dict[str, Candidate] = field(default_factory=dict)
    missing: list[str] = field(default_factory=list)  # the authority does not know them
    failed: dict[str, str] = field(default_factory=dict)  # id -> why the look-up failed


@dataclass
class LibraryUpdate:
    fetched: list[str] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)
    failed: dict[str, str] = field(default_factory=dict)
    written: bool = False


def update(http: Http, settings: Settings, archive: Archive, today: dt.date) -> LibraryUpdate:
    """Fetch the texts of library entries not yet in data/library.yaml; keep what is stored."""
    library = archive.load_library()
    have = {r.id for r in library.entries}
    looked = fetch_texts(http, settings, [e.id for e in settings.profile.library if e.id not in have])
    result = LibraryUpdate(missing=looked.missing, failed=looked.failed)
    for item_id, candidate in looked.found.items():
        library.entries.append(_record(item_id, candidate.title, candidate.summary, AUTHORITY[candidate.kind], today))
        result.fetched.append(item_id)
    if looked.found:
        result.written = save(archive, library)
    return result


AUTHORITY = {"paper": "arxiv-api", "repo": "github-api", "model": "hf-api"}


def _record(item_id: str, title: str, summary: str, by: str, today: dt.date) -> LibraryRecord:
    return LibraryRecord(id=item_id, title=title, summary=summary, by=by, checked=today)


def save(archive: Archive, library: Library) -> bool:
    library.entries.sort(key=lambda r: r.id)
    return archive.save_library(library)


def add_papers(archive: Archive, papers: list, by: str, today: dt.date) -> tuple[list[str], bool]:
    """Papers from a reference manager's export (``ratings.LibraryPaper``) join data/library.yaml;
    one already there keeps its record. Returns the ids added and whether the file changed."""
    library = archive.load_library()
    have = {r.id for r in library.entries}
    added = [p for p in papers if p.id not in have]
    library.entries += [_record(p.id, p.title, p.abstract, by, today) for p in added]
    return [p.id for p in added], bool(added) and save(archive, library)


def fetch_texts(http: Http, settings: Settings, wanted: list[str]) -> TextLookup:
    """Papers in batched arXiv id_list requests, repos and models one look-up each."""
    result = TextLookup()
    papers = [w for w in wanted if w.startswith("arxiv:")]
    if papers:
        try:
            by_bare = arxiv.lookup(http, settings, papers)
        except SourceError as exc:
            result.failed.update({p: str(exc) for p in papers})
        else:
            for paper in papers:
                bare = paper.removeprefix("arxiv:")
                if bare in by_bare:
                    result.found[paper] = by_bare[bare]
                else:
                    result.missing.append(paper)
    for other in (w for w in wanted if not w.startswith("arxiv:")):
        look = github.lookup_repo if other.startswith("github:") else huggingface.lookup_model
        try:
            candidate = look(http, settings, other)
        except (SourceError, ValueError) as exc:
            result.failed[other] = str(exc)
            continue
        if candidate is None:
            result.missing.append(other)
        else:
            result.found[other] = candidate
    return result
