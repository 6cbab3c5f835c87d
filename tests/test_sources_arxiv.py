"""arXiv parsers over the recorded payloads, and fetch/lookup over a MockTransport."""

from __future__ import annotations

import datetime as dt
from collections import Counter

import httpx
import pytest

from fixtures_util import FakeClock, Router, english, fixture_bytes, make_http
from generator.errors import FetchError, ParseError
from generator.settings import Settings
from generator.sources import arxiv
from generator.pipeline import host_policies

API = "arxiv_api/"
RSS = "arxiv_rss/"
RSS_DAY = dt.date(2024, 11, 28)  # Thursday; the RSS fixture's pubDate
LISTING_DAY = dt.date(2026, 4, 30)  # Thursday; the listing fixture's entries were submitted 04-29
LISTING = API + "query_cat_cs.LG_OR_cat_cs.AI_start0_max20_2026-04-30.atom.xml"
MULTI_RSS = RSS + "rss_multi_archive_2024-11-28_trimmed_cs.CL_plus_cross.rss.xml"
EMPTY_API = API + "empty_result_id_list_0000.0000.atom.xml"


def api(name: str) -> list:
    return arxiv.parse_api(fixture_bytes(API + name))


# --------------------------------------------------------------------------- parse_api


def test_api_listing_2026():
    papers = arxiv.parse_api(fixture_bytes(LISTING))
    assert len(papers) == 20
    assert {p.published for p in papers} == {dt.date(2026, 4, 29)}
    primaries = Counter(p.categories[0] for p in papers)
    assert primaries["cs.LG"] == 9 and primaries["cs.CL"] == 5 and sum(primaries.values()) == 20
    first = papers[0]
    assert first.id == "arxiv:2604.26951" and first.version == "v1"
    assert first.kind == "paper" and first.source == "arxiv-api"
    assert first.title == "Turning the TIDE: Cross-Architecture Distillation for Diffusion Large Language Models"
    assert first.url == "https://arxiv.org/abs/2604.26951"
    assert first.links == {"abs": "https://arxiv.org/abs/2604.26951", "pdf": "https://arxiv.org/pdf/2604.26951"}
    assert first.authors == ["Gongbo Zhang", "Wen Wang", "Ye Tian", "Li Yuan"]
    assert first.categories == ["cs.CL", "cs.AI", "cs.LG"]
    assert first.summary.startswith("Diffusion large language models (dLLMs)")


def test_api_primary_category_comes_first():
    # In the recordings the primary is always the first <category>; move it to check the order.
    body = fixture_bytes(API + "legacy_2016_search_au_del_maestro_ti_checkerboard.atom.xml")
    body = body.replace(b'primary_category xmlns:arxiv="http://arxiv.org/schemas/atom" term="cond-mat.str-el"',
                        b'primary_category xmlns:arxiv="http://arxiv.org/schemas/atom" term="cond-mat.supr-con"')
    (paper,) = arxiv.parse_api(body)
    assert paper.categories == ["cond-mat.supr-con", "cond-mat.str-el"]


def test_api_legacy_2016_format():
    (paper,) = api("legacy_2016_search_au_del_maestro_ti_checkerboard.atom.xml")
    assert paper.id == "arxiv:cond-mat/0603029" and paper.version == "v1"
    assert paper.title == "From stripe to checkerboard order on the square lattice in the presence of quenched disorder"
    assert paper.summary.startswith("We discuss the effects of quenched disorder on a model of charge density wave (CDW) ordering")
    assert "\n" not in paper.summary and "  " not in paper.summary
    assert paper.categories == ["cond-mat.str-el", "cond-mat.supr-con"]
    assert paper.authors == ["Adrian Del Maestro", "Bernd Rosenow", "Subir Sachdev"]
    assert paper.published == dt.date(2006, 3, 2)
    assert paper.url == "https://arxiv.org/abs/cond-mat/0603029"
    assert paper.links["doi"] == "https://doi.org/10.1103/PhysRevB.74.024520"


def test_api_old_style_id():
    (paper,) = api("id_list_old_style_astro-ph_0601001.atom.xml")
    assert paper.id == "arxiv:astro-ph/0601001"
    assert paper.url == "https://arxiv.org/abs/astro-ph/0601001"
    assert paper.categories == ["astro-ph"]
    assert paper.summary.startswith("We derive the frequencies")  # leading spaces gone


