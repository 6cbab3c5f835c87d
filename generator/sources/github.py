"""GitHub: the Trending page (HTML, no API), repository search, and repo look-ups.

Pure parsers over response bytes, plus ``fetch``/``lookup_repo`` through the shared ``Http``.

``fetch(http, settings, day)`` returns two ``Fetched``:

* ``github_web``: ``/trending[/<language>]?since=<since>``, the repos trending at request time
  (the page has no date, so a backfill run sees today's list). Status failed when the request
  fails or no row can be read (markup drift); the search results then stand in (fallback
  "github_api search").
* ``github_api``: ``/search/repositories`` once per configured query, restricted to repos
  *created* in ``[day - window_days, day]`` and sorted by stars. Created rather than pushed:
  a briefing is after new repos, and a pushed window is filled by long-standing giants.
  A rate-limited query (403/429) stops the remaining ones (they would be refused too).
"""

from __future__ import annotations

import datetime as dt
import re
from html.parser import HTMLParser
from typing import TYPE_CHECKING

from ..errors import FetchError, ParseError
from ..ids import repo_id
from ..messages import failure, note
from ..models import Candidate, SourceName
from ..text import collapse_whitespace
from .common import iso_date, load_json
from .base import Fetched

if TYPE_CHECKING:
    from ..http import Http
    from ..settings import Settings

REPO_URL = "https://github.com/{}"
API_HEADERS = {"Accept": "application/vnd.github+json", "X-GitHub-Api-Version": "2022-11-28"}
REPO_PATH = re.compile(r"^/(?P<full>[\w.-]+/[\w.-]+)/?$")
# "1,582 stars today" (since=daily), "… stars this week" / "this month" for the other ranges.
PERIOD_STARS = re.compile(r"([\d,]+)\s+stars?\s+(today|this week|this month)", re.IGNORECASE)


# --------------------------------------------------------------------------- API


def parse_search(body: bytes) -> list[Candidate]:
    """Items of ``/search/repositories`` (2014 schema without topics/license, and today's)."""
    data = load_json(body, "GitHub search")
    if not isinstance(data, dict) or not isinstance(data.get("items"), list):
        raise ParseError(f"GitHub search: expected an object with 'items', got {_shape(data)}")
    return [repo_candidate(item) for item in data["items"] if isinstance(item, dict) and item.get("full_name")]


def parse_repo(body: bytes, source: SourceName = "github-search") -> Candidate:
    """The ``/repos/<owner>/<repo>`` object (same fields as a search item)."""
    data = load_json(body, "GitHub repo")
    if not isinstance(data, dict) or not data.get("full_name"):
        raise ParseError(f"GitHub repo: expected a repository object, got {_shape(data)}")
    return repo_candidate(data, source)


def repo_candidate(repo: dict, source: SourceName = "github-search") -> Candidate:
    full_name = repo["full_name"]
    license_ = repo.get("license") if isinstance(repo.get("license"), dict) else {}
    extra = {"language": repo.get("language"), "license": license_.get("spdx_id")}
    return Candidate(
        id=repo_id(full_name),
        kind="repo",
        source=source,
        title=full_name,
        url=repo.get("html_url") or REPO_URL.format(full_name),
        published=iso_date(repo.get("created_at")),
        updated=iso_date(repo.get("pushed_at")),
        summary=collapse_whitespace(repo.get("description")),
        categories=[t for t in repo.get("topics") or [] if isinstance(t, str)],
        popularity={k: float(v) for k, v in (("stars", repo.get("stargazers_count")), ("forks", repo.get("forks_count"))) if isinstance(v, int)},
        extra={k: v for k, v in extra.items() if isinstance(v, str) and v},
    )


def _shape(data: object) -> str:
    return f"an object with keys {sorted(data)[:5]}" if isinstance(data, dict) else type(data).__name__


# --------------------------------------------------------------------------- Trending page


