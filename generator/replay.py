"""Offline replay: serve recorded payloads on loopback and point every source at them.

A replay manifest (YAML) lists routes: a request path (plus, optionally, query parameters
that must match) and the recorded file that answers it. Requests no route matches get a
501 "not recorded", so a replayed run shows exactly which sources had a recording.
The same server backs the end-to-end and fault-injection tests.

Manifest::

    date: 2026-04-30             # the day the recorded payloads stand for
    now: 2026-04-30T23:30:00Z    # the run's clock (verification timestamps)
    settings: {...}              # overrides so requests match what was recorded
    routes:
      - path: /api/query
        query: {search_query: "cat:cs.LG OR cat:cs.AI"}
        file: ../sources/arxiv_api/....atom.xml      # relative to the manifest
        content_type: application/atom+xml
      - path: /search/repositories
        file: ../sources/github/...response.json
        wrapped: true            # a {status, headers, body} recording: replay all three
"""

from __future__ import annotations

import datetime as dt
import json
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import yaml

from .errors import ReplayError
from .settings import deep_merge

CONTENT_TYPES = {".xml": "application/xml", ".json": "application/json", ".html": "text/html; charset=utf-8"}


@dataclass
class Route:
    path: str
    body: bytes = b""
    status: int = 200
    headers: dict[str, str] = field(default_factory=dict)
    query: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0  # seconds before answering (timeouts)
    truncate: int | None = None  # announce the full length but send only this many bytes
    times: int | None = None  # answer this many requests, then fall through to later routes
    hits: int = 0

    def matches(self, path: str, query: dict[str, list[str]]) -> bool:
        if path != self.path or (self.times is not None and self.hits >= self.times):
            return False
        # A query value of "*" only asks that the parameter be present.
        return all(query.get(k, [None])[0] == v or (v == "*" and k in query) for k, v in self.query.items())


@dataclass
class Manifest:
    path: Path
    date: dt.date
    now: dt.datetime
    settings: dict[str, Any]
    routes: list[Route]


def load_manifest(path: Path | str) -> Manifest:
    path = Path(path)
    if path.is_dir():
        path = path / "manifest.yaml"
    if not path.exists():
        raise ReplayError(f"{path}: replay manifest not found; pass a manifest file such as tests/fixtures/replay/2026-04-30.yaml")
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
        routes = [_route(path.parent, r, i) for i, r in enumerate(raw["routes"])]
        now = raw["now"] if isinstance(raw["now"], dt.datetime) else dt.datetime.fromisoformat(str(raw["now"]).replace("Z", "+00:00"))
        return Manifest(path, raw["date"], now.replace(tzinfo=now.tzinfo or dt.timezone.utc), raw.get("settings") or {}, routes)
    except (KeyError, TypeError, ValueError, yaml.YAMLError) as exc:
        raise ReplayError(f"{path}: malformed replay manifest ({type(exc).__name__}: {exc}); see generator/replay.py for the format") from None


def _route(base: Path, raw: dict, index: int) -> Route:
    file = base / raw["file"] if raw.get("file") else None
    if file is not None and not file.exists():
        raise ReplayError(f"{base}: routes[{index}].file: {file} does not exist")
    body = file.read_bytes() if file else raw.get("body", "").encode("utf-8")
    status, headers = int(raw.get("status", 200)), dict(raw.get("headers") or {})
    if raw.get("wrapped"):
        recorded = json.loads(body)
        status = recorded.get("status", status)
        headers = {k: v for k, v in recorded.get("headers", []) if k.lower() not in ("content-length", "transfer-encoding", "content-encoding", "connection")}
        body = recorded["body"].encode("utf-8") if isinstance(recorded["body"], str) else json.dumps(recorded["body"]).encode()
    if "content_type" in raw:
        headers["Content-Type"] = raw["content_type"]
    elif file and not any(k.lower() == "content-type" for k in headers):
        headers["Content-Type"] = CONTENT_TYPES.get(file.suffix, "application/octet-stream")
    return Route(path=raw["path"], body=body, status=status, headers=headers, query={k: str(v) for k, v in (raw.get("query") or {}).items()})


class FixtureServer:
    """A real HTTP server on 127.0.0.1 answering from routes. Use as a context manager."""

    def __init__(self, routes: list[Route]):
        self.routes = routes
        self.requests: list[tuple[str, str]] = []  # (path, query) in arrival order
        self._lock = threading.Lock()
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"
            disable_nagle_algorithm = True  # headers and body go out in separate writes: no 40 ms stall

            def do_GET(self) -> None:  # noqa: N802 (http.server's name)
                server._answer(self)

            def log_message(self, *args: Any) -> None:
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.thread = threading.Thread(target=self.httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)

    @property
    def url(self) -> str:
        host, port = self.httpd.server_address[:2]
        return f"http://{host}:{port}"

    def __enter__(self) -> "FixtureServer":
        self.thread.start()
        return self

    def __exit__(self, *exc: Any) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()

    def _find(self, path: str, query: dict[str, list[str]]) -> Route | None:
        with self._lock:
            for route in self.routes:
                if route.matches(path, query):
                    route.hits += 1
                    return route
        return None

    def _answer(self, handler: BaseHTTPRequestHandler) -> None:
        parts = urlsplit(handler.path)
        self.requests.append((parts.path, parts.query))
        route = self._find(parts.path, parse_qs(parts.query))
        if route is None:
            # 501, not 404: "no recording" must not read as "the thing does not exist".
            route = Route(path=parts.path, status=501, body=f"not recorded: {handler.path}\n".encode(), headers={"Content-Type": "text/plain"})
        if route.delay:
            time.sleep(route.delay)
        body = route.body
        handler.send_response(route.status)
        for name, value in route.headers.items():
            handler.send_header(name, value)
        handler.send_header("Content-Length", str(len(body)))
        handler.end_headers()
        try:
            handler.wfile.write(body[: route.truncate] if route.truncate is not None else body)
            if route.truncate is not None:
                handler.close_connection = True
        except (BrokenPipeError, ConnectionResetError):
            pass


def point_sources_at(url: str) -> dict[str, Any]:
    """Settings overrides sending every source to one loopback server, with no politeness delay."""
    sources = {key: {"base_url": url, "min_interval": 0.0} for key in ("arxiv_api", "arxiv_rss", "huggingface", "github_api", "github_web")}
    return {"sources": sources}


def fill_placeholders(value: Any, replacements: dict[str, str]) -> Any:
    """``value`` (settings data) with every placeholder such as ``{server}`` replaced in its strings."""
    if isinstance(value, dict):
        return {k: fill_placeholders(v, replacements) for k, v in value.items()}
    if isinstance(value, list):
        return [fill_placeholders(v, replacements) for v in value]
    if isinstance(value, str):
        for placeholder, text in replacements.items():
            value = value.replace(placeholder, text)
    return value


def replay_overrides(manifest: Manifest, server_url: str) -> dict[str, Any]:
    """The settings overrides of a replay: every source on the server, then the manifest's own settings."""
    return deep_merge(point_sources_at(server_url), fill_placeholders(manifest.settings, {"{server}": server_url}))
