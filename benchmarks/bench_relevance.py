"""Selection quality on the labelled day in ../shared/relevance, with the real ranker (no network).

    python benchmarks/bench_relevance.py            # lexical ranking (no LLM)
    python benchmarks/bench_relevance.py --json     # the figures as JSON (run_all.py reads them)

The day's 88 candidates are parsed from the recorded payloads they came from, with the real
parsers, grouped as the pipeline groups them, and ranked by ``rank.Ranker`` against the
profile in briefing.yaml. The reader's library is NOT the profile's (which holds picks of the
labelled day's own briefing): it is the papers the 2026-05-11 seed briefing names, as it
names them (title only; offline nothing else is known of them), so no labelled paper is in it.

Printed: nDCG@10 (gain 2^grade - 1), precision of the 5 highlights (grade >= 2), the share of
the 25 listed papers graded 0, the rank of every grade-3 paper, and micro precision / recall /
F1 of the categories against the judge's filing. With an LLM configured (BRIEFING_LLM__*),
the same figures for the LLM-graded ranking follow.
"""

from __future__ import annotations

import argparse
import json
import math
import re
import sys

import common  # noqa: F401  (puts the repository on sys.path)

import datetime as dt

from generator import classify, grading, merge, rank, settings as settings_mod
from generator.commentary.llm import Budget, ChatClient
from generator.commentary.fields import llm_configured
from generator.http import Http, build_client
from generator.models import Item, Sighting, Verification
from generator.sources import arxiv, huggingface

ROOT = common.ROOT
SHARED = ROOT.parent / "shared"
RELEVANCE = SHARED / "relevance"
SOURCES = SHARED / "fixtures" / "sources"
DAY = "2026-04-30"
PAYLOADS = [
    (arxiv.parse_api, "arxiv_api/query_cat_cs.LG_OR_cat_cs.AI_start0_max20_2026-04-30.atom.xml"),
    (huggingface.parse_mirror_feed, "hf/thirdparty_takara_tldr_daily_papers_rss_2026-04-30.rss.xml"),
    (huggingface.parse_mirror_feed, "hf/thirdparty_feedgen_hf_daily_papers_rss_2026-04-30.rss.xml"),
]
LIBRARY_SEED_DAY = "2026-05-11"
HIGHLIGHTS, LISTED = 5, 25


def seed_library(day: str = LIBRARY_SEED_DAY) -> list[rank.Exemplar]:
    """The papers a seed briefing names: '#N. <title>' followed by an arXiv link."""
    seed = next(p for p in sorted((SHARED / "seeds").glob("*.txt")) if day in p.read_text(encoding="utf-8").splitlines()[0])
    lines = seed.read_text(encoding="utf-8").splitlines()
    exemplars = []
    for n, line in enumerate(lines[:-1]):
        title = re.match(r"#\d+\.\s+(.+)", line)
        link = re.search(r"arxiv\.org/abs/(\d{4}\.\d{4,5})", lines[n + 1])
        if title and link:
            exemplars.append(rank.Exemplar(id=f"arxiv:{link.group(1)}", title=title.group(1), text=title.group(1)))
    return exemplars


def day_groups() -> dict:
    candidates = [c for parse, name in PAYLOADS for c in parse((SOURCES / name).read_bytes())]
    return merge.group_by_id(candidates)


def dcg(grades: list[int]) -> float:
    return sum((2 ** g - 1) / math.log2(i + 2) for i, g in enumerate(grades))


def selection_figures(order: list[str], grades: dict[str, int]) -> dict:
    top = [grades[i] for i in order]
    ideal = sorted(grades.values(), reverse=True)
    return {
        "ndcg@10": round(dcg(top[:10]) / dcg(ideal[:10]), 3),
        "highlight_precision": round(sum(g >= 2 for g in top[:HIGHLIGHTS]) / HIGHLIGHTS, 3),
        "listed_graded_0": round(sum(g == 0 for g in top[:LISTED]) / LISTED, 3),
        "grade3_ranks": {i: order.index(i) + 1 for i in sorted(grades) if grades[i] == 3},
    }


def category_figures(predicted: dict[str, set[str]], judged: dict[str, set[str]]) -> dict:
    tp = sum(len(predicted[i] & judged[i]) for i in judged)
    fp = sum(len(predicted[i] - judged[i]) for i in judged)
    fn = sum(len(judged[i] - predicted[i]) for i in judged)
    precision, recall = tp / ((tp + fp) or 1), tp / ((tp + fn) or 1)
    return {"precision": round(precision, 3), "recall": round(recall, 3),
            "f1": round(2 * precision * recall / ((precision + recall) or 1), 3)}


