"""The reader's library: what the ranker compares new items with.

Three parts, all under git:

* the profile's ``library`` entries in briefing.yaml (ids and titles the reader chose);
* their texts in ``data/library.yaml``, fetched once by ``briefing library update`` (papers in
  one batched arXiv id_list request, repos and models one look-up each); until then, or when a
  look-up is impossible, the title the profile gives stands in;
* items the reader rated in their YAML (``rating: relevant`` / ``rating: not-relevant``).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from .errors import SourceError
from .http import Http
from .models import Candidate, LibraryRecord
from .rank import Exemplar
from .settings import Settings
from .sources import arxiv, github, huggingface
from .store import Archive


def exemplars(settings: Settings, archive: Archive) -> list[Exemplar]:
    """Everything the reader vouched for or against, in a stable order."""
    stored = {r.id: r for r in archive.load_library().entries}
    out: dict[str, Exemplar] = {}
    for entry in settings.profile.library:
        record = stored.get(entry.id)
        title = entry.title or (record.title if record else entry.id)
        text = f"{record.title}. {record.summary}" if record else title
        out[entry.id] = Exemplar(id=entry.id, title=_short(title), text=text)
    for item in archive.rated_items():
        out[item.id] = Exemplar(id=item.id, title=_short(item.title), text=f"{item.title}. {item.summary}",
                                positive=item.rating == "relevant", rated=True)
    return [out[k] for k in sorted(out)]


def _short(title: str) -> str:
    """The name a reader knows a paper by: the part before the colon ("ClawGym")."""
    head = title.split(":", 1)[0].strip()
    return head if 0 < len(head) <= 40 and head != title else title


@dataclass
class LibraryUpdate:
    fetched: list[str] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)  # the authority does not know them
    failed: dict[str, str] = field(default_factory=dict)  # id -> why the look-up failed
    written: bool = False


def update(http: Http, settings: Settings, archive: Archive, today: dt.date) -> LibraryUpdate:
    """Fetch the texts of library entries not yet in data/library.yaml; keep what is stored."""
    library = archive.load_library()
    have = {r.id for r in library.entries}
    wanted = [e.id for e in settings.profile.library if e.id not in have]
    result = LibraryUpdate()
    records = _fetch(http, settings, wanted, result)
    for item_id, candidate in records.items():
        by = {"paper": "arxiv-api", "repo": "github-api", "model": "hf-api"}[candidate.kind]
        library.entries.append(LibraryRecord(id=item_id, title=candidate.title, summary=candidate.summary,
                                             by=by, checked=today))
        result.fetched.append(item_id)
    if records:
        library.entries.sort(key=lambda r: r.id)
        result.written = archive.save_library(library)
    return result


def _fetch(http: Http, settings: Settings, wanted: list[str], result: LibraryUpdate) -> dict[str, Candidate]:
    found: dict[str, Candidate] = {}
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
                    found[paper] = by_bare[bare]
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
            found[other] = candidate
    return found

