"""Commentary that is honest: LLM text checked against its sources, extractive text otherwise.

The pipeline calls :func:`write_commentary`; see :mod:`generator.commentary.write`.
"""

from .write import write_commentary

__all__ = ["write_commentary"]
