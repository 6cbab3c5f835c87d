"""The reader's ratings (issue 24): the ledger, `briefing rate`, `briefing ratings import`, the
taste and filing models, and `briefing rank`.

Texts are real: the labelled days in ../shared/relevance (arXiv titles and abstracts as the
crawl recorded them), the recorded arXiv id_list answers under tests/fixtures/sources, and real
BibTeX exports under tests/fixtures/bibtex (provenance in its SOURCES.md).
"""

from __future__ import annotations

import contextlib
import json
import shutil

import pytest

from conftest import ROOT, payload
from fixtures_util import briefing_cli
from generator import classify, rank, ratings, settings as settings_mod
from generator.render.explain import explanation
from generator.render.i18n import Labels
from generator.replay import FixtureServer, Route
from generator.store import Archive
from generator.taste import MIN_RATINGS, ReaderModels, Text
from generator.validate import validate

RELEVANCE = ROOT.parent / "shared" / "relevance"
BIBTEX = ROOT / "tests" / "fixtures" / "bibtex"
TRAIN_DAYS = ("2025-04-08", "2025-05-22", "2025-06-10", "2025-07-22")


def labelled(day: str) -> list:
    return ratings.labelled_day(RELEVANCE / f"labels-{day}.json", None)


def rated(*days: str) -> list[ratings.Rated]:
    return [ratings.from_rating(r) for day in days for r in labelled(day)]


@pytest.fixture(scope="module")
def models() -> ReaderModels:
    return ReaderModels.fit(rated(*TRAIN_DAYS))


@pytest.fixture
def papers_file(tmp_path):
    """Twelve papers of a labelled day the models never saw, as `briefing rank` takes them."""
    papers = json.loads((RELEVANCE / "candidates-2025-08-12.json").read_text(encoding="utf-8"))["papers"][:12]
    path = tmp_path / "papers.json"
    path.write_text(json.dumps({"papers": papers}), encoding="utf-8")
    return path, papers


@contextlib.contextmanager
def arxiv_answering(recorded: str):
    """A loopback arXiv API answering every query with one recorded answer: (server, the env that points at it)."""
    with FixtureServer([Route("/api/query", body=payload(f"arxiv_api/{recorded}"))]) as server:
        yield server, {"BRIEFING_SOURCES__ARXIV_API__BASE_URL": server.url, "BRIEFING_SOURCES__ARXIV_API__MIN_INTERVAL": "0"}


def rank_json(path, data_dir) -> list[dict]:
    result = briefing_cli("rank", str(path), "--format", "json", data_dir=data_dir)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


# --------------------------------------------------------------------------- the ledger


def test_a_labelled_day_imports_as_ratings_and_again_changes_nothing(tmp_path):
    data = tmp_path / "data"
    first = briefing_cli("ratings", "import", str(RELEVANCE / "labels-2025-03-25.json"), data_dir=data)
    assert first.returncode == 0, first.stderr
    ledger = data / "ratings" / "2025-03.yaml"
    entries = Archive(data).load_ratings(ledger).ratings
    labels = json.loads((RELEVANCE / "labels-2025-03-25.json").read_text(encoding="utf-8"))["labels"]
    filing = json.loads((RELEVANCE / "categories-2025-03-25.json").read_text(encoding="utf-8"))["papers"]
    assert {e.id: e.grade for e in entries} == {f"arxiv:{k}": v["grade"] for k, v in labels.items()}
    assert all(e.filed == filing[e.id.removeprefix("arxiv:")] and e.abstract and e.why for e in entries)
    before = ledger.read_bytes()
    again = briefing_cli("ratings", "import", str(RELEVANCE / "labels-2025-03-25.json"), data_dir=data)
    assert again.returncode == 0 and ledger.read_bytes() == before  # byte-identical: nothing to write
    assert validate(data) == []


def test_an_hf_mirror_description_is_stored_as_its_abstract():
    """The recorded day's feedgen mirror wraps abstracts in HTML (thumbnail, authors, upvotes)."""
    entries = labelled("2026-04-30")
    assert not any("<p>" in e.abstract or "<img" in e.abstract or "Upvotes:" in e.abstract for e in entries)
    tcod = next(e for e in entries if e.id == "arxiv:2604.24005")
    assert tcod.abstract.startswith("On-policy distillation (OPD) has shown strong potential")


