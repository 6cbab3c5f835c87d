"""The site as a pure function: archive data in, Markdown pages out.

``render_site(items, editions, settings)`` returns ``{docs-relative path: Markdown}``;
``edit_paths(editions)`` says which YAML file each page came from (the Material "edit this
page" button opens it). Nothing here imports MkDocs: ``docs/gen_pages.py`` writes the pages
into the build, and tests compare them with golden files.

Pages::

    index.md                          latest briefing and recent ones
    days/<yyyy>/<yyyy-mm-dd>.md       one per edition (the only pages Pagefind indexes)
    archive/index.md                  months, newest first
    archive/<yyyy-mm>.md              the editions of one month
    categories/index.md               every taxonomy entry with counts
    categories/<slug>/index.md        the category's months with counts, latest items
    categories/<slug>/<yyyy-mm>.md    the category's items first listed that month
    search.md                         the Pagefind search box

Page weight stays flat as the archive grows: every page holds at most a month of something,
the recent list or one day.

Speed: five years are ~2,500 pages and ~70 MB of text, and Python-Markdown's inline
processing is the slow part of a build. So headings (table of contents, anchors) and the
short navigation lines are Markdown, and the bodies are raw HTML blocks, which Markdown
passes through untouched (the MkDocs hook even keeps them away from its HTML parser, see
``rawhtml``). Links in raw HTML are computed for MkDocs' directory URLs (``href``); lychee
checks them in the built site.

Escaping: every string from a source goes through ``escape_md`` where it lands in Markdown
(headings) and through ``escape_html`` where it lands in HTML; every URL from data through
``safe_url`` (http/https only).
"""

from __future__ import annotations

import datetime as dt
import functools
import json
import posixpath
import re
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Iterable

from ..ids import anchor, item_path
from ..models import Edition, EditionEntry, GeneratedText, Item
from ..settings import Category, Settings
from .escape import escape_html, escape_md, md_link, one_line, safe_url, truncate
from .i18n import SOURCE_LABELS, Labels

SECTION_ORDER = ("highlights", "papers", "follow", "read-closely")
CATEGORY_LATEST = 10
HOME_PICKS = 8
ARCHIVE_PICKS = 5
JUDGMENT_EXCERPT = 200
CONTRIBUTION_EXCERPT = 160
LINK_LABELS = {
    "abs": "link_arxiv", "arxiv": "link_arxiv", "pdf": "link_pdf", "hf": "link_hf_paper",
    "hf_paper": "link_hf_paper", "huggingface": "link_hf_paper", "github": "link_github",
    "repo": "link_github", "code": "link_code", "model": "link_hf_model", "hf_model": "link_hf_model",
    "project": "link_project", "homepage": "link_project", "doi": "link_doi",
}


# --------------------------------------------------------------------------- paths


@functools.lru_cache(maxsize=None)
def day_page(day: dt.date) -> str:
    return f"days/{day:%Y}/{day:%Y-%m-%d}.md"


def day_url(day: dt.date) -> str:
    """The page's URL below the site root (MkDocs directory URLs)."""
    return f"days/{day:%Y}/{day:%Y-%m-%d}/"


def month_of(day: dt.date) -> str:
    return f"{day:%Y-%m}"


def archive_page(month: str) -> str:
    return f"archive/{month}.md"


def category_page(slug: str, month: str | None = None) -> str:
    return f"categories/{slug}/{month or 'index'}.md"


def edition_source(day: dt.date) -> str:
    """The edition's YAML file relative to the repository root."""
    return f"data/briefings/{day:%Y}/{day:%Y-%m-%d}.yaml"


def item_source(item_id: str) -> str:
    """The item's YAML file relative to the repository root."""
    return f"data/items/{item_path(item_id)}"


def rel(from_page: str, to_page: str) -> str:
    """A link from one docs-relative page to another, as MkDocs wants it (to the .md file)."""
    return posixpath.relpath(to_page, posixpath.dirname(from_page) or ".")


def page_url(page: str) -> str:
    """Where a docs-relative file is served (MkDocs directory URLs): ``days/2026/2026-04-30/``."""
    if page == "index.md":
        return ""
    if page.endswith("/index.md"):
        return page[: -len("index.md")]
    if page.endswith(".md"):
        return page[:-3] + "/"
    return page


