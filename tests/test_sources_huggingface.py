"""Hugging Face parsers over the recorded payloads, and fetch/lookup over a MockTransport."""

from __future__ import annotations

import datetime as dt
import json

import httpx
import pytest

from fixtures_util import FakeClock, Router, english, fixture_bytes, make_http
from generator.errors import FetchError, ParseError
from generator.settings import Settings
from generator.sources import arxiv, huggingface as hf
from generator.pipeline import host_policies

FULL_DAY = "hf/daily_papers_2024-10-25_full_day_29_entries.json"
DAY_0731 = "hf/daily_papers_date_2026-07-31_trimmed5.json"
DAY_0803 = "hf/daily_papers_2026-08-03_trimmed3.json"
AI_FIELDS = "hf/daily_papers_single_entry_with_ai_fields_2026-03-06.json"
TRENDING = "hf/models_sort_trendingScore_2026-08-01_selected6.json"
DATASETS = "hf/thirdparty_reshaped_api_datasets_full_true_2026-01-01_first25.json"
TRENDING_LATE = "hf/models_trending_2026-09-late_trimmed3.json"
AUTHOR_MODELS = "hf/models_author_moonshotai_sort_createdAt_2026-08-03_trimmed3.json"
TAKARA = "hf/thirdparty_takara_tldr_daily_papers_rss_2026-04-30.rss.xml"
FEEDGEN = "hf/thirdparty_feedgen_hf_daily_papers_rss_2026-04-30.rss.xml"
MIRROR_URL = "https://mirror.example.org/feed.xml"


# --------------------------------------------------------------------------- daily papers


def test_daily_papers_2024_schema():
    papers = hf.parse_daily_papers(fixture_bytes(FULL_DAY))
    assert len(papers) == 29
    upvotes = [p.popularity["upvotes"] for p in papers]
    assert upvotes[0] == 74 and upvotes[-1] == 2 and upvotes == sorted(upvotes, reverse=True)
    assert {p.extra["hf_date"] for p in papers} == {"2024-10-25"}
    assert all(p.source == "hf-daily-papers" and p.kind == "paper" for p in papers)
    assert all("\n" not in p.title and "  " not in p.summary for p in papers)
    assert all(p.related == [] and "github_stars" not in p.popularity for p in papers)
    first = papers[0]
    assert first.id == "arxiv:2410.17243"
    assert first.title == "Breaking the Memory Barrier: Near Infinite Batch Size Scaling for Contrastive Loss"
    assert first.url == "https://arxiv.org/abs/2410.17243"
    assert first.links == {"hf": "https://huggingface.co/papers/2410.17243", "abs": "https://arxiv.org/abs/2410.17243"}
    assert first.published == dt.date(2024, 10, 22)
    assert first.authors[:2] == ["Zesen Cheng", "Hang Zhang"]
    assert first.popularity == {"upvotes": 74, "comments": 3}


def test_daily_papers_2026_schema():
    papers = hf.parse_daily_papers(fixture_bytes(DAY_0731))
    assert len(papers) == 5
    assert [p.popularity["upvotes"] for p in papers] == [3, 11, 17, 2, 0]
    assert {p.extra["hf_date"] for p in papers} == {"2026-07-31"}
    assert sum("organization" in p.extra for p in papers) == 2
    first = papers[0]
    assert first.related == ["github:mac-automl/omniscope"]
    assert first.links["github"] == "https://github.com/MAC-AutoML/OmniScope"
    assert first.popularity == {"upvotes": 3, "comments": 2, "github_stars": 3}
    assert first.published == dt.date(2026, 7, 28)


def test_daily_papers_2026_08_03():
    papers = hf.parse_daily_papers(fixture_bytes(DAY_0803))
    assert [p.id for p in papers][0] == "arxiv:2607.26654"
    assert {p.extra["hf_date"] for p in papers} == {"2026-08-03"}
    assert papers[0].extra["organization"] == "Oxford"
    assert papers[0].related == ["github:desbugger/constitutional-mt"]


def test_daily_papers_ai_fields():
    (paper,) = hf.parse_daily_papers(fixture_bytes(AI_FIELDS))
    assert paper.id == "arxiv:2602.23229"
    assert paper.extra["ai_summary"].startswith("Large Multimodal Models demonstrate superior performance")
    assert paper.extra["ai_keywords"].startswith("Vision-Language Models, Large Multimodal Models")
    assert paper.extra["organization"] == "MHUGLab" and paper.extra["hf_date"] == "2026-03-06"
    assert paper.popularity == {"upvotes": 10, "comments": 1, "github_stars": 9}
    assert paper.related == ["github:marco-garosi/circle"]
    assert paper.links["project"] == "https://circle-lmm.github.io/"


