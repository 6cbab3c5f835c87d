"""The typed error hierarchy.

Every message names the URL, file or field at fault and, where there is one, the fix.
Only ``generator.cli`` turns these into one-line messages and exit codes.
"""

from __future__ import annotations


class BriefingError(Exception):
    """Base class: an expected failure with a message fit for a user."""

    exit_code = 1


class ConfigError(BriefingError):
    """The settings file or an environment override is wrong."""

    exit_code = 2


class SourceError(BriefingError):
    """A source could not be fetched or its answer could not be read."""

    def __init__(self, message: str, *, url: str = "", status: int | None = None, body: bytes = b"", reason: str = "",
                 attempts: int = 0, wait: float | None = None, detail: str = ""):
        super().__init__(message)
        self.url = url
        self.status = status
        self.body = body  # the error response's body, for sources that explain errors in it
        self.reason = reason or (f"HTTP {status}" if status else "")  # short: "timeout", "HTTP 503", "invalid URL"...
        self.attempts = attempts  # requests made before giving up (0: it failed without retrying)
        self.wait = wait  # seconds the server asked to wait, when more than the run would
        self.detail = detail  # the transport's exception class, for a connection or transport error


class FetchError(SourceError):
    """The HTTP exchange failed (connection, timeout, or an error status after retries)."""


class ParseError(SourceError):
    """The answer arrived but is not what the parser expects (HTML for XML, truncated JSON...)."""


class DataError(BriefingError):
    """A file under data/ is unreadable or breaks the schema."""

    def __init__(self, message: str, *, path: str = "", line: int | None = None, field: str = ""):
        super().__init__(message)
        self.path = path
        self.line = line
        self.field = field


class InputError(BriefingError):
    """A file or argument given on the command line is malformed (ratings to import, papers to rank)."""

    exit_code = 2


class ReplayError(BriefingError):
    """A replay directory is missing or its manifest is malformed."""

    exit_code = 2


class BuildError(BriefingError):
    """The site could not be built (MkDocs, Pagefind or the link check failed)."""


class LLMError(BriefingError):
    """The LLM backend failed for one request (HTTP error, timeout, malformed or refused output)."""


class BudgetExceeded(LLMError):
    """The per-run token budget is spent; remaining items fall back to extractive text."""