def test_api_id_list_single_and_missing():
    (paper,) = api("id_list_2104.12255v1.atom.xml")
    assert (paper.id, paper.version, paper.title) == ("arxiv:2104.12255", "v1", "0")
    (present,) = api("id_list_two_ids_one_missing.atom.xml")
    assert present.id == "arxiv:1707.08567"


def test_api_pages_of_a_query():
    first, second = api("query_all_testing_start0_max10.atom.xml"), api("query_all_testing_start10_max10.atom.xml")
    assert len(first) == len(second) == 10
    assert not {p.id for p in first} & {p.id for p in second}
    assert all(p.updated and p.published and p.updated >= p.published for p in first + second)
    # Categories keep arXiv terms only (ACM/MSC classes would not match).
    assert all(arxiv.CATEGORY.match(c) for p in first + second for c in p.categories)


def test_api_empty_feed():
    assert arxiv.parse_api(fixture_bytes(EMPTY_API)) == []


def test_api_error_entry_raises_and_never_becomes_a_candidate():
    body = fixture_bytes(API + "error_http400_incorrect_id_format.atom.xml")
    with pytest.raises(ParseError, match="incorrect id format for abc"):
        arxiv.parse_api(body)
    assert arxiv.error_message(body) == "incorrect id format for abc"


def test_error_message_is_none_for_normal_and_garbage_bodies():
    assert arxiv.error_message(fixture_bytes(LISTING)) is None
    assert arxiv.error_message(b"<html><body>Bad gateway</body></html>") is None
    assert arxiv.error_message(b"") is None


@pytest.mark.parametrize(
    ("body", "named"),
    [
        (b"<!DOCTYPE html><html><head><title>503</title></head><body>Service Unavailable</body></html>", "HTML page"),
        (b"", "empty body"),
        (b'{"error": "nope"}', "'{\"error\": \"nope\"}'"),
        (b"Rate exceeded.", "Rate exceeded"),
    ],
)
def test_api_non_feed_bodies_raise_naming_what_came(body, named):
    with pytest.raises(ParseError) as caught:
        arxiv.parse_api(body)
    assert named in str(caught.value)


