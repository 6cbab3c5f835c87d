"""generator.gitops and `briefing publish-data`: commit data/ once, push, survive push races.

Every test works in its own temporary repositories: a bare "remote" and clones of it.
"""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from generator import gitops
from generator.gitops import PublishError, commit_data

DAY = dt.date(2026, 4, 30)
BRIEFING = str(Path(sys.executable).parent / "briefing")


@pytest.fixture(autouse=True)
def isolated_git(tmp_path, monkeypatch):
    """No developer or system git config, no inherited identity."""
    config = tmp_path / "gitconfig"
    config.write_text("[init]\n\tdefaultBranch = main\n[advice]\n\tdetachedHead = false\n")
    monkeypatch.setenv("GIT_CONFIG_GLOBAL", str(config))
    monkeypatch.setenv("GIT_CONFIG_NOSYSTEM", "1")
    for name in ("GIT_AUTHOR_NAME", "GIT_AUTHOR_EMAIL", "GIT_COMMITTER_NAME", "GIT_COMMITTER_EMAIL", "GIT_DIR", "GIT_WORK_TREE"):
        monkeypatch.delenv(name, raising=False)


def git(repo: Path, *args: str) -> str:
    result = subprocess.run(["git", *args], cwd=repo, capture_output=True, text=True)
    assert result.returncode == 0, f"git {' '.join(args)}: {result.stderr}"
    return result.stdout.strip()


def human_commit(repo: Path, path: str, text: str, message: str) -> None:
    file = repo / path
    file.parent.mkdir(parents=True, exist_ok=True)
    file.write_text(text, encoding="utf-8")
    git(repo, "add", path)
    git(repo, "-c", "user.name=Reader", "-c", "user.email=reader@example.org", "commit", "-q", "-m", message)


@pytest.fixture
def remote(tmp_path) -> Path:
    """A bare remote holding one commit (a README and an existing item)."""
    seed = tmp_path / "seed"
    seed.mkdir()
    git(seed, "init", "-q", "-b", "main")
    human_commit(seed, "README.md", "briefing\n", "initial")
    human_commit(seed, "data/items/paper/2604/2604.00001.yaml", "id: arxiv:2604.00001\n", "an item")
    bare = tmp_path / "remote.git"
    git(tmp_path, "clone", "-q", "--bare", str(seed), str(bare))
    return bare


@pytest.fixture
def clone(tmp_path, remote):
    def make(name: str) -> Path:
        path = tmp_path / name
        git(tmp_path, "clone", "-q", str(remote), str(path))
        return path

    return make


def remote_log(remote: Path) -> list[str]:
    return git(remote, "log", "--format=%s", "main").splitlines()


def write_day(repo: Path, day: dt.date, text: str = "edition\n") -> None:
    path = repo / "data" / "briefings" / str(day.year) / f"{day.isoformat()}.yaml"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(f"date: {day.isoformat()}\n{text}", encoding="utf-8")


def test_commits_the_day_once_and_pushes(clone, remote):
    work = clone("work")
    write_day(work, DAY)
    assert commit_data(work, DAY, push=True) is True
    assert remote_log(remote)[0] == "data: briefing 2026-04-30"
    author = git(remote, "log", "-1", "--format=%an <%ae>|%cn", "main")
    assert author == "briefing-bot <briefing-bot@users.noreply.github.com>|briefing-bot"
    # Nothing changed since: no commit, no push.
    head = git(remote, "rev-parse", "main")
    assert commit_data(work, DAY, push=True) is False
    assert git(remote, "rev-parse", "main") == head


def test_only_data_is_committed(clone, remote):
    work = clone("work")
    write_day(work, DAY)
    (work / "README.md").write_text("edited by hand, not for the bot\n")
    (work / "notes.txt").write_text("untracked\n")
    git(work, "add", "README.md")  # even a staged change outside data/ stays out
    assert commit_data(work, DAY, push=True) is True
    files = git(remote, "show", "--name-only", "--format=", "main").splitlines()
    assert files == ["data/briefings/2026/2026-04-30.yaml"]
    status = git(work, "status", "--porcelain")
    assert "M  README.md" in status and "?? notes.txt" in status


