"""A fast path for raw HTML blocks: keep them out of Python-Markdown.

Python-Markdown passes a raw HTML block through unchanged, but only after running an HTML
parser over it (twice under MkDocs, which looks for anchor ids). For five years of
briefings that parsing is most of the build. Our pages' bodies are raw HTML blocks that we
generated and escaped ourselves, so the MkDocs hook swaps each one for a comment marker
before Markdown runs (``stash``) and puts it back in the HTML afterwards (``restore``).
The result is the same HTML Markdown would have produced (a test checks it).

Only blocks this package emits qualify: one line, separated by blank lines, starting with
a tag Python-Markdown itself treats as a raw block (``BLOCK_TAGS``, its own list: ``<figure>``
is one, a bare ``<svg>`` is not, so a chart is a ``<figure>``). Source text never contains a
raw ``<`` (it is escaped), so no data can forge a block or a marker. Consecutive blocks share
one marker (every marker still costs Markdown a paragraph). :func:`loose_blocks` finds raw
HTML that breaks the rule (the tests run it over every page of every family).

Day pages write their item headings as raw blocks too (Python-Markdown's inline and
table-of-contents work over 40,000 linked headings was most of what remained of its time).
Markdown does not see them, so :func:`toc_tokens` puts them back into the page's table of
contents, in document order, as the toc extension would have listed them.
"""

from __future__ import annotations

import re

import markdown
from markdown.extensions.toc import strip_tags

# The tags Python-Markdown passes through as raw HTML blocks (markdown.Markdown's public list).
BLOCK_TAGS = tuple(markdown.Markdown().block_level_elements)
_BLOCK_START_RE = re.compile("<(?:{})[\\s>]".format("|".join(BLOCK_TAGS)))
_MARKER = "<!--briefing-raw:{}-->"
_MARKER_RE = re.compile(r"<!--briefing-raw:(\d+)-->")


def _is_block(paragraph: str) -> bool:
    return "\n" not in paragraph and paragraph.endswith(">") and _BLOCK_START_RE.match(paragraph) is not None


def loose_blocks(markdown_text: str) -> list[str]:
    """The page's paragraphs that start as raw HTML but are not a block :func:`stash` keeps
    out of Markdown (several lines, or a tag Markdown would wrap in ``<p>`` and parse as
    inline text): the mistakes a template can make with raw HTML."""
    paragraphs = markdown_text.rstrip("\n").split("\n\n")
    return [p for p in paragraphs if p.startswith("<") and not p.startswith("<!--") and not _is_block(p)]


def stash(markdown: str) -> tuple[str, list[str]]:
    """Replace each run of qualifying raw HTML blocks by a marker; return the text and the
    runs (each its blocks joined by a blank line, as Markdown would write them)."""
    blocks: list[str] = []
    out: list[str] = []
    in_run = False
    body = markdown.rstrip("\n")  # the page's last paragraph is a block too
    for paragraph in body.split("\n\n"):
        if not _is_block(paragraph):
            out.append(paragraph)
            in_run = False
        elif in_run:
            blocks[-1] += "\n\n" + paragraph
        else:
            out.append(_MARKER.format(len(blocks)))
            blocks.append(paragraph)
            in_run = True
    return "\n\n".join(out) + markdown[len(body):], blocks


def restore(html: str, blocks: list[str]) -> str:
    """Put the stashed blocks back in place of their markers in the rendered HTML."""
    if not blocks:
        return html
    return _MARKER_RE.sub(lambda m: blocks[int(m.group(1))], html)


# A heading block this package writes: <hN id="...">inner<a class="headerlink" ...>¶</a></hN>
_HEADING_RE = re.compile(r'<h([1-6]) id="([^"]+)">(.*?)</h\1>')
_PERMALINK_RE = re.compile(r'<a class="headerlink" href="#[^"]*" title="[^"]*">[^<]*</a>$')


def headings(blocks: list[str]) -> dict[str, tuple[int, str]]:
    """{id: (level, name)} of the heading blocks among ``blocks`` that end in a permalink, as
    the toc extension writes them (name as it gives it: the inner HTML without the permalink,
    tags stripped). Other raw headings stay out of the table of contents, as before."""
    found: dict[str, tuple[int, str]] = {}
    for run in blocks:
        for block in run.split("\n\n"):
            match = _HEADING_RE.fullmatch(block)
            if match and _PERMALINK_RE.search(match.group(3)):  # a heading written for the table of contents
                level, anchor, inner = match.groups()
                found[anchor] = (int(level), strip_tags(_PERMALINK_RE.sub("", inner)))
    return found


def toc_tokens(html: str, markdown_tokens: dict[str, dict], raw: dict[str, tuple[int, str]]) -> list[dict]:
    """The page's headings in document order, flat (``level``, ``id``, ``name``): those
    Markdown listed (``markdown_tokens`` by id) and the raw ones (``headings``)."""
    tokens = []
    for match in _HEADING_RE.finditer(html):
        anchor = match.group(2)
        if anchor in markdown_tokens:
            tokens.append(dict(markdown_tokens[anchor]))
        elif anchor in raw:
            level, name = raw[anchor]
            tokens.append({"level": level, "id": anchor, "name": name})
    return tokens
