"""Reliability (issue #7): the scenario table covers every source and fault, and the README shows it.

The README's "Reliability" section is written by scripts/reliability_report.py from what the
reliability tests observed; this test fails when the section lists a scenario the suite does
not have, misses one it has, or shows a fault/source text that changed since it was written.
"""

from __future__ import annotations

import importlib

from reliability import BY_NAME, ENDPOINTS, README, SCENARIOS, md_cell, readme_section, table_rows

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


def test_readme_lists_every_scenario():
    section = readme_section(README.read_text(encoding="utf-8"))
    assert section is not None, "README.md has no reliability section: run scripts/reliability_report.py"
    rows = table_rows(section)
    assert sorted(set(BY_NAME) - set(rows)) == [], "scenarios missing from the README: run scripts/reliability_report.py"
    assert sorted(set(rows) - set(BY_NAME)) == [], "the README lists scenarios the suite no longer has: run scripts/reliability_report.py"
    for name, cells in rows.items():
        scenario = BY_NAME[name]
        assert cells[0] == md_cell(scenario.fault) and cells[1] == md_cell(scenario.source), f"{name}: README row is stale"
        assert cells[2] and not cells[2].startswith("(not run"), f"{name}: no observed behaviour in the README"