def test_daily_papers_tolerate_drift():
    entries = json.loads(fixture_bytes(DAY_0731))
    entries[0]["paper"].pop("upvotes")
    entries[0]["paper"]["brandNewField"] = {"x": 1}
    entries[1].pop("paper")  # unidentifiable: skipped
    entries[2]["paper"]["id"] = "not-an-arxiv-id"
    entries.append("not an object")
    papers = hf.parse_daily_papers(json.dumps(entries).encode())
    assert len(papers) == 3
    assert "upvotes" not in papers[0].popularity


def test_daily_papers_empty_list():
    assert hf.parse_daily_papers(b"[]") == []


@pytest.mark.parametrize(
    ("body", "named"),
    [
        (b"<!DOCTYPE html><html><body>Hugging Face is down</body></html>", "HTML page"),
        (b'{"error": "Invalid date"}', "keys ['error']"),
        (fixture_bytes(FULL_DAY)[:5000], "expected JSON"),
        (b"", "empty body"),
    ],
)
def test_daily_papers_refuse_non_lists(body, named):
    with pytest.raises(ParseError) as caught:
        hf.parse_daily_papers(body)
    assert named in str(caught.value)


# --------------------------------------------------------------------------- models


def test_trending_models():
    models = hf.parse_models(fixture_bytes(TRENDING))
    assert [m.popularity["trending_score"] for m in models] == [581, 248, 8385, 1233, 513, 41]
    assert all(m.kind == "model" and m.source == "hf-trending-models" and m.summary == "" for m in models)
    kimi = models[2]
    assert kimi.id == "hf:moonshotai/Kimi-K3" and kimi.title == "moonshotai/Kimi-K3"
    assert kimi.url == "https://huggingface.co/moonshotai/Kimi-K3"
    assert kimi.categories == ["image-text-to-text", "transformers"]
    assert kimi.extra == {"pipeline_tag": "image-text-to-text", "library_name": "transformers", "author": "moonshotai"}
    assert kimi.popularity == {"trending_score": 8385, "likes": 9415, "downloads": 559924}
    assert kimi.published == dt.date(2026, 6, 13)
    gguf = models[1]  # no pipeline_tag, no library_name
    assert gguf.categories == [] and gguf.extra == {"author": "unsloth"}
    assert models[5].published == dt.date(2024, 7, 31)


def test_trending_models_late_2026_and_author_listing():
    late = hf.parse_models(fixture_bytes(TRENDING_LATE))
    assert [m.popularity["trending_score"] for m in late] == [656, 355, 178]
    assert late[0].extra["author"] == "Qwen"  # no author field: taken from the id
    by_author = hf.parse_models(fixture_bytes(AUTHOR_MODELS))
    assert [m.id for m in by_author] == ["hf:moonshotai/Kimi-K3", "hf:moonshotai/Kimi-K2.7-Code", "hf:moonshotai/Kimi-K2.6"]
    assert all("trending_score" not in m.popularity for m in by_author)


def test_models_without_created_at_have_no_date():
    (model,) = hf.parse_models(b'[{"id": "org/name", "likes": 3}]')
    assert model.published is None and model.popularity == {"likes": 3}


# --------------------------------------------------------------------------- mirror feeds


def test_mirror_takara():
    papers = hf.parse_mirror_feed(fixture_bytes(TAKARA))
    assert len(papers) == 50
    first = papers[0]
    assert first.id == "arxiv:2604.26238" and first.url == "https://arxiv.org/abs/2604.26238"
    assert (first.source, first.detail) == ("hf-daily-papers", "mirror")
    assert first.summary.startswith("3D Gaussian Splatting (3DGS) has been widely adopted")
    assert first.published == dt.date(2026, 4, 29)
    assert all(p.popularity == {} for p in papers)


def test_mirror_takara_shares_papers_with_the_same_day_arxiv_listing():
    mirror = {p.id for p in hf.parse_mirror_feed(fixture_bytes(TAKARA))}
    listing = {p.id for p in arxiv.parse_api(fixture_bytes("arxiv_api/query_cat_cs.LG_OR_cat_cs.AI_start0_max20_2026-04-30.atom.xml"))}
    assert len(mirror & listing) == 4  # as SOURCES.md records


def test_mirror_feedgen_with_upvotes():
    papers = hf.parse_mirror_feed(fixture_bytes(FEEDGEN))
    assert len(papers) == 22
    assert [p.popularity["upvotes"] for p in papers] == [1, 1, 1, 2, 0, 1, 1, 6, 11, 23, 70, 1, 1, 4, 6, 6, 12, 13, 22, 25, 37, 123]
    first = papers[0]
    assert first.id == "arxiv:2604.21003" and first.title == "The Last Harness You'll Ever Build"
    assert first.authors == ["Haebin Seong", "Li Yin", "Haoran Zhang"]
    assert first.summary.startswith("AI agents are increasingly deployed")
    assert "Upvotes" not in first.summary and "<" not in first.summary[:200]
    assert first.published == dt.date(2026, 4, 22)