@pytest.mark.parametrize("name, expected", [
    ("zotero_bbt_llm_safety.bib", 14),  # eprint + archiveprefix, doi 10.48550/arXiv...
    ("google_scholar_continual_event_detection.bib", 9),  # journal = {arXiv preprint arXiv:...}
    ("arxiv_export_llm_agent_tools.bib", 20),  # @misc with eprint, archivePrefix, url
])
def test_a_bibtex_export_adds_its_arxiv_papers_to_the_library(tmp_path, name, expected):
    data = tmp_path / "data"
    result = briefing_cli("ratings", "import", str(BIBTEX / name), data_dir=data)
    assert result.returncode == 0, result.stderr
    entries = Archive(data).load_library().entries
    assert len(entries) == expected and all(e.id.startswith("arxiv:") and e.by == "bibtex" for e in entries)
    assert not any("{" in e.title or "\\" in e.title for e in entries)  # TeX braces and commands are gone
    assert f"{expected} papers with an arXiv id, {expected} new" in result.stdout
    again = briefing_cli("ratings", "import", str(BIBTEX / name), data_dir=data)
    assert again.returncode == 0 and "0 new in the library; nothing changed" in again.stdout
    assert validate(data) == []


def test_zotero_abstracts_come_along():
    papers = ratings.parse_bibtex((BIBTEX / "zotero_bbt_llm_safety.bib").read_text(encoding="utf-8"))
    assert all(p.abstract for p in papers)


def test_a_list_of_ids_is_looked_up_in_one_batch(tmp_path):
    listing = tmp_path / "ids.txt"
    listing.write_text("# my reading list\nhttps://arxiv.org/abs/2104.12255v1\n", encoding="utf-8")
    with arxiv_answering("id_list_2104.12255v1.atom.xml") as (server, env):
        result = briefing_cli("ratings", "import", str(listing), "--grade", "3", data_dir=tmp_path / "data", env=env)
        assert result.returncode == 0, result.stderr
        assert [q for _, q in server.requests] == ["id_list=2104.12255&start=0&max_results=1"]
    (entry,) = [r for f in Archive(tmp_path / "data").ratings_files() for r in Archive(tmp_path / "data").load_ratings(f).ratings]
    assert entry.id == "arxiv:2104.12255" and entry.grade == 3 and entry.title and entry.abstract


def test_an_id_the_authority_does_not_know_is_named(tmp_path):
    listing = tmp_path / "ids.txt"
    listing.write_text("0808.05394\n1707.08567\n", encoding="utf-8")
    with arxiv_answering("id_list_two_ids_one_missing.atom.xml") as (_, env):
        result = briefing_cli("ratings", "import", str(listing), data_dir=tmp_path / "data", env=env)
    assert result.returncode == 2 and "arxiv:0808.05394: unknown to the authority" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1 and not (tmp_path / "data").exists()


def test_a_malformed_ledger_entry_is_named_with_its_file_and_line(tmp_path):
    data = tmp_path / "data"
    assert briefing_cli("ratings", "import", str(RELEVANCE / "labels-2025-03-25.json"), data_dir=data).returncode == 0
    ledger = data / "ratings" / "2025-03.yaml"
    lines = ledger.read_text(encoding="utf-8").splitlines()
    target = [n for n, line in enumerate(lines) if line.startswith("  grade: ")][3]
    lines[target] = "  grade: 5"
    ledger.write_text("\n".join(lines) + "\n", encoding="utf-8")
    (fault,) = validate(data, shown_root=tmp_path)
    assert (fault.path, fault.line, fault.field) == ("data/ratings/2025-03.yaml", target + 1, "ratings[3].grade")
    assert "write a grade 0-3" in fault.problem
    result = briefing_cli("validate", data_dir=data)
    assert result.returncode == 1 and f"data/ratings/2025-03.yaml:{target + 1}: ratings[3].grade" in result.stdout.replace(str(tmp_path) + "/", "")


def test_a_rating_in_the_wrong_month_or_twice_is_a_fault(tmp_path):
    data = tmp_path / "data"
    assert briefing_cli("ratings", "import", str(RELEVANCE / "labels-2025-03-25.json"), data_dir=data).returncode == 0
    shutil.copy(data / "ratings" / "2025-03.yaml", data / "ratings" / "2025-04.yaml")
    faults = validate(data, shown_root=tmp_path)
    assert any(f.path == "data/ratings/2025-04.yaml" and f.field == "ratings[0].date" and "ratings/2025-03.yaml" in f.problem for f in faults)
    assert any(f.field == "ratings[0].id" and "rated twice" in f.problem for f in faults)


# --------------------------------------------------------------------------- rate, then rank


