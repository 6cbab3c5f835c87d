"""Text helpers shared by the sources, the commentary and the pages."""

from __future__ import annotations

import re

_WHITESPACE_RUN = re.compile(r"\s+")


def collapse_whitespace(text: str | None, *, trim: bool = True) -> str:
    """Every run of whitespace (hard wraps, tabs, indentation) as one space; trimmed unless
    ``trim=False`` (a fragment of a sentence keeps the space at its edges)."""
    collapsed = _WHITESPACE_RUN.sub(" ", text or "")
    return collapsed.strip() if trim else collapsed
