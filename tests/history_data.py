"""A multi-day archive: the replayed day (2026-04-30, the committed data/) and the four weeks
before it, one edition each Thursday made of a real day's arXiv papers (tests/fixtures/history,
see its README: derived dates, real papers), classified and ranked by the real code.

``history_archive(folder)`` writes it and returns the settings to run and build it with.
"""

from __future__ import annotations

import datetime as dt
import json
import shutil
from pathlib import Path

from generator import classify, rank
from generator import settings as settings_mod
from generator.commentary import extractive
from generator.edition import status_of
from generator.models import Edition, EditionEntry, Item, Section, Sighting, Verification
from generator.settings import Settings
from generator.store import Archive

ROOT = Path(__file__).resolve().parents[1]
HISTORY = Path(__file__).parent / "fixtures" / "history"
DAY = dt.date(2026, 4, 30)
WEEKS = {"2025-06-10": DAY - dt.timedelta(days=28), "2025-07-22": DAY - dt.timedelta(days=21),
         "2025-08-12": DAY - dt.timedelta(days=14), "2025-09-16": DAY - dt.timedelta(days=7)}
HIGHLIGHTS = 5


def history_archive(folder: Path, language: str = "zh") -> Settings:
    data = folder / "data"
    shutil.copytree(ROOT / "data", data)
    settings = settings_mod.load(ROOT / "briefing.yaml").model_copy(update={"data_dir": data, "language": language})
    archive = Archive(data)
    ranker = rank.Ranker(settings.profile, [])
    for source_day, day in WEEKS.items():
        papers = json.loads((HISTORY / f"candidates-{source_day}.json").read_text(encoding="utf-8"))["papers"]
        items = [_item(paper, day) for paper in papers]
        classify.apply_all(items, settings.taxonomy)
        for item_id, relevance in rank.relevances(ranker, items).items():
            next(i for i in items if i.id == item_id).relevance = relevance
        items.sort(key=lambda i: (-i.relevance.score, i.id))
        for item in items:
            archive.save_item(item)
        archive.save_edition(_edition(day, items))
    return settings


def _item(paper: dict, day: dt.date) -> Item:
    bare = paper["id"]
    url = f"https://export.arxiv.org/api/query?id_list={bare}"
    item = Item(id=f"arxiv:{bare}", kind="paper", title=paper["title"], url=f"https://arxiv.org/abs/{bare}",
                published=day - dt.timedelta(days=1), summary=paper["abstract"], source_categories=paper["categories"],
                seen=[Sighting(source="arxiv-api", date=day)],
                verification=Verification(status="verified", by="arxiv-api", url=url,
                                          checked=dt.datetime.combine(day, dt.time(1, 30), dt.timezone.utc)))
    return item


def _edition(day: dt.date, items: list[Item]) -> Edition:
    entries = [EditionEntry(item=i.id, score=i.relevance.score) for i in items]
    categories: dict[str, int] = {}
    for item in items:
        for slug in item.categories:
            categories[slug] = categories.get(slug, 0) + 1
    return Edition(date=day, status=status_of([], True),
                   sections=[Section(slug="highlights", entries=entries[:HIGHLIGHTS]), Section(slug="papers", entries=entries[HIGHLIGHTS:])],
                   category_counts=dict(sorted(categories.items())), interest_counts=extractive.interest_counts(items),
                   term_counts=extractive.term_counts(items))