def test_a_rating_changes_the_next_ranking(tmp_path, papers_file):
    path, papers = papers_file
    data = tmp_path / "data"
    shutil.copytree(ROOT / "data" / "ratings", data / "ratings")
    before = rank_json(path, data)
    top = before[0]
    assert [r["id"] for r in before] != [] and top["taste"] is not None
    paper = next(p for p in papers if p["id"] == top["id"])
    result = briefing_cli("rate", top["id"], "0", "--why", "not for me", "--title", paper["title"], "--abstract", paper["abstract"],
                          "--date", "2026-12-06", data_dir=data)
    assert result.returncode == 0, result.stderr
    assert f"arxiv:{top['id']}: rated 0" in result.stdout and "2026-12.yaml" in result.stdout
    after = {r["id"]: r for r in rank_json(path, data)}
    demoted = after[top["id"]]
    assert demoted["rank"] > len(papers) // 2 and demoted["score"] <= rank.REJECTED_CEILING
    assert "你标记为不相关" in demoted["reason"]
    # rated again, the same: nothing is written; changed, the entry moves to the new grade
    same = briefing_cli("rate", top["id"], "0", "--why", "not for me", "--title", "x", data_dir=data)
    assert "nothing changed" in same.stdout
    changed = briefing_cli("rate", top["id"], "must-read", "--title", "x", "--date", "2026-12-06", data_dir=data)
    assert "rated 3 (was 0)" in changed.stdout
    assert rank_json(path, data)[0]["id"] == top["id"]
    assert validate(data) == []


def test_rank_prints_every_paper_once_in_both_formats(tmp_path, papers_file):
    path, papers = papers_file
    data = tmp_path / "data"
    shutil.copytree(ROOT / "data" / "ratings", data / "ratings")
    rows = rank_json(path, data)
    assert sorted(r["id"] for r in rows) == sorted(p["id"] for p in papers)
    assert [r["rank"] for r in rows] == list(range(1, len(papers) + 1))
    assert [r["score"] for r in rows] == sorted((r["score"] for r in rows), reverse=True)
    assert rank_json(path, data) == rows  # the same inputs, the same answer
    table = briefing_cli("rank", str(path), data_dir=data)
    assert table.returncode == 0 and len(table.stdout.strip().splitlines()) == len(papers)
    for paper in papers:
        assert sum(paper["id"] in line for line in table.stdout.splitlines()) == 1
    jsonl = tmp_path / "papers.jsonl"
    jsonl.write_text("\n".join(json.dumps(p) for p in papers) + "\n", encoding="utf-8")
    assert [r["id"] for r in rank_json(jsonl, data)] == [r["id"] for r in rows]


@pytest.mark.parametrize("content, named", [
    ({"papers": [{"id": "2508.1", "title": "A"}, {"id": "2508.2", "abstract": "no title"}]}, "papers[1]: \"title\" is missing"),
    ({"papers": [{"id": "2508.1", "title": "A", "categories": "cs.CL"}]}, "papers[0] (2508.1): \"categories\" must be a list"),
    ({"papers": [{"id": "2508.00001", "title": "A"}, {"id": "arxiv:2508.00001", "title": "B"}]}, "paper 2 (arxiv:2508.00001) repeats paper 1"),
    ({"paper": []}, 'expected {"papers": [...]}'),
])
def test_a_malformed_input_is_named_in_one_line(tmp_path, content, named):
    path = tmp_path / "papers.json"
    path.write_text(json.dumps(content), encoding="utf-8")
    result = briefing_cli("rank", str(path), data_dir=tmp_path / "data")
    assert result.returncode == 2 and named in result.stderr, result.stderr
    assert len(result.stderr.strip().splitlines()) == 1 and result.stdout == ""


def test_a_broken_jsonl_line_is_named(tmp_path):
    path = tmp_path / "papers.jsonl"
    path.write_text('{"id": "2508.1", "title": "A"}\n{"id": "2508.2", "title": \n', encoding="utf-8")
    result = briefing_cli("rank", str(path), data_dir=tmp_path / "data")
    assert result.returncode == 2 and "line 2: not JSON" in result.stderr


# --------------------------------------------------------------------------- the models


def test_the_taste_model_steps_aside_below_the_minimum():
    few = rated("2025-08-12")[: MIN_RATINGS - 1]
    assert ReaderModels.fit(few).taste is None
    assert ReaderModels.fit(rated("2025-08-12")).taste is not None


def test_the_same_ratings_give_the_same_scores(models):
    texts = [Text(e.title, e.abstract, tuple(e.arxiv_categories)) for e in labelled("2025-08-12")]
    again = ReaderModels.fit(rated(*TRAIN_DAYS))
    assert models.taste.judge(texts) == again.taste.judge(texts)


