"""Reliability (issue #7): hostile text from a source is stored exactly and rendered inert.

One in-process run serves three DERIVED payloads (each a real recording with its text fields
replaced by hostile strings; the helpers below say which fields):

* HF Daily Papers: titles and abstracts (JSON: any character, controls included);
* GitHub search: repository descriptions (JSON);
* arXiv API listing: titles and abstracts (XML-escaped; only characters XML 1.0 allows).

Stored: every item's text equals what the source's own parser made of the payload (arXiv and
HF fold runs of whitespace into one space; nothing else may change), and ``briefing validate``
finds nothing. Rendered: the pages of the public ``render_site`` API, turned into HTML with the
site's Markdown extensions, show each title as text and contain no element, attribute or
link the hostile strings tried to inject, and no control character.
"""

from __future__ import annotations

import json
import re
from html.parser import HTMLParser

import markdown
import pytest
import yaml
from hypothesis import HealthCheck, given, settings as hyp_settings, strategies as st
from xml.sax.saxutils import escape as xml_escape

from conftest import payload
from generator import settings as settings_mod
from generator.render.pages import render_site
from generator.errors import ParseError
from generator.messages import note
from generator.sources import arxiv, github, huggingface
from generator.models import Edition, GeneratedText, Idea, SourceReport
from generator.store import Archive, to_yaml
from generator.validate import validate
from reliability import (
    ERROR_RSS,
    HF_2024,
    RSS_CT,
    JSON_CT,
    LISTING,
    SEARCH,
    ATOM_CT,
    WEEKDAY,
    Route,
    healthy_frame,
    record,
    run_day,
    scenarios_of,
    services,  # noqa: F401 (fixture)
)

HOSTILE = [
    "key: value: more",
    "# not a heading",
    "---",
    "no",
    "1e3",
    "*alias and more",
    "&anchor here",
    "!!python/object/apply:os.system ['id']",
    "? complex key",
    "- a list item",
    "> folded | literal",
    "%YAML 1.1",
    "@at `tick` 'single' \"double\"",
    "control \x07 bell \x1b[31m escape \x00 nul \x7f del \x9b csi",
    "right-to-left \u202egnp.exe\u202c and \u200f marks \u2067isolate\u2069",
    "zero\u200bwidth\u200d joiner\u2060 and bom\ufeff inside",
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)> <a href=\"javascript:alert(2)\">x</a>",
    "[click me](javascript:alert(1)) and ![pixel](https://evil.example/p.png)",
    "{{ config.extra }} {% include 'x' %} ${SECRET} <%= 7*7 %>",
    "**bold** _em_ `code` ~~strike~~ <https://autolink.example>",
    "| a | b |\n|---|---|\n| c | d |",
    "line one\nline two\r\nline three\u2028line four\x85line five",
    "&amp; &lt;b&gt; &#x27; &#0; entities",
    "   leading and trailing   ",
    "{: .md-button onclick=\"alert(1)\" }",
    "!!! danger \"admonition\"",
    "长上下文 latent reasoning — ünïcödé",
    "x" * 20_000,
]
BIDI = re.compile("[\u202a-\u202e\u2066-\u2069]")
XML_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


HOSTILE_ERROR = "<script>alert('rss')</script> [x](javascript:alert(3)) {{ secret }} | --- # \u202e end"


def derived_error_rss() -> bytes:
    """DERIVED: the real "Feed error for query" RSS channel (2024-11-28) with its description,
    arXiv's explanation that the run quotes in the source report, replaced by hostile text."""
    body = payload(ERROR_RSS).decode("utf-8")
    return re.sub(r"<description>.*?</description>", lambda m: f"<description>{xml_escape(HOSTILE_ERROR)}</description>", body, count=1).encode()