class _TrendingParser(HTMLParser):
    """Collects one dict per ``article.Box-row``: repo path, description, language, counts, text.

    Keys on what has survived GitHub's markup changes (h1 -> h2 headings, class renames):
    the row element, the heading's ``/owner/repo`` link, ``itemprop=programmingLanguage``,
    and the ``…/stargazers`` and ``…/forks`` (older: ``…/network/members…``) links.
    """

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.rows: list[dict] = []
        self._row: dict | None = None
        self._heading = False
        self._field: str | None = None  # field whose text is being collected
        self._field_end = ""

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = {name: value or "" for name, value in attrs}
        if tag == "article" and "Box-row" in attributes.get("class", "").split():
            self._end_row()
            self._row = {"text": []}
        elif self._row is not None:
            self._row_tag(tag, attributes)

    def _row_tag(self, tag: str, attributes: dict[str, str]) -> None:
        href = attributes.get("href", "")
        row = self._row
        if tag in ("h1", "h2", "h3"):
            self._heading = True
        elif tag == "a" and self._heading and "repo" not in row and REPO_PATH.match(href):
            row["repo"] = REPO_PATH.match(href)["full"]
        elif tag == "p" and "description" not in row:
            self._collect("description", "p")
        elif attributes.get("itemprop") == "programmingLanguage":
            self._collect("language", tag)
        elif tag == "a" and href.endswith("/stargazers"):
            row.setdefault("stars_href", href)
            self._collect("stars", "a")
        elif tag == "a" and (href.endswith("/forks") or "/network/members" in href):
            self._collect("forks", "a")

    def _collect(self, field: str, end_tag: str) -> None:
        self._row[field] = ""
        self._field, self._field_end = field, end_tag

    def handle_endtag(self, tag: str) -> None:
        if self._row is None:
            return
        if self._field and tag == self._field_end:
            self._field = None
        if tag in ("h1", "h2", "h3"):
            self._heading = False
        if tag == "article":
            self._end_row()

    def handle_data(self, data: str) -> None:
        if self._row is None:
            return
        self._row["text"].append(data)
        if self._field:
            self._row[self._field] += data

    def _end_row(self) -> None:
        if self._row is not None:
            self.rows.append(self._row)
        self._row, self._heading, self._field = None, False, None

    def close(self) -> None:
        super().close()
        self._end_row()  # a page cut inside its last row still yields that row


def parse_trending(body: bytes) -> list[Candidate]:
    """Rows of the github.com/trending page (2022 h1, 2023+ h2 markup; a sliced page works too).

    Rows without a readable ``owner/repo`` are skipped; zero rows means the markup changed.
    """
    parser = _TrendingParser()
    parser.feed(body.decode("utf-8", errors="replace"))
    parser.close()
    candidates: dict[str, Candidate] = {}
    for row in parser.rows:
        candidate = _trending_candidate(row)
        if candidate is not None:
            candidates.setdefault(candidate.id, candidate)
    return list(candidates.values())


def _trending_candidate(row: dict) -> Candidate | None:
    full_name = row.get("repo")
    if not full_name and row.get("stars_href"):  # heading drifted: the stargazers link names it too
        full_name = row["stars_href"].strip("/").removesuffix("/stargazers")
    if not full_name or full_name.count("/") != 1:
        return None
    popularity = {"stars": _count(row.get("stars")), "forks": _count(row.get("forks"))}
    period = PERIOD_STARS.search(" ".join(row["text"]))
    if period:
        key = "stars_today" if period[2].lower() == "today" else "stars_" + period[2].lower().replace(" ", "_")
        popularity[key] = _count(period[1])
    language = collapse_whitespace(row.get("language"))
    return Candidate(
        id=repo_id(full_name),
        kind="repo",
        source="github-trending",
        title=full_name,
        url=REPO_URL.format(full_name),
        summary=collapse_whitespace(row.get("description")),
        popularity={k: v for k, v in popularity.items() if v is not None},
        extra={"language": language} if language else {},
    )


def _count(text: str | None) -> float | None:
    digits = re.sub(r"[^\d]", "", text or "")
    return float(digits) if digits else None


# --------------------------------------------------------------------------- requests


def trending_url(settings: Settings) -> str:
    web = settings.sources.github_web
    language = f"/{web.language}" if web.language else ""
    return f"{web.base_url.rstrip('/')}/trending{language}"