def test_the_explanation_names_the_models_words_and_the_nearest_rated_paper(settings_factory, models):
    settings = settings_factory()
    ranker = rank.Ranker(settings.profile, [], rated(*TRAIN_DAYS), models)
    entry = next(e for e in labelled("2025-08-12") if e.id == "arxiv:2508.07976")  # long-horizon agentic search with RL
    relevance = ranker.rank([rank.Document("arxiv:new", entry.title, entry.abstract, tuple(entry.arxiv_categories))])["arxiv:new"]
    assert relevance.terms and relevance.taste is not None
    close = next(n for n in relevance.nearest if n.grade is not None)
    assert close.why
    zh, en = (explanation(relevance, settings.profile, Labels(language)) for language in ("zh", "en"))
    grade_zh = {3: "必读", 2: "相关"}[close.grade]
    assert f"与你评为{grade_zh}的 {close.title} 相近：{close.why}" in zh and relevance.terms[0] in zh
    assert f"close to {close.title}, which you rated {Labels('en')(f'grade_{close.grade}')}: {close.why}" in en


def test_agent_and_rl_without_a_language_model_are_no_evidence(settings_factory):
    """A general vocabulary rule: multi-agent RL for networks is not the reader's agentic RL."""
    settings = settings_factory()
    marl = next(e for e in labelled("2025-07-22") if e.title.startswith("One Step is Enough: Multi-Agent Reinforcement Learning"))
    document = rank.Document(marl.id, marl.title, marl.abstract, tuple(marl.arxiv_categories))
    assert rank.Ranker(settings.profile, []).rank([document])[marl.id].matched == []
    settings.profile.context = []  # without the rule, "reinforcement learning" and "multi-agent" would count
    assert rank.Ranker(settings.profile, []).rank([document])[marl.id].matched


def test_the_filing_model_files_like_the_reader(settings_factory, models):
    taxonomy = settings_factory().taxonomy
    held_out = labelled("2025-08-12")
    texts = [Text(e.title, e.abstract, tuple(e.arxiv_categories)) for e in held_out]
    learnt = classify.filing_of(texts, ["paper"] * len(texts), models.filing)
    hits = {True: 0, False: 0}
    for with_model in (True, False):
        for entry, filed in zip(held_out, learnt):
            found = classify.category_matches("paper", entry.title, entry.abstract, entry.arxiv_categories, taxonomy,
                                              filed if with_model else None)
            hits[with_model] += len({m.category for m in found} & set(entry.filed))
    assert hits[True] > hits[False]  # the reader's filing teaches what the phrases miss


def test_the_shipped_ledger_holds_no_paper_of_the_replayed_day():
    """The demo ranks the recorded day; it must not look its papers up in the sample ratings."""
    day = {f"arxiv:{p['id']}" for p in json.loads((RELEVANCE / "candidates-2026-04-30.json").read_text(encoding="utf-8"))["papers"]}
    archive = Archive(ROOT / "data")
    shipped = {r.id for r in ratings.rated(archive)}
    assert shipped and not shipped & day
    profile = settings_mod.load(ROOT / "briefing.yaml").profile
    assert not {ratings.canonical_id(e.id) for e in profile.library} & day


def test_rate_looks_the_text_up_in_one_request(tmp_path):
    with arxiv_answering("id_list_2104.12255v1.atom.xml") as (server, env):
        result = briefing_cli("rate", "arXiv:2104.12255v1", "2", "--why", "a method I use", "--date", "2026-12-06",
                              data_dir=tmp_path / "data", env=env)
        assert result.returncode == 0, result.stderr
        assert len(server.requests) == 1
    archive = Archive(tmp_path / "data")
    (entry,) = archive.load_ratings(archive.ratings_file("2026-12")).ratings
    assert (entry.id, entry.grade, entry.why) == ("arxiv:2104.12255", 2, "a method I use") and entry.title and entry.abstract
    offline = briefing_cli("rate", "2104.99999", "1", data_dir=tmp_path / "data",
                           env={"BRIEFING_SOURCES__ARXIV_API__BASE_URL": "http://127.0.0.1:9", "BRIEFING_HTTP__BACKOFF_BASE": "0",
                                "BRIEFING_SOURCES__ARXIV_API__MAX_RETRIES": "0"})
    assert offline.returncode == 1 and "--title" in offline.stderr and len(offline.stderr.strip().splitlines()) == 1
