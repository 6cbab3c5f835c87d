"""Item cards as plain data: what ``card.html`` shows for one item on its day page.

Nothing here is markup: titles, labels and URLs stay plain strings (URLs through
``safe_url``), and the templates escape them. The choices (which links, which rows, which
provenance markers) are made here, so the templates only lay them out.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
from urllib.parse import quote
from dataclasses import dataclass

from ..ids import anchor, arxiv_abs_url
from ..models import Edition, EditionEntry, GeneratedText, Item
from ..text import text_language
from .escape import one_line, safe_url, truncate
from .explain import explanation, short_explanation
from .i18n import SOURCE_LABELS, Labels
from .index import SiteIndex
from .messages import Part, parts, text as worded
from .paths import category_page, day_page, href, item_source

LINK_LABELS = {
    "abs": "link_arxiv", "arxiv": "link_arxiv", "pdf": "link_pdf", "hf": "link_hf_paper",
    "hf_paper": "link_hf_paper", "huggingface": "link_hf_paper", "github": "link_github",
    "repo": "link_github", "code": "link_code", "model": "link_hf_model", "hf_model": "link_hf_model",
    "project": "link_project", "homepage": "link_project", "doi": "link_doi",
}
_PLACEHOLDER = "\ue000"
# What a repo's, model's or dataset's card states, as its source gave it (Item.extra), in order.
FACT_KEYS = ("pipeline_tag", "library_name", "language", "license")


@dataclass(frozen=True, slots=True)
class Link:
    """A link's text and (safe, relative or http/https) URL; just text when url is None."""

    url: str | None
    text: str


@dataclass(frozen=True, slots=True)
class Text:
    """A commentary text with its provenance: edited by a human, claims removed."""

    text: str
    human: bool = False
    claims: int = 0
    lang: str | None = None  # set when it quotes a source in another language than the page's
    missing: bool = False  # the text says why the field is empty

    @property
    def parts(self) -> list[str]:
        """Its paragraphs (blank-line separated), empty ones dropped."""
        return [p for p in re.split(r"\n\s*\n", self.text) if one_line(p)]


@dataclass(frozen=True, slots=True)
class Note:
    """A continuity note: plain ``text``, or ``before`` + a link + ``after``."""

    text: str = ""
    before: str = ""
    link: Link | None = None
    after: str = ""


@dataclass(frozen=True, slots=True)
class Verification:
    verified: bool
    by: Link
    note: list[Part]
    mismatched: list[str]


@dataclass(slots=True)
class Card:
    anchor: str
    title: str
    url: str | None
    links: list[Link]
    sources: list[tuple[str, list[str]]]
    source_categories: list[str]
    published: str
    date_extra: list[str]
    authors: list[str]
    et_al: bool
    categories: list[Link]
    verification: Verification
    continuity: list[Note] | None
    signals: list[str]
    commentary: list[tuple[str, Text]]
    claims_flag: bool
    forge: list[Link]  # correct this item, its history, its raw YAML (on the forge)
    summary: str
    lang: str | None = None  # the source's language (title, abstract) when not the page's




@dataclass(slots=True)
class Row:
    """A paper listed compactly: its title, categories, why it is here, its abstract on demand."""

    anchor: str
    title: str
    url: str | None
    categories: list[Link]
    partial: bool  # only partly verified
    continuity: list[Note] | None
    reason: Text
    check: Verification | None  # what could not be verified, shown with the abstract
    summary: str
    forge: list[Link]
    lang: str | None = None


@dataclass(slots=True)
class FollowRow:
    """A repo, model or dataset to follow: what it is (its own description or card) and why
    this reader would follow it."""

    anchor: str
    title: str
    url: str | None
    kind: str
    signals: list[str]
    partial: bool
    continuity: list[Note] | None
    what: Text | None
    why: Text
    forge: list[Link]


def generated(text: GeneratedText | None, language: str | None = None) -> Text | None:
    """A commentary field with its markers; None when absent or blank.

    With the page's ``language``, an extract (``by: extractive``) in another language is
    marked as a quotation of the source (``lang``): the briefing quotes, it does not speak.
    """
    if text is None or not one_line(text.text):
        return None
    lang = None
    if language and text.by == "extractive":
        found = text_language(text.text)
        lang = found if found != language else None
    return Text(text.text, text.human_edited(), len(text.removed_claims), lang)