def search_query(query: str, day: dt.date, window_days: int) -> str:
    """``topic:llm`` -> ``topic:llm created:2026-06-09..2026-06-16``."""
    return f"{query} created:{day - dt.timedelta(days=window_days)}..{day}"


DEFAULT_QUERIES = ("topic:llm", "topic:ai-agents")  # with no profile to derive queries from
# Phrases per derived query: GitHub search allows five AND/OR/NOT operators in one query.
QUERY_PHRASES = 3


def search_queries(settings: Settings) -> list[str]:
    """The configured queries, or one per interest of the profile, from its first multi-word
    phrases (the reader lists what matters most first; single words match half of GitHub)."""
    configured = settings.sources.github_api.queries
    if configured:
        return list(configured)
    if not settings.profile.interests:
        return list(DEFAULT_QUERIES)
    queries = []
    for interest in settings.profile.interests:
        phrases = list(dict.fromkeys(p.lower() for p in interest.phrases if " " in p.strip() or "-" in p))
        if phrases:
            terms = " OR ".join(f'"{p}"' for p in phrases[:QUERY_PHRASES])
            queries.append(f"{terms} in:name,description,topics")
    return queries


def fetch(http: Http, settings: Settings, day: dt.date) -> list[Fetched]:
    """Trending (github_web) and search (github_api); search stands in when Trending yields nothing."""
    web = _fetch_trending(http, settings) if settings.sources.github_web.enabled else Fetched("github_web", "disabled")
    api = _fetch_search(http, settings, day) if settings.sources.github_api.enabled else Fetched("github_api", "disabled")
    if web.status == "failed" and api.candidates:
        web.fallback = "github_api search"
    return [web, api]


def _fetch_trending(http: Http, settings: Settings) -> Fetched:
    try:
        response = http.get(trending_url(settings), source="github_web", params={"since": settings.sources.github_web.since})
    except FetchError as exc:
        return Fetched("github_web", "failed", notes=[failure(exc)])
    repos = parse_trending(response.content)
    if not repos:
        return Fetched("github_web", "failed", notes=[note("trending-empty")])
    return Fetched("github_web", "ok", repos, notes=[note("trending", n=len(repos))])


def _fetch_search(http: Http, settings: Settings, day: dt.date) -> Fetched:
    api = settings.sources.github_api
    url = f"{api.base_url.rstrip('/')}/search/repositories"
    found: dict[str, Candidate] = {}
    notes, failures = [], 0
    queries = search_queries(settings)
    for position, query in enumerate(queries):
        params = {"q": search_query(query, day, api.window_days), "sort": "stars", "order": "desc", "per_page": api.per_page}
        try:
            repos = parse_search(http.get(url, source="github_api", params=params, headers=API_HEADERS).content)
        except (FetchError, ParseError) as exc:
            failures += 1
            notes.append(note("search-failed", query=query, error=failure(exc)))
            if getattr(exc, "status", None) in (403, 429):
                skipped = len(queries) - position - 1
                if skipped:
                    notes.append(note("rate-limited", n=skipped))
                failures += skipped
                break
            continue
        notes.append(note("search", query=query, n=len(repos)))
        for repo in repos:
            found.setdefault(repo.id, repo)
    status = "ok" if not failures else ("failed" if failures == len(queries) else "degraded")
    return Fetched("github_api", status, list(found.values()), notes=notes)


def lookup_repo(http: Http, settings: Settings, full_name: str) -> Candidate | None:
    """The repository's current record, None when GitHub answers 404.

    A renamed repo answers 301; the client follows it, so the candidate carries the new
    ``full_name`` (and therefore a new id): the caller sees the rename.
    """
    owner, _, name = full_name.removeprefix("github:").strip("/").partition("/")
    repo_id(f"{owner}/{name}")  # ValueError for anything but owner/repo
    url = f"{settings.sources.github_api.base_url.rstrip('/')}/repos/{owner}/{name}"
    try:
        response = http.get(url, source="github_api", headers=API_HEADERS)
    except FetchError as exc:
        if exc.status == 404:
            return None
        raise
    return parse_repo(response.content)
