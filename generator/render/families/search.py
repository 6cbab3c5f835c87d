"""The search page: the Pagefind box (the records are ``render.search``'s)."""

from __future__ import annotations

from ..family import NavEntry, Page, PageFamily, Renderer


def pages(r: Renderer):
    yield Page("search.md", dict)


FAMILY = PageFamily("search", "search.md", pages, nav=NavEntry("search_title", "search.md"))
