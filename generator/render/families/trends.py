"""Trends: where the reader's field is moving, from the light site index.

For each of the reader's interests and each taxonomy category, the number of items listed
per week (distinct items of that week's briefings) over the last 26 weeks, on the trends
page, and over the whole archive, on the series' own page: static SVG bar charts
(``charts``), each with a title, a description and the same numbers as a table. And rising
terms: the phrases of item titles whose share of items grew most in the last four weeks
against the twelve before, counted by scikit-learn's CountVectorizer, with the numbers.

Only finished weeks count (a week is finished once the archive holds its Sunday or a later
day): a week in progress is not comparable, and the pages change once a week, not daily.
"""

from __future__ import annotations

import datetime as dt
import json
from collections import defaultdict
from dataclasses import dataclass
from functools import partial

from ..cards import Link
from ..charts import BarChart, bar_chart
from ..family import NavEntry, Page, PageFamily, Renderer
from ..paths import rel, trend_page
from .week import week_days, week_of

RECENT_WEEKS = 26
RISING_RECENT, RISING_BEFORE = 4, 12
RISING_SHOWN = 12
RISING_MIN_ITEMS = 3  # a phrase must be in at least this many recent items
INDEX = trend_page()


@dataclass(frozen=True, slots=True)
class Series:
    kind: str  # "interests" or "categories"
    slug: str
    name: str


def finished_weeks(r: Renderer) -> list[str]:
    """Every ISO week from the archive's first to its last finished one, oldest first, weeks
    without a briefing included (their counts are 0)."""
    if not r.index.editions:
        return []
    first, last = r.index.editions[0].date, r.index.editions[-1].date
    monday = week_days(week_of(first))[0]
    out = []
    while monday + dt.timedelta(days=6) <= last:
        out.append(week_of(monday))
        monday += dt.timedelta(days=7)
    return out


def listed_by_week(r: Renderer) -> dict[str, list[str]]:
    """{week: the distinct items its briefings list (that have a summary), sorted}."""
    grouped: dict[str, set[str]] = defaultdict(set)
    for edition in r.index.editions:
        grouped[week_of(edition.date)].update(i for i in edition.item_ids() if i in r.index.summaries)
    return {week: sorted(items) for week, items in grouped.items()}


def all_series(r: Renderer) -> list[Series]:
    names = r.settings.profile.names(r.language)
    return ([Series("interests", i.slug, names[i.slug]) for i in r.settings.profile.interests]
            + [Series("categories", slug, r.cards.category_name(slug)) for slug in r.index.categories])


