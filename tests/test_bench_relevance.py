"""benchmarks/bench_relevance.py runs on the labelled day, lexical and with an LLM (the fake server)."""

from __future__ import annotations

import json
import os
import subprocess
import sys

from conftest import ROOT
from fake_llm import GRADE_TASK, Answer, FakeLLM, grade_answer

SCRIPT = ROOT / "benchmarks" / "bench_relevance.py"
LABELS = ROOT.parent / "shared" / "relevance" / "labels-2026-04-30.json"


def bench(env: dict[str, str]) -> dict:
    result = subprocess.run([sys.executable, str(SCRIPT), "--json"], cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def clean_env(**extra) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("BRIEFING_")}
    return {**env, **extra}


def test_the_lexical_figures_cover_the_labelled_day():
    figures = bench(clean_env())
    assert figures["candidates"] == 88 and figures["library"] > 0 and "llm" not in figures
    lexical = figures["lexical"]
    assert set(lexical) == {"ndcg@10", "highlight_precision", "listed_graded_0", "grade3_ranks"}
    assert len(lexical["grade3_ranks"]) == 5 and 0 < lexical["ndcg@10"] <= 1
    assert set(figures["categories"]) == {"precision", "recall", "f1"}


def test_a_grader_that_knows_the_labels_ranks_the_day_perfectly():
    """The LLM path is the pipeline's grading: a grader answering the judge's grades must give nDCG 1."""
    labels = json.loads(LABELS.read_text(encoding="utf-8"))["labels"]
    truth = {f"arxiv:{k}": v["grade"] for k, v in labels.items()}
    with FakeLLM() as fake:
        fake.defaults[GRADE_TASK] = Answer(lambda data: grade_answer(data, truth))
        figures = bench(clean_env(BRIEFING_LLM__BASE_URL=fake.base_url, BRIEFING_LLM__MODEL="fake-model"))
    llm = figures["llm"]
    assert llm["graded"] == 88 and llm["fell_back"] == 0
    assert llm["ndcg@10"] == 1.0 and llm["highlight_precision"] == 1.0 and llm["listed_graded_0"] == 0.0
    assert sorted(llm["grade3_ranks"].values()) == [1, 2, 3, 4, 5]
