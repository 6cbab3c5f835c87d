"""The shared Http layer: politeness, retries, the servers' wait headers, bounded failure."""

from __future__ import annotations

import email.utils
import re
import time

import httpx
import pytest

from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from fixtures_util import FakeClock, Router, make_http, recorded_response
from generator.commentary.llm import ChatClient, DayOut
from generator.errors import FetchError, LLMError
from generator.http import HostPolicy, Http, SystemClock
from generator.settings import load

ROOT = Path(__file__).resolve().parents[1]
ARXIV = "https://export.arxiv.org/api/query"
GITHUB = "https://api.github.com/search/repositories"
HF = "https://huggingface.co/api/daily_papers"
LLM_BASE = "http://127.0.0.1:9/v1"  # never reached: the MockTransport answers


def ok(_request: httpx.Request) -> httpx.Response:
    return httpx.Response(200, content=b"ok")


def test_system_clock_is_the_real_clock():
    # Guards the class-body shadowing bug (``time = staticmethod(time.time)`` before ``time.sleep``).
    clock = SystemClock()
    before = clock.monotonic()
    clock.sleep(0.01)
    assert clock.monotonic() - before >= 0.01
    assert abs(clock.time() - time.time()) < 1


def test_arxiv_requests_are_three_seconds_apart():
    clock = FakeClock()
    http = make_http(ok, {"export.arxiv.org": HostPolicy(min_interval=3.0)}, clock)
    for _ in range(5):
        http.get(ARXIV, source="arxiv_api")
    times = [t for t, host in http.request_log if host == "export.arxiv.org"]
    assert len(times) == 5
    assert all(later - earlier >= 3.0 for earlier, later in zip(times, times[1:]))


def test_politeness_is_per_host():
    clock = FakeClock()
    http = make_http(ok, {"export.arxiv.org": HostPolicy(min_interval=3.0)}, clock)
    http.get(ARXIV, source="arxiv_api")
    http.get(GITHUB, source="github_api")  # another host: no wait for arXiv's interval
    assert clock.sleeps == []
    http.get(ARXIV, source="arxiv_api")
    assert clock.sleeps == [3.0]


# --------------------------------------------------------------------------------------------
# One retry policy: every rule below is checked for a source's GET and for the LLM's POST.


@dataclass
class Caller:
    """One client of ``Http``: how to call it through a router, and what its failures raise."""

    name: str
    path: str  # the route the router answers
    ok: Callable[[], httpx.Response]
    error: type[Exception]
    call: Callable[[Http, int], object]  # (http, max_retries) -> the answer

    def __repr__(self) -> str:
        return self.name


def _source_call(http: Http, max_retries: int):
    http.policies["export.arxiv.org"] = HostPolicy(max_retries=max_retries)
    return http.get(ARXIV, source="arxiv_api")


def _llm_call(http: Http, max_retries: int):
    settings = load(ROOT / "briefing.yaml")
    settings.llm.base_url, settings.llm.model, settings.llm.max_retries = LLM_BASE, "a-model", max_retries
    return ChatClient(http, settings).complete("Answer in JSON.", {"task": "day-commentary"}, DayOut)


CALLERS = [
    Caller("source GET", "/api/query", lambda: httpx.Response(200, content=b"ok"), FetchError, _source_call),
    Caller("LLM POST", "/v1/chat/completions",
           lambda: httpx.Response(200, json={"choices": [{"message": {"content": '{"judgment": "A quiet day."}'}}],
                                             "usage": {"total_tokens": 12}}),
           LLMError, _llm_call),
]


@pytest.fixture(params=CALLERS, ids=repr)
def caller(request) -> Caller:
    return request.param


def _tally(http: Http) -> tuple[int, int]:
    return sum(t.requests for t in http.tallies.values()), sum(t.retries for t in http.tallies.values())


def test_retry_after_seconds_is_honoured(caller):
    clock = FakeClock()
    router = Router({caller.path: [httpx.Response(503, headers={"Retry-After": "7"}), caller.ok()]})
    http = make_http(router, clock=clock)
    caller.call(http, 3)
    assert clock.sleeps == [7.0]
    assert _tally(http) == (2, 1)


def test_retry_after_http_date_is_honoured(caller):
    clock = FakeClock()
    when = email.utils.formatdate(clock.time() + 30, usegmt=True)
    router = Router({caller.path: [httpx.Response(429, headers={"Retry-After": when}), caller.ok()]})
    http = make_http(router, clock=clock)
    caller.call(http, 3)
    assert clock.sleeps == [pytest.approx(30.0, abs=1.0)]


def test_unreadable_retry_after_falls_back_to_backoff(caller):
    clock = FakeClock()
    router = Router({caller.path: [httpx.Response(503, headers={"Retry-After": "soon"}), caller.ok()]})
    http = make_http(router, clock=clock, backoff_base=2.0)
    caller.call(http, 3)
    assert len(clock.sleeps) == 1 and 1.0 <= clock.sleeps[0] <= 2.0