def fmt_number(value: float) -> str:
    if float(value).is_integer():
        return str(int(value))
    return f"{value:.2f}".rstrip("0").rstrip(".")


def label_parts(t: Labels, key: str, placeholder: str, **values: object) -> tuple[str, str]:
    """A label's text before and after one placeholder (which a link fills)."""
    before, _, after = t(key, **{placeholder: _PLACEHOLDER}, **values).partition(_PLACEHOLDER)
    return before, after


@dataclass(frozen=True, slots=True)
class PageNames:
    """What one page calls the things notes name (``messages.Names``): interests and
    categories by name, items by title linked to their cards (no links without a page)."""

    cards: "Cards"
    page: str | None = None

    def interest(self, slug: str) -> str:
        return self.cards.interest_name(slug)

    def category(self, slug: str) -> str:
        return self.cards.category_name(slug)

    def item(self, item_id: str) -> tuple[str, str | None]:
        if self.page is None:
            return self.cards.index.title_text(item_id), None
        link = self.cards.ref(self.page, item_id)
        return link.text, link.url


def written_judgment(edition: Edition) -> GeneratedText | None:
    """The day's judgment as an LLM or a human wrote it; None when the digest of facts stands
    (an extract stored by an earlier version, with no digest beside it, is shown as it is)."""
    judgment = edition.judgment
    if judgment is None or not one_line(judgment.text) or (judgment.by == "extractive" and edition.digest):
        return None
    return judgment


