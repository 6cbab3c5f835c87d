"""How long the reader's models take: fit on 5,000 ratings, rank 500 papers (target: <= 3 s on 2 cores).

    python benchmarks/bench_rank.py            # the figures
    python benchmarks/bench_rank.py --json     # as JSON

The labelled days in ../shared/relevance hold 928 real papers; 5,000 ratings are made from them
by recombining one paper's title with another's abstract (a fixed seed), so the vocabulary and the
text lengths are those of real abstracts and no two ratings are the same text. Grades follow the
labelled mix. Two figures:

* in process: ``ReaderModels.fit`` + ``rank.Ranker`` + ranking 500 papers (what a run adds);
* the command: ``briefing rank papers.json`` on an archive whose ledger holds the 5,000 ratings
  (reading the ledger, fitting, ranking, printing), in a child process.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import random
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import common

from generator import rank, ratings, settings as settings_mod
from generator.models import Rating, RatingsFile
from generator.store import Archive
from generator.taste import ReaderModels

ROOT = common.ROOT
RELEVANCE = ROOT.parent / "shared" / "relevance"
RATINGS, CANDIDATES, TARGET_S = 5000, 500, 3.0


def pool() -> list[Rating]:
    return [r for labels in sorted(RELEVANCE.glob("labels-*.json")) for r in ratings.labelled_day(labels, None)]


def recombined(source: list[Rating], count: int, seed: int) -> list[Rating]:
    """``count`` ratings whose texts are real titles paired with other real abstracts."""
    rng = random.Random(seed)
    out = []
    for n in range(count):
        head, body = rng.choice(source), rng.choice(source)
        out.append(Rating(id=f"arxiv:{2000 + n // 100000:04d}.{n % 100000:05d}", title=head.title, abstract=body.abstract,
                          arxiv_categories=head.arxiv_categories, grade=head.grade, filed=head.filed,
                          date=dt.date(2025, 1 + n % 12, 1)))
    return out


def in_process(settings, rated: list[Rating], papers: list[Rating]) -> dict:
    start, cpu = time.perf_counter(), time.process_time()
    learnt = [ratings.from_rating(r) for r in rated]
    models = ReaderModels.fit(learnt)
    fitted = time.perf_counter()
    ranker = rank.Ranker(settings.profile, [], learnt, models)
    ranked = ranker.rank([rank.Document(f"new:{n}", p.title, p.abstract, tuple(p.arxiv_categories)) for n, p in enumerate(papers)])
    assert len(ranked) == len(papers)
    return {"fit_s": round(fitted - start, 2), "wall_s": round(time.perf_counter() - start, 2),
            "cpu_s": round(time.process_time() - cpu, 2)}


def command(rated: list[Rating], papers: list[Rating]) -> dict:
    with tempfile.TemporaryDirectory() as folder:
        archive = Archive(Path(folder) / "data")
        by_month: dict[str, list[Rating]] = {}
        for r in rated:
            by_month.setdefault(f"{r.date:%Y-%m}", []).append(r)
        for month, entries in by_month.items():
            archive.save_ratings(archive.ratings_file(month), RatingsFile(ratings=entries))
        listing = Path(folder) / "papers.json"
        listing.write_text(json.dumps({"papers": [{"id": f"new:{n}", "title": p.title, "abstract": p.abstract,
                                                   "categories": p.arxiv_categories} for n, p in enumerate(papers)]}), encoding="utf-8")
        env = {"BRIEFING_DATA_DIR": str(archive.root), "PATH": "/usr/bin:/bin"}
        before, start = resource.getrusage(resource.RUSAGE_CHILDREN), time.perf_counter()
        result = subprocess.run([sys.executable, "-m", "generator.cli", "rank", str(listing), "--format", "json"],
                                cwd=ROOT, env=env, capture_output=True, text=True)
        wall, after = time.perf_counter() - start, resource.getrusage(resource.RUSAGE_CHILDREN)
    assert result.returncode == 0, result.stderr
    assert len(json.loads(result.stdout)) == len(papers)
    cpu = (after.ru_utime + after.ru_stime) - (before.ru_utime + before.ru_stime)
    return {"wall_s": round(wall, 2), "cpu_s": round(cpu, 2)}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)
    settings = settings_mod.load(ROOT / "briefing.yaml")
    source = pool()
    rated, papers = recombined(source, RATINGS, 1), recombined(source, CANDIDATES, 2)
    result = {"ratings": RATINGS, "candidates": CANDIDATES, "target_s": TARGET_S,
              "in_process": in_process(settings, rated, papers), "command": command(rated, papers)}
    common.save_result("rank", {**result, "machine": common.machine()})  # SELECTION.md reports it (bench_relevance.py)
    if args.json:
        print(json.dumps(result, indent=2))
        return 0
    inside, cli = result["in_process"], result["command"]
    print(f"{RATINGS} ratings, {CANDIDATES} papers: fit {inside['fit_s']:.2f} s, fit + rank {inside['wall_s']:.2f} s "
          f"(CPU {inside['cpu_s']:.2f} s); `briefing rank` end to end {cli['wall_s']:.2f} s (CPU {cli['cpu_s']:.2f} s); "
          f"target <= {TARGET_S:.0f} s for fit + rank: {'pass' if inside['wall_s'] <= TARGET_S else 'FAIL'}"
          " (wall times count only on a quiet machine; CPU times say what the work costs; the command adds Python's"
          " start-up and scikit-learn's import)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
