"""The command line: the only place that prints, exits, and turns errors into messages.

Exit codes of ``briefing run``: 0 published, 3 published but degraded (a source failed or a
fallback stood in), 4 nothing published (no items, or the day's stored edition is better and
stays): nothing under data/ changed; 1 an error, 2 bad settings or arguments.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import json
import sys
from pathlib import Path
from typing import Iterator

import yaml

from . import __version__
from .errors import BriefingError, ConfigError, InputError

EXIT_PUBLISHED, EXIT_DEGRADED, EXIT_EMPTY = 0, 3, 4


def _progress(quiet: bool):
    def report(message: str) -> None:
        if not quiet:
            print(f"  {message}", file=sys.stderr, flush=True)

    return report


def _date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a date: {text!r} (use YYYY-MM-DD)") from None


def _load_settings(args: argparse.Namespace, overrides: dict | None = None):
    from . import settings as settings_mod

    settings = settings_mod.load(args.config)
    return settings_mod.with_overrides(settings, overrides) if overrides else settings


@contextlib.contextmanager
def _replay_server(manifest_path: str | None) -> Iterator[tuple[object | None, dict]]:
    if not manifest_path:
        yield None, {}
        return
    from .replay import FixtureServer, load_manifest, replay_overrides

    manifest = load_manifest(manifest_path)
    with FixtureServer(manifest.routes) as server:
        yield manifest, replay_overrides(manifest, server.url)


def cmd_run(args: argparse.Namespace) -> int:
    from . import pipeline
    from .commentary.fields import llm_configured
    from .http import build_client

    progress = _progress(args.quiet)
    with _replay_server(args.replay) as (manifest, overrides):
        settings = _load_settings(args, overrides)
        shown = _load_settings(args) if manifest else None
        server_url = overrides["sources"]["arxiv_api"]["base_url"] if manifest else None
        day = args.date or (manifest.date if manifest else dt.datetime.now(dt.timezone.utc).date())
        now = manifest.now if manifest else dt.datetime.now(dt.timezone.utc).replace(microsecond=0)
        progress(f"briefing {day}" + (f" (replay of {args.replay})" if manifest else ""))
        with build_client(settings.user_agent()) as client:
            http = _http(client, settings, progress, replay=bool(manifest))
            result = pipeline.run(
                day, settings, http, now=now, with_llm=llm_configured(settings), progress=progress,
                replay=_shown_path(args.replay) if manifest else None, shown=shown,
                scrub=(lambda text: text.replace(server_url, "<replay>")) if manifest else (lambda text: text),
                force=args.force,
            )
    edition = result.edition
    for report in edition.sources:
        progress(f"source {report.source}: {report.status}" + (f", fallback {report.fallback}" if report.fallback else ""))
    if result.refused:
        print(_refusal(day, result, settings.data_dir))
        return EXIT_EMPTY
    changed = len(result.written)
    print(f"{day}: {edition.status}, {len(edition.item_ids())} items listed, {changed} files changed under {settings.data_dir}")
    code = {"published": EXIT_PUBLISHED, "degraded": EXIT_DEGRADED, "empty": EXIT_EMPTY}[edition.status]
    if code == EXIT_DEGRADED and args.ok_if_degraded:
        return EXIT_PUBLISHED
    return code


def _refusal(day: dt.date, result, data_dir: Path) -> str:
    stored = result.stored
    if stored is None:
        return f"{day}: nothing published ({result.refused}); nothing under {data_dir} changed"
    kept = f"{stored.status}, {len(stored.item_ids())} items"
    hint = "" if not result.edition.item_ids() else "; --force replaces it"
    return f"{day}: nothing published: the stored edition ({kept}) stays: {result.refused}; nothing under {data_dir} changed{hint}"


def _http(client, settings, progress, *, replay: bool = False):
    from .http import Http
    from .pipeline import host_policies

    return Http(client, host_policies(settings), backoff_base=0.0 if replay else settings.http.backoff_base,
                backoff_max=settings.http.backoff_max, on_event=progress)


def cmd_library_update(args: argparse.Namespace) -> int:
    from . import library
    from .http import build_client
    from .store import Archive

    settings = _load_settings(args)
    progress = _progress(args.quiet)
    with build_client(settings.user_agent()) as client:
        result = library.update(_http(client, settings, progress), settings, Archive(settings.data_dir),
                                dt.datetime.now(dt.timezone.utc).date())
    for item_id, reason in sorted(result.failed.items()):
        progress(f"{item_id}: look-up failed ({reason}); its title stands in until the next update")
    for item_id in result.missing:
        progress(f"{item_id}: the authority does not know it; check the id in profile.library")
    print(f"library: {len(result.fetched)} fetched, {len(result.failed)} failed, {len(result.missing)} unknown"
          + (f"; {settings.data_dir / 'library.yaml'} updated" if result.written else "; nothing changed"))
    return 1 if result.failed or result.missing else 0


def _today() -> dt.date:
    return dt.datetime.now(dt.timezone.utc).date()


def cmd_rate(args: argparse.Namespace) -> int:
    from . import ratings
    from .ids import KIND_OF_PREFIX
    from .models import Rating
    from .store import Archive

    settings = _load_settings(args)
    archive = Archive(settings.data_dir)
    item_id = ratings.canonical_id(args.id)
    grade = ratings.parse_grade(args.grade)
    kind = KIND_OF_PREFIX[item_id.split(":", 1)[0]]
    stored = archive.load_item(item_id)
    if stored is not None or args.title:
        title, abstract, categories = (stored.title, stored.summary, stored.source_categories) if stored else (args.title, args.abstract or "", [])
    else:
        found = _look_up(settings, [item_id], args.quiet)[item_id]
        title, abstract, categories = found.title, found.summary, found.categories if kind == "paper" else []
    entry = Rating(id=item_id, kind=kind, title=title, abstract=abstract, arxiv_categories=categories, grade=grade,
                   why=args.why, date=args.date or _today())
    change = ratings.rate(archive, [entry])
    where = ", ".join(str(p) for p in change.written) or "nothing changed"
    before = f" (was {change.before[item_id]})" if item_id in change.before else ""
    print(f"{item_id}: rated {grade}{before}; {where}")
    return 0


def _look_up(settings, ids: list[str], quiet: bool) -> dict:
    """Texts from the authorities, every id found, or an error naming what is missing."""
    from . import library
    from .http import build_client

    with build_client(settings.user_agent()) as client:
        looked = library.fetch_texts(_http(client, settings, _progress(quiet)), settings, ids)
    if looked.failed:
        item_id, reason = next(iter(sorted(looked.failed.items())))
        raise BriefingError(f"{item_id}: look-up failed ({reason}); offline, give its text (briefing rate: --title/--abstract; "
                            "briefing rank: a JSON file of papers)")
    if looked.missing:
        raise InputError(f"{', '.join(looked.missing)}: unknown to the authority (arXiv, GitHub, Hugging Face); check the id")
    return looked.found


def cmd_ratings_import(args: argparse.Namespace) -> int:
    from . import library, ratings
    from .models import Rating
    from .store import Archive

    settings = _load_settings(args)
    archive = Archive(settings.data_dir)
    path = Path(args.file)
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(f"{path}: cannot read ({exc})") from None
    today = args.date or _today()
    form = ratings.detect_format(path, text)
    if form == "labelled-day":
        written = ratings.rate(archive, ratings.labelled_day(path, today)).written
        print(f"{path}: imported as ratings; {len(written)} ledger file(s) changed under {archive.ratings_dir}")
        return 0
    if form == "bibtex":
        papers = ratings.parse_bibtex(text, str(path))
    else:
        ids = [f"arxiv:{bare}" for bare in ratings.parse_id_list(text, str(path))]
        found = _look_up(settings, ids, args.quiet)
        if args.grade is not None:
            grade = ratings.parse_grade(args.grade)
            entries = [Rating(id=i, title=found[i].title, abstract=found[i].summary, arxiv_categories=found[i].categories,
                              grade=grade, date=today) for i in ids]
            written = ratings.rate(archive, entries).written
            print(f"{path}: {len(entries)} papers rated {grade}; {len(written)} ledger file(s) changed under {archive.ratings_dir}")
            return 0
        papers = [ratings.LibraryPaper(i, found[i].title, found[i].summary) for i in ids]
    added, changed = library.add_papers(archive, papers, "bibtex" if form == "bibtex" else "arxiv-api", today)
    print(f"{path}: {len(papers)} papers with an arXiv id, {len(added)} new in the library"
          + (f"; {archive.library_file} updated" if changed else "; nothing changed"))
    return 0


def cmd_rank(args: argparse.Namespace) -> int:
    from . import library, triage
    from .render.explain import explanation
    from .render.i18n import Labels
    from .store import Archive

    settings = _load_settings(args)
    path = Path(args.file)
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise InputError(f"{path}: cannot read ({exc})") from None
    papers = triage.parse_papers(data, str(path))
    if papers and isinstance(papers[0], str):
        found = _look_up(settings, [f"arxiv:{bare}" for bare in papers], args.quiet)
        papers = [triage.Paper(bare, found[f"arxiv:{bare}"].title, found[f"arxiv:{bare}"].summary,
                               tuple(found[f"arxiv:{bare}"].categories)) for bare in papers]
    ranked = triage.rank_papers(library.reader_ranker(settings, Archive(settings.data_dir), filing=False), papers)
    t = Labels(settings.language)
    reasons = [explanation(r.relevance, settings.profile, t) for r in ranked]
    if args.format == "json":
        rows = [{"rank": r.rank, "id": r.paper.id, "score": r.relevance.score, "title": r.paper.title, "reason": reason,
                 "taste": r.relevance.taste, "terms": r.relevance.terms} for r, reason in zip(ranked, reasons)]
        print(json.dumps(rows, ensure_ascii=False, indent=1))
        return 0
    for r, reason in zip(ranked[: args.top or None], reasons):
        print(f"{r.rank:4}  {r.relevance.score:.3f}  {r.paper.id:<18} {_clip(r.paper.title, 70):<70}  {_clip(reason, 90)}")
    return 0


def _clip(text: str, width: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= width else text[: width - 1] + "…"


def _shown_path(path: str) -> str:
    resolved = Path(path).resolve()
    with contextlib.suppress(ValueError):
        return resolved.relative_to(Path.cwd()).as_posix()
    return path


def cmd_validate(args: argparse.Namespace) -> int:
    from .validate import validate

    data_dir = Path(args.data_dir) if args.data_dir else _load_settings(args).data_dir
    faults = validate(data_dir, cache_dir=None if args.all else Path(args.cache_dir) / "validate")
    for fault in faults:
        print(fault.github() if args.format == "github" else fault.text())
    if faults:
        print(f"{len(faults)} problem(s) under {data_dir}", file=sys.stderr)
        return 1
    print(f"ok: {data_dir} is valid", file=sys.stderr)
    return 0


def cmd_config_show(args: argparse.Namespace) -> int:
    from .settings import resolved

    data = resolved(_load_settings(args))
    if args.json:
        print(json.dumps(data, ensure_ascii=False, indent=2, default=str))
    else:
        print(yaml.safe_dump(json.loads(json.dumps(data, default=str)), allow_unicode=True, sort_keys=False), end="")
    return 0


def cmd_build(args: argparse.Namespace) -> int:
    from .render.build import build_site

    settings = _load_settings(args)
    cache_dir = None if args.no_cache else Path(args.cache_dir)
    build_site(settings, Path(args.site_dir), check_links=args.check_links, cache_dir=cache_dir)
    print(f"site built in {args.site_dir}")
    return 0


def cmd_publish_data(args: argparse.Namespace) -> int:
    import os

    from .gitops import commit_data

    repo = Path(args.repo).resolve()
    day = args.date or dt.datetime.now(dt.timezone.utc).date()
    data_dir = Path(args.data_dir) if args.data_dir else _load_settings(args).data_dir
    relative = os.path.relpath(Path(data_dir).resolve(), repo)
    if relative == ".." or relative.startswith(".." + os.sep):
        raise ConfigError(f"data_dir {data_dir} is outside the repository {repo}; pass --repo or --data-dir")
    committed = commit_data(repo, day, push=not args.no_push, remote=args.remote, branch=args.branch, retries=args.retries, paths=[relative])
    where = "" if args.no_push else f", pushed to {args.remote}"
    print(f"{day}: committed {relative}/{where}" if committed else f"{day}: nothing to commit under {relative}/")
    return 0


def parser() -> argparse.ArgumentParser:
    root = argparse.ArgumentParser(prog="briefing", description="Daily AI-research briefing: collect, verify, archive, render.")
    root.add_argument("--version", action="version", version=f"briefing {__version__}")
    root.add_argument("--config", help="settings file (default: $BRIEFING_CONFIG or ./briefing.yaml)")
    commands = root.add_subparsers(dest="command", required=True)

    run = commands.add_parser("run", help="collect one day and write its items and edition under data/")
    run.add_argument("--date", type=_date, help="the edition's day, YYYY-MM-DD (default: today UTC, or the replay's day)")
    run.add_argument("--replay", metavar="MANIFEST", help="serve recorded payloads from this manifest on loopback instead of the network")
    run.add_argument("--quiet", action="store_true", help="no progress on stderr")
    run.add_argument("--force", action="store_true",
                     help="replace the day's stored edition even by one with fewer items or a lower status (never by an empty one)")
    run.add_argument("--ok-if-degraded", action="store_true", help="exit 0 instead of 3 when a source failed but an edition was published")
    run.set_defaults(func=cmd_run)

    check = commands.add_parser("validate", help="check every file under data/ against the schema and cross-references")
    check.add_argument("--data-dir", help="archive root (default: data_dir from settings)")
    check.add_argument("--format", choices=["text", "github"], default="text", help="github: workflow-command annotations")
    check.add_argument("--all", action="store_true", help="parse every file, ignoring the cache of files already found valid")
    check.add_argument(
        "--cache-dir", default=".cache/briefing", help="where files found valid are remembered (default: .cache/briefing; disposable)"
    )
    check.set_defaults(func=cmd_validate)

    config = commands.add_parser("config", help="settings")
    config_commands = config.add_subparsers(dest="config_command", required=True)
    show = config_commands.add_parser("show", help="print the resolved settings (file + environment), secrets masked")
    show.add_argument("--json", action="store_true", help="JSON instead of YAML")
    show.set_defaults(func=cmd_config_show)

    build = commands.add_parser("build", help="render data/ into the static site (mkdocs build --strict, the search index built beside it)")
    build.add_argument("--site-dir", default="site", help="output folder (default: site)")
    build.add_argument("--check-links", action="store_true", help="run lychee offline on the built site")
    build.add_argument(
        "--cache-dir",
        default=".cache/briefing",
        help="build cache: parsed archive, rendered pages, search bundles (default: .cache/briefing; disposable)",
    )
    build.add_argument("--no-cache", action="store_true", help="a cold build: use no cache and keep none (same site)")
    build.set_defaults(func=cmd_build)

    lib = commands.add_parser("library", help="the reader's library (profile.library in the settings)")
    lib_commands = lib.add_subparsers(dest="library_command", required=True)
    update = lib_commands.add_parser("update", help="fetch the texts of library entries not yet in data/library.yaml (one batched arXiv request)")
    update.add_argument("--quiet", action="store_true", help="no progress on stderr")
    update.set_defaults(func=cmd_library_update)

    rate = commands.add_parser("rate", help="rate a paper, repo or model (the taste model learns from ratings)")
    rate.add_argument("id", help="arXiv id or URL, github:owner/repo, hf:org/model or hfd:org/dataset")
    rate.add_argument("grade", help="0-3 (3 must read, 2 relevant, 1 tangential, 0 not for me), relevant or not-relevant")
    rate.add_argument("--why", help="your reason, one line (shown when a new item resembles this one)")
    rate.add_argument("--title", help="its title, to rate offline (else looked up: arXiv id_list, GitHub, Hugging Face)")
    rate.add_argument("--abstract", help="its abstract or description, with --title")
    rate.add_argument("--date", type=_date, help="the day of the rating (default: today UTC)")
    rate.add_argument("--quiet", action="store_true", help="no progress on stderr")
    rate.set_defaults(func=cmd_rate)

    rated = commands.add_parser("ratings", help="the reader's ratings (data/ratings/)")
    rated_commands = rated.add_subparsers(dest="ratings_command", required=True)
    take = rated_commands.add_parser(
        "import", help="import a labelled day (labels-<day>.json beside its candidates), a BibTeX export or a list of arXiv ids")
    take.add_argument("file", help="labels-<yyyy-mm-dd>.json, a .bib file (entries with an arXiv id join the library), "
                                   "or arXiv ids one per line (they join the library, or with --grade are rated)")
    take.add_argument("--grade", help="rate every id of a plain list with this grade instead of adding them to the library")
    take.add_argument("--date", type=_date, help="the day of the ratings (default: a labelled day's own, else today UTC)")
    take.add_argument("--quiet", action="store_true", help="no progress on stderr")
    take.set_defaults(func=cmd_ratings_import)

    ranking = commands.add_parser("rank", help="rank a list of papers against your taste (a conference's accepted papers...)")
    ranking.add_argument("file", help='JSON {"papers": [{"id", "title", "abstract", "categories"?}]}, JSONL of such objects, '
                                      "or arXiv ids one per line (looked up in one batch)")
    ranking.add_argument("--format", choices=["table", "json"], default="table", help="json: a list of {rank, id, score, ...}, best first")
    ranking.add_argument("--top", type=int, help="print only the best N rows of the table")
    ranking.add_argument("--quiet", action="store_true", help="no progress on stderr")
    ranking.set_defaults(func=cmd_rank)

    publish = commands.add_parser("publish-data", help="commit data/ if it changed (\"data: briefing DAY\") and push, rebasing on a push race")
    publish.add_argument("--date", type=_date, help="the edition's day named in the commit message (default: today UTC)")
    publish.add_argument("--repo", default=".", help="the git checkout (default: the current directory)")
    publish.add_argument("--data-dir", help="archive root to commit (default: data_dir from settings)")
    publish.add_argument("--no-push", action="store_true", help="commit only, do not push")
    publish.add_argument("--remote", default="origin", help="remote to push to (default: origin)")
    publish.add_argument("--branch", help="branch to push to (default: the checked-out branch)")
    publish.add_argument("--retries", type=int, default=3, help="push attempts after a rejected push, each after git pull --rebase (default: 3)")
    publish.set_defaults(func=cmd_publish_data)
    return root


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    try:
        return args.func(args)
    except BriefingError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        print("interrupted; nothing half-written was left under data/", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
