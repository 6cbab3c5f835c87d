"""`briefing validate`: each fault is reported as path:line: field: problem."""

import datetime as dt
import shutil
from pathlib import Path

import pytest

from generator.cli import main
from generator.models import Edition, EditionEntry, Section
from generator.store import Archive
from generator.validate import validate

from test_store import make_item


@pytest.fixture
def archive(tmp_path):
    archive = Archive(tmp_path / "data")
    archive.save_item(make_item("A paper"))
    edition = Edition(date=dt.date(2026, 4, 30), sections=[Section(slug="highlights", entries=[EditionEntry(item="arxiv:2604.26904", score=0.5)])])
    archive.save_edition(edition)
    return archive


def faults_of(archive, tmp_path):
    return [f.text() for f in validate(archive.root, shown_root=tmp_path)]


def test_clean_archive_is_valid(archive, tmp_path):
    assert faults_of(archive, tmp_path) == []


def edit(path, old, new):
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def line_of(path, needle):
    return next(i for i, line in enumerate(path.read_text().splitlines(), 1) if needle in line)


def test_wrong_type_names_file_line_and_field(archive, tmp_path):
    path = archive.item_file("arxiv:2604.26904")
    edit(path, "published: 2026-04-29", "published: last tuesday")
    line = line_of(path, "published:")
    assert faults_of(archive, tmp_path)[0].startswith(f"data/items/paper/2604/2604.26904.yaml:{line}: published: ")


def test_unknown_field(archive, tmp_path):
    path = archive.item_file("arxiv:2604.26904")
    edit(path, "kind: paper\n", "kind: paper\ntitel: typo\n")
    assert faults_of(archive, tmp_path) == [f"data/items/paper/2604/2604.26904.yaml:3: titel: unknown field (remove it or fix its spelling)"]


def test_nested_field_line(archive, tmp_path):
    path = archive.item_file("arxiv:2604.26904")
    edit(path, "status: verified", "status: maybe")
    line = line_of(path, "status: maybe")
    [fault] = faults_of(archive, tmp_path)
    assert fault.startswith(f"data/items/paper/2604/2604.26904.yaml:{line}: verification.status: ")


def test_broken_yaml(archive, tmp_path):
    path = archive.item_file("arxiv:2604.26904")
    edit(path, "title: A paper", "title: [unclosed")
    [fault] = faults_of(archive, tmp_path)
    assert fault.startswith("data/items/paper/2604/2604.26904.yaml:") and "(syntax): not valid YAML" in fault


def test_duplicate_id_and_wrong_place(archive, tmp_path):
    path = archive.item_file("arxiv:2604.26904")
    copy = path.parent / "copy.yaml"
    shutil.copy(path, copy)
    found = faults_of(archive, tmp_path)
    assert any("copy.yaml:1: id: item arxiv:2604.26904 belongs in" in f for f in found)
    assert any("copy.yaml:1: id: duplicate id arxiv:2604.26904, also in data/items/paper/2604/2604.26904.yaml" in f for f in found)


def test_an_alias_must_be_another_name_of_the_same_kind(archive, tmp_path):
    path = archive.item_file("arxiv:2604.26904")
    edit(path, "kind: paper\n", "aliases:\n- github:someone/else\nkind: paper\n")
    assert faults_of(archive, tmp_path) == [
        "data/items/paper/2604/2604.26904.yaml:3: aliases[0]: github:someone/else cannot be a former id of arxiv:2604.26904 "
        "(same prefix, another name); fix or remove it"
    ]


def test_edition_naming_a_missing_item(archive, tmp_path):
    path = archive.edition_file(dt.date(2026, 4, 30))
    edit(path, "item: arxiv:2604.26904", "item: arxiv:2604.99999")
    line = line_of(path, "arxiv:2604.99999")
    assert faults_of(archive, tmp_path) == [
        f"data/briefings/2026/2026-04-30.yaml:{line}: sections[0].entries[0].item: names item arxiv:2604.99999, which is not in data/items"
    ]


