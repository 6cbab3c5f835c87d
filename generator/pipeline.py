"""One run: sources -> verify -> merge -> classify/rank -> edition -> commentary -> store.

Only ``collect`` and the look-ups touch the network; only ``store`` touches data/.
"""

from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass, field
from typing import Callable
from urllib.parse import quote, urlsplit

from . import classify, edition as edition_mod, grading, library, merge, messages, rank, verify
from .commentary import write_commentary
from .commentary.extractive import HISTORY_DAYS
from .commentary.fields import llm_configured
from .commentary.llm import Budget, ChatClient
from .http import Http, HostPolicy
from .models import Candidate, Edition, Item, Relevance, RunStats, SourceReport
from .settings import Settings
from .sources import arxiv, github, huggingface
from .sources.base import Fetched
from .store import Archive

Progress = Callable[[str], None]

SOURCE_KEYS = ("arxiv_rss", "arxiv_api", "huggingface", "github_web", "github_api")
LOOKUP_KIND = {"arxiv_api": "paper", "github_api": "repo", "huggingface": "model"}  # who verifies what


@dataclass
class RunResult:
    edition: Edition  # the edition this run assembled (not stored when ``refused``)
    written: list[str] = field(default_factory=list)  # data-relative paths that changed
    refused: str | None = None  # why nothing was stored (the day's stored edition, if any, stands)
    stored: Edition | None = None  # the day's edition on disk before the run

    @property
    def status(self) -> str:
        return self.edition.status


def host_policies(settings: Settings) -> dict[str, HostPolicy]:
    """Per-host politeness, timeouts and tokens, keyed by the configured base URLs' hosts."""
    policies: dict[str, HostPolicy] = {}
    tokens = {"github_api": os.environ.get("GITHUB_TOKEN"), "huggingface": os.environ.get("HF_TOKEN")}
    for key in SOURCE_KEYS:
        source = getattr(settings.sources, key)
        host = urlsplit(source.base_url).netloc
        policy = policies.setdefault(host, HostPolicy(min_interval=0.0, timeout=source.timeout, max_retries=source.max_retries))
        # Several sources on one host (all of them, in a replay) share the strictest politeness.
        policy.min_interval = max(policy.min_interval, source.min_interval)
        policy.timeout = max(policy.timeout, source.timeout)
        if tokens.get(key):
            policy.headers["Authorization"] = f"Bearer {tokens[key]}"
    hf = settings.sources.huggingface
    if hf.mirror_feed_url:  # a third-party host: HF's timeout and retries, never HF's token
        policies.setdefault(urlsplit(hf.mirror_feed_url).netloc, HostPolicy(timeout=hf.timeout, max_retries=hf.max_retries))
    return policies


def collect(http: Http, settings: Settings, day: dt.date, progress: Progress) -> list[Fetched]:
    fetched: list[Fetched] = []
    for name, module in (("arXiv", arxiv), ("Hugging Face", huggingface), ("GitHub", github)):
        progress(f"{name}: fetching")
        results = module.fetch(http, settings, day)
        for result in results:
            progress(f"{name}: {result.source} {result.status}, {len(result.candidates)} candidates" + (f" (fallback: {result.fallback})" if result.fallback else ""))
        fetched += results
    return fetched


def lookups(http: Http, settings: Settings, shown: Settings | None = None) -> verify.Lookups:
    """Look-ups go to the configured base URLs; the URLs recorded in items are those of
    ``shown`` (in a replay: the real services the recording stands for)."""
    public = (shown or settings).sources
    api, hf, gh = public.arxiv_api, public.huggingface, public.github_api
    return verify.Lookups(
        papers=lambda ids: arxiv.lookup(http, settings, ids),
        repo=lambda full_name: github.lookup_repo(http, settings, full_name),
        model=lambda name: huggingface.lookup_model(http, settings, name),
        paper_url=lambda name: f"{api.base_url}/api/query?id_list={quote(name)}",
        repo_url=lambda name: f"{gh.base_url}/repos/{name}",
        model_url=lambda name: f"{hf.base_url}/api/models/{name}",
        dataset_url=lambda name: f"{hf.base_url}/api/datasets/{name}",
    )


# How many candidates per listed place are verified: the rest cannot make the edition.
SHORTLIST_FACTOR = 2


