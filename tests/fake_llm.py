"""A fake OpenAI-compatible chat-completions server on loopback, for commentary tests.

It runs ``http.server`` in a thread on ``127.0.0.1:0``, records every request, and answers
from a script: per task ("item-commentary" / "day-commentary", read from the JSON user
message) a queue of scripted actions; when a queue is empty, a valid answer built from the
request's own data (every figure and name in it comes from the item's title).

    with FakeLLM() as fake:
        fake.script("item-commentary", Reply(content="{not json"), Status(429, {"Retry-After": "0"}))
        settings.llm.base_url = fake.base_url
"""

from __future__ import annotations

import json
import threading
import time
from collections import deque
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Callable

ITEM_TASK = "item-commentary"
DAY_TASK = "day-commentary"
GRADE_TASK = "grade"


# --------------------------------------------------------------------------- actions


@dataclass
class Reply:
    """A 200 completion. ``content`` is sent as given (a dict is JSON-encoded)."""

    content: Any = None
    refusal: str | None = None
    usage: int | None = 100  # total_tokens; None leaves `usage` out


@dataclass
class Status:
    """An error status with headers and an optional JSON body."""

    code: int
    headers: dict[str, str] = field(default_factory=dict)
    body: Any = None


@dataclass
class Sleep:
    """Sleep (longer than the client's timeout), then do ``then``."""

    seconds: float
    then: Any = None


@dataclass
class Answer:
    """A valid answer computed from the request data by ``make(data) -> dict``."""

    make: Callable[[dict], dict]
    usage: int | None = 100


# --------------------------------------------------------------------------- valid answers


def item_answer(data: dict, *, extra: dict[str, str] | None = None) -> dict:
    """Commentary for every item of the request, in its language, quoting only the title.

    ``extra`` maps an item id to a sentence appended to its why_it_matters.
    """
    zh = data.get("language") == "zh"
    out = []
    for item in data["items"]:
        title = item["title"]
        matched = item["relevance"]["matched"]
        interest = matched[0]["interest"] if matched else None
        if zh:
            entry = {
                "contribution": f"本文提出「{title}」中描述的方法。",
                "why_it_matters": "摘要给出了方法设计与实验评估，值得关注。",
                "relation": f"与你关注的「{interest}」方向相关。" if interest else "与你的关注方向没有直接匹配。",
            }
        else:
            entry = {
                "contribution": f"The paper presents the method described in \"{title}\".",
                "why_it_matters": "The abstract describes the design and an experimental evaluation.",
                "relation": f"It relates to your interest in {interest}." if interest else "It matches none of your interests.",
            }
        if extra and item["id"] in extra:
            entry["why_it_matters"] += " " + extra[item["id"]]
        out.append({"id": item["id"], **entry})
    return {"items": out}


def day_answer(data: dict, *, judgment_extra: str = "") -> dict:
    zh = data.get("language") == "zh"
    items = data["items"]
    first = items[0]["title"] if items else ""
    ids = [i["id"] for i in items[:2]]
    if zh:
        judgment = f"今天的重点集中在「{first}」等工作上。这些条目共同指向更可验证的训练与评测方法。"
        ideas = [
            {"title": "把方法迁移到长轨迹智能体", "body": f"以「{first}」为起点，检验其设计能否用于长轨迹任务。第一步可以在小规模环境中复现。", "items": ids},
            {"title": "对比不同信用分配方式", "body": "在同一环境中比较几种信用分配方式。这只是一个设想，需要实验验证。", "items": ids[:1]},
        ]
    else:
        judgment = f"Today's featured work centres on \"{first}\" and related items. Together they point to more verifiable training and evaluation."
        ideas = [
            {"title": "Carry the method over to long-horizon agents", "body": f"Start from \"{first}\" and test whether its design transfers to long-horizon tasks. A first step is a small-scale reproduction.", "items": ids},
            {"title": "Compare credit-assignment schemes", "body": "Compare several credit-assignment schemes in one environment. This is a proposal that needs experiments.", "items": ids[:1]},
        ]
    if judgment_extra:
        judgment += (" " if not zh else "") + judgment_extra
    return {"judgment": judgment, "ideas": ideas}


GRADE_WORDS_ZH = ["与你的方向无关", "与你的方向略有关系", "与你的方向明确相关", "正是你的核心方向"]
GRADE_WORDS_EN = ["unrelated to your work", "marginal to your work", "clearly relevant to your work", "core to your work"]


