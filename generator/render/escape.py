"""Making source-derived text inert.

Everything that comes from a source (titles, abstracts, descriptions, author names, notes,
commentary built from them) goes through one of these before it reaches a page:

* :func:`escape_md` for text placed in Markdown (headings, list items, link texts, table cells);
* :func:`escape_html` for text placed inside a raw HTML block or an attribute (the templates'
  autoescape calls it on every value, see ``templating``); :func:`escape_text` for element
  text that must read as Markdown would have written it (the ``text`` filter);
* :func:`safe_url` for any URL taken from data: only ``http``/``https`` survive, and characters
  that could end a Markdown link destination or an HTML attribute are percent-encoded.
"""

from __future__ import annotations

import html
import re
from urllib.parse import quote, urlsplit

from ..text import collapse_whitespace

# Characters Python-Markdown treats as backslash-escapable with the extensions the site uses
# (core set + "|" from the tables extension). Escaping any other character would leave a
# visible backslash, so the set must stay in step with mkdocs.yml (a test checks it).
MD_SPECIALS = "\\`*_{}[]()#+-.!|"
_MD_SPECIAL_RE = re.compile("([" + re.escape(MD_SPECIALS) + "])")
# C0/C1 controls (other than whitespace, collapsed separately) and the BOM never render usefully;
# bidirectional embeddings, overrides and isolates (U+202A-E, U+2066-9) could make a title
# display as something else, so pages drop them too (the archive keeps the text exactly).
_CONTROLS = "\x00-\x08\x0b\x0e-\x1f\x7f-\x9f\ufeff\u202a-\u202e\u2066-\u2069"
_CONTROL_RE = re.compile(f"[{_CONTROLS}]")
# Whitespace other than a plain space, or a control character: one_line has work to do.
_ODD_CHARS_RE = re.compile(f"[^\\S ]|[{_CONTROLS}]")
# URLs that safe_url returns unchanged (the common case), recognised in one match.
_PLAIN_URL_RE = re.compile(r"https?://[A-Za-z0-9.-]+(?::[0-9]+)?(?:[/?#][A-Za-z0-9/?#@!$&*+,;=%~._:-]*)?")


def one_line(text: object) -> str:
    """Collapse all whitespace (newlines included) to single spaces and drop control characters.

    Inline Markdown must not contain a newline: one would let a hostile string start a new
    block (a heading, a list, a code block, a setext underline).
    """
    if text is None:
        return ""
    text = str(text)
    if not _ODD_CHARS_RE.search(text) and "  " not in text and text[:1] != " " and text[-1:] != " ":
        return text  # fast path: already one clean line
    return collapse_whitespace(_CONTROL_RE.sub("", text))


def escape_md(text: object) -> str:
    """Plain text -> Markdown source that renders as exactly that text, inert.

    HTML-escapes ``&``, ``<`` and ``>`` (so no tag, entity or autolink survives) and
    backslash-escapes every Markdown special character (emphasis, code, links, headings,
    lists, tables, attribute lists). Newlines are collapsed: the result is one line.
    """
    text = one_line(text)
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return _MD_SPECIAL_RE.sub(r"\\\1", text)


def escape_html(text: object) -> str:
    """Plain text -> HTML text or attribute value (quotes escaped too), on one line."""
    return html.escape(one_line(text), quote=True)


def escape_text(text: object) -> str:
    """Plain text -> HTML element text on one line, quotes left as they are (as
    Python-Markdown writes a heading's text; only attribute values need them escaped)."""
    return html.escape(one_line(text), quote=False)


def truncate(text: str, limit: int) -> str:
    """Shorten plain text to ``limit`` characters, ending with an ellipsis when cut."""
    text = one_line(text)
    if len(text) <= limit:
        return text
    return text[: max(limit - 1, 0)].rstrip() + "…"


# Characters kept as they are in a URL; everything else (spaces, quotes, parentheses, angle
# brackets, backslashes, backticks, braces, pipes, brackets, non-ASCII) is percent-encoded.
_URL_SAFE = "/:?#@!$&*+,;=%~-._"


def safe_url(url: object) -> str | None:
    """Return a URL safe to put in a Markdown link or an ``href``, or None to drop it.

    Only absolute ``http``/``https`` URLs with a host are kept. The result contains no
    character that could close a link destination or an attribute.
    """
    if not isinstance(url, str):
        return None
    if _PLAIN_URL_RE.fullmatch(url):
        return url
    url = url.strip()
    if not url or _CONTROL_RE.search(url) or re.search(r"\s", url):
        return None
    try:
        parts = urlsplit(url)
    except ValueError:
        return None
    if parts.scheme.lower() not in ("http", "https") or not parts.netloc:
        return None
    return quote(url, safe=_URL_SAFE)
