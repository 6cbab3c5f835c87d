"""Archiving a day's data in git: stage data/, commit if anything changed, push, survive push races.

``briefing publish-data`` calls :func:`commit_data`; the daily workflow runs that command after
every check has passed, so only validated data ever reaches the remote.

Push races (a human merged a correction while the daily run was collecting) are handled here,
not in the workflow's shell: a rejected push is followed by ``git pull --rebase`` and another
push, up to ``retries`` times. A rebase that conflicts is aborted, leaving the local commit as
it was, and reported as a :class:`PublishError`; so is a push still rejected after the retries.

Identity: the commit's author and committer are taken from the standard git variables
(``GIT_AUTHOR_NAME``/``GIT_AUTHOR_EMAIL``, ``GIT_COMMITTER_NAME``/``GIT_COMMITTER_EMAIL``) when
set, else ``briefing-bot``: a CI runner has no git identity of its own.
"""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import time
from pathlib import Path
from typing import Sequence

from .errors import BriefingError

BOT_NAME = "briefing-bot"
BOT_EMAIL = "briefing-bot@users.noreply.github.com"

# Words git prints when a push lost a race: the remote moved on (non-fast-forward, fetch first)
# or another push updated the ref at the same moment. A hook's or a branch rule's refusal
# ("[remote rejected] ... declined") is not a race: retrying would not help.
_RACE_MARKERS = ("[rejected]", "non-fast-forward", "fetch first", "failed to update ref", "cannot lock ref", "incorrect old value")


class PublishError(BriefingError):
    """Data could not be committed or pushed (git failed, a rebase conflicted, or retries ran out)."""


def commit_message(day: dt.date) -> str:
    return f"data: briefing {day.isoformat()}"


def _identity_env() -> dict[str, str]:
    env = dict(os.environ)
    name = env.get("GIT_AUTHOR_NAME") or BOT_NAME
    email = env.get("GIT_AUTHOR_EMAIL") or BOT_EMAIL
    env["GIT_AUTHOR_NAME"], env["GIT_AUTHOR_EMAIL"] = name, email
    env.setdefault("GIT_COMMITTER_NAME", name)
    env.setdefault("GIT_COMMITTER_EMAIL", email)
    env["GIT_TERMINAL_PROMPT"] = "0"  # never wait for a password on a runner
    return env


def _git(repo: Path, *args: str, check: bool = True) -> subprocess.CompletedProcess:
    try:
        result = subprocess.run(["git", *args], cwd=repo, env=_identity_env(), capture_output=True, text=True)
    except FileNotFoundError:
        raise PublishError("git is not installed (or not on PATH); install git to archive data") from None
    if check and result.returncode != 0:
        raise PublishError(f"git {' '.join(args)} failed in {repo}: {_last_line(result)}")
    return result


def _last_line(result: subprocess.CompletedProcess) -> str:
    lines = [line.strip() for line in (result.stderr or result.stdout or "").splitlines() if line.strip()]
    # git's most useful line is usually the first error:/fatal: one, else the last.
    for line in lines:
        if line.startswith(("fatal:", "error:")):
            return line
    return lines[-1] if lines else f"exit {result.returncode}"


def _is_race(result: subprocess.CompletedProcess) -> bool:
    text = f"{result.stdout}\n{result.stderr}"
    return any(marker in text for marker in _RACE_MARKERS)


def current_branch(repo: Path) -> str:
    result = _git(repo, "symbolic-ref", "--quiet", "--short", "HEAD", check=False)
    if result.returncode != 0 or not result.stdout.strip():
        raise PublishError(f"{repo}: HEAD is detached; check out a branch or pass --branch")
    return result.stdout.strip()


def commit_data(
    repo: Path,
    day: dt.date,
    *,
    push: bool,
    remote: str = "origin",
    branch: str | None = None,
    retries: int = 3,
    paths: Sequence[str] = ("data",),
    retry_wait: float = 1.0,
) -> bool:
    """Stage ``paths`` (default data/), commit them if changed, and push. True if a commit was made.

    Nothing else in the index or work tree is committed. With ``push``, a rejected push is
    retried after ``git pull --rebase`` up to ``retries`` times (waiting ``retry_wait`` x attempt
    seconds between tries); a push that fails for another reason (network, permissions) is
    reported at once.
    """
    repo = Path(repo)
    top = _git(repo, "rev-parse", "--show-toplevel", check=False)
    if top.returncode != 0:
        raise PublishError(f"{repo} is not a git repository; run publish-data inside the checkout (or pass --repo)")
    # A path that was never there (a fresh fork before its first run) is nothing to stage.
    paths = [str(p) for p in paths if (repo / p).exists() or _git(repo, "ls-files", "--", str(p)).stdout.strip()]
    if not paths:
        return False
    _git(repo, "add", "-A", "--", *paths)
    staged = _git(repo, "diff", "--cached", "--quiet", "--", *paths, check=False)
    if staged.returncode == 0:
        return False
    if staged.returncode != 1:
        raise PublishError(f"git diff --cached failed in {repo}: {_last_line(staged)}")
    _git(repo, "commit", "--quiet", "--no-verify", "-m", commit_message(day), "--", *paths)
    if push:
        push_with_retries(repo, remote=remote, branch=branch or current_branch(repo), retries=retries, retry_wait=retry_wait)
    return True


def push_with_retries(repo: Path, *, remote: str, branch: str, retries: int = 3, retry_wait: float = 1.0) -> None:
    """Push HEAD to ``remote``/``branch``; on a lost race rebase onto the remote and try again."""
    attempts = max(0, retries) + 1
    for attempt in range(1, attempts + 1):
        result = _git(repo, "push", "--porcelain", remote, f"HEAD:refs/heads/{branch}", check=False)
        if result.returncode == 0:
            return
        if not _is_race(result):
            raise PublishError(f"git push to {remote}/{branch} failed: {_last_line(result)}")
        if attempt == attempts:
            break
        _rebase_onto_remote(repo, remote, branch)
        if retry_wait:
            time.sleep(retry_wait * attempt)
    raise PublishError(
        f"git push to {remote}/{branch} was rejected {attempts} times (others kept pushing first); "
        f"the commit is kept locally: run publish-data again"
    )


def _rebase_onto_remote(repo: Path, remote: str, branch: str) -> None:
    result = _git(repo, "pull", "--rebase", "--autostash", "--quiet", remote, branch, check=False)
    if result.returncode == 0:
        return
    conflicted = _git(repo, "diff", "--name-only", "--diff-filter=U", check=False).stdout.split()
    # Leave the work tree as it was before the pull: the local commit stays, nothing half-rebased.
    _git(repo, "rebase", "--abort", check=False)
    if conflicted:
        raise PublishError(
            f"git pull --rebase from {remote}/{branch} conflicts in {', '.join(conflicted[:5])}; "
            "someone changed the same files: resolve by hand, then run publish-data again"
        )
    raise PublishError(f"git pull --rebase from {remote}/{branch} failed: {_last_line(result)}")
