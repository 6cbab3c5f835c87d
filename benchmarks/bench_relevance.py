"""Selection quality, leave one day out, over the labelled days in ../shared/relevance (no network).

    python benchmarks/bench_relevance.py            # the ranker without an LLM
    python benchmarks/bench_relevance.py --json     # the figures as JSON (run_all.py reads them)
    python benchmarks/bench_relevance.py --top 2025-07-22   # also list that day's top 25
    python benchmarks/bench_relevance.py --update-report    # write SELECTION.md and README's selection block

Each labelled day is ranked by the real ranker (``rank.Ranker``: the profile in briefing.yaml,
its library, and the taste and filing models) trained on the OTHER days' ratings, imported with
the same code as ``briefing ratings import``: a day's papers are never in its training data or
in the library. Printed per day and on average over the days with at least five papers graded
>= 2 (the others make nDCG@10 hang on one or two papers; they are training data, reported):
nDCG@10 (gain 2^grade - 1), P@5 (grade >= 2), grade-0 papers in the top 10 and top 25, the rank
of every grade-3 paper, and micro precision / recall of the categories against the judge's filing.

The follow list is measured on the day that has follow grades (2026-04-30): the recorded day is
replayed through the pipeline into a temporary archive with the shipped ratings ledger (which
holds no paper of that day), and the follow list it publishes is graded.

With an LLM configured (BRIEFING_LLM__*), each day is also graded by the model, as a run grades
its shortlist, and the same figures follow for that order.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import io
import json
import math
import os
import shutil
import sys
import tempfile
from pathlib import Path

import common  # noqa: F401  (puts the repository on sys.path)

from generator import classify, grading, rank, ratings, settings as settings_mod
from generator.commentary.fields import llm_configured
from generator.commentary.llm import Budget, ChatClient
from generator.http import Http, build_client
from generator.models import Item, Sighting, Verification
from generator.store import Archive
from generator.taste import ReaderModels, Text

ROOT = common.ROOT
RELEVANCE = ROOT.parent / "shared" / "relevance"
FOLLOW_DAY = "2026-04-30"
JUDGED_MIN = 5  # papers graded >= 2 for a day to be judged on
TOP_P, TOP_ZERO, LISTED = 5, 10, 25


def labelled_days() -> list[str]:
    return sorted(p.name[len("labels-"):-len(".json")] for p in RELEVANCE.glob("labels-*.json"))


def day_ratings(day: str) -> list[ratings.Rating]:
    return ratings.labelled_day(RELEVANCE / f"labels-{day}.json", dt.date.fromisoformat(day))


def held_out_ranker(settings, day: str, by_day: dict[str, list]) -> rank.Ranker:
    """The ranker as the reader would have it with every labelled day but ``day`` rated."""
    papers = {r.id for r in by_day[day]}
    rated = [ratings.from_rating(r) for other, entries in by_day.items() if other != day for r in entries]
    library = [rank.Exemplar(e.id, rank.short_title(e.title), e.title) for e in settings.profile.library if e.id not in papers]
    return rank.Ranker(settings.profile, library, rated, ReaderModels.fit(rated))


def dcg(grades: list[int]) -> float:
    return sum((2 ** g - 1) / math.log2(i + 2) for i, g in enumerate(grades))


def selection_figures(order: list[str], grades: dict[str, int]) -> dict:
    top = [grades[i] for i in order]
    ideal = sorted(grades.values(), reverse=True)
    return {
        "ndcg@10": round(dcg(top[:10]) / dcg(ideal[:10]), 3),
        "p@5": round(sum(g >= 2 for g in top[:TOP_P]) / TOP_P, 3),
        "graded_0_top10": sum(g == 0 for g in top[:TOP_ZERO]),
        "graded_0_top25": sum(g == 0 for g in top[:LISTED]),
        "grade3_ranks": sorted(order.index(i) + 1 for i in grades if grades[i] == 3),
    }


def category_counts(predicted: dict[str, set[str]], judged: dict[str, set[str]]) -> dict:
    return {"tp": sum(len(predicted[i] & judged[i]) for i in judged),
            "fp": sum(len(predicted[i] - judged[i]) for i in judged),
            "fn": sum(len(judged[i] - predicted[i]) for i in judged)}


def precision_recall(counts: dict) -> tuple[float, float]:
    return counts["tp"] / ((counts["tp"] + counts["fp"]) or 1), counts["tp"] / ((counts["tp"] + counts["fn"]) or 1)


def measure_day(settings, day: str, by_day: dict[str, list]) -> dict:
    entries = by_day[day]
    ranker = held_out_ranker(settings, day, by_day)
    documents = [rank.Document(r.id, r.title, r.abstract, tuple(r.arxiv_categories)) for r in entries]
    relevances = ranker.rank(documents)
    order = sorted(relevances, key=lambda i: (-relevances[i].score, i))
    grades = {r.id: ratings.grade_of(r.grade) for r in entries}
    texts = [Text(r.title, r.abstract, tuple(r.arxiv_categories)) for r in entries]
    filed = classify.filing_of(texts, ["paper"] * len(entries), ranker.models.filing)
    predicted = {r.id: {m.category for m in classify.category_matches("paper", r.title, r.abstract, r.arxiv_categories,
                                                                      settings.taxonomy, probabilities)}
                 for r, probabilities in zip(entries, filed)}
    judged = {r.id: set(r.filed) for r in entries}
    precision, recall = precision_recall(category_counts(predicted, judged))
    result = {"day": day, "candidates": len(entries), "relevant": sum(g >= 2 for g in grades.values()),
              "judged": sum(g >= 2 for g in grades.values()) >= JUDGED_MIN,
              **selection_figures(order, grades), "category_precision": round(precision, 3), "category_recall": round(recall, 3),
              "top": [(i, grades[i], relevances[i].score) for i in order[:LISTED]]}
    if llm_configured(settings):
        result["llm"] = llm_figures(settings, day, entries, relevances, grades)
    return result


def llm_figures(settings, day: str, entries: list, relevances: dict, grades: dict[str, int]) -> dict:
    """The same day graded by the configured LLM (grading.grade, as the pipeline calls it)."""
    date = dt.date.fromisoformat(day)
    order = sorted(relevances, key=lambda i: (-relevances[i].score, i))
    by_id = {r.id: r for r in entries}
    items = {i: _item(by_id[i], relevances[i], date) for i in order}
    with build_client(settings.user_agent()) as client:
        http = Http(client, backoff_base=settings.http.backoff_base, backoff_max=settings.http.backoff_max)
        chat = ChatClient(http, settings, budget=Budget(settings.llm.token_budget))
        graded = grading.grade([items[i] for i in order], {}, settings, chat, date)
    grading.apply(items, graded, chat.by)
    by_llm = sorted(order, key=lambda i: (-rank.relevance_value(items[i].relevance), i))
    return {**selection_figures(by_llm, grades), "model": settings.llm.model, "graded": len(graded.grades),
            "fell_back": len(graded.failed), "tokens": chat.budget.spent}


def _item(entry, relevance, day: dt.date) -> Item:
    url = f"https://arxiv.org/abs/{entry.id.split(':', 1)[1]}"
    return Item(id=entry.id, kind="paper", title=entry.title, url=url, published=day, summary=entry.abstract,
                source_categories=list(entry.arxiv_categories), seen=[Sighting(source="arxiv-api", date=day)],
                relevance=relevance, verification=Verification(status="partial", by="benchmark", url=url,
                                                               checked=dt.datetime.combine(day, dt.time()), note="not verified: a benchmark"))


def follow_figures() -> dict:
    """The follow list the replayed recorded day publishes with the shipped ratings, graded."""
    from generator import cli

    follow = json.loads((RELEVANCE / f"follow-{FOLLOW_DAY}.json").read_text(encoding="utf-8"))["follow"]
    with tempfile.TemporaryDirectory() as folder:
        data = Path(folder) / "data"
        if (ROOT / "data" / "ratings").exists():
            shutil.copytree(ROOT / "data" / "ratings", data / "ratings")
        if (ROOT / "data" / "library.yaml").exists():
            shutil.copy(ROOT / "data" / "library.yaml", data / "library.yaml")
        os.environ["BRIEFING_DATA_DIR"] = str(data)
        try:
            with contextlib.redirect_stdout(io.StringIO()):  # the run's one-line summary is not a figure
                cli.main(["--config", str(ROOT / "briefing.yaml"), "run", "--replay",
                          str(ROOT / "tests" / "fixtures" / "replay" / f"{FOLLOW_DAY}.yaml"), "--quiet"])
        finally:
            del os.environ["BRIEFING_DATA_DIR"]
        edition = Archive(data).load_edition(dt.date.fromisoformat(FOLLOW_DAY))
    listed = [e.item for e in edition.section("follow").entries] if edition and edition.section("follow") else []
    graded = [follow.get(i, {}).get("grade") for i in listed]
    return {"listed": listed, "grades": graded, "share_graded_2": round(sum((g or 0) >= 2 for g in graded) / (len(graded) or 1), 3),
            "ungraded": [i for i, g in zip(listed, graded) if g is None]}


def measure(settings, with_follow: bool = True) -> dict:
    by_day = {day: day_ratings(day) for day in labelled_days()}
    days = [measure_day(settings, day, by_day) for day in by_day]
    judged = [d for d in days if d["judged"]]
    mean = {key: round(sum(d[key] for d in judged) / len(judged), 3)
            for key in ("ndcg@10", "p@5", "graded_0_top10", "graded_0_top25", "category_precision", "category_recall")}
    mean["ndcg@10_worst"] = min(d["ndcg@10"] for d in judged)
    mean["grade3_outside_top25"] = sum(r > LISTED for d in judged for r in d["grade3_ranks"])
    result = {"days": days, "judged_days": [d["day"] for d in judged], "mean": mean}
    if any("llm" in d for d in judged):
        result["llm_mean"] = {key: round(sum(d["llm"][key] for d in judged) / len(judged), 3)
                              for key in ("ndcg@10", "p@5", "graded_0_top10", "graded_0_top25")}
    if with_follow:
        result["follow"] = follow_figures()
    return result


def report(result: dict) -> str:
    lines = ["day          papers  ≥2  nDCG@10  P@5  0s in top 10 / 25  grade-3 ranks   categories P / R"]
    for d in result["days"]:
        mark = "*" if d["judged"] else " "
        lines.append(f"{d['day']}{mark}  {d['candidates']:6}  {d['relevant']:2}  {d['ndcg@10']:7.3f}  {d['p@5']:.1f}  "
                     f"{d['graded_0_top10']:7} / {d['graded_0_top25']:<7}  {str(d['grade3_ranks']):14}  "
                     f"{d['category_precision']:.3f} / {d['category_recall']:.3f}")
    m = result["mean"]
    lines.append(f"mean over the {len(result['judged_days'])} judged days (*): nDCG@10 {m['ndcg@10']:.3f} (worst {m['ndcg@10_worst']:.3f})  "
                 f"P@5 {m['p@5']:.2f}  grade 0 in top 10 {m['graded_0_top10']:.2f}, top 25 {m['graded_0_top25']:.1f}  "
                 f"grade-3 papers outside the top 25: {m['grade3_outside_top25']}  categories {m['category_precision']:.3f} / {m['category_recall']:.3f}")
    if "llm_mean" in result:
        lm = result["llm_mean"]
        lines.append(f"with the LLM's grades: nDCG@10 {lm['ndcg@10']:.3f}  P@5 {lm['p@5']:.2f}  grade 0 in top 10 {lm['graded_0_top10']:.2f}")
    if "follow" in result:
        f = result["follow"]
        lines.append(f"follow list of the replayed {FOLLOW_DAY}: {len(f['listed'])} entries, {f['share_graded_2']:.0%} graded ≥ 2 "
                     f"(grades {f['grades']})")
    return "\n".join(lines)


START, END = "<!-- selection:start -->", "<!-- selection:end -->"
REPORT = ROOT / "SELECTION.md"
TARGETS = {"ndcg@10": 0.80, "ndcg@10_worst": 0.65, "p@5": 0.7, "graded_0_top10": 1.0, "category_precision": 0.80,
           "category_recall": 0.70, "follow": 0.5, "rank_s": 3.0}


def _verdict(ok: bool) -> str:
    return "pass" if ok else "**FAIL**"


def target_rows(result: dict, timing: dict | None) -> list[list[str]]:
    m, f = result["mean"], result.get("follow")
    rows = [
        ["nDCG@10, mean (worst day)", f"{m['ndcg@10']:.3f} ({m['ndcg@10_worst']:.3f})", "≥ 0.80 (≥ 0.65)",
         _verdict(m["ndcg@10"] >= TARGETS["ndcg@10"] and m["ndcg@10_worst"] >= TARGETS["ndcg@10_worst"])],
        ["P@5 (graded ≥ 2), mean", f"{m['p@5']:.2f}", "≥ 0.7", _verdict(m["p@5"] >= TARGETS["p@5"])],
        ["grade-0 papers in the top 10, mean", f"{m['graded_0_top10']:.2f}", "≤ 1", _verdict(m["graded_0_top10"] <= TARGETS["graded_0_top10"])],
        ["grade-3 papers outside their day's top 25", str(m["grade3_outside_top25"]), "0", _verdict(m["grade3_outside_top25"] == 0)],
        ["categories, micro precision / recall, mean", f"{m['category_precision']:.3f} / {m['category_recall']:.3f}", "≥ 0.80 / ≥ 0.70",
         _verdict(m["category_precision"] >= TARGETS["category_precision"] and m["category_recall"] >= TARGETS["category_recall"])],
    ]
    if f:
        good = sum((g or 0) >= 2 for g in f["grades"])
        rows.append([f"follow list of the replayed {FOLLOW_DAY}, graded ≥ 2", f"{good} of {len(f['grades'])}", "at least half",
                     _verdict(f["share_graded_2"] >= TARGETS["follow"])])
    if timing:
        inside, cli = timing["in_process"], timing["command"]
        rows.append([f"fit on {timing['ratings']:,} ratings + rank {timing['candidates']} papers, wall (CPU); "
                     "`briefing rank` with start-up and imports", f"{inside['wall_s']:.2f} s ({inside['cpu_s']:.2f} s); "
                     f"{cli['wall_s']:.2f} s ({cli['cpu_s']:.2f} s)", "≤ 3 s", _verdict(inside["wall_s"] <= TARGETS["rank_s"])])
    return rows


def day_rows(result: dict) -> list[list[str]]:
    return [[d["day"] + (" *" if d["judged"] else ""), str(d["candidates"]), str(d["relevant"]), f"{d['ndcg@10']:.3f}", f"{d['p@5']:.1f}",
             f"{d['graded_0_top10']} / {d['graded_0_top25']}", ", ".join(map(str, d["grade3_ranks"])) or "–",
             f"{d['category_precision']:.3f} / {d['category_recall']:.3f}"] for d in result["days"]]


def update_report(result: dict) -> None:
    """SELECTION.md (every day, every figure) and README's block (the targets and the days' nDCG)."""
    timing = common.load_result("rank")
    today = dt.date.today().isoformat()
    targets = common.table(["figure", "measured", "target", "result"], target_rows(result, timing))
    days = common.table(["day (* judged)", "papers", "graded ≥ 2", "nDCG@10", "P@5", "grade 0 in top 10 / 25", "grade-3 ranks",
                         "categories P / R"], day_rows(result))
    follow = result.get("follow") or {"listed": [], "grades": []}
    listed = "\n".join(f"- `{i}`: " + (f"graded {g}" if g is not None else "not in the judge's file (counted as below 2)") for i, g in zip(follow["listed"], follow["grades"]))
    report = "\n".join([
        "# Selection quality", "",
        f"Written by `python benchmarks/bench_relevance.py --update-report` on {today}, offline, without an LLM. Each labelled day",
        "in `../shared/relevance` is ranked by the real ranker trained on the other days' ratings (leave one day out): its own",
        "papers are never in the training data or the library. Averages are over the days with at least five papers graded ≥ 2",
        "(marked *); the others are training data, reported.", "",
        "## Against the targets", "", targets, "",
        "## Per day", "", days, "",
        f"## The follow list of the replayed {FOLLOW_DAY}", "",
        "The recorded day replayed through the pipeline with the shipped ratings ledger, graded by `follow-2026-04-30.json`:", "",
        listed, "",
        "## How to read it", "",
        "nDCG@10 uses gain 2^grade − 1; P@5 counts papers graded ≥ 2 among the first five; the grade-3 ranks say where each",
        "must-read paper landed. Categories are micro precision / recall of the predicted set against the judge's filing,",
        "with the filing model trained on the other days. Timing: `python benchmarks/bench_rank.py` (5,000 ratings made",
        "from the labelled papers' real texts); wall times count only on a quiet machine.", "",
    ])
    common.write_text(REPORT, report)
    ndcg = " · ".join(f"{d['ndcg@10']:.2f}" for d in result["days"] if d["judged"])
    block = "\n".join(["", f"Leave one day out over the labelled days in `../shared/relevance`, no LLM, measured {today} "
                        f"(nDCG@10 of the judged days: {ndcg}); [SELECTION.md](SELECTION.md) has every day and figure.", "", targets, ""])
    common.replace_readme_block(START, END, block, "### Selection quality")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    parser.add_argument("--top", metavar="DAY", help="also list that day's top 25 with their grades")
    parser.add_argument("--no-follow", action="store_true", help="skip the follow list (it replays the recorded day)")
    parser.add_argument("--update-report", action="store_true", help="write SELECTION.md and README's selection block")
    args = parser.parse_args(argv)
    settings = settings_mod.load(ROOT / "briefing.yaml")
    result = measure(settings, with_follow=not args.no_follow)
    if args.update_report:
        update_report(result)
    if args.json:
        print(json.dumps(result, ensure_ascii=False, indent=2))
        return 0
    print(report(result))
    if args.top:
        day = next(d for d in result["days"] if d["day"] == args.top)
        titles = {r.id: r.title for r in day_ratings(args.top)}
        for n, (item_id, grade, score) in enumerate(day["top"], 1):
            print(f"{n:3} {grade} {score:.3f} {item_id} {titles[item_id][:90]}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
