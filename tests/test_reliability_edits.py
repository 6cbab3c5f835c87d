"""Reliability (issue #7): bad hand edits are reported with file:line, and nothing is published.

Each scenario edits a copy of an archive holding the README's recorded day (a pull request
would), then runs ``briefing validate``: exit 1 and one ``path:line: field: problem`` per fault,
the line being the edited one. The daily workflow runs ``briefing validate`` before it builds,
archives or deploys anything (checked on .github/workflows/daily.yml), so a bad edit stops the
day before anything is published. A run over a hand-broken item refuses and leaves it alone.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import yaml

from conftest import ROOT
from reliability import (
    PRIOR_DAY,
    REPLAY_MANIFEST,
    prior_archive,  # noqa: F401 (fixture)
    record,
    run_cli,
    scenarios_of,
    snapshot,
)

ITEM = "items/paper/2604/2604.26904.yaml"  # a paper of the recorded day (also in the 2026-04-30 listing)
EDITION = f"briefings/{PRIOR_DAY:%Y}/{PRIOR_DAY}.yaml"


def edit(path: Path, old: str, new: str) -> int:
    """Replace the first ``old`` by ``new``; the 1-based line where the change starts."""
    text = path.read_text(encoding="utf-8")
    assert old in text, (path, old)
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return text[: text.index(old)].count("\n") + 1


def unknown_field(data: Path):
    line = edit(data / ITEM, "kind: paper\n", "kind: paper\ntitel: a typo\n") + 1
    return [(f"data/{ITEM}", line, "titel", "unknown field")]


def wrong_type(data: Path):
    line = edit(data / ITEM, "published: 2026-04-29", "published: last tuesday")
    return [(f"data/{ITEM}", line, "published", "date")]


def broken_yaml(data: Path):
    line = edit(data / ITEM, "title: 'ClawGym", "title: ['ClawGym")
    return [(f"data/{ITEM}", None, "(syntax)", "not valid YAML")]  # the parser names where it noticed


def duplicate_id(data: Path):
    copy = data / "items/paper/2604/copy-of-2604.26904.yaml"
    shutil.copy(data / ITEM, copy)
    shown = "data/items/paper/2604/copy-of-2604.26904.yaml"
    return [(shown, 1, "id", f"duplicate id arxiv:2604.26904, also in data/{ITEM}"), (shown, 1, "id", "belongs in")]


def missing_item(data: Path):
    first = yaml.safe_load((data / EDITION).read_text(encoding="utf-8"))["sections"][0]["entries"][0]["item"]
    line = edit(data / EDITION, f"- item: {first}", "- item: arxiv:2604.99999")  # the entry (the digest names items too)
    return [(f"data/{EDITION}", line, "sections[0].entries[0].item", "names item arxiv:2604.99999, which is not in data/items")]


def not_utf8(data: Path):
    path = data / ITEM
    path.write_bytes(path.read_bytes().replace(b"title: 'ClawGym", "title: 'Café ClawGym".encode("latin-1")))  # é as one Latin-1 byte
    return [(f"data/{ITEM}", 1, "(file)", "not UTF-8")]


EDITS = {
    "edit-unknown-field": unknown_field,
    "edit-wrong-type": wrong_type,
    "edit-broken-yaml": broken_yaml,
    "edit-duplicate-id": duplicate_id,
    "edit-missing-item": missing_item,
    "edit-not-utf8": not_utf8,
}


def workflow_gate() -> tuple[list[str], str]:
    """Problems with the daily workflow's gate, and a description of it."""
    workflow = yaml.safe_load((ROOT / ".github/workflows/daily.yml").read_text(encoding="utf-8"))
    problems = []
    build = workflow["jobs"]["build"]["steps"]
    runs = [(i, step) for i, step in enumerate(build) if "run" in step or "uses" in step]
    validate = [i for i, step in runs if "briefing validate" in step.get("run", "")]
    if not validate:
        return ["no `briefing validate` step in the build job"], ""
    gate = build[validate[0]]
    if gate.get("continue-on-error") or "if" in gate:
        problems.append("the validate step may be skipped or may fail without stopping the job")
    later = {
        "build": [i for i, s in runs if "briefing build" in s.get("run", "")],
        "archive": [i for i, s in runs if "publish-data" in s.get("run", "")],
        "upload": [i for i, s in runs if "upload-pages-artifact" in s.get("uses", "")],
    }
    for what, positions in later.items():
        if not positions or min(positions) < validate[0]:
            problems.append(f"{what} is not after `briefing validate`")
    deploy = workflow["jobs"].get("deploy", {})
    if "build" not in (deploy.get("needs") or []) and deploy.get("needs") != "build":
        problems.append("deploy does not depend on the build job")
    described = ("`briefing validate` (step %d of the build job, no continue-on-error) precedes build (%d), archive (%d) and "
                 "upload (%d); deploy needs the build job" % (validate[0] + 1, min(later["build"]) + 1, min(later["archive"]) + 1, min(later["upload"]) + 1))
    return problems, described


@pytest.mark.parametrize("scenario", scenarios_of("test_bad_edit"), ids=lambda s: s.name)
def test_bad_edit(scenario, prior_archive, tmp_path, monkeypatch, request, capsys):
    if scenario.name == "edit-workflow-gate":
        problems, described = workflow_gate()
        record(scenario, request.node.nodeid, described if not problems else "; ".join(problems), problems=problems)
        assert problems == []
        return

    data = tmp_path / "data"
    shutil.copytree(prior_archive, data)
    monkeypatch.chdir(tmp_path)
    expected = EDITS[scenario.name](data)
    code, out, err, _ = run_cli(["validate", "--data-dir", "data"], monkeypatch)
    lines = out.strip().splitlines()
    facts = {"exit": code, "output": lines, "stderr": err.strip()}

    run_note = ""
    if scenario.name == "edit-broken-yaml":  # a run that needs the broken item refuses, and writes nothing
        before = snapshot(data)
        monkeypatch.setenv("BRIEFING_DATA_DIR", str(data))
        monkeypatch.chdir(ROOT)
        run_code, _, run_err, _ = run_cli(["run", "--replay", REPLAY_MANIFEST, "--quiet"], monkeypatch)
        unchanged = snapshot(data) == before
        run_err = run_err.replace(str(data), "data")
        facts.update(run_exit=run_code, run_stderr=run_err.strip(), run_left_archive_unchanged=unchanged)
        run_note = f"; `briefing run` exits {run_code} (`{run_err.strip()}`) and changes no file" if unchanged else "; `briefing run` CHANGED files"
    shown = " / ".join(f"`{line[:150]}`" for line in lines)
    record(scenario, request.node.nodeid, f"`briefing validate` exits {code}: {shown}{run_note}", **facts)

    assert code == 1
    for path, line, field, problem in expected:
        prefix = f"{path}:{line}: {field}: " if line else f"{path}:"
        assert any(l.startswith(prefix) and problem in l and (line or field in l) for l in lines), (prefix, problem, lines)
    if scenario.name == "edit-broken-yaml":
        assert facts["run_exit"] == 1 and facts["run_left_archive_unchanged"]
        assert f"{ITEM}:" in facts["run_stderr"] and "not valid YAML" in facts["run_stderr"]
