"""Readable Unicode from the TeX that arXiv metadata carries, for display only.

arXiv titles and abstracts are written in TeX: ``$\\mathcal{O}(n)$``, ``\\emph{...}``,
``\\%``, ``--``. The archive keeps them exactly as the source published them; pages, feeds
and the search index (built from the pages) show them through :func:`tex_to_text`, which
uses pylatexenc's LaTeX-to-text converter.

Only paper text (and the commentary written from it) is converted: GitHub and Hugging Face
model texts are plain text or Markdown, where ``$`` or ``~`` mean what they say.
:func:`display_item` / :func:`display_edition` return copies with converted text, so every
renderer (pages, feeds) shows the same clean text.
"""

from __future__ import annotations

import functools
import re
from typing import Iterator, Mapping

from pylatexenc.latex2text import LatexNodes2Text

from ..models import Commentary, Edition, GeneratedText, Item, text_hash

# Text without a control sequence, a math span or a TeX dash/quote is returned as it is (the
# many abstracts without markup). Braces or a tilde alone are not taken for TeX: a title
# like "{{ x }}" stays literally what it says.
_TEX_HINT = re.compile(r"[\\$]|--|``")
# A "%" or "&" that TeX would read as a comment or an alignment tab; in abstracts they are
# nearly always meant literally ("50% faster"), so they are escaped before conversion.
_BARE_SPECIAL = re.compile(r"(?<!\\)([%&#])")
# "~10x" means "about 10x"; a tie between words ("Fig.~1") reads fine as a space.
_APPROX = re.compile(r"(?<![\w.])~(?=\d)")
_APPROX_MARK = "\ue001"

_CONVERTER = LatexNodes2Text(math_mode="text", strict_latex_spaces=False)


@functools.lru_cache(maxsize=65536)
def tex_to_text(text: str) -> str:
    """``text`` with TeX markup turned into the Unicode it stands for.

    ``\\emph{x}`` -> ``x``, ``$\\alpha$`` -> ``α``, ``\\%`` -> ``%``, ``--`` -> ``–``,
    accents composed (``pr\\'esent\\'e`` -> ``présenté``). Text the converter cannot read
    is returned unchanged (shown as published rather than lost).
    """
    if not text or not _TEX_HINT.search(text):
        return text
    prepared = _APPROX.sub(_APPROX_MARK, _BARE_SPECIAL.sub(r"\\\1", text))
    try:
        converted = _CONVERTER.latex_to_text(prepared)
    except Exception:  # pylatexenc raises assorted errors on malformed input
        return text
    return re.sub(r"[ \t\u00a0]+", " ", converted.replace(_APPROX_MARK, "~")).strip()


def _generated(text: GeneratedText | None) -> GeneratedText | None:
    if text is None:
        return None
    clean = tex_to_text(text.text)
    if clean == text.text:
        return text
    # Keep the human-edit marker meaningful: the copy hashes to its own text unless edited.
    generated = text.generated if text.human_edited() else text_hash(clean)
    return text.model_copy(update={"text": clean, "generated": generated})


def display_item(item: Item) -> Item:
    """The item as readers see it: a paper's title, abstract and commentary without TeX."""
    if item.kind != "paper":
        return item
    commentary = item.commentary
    texts = [item.title, item.summary] + [g.text for g in (commentary.contribution, commentary.why_it_matters, commentary.relation) if g]
    if not any(_TEX_HINT.search(text) for text in texts):
        return item  # the common case: nothing to convert
    fields = {name: _generated(getattr(commentary, name)) for name in ("contribution", "why_it_matters", "relation")}
    update: dict[str, object] = {}
    if any(fields[name] is not getattr(commentary, name) for name in fields):
        update["commentary"] = Commentary(**fields, flags=commentary.flags)
    for name in ("title", "summary"):
        clean = tex_to_text(getattr(item, name))
        if clean != getattr(item, name):
            update[name] = clean
    return item.model_copy(update=update) if update else item


class DisplayItems(Mapping[str, Item]):
    """A read-only view of a mapping of items that hands out :func:`display_item` copies
    (converted when looked up, so a day page converts only its own items)."""

    def __init__(self, items: Mapping[str, Item]):
        self._items = items

    def __getitem__(self, item_id: str) -> Item:
        return display_item(self._items[item_id])

    def __contains__(self, item_id: object) -> bool:
        return item_id in self._items

    def __iter__(self) -> Iterator[str]:
        return iter(self._items)

    def __len__(self) -> int:
        return len(self._items)


def display_edition(edition: Edition) -> Edition:
    """The edition's judgment and ideas without TeX (they quote paper titles)."""
    judgment = _generated(edition.judgment)
    ideas = [
        idea.model_copy(update={"title": _generated(idea.title), "body": _generated(idea.body)})
        for idea in edition.ideas
    ]
    changed = judgment is not edition.judgment or any(
        new.title is not old.title or new.body is not old.body for new, old in zip(ideas, edition.ideas)
    )
    return edition.model_copy(update={"judgment": judgment, "ideas": ideas}) if changed else edition