def shortlist(groups: dict[str, list[Candidate]], settings: Settings, ranker: rank.Ranker) -> dict[str, list[Candidate]]:
    """The identities worth verifying: those that could be listed today, ranked before verification.

    Only listed items enter the archive, so only they need an authoritative look-up. Ranking
    first keeps a day at one or two batched arXiv look-ups instead of one per 100 RSS papers.
    """
    limits = settings.edition
    room = {"paper": (limits.highlights + limits.papers) * SHORTLIST_FACTOR,
            **{kind: limits.follow * SHORTLIST_FACTOR for kind in ("repo", "model", "dataset")}}

    scores = rank.rank_groups(groups, ranker)
    chosen: dict[str, list[Candidate]] = {}
    for kind, size in room.items():
        of_kind = sorted((i for i, g in groups.items() if g[0].kind == kind), key=lambda i: (-scores[i], i))
        chosen.update({i: groups[i] for i in of_kind[:size]})
    return dict(sorted(chosen.items()))


def source_reports(fetched: list[Fetched], http: Http, settings: Settings) -> list[SourceReport]:
    """One report per source key, merging a module's several results (e.g. HF papers + models)."""
    reports: dict[str, SourceReport] = {}
    for result in fetched:
        report = reports.setdefault(result.source, SourceReport(source=result.source, status=result.status))
        report.status = _worse(report.status, result.status)
        report.candidates += len(result.candidates)
        report.fallback = report.fallback or result.fallback
        report.notes += [n for n in result.notes if n not in report.notes]
    for key in SOURCE_KEYS:
        if not getattr(settings.sources, key).enabled:
            reports.setdefault(key, SourceReport(source=key, status="disabled"))
        report = reports.setdefault(key, SourceReport(source=key, status="ok"))
        tally = http.tallies.get(key)
        if tally:
            report.requests, report.retries, report.http_statuses = tally.requests, tally.retries, tally.as_dict()
    return [reports[k] for k in SOURCE_KEYS]


_SEVERITY = ["disabled", "not-scheduled", "ok", "degraded", "failed"]


def _worse(a: str, b: str) -> str:
    return max(a, b, key=_SEVERITY.index)


