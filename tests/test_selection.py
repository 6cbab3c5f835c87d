"""Selection: phrase evidence, categories, the ranker, the follow list, the reader's library.

Texts are the real recorded payloads of the replayed day (tests/fixtures/sources), parsed by the
real parsers; nothing here is a hand-written paper.
"""

from __future__ import annotations

import datetime as dt

import httpx
import pytest

from conftest import ROOT, payload
from generator import classify, edition as edition_mod, evidence, library, rank, ratings, settings as settings_mod
from generator.http import Http, HostPolicy
from generator.models import EditionEntry, Item, Relevance, Sighting, Verification
from generator.render.cards import Cards
from generator.render.explain import explanation
from generator.render.i18n import Labels
from generator.render.index import SiteIndex
from generator.settings import LibraryEntry
from generator.sources import arxiv, github, huggingface
from generator.store import Archive
from generator.validate import validate

TAKARA = "hf/thirdparty_takara_tldr_daily_papers_rss_2026-04-30.rss.xml"
LISTING = "arxiv_api/query_cat_cs.LG_OR_cat_cs.AI_start0_max20_2026-04-30.atom.xml"
DATASETS = "hf/thirdparty_reshaped_api_datasets_full_true_2026-01-01_first25.json"


@pytest.fixture(scope="module")
def papers():
    """The replayed day's papers by title prefix: the takara mirror feed and the arXiv listing."""
    found = huggingface.parse_mirror_feed(payload(TAKARA)) + arxiv.parse_api(payload(LISTING))
    return {c.title: c for c in found}


def paper(papers, prefix: str):
    return next(c for title, c in papers.items() if title.startswith(prefix))


def categories(candidate, taxonomy) -> set[str]:
    return {m.category for m in classify.category_matches("paper", candidate.title, candidate.summary, candidate.categories, taxonomy)}


# --------------------------------------------------------------------------- phrase evidence


def test_a_phrase_counts_on_word_boundaries_never_inside_a_url():
    fields = evidence.Fields.of("Coding tools", "The dataset is at https://github.com/x/Datasets-and-benchmark-code.")
    assert evidence.hits(fields, ["code"]) == []
    assert [h.phrase for h in evidence.hits(fields, ["coding"])] == ["coding"]
    assert evidence.hits(evidence.Fields.of("Decoder", ""), ["code"]) == []


def test_abbreviations_count_for_their_long_form_and_plurals_match():
    fields = evidence.Fields.of("Accelerating RL Post-Training Rollouts", "We train LLMs with MoE layers.")
    found = {h.phrase for h in evidence.hits(fields, ["reinforcement learning", "large language model", "mixture of experts", "rollout"])}
    assert found == {"reinforcement learning", "large language model", "mixture of experts", "rollout"}
    # lower-case "rl" inside a word is not the abbreviation
    assert evidence.hits(evidence.Fields.of("A world of girls", ""), ["reinforcement learning"]) == []


def test_the_title_weighs_more_than_one_mention_in_the_abstract():
    title = evidence.weight(evidence.hits(evidence.Fields.of("World models for agents", ""), ["world model"]))
    once = evidence.weight(evidence.hits(evidence.Fields.of("Agents", "A world model."), ["world model"]))
    assert title > once > 0


# --------------------------------------------------------------------------- categories (issue 10's examples)


def test_a_dataset_url_does_not_make_a_paper_about_code(papers, settings_factory):
    uav = paper(papers, "Graph-based Semantic Calibration Network for Unaligned UAV")
    assert "Datasets-and-benchmark-code" in uav.summary
    assert "code" not in categories(uav, settings_factory().taxonomy)


def test_image_alignment_is_not_safety_and_alignment(papers, settings_factory):
    uav = paper(papers, "Graph-based Semantic Calibration Network for Unaligned UAV")
    found = categories(uav, settings_factory().taxonomy)
    assert "safety" not in found and "multimodal" in found


def test_compression_in_an_object_detector_is_not_long_context(papers, settings_factory):
    taxonomy = settings_factory().taxonomy
    for prefix in ("QYOLO", "Edge AI for Automotive"):
        detector = paper(papers, prefix)
        assert "compression" in detector.summary.lower()
        found = categories(detector, taxonomy)
        assert "long-context" not in found and {"multimodal", "efficiency"} & found, (prefix, found)


def test_rl_spelled_as_an_abbreviation_files_under_reinforcement_learning(papers, settings_factory):
    rollouts = paper(papers, "Accelerating RL Post-Training Rollouts")
    assert "reinforcement learning" not in rollouts.title.lower()
    assert "reinforcement-learning" in categories(rollouts, settings_factory().taxonomy)


def test_the_primary_arxiv_category_counts(papers, settings_factory):
    taxonomy = settings_factory().taxonomy
    admm = paper(papers, "Learning Over-Relaxation Policies for ADMM")
    assert admm.categories[0] == "math.OC"
    found = classify.category_matches("paper", "A title", "An abstract with no phrase.", admm.categories, taxonomy)
    assert {m.category for m in found} == {"theory"}


