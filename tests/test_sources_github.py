"""GitHub parsers over the recorded payloads, and fetch/lookup over a MockTransport."""

from __future__ import annotations

import datetime as dt
import json

import httpx
import pytest

from fixtures_util import FakeClock, Router, english, fixture_bytes, make_http, recorded_response
from generator.errors import FetchError, ParseError
from generator.settings import Settings
from generator.sources import github as gh
from generator.pipeline import host_policies

TRENDING_2022 = "github/trending_daily_2022-04-09_h1_markup.html"
TRENDING_2023 = "github/trending_daily_2023-05-18.html"
TRENDING_2026 = "github/trending_daily_2026-06-24_slice_16_rows.html"
SEARCH_2014 = "github/search_repositories_q_github_language_Python_sort_stars_2014-03-03.response.json"
SEARCH_EMPTY = "github/search_repositories_no_results_2018-11-22.response.json"
SEARCH_2026 = "github/search_repositories_q_topic_claude-code-skills_sort_stars_per_page30_2026-06-16.json"
REPO = "github/get_repo_PyGithub_PyGithub_2026-01-10.response.json"
ORG_REPOS = "github/org_repos_MoonshotAI_sort_created_2026-08-03_trimmed3.json"
PRIMARY_LIMIT = "github/error_403_primary_rate_limit_unauthenticated_2013-05-17.response.json"
SECONDARY_LIMIT = "github/error_403_secondary_rate_limit_retry_after_2018-10-23.response.json"
NO_USER_AGENT = "github/error_403_missing_user_agent_2013-05-17.response.json"
NOT_FOUND = "github/error_404_repo_not_found_2012-06-02.response.json"


def wrapped_body(relpath: str) -> bytes:
    """The body of a ``*.response.json`` wrapper, as the server sent it."""
    return recorded_response(relpath).content


# --------------------------------------------------------------------------- Trending page


@pytest.mark.parametrize(
    ("relpath", "rows", "first", "first_numbers", "language"),
    [
        (TRENDING_2022, 25, "BoomingTech/Pilot", {"stars": 1553, "forks": 534, "stars_today": 190}, "C++"),
        (TRENDING_2023, 25, "smol-ai/developer", {"stars": 5096, "forks": 277, "stars_today": 1582}, "Python"),
        (TRENDING_2026, 16, "calesthio/OpenMontage", {"stars": 15694, "forks": 1866, "stars_today": 3592}, "Python"),
    ],
)
def test_trending_markups(relpath, rows, first, first_numbers, language):
    repos = gh.parse_trending(fixture_bytes(relpath))
    assert len(repos) == rows
    assert all(r.source == "github-trending" and r.kind == "repo" and r.published is None for r in repos)
    assert all("stars_today" in r.popularity and "stars" in r.popularity and "forks" in r.popularity for r in repos)
    top = repos[0]
    assert top.title == first and top.id == "github:" + first.lower()
    assert top.url == f"https://github.com/{first}"
    assert top.popularity == first_numbers
    assert top.extra == {"language": language}


def test_trending_counts_of_descriptions_and_languages():
    # Rows without a description <p> or a language span, counted in the raw HTML.
    for relpath, no_description, no_language in ((TRENDING_2022, 2, 3), (TRENDING_2023, 1, 3), (TRENDING_2026, 0, 1)):
        repos = gh.parse_trending(fixture_bytes(relpath))
        assert sum(not r.summary for r in repos) == no_description
        assert sum("language" not in r.extra for r in repos) == no_language


def test_trending_unescapes_and_normalises_descriptions():
    repos = {r.title: r for r in gh.parse_trending(fixture_bytes(TRENDING_2026))}
    skills = repos["mukul975/Anthropic-Cybersecurity-Skills"].summary
    assert "MITRE ATT&CK" in skills and "&amp;" not in skills and "\n" not in skills
    assert repos["ZhuLinsen/daily_stock_analysis"].popularity["stars_today"] == 1119
    old = [r.summary for r in gh.parse_trending(fixture_bytes(TRENDING_2022)) if "Anilist" in r.summary]
    assert old == ["An Android Anilist only client, which lets you stream & download Anime & Manga."]


def test_trending_survives_a_heading_change():
    # Markup drift: headings become <div>s. The stargazers link still names the repo.
    html = fixture_bytes(TRENDING_2023).replace(b"<h2 class=\"h3 lh-condensed\">", b"<div class=\"title\">").replace(b"</h2>", b"</div>")
    repos = gh.parse_trending(html)
    assert len(repos) == 25 and repos[0].title == "smol-ai/developer"


def test_trending_weekly_key():
    html = fixture_bytes(TRENDING_2023).replace(b"stars today", b"stars this week")
    assert gh.parse_trending(html)[0].popularity["stars_this_week"] == 1582


