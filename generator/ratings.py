"""The reader's ratings: what the taste model (generator/taste.py) learns from.

Two places hold them, both under git:

* an item's own ``rating:`` (a grade 0-3, or relevant / not-relevant), set through the
  "Correct this" link or ``briefing rate``;
* the ledger, ``data/ratings/<yyyy-mm>.yaml`` (the month the rating was given), for papers,
  repos and models that were never stored as items: each entry keeps the text as it was rated.

``briefing ratings import`` fills the ledger (or the library) from a labelled day in the
format of ``../shared/relevance``, a BibTeX export or a plain list of arXiv ids; the parsers
here are pure.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from dataclasses import dataclass, field
from pathlib import Path

from pydantic import ValidationError

from .errors import DataError, InputError
from .ids import item_path
from .models import Item, Rating, RatingsFile, grade_of  # noqa: F401  (grade_of: part of this module's interface)
from .store import Archive


@dataclass(frozen=True)
class Rated:
    """One rated text, as the models learn from it."""

    id: str
    kind: str
    title: str
    abstract: str
    arxiv_categories: tuple[str, ...]
    grade: int
    why: str | None = None
    filed: tuple[str, ...] = ()


def rated(archive: Archive) -> list[Rated]:
    """Every rating: the ledger's, then the items' own (an item's rating wins), sorted by id."""
    out = {entry.id: from_rating(entry) for entries in ledger(archive).values() for entry in entries.ratings}
    for item in archive.rated_items():
        out[item.id] = _from_item(item)
    return [out[k] for k in sorted(out)]


def from_rating(entry: Rating) -> Rated:
    return Rated(entry.id, entry.kind, entry.title, entry.abstract, tuple(entry.arxiv_categories),
                 grade_of(entry.grade), entry.why, tuple(entry.filed))


def _from_item(item: Item) -> Rated:
    categories = tuple(item.source_categories) if item.kind == "paper" else ()
    return Rated(item.id, item.kind, item.title, item.summary, categories, grade_of(item.rating), item.rating_why)


def ledger(archive: Archive) -> dict[Path, RatingsFile]:
    """The ledger's files, by path; a malformed file stops the run with its name."""
    files = {}
    for path in archive.ratings_files():
        try:
            files[path] = archive.load_ratings(path)
        except ValidationError as exc:
            first = exc.errors()[0]
            where = ".".join(str(p) for p in first["loc"])
            raise DataError(f"{path}: {where}: {first['msg']}; `briefing validate` shows the line", path=str(path)) from None
    return files


# --------------------------------------------------------------------------- changing a rating


@dataclass
class RatingChange:
    written: list[Path] = field(default_factory=list)
    before: dict[str, int | str] = field(default_factory=dict)  # id -> the rating it had, for those rated before


def rate(archive: Archive, entries: list[Rating]) -> RatingChange:
    """Add or change ratings: on the item where one is stored, else in the ledger, in the file of
    the month each is given in (a changed rating moves there). The ledger is read once and each
    changed file written once, atomically; a rating given again unchanged writes nothing."""
    change = RatingChange()
    files = ledger(archive)
    where = {r.id: (path, r) for path, month in files.items() for r in month.ratings}
    touched: set[Path] = set()
    for entry in entries:
        item = archive.load_item(entry.id) if _is_item_id(entry.id) else None
        if item is not None:
            if item.rating is not None:
                change.before[entry.id] = item.rating
            item.rating, item.rating_why = entry.grade, entry.why
            if archive.save_item(item):
                change.written.append(archive.item_file(item.id))
            continue
        if entry.id in where:
            path, old = where[entry.id]
            change.before[entry.id] = old.grade
            if (old.grade, old.why) == (entry.grade, entry.why):
                continue  # the same rating again: its date stays
            files[path].ratings.remove(old)
            touched.add(path)
        target = archive.ratings_file(f"{entry.date:%Y-%m}")
        files.setdefault(target, RatingsFile()).ratings.append(entry)
        where[entry.id] = (target, entry)
        touched.add(target)
    for path in sorted(touched):
        files[path].ratings.sort(key=lambda r: (r.date, r.id))
        if archive.save_ratings(path, files[path]):
            change.written.append(path)
    return change


def _is_item_id(item_id: str) -> bool:
    try:
        item_path(item_id)
        return True
    except ValueError:
        return False


# --------------------------------------------------------------------------- import formats

ARXIV_ID = re.compile(r"(?<![\w.])(\d{4}\.\d{4,5}|[a-z-]+(?:\.[A-Z]{2})?/\d{7})(?:v\d+)?(?![\w])")


def labelled_day(labels_path: Path, today: dt.date) -> list[Rating]:
    """A labelled day in the format of ``../shared/relevance``: ``labels-<day>.json`` with its
    ``candidates-<day>.json`` (the texts) and, if present, ``categories-<day>.json`` (the filing)."""
    day = _day_of(labels_path)
    folder = labels_path.parent
    labels = _json(folder / f"labels-{day}.json", "labels")
    papers = {p["id"]: p for p in _json(folder / f"candidates-{day}.json", "papers")}
    filing_file = folder / f"categories-{day}.json"
    filing = _json(filing_file, "papers") if filing_file.exists() else {}
    out = []
    for bare in sorted(labels):
        label, paper = labels[bare], papers.get(bare)
        if paper is None:
            raise InputError(f"{folder / f'candidates-{day}.json'}: no paper {bare}, which labels-{day}.json grades; "
                             "give the candidates file of the same day")
        grade = label.get("grade") if isinstance(label, dict) else None
        if grade not in (0, 1, 2, 3):
            raise InputError(f"{labels_path}: labels.{bare}.grade: {grade!r} is not a grade 0-3")
        out.append(Rating(id=f"arxiv:{bare}", title=paper["title"], abstract=plain_abstract(paper.get("abstract", "")),
                          arxiv_categories=paper.get("categories", []), grade=grade, why=label.get("why"),
                          filed=filing.get(bare, []), date=dt.date.fromisoformat(day) if day else today))
    return out


def plain_abstract(text: str) -> str:
    """An abstract as the pipeline would store it: an HF mirror's HTML description (thumbnail,
    "Authors:", "Upvotes:") reduced to its summary, so markup never becomes a word the models learn."""
    if "<" not in text:
        return text
    from .sources.huggingface import mirror_abstract

    return mirror_abstract(text)


def _day_of(path: Path) -> str:
    found = re.search(r"(\d{4}-\d{2}-\d{2})", path.name)
    if not found:
        raise InputError(f"{path}: a labelled day is named labels-<yyyy-mm-dd>.json (or candidates- / categories-)")
    return found.group(1)


def _json(path: Path, key: str):
    try:
        data = json.loads(path.read_bytes())
    except FileNotFoundError:
        raise InputError(f"{path}: missing; a labelled day needs its labels and candidates files side by side") from None
    except (ValueError, UnicodeDecodeError) as exc:
        raise InputError(f"{path}: not valid JSON ({exc})") from None
    if not isinstance(data, dict) or not isinstance(data.get(key), (dict, list)):
        raise InputError(f"{path}: expected an object with a {key!r} field")
    return data[key]


@dataclass(frozen=True)
class LibraryPaper:
    """A paper from a reference manager's export: it joins the reader's library."""

    id: str  # arxiv:<bare id>
    title: str
    abstract: str = ""


def parse_bibtex(text: str, source: str = "BibTeX") -> list[LibraryPaper]:
    """Entries with an arXiv id (eprint + archivePrefix, an arxiv.org URL, an arXiv DOI or a
    "arXiv:..." journal line, as Zotero, Mendeley and Google Scholar write them); others are skipped."""
    import bibtexparser
    from pylatexenc.latex2text import LatexNodes2Text

    library = bibtexparser.parse_string(text)
    if library.failed_blocks and not library.entries:
        block = library.failed_blocks[0]
        raise InputError(f"{source}: line {block.start_line + 1}: not a BibTeX entry; export the library as BibTeX")
    to_text = LatexNodes2Text()
    found: dict[str, LibraryPaper] = {}
    for entry in library.entries:
        fields = {k.lower(): str(v.value) for k, v in entry.fields_dict.items()}
        bare = _arxiv_id_of(fields)
        if bare and f"arxiv:{bare}" not in found:
            title = " ".join(to_text.latex_to_text(fields.get("title", "")).split())
            abstract = " ".join(to_text.latex_to_text(fields.get("abstract", "")).split())
            found[f"arxiv:{bare}"] = LibraryPaper(f"arxiv:{bare}", title or bare, abstract)
    return list(found.values())


def _arxiv_id_of(fields: dict[str, str]) -> str | None:
    if fields.get("archiveprefix", "").lower() == "arxiv" and fields.get("eprint"):
        found = ARXIV_ID.search(fields["eprint"])
        if found:
            return found.group(1)
    for key in ("url", "doi", "journal", "journaltitle", "note", "howpublished", "eprint"):
        value = fields.get(key, "")
        if "arxiv" in value.lower():
            found = ARXIV_ID.search(value)
            if found:
                return found.group(1)
    return None


def parse_id_list(text: str, source: str = "the list") -> list[str]:
    """Bare arXiv ids, one per line (URLs and "arXiv:" prefixes allowed, # starts a comment)."""
    ids: dict[str, None] = {}
    for number, line in enumerate(text.splitlines(), 1):
        line = line.split("#", 1)[0].strip()
        if not line:
            continue
        found = ARXIV_ID.search(line)
        if not found:
            raise InputError(f"{source}: line {number}: {line[:60]!r} is not an arXiv id (like 2504.01234)")
        ids[found.group(1)] = None
    return list(ids)


def detect_format(path: Path, text: str) -> str:
    """ "labelled-day", "bibtex" or "ids", from the name and the first non-blank character."""
    if re.match(r"(labels|candidates|categories)-\d{4}-\d{2}-\d{2}\.json$", path.name):
        return "labelled-day"
    head = text.lstrip()[:1]
    if head == "@" or path.suffix.lower() == ".bib":
        return "bibtex"
    if head in ("{", "["):
        raise InputError(f"{path}: JSON that is not a labelled day; name it labels-<yyyy-mm-dd>.json beside its candidates file")
    return "ids"


# --------------------------------------------------------------------------- command-line values

GRADE_WORDS = {"must-read": 3, "relevant": 2, "tangential": 1, "not-relevant": 0}


def parse_grade(text: str) -> int | str:
    """ "0"-"3", "relevant", "not-relevant" (stored as given), "must-read" (3) or "tangential" (1)."""
    value = text.strip().lower()
    if value in ("0", "1", "2", "3"):
        return int(value)
    if value in ("relevant", "not-relevant"):
        return value
    if value in GRADE_WORDS:
        return GRADE_WORDS[value]
    raise InputError(f"grade {text!r}: give 0-3 (3 must read, 2 relevant, 1 tangential, 0 not for me), relevant or not-relevant")


def canonical_id(raw: str) -> str:
    """The archive id of what is rated: an arXiv id or URL, github:owner/repo, hf:org/model, hfd:org/dataset."""
    from .ids import dataset_id, model_id, paper_id, repo_id

    text = raw.strip()
    prefix, _, rest = text.partition(":")
    makers = {"github": repo_id, "hf": model_id, "hfd": dataset_id}
    try:
        if prefix in makers and rest:
            return makers[prefix](rest)
        return paper_id(text)
    except ValueError:
        raise InputError(f"{raw!r} is not an id: give an arXiv id (2504.01234), github:owner/repo, hf:org/model or hfd:org/dataset") from None
