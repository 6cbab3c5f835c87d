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
the recent list or one day. Every string from a source goes through ``escape_md`` (Markdown)
or ``escape_html`` (raw HTML), every URL from data through ``safe_url``.
"""

from __future__ import annotations

import datetime as dt
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
CARD_SECTIONS = ("highlights", "papers", "follow")
CATEGORY_LATEST = 10
HOME_PICKS = 8
ARCHIVE_PICKS = 5
JUDGMENT_EXCERPT = 200
CONTRIBUTION_EXCERPT = 160


# --------------------------------------------------------------------------- paths


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


def front_matter(**values: object) -> str:
    """YAML front matter; values are JSON-encoded (JSON is YAML) so nothing can break out."""
    lines = ["---"]
    lines += [f"{key}: {json.dumps(value, ensure_ascii=False)}" for key, value in values.items()]
    lines += ["---", ""]
    return "\n".join(lines)


def paragraphs(text: str) -> list[str]:
    """Split multi-paragraph text at blank lines; each paragraph escaped on one line."""
    return [escape_md(p) for p in re.split(r"\n\s*\n", text or "") if p.strip()]


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
                if item_id in index.first_day:
                    continue
                index.first_day[item_id] = edition.date
                item = items.get(item_id)
                if item is None:
                    continue
                for slug in dict.fromkeys(item.categories):
                    if slug in index.categories:
                        grouped[slug].append((edition.date, position, item_id))
        for slug, entries in grouped.items():
            entries.sort(key=lambda e: (-e[0].toordinal(), e[1]))
        index.by_category = {slug: grouped.get(slug, []) for slug in index.categories}
        return index

    def item_link(self, from_page: str, item_id: str) -> str | None:
        """Relative link to the item's card on the day it first appeared."""
        day = self.first_day.get(item_id)
        if day is None:
            return None
        target = day_page(day)
        if target == from_page:
            return "#" + anchor(item_id)
        return rel(from_page, target) + "#" + anchor(item_id)


# --------------------------------------------------------------------------- renderer


