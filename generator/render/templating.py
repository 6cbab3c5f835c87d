"""The Jinja2 environment every page, card and feed entry is rendered with.

Autoescape is on: every ``{{ value }}`` that is not already markup goes through
``escape_html`` (one line, ``& < > " '`` escaped), the same function the hostile-content
tests check against, so a template cannot forget to escape. Other contexts have their own
filter: ``md`` (text in Markdown: headings, link texts), ``text`` (element text written as
Markdown writes it: ``& < >`` escaped, quotes kept), ``json`` (front matter values),
``part`` (a fixed label's fragment around a placeholder, edge spaces kept).

Layout: ``*.md`` templates are Markdown pages, written line by line (block tags on their own
lines). ``*.html`` templates hold the macros for raw HTML blocks; the loader joins their
lines (a newline and the indentation after it are template layout, not output), because a
raw HTML block must be one line for Python-Markdown and ``rawhtml`` to pass it through.
Markdown attribute lists (``{#anchor}``) clash with Jinja's comments, so comments are
written ``{## ... ##}``.
"""

from __future__ import annotations

import functools
import html
import json
import re

from jinja2 import Environment, PackageLoader
from markupsafe import Markup

from ..text import collapse_whitespace
from .escape import escape_html, escape_md, escape_text, safe_url
from .i18n import Labels, strings

_LAYOUT_RE = re.compile(r"\n[ \t]*")
# Text escape_html would return unchanged: words separated by single spaces, none of
# & < > " ', no other whitespace or control character (see escape.one_line).
_WORD = "[^&<>\"'\\s\x00-\x1f\x7f-\x9f\ufeff\u202a-\u202e\u2066-\u2069]+"
_CLEAN_RE = re.compile(f"(?:{_WORD}(?: {_WORD})*)?")


_FIXED_RE = re.compile(r"\{\{ (L\.[a-z_]+|colon|semicolon) \}\}")


class _Loader(PackageLoader):
    """Package templates; ``.html`` macro files come out as one line (see module docstring).

    The environment is per language, so its fixed labels (``{{ L.key }}``, ``{{ colon }}``)
    are written into the template source, already escaped, before it is compiled: most of a
    card's output is labels, and a constant costs nothing to render."""

    def __init__(self, fixed: dict[str, str]):
        super().__init__("generator.render", "templates")
        self.fixed = {key: text for key, text in fixed.items() if not re.search(r"\{[{%#]|[%#]\}", text)}

    def get_source(self, environment, template):
        source, filename, uptodate = super().get_source(environment, template)
        if template.endswith(".html"):
            source = _LAYOUT_RE.sub("", source)
        source = _FIXED_RE.sub(lambda m: self.fixed.get(m.group(1), m.group(0)), source)
        return source, filename, uptodate


def _finalize(value: object) -> Markup:
    if isinstance(value, Markup):
        return value
    if type(value) is str and _CLEAN_RE.fullmatch(value):
        return Markup(value)  # the common case: nothing to escape, already one clean line
    return Markup(escape_html(value))


def _md(value: object) -> Markup:
    return Markup(escape_md(value))


def _text(value: object) -> Markup:
    return Markup(escape_text(value))


def _json(value: object) -> Markup:
    """A YAML front-matter value: JSON (which is YAML), so nothing can break out of it."""
    return Markup(json.dumps(value, ensure_ascii=False))


def _url(value: object) -> Markup:
    """A URL in a Markdown link destination: http(s) only, nothing that could end the link."""
    return Markup(safe_url(value) or "")


def _part(value: object) -> Markup:
    """A fragment of a fixed label around a placeholder: escaped, spaces at its edges kept."""
    return Markup(html.escape(collapse_whitespace(str(value), trim=False), quote=True))


def _join(values, separator: str = "") -> Markup:
    """``join`` with the site's escaping (Jinja's own would use markupsafe's)."""
    return Markup(html.escape(separator, quote=True)).join(_finalize(v) for v in values)


class _FixedLabels(dict):
    """Every label of a language, escaped once: ``L.key`` in templates (``t(key, n=...)``
    fills placeholders). An unknown key shows itself, as ``Labels`` does."""

    def __getattr__(self, key: str) -> Markup:
        return self[key]

    def __missing__(self, key: str) -> Markup:
        return Markup(escape_html(key))


def _fixed_labels(t: Labels) -> _FixedLabels:
    keys = dict.fromkeys([*strings("en"), *strings(t.language)])
    return _FixedLabels({key: Markup(escape_html(t(key))) for key in keys})


@functools.lru_cache(maxsize=None)
def environment(language: str) -> Environment:
    """The environment for one UI language: ``t`` and ``L`` (labels), ``colon`` and
    ``semicolon`` are globals, so imported macro files need no context and are compiled once."""
    t = Labels(language)
    zh = t.language == "zh"
    labels = _fixed_labels(t)
    colon, semicolon = Markup("：" if zh else ": "), Markup("；" if zh else "; ")
    fixed = {"colon": str(colon), "semicolon": str(semicolon), **{f"L.{key}": str(text) for key, text in labels.items()}}
    env = Environment(
        loader=_Loader(fixed),
        autoescape=True,
        finalize=_finalize,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        comment_start_string="{##",
        comment_end_string="##}",
        auto_reload=False,
    )
    env.filters.update(md=_md, text=_text, json=_json, url=_url, part=_part, join=_join, e=_finalize, escape=_finalize)
    env.globals.update(t=t, L=labels, colon=colon, semicolon=semicolon)
    return env


def render(language: str, template: str, **data: object) -> str:
    """A page from its template; the text ends with exactly one newline."""
    text = environment(language).get_template(template).render(**data)
    return text.rstrip("\n") + "\n"


def macros(language: str, template: str):
    """A macro file's module (``macros("en", "feed.html").item(...)`` -> markup)."""
    return environment(language).get_template(template).module
