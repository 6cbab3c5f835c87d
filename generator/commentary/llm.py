"""A small client for OpenAI-compatible chat-completions APIs (OpenAI, DeepSeek, Qwen, vLLM, Ollama).

* ``POST {base_url}/chat/completions`` through the run's ``Http`` (generator/http.py): the
  same retry loop, backoff, jitter and rate-limit headers as every source.
* The API key (``settings.llm.api_key``) goes in the Authorization header and nowhere else:
  not in logs, not in exception messages (anything echoed by the server is scrubbed too).
* Structured output: ``response_format: {"type": "json_object"}``; the reply is validated
  with a pydantic model. Malformed JSON or a schema violation is retried once, then
  raises LLMError; a refusal raises LLMError at once.
* Bounded retries (``llm.max_retries``, timeout ``llm.timeout``) on 429, 5xx and timeouts,
  under ``Http``'s one policy: ``Retry-After`` honoured, failing at once when it asks for
  more than ``http.backoff_max``.
* A per-run token budget counted from ``usage.total_tokens`` (estimated from the text when
  the server sends none). When spent, BudgetExceeded.
* 401/403/404 and connection failures raise LLMUnavailable: no later request would fare
  better, so the caller stops asking for the rest of the run.
"""

from __future__ import annotations

import json
import logging
import re
from dataclasses import dataclass
from importlib import resources
from typing import Any, TypeVar

import httpx
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from ..errors import BudgetExceeded, FetchError, LLMError
from ..http import HostPolicy, Http
from ..settings import Settings

log = logging.getLogger(__name__)

T = TypeVar("T", bound=BaseModel)

LANGUAGE_NAMES = {"zh": "Simplified Chinese (简体中文)", "en": "English"}
FATAL_STATUSES = {401, 403, 404}
SOURCE = "llm"  # the LLM's requests are tallied under this name in the run's Http
REPLY_ASKS = 2  # a reply that is not the JSON asked for is asked for once more (transport retries: Http)


class LLMUnavailable(LLMError):
    """The backend cannot serve this run at all (bad key, unknown model or URL, unreachable)."""


def _error(cls: type[LLMError], message: str, reason: str) -> LLMError:
    exc = cls(message)
    exc.reason = reason  # short, for notes and flags: "timeout", "HTTP 503", "refused"...
    return exc


def reason_of(exc: BaseException) -> str:
    return getattr(exc, "reason", None) or type(exc).__name__


# --------------------------------------------------------------------------- prompts


@dataclass(frozen=True)
class Prompt:
    version: str  # file stem, stored in GeneratedText.prompt: "item.v1"
    template: str

    def system(self, language: str) -> str:
        return self.template.replace("{{LANGUAGE}}", LANGUAGE_NAMES[language])


def load_prompt(version: str) -> Prompt:
    text = resources.files("generator.commentary").joinpath("prompts", f"{version}.md").read_text(encoding="utf-8")
    return Prompt(version=version, template=text.strip() + "\n")


# --------------------------------------------------------------------------- output schemas


class _Out(BaseModel):
    model_config = ConfigDict(extra="ignore", str_strip_whitespace=True)


class ItemOut(_Out):
    id: str
    contribution: str = Field(min_length=1)
    why_it_matters: str = ""
    relation: str = ""


class ItemsOut(_Out):
    items: list[ItemOut]


class IdeaOut(_Out):
    title: str = Field(min_length=1)
    body: str = Field(min_length=1)
    items: list[str] = Field(default_factory=list)


class DayOut(_Out):
    judgment: str = Field(min_length=1)
    ideas: list[IdeaOut] = Field(default_factory=list)


# --------------------------------------------------------------------------- budget


@dataclass
class Budget:
    limit: int
    spent: int = 0
    estimated: bool = False  # some usage was estimated (the server sent none)

    def check(self, estimate: int) -> None:
        if self.spent >= self.limit or self.spent + estimate > self.limit:
            raise _error(
                BudgetExceeded,
                f"llm.token_budget of {self.limit} tokens spent ({self.spent} used, next request ~{estimate})",
                "budget",
            )

    def add(self, tokens: int, *, estimated: bool = False) -> None:
        self.spent += max(0, tokens)
        self.estimated = self.estimated or estimated


def estimate_tokens(text: str) -> int:
    """A rough count: ~4 characters a token for English, ~1.5 for CJK; 3 is in between."""
    return len(text) // 3 + 1


# --------------------------------------------------------------------------- the client