def measure(settings) -> dict:
    labels = json.loads((RELEVANCE / f"labels-{DAY}.json").read_text(encoding="utf-8"))["labels"]
    judged = json.loads((RELEVANCE / f"categories-{DAY}.json").read_text(encoding="utf-8"))["papers"]
    groups = day_groups()
    ranker = rank.Ranker(settings.profile, seed_library())
    scores = rank.rank_groups(groups, ranker)
    order = sorted(groups, key=lambda i: (-scores[i], i))
    grades = {i: labels[i.split(":", 1)[1]]["grade"] for i in groups}
    predicted = {i.split(":", 1)[1]: set(classify.categories_of_group(g, settings.taxonomy)) for i, g in groups.items()}
    result = {"candidates": len(groups), "library": len(ranker.positives),
              "lexical": selection_figures(order, grades),
              "categories": category_figures(predicted, {k: set(v) for k, v in judged.items()}),
              "top": [(i, grades[i], scores[i]) for i in order[:LISTED]]}
    if llm_configured(settings):
        result["llm"] = llm_figures(settings, groups, ranker, order, grades)
    return result


def llm_figures(settings, groups: dict, ranker: rank.Ranker, order: list[str], grades: dict[str, int]) -> dict:
    """The same day graded by the configured LLM (grading.grade, as the pipeline calls it)."""
    day = dt.date.fromisoformat(DAY)
    relevances = ranker.rank([rank.group_document(i, groups[i]) for i in order])
    items = {i: _item(i, groups[i], relevances[i], day) for i in order}
    with build_client(settings.user_agent()) as client:
        http = Http(client, backoff_base=settings.http.backoff_base, backoff_max=settings.http.backoff_max)
        chat = ChatClient(http, settings, budget=Budget(settings.llm.token_budget))
        graded = grading.grade([items[i] for i in order], {}, settings, chat, day)
    grading.apply(items, graded, chat.by)
    by_llm = sorted(order, key=lambda i: (-rank.day_score(items[i].relevance, merge.signals(groups[i])), i))
    return {**selection_figures(by_llm, grades), "model": settings.llm.model, "graded": len(graded.grades),
            "fell_back": len(graded.failed), "tokens": chat.budget.spent}


def _item(item_id: str, group: list, relevance, day: dt.date) -> Item:
    first = group[0]
    summary = max((c.summary for c in group), key=len, default="")
    return Item(id=item_id, kind=first.kind, title=first.title, url=first.url, published=first.published or day,
                summary=summary, seen=[Sighting(source=first.source, date=day)], relevance=relevance,
                verification=Verification(status="partial", by="benchmark", url=first.url,
                                          checked=dt.datetime.combine(day, dt.time()), note="not verified: a benchmark"))


def report(result: dict) -> str:
    lex, cat = result["lexical"], result["categories"]
    lines = [f"labelled day {DAY}: {result['candidates']} candidates, library of {result['library']} papers from the {LIBRARY_SEED_DAY} seed",
             f"lexical  nDCG@10 {lex['ndcg@10']:.3f}   highlight precision {lex['highlight_precision']:.2f}   "
             f"listed graded 0 {lex['listed_graded_0']:.0%}   grade-3 ranks {sorted(lex['grade3_ranks'].values())}",
             f"categories  precision {cat['precision']:.3f}   recall {cat['recall']:.3f}   F1 {cat['f1']:.3f}"]
    if "llm" in result:
        llm = result["llm"]
        lines.append(f"llm ({llm['model']}, {llm['graded']} graded, {llm['fell_back']} by the lexical score, {llm['tokens']} tokens)  "
                     f"nDCG@10 {llm['ndcg@10']:.3f}   highlight precision {llm['highlight_precision']:.2f}   "
                     f"listed graded 0 {llm['listed_graded_0']:.0%}   grade-3 ranks {sorted(llm['grade3_ranks'].values())}")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    parser.add_argument("--top", action="store_true", help="also list the top 25 with their grades")
    args = parser.parse_args(argv)
    settings = settings_mod.load(ROOT / "briefing.yaml")
    result = measure(settings)
    if args.json:
        print(json.dumps(result, ensure_ascii=False, indent=2))
        return 0
    print(report(result))
    if args.top:
        for n, (item_id, grade, score) in enumerate(result["top"], 1):
            print(f"{n:3} {grade} {score:.3f} {item_id} {day_groups()[item_id][0].title[:80]}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
