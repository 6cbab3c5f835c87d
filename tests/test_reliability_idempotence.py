"""Reliability (issue #7): the same inputs give the same bytes; a backfill disturbs no other day.

Runs are in process against the loopback servers (``reliability.healthy_frame``), starting
from an archive holding the README's recorded day (run for PRIOR_DAY). The merge itself is
checked with hypothesis: idempotent, sightings only accumulate, nothing known is lost.
"""

from __future__ import annotations

import datetime as dt
import shutil

import pytest
from hypothesis import HealthCheck, given, settings as hyp_settings, strategies as st

from generator import merge
from generator.models import Candidate, Verification
from generator.validate import validate
from generator.verify import Verified
from reliability import (
    PRIOR_DAY,
    WEEKDAY,
    healthy_frame,
    prior_archive,  # noqa: F401 (fixture)
    record,
    run_day,
    scenarios_of,
    services,  # noqa: F401 (fixture)
    snapshot,
    undisturbed,
)

SCENARIOS = {s.name: s for s in scenarios_of("test_idempotence")}
LATEST_DAY = dt.date(2026, 5, 1)  # "today" (a Friday), run before the backfill
BACKFILL_DAY = WEEKDAY  # a past Thursday: arXiv through the API listing


def rerun(scenario, services, prior_archive, tmp_path, monkeypatch, request):
    data_dir = tmp_path / "data"
    shutil.copytree(prior_archive, data_dir)
    first = run_day(healthy_frame(WEEKDAY), services, tmp_path, data_dir, monkeypatch)
    after_first = snapshot(data_dir)
    second = run_day(healthy_frame(WEEKDAY), services, tmp_path, data_dir, monkeypatch)
    after_second = snapshot(data_dir)
    faults = [f.text() for f in validate(data_dir, shown_root=tmp_path)]
    changed = sorted(k for k in set(after_first) | set(after_second) if after_first.get(k) != after_second.get(k))
    observed = (
        f"first run {first.stdout.split(': ', 1)[1].split(' under')[0]}; second run {second.stdout.split(': ', 1)[1].split(' under')[0]}; "
        + ("no byte changed under data/" if not changed else f"CHANGED: {', '.join(changed[:5])}")
        + ("; archive valid" if not faults else f"; {len(faults)} validation faults")
    )
    record(scenario, request.node.nodeid, observed, changed=changed, faults=faults, first=first.stdout, second=second.stdout)
    assert first.code == second.code == 0
    assert "0 files changed" in second.stdout
    assert changed == []
    assert faults == []


def backfill(scenario, services, prior_archive, tmp_path, monkeypatch, request):
    data_dir = tmp_path / "data"
    shutil.copytree(prior_archive, data_dir)
    assert run_day(healthy_frame(LATEST_DAY), services, tmp_path, data_dir, monkeypatch).code == 0
    before = snapshot(data_dir)

    backfill = healthy_frame(BACKFILL_DAY)
    first = run_day(backfill, services, tmp_path, data_dir, monkeypatch)
    after_backfill = snapshot(data_dir)
    problems = undisturbed(before, data_dir, today=BACKFILL_DAY)
    grown = sum(1 for rel in before if rel.startswith("items/") and after_backfill[rel] != before[rel])
    added = sorted(set(after_backfill) - set(before))
    again = run_day(healthy_frame(BACKFILL_DAY), services, tmp_path, data_dir, monkeypatch)
    rerun_changed = sorted(k for k in set(after_backfill) | set(snapshot(data_dir)) if after_backfill.get(k) != snapshot(data_dir).get(k))
    faults = [f.text() for f in validate(data_dir, shown_root=tmp_path)]
    editions = [rel for rel in before if rel.startswith("briefings/")]
    listing = first.report("arxiv_api")
    observed = (
        f"backfill of {BACKFILL_DAY} after {PRIOR_DAY} and {LATEST_DAY}: exit {first.code}, arXiv through the API listing "
        f"({listing.candidates} papers in its window); the {len(editions)} other editions byte-identical; "
        f"{grown} existing items only gained a sighting of {BACKFILL_DAY}; {len(added)} files added; "
        + ("re-running the backfill changed nothing" if not rerun_changed else f"re-run CHANGED {rerun_changed[:3]}")
        + ("" if not problems else "; PROBLEMS: " + "; ".join(problems[:5]))
        + ("; archive valid" if not faults else f"; {len(faults)} validation faults")
    )
    record(scenario, request.node.nodeid, observed, problems=problems, faults=faults, rerun_changed=rerun_changed, grown=grown, added=added)
    assert first.code == 0 and again.code == 0
    assert first.report("arxiv_rss").fallback == "arxiv_api listing"
    assert problems == []
    for rel in editions:
        assert after_backfill[rel] == before[rel], rel
    assert grown > 0 and f"briefings/2026/{BACKFILL_DAY}.yaml" in added
    assert rerun_changed == [] and "0 files changed" in again.stdout
    assert faults == []


# --------------------------------------------------------------------------- merge properties