def test_trending_without_rows():
    assert gh.parse_trending(b"<html><body><h1>Whoa there!</h1></body></html>") == []
    assert gh.parse_trending(b"") == []


# --------------------------------------------------------------------------- API


def test_search_2014_schema():
    repos = gh.parse_search(wrapped_body(SEARCH_2014))
    assert len(repos) == 30
    first = repos[0]
    assert (first.id, first.title, first.url) == ("github:kennethreitz/legit", "kennethreitz/legit", "https://github.com/kennethreitz/legit")
    assert first.source == "github-search" and first.kind == "repo"
    assert first.published == dt.date(2011, 6, 25) and first.updated == dt.date(2014, 1, 27)
    assert first.popularity == {"stars": 3036, "forks": 118}
    assert first.extra == {"language": "Python"}  # no license in 2014
    assert all(r.categories == [] for r in repos)
    assert repos[1].title == "RuudBurger/CouchPotatoV1" and repos[1].id == "github:ruudburger/couchpotatov1"


def test_search_2026_schema():
    repos = gh.parse_search(fixture_bytes(SEARCH_2026))
    assert len(repos) == 30
    assert all(r.categories for r in repos)
    assert all("claude-code-skills" in r.categories for r in repos)
    first = repos[0]
    assert first.title == "shanraisshan/claude-code-best-practice"
    assert first.extra == {"language": "HTML", "license": "MIT"}
    assert first.popularity["stars"] == 57927
    assert max(r.updated for r in repos) == dt.date(2026, 6, 16)


def test_search_no_results():
    assert gh.parse_search(wrapped_body(SEARCH_EMPTY)) == []


@pytest.mark.parametrize("relpath", [PRIMARY_LIMIT, SECONDARY_LIMIT, NO_USER_AGENT, NOT_FOUND])
def test_error_bodies_are_not_search_results(relpath):
    with pytest.raises(ParseError, match="expected an object with 'items'"):
        gh.parse_search(wrapped_body(relpath))


def test_search_refuses_html():
    with pytest.raises(ParseError, match="HTML page"):
        gh.parse_search(b"<!DOCTYPE html><html><body>Unicorn!</body></html>")


def test_parse_repo():
    repo = gh.parse_repo(wrapped_body(REPO))
    assert repo.id == "github:pygithub/pygithub" and repo.title == "PyGithub/PyGithub"
    assert repo.extra == {"language": "Python", "license": "LGPL-3.0"}
    assert repo.categories == ["github", "github-api", "pygithub", "python"]
    assert repo.published == dt.date(2012, 2, 25)
    assert gh.parse_repo(wrapped_body(REPO), source="github-trending").source == "github-trending"
    with pytest.raises(ParseError):
        gh.parse_repo(wrapped_body(NOT_FOUND))


def test_org_repos_share_the_repo_schema():
    repos = [gh.repo_candidate(r) for r in json.loads(fixture_bytes(ORG_REPOS))]
    assert [r.title for r in repos] == ["MoonshotAI/Kimi-K3", "MoonshotAI/MoonEP", "MoonshotAI/minitriton"]
    assert repos[0].extra == {"license": "NOASSERTION"}  # language null
    assert repos[2].summary == ""  # description null


# --------------------------------------------------------------------------- requests

DAY = dt.date(2026, 6, 16)


def run(router: Router, config: Settings | None = None, **options):
    config = config or Settings()
    http = make_http(router, host_policies(config), FakeClock(), **options)
    return http, gh.fetch(http, config, DAY)


def test_fetch_trending_and_search():
    router = Router({"github.com/trending": fixture_bytes(TRENDING_2026), "/search/repositories": fixture_bytes(SEARCH_2026)})
    http, (web, api) = run(router)
    assert (web.source, web.status, len(web.candidates), web.fallback) == ("github_web", "ok", 16, None)
    assert (api.source, api.status, len(api.candidates)) == ("github_api", "ok", 30)  # both queries: same 30, deduplicated
    searches = [r for r in router.requests if r.url.path == "/search/repositories"]
    assert [r.url.params["q"] for r in searches] == ["topic:llm created:2026-06-09..2026-06-16", "topic:ai-agents created:2026-06-09..2026-06-16"]
    assert all(r.url.params["sort"] == "stars" and r.url.params["order"] == "desc" and r.url.params["per_page"] == "20" for r in searches)
    assert searches[0].headers["accept"] == "application/vnd.github+json"
    trending = router.requests[0]
    assert trending.url.path == "/trending" and trending.url.params["since"] == "daily"
    assert http.tally("github_web").requests == 1 and http.tally("github_api").requests == 2