def test_huggingface_ratelimit_header_is_honoured(caller):
    clock = FakeClock()
    limited = httpx.Response(429, headers={"RateLimit": '"api";r=0;t=55', "RateLimit-Policy": '"fixed window";"api";q=500;w=300'})
    router = Router({caller.path: [limited, caller.ok()]})
    http = make_http(router, clock=clock)
    caller.call(http, 3)
    assert clock.sleeps == [55.0]


def test_a_wait_longer_than_backoff_max_fails_at_once(caller):
    clock = FakeClock()
    router = Router({caller.path: httpx.Response(429, headers={"Retry-After": "120"})})
    http = make_http(router, clock=clock, backoff_max=30.0)
    with pytest.raises(caller.error):
        caller.call(http, 3)
    assert len(router.requests) == 1 and clock.sleeps == []


def test_retries_are_bounded(caller):
    clock = FakeClock()
    router = Router({caller.path: httpx.Response(503)})
    http = make_http(router, clock=clock)
    with pytest.raises(caller.error, match="503"):
        caller.call(http, 3)
    assert len(router.requests) == 4 and len(clock.sleeps) == 3
    assert _tally(http) == (4, 3)


def test_backoff_doubles_with_jitter_and_is_capped(caller):
    clock = FakeClock()
    router = Router({caller.path: httpx.Response(502)})
    http = make_http(router, clock=clock, backoff_base=2.0, backoff_max=10.0)
    with pytest.raises(caller.error):
        caller.call(http, 4)
    assert len(clock.sleeps) == 4
    for attempt, slept in enumerate(clock.sleeps):
        ceiling = min(10.0, 2.0 * 2**attempt)
        assert ceiling / 2 <= slept <= ceiling


def test_a_timeout_is_retried(caller):
    clock = FakeClock()
    calls = []

    def flaky(request: httpx.Request) -> httpx.Response:
        calls.append(request)
        if len(calls) == 1:
            raise httpx.ReadTimeout("read timed out", request=request)
        return caller.ok()

    http = make_http(flaky, clock=clock)
    caller.call(http, 3)
    assert len(calls) == 2 and len(clock.sleeps) == 1


def test_not_found_is_not_retried(caller):
    clock = FakeClock()
    router = Router({})
    http = make_http(router, clock=clock)
    with pytest.raises(caller.error, match="404"):
        caller.call(http, 3)
    assert len(router.requests) == 1 and clock.sleeps == []


# --------------------------------------------------------------------------------------------
# The sources' own cases


def test_not_found_names_the_url():
    router = Router({})
    http = make_http(router)
    with pytest.raises(FetchError) as caught:
        http.get("https://api.github.com/repos/jacquev6/Xxx", source="github_api")
    assert caught.value.status == 404
    assert "https://api.github.com/repos/jacquev6/Xxx" in str(caught.value)


def test_exhausted_retries_name_the_url_and_its_query():
    router = Router({"/api/query": httpx.Response(503)})
    http = make_http(router, {"export.arxiv.org": HostPolicy(max_retries=3)})
    with pytest.raises(FetchError) as caught:
        http.get(ARXIV, source="arxiv_api", params={"id_list": "2104.12255"})
    assert "https://export.arxiv.org/api/query" in str(caught.value) and "id_list=2104.12255" in str(caught.value)
    assert "after 4 attempts" in str(caught.value)


def test_github_rate_limit_reset_is_honoured():
    clock = FakeClock()
    reset = str(int(clock.time()) + 20)
    limited = recorded_response("github/error_403_primary_rate_limit_unauthenticated_2013-05-17.response.json",
                                {"x-ratelimit-reset": reset})
    router = Router({"/search/repositories": [limited, httpx.Response(200, json={"items": []})]})
    http = make_http(router, clock=clock)
    http.get(GITHUB, source="github_api")
    assert clock.sleeps == [pytest.approx(20.0, abs=1.0)]


def test_github_rate_limit_reset_beyond_backoff_max_fails_at_once():
    clock = FakeClock()
    reset = str(int(clock.time()) + 3600)  # GitHub's primary limit resets within the hour
    limited = recorded_response("github/error_403_primary_rate_limit_unauthenticated_2013-05-17.response.json",
                                {"x-ratelimit-reset": reset})
    router = Router({"/search/repositories": limited})
    http = make_http(router, clock=clock, backoff_max=60.0)
    with pytest.raises(FetchError, match="server asks to wait") as caught:
        http.get(GITHUB, source="github_api", params={"q": "topic:llm"})
    assert caught.value.status == 403
    assert len(router.requests) == 1 and clock.sleeps == []


