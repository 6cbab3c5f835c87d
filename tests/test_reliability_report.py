"""Reliability (issue #7): the scenario table covers every source and fault, and RELIABILITY.md shows it.

RELIABILITY.md is written by scripts/reliability_report.py from what the reliability tests
observed; this test fails when it lists a scenario the suite does not have, misses one it has,
or shows a fault/source text that changed since it was written.
"""

from __future__ import annotations

import importlib

from reliability import BY_NAME, ENDPOINTS, REPORT, SCENARIOS, md_cell, table_rows

REQUIRED = {  # fault kinds every endpoint must face
    "all": ["429", "500", "503", "timeout", "truncated", "html"],
    "github_search": ["403", "403-secondary", "refused", "empty", "drift-2014", "drift-missing"],
    "github_repo": ["403", "404", "drift"],
    "arxiv_rss": ["refused", "error-channel", "empty-weekday", "empty-weekend", "drift"],
    "arxiv_listing": ["refused", "http400", "empty", "legacy"],
    "arxiv_id_list": ["empty", "drift", "legacy"],
    "hf_daily_papers": ["refused", "empty", "drift-2026", "drift-missing", "mirror-fails-too"],
    "hf_models": ["empty", "drift", "drift-missing"],
    "github_trending": ["refused", "drift"],
}


def test_every_source_faces_every_fault():
    missing = [f"{ep}-{fault}" for ep in ENDPOINTS for fault in REQUIRED["all"] + REQUIRED.get(ep, []) if f"{ep}-{fault}" not in BY_NAME]
    assert missing == []


def test_every_scenario_names_a_test_that_exists():
    for scenario in SCENARIOS:
        path, _, function = scenario.test.partition("::")
        module = importlib.import_module(path.removeprefix("tests/").removesuffix(".py"))
        assert callable(getattr(module, function, None)), scenario


def test_report_lists_every_scenario():
    assert REPORT.is_file(), f"{REPORT.name} is missing: run scripts/reliability_report.py"
    rows = table_rows(REPORT.read_text(encoding="utf-8"))
    assert sorted(set(BY_NAME) - set(rows)) == [], f"scenarios missing from {REPORT.name}: run scripts/reliability_report.py"
    assert sorted(set(rows) - set(BY_NAME)) == [], f"{REPORT.name} lists scenarios the suite no longer has: run scripts/reliability_report.py"
    for name, cells in rows.items():
        scenario = BY_NAME[name]
        assert cells[0] == md_cell(scenario.fault) and cells[1] == md_cell(scenario.source), f"{name}: {REPORT.name} row is stale"
        assert cells[2] and not cells[2].startswith("(not run"), f"{name}: no observed behaviour in {REPORT.name}"


def test_readme_links_the_reports():
    readme = (REPORT.parent / "README.md").read_text(encoding="utf-8")
    assert "](RELIABILITY.md)" in readme and "](PERFORMANCE.md)" in readme
    assert len(readme.encode("utf-8")) <= 12 * 1024, "README.md grew past 12 KB: move detail to ARCHITECTURE.md or a report"
