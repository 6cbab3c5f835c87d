"""``briefing rank``: any list of papers ranked against the reader's taste (a conference's
accepted papers, a labelled day, a colleague's reading list). Pure but for the look-up of ids.

Input, by its first non-blank character:

* ``{`` a JSON object ``{"papers": [{"id", "title", "abstract", "categories"?}, ...]}``;
* ``{`` on every line: JSONL, one such paper object per line;
* anything else: arXiv ids, one per line (``ratings.parse_id_list``), whose titles and
  abstracts come from one batched arXiv ``id_list`` look-up.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

from .errors import InputError
from .ids import paper_id
from .models import Relevance
from .rank import Document, Ranker
from .ratings import parse_id_list, plain_abstract


@dataclass(frozen=True)
class Paper:
    id: str  # as given (the output names papers exactly as the input did)
    title: str
    abstract: str
    categories: tuple[str, ...] = ()


def parse_papers(data: bytes, source: str) -> list[Paper] | list[str]:
    """The papers of a JSON or JSONL file, or the arXiv ids of a plain list (to be looked up)."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InputError(f"{source}: not UTF-8 text ({exc.reason})") from None
    stripped = text.lstrip()
    if not stripped:
        raise InputError(f"{source}: empty; give a JSON file of papers, JSONL, or arXiv ids one per line")
    if stripped[0] in "{[":
        return _json_papers(text, source)
    return parse_id_list(text, source)


def _json_papers(text: str, source: str) -> list[Paper]:
    try:
        document = json.loads(text)
    except json.JSONDecodeError:
        entries, where = _jsonl(text, source), "line"
    else:
        if isinstance(document, dict) and "papers" in document:
            entries, where = document["papers"], "papers"
        elif isinstance(document, dict) and "id" in document:
            entries, where = [document], "line"  # JSONL of a single paper
        elif isinstance(document, list):
            entries, where = document, ""
        else:
            raise InputError(f'{source}: expected {{"papers": [...]}}, a list of papers, JSONL or arXiv ids one per line')
    if not isinstance(entries, list):
        raise InputError(f"{source}: \"papers\" must be a list of paper objects")
    papers = [_paper(entry, source, f"{where}[{n}]" if where in ("papers", "") else _line(where, n)) for n, entry in enumerate(entries)]
    seen: dict[str, int] = {}
    for n, paper in enumerate(papers):
        key = archive_key(paper.id)
        if key in seen:
            raise InputError(f"{source}: paper {n + 1} ({paper.id}) repeats paper {seen[key] + 1}; give each paper once")
        seen[key] = n
    return papers


def _line(where: str, n: int) -> str:
    return f"line {n + 1}" if where == "line" else where


def _jsonl(text: str, source: str) -> list:
    entries = []
    for number, line in enumerate(text.splitlines(), 1):
        if not line.strip():
            continue
        try:
            entries.append(json.loads(line))
        except json.JSONDecodeError as exc:
            raise InputError(f"{source}: line {number}: not JSON ({exc.msg}); give one paper object per line") from None
    return entries


def _paper(entry, source: str, where: str) -> Paper:
    if not isinstance(entry, dict):
        raise InputError(f"{source}: {where}: expected an object with id, title and abstract")
    for key in ("id", "title"):
        if not isinstance(entry.get(key), str) or not entry[key].strip():
            raise InputError(f"{source}: {where}: \"{key}\" is missing or not a text; every paper needs an id and a title")
    abstract = entry.get("abstract", "")
    categories = entry.get("categories", [])
    if not isinstance(abstract, str):
        raise InputError(f"{source}: {where} ({entry['id']}): \"abstract\" must be a text")
    if not isinstance(categories, list) or not all(isinstance(c, str) for c in categories):
        raise InputError(f"{source}: {where} ({entry['id']}): \"categories\" must be a list of arXiv categories, primary first")
    return Paper(entry["id"].strip(), entry["title"], plain_abstract(abstract), tuple(categories))


@dataclass(frozen=True)
class RankedPaper:
    rank: int
    paper: Paper
    relevance: Relevance


def rank_papers(ranker: Ranker, papers: list[Paper]) -> list[RankedPaper]:
    """Every paper once, best first (ties by id)."""
    keys = [archive_key(p.id) for p in papers]
    documents = [Document(key, p.title, p.abstract, p.categories) for key, p in zip(keys, papers)]
    relevances = ranker.rank(documents)
    order = sorted(range(len(papers)), key=lambda n: (-relevances[keys[n]].score, papers[n].id))
    return [RankedPaper(rank, papers[n], relevances[keys[n]]) for rank, n in enumerate(order, 1)]


def archive_key(raw: str) -> str:
    """The archive id of a paper given as "2503.16586", "arxiv:2503.16586v2" or a URL, so the
    reader's own rating of it counts; other ids are kept as given."""
    try:
        return paper_id(raw)
    except ValueError:
        return raw
