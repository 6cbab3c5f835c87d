"""History as a story: week pages, the month's best, the week feed (render level), on 60 days
of a realistic synthetic archive (site_data.story_archive: real classifier, ranker and
edition code over briefing.yaml's profile)."""

from __future__ import annotations

import datetime as dt
import re

import feedparser
import pytest

from generator.ids import anchor
from generator.render.families.week import week_days, week_of
from generator.render.pages import render_feeds, render_site
from site_data import story_archive, story_settings


@pytest.fixture(scope="module")
def story():
    items, editions = story_archive()
    settings = story_settings()
    pages = render_site(items, list(editions), settings)
    return items, list(editions), settings, pages


def best_papers_expected(items, editions) -> list[tuple[str, dt.date]]:
    """The span's ten best papers, computed here from the editions: (id, day of its best score)."""
    best: dict[str, tuple[float, dt.date]] = {}
    for edition in editions:
        for section in edition.sections:
            for entry in section.entries:
                if items[entry.item].kind == "paper" and (entry.item not in best or entry.score > best[entry.item][0]):
                    best[entry.item] = (entry.score, edition.date)
    ranked = sorted(best.items(), key=lambda kv: (-kv[1][0], kv[0]))[:10]
    return [(item_id, day) for item_id, (_, day) in ranked]


def section(page: str, heading_id: str) -> str:
    """The raw HTML block under the heading ``{#heading_id}``."""
    return page.split("{#" + heading_id + "}", 1)[1].split("\n\n", 2)[1]


def test_every_week_has_a_page_with_its_ten_best_papers_in_score_order(story):
    items, editions, _, pages = story
    weeks = sorted({week_of(e.date) for e in editions})
    assert len(weeks) >= 9 and all(f"weeks/{w}.md" in pages for w in weeks)
    for week in weeks:
        page = pages[f"weeks/{week}.md"]
        in_week = [e for e in editions if week_of(e.date) == week]
        expected = best_papers_expected(items, in_week)
        links = re.findall(r'<li><strong><a href="([^"]+)">', section(page, "best-papers"))
        assert len(links) == min(10, len(expected))
        assert links == [f"../../days/{day:%Y}/{day:%Y-%m-%d}/#{anchor(i)}" for i, day in expected], week
        for item_id, day in expected:  # each links to its card on its day
            assert f'<h3 id="{anchor(item_id)}">' in pages[f"days/{day:%Y}/{day:%Y-%m-%d}.md"]


def test_week_page_groups_by_interest_and_shows_what_stayed_and_what_was_rated(story):
    items, editions, settings, pages = story
    week = week_of(editions[-8].date)
    page = pages[f"weeks/{week}.md"]
    in_week = [e for e in editions if week_of(e.date) == week]
    listed = {i for e in in_week for i in e.item_ids()}
    for interest in settings.profile.interests:
        matching = [i for i in listed if interest.slug in {m.interest for m in items[i].relevance.matched}]
        assert (f"{{#interest-{interest.slug}}}" in page) == bool(matching), interest.slug
    stayed = {i for i in listed if items[i].kind != "paper" and sum(i in e.item_ids() for e in in_week) > 1}
    assert stayed and all(f"#{anchor(i)}" in section(page, "stayed") for i in stayed)
    rated = {i for i in listed if items[i].rating}
    assert rated and {m for m in re.findall(r'#([^"]+)"', section(page, "rated"))} == {anchor(i) for i in rated}


def test_day_pages_link_their_week_and_month_pages_show_the_months_best(story):
    items, editions, _, pages = story
    day = editions[-1].date
    assert f"](../../weeks/{week_of(day)}.md)" in pages[f"days/{day:%Y}/{day:%Y-%m-%d}.md"]
    month = pages[f"archive/{day:%Y-%m}.md"]
    expected = best_papers_expected(items, [e for e in editions if e.date.month == day.month])
    assert re.findall(r'<li><strong><a href="[^"]+#([^"]+)">', section(month, "best-papers")) == [anchor(i) for i, _ in expected]
    assert month.index("{#best-papers}") < month.index("{#briefings}")


def test_week_feed_parses_and_gains_one_entry_per_new_week(story):
    items, editions, settings, _ = story
    last_sunday = max(week_days(week_of(e.date))[1] for e in editions if week_days(week_of(e.date))[1] <= editions[-1].date)
    before = [e for e in editions if e.date <= last_sunday - dt.timedelta(days=7)]
    counts = []
    for span in (before, editions):
        feeds = render_feeds(items, span, settings)
        for path in ("feeds/weeks.xml", "feeds/weeks.atom.xml"):
            parsed = feedparser.parse(feeds[path])
            assert parsed.bozo == 0, (path, parsed.get("bozo_exception"))
        parsed = feedparser.parse(feeds["feeds/weeks.xml"])
        counts.append(len(parsed.entries))
        newest = parsed.entries[0]
        assert newest.link.endswith(f"/weeks/{week_of(max(e.date for e in span if week_days(week_of(e.date))[1] <= span[-1].date))}/")
        assert "/days/" in newest.description  # the week's best, linked to their days
    assert counts[1] == counts[0] + 1


def test_story_pages_raw_html_blocks_are_whole(story):
    from generator.render import rawhtml

    assert {path: rawhtml.loose_blocks(text) for path, text in story[3].items() if rawhtml.loose_blocks(text)} == {}
