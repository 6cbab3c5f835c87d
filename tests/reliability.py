"""The reliability suite's shared scenario table and helpers (issue #7).

Every scenario is data: ``Scenario(name, fault, source, expected, ...)``. The tests in
``tests/test_reliability*.py`` are parametrized over these lists, and each test records what
it OBSERVED (exit status, source status, fallback, request counts...) with :func:`record`
into ``artifacts/reliability.json``. ``scripts/reliability_report.py`` turns that file into
RELIABILITY.md (at the repository root), and ``test_report_lists_every_scenario`` keeps that
file and this table in step.

Payloads. Bodies served by the fixture servers are the real recordings under
``tests/fixtures/sources`` (provenance in its SOURCES.md). Where a recording had to be
changed, the helper building it says DERIVED and what changed; hand-written bodies (a
generic HTML error page, a "Too Many Requests" text, an empty JSON list) are named
``SYNTHETIC_*``.

Services. Each source runs on its own loopback server (its own host:port), as on the real
network, so per-host policies (timeouts, retries, tokens) apply per source, and a test can
see which host received an Authorization header. The servers live for the whole session;
each run loads fresh routes into them.

Time. In-process runs use the tests' one fake clock (``fixtures_util.FakeClock``, started at
the real time): retry back-off (the
configured ``backoff_base`` of 1 s), ``Retry-After`` and arXiv's 3 s politeness are honoured
and measured, but cost no real time. Only read timeouts take real time, so the source whose
answers are delayed gets a small timeout (``FAULT_TIMEOUT``).
"""

from __future__ import annotations

import contextlib
import copy
import datetime as dt
import io
import json
import os
import re
import shutil
import socket
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

import pytest
import yaml

from conftest import ROOT, payload
from fixtures_util import FakeClock
from generator import http as http_mod
from generator.models import Edition, Item
from generator.replay import FixtureServer, Route, fill_placeholders
from generator.settings import deep_merge
from generator.sources import arxiv
from generator.store import TMP_PREFIX, Archive

RESULTS_FILE = Path(os.environ.get("RELIABILITY_RESULTS") or ROOT / "artifacts" / "reliability.json")
REPORT = ROOT / "RELIABILITY.md"  # written by scripts/reliability_report.py

TIMEOUT = 2.0  # seconds: every source's read timeout in these runs (nothing healthy comes near it)
FAULT_TIMEOUT = 0.2  # seconds: the timeout of the source whose answers are delayed
SLOW = 0.6  # seconds a "read timeout" route waits before answering (3 x FAULT_TIMEOUT)
MAX_RETRIES = 2  # every source's retries in these runs: 3 attempts in all

WEEKDAY = dt.date(2026, 4, 30)  # a Thursday: the day of the recorded arXiv API listing
WEEKEND = dt.date(2024, 11, 30)  # a Saturday: arXiv announces nothing
PRIOR_DAY = dt.date(2026, 4, 29)  # the day already in the archive before each fault run
REPLAY_MANIFEST = "tests/fixtures/replay/2026-04-30.yaml"


# =========================================================================== scenarios


@dataclass(frozen=True)
class Scenario:
    """One reliability scenario: a row of a RELIABILITY.md table.

    ``name`` is unique and is the pytest id; ``expected`` is the behaviour the test asserts,
    in words; ``params`` carries what the test needs (injection, structured expectations).
    """

    name: str
    fault: str
    source: str
    expected: str
    test: str  # test module::function that runs it
    params: dict = field(default_factory=dict, compare=False, hash=False)

    def __repr__(self) -> str:  # short pytest ids and failure messages
        return f"Scenario({self.name})"


# =========================================================================== results


