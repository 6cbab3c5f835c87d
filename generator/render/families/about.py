"""The hand-written pages, in the site's language: ``docs/i18n/<name>.<language>.md``."""

from __future__ import annotations

from ..family import NavEntry, Page, PageFamily, Renderer

PAGES = ("about", "correcting")


def pages(r: Renderer):
    if r.docs_dir is None:  # rendering without the docs folder (tests of the generated pages)
        return
    for name in PAGES:
        yield Page(f"{name}.md", dict, edit=f"i18n/{name}.{r.language}.md")


def text(r: Renderer, page: Page) -> str:
    return (r.docs_dir / page.edit).read_text(encoding="utf-8")


FAMILY = PageFamily("about", None, pages, nav=NavEntry("about", "about.md"), text=text)