def run(
    day: dt.date,
    settings: Settings,
    http: Http,
    *,
    now: dt.datetime,
    with_llm: bool = False,
    progress: Progress = lambda message: None,
    replay: str | None = None,
    shown: Settings | None = None,
    scrub: Callable[[str], str] = lambda text: text,
    force: bool = False,
) -> RunResult:
    """Run one day. ``shown``/``scrub`` keep replay-only details (the loopback server's
    random port) out of the stored data, so replays are byte-identical.

    Nothing is stored when the day has no item to list, or when the day's stored edition is
    better (more items, a higher status) and ``force`` is not set: a failed re-run must
    never lose a published day. Then ``refused`` says why and nothing under data/ changed."""
    archive = Archive(settings.data_dir)
    archive.clean_temp_files()
    fetched = collect(http, settings, day, progress)
    candidates: list[Candidate] = [c for f in fetched for c in f.candidates]
    all_groups = merge.group_by_id(candidates, archive.aliases())
    ranker = library.reader_ranker(settings, archive)
    groups = shortlist(all_groups, settings, ranker)
    progress(f"verify: {len(groups)} shortlisted of {len(all_groups)} identities from {len(candidates)} candidates")
    outcome = verify.verify(groups, lookups(http, settings, shown), now)

    items: dict[str, Item] = {}
    day_signals: dict[str, dict[str, float]] = {}
    prior: dict[str, Relevance] = {}  # the stored relevance: LLM grades on unchanged inputs are reused
    former: dict[str, list[str]] = {}  # current id -> the ids it was seen under today (renames)
    for seen_as, current in sorted(outcome.renamed.items()):
        former.setdefault(current, []).append(seen_as)
    for item_id, verified in outcome.verified.items():
        olds = former.get(item_id, [])
        source_group = groups.get(item_id, []) + [c for old in olds for c in groups[old]]
        # A repo stored before its rename was noticed: the new item starts from its history.
        # (Its file stays: earlier editions name it.)
        existing = archive.load_item(item_id) or next(filter(None, map(archive.load_item, olds)), None)
        item = merge.merge_item(existing, verified, source_group, day)
        if existing is not None:
            prior[item.id] = existing.relevance
        if olds or (existing and existing.id != item_id):
            item = merge.with_aliases(item, item_id, olds)
        items[item.id] = item
        day_signals[item.id] = merge.signals(source_group)
    # A day lists no model or dataset created after it: the trending listings say what trends
    # now, so a backfill (or a replay of later recordings) sees things the day could not have
    # had. (Papers and repos are asked for by the day's own dates: the listing's window, the
    # search's created: window.)
    later = sorted(i for i, item in items.items() if item.kind in ("model", "dataset") and item.published > day)
    for item_id in later:
        del items[item_id], day_signals[item_id]
    classify.apply_all(list(items.values()), settings.taxonomy, ranker.models.filing)
    for item_id, relevance in rank.relevances(ranker, list(items.values())).items():
        items[item_id].relevance = relevance
    use_llm = with_llm and llm_configured(settings)
    ranking_notes, commentary_settings = [], settings
    if use_llm:
        ranking_notes, commentary_settings = grade(items, prior, day_signals, settings, http, day, progress)

    papers = {i: it for i, it in items.items() if it.kind == "paper"}
    entries = [edition_mod.entry(item, day_signals[i], merge.continuity(item, day, papers)) for i, item in items.items()]
    reports = source_reports(fetched, http, settings)
    for report in reports:
        report.notes = [messages.scrubbed(note, scrub) for note in report.notes]
        # A failed look-up degrades the source that was asked, and says so.
        if later and report.source == "huggingface":  # the trending listings'
            report.notes.append(messages.note("published-later", n=len(later), date=day.isoformat()))
        failed = outcome.failed_lookups.get(LOOKUP_KIND.get(report.source), 0)
        if failed:
            report.notes.append(messages.note("lookups-failed", n=failed))
            report.status = _worse(report.status, "degraded")
    edition = edition_mod.build(day, items, entries, reports, settings)
    edition.replay = replay
    edition.ranking_notes = ranking_notes
    listed = {i: items[i] for i in edition.item_ids()}
    edition.stats = RunStats(
        candidates=len(candidates),
        shortlisted=len(groups),
        verified=sum(1 for v in outcome.verified.values() if v.verification.status == "verified"),
        partial=sum(1 for v in outcome.verified.values() if v.verification.status == "partial"),
        dropped=len(outcome.dropped),
        new_items=sum(1 for item in listed.values() if item.first_seen() == day),
        returning_items=sum(1 for item in listed.values() if item.first_seen() < day),
    )

    stored = archive.load_edition(day)
    refused = edition_mod.why_not_replace(edition, stored)
    if refused and (not force or not listed):  # checked before commentary: no LLM spend on it
        return RunResult(edition=edition, refused=refused, stored=stored)
    # the previous four weeks: the day's digest says what rose against them
    history = [e for e in (archive.load_edition(day - dt.timedelta(days=n)) for n in range(1, HISTORY_DAYS + 1)) if e]
    progress(f"commentary: {len(listed)} items" + (f" with {settings.llm.model}" if use_llm else " (extractive)"))
    # A re-run: the stored day-level text (perhaps edited by a human) carries over.
    commentary = write_commentary(list(listed.values()), edition, history, commentary_settings, http if use_llm else None, day,
                                  stored=stored)
    commentary.apply_to(listed.values(), edition)
    return RunResult(edition=edition, written=store(archive, listed, edition), stored=stored)


def grade(items: dict[str, Item], prior: dict[str, Relevance], day_signals: dict[str, dict[str, float]],
          settings: Settings, http: Http, day: dt.date, progress: Progress) -> tuple[list[str], Settings]:
    """LLM grades for the verified shortlist, best first; returns the edition's notes and the
    settings commentary runs with (its token budget less what grading spent)."""
    llm = settings.llm
    chat = ChatClient(http, settings, budget=Budget(int(llm.token_budget * llm.grade_budget_share)))
    order = sorted(items, key=lambda i: (-rank.day_score(items[i].relevance, day_signals[i], items[i].kind), i))
    result = grading.grade([items[i] for i in order], prior, settings, chat, day)
    grading.apply(items, result, chat.by)
    progress(f"grading: {len(result.grades)} graded, {len(result.failed)} by the lexical score")
    left = max(0, llm.token_budget - chat.budget.spent)
    return grading.notes(result), settings.model_copy(update={"llm": llm.model_copy(update={"token_budget": left})})


def store(archive: Archive, items: dict[str, Item], edition: Edition) -> list[str]:
    """Write items first, the edition last: an edition never names an item not yet on disk."""
    written = []
    for item_id in sorted(items):
        if archive.save_item(items[item_id]):
            written.append(str(archive.item_file(item_id).relative_to(archive.root)))
    if archive.save_edition(edition):
        written.append(str(archive.edition_file(edition.date).relative_to(archive.root)))
    return written
