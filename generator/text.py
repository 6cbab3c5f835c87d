"""Text helpers shared by the sources, the commentary and the pages."""

from __future__ import annotations

import re

_WHITESPACE_RUN = re.compile(r"\s+")


def collapse_whitespace(text: str | None, *, trim: bool = True) -> str:
    """Every run of whitespace (hard wraps, tabs, indentation) as one space; trimmed unless
    ``trim=False`` (a fragment of a sentence keeps the space at its edges)."""
    collapsed = _WHITESPACE_RUN.sub(" ", text or "")
    return collapsed.strip() if trim else collapsed


_CJK_RE = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")


def text_language(text: str) -> str:
    """The language a text is written in, as far as pages need to know: zh or en."""
    return "zh" if _CJK_RE.search(text) else "en"