def derived_hf() -> bytes:
    """DERIVED: the real HF list of 2024-10-25 (29 entries); entry i's paper title (and entry
    title) becomes HOSTILE[i] and its abstract HOSTILE[-1 - i]; ids and everything else unchanged."""
    entries = json.loads(payload(HF_2024))
    for i, entry in enumerate(entries):
        entry["paper"]["title"] = entry["title"] = HOSTILE[i % len(HOSTILE)]
        entry["paper"]["summary"] = HOSTILE[-1 - i % len(HOSTILE)]
    return json.dumps(entries).encode("utf-8")


def derived_search() -> bytes:
    """DERIVED: the real 2026-06-16 search answer; item i's description becomes HOSTILE[i]. A
    repository created after the run's day is left out, as the day's created: window would
    have (briefing validate flags an item published after the edition that lists it)."""
    answer = json.loads(payload(SEARCH))
    answer["items"] = [item for item in answer["items"] if item["created_at"][:10] <= WEEKDAY.isoformat()]
    for i, item in enumerate(answer["items"]):
        item["description"] = HOSTILE[i % len(HOSTILE)]
    return json.dumps(answer).encode("utf-8")


def derived_listing() -> bytes:
    """DERIVED: the real 2026-04-30 arXiv listing; entry i's title becomes HOSTILE[i] and its
    abstract HOSTILE[-1 - i], XML-escaped, without the characters XML 1.0 forbids."""
    text = payload(LISTING).decode("utf-8")
    entries = text.split("<entry>")
    for i in range(1, len(entries)):
        title = xml_escape(XML_ILLEGAL.sub("", HOSTILE[(i - 1) % len(HOSTILE)]))
        summary = xml_escape(XML_ILLEGAL.sub("", HOSTILE[-1 - (i - 1) % len(HOSTILE)]))
        entries[i] = re.sub(r"<title>.*?</title>", lambda m: f"<title>{title}</title>", entries[i], count=1, flags=re.S)
        entries[i] = re.sub(r"<summary>.*?</summary>", lambda m: f"<summary>{summary}</summary>", entries[i], count=1, flags=re.S)
    return "<entry>".join(entries).encode("utf-8")


class Elements(HTMLParser):
    """Tags and attributes of an HTML document, and its text."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str]]] = []
        self.text: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, {k: v or "" for k, v in attrs}))

    def handle_data(self, data):
        self.text.append(data)


def to_html(page: str) -> str:
    """A page as MkDocs renders it: front matter dropped, the site's Markdown extensions."""
    if page.startswith("---\n"):
        page = page.split("\n---\n", 1)[1]
    return markdown.markdown(page, extensions=["attr_list", "admonition", "tables", "toc"])


def visible(text: str) -> str:
    """What a reader should see of a source string: one line, no control characters and no
    bidirectional overrides or isolates (they could make a title display as something else)."""
    text = re.sub("[\x00-\x08\x0b\x0e-\x1f\x7f-\x9f\ufeff\u202a-\u202e\u2066-\u2069]", "", text)
    return " ".join(text.split())


@pytest.fixture(scope="module")
def hostile_run(services, tmp_path_factory):
    folder = tmp_path_factory.mktemp("hostile")
    data_dir = folder / "data"
    frame = healthy_frame(WEEKDAY)
    frame.routes["huggingface"][0] = Route("/api/daily_papers", body=derived_hf(), headers=JSON_CT)
    frame.routes["github_api"][0] = Route("/search/repositories", body=derived_search(), headers=JSON_CT)
    frame.routes["arxiv_api"][1] = Route("/api/query", query={"search_query": "*"}, body=derived_listing(), headers=ATOM_CT)
    frame.routes["arxiv_rss"] = [Route("/rss/cs.LG", body=derived_error_rss(), headers=RSS_CT)]
    frame.settings["edition"] = {"highlights": 5, "papers": 200, "follow": 200, "read_closely": 3, "min_score": 0.0,
                                 "require_evidence": False}  # every hostile item listed, whatever it says
    with pytest.MonkeyPatch.context() as mp:
        outcome = run_day(frame, services, folder, data_dir, mp)
    assert outcome.code == 3, outcome.stderr  # the HF papers' id_list look-up is not recorded: partial
    settings = settings_mod.load(folder / "briefing.yaml")
    archive = Archive(data_dir)
    items, editions = archive.load_items(), archive.load_editions()
    pages = render_site(items, editions, settings)
    return {
        "outcome": outcome, "items": items, "pages": pages, "data_dir": data_dir, "folder": folder,
        "edition": next(e for e in editions if e.date == WEEKDAY),
        "faults": [f.text() for f in validate(data_dir, shown_root=folder)],
        "parsed": {
            "hostile-hf-titles": {c.id: (c.title, c.summary) for c in huggingface.parse_daily_papers(derived_hf())},
            "hostile-github-descriptions": {c.id: (c.title, c.summary) for c in github.parse_search(derived_search())},
            "hostile-listing-titles": {c.id: (c.title, c.summary) for c in arxiv.parse_api(derived_listing())},
        },
    }


