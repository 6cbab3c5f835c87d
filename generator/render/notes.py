"""The run's notes in the reader's language.

Editions store what happened in a run as short English machine notes (source reports,
commentary notes, verification notes, fallbacks): the archive stays one stable, greppable
record whatever the site's language. Pages show them in the configured language: each note
the pipeline writes has a pattern here and a label in ``i18n`` (``note_*``), filled with the
note's values. A part that quotes someone else (an error message, a server's words, a title)
is a group named ``sub``: translated again when it is itself a known note, otherwise kept
verbatim and shown as a quotation. A note no pattern knows is shown whole as a quotation of
the record (never silently dropped), marked with its language.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .i18n import Labels

# (pattern, label key). Placeholders in the label are the pattern's group names; a group
# named "sub" is translated recursively, one named "quote" is kept verbatim (module docstring).
_RULES: list[tuple[str, str]] = [
    # commentary (generator/commentary/write.py)
    (r"no LLM configured \(llm\.base_url, llm\.model\): extractive commentary; ideas left out", "note_no_llm"),
    (r"LLM configured but no HTTP client given: extractive commentary; ideas left out", "note_no_client"),
    (r"llm: unavailable \((?P:sub:.*)\); extractive used for the rest of the run", "note_llm_unavailable"),
    (r"llm:(?P:model:\S+): (?P:ok:\d+) of (?P:n:\d+) item batches answered", "note_llm_batches"),
    (r"llm: (?P:n:\d+) batch(?:es)? failed \((?P:sub:.*)\), extractive used for (?P:items:\d+) items", "note_llm_failed"),
    (r"llm: token budget \((?P:budget:\d+)\) spent after (?P:after:\d+) items; extractive used for (?P:items:\d+) items", "note_llm_budget"),
    (r"llm: (?P:n:\d+) items missing from replies, extractive used", "note_llm_missing"),
    (r"claims: (?P:n:\d+) unsupported claims removed from (?P:items:\d+) items", "note_claims"),
    (r"llm: (?P:n:\d+) requests, (?P:approx:~?)(?P:tokens:\d+) tokens", "note_llm_requests"),
    (r"items: (?P:written:\d+) \(re\)written, (?P:kept:\d+) unchanged", "note_items"),
    (r"day: the stored edition of (?P:date:\S+) could not be read; day-level text regenerated", "note_day_unreadable"),
    (r"day: (?P:n:\d+) unsupported claims removed from the judgment \((?P:sub:.*)\)", "note_day_claims"),
    (r"day: the LLM's judgment was not in the configured language; extractive judgment used", "note_day_language"),
    (r"day: (?P:n:\d+) unsupported claims removed from the ideas", "note_day_idea_claims"),
    (r"day: (?P:n:\d+) ideas dropped \(nothing left after the claim check, or wrong language\)", "note_day_ideas_dropped"),
    (r"day: token budget spent before the day-level request; extractive judgment used, ideas left out", "note_day_budget"),
    (r"day: llm failed \((?P:sub:.*)\); extractive judgment used, ideas left out", "note_day_llm_failed"),
    # sources (generator/sources/*.py, generator/pipeline.py)
    (r"no announcement on weekends: API listing not needed", "note_weekend"),
    (r"no arXiv announcement on (?P:weekday:\w+)s", "note_no_announcement"),
    (r"empty feed on (?P:weekday:\w+) (?P:date:\S+): no announcement \(holiday\?\)", "note_empty_feed"),
    (r"the feed carries the announcement of (?P:feed:\S+), not (?P:date:\S+): listed through the API", "note_stale_feed"),
    (r"(?P:kept:\d+) of (?P:n:\d+) items kept \(announce types: (?P:types:.*)\)", "note_rss_kept"),
    (r"arXiv API disabled: no listing fallback", "note_api_disabled"),
    (r"listing: (?P:n:\d+) papers submitted (?P:first:\S+)\.\.(?P:last:\S+) in (?P:k:\d+) request\(s\)", "note_listing"),
    (r"verification look-ups failed: (?P:n:\d+) \(items kept as partly verified\)", "note_lookups_failed"),
    (r"(?P:n:\d+) trending repositories", "note_trending"),
    (r"Trending page read, but no repository rows found \(markup changed\?\)", "note_trending_empty"),
    (r"rate limited: (?P:n:\d+) remaining search queries skipped", "note_rate_limited"),
    (r"search (?P:query:'.*'): (?P:n:\d+) repositories", "note_search"),
    (r"search (?P:query:'.*'): (?P:sub:.*)", "note_search_failed"),
    (r"daily papers: (?P:n:\d+) for (?P:date:\S+)", "note_daily_papers"),
    (r"daily papers: the list of (?P:date:\S+) is empty \(weekend, or not curated yet\)", "note_daily_empty"),
    (r"daily papers: (?P:sub:.*)", "note_daily_failed"),
    (r"no mirror_feed_url configured", "note_no_mirror"),
    (r"mirror feed: (?P:n:\d+) papers from (?P:url:\S+)", "note_mirror"),
    (r"mirror feed: (?P:sub:.*)", "note_mirror_failed"),
    (r"trending models: (?P:n:\d+)", "note_models"),
    (r"trending models: (?P:sub:.*)", "note_models_failed"),
    (r"trending datasets: (?P:n:\d+)", "note_datasets"),
    (r"trending datasets: (?P:sub:.*)", "note_datasets_failed"),
    # HTTP failures (generator/http.py), arXiv's error entries (sources/arxiv.failure_note)
    (r"(?P:url:\S+): HTTP (?P:code:\d{3}), server asks to wait (?P:wait:\d+)s \(more than http\.backoff_max\)", "note_http_wait"),
    (r"(?P:url:\S+): (?P:sub:.+) after (?P:n:\d+) attempts", "note_attempts"),
    (r"(?P:url:\S+): HTTP (?P:code:\d{3}) \(arXiv says: (?P:quote:.*)\)", "note_http_arxiv"),
    (r"(?P:url:\S+): HTTP (?P:code:\d{3})", "note_http"),
    (r"HTTP (?P:code:\d{3})", "note_http_bare"),
    # verification (generator/verify.py)
    (r"title differed at (?P:source:\S+): (?P:quote:.*); the authority's title is stored", "note_title_differed"),
    (r"the authority gives no date; the first day seen is stored as published", "note_no_date"),
    (r"(?P:by:\S+) look-up failed \((?P:sub:.*)\); id and title as given by (?P:source:\S+)", "note_lookup_failed"),
    # fallbacks (SourceReport.fallback)
    (r"arxiv_api listing", "fallback_arxiv_listing"),
    (r"hf mirror feed", "fallback_hf_mirror"),
    (r"github_api search", "fallback_github_search"),
]
# Groups are written (?P:name: ...) above (a "<name>" would read as a tag to the test that
# keeps markup out of Python); this turns them into Python's named groups.
_COMPILED = [(re.compile(re.sub(r"\(\?P:(\w+):", r"(?P<\1>", pattern)), key) for pattern, key in _RULES]
QUOTED_GROUPS = ("quote",)  # someone else's words: kept verbatim, shown as a quotation


@dataclass(frozen=True, slots=True)
class Part:
    """A piece of a shown note: the reader's-language ``text``, or a ``quote`` of the record."""

    text: str = ""
    quote: str = ""


def translate(t: Labels, raw: str) -> list[Part]:
    """``raw`` as parts in the reader's language; an unknown note is one quotation."""
    raw = raw.strip()
    for pattern, key in _COMPILED:
        match = pattern.fullmatch(raw)
        if match is None:
            continue
        values = {name: value for name, value in match.groupdict().items() if name not in ("sub", *QUOTED_GROUPS)}
        inner = {name: match.group(name) for name in ("sub", *QUOTED_GROUPS) if match.groupdict().get(name) is not None}
        marker = {name: f"\ue000{name}\ue000" for name in inner}
        text = t(key, **values, **marker)
        parts: list[Part] = []
        for piece in re.split("(\ue000\\w+\ue000)", text):
            name = piece.strip("\ue000") if piece.startswith("\ue000") else None
            if name in inner:
                parts += translate(t, inner[name]) if name == "sub" else [Part(quote=inner[name])]
            elif piece:
                parts.append(Part(text=piece))
        return parts
    return [Part(quote=raw)] if raw else []


def is_known(raw: str) -> bool:
    """Whether a pattern covers this note (a test checks every note the pipeline writes)."""
    return any(p.fullmatch(raw.strip()) for p, _ in _COMPILED)
