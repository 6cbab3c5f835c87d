"""The claim checker and the extractive helpers, on their own."""

from __future__ import annotations

import json

import pytest
from hypothesis import given
from hypothesis import strategies as st

from generator.commentary.claims import SourceText, check, find_claims, split_sentences
from generator.commentary.extractive import judgment, trim
from generator.commentary.llm import _parse_json, load_prompt

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


def test_extractive_judgment_from_numbers():
    stats = {
        "items": 4, "kinds": {"paper": 3, "repo": 1}, "sources": {"arxiv-rss": 3, "github-trending": 1},
        "categories": [{"category": "llm-agents", "name": "LLM 智能体", "count": 3}],
        "previous_editions": 7,
        "rising": [{"category": "llm-agents", "name": "LLM 智能体", "today": 3, "previous_avg": 0.9}],
        "continuity": [{"id": "arxiv:1", "title": "StraTA", "signals": ["hf-daily-papers:3-days"]}],
    }
    assert judgment(stats, "zh") == (
        "今日共 4 条：论文 3、仓库 1。条目最多的类别：LLM 智能体 3。"
        "与前 7 期相比上升的类别：LLM 智能体 3（此前平均 0.9）。"
        "持续出现：StraTA（hf-daily-papers:3-days）。来源：arxiv-rss 3、github-trending 1。"
    )
    en = judgment(stats, "en")
    assert en.startswith("4 items today: 3 papers, 1 repositories.")
    assert "Rising against the previous 7 editions: LLM 智能体 3 (previous average 0.9)." in en
    assert judgment({**stats, "items": 0}, "en") == "No items today."


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
