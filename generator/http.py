"""The shared HTTP layer: one ``httpx.Client`` created at the edge and passed down.

Every request of a run, a source's GET or the LLM's POST, goes through one retry loop
(``Http._send``). Per host: a minimum interval between requests (arXiv: 3 s, one
connection), a timeout, bounded retries with exponential backoff and jitter that honour
``Retry-After``, ``x-ratelimit-reset`` (GitHub) and the IETF ``RateLimit`` header (Hugging
Face), all read by ``server_delay``; a wait longer than ``backoff_max`` fails at once.
Every exchange is tallied per source for the edition's source report.
Tokens are attached per host and never logged.
"""

from __future__ import annotations

import datetime as dt
import email.utils
import random
import re
import time
from collections import Counter
from dataclasses import dataclass, field
from typing import Callable, Protocol
from urllib.parse import urlsplit

import httpx

from .errors import FetchError

RETRY_STATUSES = {429, 500, 502, 503, 504}


class Clock(Protocol):
    def monotonic(self) -> float: ...
    def time(self) -> float: ...
    def sleep(self, seconds: float) -> None: ...


class SystemClock:
    def monotonic(self) -> float:
        return time.monotonic()

    def time(self) -> float:
        return time.time()

    def sleep(self, seconds: float) -> None:
        time.sleep(seconds)


@dataclass
class HostPolicy:
    min_interval: float = 0.0
    timeout: float = 30.0
    max_retries: int = 3
    headers: dict[str, str] = field(default_factory=dict)  # e.g. Authorization; never logged


@dataclass
class Tally:
    """What one source's requests saw; becomes part of its SourceReport."""

    requests: int = 0
    retries: int = 0
    statuses: Counter = field(default_factory=Counter)
    waited: float = 0.0

    def as_dict(self) -> dict[str, int]:
        return {str(k): v for k, v in sorted(self.statuses.items(), key=lambda kv: str(kv[0]))}


class Http:
    def __init__(
        self,
        client: httpx.Client,
        policies: dict[str, HostPolicy] | None = None,
        *,
        backoff_base: float = 1.0,
        backoff_max: float = 60.0,
        clock: Clock | None = None,
        rng: random.Random | None = None,
        on_event: Callable[[str], None] | None = None,
    ):
        self.client = client
        self.policies = policies or {}
        self.backoff_base = backoff_base
        self.backoff_max = backoff_max
        self.clock = clock or SystemClock()
        self.rng = rng or random.Random(0)
        self.on_event = on_event or (lambda message: None)
        self.tallies: dict[str, Tally] = {}
        self._last_request: dict[str, float] = {}
        self.request_log: list[tuple[float, str]] = []  # (monotonic time, host) for politeness checks

    def policy(self, host: str) -> HostPolicy:
        return self.policies.get(host, HostPolicy())

    def tally(self, source: str) -> Tally:
        return self.tallies.setdefault(source, Tally())

    def get(self, url: str, *, source: str, params: dict | None = None, headers: dict | None = None) -> httpx.Response:
        """GET with politeness and retries. Returns a 2xx response or raises FetchError."""
        return self._send("GET", url, source=source, params=params, headers=headers)

    def post(self, url: str, *, source: str, content: bytes, headers: dict | None = None,
             policy: HostPolicy | None = None) -> httpx.Response:
        """POST under the same politeness and retry policy as ``get``. ``policy`` replaces the
        host's (the LLM's timeout and retries are its own settings, not a source's)."""
        return self._send("POST", url, source=source, content=content, headers=headers, policy=policy)

    def _send(self, method: str, url: str, *, source: str, params: dict | None = None, content: bytes | None = None,
              headers: dict | None = None, policy: HostPolicy | None = None) -> httpx.Response:
        """The one retry loop: every request of a run goes through here."""
        try:
            host = urlsplit(url).netloc  # as pipeline.host_policies keys the policies
        except ValueError:  # e.g. an unclosed IPv6 bracket
            raise FetchError(f"{url!r} is not a valid URL", url=str(url), reason="invalid URL") from None
        policy = policy or self.policy(host)
        tally = self.tally(source)
        request_headers = {**policy.headers, **(headers or {})}
        last_problem, last_status, last_body, last_reason, last_detail = "", None, b"", "", ""
        for attempt in range(policy.max_retries + 1):
            if attempt:
                tally.retries += 1
            self._wait_turn(host, policy)
            tally.requests += 1
            try:
                response = self.client.request(method, url, params=params, content=content, headers=request_headers,
                                               timeout=policy.timeout)
                response.read()  # a truncated body raises here, inside the retry loop
            except httpx.UnsupportedProtocol:
                raise FetchError(f"{_shown(url, params)}: not an http(s) URL", url=_shown(url, params), reason="invalid URL") from None
            except httpx.TimeoutException:
                tally.statuses["timeout"] += 1
                last_problem, last_reason, delay = "timed out", "timeout", self._backoff(attempt)
            except (httpx.TransportError, httpx.DecodingError, httpx.TooManyRedirects) as exc:
                kind = "connect-error" if isinstance(exc, httpx.ConnectError) else "transport-error"
                tally.statuses[kind] += 1
                last_detail = type(exc).__name__
                last_problem, last_reason, delay = f"{kind} ({last_detail})", kind, self._backoff(attempt)
            else:
                tally.statuses[str(response.status_code)] += 1
                if response.is_success:
                    return response
                if not retryable(response):
                    raise FetchError(f"{_shown(response.url)}: HTTP {response.status_code}", url=_shown(response.url),
                                     status=response.status_code, body=response.content)
                last_problem, last_status, last_body = f"HTTP {response.status_code}", response.status_code, response.content
                last_reason = last_problem
                delay = server_delay(response.headers, self.clock.time())
                if delay is None:
                    delay = self._backoff(attempt)
                elif delay > self.backoff_max:
                    raise FetchError(
                        f"{_shown(response.url)}: HTTP {response.status_code}, server asks to wait {delay:.0f}s (more than http.backoff_max)",
                        url=_shown(response.url), status=response.status_code, body=response.content, wait=delay,
                    )
            if attempt < policy.max_retries:
                self.on_event(f"{source}: {last_problem}, retrying in {delay:.1f}s")
                tally.waited += delay
                self.clock.sleep(delay)
        raise FetchError(f"{_shown(url, params)}: {last_problem} after {policy.max_retries + 1} attempts", url=_shown(url, params),
                         status=last_status, body=last_body, reason=last_reason, attempts=policy.max_retries + 1, detail=last_detail)

    # ---- internals
    def _wait_turn(self, host: str, policy: HostPolicy) -> None:
        last = self._last_request.get(host)
        if last is not None and policy.min_interval > 0:
            remaining = last + policy.min_interval - self.clock.monotonic()
            if remaining > 0:
                self.clock.sleep(remaining)
        now = self.clock.monotonic()
        self._last_request[host] = now
        self.request_log.append((now, host))

    def _backoff(self, attempt: int) -> float:
        base = min(self.backoff_max, self.backoff_base * (2**attempt))
        return base * (0.5 + self.rng.random() / 2)  # "equal jitter": never less than half


