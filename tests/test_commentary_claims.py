"""The claim checker and the extractive helpers, on their own."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from hypothesis import given
from hypothesis import strategies as st

from generator.commentary.claims import SourceText, check, find_claims, split_sentences
from generator.commentary import extractive
from generator.commentary.extractive import trim
from generator.commentary.llm import _parse_json, load_prompt
from generator.messages import note
from generator.models import Edition, EditionEntry, InterestMatch, Item, Relevance, Section, Sighting, Verification
from generator.settings import load
from conftest import ROOT

ABSTRACT = (
    "We present StraTA, which samples a compact strategy and trains it with hierarchical GRPO. "
    "On ALFWorld it reaches 93.1 %, on WebShop 84.2% and on SciWorld 63.5, a 1.3× speed-up with "
    "Qwen2.5-7B-Instruct; SWE-bench Verified results and GPT-4o baselines are reported for three tasks. "
    "Distilling 8B dense teachers into a 0.6B student costs 1,000 GPU hours."
)
SOURCE = SourceText.of(["StraTA: Strategic Trajectory Abstraction", ABSTRACT])


def claims_of(text: str) -> list[str]:
    return [c.text for c in find_claims(text)]


@pytest.mark.parametrize(
    "text, expected",
    [
        ("StraTA reaches 93.1% on ALFWorld.", ["StraTA", "93.1%", "ALFWorld"]),
        ("Uses Qwen2.5-7B and GPT-4o.", ["Qwen2.5-7B", "GPT-4o"]),
        ("A 7B model, 1.3x faster, +12.5 pp.", ["7B", "1.3x", "12.5 pp"]),
        ("在 SWE-bench 上提升 3 倍。", ["SWE-bench", "3 倍"]),
        ("LLMs and AI agents trained with RL.", []),  # generic acronyms claim nothing
        ("The method works well.", []),
        ("HumanEval 达到 48.78，WebShop 为 84.2%。", ["HumanEval", "48.78", "WebShop", "84.2%"]),
    ],
)
def test_find_claims(text, expected):
    assert claims_of(text) == expected


@pytest.mark.parametrize(
    "claim",
    [
        "93.1%", "93.1 %", "９３.１%",  # spacing and full-width digits
        "84.2%", "84.2", "63.5", "1.3x", "1.3×", "1.3 倍", "7B", "8B", "0.6B", "1000", "1,000", "3",
        "ALFWorld", "WebShop", "SWE-bench", "SWE bench", "GPT-4o", "Qwen2.5-7B", "GRPO",
        "GRPO-based", "StraTA",
    ],
)
def test_supported_claims(claim):
    found = find_claims(f"It has {claim} here.")
    assert found, claim
    assert all(SOURCE.supports(c) for c in found), claim


@pytest.mark.parametrize(
    "claim",
    ["93.2%", "93", "84.2x", "7", "0.6", "2.5B", "GPT-4", "GPT-5", "Qwen2.5-72B", "MMLU", "HumanEval", "1.5x", "63.5%"],
)
def test_unsupported_claims(claim):
    assert not all(SOURCE.supports(c) for c in find_claims(f"It has {claim} here.")), claim


def test_check_removes_whole_sentences_and_reports_claims():
    text = "StraTA 在 ALFWorld 上达到 93.1%。它在 MMLU 上提升 12.5%！整体思路清晰；与 GPT-5 相比更快。"
    checked = check(text, SOURCE)
    assert checked.text == "StraTA 在 ALFWorld 上达到 93.1%。整体思路清晰；"
    assert checked.removed == ["MMLU", "12.5%", "GPT-5"]
    assert checked.removed_sentences == ["它在 MMLU 上提升 12.5%！", "与 GPT-5 相比更快。"]

    english = "StraTA reaches 93.1% on ALFWorld. It beats GPT-5 by 3.2 points. Results are strong."
    assert check(english, SOURCE).text == "StraTA reaches 93.1% on ALFWorld. Results are strong."
    assert check("It scores 99.9 on MMLU.", SOURCE).text == ""


def test_sentence_splitting():
    assert split_sentences("第一句。第二句！第三句？第四句；end. Next one") == [
        "第一句。", "第二句！", "第三句？", "第四句；", "end. ", "Next one"
    ]
    # Decimals, versions and abbreviations do not end sentences.
    assert split_sentences("It reaches 93.1% with GPT-4.5, e.g. on ALFWorld. Done.") == [
        "It reaches 93.1% with GPT-4.5, e.g. on ALFWorld. ", "Done."
    ]


@given(st.text())
def test_splitting_keeps_every_character(text):
    assert "".join(split_sentences(text)) == text


@given(st.text(min_size=1))
def test_check_never_adds_text(text):
    checked = check(text, SOURCE)
    assert len(checked.text) <= len(text)
    for sentence in split_sentences(checked.text):
        assert sentence.strip() in text


WORDS = st.lists(st.from_regex(r"[A-Za-z]{1,12}", fullmatch=True), min_size=1, max_size=80)


@given(WORDS, st.integers(min_value=20, max_value=200))
def test_trim_never_cuts_mid_word(words, limit):
    text = " ".join(words)
    out = trim(text, limit)
    body = out.removesuffix("…")
    assert text.startswith(body)
    if out != text:
        assert out.endswith("…") and len(body) <= limit
        assert body == "" or text[len(body)] == " "


def test_trim_prefers_sentence_then_clause_boundaries():
    text = "First sentence is here. " + "Second one, with a clause, goes on and on " * 5 + "."
    assert trim(text, 60) == "First sentence is here."
    assert trim("a" * 10 + ", " + "b " * 100, 60).endswith("…")
    assert trim("长" * 300, 100) == "长" * 100 + "…"


def test_the_digest_names_the_leading_interest_the_must_reads_and_what_rose():
    """Without an LLM the day's judgment is facts (codes worded by the page): the leading
    interest and the next ones, the must-reads with what put them there, the interest that
    rose against the previous four weeks, as a share of each day's papers (an edition five
    weeks back is out of the window),
    the interests the day lacked."""
    settings = load(ROOT / "briefing.yaml")
    day = dt.date(2026, 4, 30)
    first, second, *rest = [i.slug for i in settings.profile.interests]

    def paper(n: int, interests: list[str]) -> Item:
        return Item(id=f"arxiv:2604.{n:05d}", kind="paper", title=f"Paper {n}", url="https://arxiv.org/", published=day,
                    seen=[Sighting(source="arxiv-api", date=day)],
                    verification=Verification(status="verified", by="arxiv-api", url="https://export.arxiv.org/api/query",
                                              checked=dt.datetime(2026, 4, 30, tzinfo=dt.timezone.utc)),
                    relevance=Relevance(score=0.5, matched=[InterestMatch(interest=s, terms=["a phrase"]) for s in interests]))

    items = [paper(1, [first, second]), paper(2, [first]), paper(3, [first]), paper(4, [second])]
    edition = Edition(date=day, sections=[Section(slug="highlights", entries=[EditionEntry(item=i.id) for i in items[:2]]),
                                          Section(slug="read-closely", entries=[EditionEntry(item=items[0].id)])])
    history = [Edition(date=day - dt.timedelta(days=7 * k), interest_counts={second: 1}) for k in (1, 2, 3, 4)]
    history.append(Edition(date=day - dt.timedelta(days=35), interest_counts={first: 9}))
    assert extractive.digest(items, edition, history, settings, day) == [
        note("digest-leading", papers=4, interest=first, n=3, others=[note("digest-count", interest=second, n=2)]),
        note("digest-must-reads", items=[note("pick", item=items[0].id, why=[note("why-matched", interest=first, terms=["a phrase"])])]),
        note("digest-rising", interest=first, today=3, papers=4, before=0, editions=4),
        note("digest-lacking", interests=rest),
    ]
    assert extractive.interest_counts(items) == {first: 3, second: 2}


def test_prompts_are_versioned_files_and_ask_for_json():
    for version in ("item.v1", "day.v1"):
        prompt = load_prompt(version)
        assert prompt.version == version
        for language, name in (("zh", "Simplified Chinese"), ("en", "English")):
            system = prompt.system(language)
            assert name in system and "{{" not in system
            assert "untrusted" in system and "JSON" in system


def test_parse_json_tolerates_a_code_fence_only():
    assert _parse_json('```json\n{"a": 1}\n```') == {"a": 1}
    with pytest.raises(ValueError):
        _parse_json("Sure! {\"a\": 1}")
    with pytest.raises(json.JSONDecodeError):
        _parse_json("")
