"""Selection end to end: `briefing run --replay` with ratings in git and with LLM grading
against the fake OpenAI-compatible server."""

from __future__ import annotations

import datetime as dt
import shutil

from conftest import REPLAY_DAY, ROOT
from fake_llm import GRADE_TASK, Answer, Reply, FakeLLM, grade_answer
from generator import settings as settings_mod
from generator.ids import item_path
from generator.render.explain import explanation
from generator.render.i18n import Labels
from generator.render.messages import text
from generator.store import Archive
from generator.validate import validate
from test_commentary_e2e import base_env, run_briefing

DAY = dt.date(2026, 4, 30)
NEXT_DAY = dt.date(2026, 5, 1)
CLAWGYM = "arxiv:2604.26904"
ASSOCIATIVE = "arxiv:2604.26841"  # "Language Diffusion Models are Associative Memories...": low lexical score


def replay(data_dir, *extra: str, **env) -> None:
    result = run_briefing("run", "--replay", str(REPLAY_DAY), "--ok-if-degraded", *extra, env=base_env(data_dir, **env))
    assert result.returncode == 0, result.stderr


def papers_in_order(data_dir, day: dt.date) -> list[str]:
    edition = Archive(data_dir).load_edition(day)
    return [e.item for slug in ("highlights", "papers") if edition.section(slug) for e in edition.section(slug).entries]


def rate(data_dir, item_id: str, rating: str) -> None:
    path = data_dir / "items" / item_path(item_id)
    path.write_text(path.read_text(encoding="utf-8") + f"rating: {rating}\n", encoding="utf-8")


def test_a_rating_in_git_changes_the_next_days_ranking(tmp_path):
    first = tmp_path / "first" / "data"
    replay(first)
    order = papers_in_order(first, DAY)
    assert order[0] == CLAWGYM
    control, rated = tmp_path / "control" / "data", tmp_path / "rated" / "data"
    shutil.copytree(first, control)
    shutil.copytree(first, rated)
    rate(rated, CLAWGYM, "not-relevant")  # what a reader's pull request adds
    assert validate(rated) == []
    replay(control, "--date", str(NEXT_DAY))
    replay(rated, "--date", str(NEXT_DAY))
    before, after = papers_in_order(control, NEXT_DAY), papers_in_order(rated, NEXT_DAY)
    assert before[0] == CLAWGYM
    assert CLAWGYM not in after[:5], after[:5]  # out of the highlights
    assert Archive(rated).load_item(CLAWGYM).rating == "not-relevant"  # the run kept the reader's field


def test_a_paper_rated_relevant_joins_the_library(tmp_path):
    data = tmp_path / "data"
    replay(data)
    low = papers_in_order(data, DAY)[-1]
    rate(data, low, "relevant")
    replay(data, "--date", str(NEXT_DAY))
    item = Archive(data).load_item(low)
    assert item.rating == "relevant"  # rewritten by the run, the reader's field kept
    assert item.relevance.reader == "rated-relevant"
    assert "你标记为相关" in explanation(item.relevance, settings_mod.load(ROOT / "briefing.yaml").profile, Labels("zh"))
    assert low in papers_in_order(data, NEXT_DAY)[:5]  # the reader's word puts it among the highlights


def llm_env(fake: FakeLLM) -> dict[str, str]:
    return {"BRIEFING_LLM__BASE_URL": fake.base_url, "BRIEFING_LLM__MODEL": "fake-model", "BRIEFING_LLM__API_KEY": "sk-test"}


def test_llm_grades_order_the_edition_and_the_reason_is_the_relation(tmp_path):
    data = tmp_path / "data"
    grades = {ASSOCIATIVE: 3, CLAWGYM: 0}
    with FakeLLM() as fake:
        fake.defaults[GRADE_TASK] = Answer(lambda d: grade_answer(d, grades))
        replay(data, **llm_env(fake))
        assert fake.requests_for(GRADE_TASK)
    archive = Archive(data)
    order = papers_in_order(data, DAY)
    assert order[0] == ASSOCIATIVE  # the only grade 3
    assert CLAWGYM not in order  # graded 0: below the edition's min_score
    item = archive.load_item(ASSOCIATIVE)
    assert item.relevance.grade == 3 and item.relevance.graded_by == "llm:fake-model"
    relation = item.commentary.relation
    assert relation.by == "llm:fake-model" and relation.prompt == "grade.v1" and relation.text == "模型评语：正是你的核心方向。"
    edition = archive.load_edition(DAY)
    assert [n.code for n in edition.ranking_notes] == ["grading"]
    # a re-run reuses the stored grades (only items the archive did not keep are asked again)
    listed = set(edition.item_ids())
    before = {p: p.read_bytes() for p in data.rglob("*.yaml")}
    with FakeLLM() as fake:
        fake.defaults[GRADE_TASK] = Answer(lambda d: grade_answer(d, grades))
        replay(data, **llm_env(fake))
        asked = {i["id"] for r in fake.requests_for(GRADE_TASK) for i in r.data["items"]}
    assert asked and not asked & listed
    assert {p: p.read_bytes() for p in data.rglob("*.yaml")} == before


def test_a_malformed_or_refused_batch_falls_back_for_that_batch_only(tmp_path):
    data = tmp_path / "data"
    with FakeLLM() as fake:
        # batch 1: malformed twice (the client asks once more on malformed JSON); batch 2: refused
        fake.script(GRADE_TASK, Reply(content="{not json"), Reply(content="{not json"), Reply(refusal="I can't grade this"))
        replay(data, **llm_env(fake))
        grading_requests = fake.requests_for(GRADE_TASK)
    batches = [[i["id"] for i in r.data["items"]] for r in grading_requests]
    failed = set(batches[0]) | set(batches[2])  # requests 1-2: batch 1 (asked twice); request 3: batch 2
    assert batches[0] == batches[1] and len(batches) >= 4
    archive = Archive(data)
    edition = archive.load_edition(DAY)
    for item_id in edition.item_ids():
        relevance = archive.load_item(item_id).relevance
        assert (relevance.grade is None) == (item_id in failed), item_id
    notes = " ".join(text(Labels("zh"), n) for n in edition.ranking_notes)
    assert "2 批失败" in notes and "malformed JSON" in notes and "refused" in notes
