"""Why an item was picked, in the page's language, from its stored relevance.

Ranking (``generator.rank``) stores what it found as data: the interests that matched and on
which phrases, the nearest items the reader follows, the unwanted topics in evidence, the
reader's own word on the item. This module is the one place that turns those fields into a
sentence, through the labels of the page's language (``i18n``), so a ``zh`` archive built as
an ``en`` site explains itself in English and no explanation is ever stored as text.
"""

from __future__ import annotations

from ..models import Relevance
from ..settings import Profile
from .i18n import Labels


def relevance_parts(relevance: Relevance, profile: Profile, t: Labels, interests: int | None = None, terms: int | None = None) -> list[str]:
    """The explanation's clauses: an LLM's grade, the reader's word, the rated paper it is closest
    to (with the reader's grade and reason), each matched interest with its phrases (the first
    ``interests``, ``terms`` phrases each, when given), the followed items it is close to, the
    words the taste model weighed most, the unwanted topics that ranked it down."""
    names = profile.names(t.language)
    rated = [n for n in relevance.nearest if n.grade is not None]
    followed = [n for n in relevance.nearest if n.grade is None]
    parts = [t(f"rel_grade_{relevance.grade}")] if relevance.grade is not None else []
    parts += [t("rel_reader_" + relevance.reader)] if relevance.reader else []
    parts += [t("rel_rated_close_why" if n.why else "rel_rated_close", title=n.title, grade=t(f"grade_{n.grade}"), why=n.why or "")
              for n in rated]
    matched = relevance.matched if interests is None else sorted(relevance.matched, key=lambda m: -len(m.terms))[:interests]
    parts += [t("rel_matched", interest=names.get(m.interest, m.interest), terms=", ".join(m.terms[:terms])) for m in matched]
    if followed:
        parts.append(t("rel_close", titles=t("list_sep").join(n.title for n in followed)))
    if relevance.terms:
        parts.append(t("rel_taste", terms=", ".join(relevance.terms[:terms])))
    if relevance.unwanted:
        parts.append(t("rel_unwanted", topics=t("list_sep").join(names.get(u.interest, u.interest) for u in relevance.unwanted)))
    return parts


def explanation(relevance: Relevance, profile: Profile, t: Labels) -> str:
    """The explanation as one line; says so when nothing matched."""
    return t("clause_sep").join(relevance_parts(relevance, profile, t)) or t("rel_none")


# A compact row's reason: the two interests with the most evidence, two phrases each, on one line.
SHORT_INTERESTS = 2
SHORT_TERMS = 2


def short_explanation(relevance: Relevance, profile: Profile, t: Labels) -> str:
    """The explanation for a one-line row; "" when the ranking found no evidence."""
    return t("clause_sep").join(relevance_parts(relevance, profile, t, SHORT_INTERESTS, SHORT_TERMS))