def href(from_page: str, to: str, fragment: str | None = None) -> str:
    """A relative URL, as served, from one page to another page or file (for raw HTML links).

    Same result as ``posixpath.relpath`` between the two served URLs, computed directly
    (it is called for every link of every page).
    """
    source = page_url(from_page)
    target = page_url(to)
    if fragment and target == source and to.endswith(".md"):
        return "#" + fragment
    folders = source.split("/")[:-1] if source else []
    parts = target.split("/")
    common = 0
    while common < len(folders) and common < len(parts) - 1 and folders[common] == parts[common]:
        common += 1
    path = "../" * (len(folders) - common) + "/".join(parts[common:])
    return (path or "./") + ("#" + fragment if fragment else "")


def a(url: str | None, text: str) -> str:
    """An HTML link with escaped text; just the text when there is no (safe) URL."""
    if not url:
        return escape_html(text)
    return f'<a href="{escape_html(url)}">{escape_html(text)}</a>'


def front_matter(**values: object) -> str:
    """YAML front matter; values are JSON-encoded (JSON is YAML) so nothing can break out."""
    lines = ["---"]
    lines += [f"{key}: {json.dumps(value, ensure_ascii=False)}" for key, value in values.items()]
    lines += ["---", ""]
    return "\n".join(lines)


def fmt_number(value: float) -> str:
    if float(value).is_integer():
        return str(int(value))
    return f"{value:.2f}".rstrip("0").rstrip(".")


# --------------------------------------------------------------------------- index


@dataclass
class SiteIndex:
    """What every page needs to know about the whole archive, computed once."""

    settings: Settings
    items: dict[str, Item]
    editions: list[Edition]  # oldest first, one per date
    first_day: dict[str, dt.date] = field(default_factory=dict)
    # category slug -> [(day, position in that edition, item id)], newest first
    by_category: dict[str, list[tuple[dt.date, int, str]]] = field(default_factory=dict)
    categories: dict[str, Category] = field(default_factory=dict)
    position: dict[dt.date, int] = field(default_factory=dict)  # edition date -> index in editions

    @classmethod
    def build(cls, items: dict[str, Item], editions: Iterable[Edition], settings: Settings) -> "SiteIndex":
        unique = {edition.date: edition for edition in editions}
        ordered = [unique[d] for d in sorted(unique)]
        index = cls(settings=settings, items=items, editions=ordered)
        index.categories = {c.slug: c for c in settings.taxonomy}
        index.position = {edition.date: i for i, edition in enumerate(ordered)}
        grouped: dict[str, list[tuple[dt.date, int, str]]] = defaultdict(list)
        for edition in ordered:
            for position, item_id in enumerate(edition.item_ids()):
                item = items.get(item_id)
                if item is None or item_id in index.first_day:  # a missing item has no card to link to
                    continue
                index.first_day[item_id] = edition.date
                for slug in dict.fromkeys(item.categories):
                    if slug in index.categories:
                        grouped[slug].append((edition.date, position, item_id))
        for slug, entries in grouped.items():
            entries.sort(key=lambda e: (-e[0].toordinal(), e[1]))
        index.by_category = {slug: grouped.get(slug, []) for slug in index.categories}
        return index

    def item_href(self, from_page: str, item_id: str) -> str | None:
        """Relative URL of the item's card on the day it first appeared (None if never listed)."""
        day = self.first_day.get(item_id)
        if day is None:
            return None
        return href(from_page, day_page(day), anchor(item_id))


# --------------------------------------------------------------------------- renderer