@pytest.mark.parametrize("cached", [False, True])
def test_an_item_published_after_its_first_edition(archive, tmp_path, cached):
    """Issue 26: no day lists what did not exist yet (a replay or a backfill can see a later
    record); the fault is placed on the item's published line, with or without the cache."""
    cache = tmp_path / "cache" if cached else None
    assert validate(archive.root, shown_root=tmp_path, cache_dir=cache) == []
    archive.save_edition(Edition(date=dt.date(2026, 5, 8), sections=[Section(slug="highlights", entries=[EditionEntry(item="arxiv:2604.26904")])]))
    path = archive.item_file("arxiv:2604.26904")
    edit(path, "published: 2026-04-29", "published: 2026-05-01")  # after 04-30, before 05-08: the first edition counts
    faults = [f.text() for f in validate(archive.root, shown_root=tmp_path, cache_dir=cache)]
    assert faults == [f"data/items/paper/2604/2604.26904.yaml:{line_of(path, 'published:')}: published: 2026-05-01 is after "
                      "2026-04-30, the first edition that lists it; correct the date or take the item out of that edition"]
    edit(path, "published: 2026-05-01", "published: 2026-04-30")  # listed on the day it was published: fine
    assert validate(archive.root, shown_root=tmp_path, cache_dir=cache) == []


def test_cli_exit_status_and_github_annotations(archive, tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert main(["validate", "--data-dir", "data"]) == 0
    edit(archive.item_file("arxiv:2604.26904"), "kind: paper", "kind: book")
    assert main(["validate", "--data-dir", "data", "--format", "github"]) == 1
    out = capsys.readouterr().out
    assert out.startswith("::error file=data/items/paper/2604/2604.26904.yaml,line=2,title=briefing validate::kind: ")


def test_cached_validation_parses_only_what_changed_and_checks_every_reference(archive, tmp_path, monkeypatch):
    import generator.validate as validate_mod

    cache = tmp_path / "cache"
    parsed = []
    original = validate_mod._load
    monkeypatch.setattr(validate_mod, "_load", lambda path, shown, model: parsed.append(path.name) or original(path, shown, model))

    def both():
        """(faults with the cache, faults of a full check) as text."""
        warm = [f.text() for f in validate(archive.root, shown_root=tmp_path, cache_dir=cache)]
        return warm, [f.text() for f in validate(archive.root, shown_root=tmp_path)]

    assert validate(archive.root, shown_root=tmp_path, cache_dir=cache) == []
    parsed.clear()
    assert validate(archive.root, shown_root=tmp_path, cache_dir=cache) == [] and parsed == []

    edition_file = archive.edition_file(dt.date(2026, 4, 30))
    edit(edition_file, "arxiv:2604.26904", "arxiv:2604.99999")
    parsed.clear()
    assert validate(archive.root, shown_root=tmp_path, cache_dir=cache)[0].field == "sections[0].entries[0].item"
    assert parsed == ["2026-04-30.yaml"]  # the item file was not read again
    warm, full = both()
    assert warm == full != []

    edit(edition_file, "arxiv:2604.99999", "arxiv:2604.26904")
    assert both() == ([], [])
    archive.item_file("arxiv:2604.26904").unlink()  # the (cached, valid) edition now names a missing item
    warm, full = both()
    assert warm == full and "which is not in data/items" in warm[0]


def test_validate_all_ignores_the_cache(archive, tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    assert main(["validate", "--data-dir", str(archive.root)]) == 0
    assert (tmp_path / ".cache" / "briefing" / "validate" / "validate.sqlite").is_file()
    import generator.validate as validate_mod

    seen = []
    monkeypatch.setattr(validate_mod, "validate", lambda data_dir, **kw: seen.append(kw) or [])
    main(["validate", "--data-dir", str(archive.root), "--all"])
    main(["validate", "--data-dir", str(archive.root)])
    assert seen[0]["cache_dir"] is None and seen[1]["cache_dir"] == Path(".cache/briefing/validate")