def retryable(response: httpx.Response) -> bool:
    """Worth asking again: 429/5xx, or GitHub's rate-limit 403 (which comes with headers)."""
    if response.status_code in RETRY_STATUSES:
        return True
    return response.status_code == 403 and (
        "retry-after" in response.headers or response.headers.get("x-ratelimit-remaining") == "0"
    )


def server_delay(headers: httpx.Headers, now: float) -> float | None:
    """Seconds the server asked us to wait, if it said: the one reader of rate-limit headers.

    ``Retry-After`` (seconds or an HTTP date), GitHub's ``x-ratelimit-reset`` (epoch seconds,
    when ``x-ratelimit-remaining`` is 0) and the IETF draft ``RateLimit`` (Hugging Face).
    ``now`` is the clock's epoch time.
    """
    if "retry-after" in headers:
        value = headers["retry-after"].strip()
        if value.isdigit():
            return float(value)
        try:
            parsed = email.utils.parsedate_to_datetime(value)
        except (TypeError, ValueError):
            parsed = None  # unreadable: fall back to our own backoff
        if parsed is not None:
            if parsed.tzinfo is None:  # "-0000" means UTC with unknown origin
                parsed = parsed.replace(tzinfo=dt.timezone.utc)
            return max(0.0, parsed.timestamp() - now)
    if headers.get("x-ratelimit-remaining") == "0" and headers.get("x-ratelimit-reset", "").isdigit():
        return max(0.0, float(headers["x-ratelimit-reset"]) - now)
    ratelimit = headers.get("ratelimit")
    if ratelimit:  # IETF draft, as Hugging Face sends: '"api";r=0;t=55'
        match = re.search(r"\bt=(\d+)", ratelimit)
        remaining = re.search(r"\br=(\d+)", ratelimit)
        if match and (remaining is None or remaining.group(1) == "0"):
            return float(match.group(1))
    return None


def _shown(url: httpx.URL | str, params: dict | None = None) -> str:
    """The URL as shown in messages: with its query, which never holds secrets here."""
    text = str(url)
    if params:
        text += ("&" if "?" in text else "?") + str(httpx.QueryParams(params))
    return text


def build_client(user_agent: str) -> httpx.Client:
    """The one client of a run. Redirects followed (GitHub answers 301 for renamed repos)."""
    return httpx.Client(
        headers={"User-Agent": user_agent},
        follow_redirects=True,
        limits=httpx.Limits(max_connections=4, max_keepalive_connections=4),
    )
