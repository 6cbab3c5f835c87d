"""A small client for OpenAI-compatible chat-completions APIs (OpenAI, DeepSeek, Qwen, vLLM, Ollama).

* ``POST {base_url}/chat/completions`` with the ``httpx.Client`` the caller created.
* The API key (``settings.llm.api_key``) goes in the Authorization header and nowhere else:
  not in logs, not in exception messages (anything echoed by the server is scrubbed too).
* Structured output: ``response_format: {"type": "json_object"}``; the reply is validated
  with a pydantic model. Malformed JSON or a schema violation is retried once, then
  raises LLMError; a refusal raises LLMError at once.
* Bounded retries (``llm.max_retries``) on 429 (honouring Retry-After, capped by
  ``http.backoff_max``), 5xx and timeouts; exponential backoff from ``http.backoff_base``.
* A per-run token budget counted from ``usage.total_tokens`` (estimated from the text when
  the server sends none). When spent, BudgetExceeded.
* 401/403/404 and connection failures raise LLMUnavailable: no later request would fare
  better, so the caller stops asking for the rest of the run.
"""

from __future__ import annotations

import email.utils
import json
import logging
import re
import time
from dataclasses import dataclass
from importlib import resources
from typing import Any, Callable, TypeVar

import httpx
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from ..errors import BudgetExceeded, LLMError
from ..settings import Settings

log = logging.getLogger(__name__)

T = TypeVar("T", bound=BaseModel)

LANGUAGE_NAMES = {"zh": "Simplified Chinese (简体中文)", "en": "English"}
RETRY_STATUSES = {429, 500, 502, 503, 504}
FATAL_STATUSES = {401, 403, 404}
CONTENT_RETRIES = 1  # malformed JSON / schema violations are asked again once


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

    def __init__(
        self,
        client: httpx.Client,
        settings: Settings,
        *,
        budget: Budget | None = None,
        sleep: Callable[[float], None] = time.sleep,
    ):
        llm = settings.llm
        self.client = client
        self.model = llm.model
        self.url = llm.base_url.rstrip("/") + "/chat/completions"
        self.shown = _shown(self.url)  # for messages: without any user:password@
        self.timeout = llm.timeout
        self.max_retries = llm.max_retries
        self.temperature = llm.temperature
        self.backoff_base = settings.http.backoff_base
        self.backoff_max = settings.http.backoff_max
        self.budget = budget or Budget(llm.token_budget)
        self.sleep = sleep
        self._key = llm.api_key.get_secret_value() if llm.api_key is not None else ""
        self.requests = 0
        self.retries = 0

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
        for attempt in range(CONTENT_RETRIES + 1):
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
                log.warning("llm: %s in the reply from %s (attempt %d)", kind, self.shown, attempt + 1)
        raise _error(LLMError, f"{self.shown}: the reply was not the JSON asked for ({problem})", problem)

    # ---- internals

    def _headers(self) -> dict[str, str]:
        headers = {"Content-Type": "application/json", "Accept": "application/json"}
        if self._key:
            headers["Authorization"] = f"Bearer {self._key}"
        return headers

    def _post(self, body: dict[str, Any]) -> dict[str, Any]:
        payload = json.dumps(body, ensure_ascii=False).encode("utf-8")
        problem = ""
        for attempt in range(self.max_retries + 1):
            if attempt:
                self.retries += 1
            self.requests += 1
            delay = self._backoff(attempt)
            try:
                response = self.client.post(self.url, content=payload, headers=self._headers(), timeout=self.timeout)
            except httpx.TimeoutException:
                problem = "timeout"
            except httpx.TransportError as exc:
                problem = f"connection failed ({type(exc).__name__})"
                if attempt == self.max_retries:
                    raise _error(LLMUnavailable, f"{self.shown}: {problem} after {attempt + 1} attempts", problem) from None
            except (httpx.InvalidURL, httpx.HTTPError) as exc:  # e.g. a malformed llm.base_url
                raise _error(LLMUnavailable, f"{self.shown}: {type(exc).__name__}; check llm.base_url", "invalid URL") from None
            else:
                status = response.status_code
                if status == 200:
                    try:
                        envelope = response.json()
                    except ValueError:
                        raise _error(LLMError, f"{self.shown}: the response is not JSON", "malformed response") from None
                    if not isinstance(envelope, dict):
                        raise _error(LLMError, f"{self.shown}: the response is not a JSON object", "malformed response")
                    return envelope
                detail = self._detail(response)
                if status in FATAL_STATUSES:
                    hint = {401: "check BRIEFING_LLM__API_KEY", 403: "check the key's permissions",
                            404: "check llm.base_url and llm.model"}[status]
                    raise _error(LLMUnavailable, f"{self.shown}: HTTP {status}{detail}; {hint}", f"HTTP {status}")
                if status not in RETRY_STATUSES:
                    raise _error(LLMError, f"{self.shown}: HTTP {status}{detail}", f"HTTP {status}")
                problem = f"HTTP {status}"
                asked = _retry_after(response)
                if asked is not None:
                    delay = min(asked, self.backoff_max)
            if attempt < self.max_retries:
                log.info("llm: %s from %s, retrying in %.1fs", problem, self.shown, delay)
                self.sleep(delay)
        raise _error(LLMError, f"{self.shown}: {problem} after {self.max_retries + 1} attempts", problem)

    def _backoff(self, attempt: int) -> float:
        return min(self.backoff_max, self.backoff_base * (2**attempt))

    def _message(self, envelope: dict[str, Any]) -> tuple[dict[str, Any], str]:
        try:
            message = envelope["choices"][0]["message"]
        except (KeyError, IndexError, TypeError):
            raise _error(LLMError, f"{self.shown}: the response has no choices[0].message", "malformed response") from None
        if not isinstance(message, dict):
            raise _error(LLMError, f"{self.shown}: choices[0].message is not an object", "malformed response")
        content = message.get("content")
        return message, content if isinstance(content, str) else ""

    def _detail(self, response: httpx.Response) -> str:
        """The server's error message, if it sent one, with the key scrubbed out."""
        try:
            data = response.json()
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


def _retry_after(response: httpx.Response) -> float | None:
    value = response.headers.get("retry-after", "").strip()
    if not value:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, when.timestamp() - time.time())


def _parse_json(content: str) -> Any:
    """The JSON object in ``content``; a Markdown code fence around it is tolerated."""
    text = content.strip()
    fenced = re.fullmatch(r"```(?:json)?\s*(.*?)\s*```", text, re.DOTALL)
    if fenced:
        text = fenced.group(1)
    if not text.startswith("{"):
        raise json.JSONDecodeError("not a JSON object", text, 0)
    return json.loads(text)
