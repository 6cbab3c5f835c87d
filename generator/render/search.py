"""The search index's records as a pure function: one record per item.

A reader searching the archive wants the paper, not the day it was listed on, so Pagefind
gets one custom record per item (``build.build_search_index`` writes them) instead of
indexing whole day pages:

* ``url``: the item's card on the day it first appeared (``/days/<yyyy>/<date>/#<anchor>``,
  from the site root; the search page's ``baseUrl`` adds any sub-path);
* ``meta``: its title (as shown on pages: TeX turned into Unicode), kind and date, keyed by
  the reader's-language labels Pagefind UI prints beside each result;
* ``filters``: kind and categories, keyed and named in the reader's language, for the
  search page's filter panel; the year is no filter but the choice of bundles (a year's
  bundles, ``build.bundle_parts``).
  Pagefind writes filter files in a different byte order on every build;
  ``pagefind_bundle.sort_filters`` puts them in order, so builds stay byte-identical;
* ``content``: what is about this item only: title, the commentary on what it contributes and
  why it matters, the names (in the site's language) of the categories it falls in and of the
  reader's interests it matched, the abstract or description. A reader searching in their
  own language (强化学习, 智能体) finds the items filed under or matching that topic, though
  their text is English. Nothing that is the same on every card (field labels) goes in, so a
  common phrase does not match everything.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field
from typing import Callable, Iterator, Mapping

from ..ids import anchor
from ..memo import Memo
from ..models import Edition, Item
from ..settings import Settings
from .escape import one_line
from .cards import Cards
from .index import SiteIndex
from .paths import day_url
from .plain import display_item

PAGEFIND_LANGUAGE = {"zh": "zh", "en": "en"}


@dataclass(frozen=True)
class SearchRecord:
    url: str
    language: str
    content: str
    meta: dict[str, str] = field(default_factory=dict)
    filters: dict[str, list[str]] = field(default_factory=dict)
    sort: dict[str, str] = field(default_factory=dict)

    @property
    def year(self) -> str:
        return self.sort["date"][:4]

    def as_row(self) -> dict:
        """The record as JSON-ready data (``dataclasses.asdict`` without its deep copies: a
        build turns 40,000 records into JSON)."""
        return {"url": self.url, "language": self.language, "content": self.content, "meta": self.meta,
                "filters": self.filters, "sort": self.sort}


def _content(r: Cards, item: Item) -> str:
    commentary = item.commentary
    parts = [item.title]
    parts += [g.text for g in (commentary.contribution, commentary.why_it_matters) if g is not None]
    parts += [r.category_name(slug) for slug in dict.fromkeys(item.categories)]
    parts += [r.interest_name(m.interest) for m in item.relevance.matched]
    parts.append(item.summary)
    return "\n".join(one_line(p) for p in parts if one_line(p))


def record_for(r: Cards, item: Item, day: dt.date) -> SearchRecord:
    t = r.t
    kind = t("kind_" + item.kind)
    date = f"{day:%Y-%m-%d}"
    return SearchRecord(
        url="/" + day_url(day) + "#" + anchor(item.id),
        language=PAGEFIND_LANGUAGE.get(t.language, t.language),
        content=_content(r, item),
        meta={"title": one_line(item.title) or item.id, t("search_kind"): kind, t("date"): date},
        filters={
            t("search_kind"): [kind],
            t("category_label"): [r.category_name(slug) for slug in dict.fromkeys(item.categories)],
        },
        sort={"date": date},
    )


def records_of(
    index: SiteIndex, items_of: Callable[[Edition], Mapping[str, Item]], *, cache=None, version: Callable[[Edition], str] | None = None,
) -> list[SearchRecord]:
    """:func:`iter_records` as a list."""
    return list(iter_records(index, items_of, cache=cache, version=version))


def iter_records(
    index: SiteIndex, items_of: Callable[[Edition], Mapping[str, Item]], *, cache=None, version: Callable[[Edition], str] | None = None,
) -> Iterator[SearchRecord]:
    """One record per listed item, in order of first appearance (deterministic), a day at a time.

    ``items_of(edition)`` gives one edition's items (as ``pages.render_pages`` asks for them),
    so the whole archive need not be in memory. With ``cache`` (a ``memo.Memo`` of text) and
    ``version`` (a digest of an edition's files), a day's records are kept between builds
    and its items are not read again while it is unchanged.
    """
    cards = Cards(index)
    memo = None
    if cache is not None and version is not None:  # the rows as JSON, in the same table as the pages
        memo = Memo(cache.store, cache.table, cache.salt, dump=_json_bytes, load=json.loads)
    for edition in index.editions:
        firsts = sorted(i for i in dict.fromkeys(edition.item_ids()) if index.first_day.get(i) == edition.date)
        if not firsts:
            continue

        def day(edition=edition, firsts=firsts) -> list[dict]:
            items = items_of(edition)
            return [record_for(cards, display_item(items[i]), edition.date).as_row() for i in firsts if i in items]

        rows = memo(day, index.settings.language, "records", edition.date, firsts, version(edition)) if memo else day()
        yield from (SearchRecord(**row) for row in rows)


def _json_bytes(rows: list[dict]) -> bytes:
    return json.dumps(rows, ensure_ascii=False).encode("utf-8")


def search_records(items: Mapping[str, Item], editions: list[Edition], settings: Settings) -> list[SearchRecord]:
    """:func:`records_of` over an archive in memory."""
    return records_of(SiteIndex.build(items, editions, settings), lambda edition: items)
