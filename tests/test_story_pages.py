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
from site_data import iso_week, story_archive, story_settings, weekly_counts


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
    rated = {i for i in listed if items[i].rating is not None}
    assert any(items[i].rating == 0 for i in rated)  # a grade of 0 is a rating too
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


def test_whole_archive_charts_and_rising_terms_show_their_numbers(story, monkeypatch):
    """A series page shows the last weeks and, when the archive is longer, all of it (here
    "the last weeks" are 4, so 60 days have a longer history); rising terms show counts that
    add up, in order of the growth of their share."""
    import xml.etree.ElementTree as ET

    from generator.render.families import trends

    items, editions, settings, _ = story
    monkeypatch.setattr(trends, "RECENT_WEEKS", 4)
    pages = render_site(items, editions, settings)
    weeks, counts = weekly_counts(items, editions)
    assert len(weeks) > 4
    for interest in settings.profile.interests:
        page = pages[f"trends/interests/{interest.slug}.md"]
        svgs = [ET.fromstring(svg) for svg in re.findall(r"<svg.*?</svg>", page)]
        bars = [[int(rect.get("data-count")) for rect in svg.iter("{http://www.w3.org/2000/svg}rect")] for svg in svgs]
        tables = [re.findall(r'<tr><th scope="row">([^<]+)</th><td>(\d+)</td></tr>', figure) for figure in page.split("<figure")[1:]]
        expected = [(week, counts["interests", interest.slug][week]) for week in weeks]
        assert bars == [[n for _, n in expected[-4:]], [n for _, n in expected]]
        assert [[(w, int(n)) for w, n in table] for table in tables] == [expected[-4:], expected]
    index = pages["trends/index.md"]
    rows = re.findall(r'<tr><td data-label="[^"]+">([^<]+)</td><td data-label="[^"]+">(\d+)/(\d+)（[\d.]+%）</td>'
                      r'<td data-label="[^"]+">(\d+)/(\d+)（[\d.]+%）</td><td data-label="[^"]+">([+-][\d.]+) 个百分点</td>', index)
    assert len(rows) >= 5
    changes = [float(change) for *_, change in rows]
    assert changes == sorted(changes, reverse=True) and all(c > 0 for c in changes)
    recent_weeks = set(weeks[-4:])
    recent = {i for e in editions if iso_week(e.date) in recent_weeks for i in e.item_ids() if i in items}
    for phrase, a, n_recent, b, n_before, change in rows:
        assert int(n_recent) == len(recent)
        assert f"{100 * (int(a) / int(n_recent) - int(b) / int(n_before)):+.1f}" == change
        if " " not in phrase:  # a single word: recounted here, in the titles of the last four weeks
            words = [set(re.findall(r"\b\w[\w-]*\w\b", items[i].title.lower())) for i in recent]
            assert sum(phrase in w for w in words) == int(a), phrase
