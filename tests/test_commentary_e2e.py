"""Commentary end to end: the whole `briefing run` with the fake LLM server, and human edits in git."""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys

import yaml

from conftest import REPLAY_DAY, ROOT
from fake_llm import FakeLLM
from generator.store import Archive

SECRET = "sk-e2e-SECRET-7f3a91"


def run_briefing(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "generator.cli", *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)


def base_env(data_dir, **extra) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("BRIEFING_")}
    env["BRIEFING_DATA_DIR"] = str(data_dir)
    env.update(extra)
    return env


def test_replayed_day_with_the_fake_llm_in_english(tmp_path):
    """Issue 3, acceptance 1 and 6: every featured item and the day-level sections, in the
    configured language; the key appears nowhere in output or data."""
    data_dir = tmp_path / "data"
    with FakeLLM() as fake:
        env = base_env(data_dir, BRIEFING_LLM__BASE_URL=fake.base_url, BRIEFING_LLM__MODEL="fake-model",
                       BRIEFING_LLM__API_KEY=SECRET, BRIEFING_LANGUAGE="en")
        result = run_briefing("run", "--replay", str(REPLAY_DAY), "--ok-if-degraded", env=env)
        assert result.returncode == 0, result.stderr
        assert fake.requests, "the LLM was never asked"
        assert all(r.headers.get("authorization") == f"Bearer {SECRET}" for r in fake.requests)
    archive = Archive(data_dir)
    edition = archive.load_edition(dt.date(2026, 4, 30))
    assert edition.language == "en"
    assert edition.judgment is not None and edition.judgment.by == "llm:fake-model"
    assert edition.ideas and "ideas" not in edition.needs_llm
    for item_id in edition.item_ids():
        commentary = archive.load_item(item_id).commentary
        assert commentary.contribution is not None, item_id
        assert commentary.contribution.by == "llm:fake-model" and commentary.contribution.prompt == "item.v1"
    everything = result.stdout + result.stderr + "".join(p.read_text(encoding="utf-8") for p in data_dir.rglob("*.yaml"))
    assert SECRET not in everything


def git(repo, *args: str) -> str:
    return subprocess.run(["git", *args], cwd=repo, check=True, capture_output=True, text=True).stdout


def test_a_hand_edit_survives_reruns_and_git_diff_shows_only_it(tmp_path):
    """Issue 3, acceptance 3."""
    repo = tmp_path / "archive"
    data_dir = repo / "data"
    env = base_env(data_dir)
    assert run_briefing("run", "--replay", str(REPLAY_DAY), "--quiet", env=env).returncode == 3
    git(repo, "init", "-q")
    git(repo, "add", "-A")
    git(repo, "-c", "user.email=t@example.org", "-c", "user.name=t", "commit", "-qm", "day 1")

    archive = Archive(data_dir)
    edition = archive.load_edition(dt.date(2026, 4, 30))
    item_id = edition.sections[0].entries[0].item
    path = archive.item_file(item_id)
    before = path.read_text(encoding="utf-8")
    human = "人工修订：这篇论文的核心贡献，用一句话说清。"
    raw = yaml.safe_load(before)
    assert raw["commentary"]["contribution"]["text"] != human
    raw["commentary"]["contribution"]["text"] = human
    from generator.store import dump_yaml
    path.write_text(dump_yaml(raw), encoding="utf-8")
    human_diff = git(repo, "diff")
    added = [line for line in human_diff.splitlines() if line.startswith("+") and not line.startswith("+++")]
    assert added == [f"+    text: {human}"], human_diff

    assert run_briefing("run", "--replay", str(REPLAY_DAY), "--quiet", env=env).returncode == 3
    assert git(repo, "diff") == human_diff, "a same-day re-run changed more than the human's edit"

    later = run_briefing("run", "--replay", str(REPLAY_DAY), "--date", "2026-05-01", "--quiet", env=env)
    assert later.returncode in (0, 3), later.stderr
    after = yaml.safe_load(path.read_text(encoding="utf-8"))
    assert after["commentary"]["contribution"]["text"] == human
    assert after["commentary"].get("why_it_matters") == raw["commentary"].get("why_it_matters")
    assert after["commentary"].get("relation") == raw["commentary"].get("relation")
    assert archive.load_edition(dt.date(2026, 4, 30)) == edition, "a later day's run changed an earlier edition"
