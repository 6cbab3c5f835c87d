"""The day's judgment without an LLM (issue 26, acceptance 2): facts from the archive, worded
by the page in its language. On a multi-day archive (the replayed day and the four weeks
before it, tests/history_data.py) the replayed day's judgment names its leading interest, its
must-reads with the evidence that put them there, and what rose against the previous weeks,
in zh and in en."""

from __future__ import annotations

import re

import pytest

from conftest import REPLAY_DAY
from generator.render.pages import render_site
from generator.store import Archive
from history_data import DAY, WEEKS, history_archive
from test_commentary_e2e import base_env, run_briefing

pytestmark = pytest.mark.slow

CHANGE = {"zh": "与前四周的 4 期相比", "en": "Against the 4 briefings of the previous four weeks"}


@pytest.fixture(scope="module")
def archive(tmp_path_factory):
    """The multi-day archive after the day's run, as the daily workflow would leave it."""
    folder = tmp_path_factory.mktemp("history")
    settings = history_archive(folder)
    result = run_briefing("run", "--replay", str(REPLAY_DAY), "--quiet", env=base_env(settings.data_dir))
    assert result.returncode in (0, 3), result.stderr  # 3: degraded, as recorded
    return settings


def judgment_of(page: str) -> str:
    """The text of a day page's judgment section (its Markdown, tags dropped)."""
    section = page.split("{#judgment}", 1)[1].split("\n## ", 1)[0]
    return re.sub(r"<[^>]+>", "", section)


@pytest.mark.parametrize("language", ["zh", "en"])
def test_the_judgment_without_an_llm_says_something(archive, language):
    data = Archive(archive.data_dir)
    edition = data.load_edition(DAY)
    assert edition.judgment is None and len(data.load_editions()) == 1 + len(WEEKS)
    facts = {fact.code: fact for fact in edition.digest}
    settings = archive.model_copy(update={"language": language})
    items = data.load_items()
    judgment = judgment_of(render_site(items, data.load_editions(), settings)[f"days/2026/{DAY}.md"])
    names = settings.profile.names(language)
    # the leading interest, by name
    assert names[facts["digest-leading"].args["interest"]] in judgment
    # the must-reads by name, each with the evidence that put it there
    must_reads = [e.item for e in edition.section("read-closely").entries]
    picks = facts["digest-must-reads"].args["items"]
    assert [p.args["item"] for p in picks] == must_reads and all(p.args["why"] for p in picks)
    for item_id in must_reads:
        assert items[item_id].title in judgment
        strongest = max(items[item_id].relevance.matched, key=lambda m: len(m.terms))
        assert names[strongest.interest] in judgment
    # one change against the four weeks before: what rose, and by how much
    rose = next(fact for code, fact in facts.items() if code.startswith("digest-rising"))
    assert CHANGE[language] in judgment and f"{rose.args['today']}" in judgment
    key = next(k for k in ("interest", "term", "category") if k in rose.args)
    category = next((c for c in settings.taxonomy if c.slug == rose.args[key]), None)
    worded = {"interest": names.get(rose.args[key]), "term": rose.args[key],
              "category": category and (category.name_en if language == "en" and category.name_en else category.name)}[key]
    assert worded in judgment, judgment