def inert_problems(page_path: str, page: str) -> list[str]:
    problems = []
    if re.search("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]", page):
        problems.append(f"{page_path}: a control character reached the Markdown")
    doc = Elements()
    doc.feed(to_html(page))
    for tag, attrs in doc.tags:
        if tag in ("script", "img", "iframe", "object", "embed", "style"):
            problems.append(f"{page_path}: <{tag}> element")
        for name, value in attrs.items():
            if name.startswith("on"):
                problems.append(f"{page_path}: <{tag} {name}=...> event handler")
            if name in ("href", "src") and value.strip().lower().startswith(("javascript:", "data:", "vbscript:")):
                problems.append(f"{page_path}: <{tag} {name}={value[:30]!r}>")
            if name == "class" and "md-button" in value:
                problems.append(f"{page_path}: attribute list injected a class")
    return problems


any_text = st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=200)


@hyp_settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(any_text, max_size=3), any_text, any_text)
def edition_round_trip(notes, judgment, idea):
    edition = Edition(
        date=WEEKDAY,
        judgment=GeneratedText(text=judgment, by="extractive"),
        ideas=[Idea(title=GeneratedText(text=idea, by="human"), body=GeneratedText(text=judgment + idea, by="human"), items=["arxiv:2604.26904"])],
        sources=[SourceReport(source="arxiv_rss", status="failed", notes=notes)],
        commentary_notes=notes,
    )
    assert Edition.model_validate(yaml.safe_load(to_yaml(edition))) == edition


def edition_property(scenario, request) -> None:
    try:
        edition_round_trip()
    except Exception as exc:
        record(scenario, request.node.nodeid, f"FAILED: {type(exc).__name__}: {str(exc).splitlines()[0] if str(exc) else ''}")
        raise
    record(scenario, request.node.nodeid, "80 generated editions (hypothesis; any text but surrogates in notes, judgment and ideas): "
                                          "each read back equal to what was written")


def error_text(scenario, hostile_run, request) -> None:
    report = next(r for r in hostile_run["edition"].sources if r.source == "arxiv_rss")
    try:  # what the RSS parser makes of it (feedparser sanitizes a channel description as HTML)
        arxiv.read_rss(derived_error_rss())
    except ParseError as exc:
        expected = str(exc)
    stored = note("source-error", quote=expected) in report.notes
    page = hostile_run["pages"][f"days/{WEEKDAY:%Y}/{WEEKDAY}.md"]
    problems = inert_problems("day page", page)
    shown = Elements()
    shown.feed(to_html(page))
    visible_text = " ".join(" ".join(shown.text).split())
    record(scenario, request.node.nodeid,
           f"arxiv_rss {report.status} → fallback {report.fallback}; the note stores the parser's text exactly"
           f"{'' if stored else ' — NOT FOUND'} (feedparser's sanitizer had dropped the `<script>` element, the rest is verbatim: "
           f"{'yes' if visible(HOSTILE_ERROR.split('</script> ', 1)[1]) in expected else 'no'}); the day page shows it as text"
           f"{'' if visible(expected) in visible_text else ' — NOT SHOWN'}"
           f"{'' if not problems else '; PROBLEMS: ' + '; '.join(problems)}",
           notes=report.notes, problems=problems)
    assert report.status == "failed" and report.fallback == "arxiv_api listing"
    assert stored, report.notes
    assert problems == []
    assert visible(expected) in visible_text