class Renderer:
    def __init__(self, index: SiteIndex):
        self.index = index
        self.settings = index.settings
        self.t = Labels(self.settings.language)
        self.colon = "：" if self.t.language == "zh" else ": "
        self.site_title = escape_md(self.settings.site.title)
        self.repo_url = (safe_url(self.settings.site.repo_url) or "").rstrip("/")

    # ---- small pieces

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
        branch = re.sub(r"[^A-Za-z0-9._/-]", "", self.settings.site.branch) or "main"
        return safe_url(f"{self.repo_url}/edit/{branch}/{item_source(item_id)}")

    def field(self, label: str, value: str) -> str:
        return f"- **{label}**{self.colon}{value}"

    def item_title(self, item_id: str) -> str:
        item = self.index.items.get(item_id)
        return escape_md(item.title if item and one_line(item.title) else item_id)

    def item_ref(self, from_page: str, item_id: str) -> str:
        """The item's title, linked to its card when it was ever listed."""
        return md_link(self.item_title(item_id), self.index.item_link(from_page, item_id))

    def generated(self, text: GeneratedText | None) -> str | None:
        """A commentary field on one line, with its provenance markers; None when absent."""
        if text is None or not one_line(text.text):
            return None
        out = escape_md(text.text)
        if text.human_edited():
            out += f" *({self.t('by_human')})*"
        if text.removed_claims:
            out += " " + self.claims_marker(len(text.removed_claims))
        return out

    def claims_marker(self, count: int | None = None) -> str:
        label = self.t("claims_removed")
        suffix = f" ({count})" if count else ""
        return f'<span class="claims-removed" title="{escape_html(label)}">⚠ {label}{suffix}</span>'

    def edition_nav(self, page: str, edition: Edition) -> str:
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
        return " · ".join(parts) + "\n{: .day-nav }"

    # ---- item card

    def item_links(self, item: Item) -> list[tuple[str, str]]:
        """Every place the item can be looked at: (label, safe URL), deduplicated."""
        found: list[tuple[str, str | None]] = []
        prefix, _, rest = item.id.partition(":")
        sources = {s.source for s in item.seen}
        if prefix == "arxiv":
            found.append((self.t("link_arxiv"), f"https://arxiv.org/abs/{rest}"))
            if "hf-daily-papers" in sources:
                found.append((self.t("link_hf_paper"), f"https://huggingface.co/papers/{rest}"))
        elif prefix == "github":
            found.append((self.t("link_github"), item.url))
        elif prefix == "hf":
            found.append((self.t("link_hf_model"), item.url))
        labels = {
            "abs": "link_arxiv", "arxiv": "link_arxiv", "pdf": "link_pdf", "hf": "link_hf_paper",
            "hf_paper": "link_hf_paper", "huggingface": "link_hf_paper", "github": "link_github",
            "repo": "link_github", "code": "link_code", "model": "link_hf_model", "hf_model": "link_hf_model",
            "project": "link_project", "homepage": "link_project",
        }
        for key, url in item.links.items():
            label_key = labels.get(key.lower())
            found.append((self.t(label_key) if label_key else key, url))
        found.append((self.t("link_" + {"paper": "arxiv", "repo": "github", "model": "hf_model"}[item.kind]), item.url))
        out: list[tuple[str, str]] = []
        seen_urls: set[str] = set()
        for label, url in found:
            safe = safe_url(url)
            if safe and safe.rstrip("/") not in seen_urls:
                seen_urls.add(safe.rstrip("/"))
                out.append((label, safe))
        return out

    def sources_text(self, item: Item) -> str:
        names: dict[str, list[str]] = {}
        for sighting in item.seen:
            details = names.setdefault(sighting.source, [])
            if sighting.detail and sighting.detail not in details:
                details.append(sighting.detail)
        parts = []
        for source, details in names.items():
            text = escape_md(SOURCE_LABELS.get(source, source))
            if details:
                text += " (" + ", ".join(escape_md(d) for d in details[:3]) + ")"
            parts.append(text)
        out = " · ".join(parts)
        if item.source_categories:
            out += ("；" if self.t.language == "zh" else "; ") + " / ".join(escape_md(c) for c in item.source_categories[:6])
        return out

    def dates_text(self, item: Item) -> str:
        text = f"{item.published:%Y-%m-%d}"
        extra = []
        if item.updated and item.updated != item.published:
            extra.append(f"{self.t('updated')} {item.updated:%Y-%m-%d}")
        if item.versions:
            extra.append(escape_md(item.versions[-1]))
        if extra:
            text += " (" + ", ".join(extra) + ")"
        return text

    def authors_text(self, item: Item) -> str:
        names = [escape_md(a) for a in item.authors[:5]]
        text = ", ".join(names)
        if len(item.authors) > 5:
            text += " " + self.t("et_al")
        return text

    def categories_text(self, page: str, item: Item) -> str:
        parts = []
        for slug in dict.fromkeys(item.categories):
            name = escape_md(self.category_name(slug))
            if slug in self.index.categories:
                parts.append(f"[{name}]({rel(page, category_page(slug))})")
            else:
                parts.append(name)
        return " · ".join(parts)

    def verification_text(self, item: Item) -> str:
        v = item.verification
        by = escape_md(v.by)
        url = safe_url(v.url)
        by = md_link(by, url)
        if v.status == "verified":
            return f"✓ {self.t('verified')} ({by})"
        text = f"◐ {self.t('partial')} ({by})"
        if v.note:
            text += self.colon + escape_md(v.note)
        if v.mismatched:
            text += f" — {self.t('mismatched')}{self.colon}" + ", ".join(escape_md(m) for m in v.mismatched)
        return text

    def continuity_text(self, page: str, entry: EditionEntry) -> str:
        return " · ".join(self.continuity_one(page, c) for c in entry.continuity if one_line(c))

    def continuity_one(self, page: str, raw: str) -> str:
        kind, _, value = raw.partition(":")
        days = re.fullmatch(r"(\d+)-days?", value)
        if days:
            return self.t("cont_days", n=days.group(1), source=escape_md(SOURCE_LABELS.get(kind, kind)))
        if kind == "seen-before" and value:
            try:
                first = dt.date.fromisoformat(value)
            except ValueError:
                return escape_md(raw)
            date = f"{first:%Y-%m-%d}"
            if first in self.index.position and day_page(first) != page:
                date = f"[{date}]({rel(page, day_page(first))})"
            return self.t("cont_seen_before", date=date)
        if kind == "new-version" and value:
            return self.t("cont_new_version", version=escape_md(value))
        if kind.endswith("-of") and value:
            key = {"repo-of": "cont_repo_of", "model-of": "cont_model_of", "paper-of": "cont_paper_of"}.get(kind, "cont_related")
            target = md_link(escape_md(value), self.index.item_link(page, value))
            if value in self.index.items and self.index.item_link(page, value):
                target = md_link(escape_md(truncate(self.index.items[value].title, 80)), self.index.item_link(page, value))
            return self.t(key, target=target)
        return escape_md(raw)

    def signals_text(self, entry: EditionEntry) -> str:
        parts = []
        for key, value in entry.signals.items():
            label_key = "sig_" + key
            if self.t.has(label_key):
                parts.append(self.t(label_key, n=fmt_number(value)))
            else:
                parts.append(f"{escape_md(key.replace('_', ' '))} {fmt_number(value)}")
        return " · ".join(parts)

    def relation_text(self, item: Item) -> str | None:
        text = self.generated(item.commentary.relation)
        if text:
            return text
        if item.relevance.explanation and one_line(item.relevance.explanation):
            return escape_md(item.relevance.explanation)
        return None

    def item_card(self, page: str, item: Item, entry: EditionEntry) -> list[str]:
        t = self.t
        title = escape_md(item.title) or escape_md(item.id)
        lines = [f"### {md_link(title, safe_url(item.url))} {{#{anchor(item.id)}}}", ""]
        fields: list[str] = []
        links = self.item_links(item)
        if links:
            fields.append(self.field(t("links"), " · ".join(f"[{escape_md(label)}]({url})" for label, url in links)))
        fields.append(self.field(t("source"), self.sources_text(item)))
        fields.append(self.field(t("date"), self.dates_text(item)))
        if item.authors:
            fields.append(self.field(t("authors"), self.authors_text(item)))
        if item.categories:
            fields.append(self.field(t("category_label"), self.categories_text(page, item)))
        fields.append(self.field(t("verification"), self.verification_text(item)))
        if entry.continuity:
            fields.append(self.field(t("continuity"), self.continuity_text(page, entry)))
        if entry.signals:
            fields.append(self.field(t("signals"), self.signals_text(entry)))
        commentary = item.commentary
        for key, text in (
            ("contribution", self.generated(commentary.contribution)),
            ("why_it_matters", self.generated(commentary.why_it_matters)),
            ("relation", self.relation_text(item)),
        ):
            if text:
                fields.append(self.field(t(key), text))
        flagged = any(f.startswith("claims-removed") for f in commentary.flags)
        has_marker = any(g is not None and g.removed_claims for g in (commentary.contribution, commentary.why_it_matters, commentary.relation))
        if flagged and not has_marker:
            fields.append("- " + self.claims_marker())
        correct = self.correct_url(item.id)
        if correct:
            fields.append(f'- [{t("correct_this")}]({correct}){{ .correct-this }}')
        lines += fields
        lines.append("")
        summary = one_line(item.summary)
        if summary:
            lines.append(
                f'<details class="abstract"><summary>{escape_html(t("abstract"))}</summary>'
                f"<p>{escape_html(summary)}</p></details>"
            )
            lines.append("")
        return lines

    # ---- pages

    def day(self, edition: Edition) -> str:
        t = self.t
        page = day_page(edition.date)
        date = f"{edition.date:%Y-%m-%d}"
        title = t("edition_title", title=self.settings.site.title, date=date)
        out = [front_matter(pagefind_body=True, description=title)]
        out += [f"# {escape_md(title)}", "", self.edition_nav(page, edition), ""]
        if edition.status == "degraded":
            out += ["!!! warning", "", f"    {t('status_degraded')}", ""]
        elif edition.status == "empty":
            out += ["!!! note", "", f"    {t('status_empty')}", ""]

        # overall judgment
        judgment = edition.judgment
        if judgment is not None and one_line(judgment.text):
            out += [f"## {t('judgment')} {{#judgment}}", ""]
            for paragraph in paragraphs(judgment.text):
                out += [paragraph, ""]
            if judgment.human_edited():
                out += [f"*({t('by_human')})*", ""]
            if judgment.removed_claims:
                out += [self.claims_marker(len(judgment.removed_claims)), ""]
        elif "judgment" in edition.needs_llm:
            out += [f"## {t('judgment')} {{#judgment}}", "", f"*{t('needs_llm')}*", ""]

        rendered: set[str] = set()
        for slug in SECTION_ORDER:
            section = edition.section(slug)
            if section is None and slug not in edition.needs_llm:
                continue
            out += [f"## {t(slug)} {{#{slug}}}", ""]
            if slug in edition.needs_llm and (section is None or not section.entries):
                out += [f"*{t('needs_llm')}*", ""]
                continue
            if section is None or not section.entries:
                out += [f"*{t('no_entries')}*", ""]
                continue
            if slug == "read-closely":
                out += self.read_closely(page, section.entries, rendered)
                continue
            for entry in section.entries:
                out += self.entry(page, entry, rendered)

        # research ideas
        if edition.ideas or "ideas" in edition.needs_llm:
            out += [f"## {t('ideas')} {{#ideas}}", ""]
            if not edition.ideas:
                out += [f"*{t('needs_llm')}*", ""]
            for number, idea in enumerate(edition.ideas, 1):
                out += [f"### {number}. {escape_md(idea.title.text)} {{#idea-{number}}}", ""]
                for paragraph in paragraphs(idea.body.text):
                    out += [paragraph, ""]
                markers = idea.title.removed_claims + idea.body.removed_claims
                if markers:
                    out += [self.claims_marker(len(markers)), ""]
                if idea.items:
                    refs = ", ".join(self.item_ref(page, i) for i in idea.items)
                    out += [f"{t('related_items')}{self.colon}{refs}", ""]

        out += self.sources_section(edition)
        out += ["---", "", self.edition_nav(page, edition), ""]
        return "\n".join(out)

    def entry(self, page: str, entry: EditionEntry, rendered: set[str]) -> list[str]:
        item = self.index.items.get(entry.item)
        if item is None:
            return [f"*{self.t('missing_item', id=escape_md(entry.item))}*", ""]
        if entry.item in rendered:
            return [f"- {self.item_ref(page, entry.item)} ({self.t('see_above')})", ""]
        rendered.add(entry.item)
        return self.item_card(page, item, entry)

    def read_closely(self, page: str, entries: list[EditionEntry], rendered: set[str]) -> list[str]:
        out: list[str] = []
        pending = []
        for number, entry in enumerate(entries, 1):
            item = self.index.items.get(entry.item)
            if item is None:
                out.append(f"{number}. *{self.t('missing_item', id=escape_md(entry.item))}*")
                continue
            if entry.item not in rendered:
                pending.append(entry)
            reason = (
                self.generated(item.commentary.why_it_matters)
                or self.relation_text(item)
                or self.generated(item.commentary.contribution)
            )
            line = f"{number}. **{md_link(self.item_title(entry.item), '#' + anchor(entry.item))}**"
            if reason:
                line += f" — {self.t('read_closely_reason')}{self.colon}{reason}"
            out.append(line)
        out.append("")
        for entry in pending:  # listed only here: the full card follows the list
            out += self.entry(page, entry, rendered)
        return out

    def sources_section(self, edition: Edition) -> list[str]:
        t = self.t
        if not (edition.sources or edition.commentary_notes or edition.stats.candidates):
            return []
        out = [f"## {t('sources')} {{#sources}}", ""]
        if edition.sources:
            header = ["col_source", "col_status", "col_requests", "col_http", "col_retries", "col_fallback", "col_candidates", "col_notes"]
            out.append("| " + " | ".join(t(h) for h in header) + " |")
            out.append("|" + "---|" * len(header))
            for report in edition.sources:
                status_key = "status_source_degraded" if report.status == "degraded" else f"status_{report.status}"
                statuses = ", ".join(f"{escape_md(code)}×{count}" for code, count in report.http_statuses.items())
                cells = [
                    escape_md(SOURCE_LABELS.get(report.source, report.source)),
                    escape_md(t(status_key)),
                    str(report.requests),
                    statuses,
                    str(report.retries),
                    escape_md(report.fallback or ""),
                    str(report.candidates),
                    "; ".join(escape_md(n) for n in report.notes),
                ]
                out.append("| " + " | ".join(cells) + " |")
            out.append("")
        stats = edition.stats
        if stats.candidates or stats.verified:
            out += [t("run_stats", **stats.model_dump()), "{: .source-notes }", ""]
        if edition.commentary_notes:
            out += [f"**{t('commentary_notes')}**{self.colon}" + "; ".join(escape_md(n) for n in edition.commentary_notes), "{: .source-notes }", ""]
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

    def home(self) -> str:
        t = self.t
        page = "index.md"
        out = [f"# {self.site_title}", "", escape_md(t("tagline")), ""]
        editions = self.index.editions
        if not editions:
            out += [t("no_editions"), ""]
            return "\n".join(out)
        latest = editions[-1]
        date = f"{latest.date:%Y-%m-%d}"
        out += [f"## {t('latest', date=date)} {{#latest}}", ""]
        if latest.judgment is not None and one_line(latest.judgment.text):
            out += [escape_md(truncate(latest.judgment.text, JUDGMENT_EXCERPT * 2)), ""]
        for item_id in self.picks(latest, HOME_PICKS):
            item = self.index.items[item_id]
            line = f"- **{self.item_ref(page, item_id)}**"
            contribution = item.commentary.contribution
            if contribution is not None and one_line(contribution.text):
                line += " — " + escape_md(truncate(contribution.text, CONTRIBUTION_EXCERPT))
            out.append(line)
        out += ["", f"[{t('read_full')} →]({rel(page, day_page(latest.date))})", ""]
        recent = list(reversed(editions[:-1]))[: max(self.settings.site.recent - 1, 0)]
        if recent:
            out += [f"## {t('recent')} {{#recent}}", ""]
            for edition in recent:
                out.append(self.edition_line(page, edition))
            out.append("")
        feeds = f"[{t('feed')}]({rel(page, 'feeds/rss.xml')}) · [Atom]({rel(page, 'feeds/atom.xml')})"
        out += [f"[{t('all_archive')} →]({rel(page, 'archive/index.md')}) · {feeds}", ""]
        return "\n".join(out)

    def edition_line(self, page: str, edition: Edition) -> str:
        date = f"{edition.date:%Y-%m-%d}"
        line = f"- **[{date}]({rel(page, day_page(edition.date))})** · {self.t('items_count', n=len(edition.item_ids()))}"
        picks = self.picks(edition, 3)
        if picks:
            line += " — " + " · ".join(self.item_ref(page, i) for i in picks)
        return line

    def archive_index(self) -> str:
        t = self.t
        page = "archive/index.md"
        out = [f"# {t('archive_title')}", ""]
        months = self.months()
        if not months:
            out += [t("no_editions"), ""]
        year = None
        for month, editions in months:
            if month[:4] != year:
                year = month[:4]
                out += ["", f"## {year} {{#y{year}}}", ""]
            items = sum(len(e.item_ids()) for e in editions)
            out.append(
                f"- [{t.month(month)}]({rel(page, archive_page(month))}) · "
                f"{t('editions_count', n=len(editions))} · {t('items_count', n=items)}"
            )
        out.append("")
        return "\n".join(out)

    def months(self) -> list[tuple[str, list[Edition]]]:
        """(yyyy-mm, editions of that month newest first), newest month first."""
        grouped: dict[str, list[Edition]] = defaultdict(list)
        for edition in reversed(self.index.editions):
            grouped[month_of(edition.date)].append(edition)
        return sorted(grouped.items(), reverse=True)

    def archive_month(self, month: str, editions: list[Edition], newer: str | None, older: str | None) -> str:
        t = self.t
        page = archive_page(month)
        out = [f"# {t('archive_month_title', month=t.month(month))}", ""]
        out += [self.month_nav(page, older, newer, archive_page, "archive/index.md", t("archive")), ""]
        for edition in editions:
            date = f"{edition.date:%Y-%m-%d}"
            out.append(f"- **[{date}]({rel(page, day_page(edition.date))})** · {t('items_count', n=len(edition.item_ids()))}")
            if edition.judgment is not None and one_line(edition.judgment.text):
                out += ["", f"    {escape_md(truncate(edition.judgment.text, JUDGMENT_EXCERPT))}", ""]
            for item_id in self.picks(edition, ARCHIVE_PICKS):
                out.append(f"    - {self.item_ref(page, item_id)}")
            out.append("")
        return "\n".join(out)

    def month_nav(self, page: str, older: str | None, newer: str | None, target, index_page: str, index_label: str) -> str:
        parts = []
        if older:
            parts.append(f"[← {self.t.month(older)}]({rel(page, target(older))})")
        parts.append(f"[{index_label}]({rel(page, index_page)})")
        if newer:
            parts.append(f"[{self.t.month(newer)} →]({rel(page, target(newer))})")
        return " · ".join(parts)

    def categories_index(self) -> str:
        t = self.t
        page = "categories/index.md"
        out = [f"# {t('categories_title')}", "", t("categories_intro"), ""]
        header = ["col_category", "col_description", "col_count", "col_latest", "col_feed"]
        out.append("| " + " | ".join(t(h) for h in header) + " |")
        out.append("|" + "---|" * len(header))
        for slug in self.index.categories:
            entries = self.index.by_category[slug]
            latest = f"{entries[0][0]:%Y-%m-%d}" if entries else ""
            cells = [
                f"[{escape_md(self.category_name(slug))}]({rel(page, category_page(slug))})",
                escape_md(self.category_description(slug)),
                str(len(entries)),
                latest,
                f"[RSS]({rel(page, f'feeds/{slug}.xml')})",
            ]
            out.append("| " + " | ".join(cells) + " |")
        out.append("")
        return "\n".join(out)

    def category_months(self, slug: str) -> list[tuple[str, list[tuple[dt.date, int, str]]]]:
        grouped: dict[str, list[tuple[dt.date, int, str]]] = defaultdict(list)
        for entry in self.index.by_category[slug]:
            grouped[month_of(entry[0])].append(entry)
        return sorted(grouped.items(), reverse=True)

    def category_index(self, slug: str, months) -> str:
        t = self.t
        page = category_page(slug)
        name = escape_md(self.category_name(slug))
        out = [front_matter(feed=f"feeds/{slug}.xml"), f"# {name}", ""]
        description = self.category_description(slug)
        if description:
            out += [escape_md(description), ""]
        out += [f"[{t('feed')}]({rel(page, f'feeds/{slug}.xml')}) · [{t('categories')}]({rel(page, 'categories/index.md')})", ""]
        if not months:
            out += [f"*{t('category_empty')}*", ""]
            return "\n".join(out)
        out += [f"## {t('category_latest')} {{#latest}}", ""]
        for day, _, item_id in self.index.by_category[slug][:CATEGORY_LATEST]:
            out.append(f"- {day:%Y-%m-%d} · {self.item_ref(page, item_id)}")
        out += ["", f"## {t('category_months')} {{#months}}", ""]
        for month, entries in months:
            out.append(f"- [{t.month(month)}]({rel(page, category_page(slug, month))}) · {t('items_count', n=len(entries))}")
        out.append("")
        return "\n".join(out)

    def category_month(self, slug: str, month: str, entries, newer: str | None, older: str | None) -> str:
        t = self.t
        page = category_page(slug, month)
        name = self.category_name(slug)
        out = [front_matter(feed=f"feeds/{slug}.xml"), f"# {escape_md(t('category_month_title', name=name, month=t.month(month)))}", ""]
        out += [self.month_nav(page, older, newer, lambda m: category_page(slug, m), category_page(slug), escape_md(name)), ""]
        day = None
        for entry_day, _, item_id in entries:
            if entry_day != day:
                day = entry_day
                out += ["", f"### [{day:%Y-%m-%d}]({rel(page, day_page(day))}) {{#d{day:%Y%m%d}}}", ""]
            item = self.index.items[item_id]
            line = f"- {self.item_ref(page, item_id)} · {t('kind_' + item.kind)}"
            contribution = item.commentary.contribution
            if contribution is not None and one_line(contribution.text):
                line += " — " + escape_md(truncate(contribution.text, CONTRIBUTION_EXCERPT))
            out.append(line)
        out.append("")
        return "\n".join(out)

    def search(self) -> str:
        t = self.t
        return "\n".join([
            front_matter(pagefind_ui=True, hide=["toc"]),
            f"# {t('search_title')}",
            "",
            t("search_intro"),
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
    pages["archive/index.md"] = r.archive_index()
    months = r.months()
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


def edit_paths(editions: list[Edition]) -> dict[str, str]:
    """Page -> the YAML file (relative to the repository root) it was rendered from."""
    return {day_page(edition.date): edition_source(edition.date) for edition in editions}
