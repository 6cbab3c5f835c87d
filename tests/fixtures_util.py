"""Helpers for the source and HTTP tests: recorded payloads, a fake clock, a routing MockTransport.

Imported by name (pytest puts tests/ on sys.path): ``from fixtures_util import ...``.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Callable, Union

import httpx

from generator.http import HostPolicy, Http
from generator.models import Message
from generator.render.i18n import Labels
from generator.render.messages import text

SOURCES = Path(__file__).resolve().parent / "fixtures" / "sources"

# Headers of a recorded exchange that describe the recorded transfer, not the body we serve.
TRANSFER_HEADERS = {"content-encoding", "content-length", "transfer-encoding", "status"}


def english(note: Message) -> str:
    """A stored note (a code and its arguments) as the English site words it."""
    return text(Labels("en"), note)


def fixture_bytes(relpath: str) -> bytes:
    """The bytes of a recorded payload under tests/fixtures/sources."""
    return (SOURCES / relpath).read_bytes()


def recorded_response(relpath: str, headers: dict[str, str] | None = None) -> httpx.Response:
    """A GitHub ``*.response.json`` wrapper ({request, status, headers, body}) as a response.

    ``headers`` replace recorded ones of the same name (e.g. a reset time relative to a fake clock).
    """
    wrapper = json.loads(fixture_bytes(relpath))
    replaced = {name.lower() for name in headers or {}} | TRANSFER_HEADERS
    served = [(k, v) for k, v in wrapper["headers"] if k.lower() not in replaced]
    served += list((headers or {}).items())
    body = wrapper["body"]
    content = body.encode("utf-8") if isinstance(body, str) else json.dumps(body).encode("utf-8")
    return httpx.Response(wrapper["status"], headers=served, content=content)


class FakeClock:
    """monotonic/time/sleep where sleep advances time instantly; records every sleep.

    The one fake clock of the suite: unit tests start it at a fixed time, the in-process CLI
    runs of the reliability suite at the real time (servers' dates must make sense).
    """

    def __init__(self, start: float = 1_750_000_000.0):
        self.now = start
        self.sleeps: list[float] = []

    def monotonic(self) -> float:
        return self.now

    def time(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds


Responder = Union[bytes, httpx.Response, Callable[[httpx.Request], httpx.Response], list]


class Router:
    """A MockTransport handler serving responses by URL path (optionally host + path).

    A route's value is bytes (200), an ``httpx.Response``, a callable of the request, or a
    list of those served in turn (the last one repeats). Unrouted paths answer 404.
    Every request is kept in ``requests``.
    """

    def __init__(self, routes: dict[str, Responder] | None = None):
        self.routes: dict[str, Responder] = dict(routes or {})
        self.requests: list[httpx.Request] = []
        self._served: dict[str, int] = {}

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        key = request.url.host + request.url.path
        if key not in self.routes:
            key = request.url.path
        if key not in self.routes:
            return httpx.Response(404, json={"message": "Not Found"})
        responder = self.routes[key]
        if isinstance(responder, list):
            index = self._served.get(key, 0)
            self._served[key] = index + 1
            responder = responder[min(index, len(responder) - 1)]
        if callable(responder) and not isinstance(responder, httpx.Response):
            return responder(request)
        if isinstance(responder, httpx.Response):
            # A Response object can be read once; serve a copy each time.
            return httpx.Response(responder.status_code, headers=responder.headers, content=responder.content)
        return httpx.Response(200, content=responder)

    def paths(self) -> list[str]:
        return [r.url.path for r in self.requests]


def make_http(handler: Callable[[httpx.Request], httpx.Response], policies: dict[str, HostPolicy] | None = None,
              clock: FakeClock | None = None, **options) -> Http:
    """An ``Http`` over a MockTransport, with a fake clock so waits cost nothing."""
    client = httpx.Client(transport=httpx.MockTransport(handler), follow_redirects=True)
    return Http(client, policies or {}, clock=clock or FakeClock(), **options)


REPLAY_MANIFEST = Path(__file__).resolve().parent / "fixtures" / "replay" / "2026-04-30.yaml"


def replay_manifest_variant(folder: Path, *, drop: tuple[str, ...] = (), routes: tuple[dict, ...] = ()) -> Path:
    """A copy of the README's replay manifest in ``folder`` (file paths made absolute), without
    the routes whose path is in ``drop`` and with ``routes`` added first (so they win)."""
    import yaml

    manifest = yaml.safe_load(REPLAY_MANIFEST.read_text(encoding="utf-8"))
    kept = [{**r, "file": str((REPLAY_MANIFEST.parent / r["file"]).resolve())} for r in manifest["routes"] if r["path"] not in drop]
    manifest["routes"] = [*routes, *kept]
    path = Path(folder) / f"manifest-{len(list(Path(folder).glob('manifest-*.yaml')))}.yaml"
    path.write_text(yaml.safe_dump(manifest, sort_keys=False, allow_unicode=True), encoding="utf-8")
    return path


def briefing_cli(*args: str, data_dir: Path, env: dict[str, str] | None = None):
    """``briefing <args>`` in a subprocess on ``data_dir``, with none of the caller's BRIEFING_* overrides."""
    import os
    import subprocess
    import sys

    clean = {k: v for k, v in os.environ.items() if not k.startswith("BRIEFING_") and k not in ("GITHUB_TOKEN", "HF_TOKEN")}
    clean.update({"BRIEFING_DATA_DIR": str(data_dir), **(env or {})})
    return subprocess.run([sys.executable, "-m", "generator.cli", *args], cwd=REPLAY_MANIFEST.parents[3], env=clean,
                          capture_output=True, text=True, timeout=300)