def test_fetch_trending_language_path():
    config = Settings(sources={"github_web": {"language": "python", "since": "weekly"}})
    router = Router({"github.com/trending/python": fixture_bytes(TRENDING_2023), "/search/repositories": wrapped_body(SEARCH_EMPTY)})
    _, (web, _) = run(router, config)
    assert web.status == "ok" and router.requests[0].url.params["since"] == "weekly"


def test_fetch_trending_without_rows_falls_back_to_search():
    router = Router({"github.com/trending": b"<html><body>new design</body></html>", "/search/repositories": fixture_bytes(SEARCH_2026)})
    _, (web, api) = run(router)
    assert web.status == "failed" and web.fallback == "github_api search"
    assert "markup changed" in english(web.notes[0])
    assert api.status == "ok" and api.candidates


def test_fetch_trending_http_failure_falls_back_to_search():
    router = Router({"github.com/trending": httpx.Response(503), "/search/repositories": fixture_bytes(SEARCH_2026)})
    _, (web, _) = run(router)
    assert web.status == "failed" and web.fallback == "github_api search" and "HTTP 503" in english(web.notes[0])


def test_fetch_rate_limited_search_skips_remaining_queries():
    config = Settings(sources={"github_api": {"queries": ["topic:llm", "topic:ai-agents", "topic:rag"]}})
    router = Router({"github.com/trending": fixture_bytes(TRENDING_2026), "/search/repositories": recorded_response(SECONDARY_LIMIT)})
    http, (web, api) = run(router, config, backoff_max=30.0)  # Retry-After 60 > backoff_max: no waiting
    assert api.status == "failed" and api.candidates == []
    assert "asks to wait 60 s" in english(api.notes[0])
    assert "2 remaining search queries skipped" in english(api.notes[1])
    assert router.paths().count("/search/repositories") == 1
    assert web.status == "ok" and web.fallback is None


def test_fetch_primary_rate_limit_after_retries_is_a_note():
    config = Settings(sources={"github_api": {"max_retries": 1}})
    router = Router({"github.com/trending": fixture_bytes(TRENDING_2026), "/search/repositories": recorded_response(PRIMARY_LIMIT)})
    _, (_, api) = run(router, config)
    assert api.status == "failed"
    assert "HTTP 403 after 2 attempts" in english(api.notes[0]) and "skipped" in english(api.notes[1])


def test_fetch_one_query_failing_is_degraded():
    router = Router({"github.com/trending": fixture_bytes(TRENDING_2026), "/search/repositories": [b"<html>oops</html>", fixture_bytes(SEARCH_2026)]})
    _, (_, api) = run(router)
    assert api.status == "degraded" and len(api.candidates) == 30
    assert "HTML page" in english(api.notes[0])


def test_fetch_disabled_sources():
    config = Settings(sources={"github_web": {"enabled": False}, "github_api": {"enabled": False}})
    router = Router({})
    _, reports = run(router, config)
    assert [(r.source, r.status) for r in reports] == [("github_web", "disabled"), ("github_api", "disabled")]
    assert router.requests == []


def test_lookup_repo():
    router = Router({"/repos/PyGithub/PyGithub": recorded_response(REPO), "/repos/jacquev6/Xxx": recorded_response(NOT_FOUND)})
    http = make_http(router)
    repo = gh.lookup_repo(http, Settings(), "github:PyGithub/PyGithub")
    assert repo is not None and repo.title == "PyGithub/PyGithub"
    assert gh.lookup_repo(http, Settings(), "jacquev6/Xxx") is None
    assert router.requests[0].headers["accept"] == "application/vnd.github+json"


def test_lookup_renamed_repo_follows_the_redirect():
    renamed = json.loads(fixture_bytes(REPO))["body"]
    router = Router({
        "/repos/jacquev6/PyGithub": httpx.Response(301, headers={"Location": "https://api.github.com/repositories/3544490"},
                                                   json={"message": "Moved Permanently", "url": "https://api.github.com/repositories/3544490"}),
        "/repositories/3544490": httpx.Response(200, json=renamed),
    })
    repo = gh.lookup_repo(make_http(router), Settings(), "jacquev6/PyGithub")
    assert repo is not None and repo.title == "PyGithub/PyGithub" and repo.id == "github:pygithub/pygithub"
    assert router.paths() == ["/repos/jacquev6/PyGithub", "/repositories/3544490"]


def test_lookup_repo_rejects_non_repo_names():
    with pytest.raises(ValueError):
        gh.lookup_repo(make_http(Router({})), Settings(), "just-an-owner")


def test_lookup_repo_forbidden_raises():
    router = Router({"/repos/a/b": recorded_response(NO_USER_AGENT)})
    with pytest.raises(FetchError, match="HTTP 403"):
        gh.lookup_repo(make_http(router), Settings(), "a/b")