# --------------------------------------------------------------------------- ranking


def ranker_for(settings, exemplars=()):
    return rank.Ranker(settings.profile, list(exemplars))


def test_an_unwanted_topic_ranks_a_paper_down(papers, settings_factory):
    settings = settings_factory()
    colonoscopy = paper(papers, "DepthPilot")  # "world model" and "fine-tuning" in its abstract
    document = rank.Document(colonoscopy.id, colonoscopy.title, colonoscopy.summary)
    with_penalty = ranker_for(settings).rank([document])[colonoscopy.id]
    settings.profile.unwanted = []
    without = ranker_for(settings).rank([document])[colonoscopy.id]
    assert with_penalty.unwanted and with_penalty.score < 0.5 * without.score


def test_the_explanation_names_phrases_and_the_nearest_library_item(papers, settings_factory):
    settings = settings_factory()
    claw = paper(papers, "ClawGym")
    followed = rank.Exemplar(id="arxiv:2604.26904", title="ClawGym", text=f"{claw.title}. {claw.summary}")
    # a new item whose text is the followed paper's, under another id
    relevance = ranker_for(settings, [followed]).rank([rank.Document("arxiv:new", claw.title, claw.summary)])["arxiv:new"]
    assert relevance.nearest and relevance.nearest[0].title == "ClawGym"
    zh = explanation(relevance, settings.profile, Labels("zh"))
    en = explanation(relevance, settings.profile, Labels("en"))
    assert "与你关注的 ClawGym 相近" in zh and "close to ClawGym, which you follow" in en
    assert relevance.matched and relevance.matched[0].terms[0] in en


def test_the_readers_own_word_outranks_inference(papers, settings_factory):
    settings = settings_factory()
    claw = paper(papers, "ClawGym")
    document = rank.Document(claw.id, claw.title, claw.summary)
    text = f"{claw.title}. {claw.summary}"
    follows = ranker_for(settings, [rank.Exemplar(claw.id, "ClawGym", text)]).rank([document])[claw.id]
    not_for_me = ratings.Rated(claw.id, "paper", claw.title, claw.summary, (), grade=0, why="not my field")
    rejected = rank.Ranker(settings.profile, [], [not_for_me]).rank([document])[claw.id]
    assert follows.reader == "follows" and follows.score >= rank.FOLLOWED_FLOOR and follows.nearest == []
    assert rejected.reader == "rated-not-relevant" and rejected.score <= rank.REJECTED_CEILING
    assert not rank.has_evidence(rejected)
    assert explanation(rejected, settings.profile, Labels("zh")).startswith("你标记为不相关")


def test_library_similarity_lifts_what_the_reader_follows(papers, settings_factory):
    settings = settings_factory()
    tide = paper(papers, "Turning the TIDE")
    document = rank.Document(tide.id, tide.title, tide.summary)
    alone = ranker_for(settings).rank([document])[tide.id].score
    followed = rank.Exemplar(id="arxiv:x", title="TIDE", text=f"{tide.title}. {tide.summary}")
    assert ranker_for(settings, [followed]).rank([document])[tide.id].score > alone


def test_a_grade_orders_before_the_lexical_score():
    graded_low = Relevance(score=0.9, grade=1)
    graded_high = Relevance(score=0.2, grade=3)
    ungraded = Relevance(score=0.6)
    values = [rank.relevance_value(r) for r in (graded_high, ungraded, graded_low)]
    assert values == sorted(values, reverse=True)


# --------------------------------------------------------------------------- follow list


def _item(item_id: str, kind: str, score: float) -> Item:
    return Item(id=item_id, kind=kind, title=item_id, url="https://example.org/", published=dt.date(2026, 4, 30),
                seen=[Sighting(source="github-search", date=dt.date(2026, 4, 30))],
                verification=Verification(status="verified", by="x", url="https://example.org/", checked=dt.datetime(2026, 4, 30)),
                relevance=Relevance(score=score))


def test_every_kind_gets_a_share_of_the_follow_list():
    items = {f"github:o/r{n}": _item(f"github:o/r{n}", "repo", 0.9 - n / 100) for n in range(10)}
    items["hf:o/m"] = _item("hf:o/m", "model", 0.3)
    items["hfd:o/d"] = _item("hfd:o/d", "dataset", 0.4)
    ranked = sorted((EditionEntry(item=i, score=it.relevance.score) for i, it in items.items()), key=lambda e: -e.score)
    chosen = edition_mod.follow_list(ranked, items, 8)
    kinds = [items[e.item].kind for e in chosen]
    assert len(chosen) == 8 and {"repo", "model", "dataset"} <= set(kinds)
    assert [e.score for e in chosen] == sorted((e.score for e in chosen), reverse=True)


