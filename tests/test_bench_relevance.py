"""benchmarks/bench_relevance.py: leave one day out over the labelled days, without and with an LLM (the fake server)."""

from __future__ import annotations

import json
import os
import subprocess
import sys

from conftest import ROOT
from fake_llm import GRADE_TASK, Answer, FakeLLM, grade_answer

SCRIPT = ROOT / "benchmarks" / "bench_relevance.py"
RELEVANCE = ROOT.parent / "shared" / "relevance"


def bench(env: dict[str, str], *args: str) -> dict:
    result = subprocess.run([sys.executable, str(SCRIPT), "--json", *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def clean_env(**extra) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("BRIEFING_")}
    return {**env, **extra}


def test_every_labelled_day_is_scored_by_a_model_that_never_saw_it():
    figures = bench(clean_env())
    days = {d["day"]: d for d in figures["days"]}
    assert set(days) == {p.name[len("labels-"):-len(".json")] for p in RELEVANCE.glob("labels-*.json")}
    assert all(d["judged"] == (d["relevant"] >= 5) for d in days.values())
    assert set(figures["mean"]) >= {"ndcg@10", "p@5", "graded_0_top10", "graded_0_top25", "category_precision", "category_recall"}
    assert all(0 < d["ndcg@10"] <= 1 and len(d["top"]) == 25 for d in days.values())
    assert len(days["2026-04-30"]["grade3_ranks"]) == 5 and "llm" not in days["2026-04-30"]
    follow = figures["follow"]
    assert len(follow["listed"]) == len(follow["grades"]) > 0


def test_a_grader_that_knows_the_labels_ranks_every_day_perfectly():
    """The LLM path is the pipeline's grading: a grader answering the judge's grades must give nDCG 1."""
    truth = {}
    for labels in RELEVANCE.glob("labels-*.json"):
        truth.update({f"arxiv:{k}": v["grade"] for k, v in json.loads(labels.read_text(encoding="utf-8"))["labels"].items()})
    with FakeLLM() as fake:
        fake.defaults[GRADE_TASK] = Answer(lambda data: grade_answer(data, truth))
        figures = bench(clean_env(BRIEFING_LLM__BASE_URL=fake.base_url, BRIEFING_LLM__MODEL="fake-model"), "--no-follow")
    for day in figures["days"]:
        llm = day["llm"]
        assert llm["graded"] == day["candidates"] and llm["fell_back"] == 0, day["day"]
        assert llm["ndcg@10"] == 1.0, day["day"]
    assert figures["llm_mean"]["ndcg@10"] == 1.0 and figures["llm_mean"]["graded_0_top10"] == 0
