"""A fast path for raw HTML blocks: keep them out of Python-Markdown.

Python-Markdown passes a raw HTML block through unchanged, but only after running an HTML
parser over it (twice under MkDocs, which looks for anchor ids). For five years of
briefings that parsing is most of the build. Our pages' bodies are raw HTML blocks that we
generated and escaped ourselves, so the MkDocs hook swaps each one for a comment marker
before Markdown runs (``stash``) and puts it back in the HTML afterwards (``restore``).
The result is the same HTML Markdown would have produced (a test checks it).

Only blocks this package emits qualify: one line, separated by blank lines, starting with
one of ``BLOCK_TAGS``. Source text never contains a raw ``<`` (it is escaped), so no data
can forge a block or a marker.
"""

from __future__ import annotations

import re

BLOCK_TAGS = ("<ul", "<ol", "<p", "<table", "<details", "<h3", "<div", "<noscript")
_MARKER = "<!--briefing-raw:{}-->"
_MARKER_RE = re.compile(r"<!--briefing-raw:(\d+)-->")


def _is_block(paragraph: str) -> bool:
    return "\n" not in paragraph and paragraph.startswith(BLOCK_TAGS) and paragraph.endswith(">")


def stash(markdown: str) -> tuple[str, list[str]]:
    """Replace each qualifying raw HTML block by a marker; return the text and the blocks."""
    blocks: list[str] = []
    paragraphs = markdown.split("\n\n")
    for i, paragraph in enumerate(paragraphs):
        if _is_block(paragraph):
            paragraphs[i] = _MARKER.format(len(blocks))
            blocks.append(paragraph)
    return "\n\n".join(paragraphs), blocks


def restore(html: str, blocks: list[str]) -> str:
    """Put the stashed blocks back in place of their markers in the rendered HTML."""
    if not blocks:
        return html
    return _MARKER_RE.sub(lambda m: blocks[int(m.group(1))], html)
