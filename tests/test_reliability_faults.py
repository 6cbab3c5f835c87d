"""Reliability (issue #7): fault injection against the loopback servers, for every source.

Each scenario of ``reliability.FAULTS`` starts from an archive holding another, real recorded
day, injects one fault into an otherwise healthy day (see ``reliability.healthy_frame``), runs
``briefing run`` in process (virtual clock: back-off and Retry-After are honoured and measured
without waiting) and checks:

* the exit status (0 published, 3 published degraded, 4 nothing published);
* the edition's source report: status, fallback, notes; the requests the endpoint received
  (bounded retries) and the wait the server asked for;
* the day's verification numbers;
* the other day's files: its edition byte-identical, items only gained today's sightings,
  everything validates, no temp file left; with exit 4 nothing under data/ changed at all;
* bounded retries as the servers saw them: no URL was asked more than 1 + MAX_RETRIES times.
"""

from __future__ import annotations

import re
import shutil
from collections import Counter

import pytest

from fixtures_util import english
from reliability import (
    ENDPOINTS,
    FAULTS,
    MAX_RETRIES,
    PRIOR_DAY,
    exit_text,
    healthy_frame,
    invalid_written,
    prior_archive,  # noqa: F401 (fixture)
    record,
    report_text,
    run_day,
    services,  # noqa: F401 (fixture)
    snapshot,
    statuses_text,
    temp_files,
    undisturbed,
)


def observed_text(scenario, outcome, ep, facts) -> str:
    if outcome.assembled is None:
        return f"{exit_text(outcome.code)}; no edition assembled"
    parts = [exit_text(outcome.code)]
    everything = scenario.params["fault"] in ("refused-all", "empty-all")
    shown = [r.source for r in outcome.assembled.sources] if everything else list(dict.fromkeys([ep.source, *scenario.params["expect"].get("status", {})]))
    parts.append("; ".join(report_text(outcome.report(s)) for s in shown))
    if not everything:
        report = outcome.report(ep.source)
        n = facts["requests"]
        parts.append(f"{facts['connect_errors']} connection attempts refused" if facts["connect_errors"] else f"{n} request{'' if n == 1 else 's'} to `{ep.path}`")
        waited = f", {facts['waited']:g} s waited" if facts["waited"] else ""
        parts.append(f"{ep.source} report: {statuses_text(report.http_statuses)} ({report.retries} retries{waited})")
    for source, text in scenario.params["expect"].get("notes", {}).items():
        note = next((english(n) for n in outcome.report(source).notes if text in english(n)), None)
        if note:
            note = re.sub(r"http://127\.0\.0\.1:\d+([^\s?]*?)(\?\S*?)?(?=:\s)", lambda m: "<host>" + m[1] + ("?…" if m[2] else ""), note)
            parts.append(f"{source} note: \"{note if len(note) <= 140 else note[:139] + '…'}\"")
    stats = outcome.assembled.stats
    if outcome.code == 4:
        parts.append("nothing stored: data/ unchanged" if facts["unchanged"] else "DATA CHANGED")
    parts.append(f"items {stats.verified} verified / {stats.partial} partial / {stats.dropped} dropped")
    parts.append("other day untouched" if not facts["problems"] else "PROBLEMS: " + "; ".join(facts["problems"]))
    return "; ".join(parts)


@pytest.mark.parametrize("scenario", FAULTS, ids=lambda s: s.name)
def test_fault(scenario, services, prior_archive, tmp_path, monkeypatch, request):
    ep = ENDPOINTS[scenario.params["endpoint"]]
    expect = scenario.params["expect"]
    frame = healthy_frame(ep.day)
    scenario.params["inject"](frame, ep)
    data_dir = tmp_path / "data"
    shutil.copytree(prior_archive, data_dir)
    before = snapshot(data_dir)

    outcome = run_day(frame, services, tmp_path, data_dir, monkeypatch)

    edition = outcome.assembled  # exit 4 stores nothing: what the run built, and reported
    report = outcome.report(ep.source)
    asked = Counter((name, path, query) for name, server in services.servers.items() for path, query in server.requests)
    problems = undisturbed(before, data_dir, today=frame.day)
    problems += invalid_written(before, data_dir)
    problems += [f"temp file left: {p}" for p in temp_files(data_dir)]
    facts = {
        "exit": outcome.code,
        "status": {r.source: r.status for r in edition.sources} if edition else {},
        "fallback": {r.source: r.fallback for r in edition.sources} if edition else {},
        "requests": services.count(ep.source, ep.path, next(iter(ep.query), None)),
        "connect_errors": report.http_statuses.get("connect-error", 0) if report else 0,
        "waited": outcome.waited(ep.source),
        "stats": edition.stats.model_dump() if edition else {},
        "candidates": {r.source: r.candidates for r in edition.sources} if edition else {},
        "http": {r.source: r.http_statuses for r in edition.sources} if edition else {},
        "listing_requests": services.count("arxiv_api", "/api/query", "search_query"),
        "mirror_requests": services.count("hf_mirror", "/api/feed"),
        "problems": problems,
        "seconds": round(outcome.seconds, 2),
        "unchanged": snapshot(data_dir) == before,
        "most_asked": max(asked.values(), default=0),
    }
    record(scenario, request.node.nodeid, observed_text(scenario, outcome, ep, facts), **facts)

    assert edition is not None, outcome.stderr
    assert outcome.code == expect["exit"], (outcome.stdout, outcome.stderr)
    for source, status in expect.get("status", {}).items():
        assert facts["status"][source] == status, (source, facts["status"], [r.notes for r in edition.sources])
    for source, fallback in expect.get("fallback", {}).items():
        assert facts["fallback"][source] == fallback, (source, facts["fallback"])
    for key in ("requests", "connect_errors", "waited", "listing_requests", "mirror_requests"):
        if key in expect:
            assert facts[key] == expect[key], (key, facts[key], expect[key], facts["http"])
    for key, value in expect.get("stats", {}).items():
        assert facts["stats"][key] == value, (key, facts["stats"])
    for source, count in expect.get("candidates", {}).items():
        assert facts["candidates"][source] == count, (source, facts["candidates"])
    for source, text in expect.get("notes", {}).items():
        assert any(text in english(note) for note in outcome.report(source).notes), outcome.report(source).notes
    if expect["exit"] == 4:  # nothing published: the run found no item, and nothing under data/ changed
        assert edition.status == "empty" and edition.item_ids() == []
        assert facts["unchanged"] and outcome.edition is None
    # bounded, as the servers saw it: no URL is asked more than 1 + MAX_RETRIES times
    assert facts["most_asked"] <= MAX_RETRIES + 1, [(key, n) for key, n in asked.items() if n > MAX_RETRIES + 1]
    # the day the archive already held is untouched, the archive is valid
    assert problems == []
    assert before[f"briefings/{PRIOR_DAY:%Y}/{PRIOR_DAY}.yaml"] == (data_dir / f"briefings/{PRIOR_DAY:%Y}/{PRIOR_DAY}.yaml").read_bytes()
    # the report's numbers are the server's: every attempt is counted
    if not facts["connect_errors"]:
        served = len(services.servers[ep.source].requests)
        if ep.source == "huggingface":  # the mirror feed is asked under the huggingface tally
            served += facts["mirror_requests"]
        assert report.requests == served
