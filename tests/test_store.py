"""Deterministic, exact and atomic YAML storage."""

import datetime as dt

import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

from generator.models import Item, Sighting, Verification
from generator.errors import DataError
from generator.store import Archive, atomic_write, parse_yaml, to_yaml

HOSTILE = [
    "key: value", "# not a comment", "---", "...", "no", "yes", "off", "1e3", "0x1F", "007", "~", "null",
    "2024-10-25", "2024-10-25T10:00:00Z", "12:30:00",
    "*alias", "&anchor", "!tag", "@at", "`tick`", "| pipe", "> fold", "[a, b]", "{a: b}", "'single'", '"double"',
    "trailing space ", " leading space", "tab\there", "line\nbreak", "ends with newline\n", "\r\ncrlf",
    "control \x07 bell \x1b esc", "rtl \u202e reversed", "zero\u200bwidth", "bom\ufeff", "<script>alert(1)</script>",
    "[x](javascript:alert(1))", "{{ config }}", "{% raw %}", "&amp; &lt;", "长上下文 latent reasoning", "x" * 5000,
]


def make_item(title: str, summary: str = "") -> Item:
    return Item(
        id="arxiv:2604.26904", kind="paper", title=title, url="https://arxiv.org/abs/2604.26904",
        published=dt.date(2026, 4, 29), summary=summary,
        seen=[Sighting(source="arxiv-api", date=dt.date(2026, 4, 30))],
        verification=Verification(status="verified", by="arxiv-api", url="https://export.arxiv.org/api/query?id_list=2604.26904",
                                  checked=dt.datetime(2026, 4, 30, 23, 30, tzinfo=dt.timezone.utc), matched=["id", "title", "date"]),
    )


def round_trip(item: Item) -> Item:
    """Through the archive's own writer and reader (YAML 1.2 reader, YAML 1.1 writer)."""
    return Item.model_validate(parse_yaml(to_yaml(item)))


def test_hostile_strings_round_trip_exactly():
    for text in HOSTILE:
        item = make_item(text, summary=text)
        back = round_trip(item)
        assert (back.title, back.summary) == (text, text), repr(text)


# YAML cannot carry every code point: surrogates are not text, and the YAML spec excludes a few
# control characters, which PyYAML escapes in double quotes. Everything else must survive.
yaml_text = st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=300)


@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow])
@given(yaml_text, yaml_text)
def test_any_text_round_trips(title, summary):
    item = make_item(title, summary)
    assert round_trip(item) == item


def test_output_is_deterministic_and_readable():
    item = make_item("StraTA: Strategic Trajectory Abstraction", summary="First line.\nSecond line: with colon.")
    text = to_yaml(item)
    assert text == to_yaml(make_item(item.title, item.summary))
    assert text.splitlines()[0] == "id: arxiv:2604.26904"
    assert "summary: |-\n  First line.\n  Second line: with colon." in text
    assert "checked: 2026-04-30T23:30:00Z" in text
    assert "commentary" not in text  # empty parts are left out


def test_numbers_by_yaml_1_2_stay_strings():
    # PyYAML would write these plain (not numbers by YAML 1.1); the reader would take them as numbers.
    for text in ("1e3", "0o17", "+12", "-1E-3", ".5e2"):
        assert f"title: '{text}'" in to_yaml(make_item(text))
        assert round_trip(make_item(text)).title == text


def test_duplicate_key_is_refused_with_its_line(tmp_path):
    archive = Archive(tmp_path)
    path = archive.item_file("arxiv:2604.26904")
    path.parent.mkdir(parents=True)
    path.write_text(to_yaml(make_item("A")) + "title: B\n", encoding="utf-8")
    with pytest.raises(DataError) as caught:
        archive.load_item("arxiv:2604.26904")
    line = len(path.read_text(encoding="utf-8").splitlines())
    assert str(caught.value).startswith(f"{path}:{line}: not valid YAML (duplicate mapping key: 'title')")


def test_unicode_is_written_as_is():
    assert "长上下文" in to_yaml(make_item("长上下文"))


def test_atomic_write_leaves_no_temp_and_skips_unchanged(tmp_path):
    target = tmp_path / "a" / "b.yaml"
    assert atomic_write(target, "x: 1\n") is True
    assert atomic_write(target, "x: 1\n") is False
    assert [p.name for p in target.parent.iterdir()] == ["b.yaml"]


def test_archive_cleans_leftover_temp_files(tmp_path):
    archive = Archive(tmp_path)
    archive.save_item(make_item("t"))
    leftover = archive.item_file("arxiv:2604.26904").parent / ".tmp-abc.yaml"
    leftover.write_text("half")
    assert archive.clean_temp_files() == [leftover]
    assert archive.load_item("arxiv:2604.26904").title == "t"
