"""Notes stored as codes (``generator.messages``), worded in the page's language.

Each code has one label per language in ``i18n`` (``msg_<code>``) whose placeholders are the
code's arguments. An argument is worded by what it is: another note is worded in turn; a
quotation of someone else's words (a server's error text, a title, an LLM's failure reason:
arguments named in ``QUOTED``) is kept verbatim and shown as a quotation of the record; an
interest, a category or an item (``NAMED``) is shown by its name in the page's language, an
item as its title linked to its card (with ``names``, a page's ``Names``); a list is joined;
numbers, dates and URLs are shown as they are. Nothing is parsed from text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Protocol

from ..models import Message
from ..text import text_language
from .i18n import Labels

QUOTED = frozenset({"quote", "reason", "query"})
NAMED = {"interest": "interest", "interests": "interest", "category": "category", "item": "item", "items": "item"}
CLAUSES = frozenset({"why"})  # lists of clauses, joined as clauses are (；) rather than as names (、)
_MARK = "\ue000"
_MARKED = re.compile(f"({_MARK}\\w+{_MARK})")
# SourceReport.fallback values (what stood in for a source) -> their label
FALLBACKS = {"arxiv_api listing": "fallback_arxiv_listing", "hf mirror feed": "fallback_hf_mirror",
             "github_api search": "fallback_github_search"}


@dataclass(frozen=True, slots=True)
class Part:
    """A piece of a worded note: the page's own ``text``, or a ``quote`` of the record."""

    text: str = ""
    quote: str = ""
    lang: str = "en"  # the quotation's language
    url: str | None = None  # a named item's card: the text links to it


class Names(Protocol):
    """What a page calls the things notes name (``cards.PageNames``)."""

    def interest(self, slug: str) -> str: ...

    def category(self, slug: str) -> str: ...

    def item(self, item_id: str) -> tuple[str, str | None]: ...  # its title, and its card's URL


def parts(t: Labels, message: Message, names: Names | None = None) -> list[Part]:
    """The note in the page's language, as text, quotations and links."""
    args = message.args
    inline = {name: _plain(t, value) for name, value in args.items()
              if name not in QUOTED and not (names and name in NAMED) and not _has_message(value)}
    marked = {name: f"{_MARK}{name}{_MARK}" for name in args if name not in inline}
    out: list[Part] = []
    for piece in _MARKED.split(t("msg_" + message.code, **inline, **marked)):
        name = piece.strip(_MARK)
        if piece.startswith(_MARK) and name in args:
            out += _worded(t, args[name], names, NAMED.get(name) if names else None, "clause_sep" if name in CLAUSES else "list_sep")
        elif piece:
            out.append(Part(text=piece))
    return out


def text(t: Labels, message: Message, names: Names | None = None) -> str:
    """The note as one plain line (quotations and names included as they are)."""
    return "".join(p.text or p.quote for p in parts(t, message, names))


def fallback(t: Labels, value: str) -> str:
    """What stood in for a source, in the page's language."""
    return t(FALLBACKS[value]) if value in FALLBACKS else value


def _has_message(value: object) -> bool:
    return isinstance(value, Message) or (isinstance(value, list) and any(isinstance(v, Message) for v in value))


def _plain(t: Labels, value: object) -> str:
    return t("list_sep").join(map(str, value)) if isinstance(value, list) else str(value)


def _worded(t: Labels, value: object, names: Names | None, kind: str | None, separator: str) -> list[Part]:
    out: list[Part] = []
    for n, one in enumerate(value if isinstance(value, list) else [value]):
        if n:
            out.append(Part(text=t(separator)))
        if isinstance(one, Message):
            out += parts(t, one, names)
        elif kind == "item":
            title, url = names.item(str(one))
            out.append(Part(text=title, url=url))
        elif kind:
            out.append(Part(text=getattr(names, kind)(str(one))))
        else:
            out.append(Part(quote=str(one), lang=text_language(str(one))))
    return out