def test_api_truncated_feed_raises():
    body = fixture_bytes(LISTING)
    with pytest.raises(ParseError, match="malformed XML"):
        arxiv.parse_api(body[: len(body) // 2])


# --------------------------------------------------------------------------- read_rss


def test_rss_multi_archive_counts():
    day, items = arxiv.read_rss(fixture_bytes(MULTI_RSS))
    assert day == RSS_DAY
    assert len(items) == 111
    assert Counter(i.detail for i in items) == {"new": 52, "replace": 50, "cross": 9}
    assert {i.published for i in items} == {RSS_DAY}
    assert all(i.source == "arxiv-rss" and i.kind == "paper" for i in items)
    assert Counter(i.version for i in items) == {"v1": 59, "v2": 31, "v3": 17, "v4": 3, "v5": 1}
    # Every non-cross item lists cs.CL: that is how the fixture was trimmed.
    assert all("cs.CL" in i.categories for i in items if i.detail != "cross")


def test_rss_item_fields():
    items = {i.id: i for i in arxiv.read_rss(fixture_bytes(MULTI_RSS))[1]}
    first = items["arxiv:2411.17708"]
    assert first.title == "Towards Efficient Neurally-Guided Program Induction for ARC-AGI"
    assert first.summary.startswith("ARC-AGI is an open-world problem domain")
    assert "Announce Type" not in first.summary
    assert first.categories == ["cs.AI", "cs.CL", "cs.LG"]
    assert first.authors == ["Simon Ouellette"]
    assert first.url == "https://arxiv.org/abs/2411.17708"
    assert items["arxiv:2411.17719"].authors == ["Keshav Kumar", "Ravindranath Chowdary"]
    replaced = items["arxiv:2307.14132"]
    assert (replaced.detail, replaced.version) == ("replace", "v4")
    crossed = items["arxiv:2202.06515"]
    assert (crossed.detail, crossed.version) == ("cross", "v3")
    assert crossed.categories == ["astro-ph.CO", "astro-ph.GA", "physics.flu-dyn"]


@pytest.mark.parametrize(
    ("name", "day"),
    [("rss_empty_feed_test_archive_2024-11-28.rss.xml", RSS_DAY), ("rss_empty_holiday_physics_2025-12-31.rss.xml", dt.date(2025, 12, 31))],
)
def test_rss_empty_feeds(name, day):
    assert arxiv.read_rss(fixture_bytes(RSS + name)) == (day, [])


def test_rss_error_channel_raises_with_its_explanation():
    with pytest.raises(ParseError, match="Bad archive 'astroph'"):
        arxiv.read_rss(fixture_bytes(RSS + "rss_error_bad_archive_astroph_2024-11-28.rss.xml"))


def test_rss_without_channel_date_uses_the_items_dates():
    body = fixture_bytes(MULTI_RSS).replace(b"<pubDate>Thu, 28 Nov 2024 00:00:00 -0500</pubDate>\n    <skipDays>", b"<skipDays>")
    assert body.count(b"<pubDate>") == 111  # only the items' dates are left
    day, items = arxiv.read_rss(body)
    assert day == RSS_DAY and len(items) == 111


def test_rss_refuses_html():
    with pytest.raises(ParseError, match="HTML page"):
        arxiv.read_rss(b"<html><body><h1>502 Bad Gateway</h1></body></html>")


# --------------------------------------------------------------------------- requests

settings = Settings()


def run(router: Router, day: dt.date, config: Settings = settings):
    http = make_http(router, host_policies(config), FakeClock())
    return http, arxiv.fetch(http, config, day)


def test_listing_window_and_query():
    assert arxiv.listing_window(dt.date(2026, 4, 30)) == (dt.date(2026, 4, 27), dt.date(2026, 4, 30))
    assert arxiv.listing_window(dt.date(2026, 4, 27)) == (dt.date(2026, 4, 23), dt.date(2026, 4, 27))  # Monday
    params = arxiv.listing_params(settings, LISTING_DAY, start=200)
    assert params["search_query"] == "(cat:cs.AI OR cat:cs.CL OR cat:cs.LG) AND submittedDate:[202604270000 TO 202604302359]"
    assert (params["sortBy"], params["sortOrder"], params["start"], params["max_results"]) == ("submittedDate", "descending", 200, 200)
    assert arxiv.api_url(settings) == "https://export.arxiv.org/api/query"
    assert arxiv.rss_url(settings) == "https://rss.arxiv.org/rss/cs.AI+cs.CL+cs.LG"


def test_fetch_rss_day_uses_rss_only():
    router = Router({"/rss/cs.AI+cs.CL+cs.LG": fixture_bytes(MULTI_RSS)})
    http, (rss,) = run(router, RSS_DAY)
    assert rss.source == "arxiv_rss" and rss.status == "ok" and rss.fallback is None
    assert Counter(c.detail for c in rss.candidates) == {"new": 52, "cross": 9}
    assert len(router.requests) == 1


def test_fetch_rss_failure_falls_back_to_api_listing():
    router = Router({"/rss/cs.AI+cs.CL+cs.LG": httpx.Response(503), "/api/query": fixture_bytes(LISTING)})
    http, (rss, listing) = run(router, LISTING_DAY)
    assert rss.status == "failed" and rss.fallback == "arxiv_api listing"
    assert "HTTP 503" in english(rss.notes[0])
    assert listing.source == "arxiv_api" and listing.status == "ok" and len(listing.candidates) == 20
    assert router.paths().count("/rss/cs.AI+cs.CL+cs.LG") == 4  # max_retries 3 + 1
    assert router.paths().count("/api/query") == 1  # a short page: no second one
    query = router.requests[-1].url.params
    assert query["sortBy"] == "submittedDate" and query["start"] == "0"
    assert http.tally("arxiv_api").requests == 1


def test_fetch_rss_error_channel_falls_back():
    router = Router({
        "/rss/cs.AI+cs.CL+cs.LG": fixture_bytes(RSS + "rss_error_bad_archive_astroph_2024-11-28.rss.xml"),
        "/api/query": fixture_bytes(LISTING),
    })
    _, (rss, listing) = run(router, LISTING_DAY)
    assert rss.status == "failed" and "Bad archive" in english(rss.notes[0])
    assert listing.status == "ok" and rss.fallback == "arxiv_api listing"


def test_fetch_backfill_day_uses_api_listing():
    router = Router({"/rss/cs.AI+cs.CL+cs.LG": fixture_bytes(MULTI_RSS), "/api/query": fixture_bytes(LISTING)})
    _, (rss, listing) = run(router, LISTING_DAY)
    assert rss.status == "not-scheduled" and rss.candidates == []
    assert "2024-11-28" in english(rss.notes[0]) and rss.fallback == "arxiv_api listing"
    assert len(listing.candidates) == 20


def test_fetch_listing_keeps_only_the_window():
    router = Router({"/rss/cs.AI+cs.CL+cs.LG": httpx.Response(500), "/api/query": fixture_bytes(LISTING)})
    _, (_, listing) = run(router, dt.date(2026, 5, 8))  # entries of 04-29 are outside [05-05, 05-08]
    assert listing.status == "ok" and listing.candidates == []


def test_fetch_weekend_empty_feed_is_not_scheduled_without_listing():
    router = Router({"/rss/cs.AI+cs.CL+cs.LG": fixture_bytes(RSS + "rss_empty_feed_test_archive_2024-11-28.rss.xml")})
    _, reports = run(router, dt.date(2024, 11, 30))  # Saturday
    assert [(r.source, r.status) for r in reports] == [("arxiv_rss", "not-scheduled")]
    assert router.paths() == ["/rss/cs.AI+cs.CL+cs.LG"]


def test_fetch_weekend_rss_failure_asks_no_listing():
    router = Router({"/rss/cs.AI+cs.CL+cs.LG": httpx.Response(503)})
    _, reports = run(router, dt.date(2024, 12, 1))  # Sunday: nothing was due, so the day is not degraded
    assert [(r.source, r.status) for r in reports] == [("arxiv_rss", "not-scheduled")]
    assert "HTTP 503" in english(reports[0].notes[0])
    assert "/api/query" not in router.paths()


def test_fetch_weekday_empty_feed_notes_holiday_and_tries_listing():
    router = Router({
        "/rss/cs.AI+cs.CL+cs.LG": fixture_bytes(RSS + "rss_empty_holiday_physics_2025-12-31.rss.xml"),
        "/api/query": fixture_bytes(EMPTY_API),
    })
    _, (rss, listing) = run(router, dt.date(2025, 12, 31))  # Wednesday, no announcement
    assert rss.status == "not-scheduled" and "holiday?" in english(rss.notes[0])
    assert listing.status == "ok" and listing.candidates == []


def test_fetch_listing_pages_while_still_inside_the_last_day():
    config = Settings(sources={"arxiv_api": {"max_results": 20}})
    router = Router({"/rss/cs.AI+cs.CL+cs.LG": httpx.Response(503), "/api/query": [fixture_bytes(LISTING), fixture_bytes(EMPTY_API)]})
    _, (_, listing) = run(router, LISTING_DAY, config)
    starts = [r.url.params["start"] for r in router.requests if r.url.path == "/api/query"]
    assert starts == ["0", "20"]  # a full page still on day-1: one more page, which is short
    assert listing.status == "ok" and len(listing.candidates) == 20


def test_fetch_listing_pages_are_capped():
    config = Settings(sources={"arxiv_api": {"max_results": 20}})
    router = Router({"/rss/cs.AI+cs.CL+cs.LG": httpx.Response(503), "/api/query": fixture_bytes(LISTING)})
    run(router, LISTING_DAY, config)
    assert router.paths().count("/api/query") == arxiv.MAX_LISTING_PAGES


def test_fetch_listing_stops_once_older_than_the_day_before():
    config = Settings(sources={"arxiv_api": {"max_results": 20}})
    router = Router({"/rss/cs.AI+cs.CL+cs.LG": httpx.Response(503), "/api/query": fixture_bytes(LISTING)})
    _, (_, listing) = run(router, dt.date(2026, 5, 1))  # 04-29 is older than day-1 (04-30)
    assert router.paths().count("/api/query") == 1 and len(listing.candidates) == 20


def test_fetch_both_failing():
    router = Router({"/rss/cs.AI+cs.CL+cs.LG": httpx.Response(503), "/api/query": httpx.Response(400, content=fixture_bytes(API + "error_http400_incorrect_id_format.atom.xml"))})
    _, (rss, listing) = run(router, LISTING_DAY)
    assert rss.status == "failed" and rss.fallback is None
    assert listing.status == "failed" and "HTTP 400" in english(listing.notes[0])


def test_fetch_rss_disabled_goes_to_listing():
    config = Settings(sources={"arxiv_rss": {"enabled": False}})
    router = Router({"/api/query": fixture_bytes(LISTING)})
    _, (rss, listing) = run(router, LISTING_DAY, config)
    assert rss.status == "disabled" and listing.status == "ok"
    assert router.paths() == ["/api/query"]


def test_failure_note_quotes_the_atom_error():
    url = "https://export.arxiv.org/api/query?id_list=abc"
    plain = FetchError(f"{url}: HTTP 400", url=url, status=400)
    assert english(arxiv.failure_note(plain)) == str(plain)
    explained = FetchError(str(plain), url=url, status=400, body=fixture_bytes(API + "error_http400_incorrect_id_format.atom.xml"))
    assert english(arxiv.failure_note(explained)) == f"{plain} (arXiv says: incorrect id format for abc)"


def test_listing_http_400_note_quotes_arxiv():
    error = httpx.Response(400, content=fixture_bytes(API + "error_http400_incorrect_id_format.atom.xml"))
    router = Router({"/rss/cs.AI+cs.CL+cs.LG": httpx.Response(503), "/api/query": error})
    _, (_, listing) = run(router, LISTING_DAY)
    assert listing.status == "failed"
    assert "HTTP 400" in english(listing.notes[0]) and "arXiv says: incorrect id format for abc" in english(listing.notes[0])


# --------------------------------------------------------------------------- lookup


def id_list_router() -> Router:
    answers = {
        # Each recorded answer holds only one of the two ids asked: the other is simply absent.
        "2104.12255,1707.08567": fixture_bytes(API + "id_list_two_ids_one_missing.atom.xml"),
        "0808.05394,astro-ph/0601001": fixture_bytes(API + "id_list_old_style_astro-ph_0601001.atom.xml"),
    }

    def answer(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, content=answers[request.url.params["id_list"]])

    return Router({"/api/query": answer})


def test_lookup_batches_and_returns_by_bare_id():
    config = Settings(sources={"arxiv_api": {"batch_size": 2}})
    router = id_list_router()
    http = make_http(router, host_policies(config))
    found = arxiv.lookup(http, config, ["2104.12255v1", "arxiv:1707.08567", "2104.12255", "0808.05394", "not an id", "astro-ph/0601001v1"])
    assert sorted(found) == ["1707.08567", "astro-ph/0601001"]
    assert found["1707.08567"].id == "arxiv:1707.08567"
    lists = [(r.url.params["id_list"], r.url.params["max_results"]) for r in router.requests]
    assert lists == [("2104.12255,1707.08567", "2"), ("0808.05394,astro-ph/0601001", "2")]
    assert http.tally("arxiv_api").requests == 2


def test_lookup_of_nothing_asks_nothing():
    router = Router({})
    assert arxiv.lookup(make_http(router), settings, ["nope"]) == {}
    assert router.requests == []


def test_lookup_http_400_raises_fetch_error():
    router = Router({"/api/query": httpx.Response(400, content=fixture_bytes(API + "error_http400_incorrect_id_format.atom.xml"))})
    with pytest.raises(FetchError, match="HTTP 400") as caught:
        arxiv.lookup(make_http(router), settings, ["2104.12255"])
    assert caught.value.status == 400
    assert "arXiv says: incorrect id format for abc" in str(caught.value)


def test_lookup_error_feed_with_200_raises_parse_error():
    router = Router({"/api/query": fixture_bytes(API + "error_http400_incorrect_id_format.atom.xml")})
    with pytest.raises(ParseError, match="incorrect id format"):
        arxiv.lookup(make_http(router), settings, ["2104.12255"])
