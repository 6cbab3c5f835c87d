"""Commentary that is honest: LLM text checked against its sources, extractive text otherwise.

The pipeline calls :func:`write_commentary` and adopts the :class:`CommentaryResult` it
returns; see :mod:`generator.commentary.write` (items) and :mod:`generator.commentary.day`
(the day's judgment and ideas).
"""

from .write import CommentaryResult, write_commentary

__all__ = ["CommentaryResult", "write_commentary"]