class ChatClient:
    """One run's connection to the LLM: chat completions returning validated JSON."""

    def __init__(self, http: Http, settings: Settings, *, budget: Budget | None = None):
        llm = settings.llm
        self.http = http
        self.model = llm.model
        self.url = llm.base_url.rstrip("/") + "/chat/completions"
        self.shown = _shown(self.url)  # for messages: without any user:password@
        self.policy = HostPolicy(timeout=llm.timeout, max_retries=llm.max_retries)
        self.temperature = llm.temperature
        self.budget = budget or Budget(llm.token_budget)
        self._key = llm.api_key.get_secret_value() if llm.api_key is not None else ""
        self._requests_before = http.tally(SOURCE).requests

    @property
    def requests(self) -> int:
        """Requests this client sent (retries included)."""
        return self.http.tally(SOURCE).requests - self._requests_before

    @property
    def by(self) -> str:
        return f"llm:{self.model}"

    def complete(self, system: str, data: dict[str, Any], schema: type[T]) -> T:
        """Send ``data`` as the JSON user message under ``system``; return the reply as ``schema``."""
        user = json.dumps(data, ensure_ascii=False, indent=1)
        body = {
            "model": self.model,
            "messages": [{"role": "system", "content": system}, {"role": "user", "content": user}],
            "temperature": self.temperature,
            "response_format": {"type": "json_object"},
        }
        estimate = estimate_tokens(system) + estimate_tokens(user)
        problem = ""
        for ask in range(1, REPLY_ASKS + 1):
            self.budget.check(estimate)
            envelope = self._post(body)
            message, content = self._message(envelope)
            usage = (envelope.get("usage") or {}).get("total_tokens") if isinstance(envelope.get("usage"), dict) else None
            if isinstance(usage, int) and usage >= 0:
                self.budget.add(usage)
            else:
                self.budget.add(estimate + estimate_tokens(content or ""), estimated=True)
            refusal = message.get("refusal")
            if refusal:
                raise _error(LLMError, f"{self.shown}: the model refused: {self._scrub(str(refusal))[:200]}", "refused")
            try:
                return schema.model_validate(_parse_json(content))
            except ValueError as exc:  # json.JSONDecodeError and ValidationError are ValueErrors
                kind = "schema" if isinstance(exc, ValidationError) else "malformed JSON"
                problem = kind
                log.warning("llm: %s in the reply from %s (ask %d of %d)", kind, self.shown, ask, REPLY_ASKS)
        raise _error(LLMError, f"{self.shown}: the reply was not the JSON asked for ({problem})", problem)

    # ---- internals

    def _headers(self) -> dict[str, str]:
        headers = {"Content-Type": "application/json", "Accept": "application/json"}
        if self._key:
            headers["Authorization"] = f"Bearer {self._key}"
        return headers

    def _post(self, body: dict[str, Any]) -> dict[str, Any]:
        payload = json.dumps(body, ensure_ascii=False).encode("utf-8")
        try:
            response = self.http.post(self.url, source=SOURCE, content=payload, headers=self._headers(), policy=self.policy)
        except FetchError as exc:
            raise self._failure(exc) from None
        try:
            envelope = response.json()
        except ValueError:
            raise _error(LLMError, f"{self.shown}: the response is not JSON", "malformed response") from None
        if not isinstance(envelope, dict):
            raise _error(LLMError, f"{self.shown}: the response is not a JSON object", "malformed response")
        return envelope

    def _failure(self, exc: FetchError) -> LLMError:
        """The LLM error for a failed exchange; the message is ours (FetchError's may show the URL's password)."""
        status, reason = exc.status, exc.reason
        if reason == "invalid URL":
            return _error(LLMUnavailable, f"{self.shown}: not a usable URL; check llm.base_url", reason)
        if status is None and reason in ("connect-error", "transport-error"):
            problem = f"connection failed ({reason})"
            return _error(LLMUnavailable, f"{self.shown}: {problem} after {self.policy.max_retries + 1} attempts", problem)
        if status is None:
            return _error(LLMError, f"{self.shown}: {reason} after {self.policy.max_retries + 1} attempts", reason)
        detail = self._detail(exc.body)
        if status in FATAL_STATUSES:
            hint = {401: "check BRIEFING_LLM__API_KEY", 403: "check the key's permissions",
                    404: "check llm.base_url and llm.model"}[status]
            return _error(LLMUnavailable, f"{self.shown}: HTTP {status}{detail}; {hint}", f"HTTP {status}")
        return _error(LLMError, f"{self.shown}: HTTP {status}{detail}", f"HTTP {status}")

    def _message(self, envelope: dict[str, Any]) -> tuple[dict[str, Any], str]:
        try:
            message = envelope["choices"][0]["message"]
        except (KeyError, IndexError, TypeError):
            raise _error(LLMError, f"{self.shown}: the response has no choices[0].message", "malformed response") from None
        if not isinstance(message, dict):
            raise _error(LLMError, f"{self.shown}: choices[0].message is not an object", "malformed response")
        content = message.get("content")
        return message, content if isinstance(content, str) else ""

    def _detail(self, body: bytes) -> str:
        """The server's error message, if it sent one, with the key scrubbed out."""
        try:
            data = json.loads(body)
            error = data.get("error") if isinstance(data, dict) else None
            message = error.get("message") if isinstance(error, dict) else error
        except ValueError:
            message = None
        if not isinstance(message, str) or not message.strip():
            return ""
        return f" ({self._scrub(message.strip())[:200]})"

    def _scrub(self, text: str) -> str:
        if self._key and self._key in text:
            text = text.replace(self._key, "***")
        return text


def _shown(url: str) -> str:
    try:
        return str(httpx.URL(url).copy_with(username=None, password=None))
    except (httpx.InvalidURL, TypeError, ValueError):
        return "(llm.base_url)"


def _parse_json(content: str) -> Any:
    """The JSON object in ``content``; a Markdown code fence around it is tolerated."""
    text = content.strip()
    fenced = re.fullmatch(r"```(?:json)?\s*(.*?)\s*```", text, re.DOTALL)
    if fenced:
        text = fenced.group(1)
    if not text.startswith("{"):
        raise json.JSONDecodeError("not a JSON object", text, 0)
    return json.loads(text)