class Renderer:
    """Renders pages. Bodies are raw HTML blocks (cheap for Python-Markdown, escaped with
    ``escape_html``); headings and the day navigation are Markdown (table of contents,
    anchors MkDocs validates), with source text escaped by ``escape_md``."""

    def __init__(self, index: SiteIndex):
        self.index = index
        self.settings = index.settings
        self.t = Labels(self.settings.language)
        self.colon = "：" if self.t.language == "zh" else ": "
        self.repo_url = (safe_url(self.settings.site.repo_url) or "").rstrip("/")
        self.branch = re.sub(r"[^A-Za-z0-9._/-]", "", self.settings.site.branch) or "main"
        self._labels: dict[str, str] = {}

    # ---- small pieces

    def label(self, key: str) -> str:
        """An interface label, HTML-escaped (cached: card labels repeat on every item)."""
        cached = self._labels.get(key)
        if cached is None:
            cached = self._labels[key] = escape_html(self.t(key))
        return cached

    def category_name(self, slug: str) -> str:
        category = self.index.categories.get(slug)
        if category is None:
            return slug
        if self.t.language == "en" and category.name_en:
            return category.name_en
        return category.name

    def category_description(self, slug: str) -> str:
        category = self.index.categories.get(slug)
        return category.description if category else ""

    def correct_url(self, item_id: str) -> str | None:
        if not self.repo_url:
            return None
        return safe_url(f"{self.repo_url}/edit/{self.branch}/{item_source(item_id)}")

    def item_title_text(self, item_id: str) -> str:
        item = self.index.items.get(item_id)
        return item.title if item and one_line(item.title) else item_id

    def item_ref(self, from_page: str, item_id: str, limit: int | None = None) -> str:
        """HTML: the item's title, linked to its card on the day it first appeared."""
        text = self.item_title_text(item_id)
        return a(self.index.item_href(from_page, item_id), truncate(text, limit) if limit else text)

    def generated(self, text: GeneratedText | None) -> str | None:
        """HTML: a commentary field on one line with its provenance markers; None when absent."""
        if text is None or not one_line(text.text):
            return None
        out = escape_html(text.text)
        if text.human_edited():
            out += f" <em>({self.label('by_human')})</em>"
        if text.removed_claims:
            out += " " + self.claims_marker(len(text.removed_claims))
        return out

    def claims_marker(self, count: int | None = None) -> str:
        label = escape_html(self.t("claims_removed"))
        suffix = f" ({count})" if count else ""
        return f'<span class="claims-removed" title="{label}">⚠ {label}{suffix}</span>'

    def edition_nav(self, page: str, edition: Edition) -> list[str]:
        """Markdown: previous day · month · next day (links MkDocs checks)."""
        editions = self.index.editions
        position = self.index.position[edition.date]
        parts = []
        if position > 0:
            prev_day = editions[position - 1].date
            parts.append(f"[← {self.t('prev_day')} {prev_day:%Y-%m-%d}]({rel(page, day_page(prev_day))})")
        parts.append(f"[{self.t('archive')} {edition.date:%Y-%m}]({rel(page, archive_page(month_of(edition.date)))})")
        if position + 1 < len(editions):
            next_day = editions[position + 1].date
            parts.append(f"[{self.t('next_day')} {next_day:%Y-%m-%d} →]({rel(page, day_page(next_day))})")
        return [" · ".join(parts), "{: .day-nav }", ""]

    def month_nav(self, page: str, older: str | None, newer: str | None, target, index_page: str, index_label: str) -> list[str]:
        """Markdown: older month · index · newer month."""
        parts = []
        if older:
            parts.append(f"[← {self.t.month(older)}]({rel(page, target(older))})")
        parts.append(f"[{escape_md(index_label)}]({rel(page, index_page)})")
        if newer:
            parts.append(f"[{self.t.month(newer)} →]({rel(page, target(newer))})")
        return [" · ".join(parts), "{: .day-nav }", ""]

    # ---- item card

    def item_links(self, item: Item) -> list[tuple[str, str]]:
        """Every place the item can be looked at: (label, safe URL), deduplicated."""
        found: list[tuple[str, str | None]] = []
        prefix, _, rest = item.id.partition(":")
        if prefix == "arxiv":
            found.append((self.t("link_arxiv"), f"https://arxiv.org/abs/{rest}"))
            if any(s.source == "hf-daily-papers" for s in item.seen):
                found.append((self.t("link_hf_paper"), f"https://huggingface.co/papers/{rest}"))
        found.append((self.t("link_" + {"paper": "arxiv", "repo": "github", "model": "hf_model"}[item.kind]), item.url))
        for key, url in item.links.items():
            label_key = LINK_LABELS.get(key.lower())
            found.append((self.t(label_key) if label_key else key, url))
        out: list[tuple[str, str]] = []
        seen_urls: set[str] = set()
        for label, url in found:
            safe = safe_url(url)
            if safe and safe.rstrip("/") not in seen_urls:
                seen_urls.add(safe.rstrip("/"))
                out.append((label, safe))
        return out

    def sources_html(self, item: Item) -> str:
        names: dict[str, list[str]] = {}
        for sighting in item.seen:
            details = names.setdefault(sighting.source, [])
            if sighting.detail and sighting.detail not in details:
                details.append(sighting.detail)
        parts = []
        for source, details in names.items():
            text = escape_html(SOURCE_LABELS.get(source, source))
            if details:
                text += " (" + ", ".join(escape_html(d) for d in details[:3]) + ")"
            parts.append(text)
        out = " · ".join(parts)
        if item.source_categories:
            out += ("；" if self.t.language == "zh" else "; ") + " / ".join(escape_html(c) for c in item.source_categories[:6])
        return out

    def dates_html(self, item: Item) -> str:
        text = f"{item.published:%Y-%m-%d}"
        extra = []
        if item.updated and item.updated != item.published:
            extra.append(f"{self.label('updated')} {item.updated:%Y-%m-%d}")
        if item.versions:
            extra.append(escape_html(item.versions[-1]))
        if extra:
            text += " (" + ", ".join(extra) + ")"
        return text

    def authors_html(self, item: Item) -> str:
        text = ", ".join(escape_html(name) for name in item.authors[:5])
        if len(item.authors) > 5:
            text += " " + self.label('et_al')
        return text

    def categories_html(self, page: str, item: Item) -> str:
        parts = []
        for slug in dict.fromkeys(item.categories):
            name = self.category_name(slug)
            parts.append(a(href(page, category_page(slug)), name) if slug in self.index.categories else escape_html(name))
        return " · ".join(parts)

    def verification_html(self, item: Item) -> str:
        v = item.verification
        by = a(safe_url(v.url), v.by)
        if v.status == "verified":
            return f"✓ {self.label('verified')} ({by})"
        text = f"◐ {self.label('partial')} ({by})"
        if v.note:
            text += self.colon + escape_html(v.note)
        if v.mismatched:
            text += f" — {self.label('mismatched')}{self.colon}" + ", ".join(escape_html(m) for m in v.mismatched)
        return text

    def continuity_html(self, page: str, entry: EditionEntry) -> str:
        return " · ".join(self.continuity_one(page, c) for c in entry.continuity if one_line(c))

    def continuity_one(self, page: str, raw: str) -> str:
        """HTML: one continuity note ("hf-daily-papers:3-days", "new-version:v2", ...) in words."""
        kind, _, value = raw.partition(":")
        days = re.fullmatch(r"(\d+)-days?", value)
        if days:
            return escape_html(self.t("cont_days", n=days.group(1), source=SOURCE_LABELS.get(kind, kind)))
        if kind == "seen-before" and value:
            try:
                first = dt.date.fromisoformat(value)
            except ValueError:
                return escape_html(raw)
            link = href(page, day_page(first)) if first in self.index.position and day_page(first) != page else None
            return self.t("cont_seen_before", date=a(link, f"{first:%Y-%m-%d}"))
        if kind == "new-version" and value:
            return escape_html(self.t("cont_new_version", version=value))
        if kind.endswith("-of") and value:
            key = {"repo-of": "cont_repo_of", "model-of": "cont_model_of", "paper-of": "cont_paper_of"}.get(kind, "cont_related")
            link = self.index.item_href(page, value)
            text = truncate(self.index.items[value].title, 80) if link and value in self.index.items else value
            return escape_html(self.t(key, target="\ue000")).replace("\ue000", a(link, text))
        return escape_html(raw)

    def signals_html(self, entry: EditionEntry) -> str:
        parts = []
        for key, value in entry.signals.items():
            label_key = "sig_" + key
            if self.t.has(label_key):
                parts.append(self.t(label_key, n=fmt_number(value)))
            else:
                parts.append(f"{key.replace('_', ' ')} {fmt_number(value)}")
        return " · ".join(escape_html(p) for p in parts)

    def relation_html(self, item: Item) -> str | None:
        text = self.generated(item.commentary.relation)
        if text:
            return text
        if one_line(item.relevance.explanation):
            return escape_html(item.relevance.explanation)
        return None

    def item_card(self, page: str, item: Item, entry: EditionEntry) -> list[str]:
        t = self.t
        title = escape_md(item.title) or escape_md(item.id)
        lines = [f"### {md_link(title, safe_url(item.url))} {{#{anchor(item.id)}}}", ""]
        rows: list[tuple[str, str]] = []
        links = self.item_links(item)
        if links:
            rows.append(("links", " · ".join(a(url, label) for label, url in links)))
        rows.append(("source", self.sources_html(item)))
        rows.append(("date", self.dates_html(item)))
        if item.authors:
            rows.append(("authors", self.authors_html(item)))
        if item.categories:
            rows.append(("category_label", self.categories_html(page, item)))
        rows.append(("verification", self.verification_html(item)))
        if entry.continuity:
            rows.append(("continuity", self.continuity_html(page, entry)))
        if entry.signals:
            rows.append(("signals", self.signals_html(entry)))
        commentary = item.commentary
        for key, text in (
            ("contribution", self.generated(commentary.contribution)),
            ("why_it_matters", self.generated(commentary.why_it_matters)),
            ("relation", self.relation_html(item)),
        ):
            if text:
                rows.append((key, text))
        cells = [f"<li><strong>{self.label(key)}</strong>{self.colon}{value}</li>" for key, value in rows]
        has_marker = any(g is not None and g.removed_claims for g in (commentary.contribution, commentary.why_it_matters, commentary.relation))
        if not has_marker and any(f.startswith("claims-removed") for f in commentary.flags):
            cells.append(f"<li>{self.claims_marker()}</li>")
        correct = self.correct_url(item.id)
        if correct:
            cells.append(f'<li class="correct-this">{a(correct, t("correct_this"))}</li>')
        lines += ['<ul class="item-meta">' + "".join(cells) + "</ul>", ""]
        summary = one_line(item.summary)
        if summary:
            lines += [
                f'<details class="abstract"><summary>{self.label("abstract")}</summary><p>{escape_html(summary)}</p></details>',
                "",
            ]
        return lines

    # ---- pages

    def day(self, edition: Edition) -> str:
        t = self.t
        page = day_page(edition.date)
        date = f"{edition.date:%Y-%m-%d}"
        title = t("edition_title", title=self.settings.site.title, date=date)
        out = [front_matter(pagefind_body=True, description=title), f"# {escape_md(title)}", ""]
        out += self.edition_nav(page, edition)
        if edition.status == "degraded":
            out += [self.admonition("warning", t("status_degraded")), ""]
        elif edition.status == "empty":
            out += [self.admonition("note", t("status_empty")), ""]

        judgment = edition.judgment
        if judgment is not None and one_line(judgment.text):
            out += [f"## {t('judgment')} {{#judgment}}", ""]
            out += self.paragraphs(judgment)
        elif "judgment" in edition.needs_llm:
            out += [f"## {t('judgment')} {{#judgment}}", "", self.needs_llm(), ""]

        rendered: set[str] = set()
        for slug in SECTION_ORDER:
            section = edition.section(slug)
            if section is None and slug not in edition.needs_llm:
                continue
            out += [f"## {t(slug)} {{#{slug}}}", ""]
            if section is None or not section.entries:
                out += [self.needs_llm() if slug in edition.needs_llm else f'<p class="empty">{escape_html(t("no_entries"))}</p>', ""]
                continue
            if slug == "read-closely":
                out += self.read_closely(page, section.entries, rendered)
                continue
            for entry in section.entries:
                out += self.entry(page, entry, rendered)

        if edition.ideas or "ideas" in edition.needs_llm:
            out += [f"## {t('ideas')} {{#ideas}}", ""]
            if not edition.ideas:
                out += [self.needs_llm(), ""]
            for number, idea in enumerate(edition.ideas, 1):
                out += [f"### {number}. {escape_md(idea.title.text)} {{#idea-{number}}}", ""]
                out += self.paragraphs(idea.body)
                if idea.title.removed_claims:
                    out += [f"<p>{self.claims_marker(len(idea.title.removed_claims))}</p>", ""]
                if idea.items:
                    refs = ", ".join(self.item_ref(page, i) for i in idea.items)
                    out += [f'<p class="related">{escape_html(t("related_items"))}{self.colon}{refs}</p>', ""]

        out += self.sources_section(edition)
        out += ["---", ""] + self.edition_nav(page, edition)
        return "\n".join(out)

    def paragraphs(self, text: GeneratedText) -> list[str]:
        """HTML paragraphs of a multi-paragraph text, markers on the last one."""
        parts = [p for p in re.split(r"\n\s*\n", text.text) if one_line(p)]
        out = []
        for i, part in enumerate(parts):
            html = escape_html(part)
            if i == len(parts) - 1:
                if text.human_edited():
                    html += f" <em>({self.label('by_human')})</em>"
                if text.removed_claims:
                    html += " " + self.claims_marker(len(text.removed_claims))
            out += [f"<p>{html}</p>", ""]
        return out

    def admonition(self, kind: str, text: str) -> str:
        """A Material admonition box (fixed text only)."""
        return f'<div class="admonition {kind}"><p>{escape_html(text)}</p></div>'

    def needs_llm(self) -> str:
        return f'<p class="needs-llm"><em>{escape_html(self.t("needs_llm"))}</em></p>'

    def entry(self, page: str, entry: EditionEntry, rendered: set[str]) -> list[str]:
        item = self.index.items.get(entry.item)
        if item is None:
            return [f'<p class="missing"><em>{escape_html(self.t("missing_item", id=entry.item))}</em></p>', ""]
        if entry.item in rendered:
            return [f"<p>{self.item_ref(page, entry.item)} ({self.label('see_above')})</p>", ""]
        rendered.add(entry.item)
        return self.item_card(page, item, entry)

    def read_closely(self, page: str, entries: list[EditionEntry], rendered: set[str]) -> list[str]:
        rows = []
        pending = []
        for entry in entries:
            item = self.index.items.get(entry.item)
            if item is None:
                rows.append(f"<li><em>{escape_html(self.t('missing_item', id=entry.item))}</em></li>")
                continue
            if entry.item not in rendered:
                pending.append(entry)
            reason = (
                self.generated(item.commentary.why_it_matters)
                or self.relation_html(item)
                or self.generated(item.commentary.contribution)
            )
            row = f"<li><strong>{a('#' + anchor(entry.item), self.item_title_text(entry.item))}</strong>"
            if reason:
                row += f" — {self.label('read_closely_reason')}{self.colon}{reason}"
            rows.append(row + "</li>")
        out = ['<ol class="read-closely">' + "".join(rows) + "</ol>", ""]
        for entry in pending:  # listed only here: the full card follows the list
            out += self.entry(page, entry, rendered)
        return out

    def sources_section(self, edition: Edition) -> list[str]:
        t = self.t
        if not (edition.sources or edition.commentary_notes or edition.stats.candidates):
            return []
        out = [f"## {t('sources')} {{#sources}}", ""]
        if edition.sources:
            header = ["col_source", "col_status", "col_requests", "col_http", "col_retries", "col_fallback", "col_candidates"]
            rows = ["<tr>" + "".join(f"<th>{escape_html(t(h))}</th>" for h in header) + "</tr>"]
            for report in edition.sources:
                status_key = "status_source_degraded" if report.status == "degraded" else f"status_{report.status}"
                cells = [
                    SOURCE_LABELS.get(report.source, report.source),
                    t(status_key),
                    str(report.requests),
                    ", ".join(f"{code}×{count}" for code, count in report.http_statuses.items()),
                    str(report.retries),
                    report.fallback or "",
                    str(report.candidates),
                ]
                rows.append("<tr>" + "".join(f"<td>{escape_html(c)}</td>" for c in cells) + "</tr>")
            out += ['<table>' + "".join(rows) + "</table>", ""]
            notes = [
                f"<li><strong>{escape_html(SOURCE_LABELS.get(r.source, r.source))}</strong>{self.colon}"
                + "; ".join(escape_html(n) for n in r.notes) + "</li>"
                for r in edition.sources if r.notes
            ]
            if notes:
                out += ['<ul class="source-notes">' + "".join(notes) + "</ul>", ""]
        stats = edition.stats
        if stats.candidates or stats.verified:
            out += [f'<p class="source-notes">{escape_html(t("run_stats", **stats.model_dump()))}</p>', ""]
        if edition.commentary_notes:
            notes = "; ".join(escape_html(n) for n in edition.commentary_notes)
            out += [f'<p class="source-notes"><strong>{escape_html(t("commentary_notes"))}</strong>{self.colon}{notes}</p>', ""]
        return out

    # ---- picks of an edition (home, archive, feeds)

    def picks(self, edition: Edition, limit: int) -> list[str]:
        """The day's picks: highlights first, then the other sections, in order, unique."""
        out: list[str] = []
        for slug in ("highlights", "read-closely", "follow", "papers"):
            section = edition.section(slug)
            for entry in section.entries if section else []:
                if entry.item not in out and entry.item in self.index.items:
                    out.append(entry.item)
                if len(out) >= limit:
                    return out
        return out

    def contribution_excerpt(self, item_id: str) -> str:
        contribution = self.index.items[item_id].commentary.contribution
        if contribution is None or not one_line(contribution.text):
            return ""
        return " — " + escape_html(truncate(contribution.text, CONTRIBUTION_EXCERPT))

    def home(self) -> str:
        t = self.t
        page = "index.md"
        out = [f"# {escape_md(self.settings.site.title)}", "", f"<p>{escape_html(t('tagline'))}</p>", ""]
        editions = self.index.editions
        if not editions:
            out += [f"<p>{escape_html(t('no_editions'))}</p>", ""]
            return "\n".join(out)
        latest = editions[-1]
        out += [f"## {t('latest', date=f'{latest.date:%Y-%m-%d}')} {{#latest}}", ""]
        if latest.judgment is not None and one_line(latest.judgment.text):
            out += [f"<p>{escape_html(truncate(latest.judgment.text, JUDGMENT_EXCERPT * 2))}</p>", ""]
        rows = [f"<li><strong>{self.item_ref(page, i)}</strong>{self.contribution_excerpt(i)}</li>" for i in self.picks(latest, HOME_PICKS)]
        if rows:
            out += ['<ul class="picks">' + "".join(rows) + "</ul>", ""]
        out += [f"[{t('read_full')} →]({rel(page, day_page(latest.date))})", ""]
        recent = list(reversed(editions[:-1]))[: max(self.settings.site.recent - 1, 0)]
        if recent:
            out += [f"## {t('recent')} {{#recent}}", ""]
            out += ['<ul class="editions">' + "".join(self.edition_row(page, e) for e in recent) + "</ul>", ""]
        out += [
            f"[{t('all_archive')} →]({rel(page, 'archive/index.md')}) · "
            f"[{t('feed')}]({rel(page, 'feeds/rss.xml')}) · [Atom]({rel(page, 'feeds/atom.xml')})",
            "",
        ]
        return "\n".join(out)

    def edition_row(self, page: str, edition: Edition, picks: int = 3) -> str:
        """HTML <li>: date, item count, the first picks."""
        date = a(href(page, day_page(edition.date)), f"{edition.date:%Y-%m-%d}")
        row = f"<li><strong>{date}</strong> · {escape_html(self.t('items_count', n=len(edition.item_ids())))}"
        chosen = self.picks(edition, picks)
        if chosen:
            row += " — " + " · ".join(self.item_ref(page, i, 90) for i in chosen)
        return row + "</li>"

    def months(self) -> list[tuple[str, list[Edition]]]:
        """(yyyy-mm, editions of that month newest first), newest month first."""
        grouped: dict[str, list[Edition]] = defaultdict(list)
        for edition in reversed(self.index.editions):
            grouped[month_of(edition.date)].append(edition)
        return sorted(grouped.items(), reverse=True)

    def archive_index(self, months) -> str:
        t = self.t
        page = "archive/index.md"
        out = [f"# {t('archive_title')}", ""]
        if not months:
            out += [f"<p>{escape_html(t('no_editions'))}</p>", ""]
        by_year: dict[str, list[str]] = defaultdict(list)
        for month, editions in months:
            items = sum(len(e.item_ids()) for e in editions)
            by_year[month[:4]].append(
                f"<li>{a(href(page, archive_page(month)), t.month(month))} · "
                f"{escape_html(t('editions_count', n=len(editions)))} · {escape_html(t('items_count', n=items))}</li>"
            )
        for year, rows in by_year.items():
            out += [f"## {year} {{#y{year}}}", "", "<ul>" + "".join(rows) + "</ul>", ""]
        return "\n".join(out)

    def archive_month(self, month: str, editions: list[Edition], newer: str | None, older: str | None) -> str:
        t = self.t
        page = archive_page(month)
        out = [f"# {t('archive_month_title', month=t.month(month))}", ""]
        out += self.month_nav(page, older, newer, archive_page, "archive/index.md", t("archive"))
        rows = []
        for edition in editions:
            row = f"<li><strong>{a(href(page, day_page(edition.date)), f'{edition.date:%Y-%m-%d}')}</strong> · "
            row += escape_html(t("items_count", n=len(edition.item_ids())))
            if edition.judgment is not None and one_line(edition.judgment.text):
                row += f"<br>{escape_html(truncate(edition.judgment.text, JUDGMENT_EXCERPT))}"
            picks = self.picks(edition, ARCHIVE_PICKS)
            if picks:
                row += "<ul>" + "".join(f"<li>{self.item_ref(page, i)}</li>" for i in picks) + "</ul>"
            rows.append(row + "</li>")
        out += ['<ul class="editions">' + "".join(rows) + "</ul>", ""]
        return "\n".join(out)

    def categories_index(self) -> str:
        t = self.t
        page = "categories/index.md"
        out = [f"# {t('categories_title')}", "", f"<p>{escape_html(t('categories_intro'))}</p>", ""]
        header = ["col_category", "col_description", "col_count", "col_latest", "col_feed"]
        rows = ["<tr>" + "".join(f"<th>{escape_html(t(h))}</th>" for h in header) + "</tr>"]
        for slug in self.index.categories:
            entries = self.index.by_category[slug]
            cells = [
                a(href(page, category_page(slug)), self.category_name(slug)),
                escape_html(self.category_description(slug)),
                str(len(entries)),
                f"{entries[0][0]:%Y-%m-%d}" if entries else "",
                a(href(page, f"feeds/{slug}.xml"), "RSS"),
            ]
            rows.append("<tr>" + "".join(f"<td>{c}</td>" for c in cells) + "</tr>")
        out += ['<table>' + "".join(rows) + "</table>", ""]
        return "\n".join(out)

    def category_months(self, slug: str) -> list[tuple[str, list[tuple[dt.date, int, str]]]]:
        grouped: dict[str, list[tuple[dt.date, int, str]]] = defaultdict(list)
        for entry in self.index.by_category[slug]:
            grouped[month_of(entry[0])].append(entry)
        return sorted(grouped.items(), reverse=True)

    def category_index(self, slug: str, months) -> str:
        t = self.t
        page = category_page(slug)
        name = self.category_name(slug)
        out = [front_matter(feed=f"feeds/{slug}.xml"), f"# {escape_md(name)}", ""]
        description = self.category_description(slug)
        if description:
            out += [f"<p>{escape_html(description)}</p>", ""]
        out += [f"[{t('feed')}]({rel(page, f'feeds/{slug}.xml')}) · [{t('categories')}]({rel(page, 'categories/index.md')})", ""]
        if not months:
            out += [f'<p class="empty"><em>{escape_html(t("category_empty"))}</em></p>', ""]
            return "\n".join(out)
        rows = [
            f"<li>{day:%Y-%m-%d} · {self.item_ref(page, item_id)}</li>"
            for day, _, item_id in self.index.by_category[slug][:CATEGORY_LATEST]
        ]
        out += [f"## {t('category_latest')} {{#latest}}", "", "<ul>" + "".join(rows) + "</ul>", ""]
        rows = [
            f"<li>{a(href(page, category_page(slug, month)), t.month(month))} · {escape_html(t('items_count', n=len(entries)))}</li>"
            for month, entries in months
        ]
        out += [f"## {t('category_months')} {{#months}}", "", "<ul>" + "".join(rows) + "</ul>", ""]
        return "\n".join(out)

    def category_month(self, slug: str, month: str, entries, newer: str | None, older: str | None) -> str:
        t = self.t
        page = category_page(slug, month)
        name = self.category_name(slug)
        out = [front_matter(feed=f"feeds/{slug}.xml"), f"# {escape_md(t('category_month_title', name=name, month=t.month(month)))}", ""]
        out += self.month_nav(page, older, newer, lambda m: category_page(slug, m), category_page(slug), name)
        by_day: dict[dt.date, list[str]] = {}
        for day, _, item_id in entries:
            kind = escape_html(t("kind_" + self.index.items[item_id].kind))
            by_day.setdefault(day, []).append(f"<li>{self.item_ref(page, item_id)} · {kind}{self.contribution_excerpt(item_id)}</li>")
        for day, rows in by_day.items():
            out += [
                f'<h3 id="d{day:%Y%m%d}">{a(href(page, day_page(day)), f"{day:%Y-%m-%d}")}</h3>',
                "",
                "<ul>" + "".join(rows) + "</ul>",
                "",
            ]
        return "\n".join(out)

    def search(self) -> str:
        t = self.t
        return "\n".join([
            front_matter(pagefind_ui=True, hide=["toc"]),
            f"# {t('search_title')}",
            "",
            f"<p>{escape_html(t('search_intro'))}</p>",
            "",
            '<div id="search"></div>',
            "",
            f"<noscript>{escape_html(t('search_noscript'))}</noscript>",
            "",
        ])