SOURCES = ["arxiv-rss", "arxiv-api", "hf-daily-papers"]
words = st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=20)
days = st.dates(min_value=dt.date(2026, 1, 1), max_value=dt.date(2026, 12, 31))


@st.composite
def day_input(draw, day: dt.date):
    """One day's candidates for the paper arxiv:2604.26904 and its verification outcome."""
    def candidate(source: str) -> Candidate:
        return Candidate(
            id="arxiv:2604.26904", kind="paper", source=source, title=draw(words), url="https://arxiv.org/abs/2604.26904",
            published=draw(st.none() | st.just(dt.date(2026, 1, 1))), updated=draw(st.none() | days),
            version=draw(st.none() | st.sampled_from(["v1", "v2", "v3"])), authors=draw(st.lists(words, max_size=2)),
            summary=draw(st.sampled_from(["", "An abstract.", "Another abstract."])),
            categories=draw(st.lists(st.sampled_from(["cs.LG", "cs.CL"]), max_size=2, unique=True)),
            links=draw(st.dictionaries(st.sampled_from(["abs", "pdf", "hf", "github"]), st.just("https://example.org/x"), max_size=2)),
            related=draw(st.lists(st.sampled_from(["github:a/b", "github:c/d"]), max_size=2, unique=True)),
            extra=draw(st.dictionaries(st.sampled_from(["hf_date", "mirror"]), st.sampled_from(["x", "y"]), max_size=2)),
        )
    sources = draw(st.lists(st.sampled_from(SOURCES), min_size=1, max_size=3, unique=True))
    candidates = [candidate(s) for s in sources]
    status = draw(st.sampled_from(["verified", "partial"]))
    record_ = candidates[0] if status == "partial" else candidate("arxiv-api").model_copy(update={"published": dt.date(2026, 1, 1), "source": candidates[0].source})
    verification = Verification(status=status, by="arxiv-api", url="https://export.arxiv.org/api/query?id_list=2604.26904",
                                checked=dt.datetime(2026, 6, 1, tzinfo=dt.timezone.utc), matched=["id"])
    return day, Verified(record_, verification), candidates


@st.composite
def histories(draw):
    chosen = draw(st.lists(days, min_size=1, max_size=4, unique=True))
    return [draw(day_input(day)) for day in chosen]


def merged(history):
    item = None
    for day, verified, candidates in history:
        item = merge.merge_item(item, verified, candidates, day)
    return item


@hyp_settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(histories())
def merge_properties(history):
    item = merged(history)
    day, verified, candidates = history[-1]
    # idempotent: the same day's inputs merged again change nothing
    assert merge.merge_item(item, verified, candidates, day) == item
    # sightings only accumulate: one per (source, day) ever seen, in date order
    expected = {(c.source, d) for d, _, cs in history for c in cs}
    assert {(s.source, s.date) for s in item.seen} == expected
    assert [s.date for s in item.seen] == sorted(s.date for s in item.seen)
    # what any day knew is not lost
    assert set(item.versions) == {v for _, vf, cs in history for v in [vf.candidate.version, *(c.version for c in cs)] if v}
    assert set(item.links) == {k for _, vf, cs in history for c in [vf.candidate, *cs] for k in c.links}
    assert set(item.related) == {r for _, vf, cs in history for c in [vf.candidate, *cs] for r in c.related}
    if any(vf.candidate.summary or any(c.summary for c in cs) for _, vf, cs in history):
        assert item.summary, "a summary known on an earlier day was lost"
    if any(vf.candidate.updated for _, vf, _ in history):
        assert item.updated is not None, "an update date known on an earlier day was lost"
    if any(vf.candidate.authors for _, vf, _ in history):
        assert item.authors, "an author list known on an earlier day was lost"
    # a partial look-up never overwrites a verified record
    if any(vf.verification.status == "verified" for _, vf, _ in history):
        assert item.verification.status == "verified"
    # the sightings do not depend on the order the days were run in (backfill)
    backwards = merged(list(reversed(history)))
    assert backwards.seen == item.seen
    assert set(backwards.versions) == set(item.versions)


def merge_property(scenario, services, prior_archive, tmp_path, monkeypatch, request):
    try:
        merge_properties()
    except Exception as exc:  # hypothesis re-raises the shrunk counterexample's failure
        record(scenario, request.node.nodeid, f"FAILED: {type(exc).__name__}: {str(exc).splitlines()[0] if str(exc) else ''}")
        raise
    observed = ("60 generated histories of 1 to 4 days (hypothesis): re-merging a day changes nothing; sightings, versions, "
                "links and related ids only accumulate, whatever the order of days; a known summary, update date or author "
                "list is never lost; a partial look-up never replaces a verified record")
    record(scenario, request.node.nodeid, observed)


RUNS = {"idempotent-rerun": rerun, "backfill-past-day": backfill, "merge-idempotent-property": merge_property}


@pytest.mark.parametrize("scenario", list(SCENARIOS.values()), ids=lambda s: s.name)
def test_idempotence(scenario, services, prior_archive, tmp_path, monkeypatch, request):
    RUNS[scenario.name](scenario, services, prior_archive, tmp_path, monkeypatch, request)