def test_deletions_under_data_are_committed(clone, remote):
    work = clone("work")
    (work / "data/items/paper/2604/2604.00001.yaml").unlink()
    assert commit_data(work, DAY, push=True) is True
    assert git(remote, "show", "--name-status", "--format=", "main") == "D\tdata/items/paper/2604/2604.00001.yaml"


def test_identity_from_the_environment(clone, remote, monkeypatch):
    monkeypatch.setenv("GIT_AUTHOR_NAME", "Daily Run")
    monkeypatch.setenv("GIT_AUTHOR_EMAIL", "daily@example.org")
    work = clone("work")
    write_day(work, DAY)
    commit_data(work, DAY, push=True)
    assert git(remote, "log", "-1", "--format=%an <%ae>", "main") == "Daily Run <daily@example.org>"


def test_no_push_commits_locally_only(clone, remote):
    work = clone("work")
    write_day(work, DAY)
    before = remote_log(remote)
    assert commit_data(work, DAY, push=False) is True
    assert remote_log(remote) == before
    assert git(work, "log", "-1", "--format=%s") == "data: briefing 2026-04-30"


def test_missing_data_dir_is_nothing_to_commit(tmp_path):
    repo = tmp_path / "fresh"
    repo.mkdir()
    git(repo, "init", "-q", "-b", "main")
    human_commit(repo, "README.md", "x\n", "initial")
    assert commit_data(repo, DAY, push=False) is False


def test_not_a_repository(tmp_path):
    with pytest.raises(PublishError, match="not a git repository"):
        commit_data(tmp_path, DAY, push=False)


def test_push_race_rebases_and_retries(clone, remote):
    """Someone pushed while the run collected: the push is rejected, rebased, pushed again."""
    bot, reader = clone("bot"), clone("reader")
    human_commit(reader, "data/items/paper/2604/2604.00001.yaml", "id: arxiv:2604.00001\nnote: corrected\n", "fix: correct an item")
    git(reader, "push", "-q", "origin", "main")
    write_day(bot, DAY)
    assert commit_data(bot, DAY, push=True, retry_wait=0) is True
    assert remote_log(remote)[:2] == ["data: briefing 2026-04-30", "fix: correct an item"]
    # Linear history: rebased, never merged.
    assert git(remote, "rev-list", "--merges", "--count", "main") == "0"
    assert git(bot, "status", "--porcelain", "--untracked-files=no") == ""


def test_concurrent_pushes_from_two_clones_both_land(clone, remote):
    """Two clones commit different days and push at the same moment, three times over."""
    a, b = clone("a"), clone("b")
    errors: list[BaseException] = []
    for round_ in range(3):
        days = (dt.date(2026, 5, 1 + 2 * round_), dt.date(2026, 5, 2 + 2 * round_))
        barrier = threading.Barrier(2)

        def publish(repo: Path, day: dt.date) -> None:
            try:
                write_day(repo, day)
                barrier.wait(timeout=10)
                assert commit_data(repo, day, push=True, retries=5, retry_wait=0.05) is True
            except BaseException as exc:  # noqa: BLE001 (re-raised below, in the test's thread)
                errors.append(exc)

        threads = [threading.Thread(target=publish, args=(a, days[0])), threading.Thread(target=publish, args=(b, days[1]))]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=60)
        assert not errors, errors
    log = remote_log(remote)
    expected = {f"data: briefing 2026-05-0{d}" for d in range(1, 7)}
    assert expected <= set(log)
    assert git(remote, "rev-list", "--merges", "--count", "main") == "0"
    tree = git(remote, "ls-tree", "-r", "--name-only", "main")
    assert all(f"data/briefings/2026/2026-05-0{d}.yaml" in tree for d in range(1, 7))