# --------------------------------------------------------------------------- entry points


def render_site(items: dict[str, Item], editions: list[Edition], settings: Settings) -> dict[str, str]:
    """Every generated page of the site: ``{docs-relative path: Markdown}``. Pure."""
    index = SiteIndex.build(items, editions, settings)
    r = Renderer(index)
    pages: dict[str, str] = {"index.md": r.home(), "search.md": r.search()}
    for edition in index.editions:
        pages[day_page(edition.date)] = r.day(edition)
    months = r.months()
    pages["archive/index.md"] = r.archive_index(months)
    for i, (month, month_editions) in enumerate(months):
        newer = months[i - 1][0] if i > 0 else None
        older = months[i + 1][0] if i + 1 < len(months) else None
        pages[archive_page(month)] = r.archive_month(month, month_editions, newer, older)
    pages["categories/index.md"] = r.categories_index()
    for slug in index.categories:
        cat_months = r.category_months(slug)
        pages[category_page(slug)] = r.category_index(slug, cat_months)
        for i, (month, entries) in enumerate(cat_months):
            newer = cat_months[i - 1][0] if i > 0 else None
            older = cat_months[i + 1][0] if i + 1 < len(cat_months) else None
            pages[category_page(slug, month)] = r.category_month(slug, month, entries, newer, older)
    return pages


def nav(settings: Settings) -> list[dict[str, str]]:
    """The site navigation, labelled in the UI language. Fixed size: no day is ever in it."""
    t = Labels(settings.language)
    return [
        {t("home"): "index.md"},
        {t("archive"): "archive/index.md"},
        {t("categories"): "categories/index.md"},
        {t("search_title"): "search.md"},
        {t("about"): "about.md"},
    ]


def edit_paths(editions: list[Edition]) -> dict[str, str]:
    """Page -> the YAML file (relative to the repository root) it was rendered from."""
    return {day_page(edition.date): edition_source(edition.date) for edition in editions}