def test_mirror_refuses_json():
    with pytest.raises(ParseError):
        hf.parse_mirror_feed(fixture_bytes(FULL_DAY))


# --------------------------------------------------------------------------- requests

DAY = dt.date(2026, 7, 31)


def run(router: Router, config: Settings):
    http = make_http(router, host_policies(config), FakeClock())
    (report,) = hf.fetch(http, config, DAY)
    return http, report


def test_fetch_papers_and_trending_models():
    router = Router({"/api/daily_papers": fixture_bytes(DAY_0731), "/api/models": fixture_bytes(TRENDING),
                     "/api/datasets": fixture_bytes(DATASETS)})
    http, report = run(router, Settings())
    assert report.source == "huggingface" and report.status == "ok" and report.fallback is None
    assert [c.kind for c in report.candidates].count("paper") == 5
    assert [c.kind for c in report.candidates].count("model") == 6
    assert [c.kind for c in report.candidates].count("dataset") == 25
    papers_query, models_query, datasets_query = (r.url.params for r in router.requests)
    assert datasets_query["sort"] == "trendingScore" and datasets_query["limit"] == "30"
    # The morning run of DAY reads the previous day's completed list (daily_papers_days_back: 1).
    assert papers_query["date"] == (DAY - dt.timedelta(days=1)).isoformat() and papers_query["limit"] == "100"
    assert models_query["sort"] == "trendingScore" and models_query["direction"] == "-1"
    assert models_query.get_list("expand[]") == hf.MODEL_EXPAND
    assert http.tally("huggingface").requests == 3


def test_fetch_rate_limited_papers_fall_back_to_mirror():
    config = Settings(sources={"huggingface": {"mirror_feed_url": MIRROR_URL}})
    limited = httpx.Response(429, headers={"RateLimit": '"api";r=0;t=55'})
    router = Router({
        "huggingface.co/api/daily_papers": limited,
        "huggingface.co/api/models": fixture_bytes(TRENDING),
        "mirror.example.org/feed.xml": fixture_bytes(FEEDGEN),
    })
    http, report = run(router, config)
    assert report.status == "degraded" and report.fallback == "hf mirror feed"
    assert sum(c.detail == "mirror" for c in report.candidates) == 22
    assert any("HTTP 429" in english(note) for note in report.notes)
    assert router.paths().count("/api/daily_papers") == 4  # max_retries 3 + 1, then the mirror
    assert http.clock.sleeps == [55.0, 55.0, 55.0]


def test_fetch_papers_failing_without_mirror_is_degraded_by_models():
    router = Router({"/api/daily_papers": httpx.Response(500), "/api/models": fixture_bytes(TRENDING)})
    _, report = run(router, Settings())
    assert report.status == "degraded" and report.fallback is None
    assert "no mirror_feed_url configured" in map(english, report.notes)
    assert len(report.candidates) == 6


def test_fetch_everything_failing():
    config = Settings(sources={"huggingface": {"mirror_feed_url": MIRROR_URL, "max_retries": 0}})
    router = Router({"/api/daily_papers": b"<html>maintenance</html>", "/api/models": httpx.Response(400), "/feed.xml": b"{}"})
    _, report = run(router, config)
    assert report.status == "failed" and report.candidates == []
    assert any("HTML page" in english(n) for n in report.notes) and any("mirror feed" in english(n) for n in report.notes)


def test_fetch_empty_day_is_ok_with_a_note():
    config = Settings(sources={"huggingface": {"trending_models_limit": 0, "trending_datasets_limit": 0}})
    router = Router({"/api/daily_papers": b"[]"})
    _, report = run(router, config)
    assert report.status == "ok" and report.candidates == []
    assert "empty" in english(report.notes[0])
    assert router.paths() == ["/api/daily_papers"]  # trending models disabled by limit 0


def test_fetch_disabled():
    router = Router({})
    _, report = run(router, Settings(sources={"huggingface": {"enabled": False}}))
    assert report.status == "disabled" and router.requests == []


def test_lookup_model():
    body = json.dumps(json.loads(fixture_bytes(TRENDING))[2]).encode()
    router = Router({"/api/models/moonshotai/Kimi-K3": body, "/api/models/gone/private": httpx.Response(401, json={"error": "Repository not found"})})
    http = make_http(router)
    model = hf.lookup_model(http, Settings(), "hf:moonshotai/Kimi-K3")
    assert model is not None and model.id == "hf:moonshotai/Kimi-K3"
    assert hf.lookup_model(http, Settings(), "nobody/nothing") is None  # 404
    assert hf.lookup_model(http, Settings(), "gone/private") is None  # 401 is HF's "not found" for anonymous callers


def test_lookup_model_server_error_raises():
    router = Router({"/api/models/org/name": httpx.Response(500)})
    http = make_http(router, {"huggingface.co": host_policies(Settings())["huggingface.co"]})
    with pytest.raises(FetchError, match="HTTP 500"):
        hf.lookup_model(http, Settings(), "org/name")