def weekly_counts(r: Renderer, series: list[Series], weeks: list[str], listed: dict[str, list[str]]) -> dict[Series, list[tuple[str, int]]]:
    """{series: [(week, items listed that week in the series)]}, in one pass over the weeks."""
    counted: dict[tuple[str, str], dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for week in weeks:
        for item_id in listed.get(week, ()):
            summary = r.index.summaries[item_id]
            for kind, slugs in (("interests", summary.interests), ("categories", summary.categories)):
                for slug in set(slugs):
                    counted[kind, slug][week] += 1
    return {s: [(week, counted[s.kind, s.slug][week]) for week in weeks] for s in series}


def chart(r: Renderer, chart_id: str, series: Series, points: list[tuple[str, int]]) -> BarChart:
    t = r.t
    first, last = points[0][0], points[-1][0]
    peak = max(points, key=lambda p: p[1])  # the first week with the most
    title = t("chart_title", name=series.name, first=first, last=last)
    desc = t("chart_desc", weeks=len(points), total=sum(n for _, n in points), peak=peak[0], most=peak[1], latest=points[-1][1])
    return bar_chart(chart_id, title, desc, points)


def pages(r: Renderer):
    weeks = finished_weeks(r)
    listed = listed_by_week(r)
    series = all_series(r)
    counts = weekly_counts(r, series, weeks, listed)
    yield Page(INDEX, partial(trends_index, r, weeks, listed, series, counts))
    for s in series:
        yield Page(trend_page(s.kind, s.slug), partial(series_page, r, s, counts[s]))


def trends_index(r: Renderer, weeks: list[str], listed: dict[str, list[str]], series: list[Series], counts) -> dict:
    groups: dict[str, list[dict]] = {"interests": [], "categories": []}
    for s in series:
        points = counts[s][-RECENT_WEEKS:]
        groups[s.kind].append({
            "name": s.name,
            "id": f"{s.kind}-{s.slug}",
            "chart": chart(r, f"chart-{s.kind}-{s.slug}", s, points) if points else None,
            "more": Link(rel(INDEX, trend_page(s.kind, s.slug)), r.t("trend_more")),
        })
    return {"weeks": len(weeks), "rising": rising_terms(r, weeks, listed), "weeks_link": rel(INDEX, "weeks/index.md"), **groups}


def series_page(r: Renderer, s: Series, points: list[tuple[str, int]]) -> dict:
    page = trend_page(s.kind, s.slug)
    back = Link(rel(page, INDEX), r.t("trends_title"))
    return {
        "title": r.t("trend_title", name=s.name),
        "back": back,
        "recent": chart(r, "chart-recent", s, points[-RECENT_WEEKS:]) if points else None,
        "whole": chart(r, "chart-whole", s, points) if len(points) > RECENT_WEEKS else None,
        "kind": s.kind,
    }


def rising_terms(r: Renderer, weeks: list[str], listed: dict[str, list[str]]) -> dict | None:
    """The phrases whose share of items grew most in the last four finished weeks against the
    twelve before (None without a week before them)."""
    if len(weeks) <= RISING_RECENT:
        return None
    recent_weeks, before_weeks = weeks[-RISING_RECENT:], weeks[-RISING_RECENT - RISING_BEFORE:-RISING_RECENT]
    recent = sorted({i for w in recent_weeks for i in listed.get(w, ())})
    before = sorted({i for w in before_weeks for i in listed.get(w, ())})
    if not recent or not before:
        return None
    titles = [r.index.summaries[i].title for i in recent], [r.index.summaries[i].title for i in before]
    # cached by the titles counted: computed (and scikit-learn imported) once a week
    rows = json.loads(r.memo(("rising-terms", titles), lambda: json.dumps(count_rising(*titles))))
    t = r.t
    return {
        "recent": t("trend_span", first=recent_weeks[0], last=recent_weeks[-1], n=len(recent)),
        "before": t("trend_span", first=before_weeks[0], last=before_weeks[-1], n=len(before)),
        "rows": [[term, t("trend_share", n=a, total=len(recent), share=f"{100 * a / len(recent):.1f}"),
                  t("trend_share", n=b, total=len(before), share=f"{100 * b / len(before):.1f}"),
                  t("trend_points", change=f"{100 * (a / len(recent) - b / len(before)):+.1f}")] for term, a, b in rows],
    }


def count_rising(recent: list[str], before: list[str]) -> list[tuple[str, int, int]]:
    """(phrase, items of ``recent`` whose title has it, items of ``before`` that have it), the
    phrases whose share grew most first; a phrase inside a longer one listed with the same
    counts is left out (it says nothing more)."""
    from sklearn.feature_extraction.text import CountVectorizer  # here: only weekly, on a miss

    vectorizer = CountVectorizer(ngram_range=(1, 3), stop_words="english", binary=True, token_pattern=r"(?u)\b\w[\w-]*\w\b")
    matrix = vectorizer.fit_transform(recent + before)
    in_recent = matrix[: len(recent)].sum(axis=0).A1
    in_before = matrix[len(recent):].sum(axis=0).A1
    rising = []
    for term, a, b in zip(vectorizer.get_feature_names_out(), in_recent, in_before):
        change = a / len(recent) - b / len(before)
        if a >= RISING_MIN_ITEMS and change > 0:
            rising.append((-change, str(term), int(a), int(b)))
    kept: list[tuple[str, int, int]] = []
    for _, term, a, b in sorted(rising):
        if any(f" {term} " in f" {longer} " and (a, b) == (la, lb) for longer, la, lb in kept):
            continue
        kept = [k for k in kept if not (f" {k[0]} " in f" {term} " and (k[1], k[2]) == (a, b))] + [(term, a, b)]
        if len(kept) == RISING_SHOWN:
            break
    return kept


LABELS = {
    "zh": {
        "trends": "趋势",
        "trends_title": "趋势",
        "trends_intro": "每周列出的条目数（一周各期去重），按你的兴趣和分类，最近 26 个完整周；点开可看整个归档。只统计已结束的周。",
        "trends_empty": "还没有完整的一周：趋势从归档的第一个完整周开始。",
        "trends_rising": "上升的词语",
        "trends_rising_intro": "条目标题中的词语，按最近 4 周（{recent}）相对此前至多 12 周（{before}）的占比增幅排序。",
        "trends_rising_empty": "历史还不够：需要最近 4 周之前至少还有一周。",
        "trends_interests": "按兴趣",
        "trends_categories": "按分类",
        "trend_title": "{name} · 趋势",
        "trend_recent": "最近 26 周",
        "trend_whole": "整个归档",
        "trend_more": "整个归档的趋势 →",
        "trend_of": "趋势",
        "trend_numbers": "数据表",
        "chart_title": "{name}：每周条目数，{first} 至 {last}",
        "chart_desc": "共 {weeks} 周，列出 {total} 个条目；最多的一周是 {peak}（{most} 个）；最近一周 {latest} 个。",
        "col_week": "周",
        "col_items": "条目",
        "col_phrase": "词语",
        "col_recent": "最近 4 周",
        "col_before": "此前",
        "col_change": "占比变化",
        "trend_span": "{first} 至 {last}，{n} 个条目",
        "trend_share": "{n}/{total}（{share}%）",
        "trend_points": "{change} 个百分点",
    },
    "en": {
        "trends": "Trends",
        "trends_title": "Trends",
        "trends_intro": "Items listed per week (distinct items of the week's briefings), by your interests and by category, over the last 26 finished weeks; each opens onto the whole archive. Weeks count once they are over.",
        "trends_empty": "No finished week yet: the trends start with the archive's first full week.",
        "trends_rising": "Rising terms",
        "trends_rising_intro": "Phrases of item titles, by how much their share of items grew in the last 4 weeks ({recent}) against up to 12 weeks before ({before}).",
        "trends_rising_empty": "Not enough history yet: this needs at least one week before the last four.",
        "trends_interests": "By interest",
        "trends_categories": "By category",
        "trend_title": "{name} · trend",
        "trend_recent": "Last 26 weeks",
        "trend_whole": "The whole archive",
        "trend_more": "The whole archive →",
        "trend_of": "Trend",
        "trend_numbers": "The numbers",
        "chart_title": "{name}: items per week, {first} to {last}",
        "chart_desc": "{weeks} weeks, {total} items listed; the most in {peak} ({most}); {latest} in the last week.",
        "col_week": "Week",
        "col_items": "Items",
        "col_phrase": "Phrase",
        "col_recent": "Last 4 weeks",
        "col_before": "Before",
        "col_change": "Change in share",
        "trend_span": "{first} to {last}, {n} items",
        "trend_share": "{n} of {total} ({share} %)",
        "trend_points": "{change} points",
    },
}

FAMILY = PageFamily("trends", "trends.md", pages, nav=NavEntry("trends", INDEX), labels=LABELS)