class Cards:
    """Builds the plain data of item cards and item references for one site index."""

    def __init__(self, index: SiteIndex):
        self.index = index
        self.t = Labels(index.settings.language)
        self.repo_url = (safe_url(index.settings.site.repo_url) or "").rstrip("/")
        self.branch = re.sub(r"[^A-Za-z0-9._/-]", "", index.settings.site.branch) or "main"

    def category_name(self, slug: str) -> str:
        category = self.index.categories.get(slug)
        if category is None:
            return slug
        if self.t.language == "en" and category.name_en:
            return category.name_en
        return category.name

    def judgment_text(self, edition: Edition) -> str:
        """The day's judgment on one line: the written one, else its digest worded."""
        written = written_judgment(edition)
        if written is not None:
            return one_line(written.text)
        names = PageNames(self)
        return self.t("sentence_sep").join(worded(self.t, fact, names) for fact in edition.digest)

    def interest_name(self, slug: str) -> str:
        """A reader's interest (or unwanted topic) by its name in the site's language."""
        return self._interest_names.get(slug, slug)

    @functools.cached_property
    def _interest_names(self) -> dict[str, str]:
        return self.index.settings.profile.names(self.t.language)

    def category_description(self, slug: str) -> str:
        category = self.index.categories.get(slug)
        if category is None:
            return ""
        if self.t.language == "en" and category.description_en:
            return category.description_en
        return category.description

    def ref(self, from_page: str, item_id: str, limit: int | None = None) -> Link:
        """The item's title, linked to its card on the day it first appeared."""
        text = self.index.title_text(item_id)
        return Link(self.index.item_href(from_page, item_id), truncate(text, limit) if limit else text)

    def excerpt(self, item_id: str, limit: int) -> str:
        """The item's core contribution, shortened; "" when it has none."""
        contribution = self.index.summaries[item_id].contribution
        return truncate(contribution, limit) if contribution else ""

    def excerpt_lang(self, item_id: str) -> str | None:
        """The source's language when the contribution quotes it in another language."""
        summary = self.index.summaries[item_id]
        if not summary.extract or not summary.contribution:
            return None
        found = text_language(summary.contribution)
        return found if found != self.t.language else None

    def forge_links(self, item_id: str) -> list[Link]:
        """Correct this item, its history (the commits that changed its YAML), the raw YAML."""
        if not self.repo_url:
            return []
        path = quote(item_source(item_id), safe="/")
        return [Link(base + path, text) for base, text in self._forge]

    @functools.cached_property
    def _forge(self) -> list[tuple[str, str]]:
        """(URL prefix, label) of the forge links, computed once (they are on every card)."""
        actions = (("edit", "correct_this"), ("commits", "item_history"), ("raw", "item_raw"))
        return [(safe_url(f"{self.repo_url}/{action}/{self.branch}/") or "", self.t(label)) for action, label in actions]

    # ---- card rows

    def links(self, item: Item) -> list[Link]:
        """Every place the item can be looked at, deduplicated by URL."""
        t = self.t
        found: list[tuple[str, str | None]] = []
        prefix, _, rest = item.id.partition(":")
        if prefix == "arxiv":
            found.append((t("link_arxiv"), arxiv_abs_url(rest)))
            if any(s.source == "hf-daily-papers" for s in item.seen):
                found.append((t("link_hf_paper"), f"https://huggingface.co/papers/{rest}"))
        found.append((t("link_" + {"paper": "arxiv", "repo": "github", "model": "hf_model", "dataset": "hf_dataset"}[item.kind]), item.url))
        for key, url in item.links.items():
            label_key = LINK_LABELS.get(key.lower())
            found.append((t(label_key) if label_key else key, url))
        out: list[Link] = []
        seen_urls: set[str] = set()
        for label, url in found:
            safe = safe_url(url)
            if safe and safe.rstrip("/") not in seen_urls:
                seen_urls.add(safe.rstrip("/"))
                out.append(Link(safe, label))
        return out

    @staticmethod
    def sources(item: Item) -> list[tuple[str, list[str]]]:
        names: dict[str, list[str]] = {}
        for sighting in item.seen:
            details = names.setdefault(sighting.source, [])
            if sighting.detail and sighting.detail not in details:
                details.append(sighting.detail)
        return [(SOURCE_LABELS.get(source, source), details[:3]) for source, details in names.items()]

    def date_extra(self, item: Item, day: dt.date | None = None) -> list[str]:
        """The last update (not one after ``day``, the page's: a day shows what it could know)
        and the version."""
        extra = []
        if item.updated and item.updated != item.published and (day is None or item.updated <= day):
            extra.append(f"{self.t('updated')} {item.updated:%Y-%m-%d}")
        if item.versions:
            extra.append(item.versions[-1])
        return extra

    def categories(self, page: str, item: Item) -> list[Link]:
        return [
            Link(href(page, category_page(slug)) if slug in self.index.categories else None, self.category_name(slug))
            for slug in dict.fromkeys(item.categories)
        ]

    def verification(self, item: Item) -> Verification:
        v = item.verification
        return Verification(v.status == "verified", Link(safe_url(v.url), v.by), parts(self.t, v.note) if v.note else [], list(v.mismatched))

    def continuity(self, page: str, raw: str) -> Note:
        """One continuity note ("hf-daily-papers:3-days", "new-version:v2", ...) in words."""
        t = self.t
        kind, _, value = raw.partition(":")
        days = re.fullmatch(r"(\d+)-days?", value)
        if days:
            return Note(t("cont_days", n=days.group(1), source=SOURCE_LABELS.get(kind, kind)))
        if kind == "seen-before" and value:
            try:
                first = dt.date.fromisoformat(value)
            except ValueError:
                return Note(raw)
            link = href(page, day_page(first)) if first in self.index.position and day_page(first) != page else None
            before, after = label_parts(t, "cont_seen_before", "date")
            return Note(before=before, link=Link(link, f"{first:%Y-%m-%d}"), after=after)
        if kind == "new-version" and value:
            return Note(t("cont_new_version", version=value))
        if kind.endswith("-of") and value:
            key = {"repo-of": "cont_repo_of", "model-of": "cont_model_of", "paper-of": "cont_paper_of"}.get(kind, "cont_related")
            link = self.index.item_href(page, value)
            summary = self.index.summaries.get(value)
            text = truncate(summary.title, 80) if link and summary else value
            before, after = label_parts(t, key, "target")
            return Note(before=before, link=Link(link, text), after=after)
        return Note(raw)

    def continuity_notes(self, page: str, entry: EditionEntry) -> list[Note] | None:
        return [self.continuity(page, c) for c in entry.continuity if one_line(c)] if entry.continuity else None

    def signals(self, entry: EditionEntry) -> list[str]:
        parts = []
        for key, value in entry.signals.items():
            label_key = "sig_" + key
            if self.t.has(label_key):
                parts.append(self.t(label_key, n=fmt_number(value)))
            else:
                parts.append(f"{key.replace('_', ' ')} {fmt_number(value)}")
        return parts

    def relation(self, item: Item) -> Text:
        """The item's relation to the reader's work: written by an LLM, its grader or a human,
        else the ranking's evidence worded in the page's language (an extract's relation was
        that same evidence, worded in the run's language: the page words it afresh)."""
        written = item.commentary.relation
        text = generated(written) if written is not None and written.by != "extractive" else None
        return text or Text(explanation(item.relevance, self.index.settings.profile, self.t))

    def reason(self, item: Item) -> Text:
        """Why a compactly listed item is here, on one line: the written relation (an LLM's,
        its grader's or a human's), else the ranking's strongest evidence."""
        written = item.commentary.relation
        text = generated(written) if written is not None and written.by != "extractive" else None
        return text or Text(short_explanation(item.relevance, self.index.settings.profile, self.t) or self.t("rel_none"))

    def facts(self, item: Item) -> str:
        """What a repo's, model's or dataset's own card states (task, library, language,
        licence...), labelled in the page's language; "" when it states none."""
        values = {key: one_line(item.extra.get(key, "")) for key in FACT_KEYS}
        parts = [self.t("fact_" + key, value=value) for key, value in values.items() if value]
        if item.kind == "repo" and item.source_categories:
            parts.append(self.t("fact_topics", value=", ".join(item.source_categories[:5])))
        return self.t("clause_sep").join(dict.fromkeys(parts))

    def follow_row(self, page: str, item: Item, entry: EditionEntry) -> FollowRow:
        """What the item is (its description, else its card's facts) and why to follow it (the
        written relation, else the ranking's evidence, else the day's popularity that listed it)."""
        what = generated(item.commentary.contribution, self.t.language)
        if what is None and self.facts(item):
            what = Text(self.facts(item))
        signals = self.signals(entry)
        why = self.reason(item)
        if not (item.commentary.relation or short_explanation(item.relevance, self.index.settings.profile, self.t)) and signals:
            why = Text(self.t("follow_popular", signals=self.t("list_sep").join(signals)))
        return FollowRow(
            anchor=anchor(item.id), title=item.title if one_line(item.title) else item.id, url=safe_url(item.url),
            kind=self.t("kind_" + item.kind), signals=signals, partial=item.verification.status != "verified",
            continuity=self.continuity_notes(page, entry), what=what, why=why, forge=self.forge_links(item.id),
        )

    def row(self, page: str, item: Item, entry: EditionEntry) -> Row:
        return Row(
            anchor=anchor(item.id), title=item.title if one_line(item.title) else item.id, url=safe_url(item.url),
            categories=self.categories(page, item), partial=item.verification.status != "verified",
            continuity=self.continuity_notes(page, entry), reason=self.reason(item),
            check=self.verification(item) if item.verification.status != "verified" else None,
            summary=one_line(item.summary), forge=self.forge_links(item.id),
            lang=self.source_language(item),
        )

    def why_missing(self, item: Item) -> Text:
        """Why an item has no "why it matters" row: no empty rows, the reader is told."""
        contribution = item.commentary.contribution
        if contribution is not None and contribution.by == "extractive":
            return Text(self.t("why_missing_paper" if item.kind == "paper" else "why_missing_other"), missing=True)
        return Text(self.t("why_missing"), missing=True)

    def card(self, page: str, item: Item, entry: EditionEntry, day: dt.date | None = None) -> Card:
        commentary = item.commentary
        language = self.t.language
        rows = [
            ("contribution", generated(commentary.contribution, language)),
            ("why_it_matters", generated(commentary.why_it_matters, language) or self.why_missing(item)),
            ("relation", self.relation(item)),
        ]
        has_marker = any(g is not None and g.removed_claims for g in (commentary.contribution, commentary.why_it_matters, commentary.relation))
        return Card(
            anchor=anchor(item.id),
            title=item.title if one_line(item.title) else item.id,
            url=safe_url(item.url),
            links=self.links(item),
            sources=self.sources(item),
            source_categories=list(item.source_categories[:6]),
            published=f"{item.published:%Y-%m-%d}",
            date_extra=self.date_extra(item, day),
            authors=list(item.authors[:5]),
            et_al=len(item.authors) > 5,
            categories=self.categories(page, item),
            verification=self.verification(item),
            continuity=self.continuity_notes(page, entry),
            signals=self.signals(entry),
            commentary=[(key, text) for key, text in rows if text],
            claims_flag=not has_marker and any(f.startswith("claims-removed") for f in commentary.flags),
            forge=self.forge_links(item.id),
            summary=one_line(item.summary),
            lang=self.source_language(item),
        )

    def source_language(self, item: Item) -> str | None:
        """The language of the item's own text (title and abstract), when not the page's."""
        found = text_language(item.title + " " + item.summary[:400])
        return found if found != self.t.language else None
