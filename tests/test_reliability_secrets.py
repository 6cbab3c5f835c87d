"""Reliability (issue #7): tokens and keys never leave the Authorization header of their own host.

``briefing run`` runs as a subprocess with GITHUB_TOKEN, HF_TOKEN and BRIEFING_LLM__API_KEY set
to unique markers, against the loopback servers (one per source host) and the fake LLM
(tests/fake_llm.py). On the way, GitHub's search answers its real recorded 403 rate limit
once, HF's daily papers are down (so the third-party mirror feed is asked), and the LLM
answers one HTTP 500 whose body echoes the key, so error paths run too. Then: each server
saw the right Authorization header or none; no marker is in stdout, stderr, any file under
data/, the rendered pages or feeds, or ``briefing config show``.
"""

from __future__ import annotations

import os
import secrets
import subprocess
import sys

import pytest

from conftest import ROOT
from fake_llm import ITEM_TASK, FakeLLM, Status
from generator import settings as settings_mod
from generator.render.pages import render_feeds, render_site
from generator.store import Archive
from reliability import (
    GH_403,
    WEEKEND,
    healthy_frame,
    record,
    run_cli,
    scenarios_of,
    services,  # noqa: F401 (fixture)
    unwrap,
    write_config,
    Route,
)

TOKEN_HOSTS = {"github_api": "GITHUB_TOKEN", "huggingface": "HF_TOKEN"}


@pytest.mark.parametrize("scenario", scenarios_of("test_secrets"), ids=lambda s: s.name)
def test_secrets(scenario, services, tmp_path, monkeypatch, request):
    marks = {name: f"{name.lower()}-marker-{secrets.token_hex(12)}" for name in ("GITHUB_TOKEN", "HF_TOKEN", "BRIEFING_LLM__API_KEY")}
    frame = healthy_frame(WEEKEND)
    status, headers, body = unwrap(GH_403)
    frame.routes["github_api"].insert(0, Route("/search/repositories", status=status, headers=headers, body=body, times=1))
    # HF's daily papers down for maintenance: the third-party mirror is asked too (it must get no token)
    frame.routes["huggingface"].insert(0, Route("/api/daily_papers", status=503, headers={"Retry-After": "3600"}, body=b"maintenance"))
    for source in frame.settings["sources"].values():
        source["min_interval"] = 0.0  # a real clock in the subprocess: no politeness waits
    frame.settings["http"] = {"backoff_base": 0.0, "backoff_max": 60.0}
    data_dir = tmp_path / "data"
    with FakeLLM() as llm:
        llm.script(ITEM_TASK, Status(500, body={"error": {"message": f"invalid key {marks['BRIEFING_LLM__API_KEY']}"}}))
        frame.settings["llm"] = {"base_url": llm.base_url, "model": "fake-model", "timeout": 5, "max_retries": 1}
        services.load(frame.routes)
        config = write_config(frame, services, tmp_path, data_dir)
        env = {k: v for k, v in os.environ.items() if not k.startswith("BRIEFING_")}
        env.update(marks)
        result = subprocess.run([sys.executable, "-m", "generator.cli", "--config", str(config), "run", "--date", WEEKEND.isoformat()],
                                cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)
        llm_auth = {r.headers.get("authorization") for r in llm.requests}

    seen_auth = {name: {h.get("authorization") for _, _, h in server.seen} for name, server in services.servers.items()}
    expected_auth = {name: ({f"Bearer {marks[TOKEN_HOSTS[name]]}"} if name in TOKEN_HOSTS else {None}) for name in services.servers}
    for monkey_name, value in marks.items():
        monkeypatch.setenv(monkey_name, value)
    _, shown_config, _, _ = run_cli(["--config", str(config), "config", "show"], monkeypatch)

    settings = settings_mod.load(config)
    archive = Archive(data_dir)
    items, editions = archive.load_items(), archive.load_editions()
    site = {**render_site(items, editions, settings), **render_feeds(items, editions, settings)}
    places = {"stdout": result.stdout, "stderr": result.stderr, "config show": shown_config}
    places.update({f"data/{p.relative_to(data_dir)}": p.read_text(encoding="utf-8") for p in data_dir.rglob("*") if p.is_file()})
    places.update({f"site/{path}": text for path, text in site.items()})
    leaks = sorted(f"{where}: {name}" for where, text in places.items() for name, mark in marks.items() if mark in text or mark[-24:] in text)
    wrong_hosts = sorted(f"{name}: saw {sorted(map(str, seen))}" for name, seen in seen_auth.items()
                         if seen and seen != expected_auth[name])
    edition = archive.load_edition(WEEKEND)
    facts = {
        "exit": result.returncode, "leaks": leaks, "wrong_hosts": wrong_hosts, "llm_requests": len(llm.requests),
        "llm_auth_ok": llm_auth == {f"Bearer {marks['BRIEFING_LLM__API_KEY']}"},
        "requests_per_host": {name: len(server.seen) for name, server in services.servers.items()},
        "places_checked": len(places), "github_api_status": next(r.status for r in edition.sources if r.source == "github_api"),
    }
    observed = (
        f"exit {result.returncode}; GITHUB_TOKEN sent only to the GitHub API host ({facts['requests_per_host']['github_api']} requests), "
        f"HF_TOKEN only to the HF host ({facts['requests_per_host']['huggingface']}), none to arXiv, Trending or the third-party mirror; "
        f"the LLM key only to the LLM ({len(llm.requests)} requests, one answered 500 echoing the key); "
        + (f"no marker in stdout, stderr, `config show`, {sum(1 for k in places if k.startswith('data/'))} data files or "
           f"{len(site)} rendered pages and feeds" if not leaks else f"LEAKS: {', '.join(leaks[:5])}")
    )
    record(scenario, request.node.nodeid, observed, **facts)

    assert result.returncode == 3, result.stderr  # degraded: HF's daily papers came from the mirror
    assert wrong_hosts == []
    assert all(facts["requests_per_host"].values()), facts["requests_per_host"]  # every host was asked
    assert facts["llm_auth_ok"] and len(llm.requests) >= 2
    assert leaks == []
    assert "(set)" in shown_config