def test_github_primary_limit_without_reset_is_retried_with_backoff():
    # The 2013 recording has x-ratelimit-remaining: 0 but no reset header.
    clock = FakeClock()
    limited = recorded_response("github/error_403_primary_rate_limit_unauthenticated_2013-05-17.response.json")
    router = Router({"/search/repositories": limited})
    http = make_http(router, {"api.github.com": HostPolicy(max_retries=2)}, clock)
    with pytest.raises(FetchError, match="HTTP 403 after 3 attempts"):
        http.get(GITHUB, source="github_api")
    assert len(router.requests) == 3 and len(clock.sleeps) == 2


def test_github_secondary_limit_retry_after():
    clock = FakeClock()
    limited = recorded_response("github/error_403_secondary_rate_limit_retry_after_2018-10-23.response.json")
    router = Router({"/search/repositories": [limited, httpx.Response(200, json={"items": []})]})
    http = make_http(router, clock=clock, backoff_max=60.0)
    http.get(GITHUB, source="github_api")
    assert clock.sleeps == [60.0]


def test_server_wait_longer_than_backoff_max_fails_immediately():
    clock = FakeClock()
    limited = recorded_response("github/error_403_secondary_rate_limit_retry_after_2018-10-23.response.json")
    router = Router({"/search/repositories": limited})
    http = make_http(router, clock=clock, backoff_max=30.0)
    with pytest.raises(FetchError, match="asks to wait 60s"):
        http.get(GITHUB, source="github_api")
    assert len(router.requests) == 1


def test_missing_user_agent_403_is_not_retried():
    limited = recorded_response("github/error_403_missing_user_agent_2013-05-17.response.json")
    router = Router({"/search/repositories": limited})
    http = make_http(router)
    with pytest.raises(FetchError, match="HTTP 403"):
        http.get(GITHUB, source="github_api")
    assert len(router.requests) == 1


def test_persistent_timeout_fails_with_url():
    def slow(request: httpx.Request) -> httpx.Response:
        raise httpx.ReadTimeout("read timed out", request=request)

    http = make_http(slow, {"export.arxiv.org": HostPolicy(max_retries=1)})
    with pytest.raises(FetchError, match=r"export\.arxiv\.org/api/query: timed out after 2 attempts"):
        http.get(ARXIV, source="arxiv_api")


def test_connection_error_is_retried_and_counted():
    def refused(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("connection refused", request=request)

    http = make_http(refused, {"export.arxiv.org": HostPolicy(max_retries=2)})
    with pytest.raises(FetchError, match="connect-error"):
        http.get(ARXIV, source="arxiv_api")
    assert http.tally("arxiv_api").as_dict() == {"connect-error": 3}


def test_policy_headers_are_sent_but_never_shown():
    seen = {}

    def echo(request: httpx.Request) -> httpx.Response:
        seen.update(request.headers)
        return httpx.Response(500)

    policy = HostPolicy(max_retries=0, headers={"Authorization": "Bearer s3cret"})
    http = make_http(echo, {"api.github.com": policy})
    with pytest.raises(FetchError) as caught:
        http.get(GITHUB, source="github_api")
    assert seen["authorization"] == "Bearer s3cret"
    assert "s3cret" not in str(caught.value)


def test_fetch_error_keeps_status_and_body():
    error_feed = b"<feed><entry><id>https://arxiv.org/api/errors#x</id></entry></feed>"
    router = Router({"/api/query": httpx.Response(400, content=error_feed), "/search/repositories": httpx.Response(503, content=b"busy")})
    http = make_http(router, {"api.github.com": HostPolicy(max_retries=1)})
    with pytest.raises(FetchError) as caught:
        http.get(ARXIV, source="arxiv_api")
    assert (caught.value.status, caught.value.body) == (400, error_feed)
    with pytest.raises(FetchError) as caught:
        http.get(GITHUB, source="github_api")  # after the retries: the last answer's status and body
    assert (caught.value.status, caught.value.body) == (503, b"busy")


def test_every_request_goes_through_the_one_retry_loop():
    """No module but generator/http.py sends on the httpx.Client, or reads rate-limit headers."""
    sends = re.compile(r"\bclient\.(?:get|post|put|patch|delete|request|stream|send)\(|httpx\.(?:get|post|request|stream)\(")
    waits = re.compile(r"[\"'](?:retry-after|x-ratelimit-reset|ratelimit)[\"']", re.IGNORECASE)  # header names
    offenders = []
    for path in sorted((ROOT / "generator").rglob("*.py")):
        if path.name == "http.py" and path.parent.name == "generator":
            continue
        code = "\n".join(line.split("#", 1)[0] for line in path.read_text(encoding="utf-8").splitlines())
        code = re.sub(r'"""(?:.|\n)*?"""', "", code)  # docstrings may name the headers
        offenders += [f"{path.relative_to(ROOT)}: {m.group(0)}" for m in (*sends.finditer(code), *waits.finditer(code))]
    assert offenders == []