@pytest.mark.parametrize("scenario", scenarios_of("test_hostile"), ids=lambda s: s.name)
def test_hostile(scenario, request):
    if scenario.name == "hostile-edition-property":
        return edition_property(scenario, request)
    hostile_run = request.getfixturevalue("hostile_run")
    if scenario.name == "hostile-error-text":
        return error_text(scenario, hostile_run, request)
    parsed = hostile_run["parsed"][scenario.name]
    items, edition = hostile_run["items"], hostile_run["edition"]
    listed = set(edition.item_ids())
    stored_ok, exact, mismatches, shown_ok, not_shown = 0, 0, [], 0, []
    day_page = to_html(hostile_run["pages"][f"days/{WEEKDAY:%Y}/{WEEKDAY}.md"])
    day_text = Elements()
    day_text.feed(day_page)
    text = " ".join(" ".join(day_text.text).split())  # entities already decoded by the parser
    field = 1 if scenario.name == "hostile-github-descriptions" else 0  # what carries the hostile string
    for item_id, fields in parsed.items():
        item = items.get(item_id)
        if item is None or item_id not in listed:
            mismatches.append(f"{item_id}: not stored/listed")
            continue
        stored = (item.title, item.summary)
        if scenario.name == "hostile-listing-titles" or scenario.name == "hostile-hf-titles":
            ok = stored == fields  # the authority's (or partial source's) text is what is stored
        else:
            ok = stored[1] == fields[1]
        if ok:
            stored_ok += 1
            exact += fields[field] in HOSTILE or XML_ILLEGAL.sub("", fields[field]) in [XML_ILLEGAL.sub("", h) for h in HOSTILE]
        else:
            mismatches.append(f"{item_id}: stored {stored[field][:60]!r}, parsed {fields[field][:60]!r}")
        if field == 0 and len(fields[0]) < 500:
            (shown_ok := shown_ok + 1) if visible(fields[0]) in text else not_shown.append(visible(fields[0])[:60])
    page_problems = [p for path, page in hostile_run["pages"].items() for p in inert_problems(path, page)]
    bidi = sorted(path for path, page in hostile_run["pages"].items() if BIDI.search(page))
    raw_yaml = [p for p in hostile_run["data_dir"].rglob("*.yaml") if "\x00" in p.read_text(encoding="utf-8")]
    facts = {"stored_ok": stored_ok, "exact": exact, "items": len(parsed), "mismatches": mismatches, "page_problems": page_problems,
             "faults": hostile_run["faults"], "shown": shown_ok, "not_shown": not_shown, "raw_nul_in_yaml": [str(p) for p in raw_yaml],
             "pages_with_bidi_controls": bidi}
    observed = (
        f"{stored_ok}/{len(parsed)} items stored exactly as parsed ({exact} identical to the hostile input, the rest differ only by "
        f"the parser's whitespace folding); every file validates" if not hostile_run["faults"] else f"{len(hostile_run['faults'])} validation faults"
    ) + (
        f"; pages: no injected element, attribute, link or control character" if not page_problems else f"; {len(page_problems)} page problems"
    ) + (f"; {shown_ok} titles shown verbatim as text on the day page" if field == 0 else "") + (
        f"; note: bidi controls (U+202E, U+2067) reach {len(bidi)} page(s) as text" if bidi and field == 0 else "")
    record(scenario, request.node.nodeid, observed, **facts)

    assert hostile_run["faults"] == []
    assert mismatches == []
    assert page_problems == []
    assert raw_yaml == []  # controls are escaped in the YAML, never written raw
    assert not_shown == []