def test_datasets_parse_from_a_listing_that_keeps_six_fields():
    datasets = huggingface.parse_datasets(payload(DATASETS))
    assert len(datasets) == 25
    vibe = next(d for d in datasets if d.id == "hfd:MiniMaxAI/VIBE")
    assert vibe.kind == "dataset" and vibe.url == "https://huggingface.co/datasets/MiniMaxAI/VIBE"
    assert vibe.summary.startswith("VIBE: Visual & Interactive Benchmark") and vibe.popularity["likes"] == 220


def test_github_queries_come_from_the_profile(settings_factory):
    settings = settings_factory()
    settings.sources.github_api.queries = []
    queries = github.search_queries(settings)
    assert len(queries) == len(settings.profile.interests)
    assert all(q.endswith("in:name,description,topics") and '"' in q for q in queries)
    settings.sources.github_api.queries = ["topic:llm"]
    assert github.search_queries(settings) == ["topic:llm"]


# --------------------------------------------------------------------------- the library


def _http_for(handler) -> Http:
    client = httpx.Client(transport=httpx.MockTransport(handler))
    return Http(client, {"export.arxiv.org": HostPolicy(min_interval=0.0, max_retries=0)}, backoff_base=0.0)


def test_library_update_fetches_abstracts_in_one_batch_and_keeps_them(settings_factory):
    settings = settings_factory()
    settings.profile.library = [LibraryEntry(id="arxiv:2104.12255", title="As the profile names it")]
    asked = []

    def handler(request: httpx.Request) -> httpx.Response:
        asked.append(request.url.params.get("id_list"))
        return httpx.Response(200, content=payload("arxiv_api/id_list_2104.12255v1.atom.xml"))

    archive = Archive(settings.data_dir)
    result = library.update(_http_for(handler), settings, archive, dt.date(2026, 12, 2))
    assert asked == ["2104.12255"] and result.fetched == ["arxiv:2104.12255"] and result.written
    record = archive.load_library().entries[0]
    assert record.summary and record.by == "arxiv-api"
    exemplar = library.exemplars(settings, archive)[0]
    assert exemplar.text.startswith(record.title) and record.summary in exemplar.text
    # a second update has nothing to fetch: no request, no write
    again = library.update(_http_for(handler), settings, archive, dt.date(2026, 12, 3))
    assert len(asked) == 1 and not again.written
    assert validate(settings.data_dir) == []


def test_offline_the_profile_title_stands_in_and_nothing_is_written(settings_factory):
    settings = settings_factory()
    settings.profile.library = [LibraryEntry(id="arxiv:2104.12255", title="As the profile names it")]

    def handler(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("offline", request=request)

    archive = Archive(settings.data_dir)
    result = library.update(_http_for(handler), settings, archive, dt.date(2026, 12, 2))
    assert result.failed and not result.written and not archive.library_file.exists()
    assert [e.text for e in library.exemplars(settings, archive)] == ["As the profile names it"]


def test_validate_names_a_bad_rating_with_its_file_line_and_fix(tmp_path):
    data = tmp_path / "data"
    item_file = next((ROOT / "data" / "items").rglob("*.yaml"))
    target = data / item_file.relative_to(ROOT / "data")
    target.parent.mkdir(parents=True)
    text = item_file.read_text(encoding="utf-8")
    target.write_text(text + "rating: relevent\n", encoding="utf-8")
    faults = validate(data, shown_root=tmp_path)
    assert len(faults) == 1
    fault = faults[0]
    assert fault.field == "rating" and fault.line == text.count("\n") + 1
    assert "write a grade 0-3 (3 must read, 2 relevant, 1 tangential, 0 not for me), relevant or not-relevant" in fault.text()
    target.write_text(text + "rating: relevant\n", encoding="utf-8")
    assert validate(data, shown_root=tmp_path) == []


def test_the_replayed_days_follow_list_has_repos_models_and_datasets_with_reasons_in_chinese():
    """Acceptance 4 of issue 10, on the committed replay of 2026-04-30 (language zh)."""
    archive = Archive(ROOT / "data")
    edition = archive.load_edition(dt.date(2026, 4, 30))
    follow = [archive.load_item(e.item) for e in edition.section("follow").entries]
    assert {item.kind for item in follow} == {"repo", "model", "dataset"}
    scores = [e.score for e in edition.section("follow").entries]
    assert scores == sorted(scores, reverse=True)
    settings = settings_mod.load(ROOT / "briefing.yaml")
    cards = Cards(SiteIndex.build({i.id: i for i in follow}, [edition], settings))
    for item in follow:
        relation = cards.relation(item).text
        assert any("\u4e00" <= ch <= "\u9fff" for ch in relation), (item.id, relation)
        if item.commentary.why_it_matters is not None:
            assert "语言" in item.commentary.why_it_matters.text or "主题" in item.commentary.why_it_matters.text