def test_concurrent_cli_runs_both_land(clone, remote):
    """The same race through `briefing publish-data`, two processes at once."""
    a, b = clone("a"), clone("b")
    write_day(a, dt.date(2026, 5, 1))
    write_day(b, dt.date(2026, 5, 2))
    procs = [
        subprocess.Popen([BRIEFING, "publish-data", "--date", day, "--repo", str(repo), "--data-dir", str(repo / "data"), "--retries", "5"],
                         cwd=repo, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        for repo, day in ((a, "2026-05-01"), (b, "2026-05-02"))
    ]
    outputs = [p.communicate(timeout=120) for p in procs]
    assert [p.returncode for p in procs] == [0, 0], outputs
    assert {"data: briefing 2026-05-01", "data: briefing 2026-05-02"} <= set(remote_log(remote))


def test_rebase_conflict_is_reported_and_undone(clone, remote):
    bot, reader = clone("bot"), clone("reader")
    item = "data/items/paper/2604/2604.00001.yaml"
    human_commit(reader, item, "id: arxiv:2604.00001\ncommentary: the reader's words\n", "fix: commentary")
    git(reader, "push", "-q", "origin", "main")
    (bot / item).write_text("id: arxiv:2604.00001\ncommentary: the bot's words\n")
    with pytest.raises(PublishError, match=r"conflicts in data/items/paper/2604/2604\.00001\.yaml") as info:
        commit_data(bot, DAY, push=True, retry_wait=0)
    assert "\n" not in str(info.value)
    # Not left half-rebased; the bot's commit is still there to retry or inspect.
    assert not (bot / ".git" / "rebase-merge").exists() and not (bot / ".git" / "rebase-apply").exists()
    assert git(bot, "log", "-1", "--format=%s") == "data: briefing 2026-04-30"
    assert remote_log(remote)[0] == "fix: commentary"


def test_a_declined_push_is_not_retried(clone, remote):
    hook = remote / "hooks" / "pre-receive"
    hook.write_text("#!/bin/sh\necho 'branch is protected' >&2\nexit 1\n")
    hook.chmod(0o755)
    work = clone("work")
    write_day(work, DAY)
    with pytest.raises(PublishError, match="declined") as info:
        commit_data(work, DAY, push=True, retry_wait=0)
    assert "\n" not in str(info.value)


def test_gives_up_after_the_retries(clone, monkeypatch):
    """A remote that always moves on first: N+1 pushes, N rebases, then one clear error."""
    work = clone("work")
    write_day(work, DAY)
    real = gitops._git
    calls: list[str] = []

    def fake(repo, *args, check=True):
        if args[0] == "push":
            calls.append("push")
            return subprocess.CompletedProcess(["git", *args], 1, "!\tHEAD:refs/heads/main\t[rejected] (fetch first)\n", "error: failed to push some refs\n")
        if args[0] == "pull":
            calls.append("pull")
            return subprocess.CompletedProcess(["git", *args], 0, "", "")
        return real(repo, *args, check=check)

    monkeypatch.setattr(gitops, "_git", fake)
    with pytest.raises(PublishError, match="rejected 3 times") as info:
        commit_data(work, DAY, push=True, retries=2, retry_wait=0)
    assert calls == ["push", "pull", "push", "pull", "push"]
    assert "\n" not in str(info.value)


def test_cli_publish_data(clone, remote):
    work = clone("work")
    write_day(work, DAY)
    run = subprocess.run([BRIEFING, "publish-data", "--date", "2026-04-30", "--data-dir", "data"], cwd=work, capture_output=True, text=True)
    assert run.returncode == 0, run.stderr
    assert run.stdout.strip() == "2026-04-30: committed data/, pushed to origin"
    assert remote_log(remote)[0] == "data: briefing 2026-04-30"
    again = subprocess.run([BRIEFING, "publish-data", "--date", "2026-04-30", "--data-dir", "data"], cwd=work, capture_output=True, text=True)
    assert again.returncode == 0 and again.stdout.strip() == "2026-04-30: nothing to commit under data/"


def test_cli_error_is_one_line(tmp_path):
    run = subprocess.run([BRIEFING, "publish-data", "--date", "2026-04-30", "--data-dir", "data", "--no-push"], cwd=tmp_path,
                         capture_output=True, text=True, env={**os.environ})
    assert run.returncode == 1
    assert run.stderr.startswith("error: ") and run.stderr.count("\n") == 1, run.stderr
