"""What every source's ``fetch`` returns to the pipeline."""

from __future__ import annotations

from dataclasses import dataclass, field

from ..models import Candidate, Message, SourceStatus


@dataclass
class Fetched:
    """The outcome of one source for one day, before verification.

    ``status``: ok; degraded (partly failed, or a fallback stood in); failed (nothing usable);
    not-scheduled (nothing announced by schedule, e.g. arXiv on Saturday); disabled.
    HTTP counts and retries are taken from the Http tally of ``source`` by the pipeline.
    """

    source: str  # settings key: arxiv_rss, arxiv_api, huggingface, github_api, github_web
    status: SourceStatus
    candidates: list[Candidate] = field(default_factory=list)
    fallback: str | None = None
    notes: list[Message] = field(default_factory=list)  # generator.messages codes