def grade_answer(data: dict, grades: dict[str, int] | None = None) -> dict:
    """A grade for every item of the request: ``grades[id]``, else 1; the reason names the grade."""
    zh = data.get("language") == "zh"
    out = []
    for item in data["items"]:
        grade = (grades or {}).get(item["id"], 1)
        reason = f"模型评语：{GRADE_WORDS_ZH[grade]}。" if zh else f"Model's note: {GRADE_WORDS_EN[grade]}."
        out.append({"id": item["id"], "grade": grade, "reason": reason})
    return {"items": out}


def _default(data: dict) -> dict:
    if data.get("task") == GRADE_TASK:
        return grade_answer(data)
    return day_answer(data) if data.get("task") == DAY_TASK else item_answer(data)


# --------------------------------------------------------------------------- the server


@dataclass
class Recorded:
    method: str
    path: str
    headers: dict[str, str]
    body: dict

    @property
    def system(self) -> str:
        return self.body["messages"][0]["content"]

    @property
    def user(self) -> str:
        return self.body["messages"][1]["content"]

    @property
    def data(self) -> dict:
        return json.loads(self.user)

    @property
    def task(self) -> str:
        return self.data.get("task", "")


class FakeLLM:
    def __init__(self) -> None:
        self.requests: list[Recorded] = []
        self.queues: dict[str, deque] = {ITEM_TASK: deque(), DAY_TASK: deque(), GRADE_TASK: deque()}
        # What answers when a task's queue is empty; replace to change every later answer.
        self.defaults: dict[str, Any] = {ITEM_TASK: Answer(item_answer), DAY_TASK: Answer(day_answer),
                                         GRADE_TASK: Answer(grade_answer)}
        self.lock = threading.Lock()
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self.server.daemon_threads = True
        self.thread = threading.Thread(target=self.server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)

    # ---- lifecycle
    def __enter__(self) -> "FakeLLM":
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.server.shutdown()
        self.server.server_close()

    @property
    def base_url(self) -> str:
        host, port = self.server.server_address[:2]
        return f"http://{host}:{port}/v1"

    # ---- scripting
    def script(self, task: str, *actions: Any) -> None:
        with self.lock:
            self.queues[task].extend(actions)

    def requests_for(self, task: str) -> list[Recorded]:
        return [r for r in self.requests if r.task == task]

    def _next(self, task: str) -> Any:
        with self.lock:
            queue = self.queues.get(task)
            if queue:
                return queue.popleft()
            return self.defaults.get(task) or Answer(_default)

    # ---- HTTP
    def _handler(self):
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args) -> None:  # keep test output quiet
                pass

            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                raw = self.rfile.read(length)
                try:
                    body = json.loads(raw)
                except ValueError:
                    body = {}
                record = Recorded("POST", self.path, {k.lower(): v for k, v in self.headers.items()}, body)
                with fake.lock:
                    fake.requests.append(record)
                if self.path != "/v1/chat/completions":
                    return self._send(404, {"error": {"message": "not found"}})
                try:
                    task = record.task
                except (KeyError, IndexError, ValueError, TypeError):
                    task = ""
                self._act(fake._next(task), record)

            def _act(self, action: Any, record: Recorded) -> None:
                if isinstance(action, Sleep):
                    time.sleep(action.seconds)
                    if action.then is not None:
                        self._act(action.then, record)
                    return
                if isinstance(action, Status):
                    return self._send(action.code, action.body, action.headers)
                if isinstance(action, Answer):
                    action = Reply(content=action.make(record.data), usage=action.usage)
                content = action.content
                if isinstance(content, (dict, list)):
                    content = json.dumps(content, ensure_ascii=False)
                message: dict[str, Any] = {"role": "assistant", "content": content}
                if action.refusal is not None:
                    message["refusal"] = action.refusal
                payload: dict[str, Any] = {
                    "id": "chatcmpl-fake",
                    "object": "chat.completion",
                    "model": record.body.get("model"),
                    "choices": [{"index": 0, "message": message, "finish_reason": "stop"}],
                }
                if action.usage is not None:
                    payload["usage"] = {"prompt_tokens": action.usage - 10, "completion_tokens": 10, "total_tokens": action.usage}
                self._send(200, payload)

            def _send(self, code: int, body: Any, headers: dict[str, str] | None = None) -> None:
                data = b"" if body is None else json.dumps(body, ensure_ascii=False).encode("utf-8")
                try:
                    self.send_response(code)
                    self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Length", str(len(data)))
                    for name, value in (headers or {}).items():
                        self.send_header(name, value)
                    self.end_headers()
                    self.wfile.write(data)
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the client gave up (timeout test)

        return Handler