def record(scenario: Scenario, nodeid: str, observed: str, **facts: Any) -> None:
    """Store what a test observed for ``scenario`` in the results file (merged, atomic)."""
    RESULTS_FILE.parent.mkdir(parents=True, exist_ok=True)
    try:
        results = json.loads(RESULTS_FILE.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        results = {}
    results[scenario.name] = {
        "fault": scenario.fault,
        "source": scenario.source,
        "expected": scenario.expected,
        "observed": observed,
        "test": nodeid,
        "facts": facts,
        "recorded": dt.datetime.now(dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"),
    }
    tmp = RESULTS_FILE.with_name(f".{RESULTS_FILE.name}.{os.getpid()}.tmp")
    tmp.write_text(json.dumps(results, indent=2, ensure_ascii=False, sort_keys=True, default=str) + "\n", encoding="utf-8")
    os.replace(tmp, RESULTS_FILE)


# =========================================================================== payloads

SYNTHETIC_HTML_ERROR = (  # SYNTHETIC: a generic proxy/CDN error page, as any host may send
    b"<!DOCTYPE html>\n<html><head><title>502 Bad Gateway</title></head>\n"
    b"<body><center><h1>502 Bad Gateway</h1></center><hr><center>nginx</center></body></html>\n"
)
SYNTHETIC_MAINTENANCE_HTML = (  # SYNTHETIC: a maintenance page served with HTTP 200
    b"<!DOCTYPE html>\n<html><head><title>Down for maintenance</title></head>\n"
    b"<body><h1>We'll be back soon</h1><p>The service is down for scheduled maintenance.</p></body></html>\n"
)
SYNTHETIC_TOO_MANY = b"Too Many Requests\n"  # SYNTHETIC: body of a 429
SYNTHETIC_EMPTY_JSON_LIST = b"[]"  # SYNTHETIC: HF's answer when a list has no entries

RSS_CT = {"Content-Type": "application/rss+xml; charset=utf-8"}
ATOM_CT = {"Content-Type": "application/atom+xml; charset=utf-8"}
JSON_CT = {"Content-Type": "application/json; charset=utf-8"}
HTML_CT = {"Content-Type": "text/html; charset=utf-8"}

STALE_RSS = "arxiv_rss/rss_multi_archive_2024-11-28_trimmed_cs.CL_plus_cross.rss.xml"
EMPTY_RSS = "arxiv_rss/rss_empty_feed_test_archive_2024-11-28.rss.xml"
ERROR_RSS = "arxiv_rss/rss_error_bad_archive_astroph_2024-11-28.rss.xml"
LISTING = "arxiv_api/query_cat_cs.LG_OR_cat_cs.AI_start0_max20_2026-04-30.atom.xml"
TESTING_API = "arxiv_api/query_all_testing_start0_max10.atom.xml"
EMPTY_API = "arxiv_api/empty_result_id_list_0000.0000.atom.xml"
ERROR_400_API = "arxiv_api/error_http400_incorrect_id_format.atom.xml"
LEGACY_API = "arxiv_api/legacy_2016_search_au_del_maestro_ti_checkerboard.atom.xml"
HF_2024 = "hf/daily_papers_2024-10-25_full_day_29_entries.json"
HF_2026 = "hf/daily_papers_date_2026-07-31_trimmed5.json"
HF_MODELS = "hf/models_sort_trendingScore_2026-08-01_selected6.json"
HF_MODELS_AUTHOR = "hf/models_author_moonshotai_sort_createdAt_2026-08-03_trimmed3.json"
HF_MIRROR = "hf/thirdparty_takara_tldr_daily_papers_rss_2026-04-30.rss.xml"
TRENDING = "github/trending_daily_2026-06-24_slice_16_rows.html"
TRENDING_2022 = "github/trending_daily_2022-04-09_h1_markup.html"
SEARCH = "github/search_repositories_q_topic_claude-code-skills_sort_stars_per_page30_2026-06-16.json"
SEARCH_2014 = "github/search_repositories_q_github_language_Python_sort_stars_2014-03-03.response.json"
SEARCH_EMPTY = "github/search_repositories_no_results_2018-11-22.response.json"
GET_REPO = "github/get_repo_PyGithub_PyGithub_2026-01-10.response.json"
GH_403 = "github/error_403_primary_rate_limit_unauthenticated_2013-05-17.response.json"
GH_403_SECONDARY = "github/error_403_secondary_rate_limit_retry_after_2018-10-23.response.json"
GH_404 = "github/error_404_repo_not_found_2012-06-02.response.json"


def unwrap(relative: str) -> tuple[int, dict[str, str], bytes]:
    """A PyGithub {status, headers, body} recording: all three, as replay.py serves them."""
    recorded = json.loads(payload(relative))
    skip = ("content-length", "transfer-encoding", "content-encoding", "connection", "status")
    headers = {k: v for k, v in recorded["headers"] if k.lower() not in skip}
    body = recorded["body"]
    return recorded["status"], headers, body.encode("utf-8") if isinstance(body, str) else json.dumps(body).encode()


def wrapped_route(path: str, relative: str, **kwargs: Any) -> Route:
    status, headers, body = unwrap(relative)
    return Route(path=path, body=body, status=status, headers=headers, **kwargs)


def testing_records() -> list:
    """The 10 papers of a real arXiv API answer (query 'testing', 2026-04-12)."""
    return arxiv.parse_api(payload(TESTING_API))


def derived_daily_papers(records: list, schema_file: str = HF_2024) -> bytes:
    """DERIVED: the real HF Daily Papers list of 2024-10-25 (2024 schema), its first
    ``len(records)`` entries, with paper.id, title, summary, authors and publishedAt (and the
    entry's title) replaced by those of real arXiv API records. No recording has papers in both
    an HF list and an arXiv answer, and the id_list look-up must be answered by a recording."""
    entries = json.loads(payload(schema_file))[: len(records)]
    for entry, record_ in zip(entries, records):
        paper = entry["paper"]
        paper.update(
            id=record_.id.removeprefix("arxiv:"),
            title=record_.title,
            summary=record_.summary,
            publishedAt=f"{record_.published}T00:00:00.000Z",
            authors=[{"_id": f"derived{i:04d}", "name": name, "hidden": False} for i, name in enumerate(record_.authors)],
        )
        entry["title"] = record_.title
    return json.dumps(entries).encode("utf-8")


def derived_trending(first_row_repo: str = "PyGithub/PyGithub") -> bytes:
    """DERIVED: the real 2026-06-24 GitHub Trending slice cut after its first row, with that
    row's repository (calesthio/OpenMontage) renamed ``first_row_repo``, so that its look-up is
    answered by the real recording of ``GET /repos/PyGithub/PyGithub``."""
    page = payload(TRENDING).decode("utf-8")
    end = page.index("</article>") + len("</article>")
    return page[:end].replace("calesthio/OpenMontage", first_row_repo).encode("utf-8")


def id_list_query(records: list) -> dict[str, str]:
    return {"id_list": ",".join(sorted(r.id.removeprefix("arxiv:") for r in records))}


def closed_port_url() -> str:
    """A loopback URL nothing listens on: connection refused."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    return f"http://127.0.0.1:{port}"


# =========================================================================== services

SERVICES = ("arxiv_rss", "arxiv_api", "huggingface", "hf_mirror", "github_web", "github_api")


class RecordingServer(FixtureServer):
    """FixtureServer that also keeps each request's headers (for the secrets test)."""

    def __init__(self, routes: list[Route]):
        super().__init__(routes)
        self.seen: list[tuple[str, str, dict[str, str]]] = []  # (path, query, headers)

    def _answer(self, handler) -> None:
        path, _, query = handler.path.partition("?")
        self.seen.append((path, query, {k.lower(): v for k, v in handler.headers.items()}))
        super()._answer(handler)


class Services:
    """One loopback server per source host; routes are loaded afresh for every run."""

    def __init__(self) -> None:
        self.servers = {name: RecordingServer([]) for name in SERVICES}

    def __enter__(self) -> "Services":
        for server in self.servers.values():
            server.__enter__()
        return self

    def __exit__(self, *exc: Any) -> None:
        for server in self.servers.values():
            server.__exit__(*exc)

    def url(self, name: str) -> str:
        return self.servers[name].url

    def load(self, routes: dict[str, list[Route]]) -> None:
        for name, server in self.servers.items():
            with server._lock:
                server.routes = list(routes.get(name, []))
                server.requests.clear()
                server.seen.clear()

    def count(self, name: str, path: str | None = None, query_key: str | None = None) -> int:
        return sum(
            1 for p, q in self.servers[name].requests
            if (path is None or p == path) and (query_key is None or f"{query_key}=" in q)
        )


# =========================================================================== the healthy day


@dataclass
class Frame:
    """A day's routes per service and the settings overrides of a run."""

    day: dt.date
    routes: dict[str, list[Route]]
    settings: dict[str, Any]

    def copy(self) -> "Frame":
        return Frame(self.day, {k: [copy.copy(r) for r in v] for k, v in self.routes.items()}, copy.deepcopy(self.settings))


def healthy_frame(day: dt.date) -> Frame:
    """Every source answers with a real recording and every look-up can be answered.

    * arXiv RSS: on a weekday the real 2024-11-28 feed, i.e. yesterday's announcement, as
      rss.arxiv.org still serves it when the daily run starts (the listing stands in); on a
      weekend the real empty feed.
    * arXiv API: the real 2026-04-30 listing; id_list of the 10 HF papers: the real API
      answer holding exactly those 10 records.
    * HF: daily papers DERIVED (see ``derived_daily_papers``); trending models real; the
      mirror feed (fallback only) real.
    * GitHub: Trending DERIVED (one row, see ``derived_trending``); search real (2 queries,
      the same answer); ``/repos/PyGithub/PyGithub`` real.
    """
    records = testing_records()
    routes = {
        "arxiv_rss": [Route("/rss/cs.LG", body=payload(STALE_RSS if day.weekday() < 5 else EMPTY_RSS), headers=RSS_CT)],
        "arxiv_api": [
            Route("/api/query", query=id_list_query(records), body=payload(TESTING_API), headers=ATOM_CT),
            Route("/api/query", query={"search_query": "*"}, body=payload(LISTING), headers=ATOM_CT),
        ],
        "huggingface": [
            Route("/api/daily_papers", body=derived_daily_papers(records), headers=JSON_CT),
            Route("/api/models", body=payload(HF_MODELS), headers=JSON_CT),
        ],
        "hf_mirror": [Route("/api/feed", body=payload(HF_MIRROR), headers=RSS_CT)],
        "github_web": [Route("/trending", body=derived_trending(), headers=HTML_CT)],
        "github_api": [
            Route("/search/repositories", body=payload(SEARCH), headers=JSON_CT),
            wrapped_route("/repos/PyGithub/PyGithub", GET_REPO),
        ],
    }
    common = {"timeout": TIMEOUT, "max_retries": MAX_RETRIES}
    settings = {
        "sources": {
            "arxiv_rss": {**common, "categories": ["cs.LG"]},
            "arxiv_api": {**common, "categories": ["cs.LG", "cs.AI"], "max_results": 50},
            # Datasets are left out: these scenarios count requests per host (datasets: test_sources_huggingface).
            "huggingface": {**common, "trending_models_limit": 6, "trending_datasets_limit": 0,
                            "mirror_feed_url": "{hf_mirror}/api/feed"},
            "github_api": {**common, "queries": ["topic:claude-code-skills", "topic:llm"], "per_page": 30},
            "github_web": {**common},
        },
        "http": {"backoff_base": 1.0, "backoff_max": 60.0},
        # min_score 0: the scenarios are about what reaches the archive, not about selection.
        "edition": {"highlights": 3, "papers": 4, "follow": 4, "read_closely": 1, "min_score": 0.0},
        "llm": {"base_url": "", "model": ""},
    }
    return Frame(day, routes, settings)


def write_config(frame: Frame, services: Services, folder: Path, data_dir: Path) -> Path:
    """A settings file: the repo's briefing.yaml, every base URL on its loopback service."""
    base = yaml.safe_load((ROOT / "briefing.yaml").read_text(encoding="utf-8"))
    urls = {f"{{{name}}}": services.url(name) for name in SERVICES}
    settings = deep_merge(base, {"sources": {k: {"base_url": services.url(k)} for k in
                                             ("arxiv_rss", "arxiv_api", "huggingface", "github_web", "github_api")}})
    settings = deep_merge(settings, frame.settings)
    settings["data_dir"] = str(data_dir)
    path = folder / "briefing.yaml"
    path.write_text(yaml.safe_dump(fill_placeholders(settings, urls), allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


# =========================================================================== running


class ObservedHttp(http_mod.Http):
    """The real Http on the fake clock, kept for inspection after the CLI returns."""

    last: "ObservedHttp | None" = None

    def __init__(self, *args: Any, **kwargs: Any):
        kwargs["clock"] = kwargs.get("clock") or FakeClock(start=time.time())
        super().__init__(*args, **kwargs)
        ObservedHttp.last = self


@dataclass
class Outcome:
    code: int
    stdout: str
    stderr: str
    edition: Edition | None  # the day's edition on disk after the run
    http: ObservedHttp | None
    seconds: float
    assembled: Edition | None = None  # the edition the run built, stored or not (exit 4 stores nothing)

    def report(self, source: str):
        edition = self.assembled or self.edition
        return next(r for r in edition.sources if r.source == source) if edition else None

    def waited(self, source: str) -> float:
        tally = self.http.tallies.get(source) if self.http else None
        return round(tally.waited, 1) if tally else 0.0


def run_cli(argv: list[str], monkeypatch) -> tuple[int, str, str, ObservedHttp | None]:
    """``briefing <argv>`` in this process, on the fake clock; (exit code, stdout, stderr, Http)."""
    from generator.cli import main

    monkeypatch.setattr(http_mod, "Http", ObservedHttp)
    ObservedHttp.last = None
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(argv)
    return code, out.getvalue(), err.getvalue(), ObservedHttp.last


def run_day(frame: Frame, services: Services, folder: Path, data_dir: Path, monkeypatch, *, extra_args: tuple[str, ...] = ()) -> Outcome:
    """One ``briefing run --date <frame.day>`` against the loopback services.

    Every candidate is verified (the pipeline's shortlist, if any, is widened): which look-ups
    a day makes must not depend on how the frame's items happen to rank, or a look-up
    endpoint's faults would go unexercised."""
    from generator import pipeline

    if hasattr(pipeline, "SHORTLIST_FACTOR"):
        monkeypatch.setattr(pipeline, "SHORTLIST_FACTOR", 10_000)
    results: list = []
    real_run = pipeline.run
    monkeypatch.setattr(pipeline, "run", lambda *args, **kwargs: results.append(real_run(*args, **kwargs)) or results[-1])
    services.load(frame.routes)
    config = write_config(frame, services, folder, data_dir)
    started = time.monotonic()
    code, out, err, http = run_cli(["--config", str(config), "run", "--date", frame.day.isoformat(), *extra_args], monkeypatch)
    assembled = results[-1].edition if results else None
    return Outcome(code, out, err, Archive(data_dir).load_edition(frame.day), http, time.monotonic() - started, assembled)


# =========================================================================== fixtures
# Imported by the test modules (``from reliability import services, prior_archive``).


@pytest.fixture(scope="module")
def services():
    with Services() as running:
        yield running


_PRIOR: list[Path] = []  # built once per test session, whichever module asks first; tests copy it


@pytest.fixture(scope="session")
def prior_archive(tmp_path_factory) -> Path:
    """An archive holding one real recorded day (the README's replay, run for PRIOR_DAY)."""
    from generator.cli import main

    if _PRIOR:
        return _PRIOR[0]
    data_dir = tmp_path_factory.mktemp("prior") / "data"
    shutil.copytree(ROOT / "data" / "ratings", data_dir / "ratings")  # the shipped reader's taste, as in the README's run
    with pytest.MonkeyPatch.context() as mp:
        mp.chdir(ROOT)
        mp.setenv("BRIEFING_DATA_DIR", str(data_dir))
        out, err = io.StringIO(), io.StringIO()
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            code = main(["run", "--replay", REPLAY_MANIFEST, "--date", PRIOR_DAY.isoformat(), "--quiet"])
    assert code == 3, err.getvalue()  # the recorded day is degraded: RSS and HF API were not recorded
    _PRIOR.append(data_dir)
    return data_dir


# =========================================================================== archive checks

FAST_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml when present: same data, faster


def snapshot(data_dir: Path) -> dict[str, bytes]:
    """Every file under ``data_dir`` by relative path."""
    return {str(p.relative_to(data_dir)): p.read_bytes() for p in sorted(Path(data_dir).rglob("*")) if p.is_file()}


def temp_files(data_dir: Path) -> list[Path]:
    return sorted(Path(data_dir).rglob(TMP_PREFIX + "*"))


def undisturbed(before: dict[str, bytes], data_dir: Path, *, today: dt.date) -> list[str]:
    """What a run for ``today`` changed in files that existed before, beyond what it may.

    Allowed: another day's edition byte-identical; an item gains sightings (of ``today``) and
    nothing else. Everything else is returned as a problem.
    """
    problems = []
    for rel, old in before.items():
        path = Path(data_dir) / rel
        if not path.exists():
            problems.append(f"{rel}: deleted")
            continue
        new = path.read_bytes()
        if new == old:
            continue
        if rel.startswith("briefings/"):
            if not rel.endswith(f"{today}.yaml"):
                problems.append(f"{rel}: another day's edition changed")
            continue
        was, now = yaml.load(old, Loader=FAST_LOADER), yaml.load(new, Loader=FAST_LOADER)
        old_seen = [s for s in was.pop("seen", [])]
        new_seen = [s for s in now.pop("seen", [])]
        if any(s not in new_seen for s in old_seen):
            problems.append(f"{rel}: lost a sighting")
        if any(s["date"] != today for s in new_seen if s not in old_seen):
            problems.append(f"{rel}: gained a sighting of another day")
        if was != now:
            changed = sorted(k for k in set(was) | set(now) if was.get(k) != now.get(k))
            problems.append(f"{rel}: changed beyond sightings: {', '.join(changed)}")
    return problems


def invalid_written(before: dict[str, bytes], data_dir: Path) -> list[str]:
    """Schema faults in the files a run created or changed (a fast subset of ``briefing validate``:
    the full check runs in the crash, idempotence and edit tests), plus editions naming
    items that are not on disk."""
    problems = []
    loader = FAST_LOADER
    for path in sorted(Path(data_dir).rglob("*.yaml")):
        rel = str(path.relative_to(data_dir))
        if before.get(rel) == path.read_bytes():
            continue
        try:
            data = yaml.load(path.read_text(encoding="utf-8"), Loader=loader)
            model = Edition.model_validate(data) if rel.startswith("briefings/") else Item.model_validate(data)
        except Exception as exc:  # noqa: BLE001 (reported, not raised)
            problems.append(f"{rel}: {type(exc).__name__}: {exc}")
            continue
        if isinstance(model, Edition):
            archive = Archive(data_dir)
            problems += [f"{rel}: names {i}, not on disk" for i in model.item_ids() if not archive.item_file(i).exists()]
    return problems


# =========================================================================== observed text


def exit_text(code: int) -> str:
    return {0: "exit 0 (published)", 3: "exit 3 (published degraded)", 4: "exit 4 (nothing published)",
            1: "exit 1 (error)", 2: "exit 2 (bad settings)"}.get(code, f"exit {code}")


def report_text(report) -> str:
    if report is None:
        return "no report"
    text = f"{report.source} {report.status}"
    if report.fallback:
        text += f" → fallback {report.fallback}"
    return text


def statuses_text(statuses: dict[str, int]) -> str:
    return ", ".join(f"{k}×{v}" for k, v in statuses.items())


def md_cell(text: str) -> str:
    """Text for a Markdown table cell: one line, pipes escaped."""
    return " ".join(str(text).split()).replace("|", "\\|")


# =========================================================================== fault matrix


@dataclass(frozen=True)
class Endpoint:
    """A request a source makes: where it goes and what the rest of the run does when it fails."""

    key: str  # scenario-name prefix
    source: str  # settings key (and its service)
    label: str  # the "source" column of RELIABILITY.md
    path: str
    query: dict[str, str]
    day: dt.date
    calls: int  # requests the healthy run makes to it
    on_failure: dict  # structured expectation when it fails for good
    failure_text: str


ENDPOINTS = {
    "arxiv_rss": Endpoint(
        "arxiv_rss", "arxiv_rss", "arXiv RSS (`/rss/<cats>`)", "/rss/cs.LG", {}, WEEKDAY, 1,
        {"exit": 3, "status": {"arxiv_rss": "failed", "arxiv_api": "ok"}, "fallback": {"arxiv_rss": "arxiv_api listing"}},
        "arxiv_rss failed, the API listing stands in (20 papers), exit 3",
    ),
    "arxiv_listing": Endpoint(
        "arxiv_listing", "arxiv_api", "arXiv API listing (`/api/query?search_query=`)", "/api/query", {"search_query": "*"}, WEEKDAY, 1,
        {"exit": 3, "status": {"arxiv_rss": "not-scheduled", "arxiv_api": "failed"}, "fallback": {"arxiv_rss": None}},
        "arxiv_api failed, no arXiv papers; the other sources publish, exit 3",
    ),
    "arxiv_id_list": Endpoint(
        "arxiv_id_list", "arxiv_api", "arXiv API `id_list` look-up", "/api/query", {"id_list": "*"}, WEEKEND, 1,
        {"exit": 3, "status": {"arxiv_api": "degraded", "huggingface": "ok"}, "stats": {"partial": 10},
         "notes": {"arxiv_api": "verification look-ups failed: 1"}},
        "the 10 HF papers are kept as partly verified, arxiv_api degraded, exit 3",
    ),
    "hf_daily_papers": Endpoint(
        "hf_daily_papers", "huggingface", "HF Daily Papers (`/api/daily_papers`)", "/api/daily_papers", {}, WEEKEND, 1,
        {"exit": 3, "status": {"huggingface": "degraded"}, "fallback": {"huggingface": "hf mirror feed"}},
        "huggingface degraded, the mirror feed stands in (50 papers), exit 3",
    ),
    "hf_models": Endpoint(
        "hf_models", "huggingface", "HF trending models (`/api/models`)", "/api/models", {}, WEEKEND, 1,
        {"exit": 3, "status": {"huggingface": "degraded"}, "fallback": {"huggingface": None}},
        "huggingface degraded (papers kept, no models), exit 3",
    ),
    "github_trending": Endpoint(
        "github_trending", "github_web", "GitHub Trending (`/trending`)", "/trending", {}, WEEKEND, 1,
        {"exit": 3, "status": {"github_web": "failed", "github_api": "ok"}, "fallback": {"github_web": "github_api search"}},
        "github_web failed, search results stand in, exit 3",
    ),
    "github_search": Endpoint(
        "github_search", "github_api", "GitHub search API (`/search/repositories`)", "/search/repositories", {}, WEEKEND, 2,
        {"exit": 3, "status": {"github_api": "failed", "github_web": "ok"}},
        "github_api failed, Trending still publishes, exit 3",
    ),
    "github_repo": Endpoint(
        "github_repo", "github_api", "GitHub repo look-up (`/repos/<owner>/<repo>`)", "/repos/PyGithub/PyGithub", {}, WEEKEND, 1,
        {"exit": 3, "status": {"github_api": "degraded", "github_web": "ok"}, "stats": {"partial": 1},
         "notes": {"github_api": "verification look-ups failed: 1"}},
        "the Trending repo is kept as partly verified, github_api degraded, exit 3",
    ),
}
# Healthy numbers (both frames): 10 HF papers (id_list) + 6 models + 30 repos + PyGithub are
# verified; the weekday adds the 20 listing papers of 2026-04-29 .. 2026-04-30.
HEALTHY_STATS = {WEEKEND: {"verified": 47, "partial": 0, "dropped": 0}, WEEKDAY: {"verified": 67, "partial": 0, "dropped": 0}}


def _endpoint_route(endpoint: Endpoint, **kwargs: Any) -> Route:
    return Route(endpoint.path, query=dict(endpoint.query), **kwargs)


def _healthy_route(frame: Frame, endpoint: Endpoint) -> Route:
    query = {k: [v] for k, v in endpoint.query.items()}
    if endpoint.key == "arxiv_id_list":
        query = {k: [v] for k, v in id_list_query(testing_records()).items()}
    return next(r for r in frame.routes[endpoint.source] if r.matches(endpoint.path, query))


def _prepend(frame: Frame, endpoint: Endpoint, route: Route) -> None:
    frame.routes[endpoint.source].insert(0, route)


# ---- fault kinds: how each one is injected into a healthy frame


def inject_429(frame: Frame, ep: Endpoint) -> None:
    _prepend(frame, ep, _endpoint_route(ep, status=429, headers={"Retry-After": "30", "Content-Type": "text/plain"},
                                        body=SYNTHETIC_TOO_MANY, times=1))


def inject_403(frame: Frame, ep: Endpoint) -> None:
    status, headers, body = unwrap(GH_403)
    _prepend(frame, ep, _endpoint_route(ep, status=status, headers=headers, body=body))


def inject_403_secondary(frame: Frame, ep: Endpoint) -> None:
    status, headers, body = unwrap(GH_403_SECONDARY)
    _prepend(frame, ep, _endpoint_route(ep, status=status, headers=headers, body=body))


def inject_500(frame: Frame, ep: Endpoint) -> None:
    _prepend(frame, ep, _endpoint_route(ep, status=500, headers=HTML_CT, body=SYNTHETIC_HTML_ERROR.replace(b"502 Bad Gateway", b"500 Internal Server Error")))


def inject_503(frame: Frame, ep: Endpoint) -> None:
    _prepend(frame, ep, _endpoint_route(ep, status=503, headers={**HTML_CT, "Retry-After": "3600"},
                                        body=SYNTHETIC_HTML_ERROR.replace(b"502 Bad Gateway", b"503 Service Unavailable")))


def inject_refused(frame: Frame, ep: Endpoint) -> None:
    frame.settings["sources"][ep.source]["base_url"] = closed_port_url()


def inject_timeout(frame: Frame, ep: Endpoint) -> None:
    frame.settings["sources"][ep.source]["timeout"] = FAULT_TIMEOUT
    healthy = _healthy_route(frame, ep)
    _prepend(frame, ep, _endpoint_route(ep, status=healthy.status, headers=healthy.headers, body=healthy.body, delay=SLOW))


def inject_truncated(frame: Frame, ep: Endpoint) -> None:
    healthy = _healthy_route(frame, ep)
    _prepend(frame, ep, _endpoint_route(ep, status=healthy.status, headers=healthy.headers, body=healthy.body, truncate=len(healthy.body) // 2))


def inject_html(frame: Frame, ep: Endpoint) -> None:
    _prepend(frame, ep, _endpoint_route(ep, status=200, headers=HTML_CT, body=SYNTHETIC_MAINTENANCE_HTML))


def serve(body: bytes | Callable[[], bytes], headers: dict[str, str], status: int = 200) -> Callable[[Frame, Endpoint], None]:
    def inject(frame: Frame, ep: Endpoint) -> None:
        _prepend(frame, ep, _endpoint_route(ep, status=status, headers=headers, body=body() if callable(body) else body))
    return inject


def serve_wrapped(relative: str) -> Callable[[Frame, Endpoint], None]:
    def inject(frame: Frame, ep: Endpoint) -> None:
        status, headers, body = unwrap(relative)
        _prepend(frame, ep, _endpoint_route(ep, status=status, headers=headers, body=body))
    return inject


def derived_without(relative_or_bytes: str | bytes, drop: Callable[[Any], Any]) -> Callable[[], bytes]:
    def build() -> bytes:
        raw = payload(relative_or_bytes) if isinstance(relative_or_bytes, str) else relative_or_bytes
        return json.dumps(drop(json.loads(raw))).encode("utf-8")
    return build


def _drop_paper_ids(entries: list) -> list:
    """DERIVED: every other entry loses ``paper.id`` (schema drift: a field gone)."""
    for i, entry in enumerate(entries):
        if i % 2:
            entry["paper"].pop("id")
    return entries


def _drop_model_ids(models: list) -> list:
    """DERIVED: the first two models lose ``id`` (schema drift: a field gone), all gain a field."""
    for i, model in enumerate(models):
        if i < 2:
            model.pop("id")
        model["unknownFieldFrom2027"] = {"nested": [1, 2, 3]}
    return models


def _search_renamed_items(answer: dict) -> dict:
    """DERIVED: the search answer with ``items`` renamed ``repositories`` (schema drift)."""
    answer["repositories"] = answer.pop("items")
    return answer


def _repo_without_dates(answer: dict) -> dict:
    """DERIVED: the /repos answer without ``created_at`` (schema drift: a field gone)."""
    answer.pop("created_at")
    return answer


def _wrapped_body(relative: str) -> bytes:
    return unwrap(relative)[2]


def derived_id_list_without_published() -> bytes:
    """DERIVED: the real 10-record arXiv API answer with every ``<published>`` element removed."""
    return re.sub(rb"\s*<published>[^<]*</published>", b"", payload(TESTING_API))


def derived_rss_drift() -> bytes:
    """DERIVED: the real 2024-11-28 RSS without ``<arxiv:announce_type>`` elements (the type is
    then read from the description) and with an unknown element added to every item."""
    body = re.sub(rb"\s*<arxiv:announce_type>[^<]*</arxiv:announce_type>", b"", payload(STALE_RSS))
    return body.replace(b"</item>", b"<arxiv:new_field_2027>x</arxiv:new_field_2027></item>")


def legacy_id_list(frame: Frame, ep: Endpoint) -> None:
    """HF names the paper of the real legacy (2016) API answer; its id_list look-up gets that answer."""
    legacy = arxiv.parse_api(payload(LEGACY_API))
    frame.routes["huggingface"][0] = Route("/api/daily_papers", body=derived_daily_papers(legacy), headers=JSON_CT)
    _prepend(frame, ep, Route("/api/query", query=id_list_query(legacy), body=payload(LEGACY_API), headers=ATOM_CT))


def stale_rss_on_its_day(frame: Frame, ep: Endpoint) -> None:
    frame.day = dt.date(2024, 11, 28)
    serve(derived_rss_drift, RSS_CT)(frame, ep)


def weekend_day(frame: Frame, ep: Endpoint) -> None:
    frame.day = WEEKEND
    serve(payload(EMPTY_RSS), RSS_CT)(frame, ep)


def inject_500_list_everything(frame: Frame, ep: Endpoint) -> None:
    inject_500(frame, ep)
    frame.settings["edition"] = {"highlights": 5, "papers": 200, "follow": 200, "read_closely": 1}


def mirror_fails_too(frame: Frame, ep: Endpoint) -> None:
    inject_500(frame, ep)
    frame.routes["hf_mirror"].insert(0, Route("/api/feed", status=500, headers=HTML_CT, body=SYNTHETIC_HTML_ERROR))


@dataclass(frozen=True)
class Fault:
    key: str
    title: str
    inject: Callable[[Frame, Endpoint], None]
    attempts: int | None  # requests per call; None = (MAX_RETRIES + 1)
    outcome: str  # "recovers" (as healthy), "fails" (the endpoint's on_failure), "custom"


A = MAX_RETRIES + 1
F_429 = Fault("429", "429 Too Many Requests with `Retry-After: 30`, once", inject_429, 2, "recovers")
F_403 = Fault("403", "GitHub 403 primary rate limit (real recorded answer, `x-ratelimit-remaining: 0`)", inject_403, A, "fails")
F_403S = Fault("403-secondary", "GitHub 403 secondary rate limit (real recorded answer, `Retry-After: 60`)", inject_403_secondary, A, "fails")
F_500 = Fault("500", "HTTP 500 on every attempt", inject_500, A, "fails")
F_503 = Fault("503", "HTTP 503 with `Retry-After: 3600` (maintenance)", inject_503, 1, "fails")
F_REFUSED = Fault("refused", "connection refused (base URL on a closed port)", inject_refused, A, "fails")
F_TIMEOUT = Fault("timeout", f"read timeout (answer after {SLOW} s, timeout {FAULT_TIMEOUT} s)", inject_timeout, A, "fails")
F_TRUNCATED = Fault("truncated", "truncated body (half of the real answer, then the connection closes)", inject_truncated, A, "fails")
F_HTML = Fault("html", "HTML maintenance page with HTTP 200 where XML/JSON was expected (synthetic page)", inject_html, 1, "fails")


def _fault_scenario(ep: Endpoint, fault: Fault, expect: dict | None = None, expected: str | None = None) -> Scenario:
    attempts = fault.attempts
    if fault.outcome == "recovers":
        healthy = "not-scheduled" if ep.key == "arxiv_rss" else "ok"
        expect = {"exit": 0, "status": {ep.source: healthy}, "requests": ep.calls + 1, "waited": 30.0, **(expect or {})}
        expected = expected or "one retry after waiting the 30 s asked (virtual clock), then the real answer: as healthy, exit 0"
    elif fault.outcome == "fails":
        calls = 1 if fault.key in ("403", "403-secondary") and ep.key == "github_search" else ep.calls
        expect = {**ep.on_failure, "requests": attempts * calls, **(expect or {})}
        if fault.key == "503" and ep.key not in ("arxiv_id_list", "github_repo"):
            expect = {"notes": {ep.source: "more than http.backoff_max"}, **expect}
        if fault.key == "503":
            expected = expected or f"1 attempt per request: the 3600 s asked exceed http.backoff_max (60 s), so no retry; {ep.failure_text}"
        expected = expected or f"{attempts} attempts per request then give up; {ep.failure_text}"
    return Scenario(
        name=f"{ep.key}-{fault.key}", fault=fault.title, source=ep.label, expected=expected,
        test="tests/test_reliability_faults.py::test_fault",
        params={"endpoint": ep.key, "inject": fault.inject, "expect": expect, "fault": fault.key},
    )


def _custom(ep_key: str, key: str, title: str, inject: Callable, expect: dict, expected: str) -> Scenario:
    ep = ENDPOINTS[ep_key]
    return Scenario(
        name=f"{ep.key}-{key}", fault=title, source=ep.label, expected=expected,
        test="tests/test_reliability_faults.py::test_fault",
        params={"endpoint": ep.key, "inject": inject, "expect": expect, "fault": key},
    )


def _fault_matrix() -> list[Scenario]:
    E = ENDPOINTS
    s: list[Scenario] = [
        Scenario("control-weekday", "none (control run)", "all sources, weekday", "every source ok or not-scheduled, exit 0",
                 "tests/test_reliability_faults.py::test_fault",
                 {"endpoint": "arxiv_rss", "inject": lambda f, e: None, "fault": "none",
                  "expect": {"exit": 0, "status": {"arxiv_rss": "not-scheduled", "arxiv_api": "ok", "huggingface": "ok", "github_web": "ok", "github_api": "ok"},
                             "stats": HEALTHY_STATS[WEEKDAY], "requests": 1}}),
        Scenario("control-weekend", "none (control run)", "all sources, Saturday", "every source ok or not-scheduled, exit 0",
                 "tests/test_reliability_faults.py::test_fault",
                 {"endpoint": "hf_daily_papers", "inject": lambda f, e: None, "fault": "none",
                  "expect": {"exit": 0, "status": {"arxiv_rss": "not-scheduled", "arxiv_api": "ok", "huggingface": "ok", "github_web": "ok", "github_api": "ok"},
                             "stats": HEALTHY_STATS[WEEKEND], "requests": 1}}),
    ]
    for ep in E.values():
        faults = [F_429, F_500, F_503, F_TIMEOUT, F_TRUNCATED, F_HTML]
        if ep.source == "github_api":
            faults.insert(1, F_403)
        if ep.key == "github_search":
            faults.insert(2, F_403S)
        for fault in faults:
            expect, text = None, None
            if ep.key == "github_trending" and fault.key == "html":
                text = "1 request; the page has no repository rows (\"markup changed?\"): github_web failed, search stands in, exit 3"
            if fault.key in ("403", "403-secondary") and ep.key == "github_search":
                expect = {"notes": {"github_api": "remaining search queries skipped"}}
            if fault.key == "403-secondary":
                expect = {**(expect or {}), "waited": 120.0}
                text = "3 attempts, each after the 60 s asked (virtual clock), then the remaining query is skipped; github_api failed, Trending still publishes, exit 3"
            if fault.key == "403" and ep.key == "github_search":
                text = "3 attempts (no reset time given), then the remaining query is skipped (rate limited); github_api failed, Trending still publishes, exit 3"
            s.append(_fault_scenario(ep, fault, expect, text))
    # connection refused: per host (every endpoint of the source goes to it)
    s += [
        _fault_scenario(E["arxiv_rss"], F_REFUSED, {"connect_errors": 3, "requests": 0}),
        _custom("arxiv_listing", "refused", F_REFUSED.title + "; listing and id_list share the host", inject_refused,
                {"exit": 3, "status": {"arxiv_rss": "not-scheduled", "arxiv_api": "failed"}, "connect_errors": 6, "requests": 0,
                 "stats": {"partial": 10}},
                "3 attempts per request (listing, then id_list) then give up; no arXiv papers, the HF papers kept as partly verified, exit 3"),
        _custom("hf_daily_papers", "refused", F_REFUSED.title + "; papers and models share the host", inject_refused,
                {"exit": 3, "status": {"huggingface": "degraded"}, "fallback": {"huggingface": "hf mirror feed"}, "connect_errors": 6, "requests": 0},
                "3 attempts per request then give up; the mirror feed (another host) stands in for papers, no models, exit 3"),
        _fault_scenario(E["github_trending"], F_REFUSED, {"connect_errors": 3, "requests": 0}),
        _custom("github_search", "refused", F_REFUSED.title + "; search and look-ups share the host", inject_refused,
                {"exit": 3, "status": {"github_api": "failed", "github_web": "ok"}, "connect_errors": 9, "requests": 0, "stats": {"partial": 1}},
                "3 attempts per request (2 searches, 1 look-up) then give up; github_api failed, the Trending repo kept as partly verified, exit 3"),
    ]
    # valid but empty answers, error answers and schema drift
    s += [
        _custom("arxiv_rss", "error-channel", "HTTP 200 \"Feed error for query\" channel (real recorded answer)", serve(payload(ERROR_RSS), RSS_CT),
                {**E["arxiv_rss"].on_failure, "requests": 1, "notes": {"arxiv_rss": "Bad archive"}},
                "1 request; arXiv's explanation is quoted in the report; arxiv_rss failed, the API listing stands in, exit 3"),
        _custom("arxiv_rss", "empty-weekday", "valid empty feed on a weekday (real recorded empty feed)", serve(payload(EMPTY_RSS), RSS_CT),
                {"exit": 0, "status": {"arxiv_rss": "not-scheduled", "arxiv_api": "ok"}, "fallback": {"arxiv_rss": "arxiv_api listing"}, "requests": 1,
                 "notes": {"arxiv_rss": "holiday"}},
                "read as \"no announcement (holiday?)\": not-scheduled, the API listing stands in, exit 0"),
        _custom("arxiv_rss", "empty-weekend", "valid empty feed on a Saturday (real recorded empty feed)", weekend_day,
                {"exit": 0, "status": {"arxiv_rss": "not-scheduled"}, "fallback": {"arxiv_rss": None}, "requests": 1, "listing_requests": 0},
                "not-scheduled, no API listing asked, exit 0"),
        _custom("arxiv_rss", "drift", "schema drift: no `arxiv:announce_type`, an unknown element per item (derived from the real feed), on its own day",
                stale_rss_on_its_day,
                {"exit": 3, "status": {"arxiv_rss": "ok", "arxiv_api": "degraded"}, "requests": 1, "candidates": {"arxiv_rss": 61}},
                "announce types read from the descriptions, 61 of 111 items kept, arxiv_rss ok; their id_list look-up is not recorded, so they are kept as partly verified (arxiv_api degraded), exit 3"),
        _custom("arxiv_listing", "http400", "HTTP 400 with arXiv's Atom error entry (real recorded answer)",
                serve(payload(ERROR_400_API), ATOM_CT, status=400),
                {**E["arxiv_listing"].on_failure, "requests": 1, "notes": {"arxiv_api": "arXiv says: incorrect id format"}},
                "1 request (a 400 is not retried), arXiv's error text quoted in the report; arxiv_api failed, exit 3"),
        _custom("arxiv_listing", "empty", "valid empty answer (real recorded 0-entry API answer)", serve(payload(EMPTY_API), ATOM_CT),
                {"exit": 0, "status": {"arxiv_rss": "not-scheduled", "arxiv_api": "ok"}, "requests": 1, "candidates": {"arxiv_api": 0}},
                "arxiv_api ok with 0 papers, the rest publishes, exit 0"),
        _custom("arxiv_listing", "legacy", "schema drift: the legacy (2016) arXiv API format (real recorded answer)", serve(payload(LEGACY_API), ATOM_CT),
                {"exit": 0, "status": {"arxiv_api": "ok"}, "requests": 1, "candidates": {"arxiv_api": 0}},
                "parsed; its only entry (2006) is outside the day's window, so 0 papers, exit 0"),
        _custom("arxiv_id_list", "empty", "valid empty answer (real recorded 0-entry id_list answer)", serve(payload(EMPTY_API), ATOM_CT),
                {"exit": 3, "status": {"arxiv_api": "degraded", "huggingface": "ok"}, "requests": 1, "stats": {"dropped": 0, "partial": 10, "verified": 37}},
                "an answer knowing none of 10 freshly announced papers is taken as a glitch, not as proof: all 10 kept as partial, arxiv_api degraded, exit 3"),
        _custom("arxiv_id_list", "drift", "schema drift: entries without `<published>` (derived from the real answer)",
                serve(derived_id_list_without_published, ATOM_CT),
                {"exit": 0, "requests": 1, "stats": {"partial": 10, "verified": 37}},
                "the 10 papers are kept as partial (\"the authority gives no date\"), exit 0"),
        _custom("arxiv_id_list", "legacy", "schema drift: the legacy (2016) arXiv API format (real recorded answer)", legacy_id_list,
                {"exit": 0, "requests": 1, "stats": {"verified": 38, "partial": 0, "dropped": 0}},
                "the legacy answer verifies the old-style id cond-mat/0603029, exit 0"),
        _custom("hf_daily_papers", "empty", "valid empty list (HF's `[]`)", serve(SYNTHETIC_EMPTY_JSON_LIST, JSON_CT),
                {"exit": 0, "status": {"huggingface": "ok"}, "fallback": {"huggingface": None}, "requests": 1, "notes": {"huggingface": "is empty"}},
                "huggingface ok with 0 papers (noted: weekend or not curated yet), no fallback, exit 0"),
        _custom("hf_daily_papers", "drift-2026", "schema drift: the 2026 schema with extra fields (real recorded answer)", serve(payload(HF_2026), JSON_CT),
                {"exit": 3, "status": {"huggingface": "ok", "arxiv_api": "degraded"}, "requests": 1, "candidates": {"huggingface": 11}},
                "5 papers read (extra fields ignored); their id_list look-up is not recorded, so they are partly verified (arxiv_api degraded), exit 3"),
        _custom("hf_daily_papers", "drift-missing", "schema drift: `paper.id` missing in half the entries (derived)",
                serve(derived_without(derived_daily_papers(testing_records()), _drop_paper_ids), JSON_CT),
                {"exit": 3, "status": {"huggingface": "ok"}, "requests": 1, "candidates": {"huggingface": 11}},
                "the 5 entries without an id are skipped, 5 papers read; the id_list batch changed and is not recorded (partly verified), exit 3"),
        _custom("hf_daily_papers", "mirror-fails-too", "HTTP 500 on every attempt, and the mirror feed fails too", mirror_fails_too,
                {"exit": 3, "status": {"huggingface": "degraded"}, "fallback": {"huggingface": None}, "requests": 3, "mirror_requests": 3},
                "3 attempts on each host (the mirror gets HF's retries), then no papers; models kept, huggingface degraded, exit 3"),
        _custom("hf_daily_papers", "500-all-listed", "HTTP 500 on every attempt, every item listed: papers the archive holds as verified come back only through the mirror",
                inject_500_list_everything,
                {"exit": 3, "status": {"huggingface": "degraded"}, "fallback": {"huggingface": "hf mirror feed"}, "requests": 3},
                "the mirror's partial records do not overwrite what the archive verified: stored items only gain the day's sighting, exit 3"),
        _custom("hf_models", "empty", "valid empty list (HF's `[]`)", serve(SYNTHETIC_EMPTY_JSON_LIST, JSON_CT),
                {"exit": 0, "status": {"huggingface": "ok"}, "requests": 1, "candidates": {"huggingface": 10}},
                "huggingface ok with 0 models, exit 0"),
        _custom("hf_models", "drift", "schema drift: an author listing without `trendingScore` (real recorded answer)", serve(payload(HF_MODELS_AUTHOR), JSON_CT),
                {"exit": 0, "status": {"huggingface": "ok"}, "requests": 1, "candidates": {"huggingface": 13}},
                "3 models read without a trending score, exit 0"),
        _custom("hf_models", "drift-missing", "schema drift: `id` missing in two models, an unknown field in all (derived)",
                serve(derived_without(HF_MODELS, _drop_model_ids), JSON_CT),
                {"exit": 0, "status": {"huggingface": "ok"}, "requests": 1, "candidates": {"huggingface": 14}},
                "the 2 models without an id are skipped, 4 read, exit 0"),
        _custom("github_trending", "drift", "markup drift: the 2022 page with `h1` headings (real recorded page)", serve(payload(TRENDING_2022), HTML_CT),
                {"exit": 3, "status": {"github_web": "ok", "github_api": "degraded"}, "requests": 1, "candidates": {"github_web": 25}},
                "25 rows read; their 25 look-ups are not recorded, so those repos are partly verified (github_api degraded), exit 3"),
        _custom("github_search", "empty", "valid empty answer (real recorded 0-result search)", serve_wrapped(SEARCH_EMPTY),
                {"exit": 0, "status": {"github_api": "ok"}, "requests": 2, "candidates": {"github_api": 0}},
                "github_api ok with 0 repositories, exit 0"),
        _custom("github_search", "drift-2014", "schema drift: the 2014 schema without topics/license (real recorded answer)", serve_wrapped(SEARCH_2014),
                {"exit": 0, "status": {"github_api": "ok"}, "requests": 2, "candidates": {"github_api": 30}},
                "30 repositories read, exit 0"),
        _custom("github_search", "drift-missing", "schema drift: `items` renamed (derived from the real answer)",
                serve(derived_without(SEARCH, _search_renamed_items), JSON_CT),
                {"exit": 3, "status": {"github_api": "failed", "github_web": "ok"}, "requests": 2},
                "1 request per query (not retried), each reported as unreadable; github_api failed, exit 3"),
        _custom("github_repo", "404", "404 Not Found (real recorded answer)", serve_wrapped(GH_404),
                {"exit": 0, "status": {"github_web": "ok"}, "requests": 1, "stats": {"dropped": 1}},
                "1 request; GitHub does not know the repo: dropped, not published, exit 0"),
        _custom("github_repo", "drift", "schema drift: no `created_at` (derived from the real answer)",
                serve(lambda: json.dumps(_repo_without_dates(json.loads(_wrapped_body(GET_REPO)))).encode(), JSON_CT),
                {"exit": 0, "requests": 1, "stats": {"partial": 1}},
                "kept as partly verified (\"the authority gives no date\"), exit 0"),
    ]
    s.append(Scenario(
        "all-sources-empty", "every source answers a valid empty answer on a Saturday (real recordings; HF `[]`; Trending: the real page without its rows)", "all sources, Saturday",
        "no items: exit 4; only Trending, whose empty page reads as markup drift, is failed",
        "tests/test_reliability_faults.py::test_fault",
        {"endpoint": "hf_daily_papers", "fault": "empty-all", "inject": _everything_empty,
         "expect": {"exit": 4, "status": {"arxiv_rss": "not-scheduled", "arxiv_api": "ok", "huggingface": "ok", "github_web": "failed", "github_api": "ok"},
                    "requests": 1, "stats": {"verified": 0, "partial": 0, "dropped": 0}}},
    ))
    s.append(Scenario(
        "all-sources-refused", "connection refused on every source host", "all sources, weekday",
        "every source failed, no items: exit 4; an edition with status empty records the day; other days untouched",
        "tests/test_reliability_faults.py::test_fault",
        {"endpoint": "arxiv_rss", "fault": "refused-all", "inject": _refuse_everything,
         "expect": {"exit": 4, "status": {k: "failed" for k in ("arxiv_rss", "arxiv_api", "huggingface", "github_web", "github_api")}}},
    ))
    return s


def _everything_empty(frame: Frame, ep: Endpoint) -> None:
    status, headers, body = unwrap(SEARCH_EMPTY)
    frame.routes["huggingface"] = [Route("/api/daily_papers", body=SYNTHETIC_EMPTY_JSON_LIST, headers=JSON_CT),
                                   Route("/api/models", body=SYNTHETIC_EMPTY_JSON_LIST, headers=JSON_CT)]
    page = payload(TRENDING)  # DERIVED: the real Trending slice without its rows (a day with nothing trending)
    frame.routes["github_web"] = [Route("/trending", body=page[: page.index(b"<article")], headers=HTML_CT)]
    frame.routes["github_api"] = [Route("/search/repositories", status=status, headers=headers, body=body)]


def _refuse_everything(frame: Frame, ep: Endpoint) -> None:
    for key in ("arxiv_rss", "arxiv_api", "huggingface", "github_web", "github_api"):
        frame.settings["sources"][key]["base_url"] = closed_port_url()
    frame.settings["sources"]["huggingface"]["mirror_feed_url"] = closed_port_url() + "/api/feed"


FAULTS: list[Scenario] = _fault_matrix()


# =========================================================================== other groups


def _group(test: str, rows: list[tuple[str, str, str, str]], **params: Any) -> list[Scenario]:
    return [Scenario(name, fault, source, expected, test, dict(params)) for name, fault, source, expected in rows]


CRASH: list[Scenario] = _group("tests/test_reliability_crash.py::test_sigkill_then_rerun", [
    ("crash-sigkill-mid-store", "SIGKILL as soon as the first file under data/ changes (mid-store)", "`briefing run --replay` subprocess",
     "every file parses and validates (a leftover temp file at most, reported by validate); the next run removes it and yields the bytes of an uninterrupted run"),
    ("crash-sigkill-random", "SIGKILL at random points: twice after a random number of file changes, once after a random delay", "`briefing run --replay` subprocess",
     "as above, whatever the moment of the kill"),
])

IDEMPOTENCE: list[Scenario] = _group("tests/test_reliability_idempotence.py::test_idempotence", [
    ("idempotent-rerun", "the same day run twice with the same inputs", "all sources (in process)",
     "the second run changes no byte under data/ (\"0 files changed\")"),
    ("backfill-past-day", "a past day run after a later one (backfill)", "all sources (in process)",
     "the later day's edition is byte-identical; shared items only gain the past day's sighting; re-running the backfill changes nothing"),
    ("merge-idempotent-property", "property: merging the same sightings again, or days in any order (hypothesis)", "generator.merge",
     "merging is idempotent, sightings only accumulate, and the result does not depend on the order of days"),
])

HOSTILE: list[Scenario] = _group("tests/test_reliability_hostile.py::test_hostile", [
    ("hostile-error-text", "hostile text in a source's error answer (derived from the real \"Feed error\" RSS channel), quoted in the source report",
     "arxiv_rss", "stored in the edition's notes exactly, rendered inert"),
    ("hostile-hf-titles", "hostile titles and abstracts (YAML/Markdown/HTML/template syntax, controls, RTL, zero-width, 20 000 chars) in HF Daily Papers (derived from the real answer)",
     "huggingface", "stored exactly (after the parser's whitespace folding), every file validates, pages render them inert"),
    ("hostile-github-descriptions", "hostile repository descriptions in the GitHub search answer (derived from the real answer)",
     "github_api search", "stored exactly (after whitespace folding), pages render them inert"),
    ("hostile-listing-titles", "hostile titles and abstracts in the arXiv API listing (XML-escaped, derived from the real answer)",
     "arxiv_api listing", "stored exactly (after whitespace folding), pages render them inert"),
    ("hostile-edition-property", "property: any text in an edition's notes, judgment and ideas (hypothesis)", "generator.store",
     "round-trips exactly through the archive's YAML"),
])

BAD_EDITS: list[Scenario] = _group("tests/test_reliability_edits.py::test_bad_edit", [
    ("edit-unknown-field", "a hand edit adds an unknown field to an item", "data/items", "`briefing validate` exits 1 naming file:line and the field"),
    ("edit-wrong-type", "a hand edit puts a word where a date belongs", "data/items", "`briefing validate` exits 1 naming file:line and the field"),
    ("edit-broken-yaml", "a hand edit breaks the YAML syntax", "data/items", "`briefing validate` exits 1 naming file:line; `briefing run` refuses (exit 1) and leaves the file as it was"),
    ("edit-duplicate-id", "a copy of an item file under another name (duplicate id)", "data/items", "`briefing validate` exits 1 naming both files"),
    ("edit-missing-item", "an edition names an item that is not in data/items", "data/briefings", "`briefing validate` exits 1 naming file:line of the entry"),
    ("edit-not-utf8", "an item saved in Latin-1", "data/items", "`briefing validate` exits 1 naming the file"),
    ("edit-workflow-gate", "any of the above in the daily workflow", ".github/workflows/daily.yml", "`briefing validate` runs before build, archive and deploy, without continue-on-error: nothing is published"),
])

SECRETS: list[Scenario] = _group("tests/test_reliability_secrets.py::test_secrets", [
    ("secrets-not-leaked", "GITHUB_TOKEN, HF_TOKEN and BRIEFING_LLM__API_KEY set to unique markers; a GitHub 403 and an LLM 500 on the way", "all sources + LLM (subprocess)",
     "each token reaches only its own host as an Authorization header; no marker in stdout, stderr, data/, the rendered pages or feeds"),
])

SCENARIOS: list[Scenario] = FAULTS + CRASH + IDEMPOTENCE + HOSTILE + BAD_EDITS + SECRETS
BY_NAME = {s.name: s for s in SCENARIOS}
assert len(BY_NAME) == len(SCENARIOS), "scenario names must be unique"


def scenarios_of(test: str) -> list[Scenario]:
    return [s for s in SCENARIOS if s.test.endswith("::" + test)]


# =========================================================================== RELIABILITY.md tables


def table_rows(report: str) -> dict[str, list[str]]:
    """Rows of RELIABILITY.md's tables by scenario name (the name is the test cell's ``[...]`` id)."""
    rows = {}
    for line in report.splitlines():
        if not line.startswith("| ") or line.startswith("| fault") or set(line) <= set("|- "):
            continue
        cells = [c.strip() for c in re.split(r"(?<!\\)\|", line.strip())[1:-1]]
        match = re.search(r"\[([^\]]+)\]", cells[-1]) if cells else None
        if match:
            rows[match.group(1)] = cells
    return rows
