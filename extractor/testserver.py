"""A small OpenAI-compatible server for tests and benchmarks: loopback only, with latency and faults.

It answers ``/v1/chat/completions`` after ``latency`` seconds with an answer that fits the requested tool (or
JSON schema): the narrative's numbered items and the overview's platforms are read from the prompt's text, so
answers ground in the document; the tables get a minimal valid answer. A fault plan makes chosen requests
fail: ``429`` (with Retry-After), ``500``, ``hang`` (longer than any client timeout), ``malformed`` (not JSON)
or ``truncated`` (finish_reason "length"), ``401``/``403``/``404`` (a wrong key or model), ``echo`` (a 500 whose
body quotes the request's Authorization header, as some proxies do) or ``hostile`` (an invalid answer holding
rich markup and a terminal escape sequence). It counts every request, so a test can prove a cached re-run
made no call. The files and batches endpoints (a provider's batch API) live in ``testbatches``.

    with TestServer(latency=0.5) as server:
        ... base_url=server.base_url ...
"""

from __future__ import annotations

import json
import re
import threading
import time
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from .testbatches import BatchFaults, BatchStore

# Minimal valid answers by tool (response model) name.
ANSWERS: dict[str, dict[str, object]] = {
    "NarrativeOut": {"problems": [], "improvements": []},
    "OverviewOut": {"publishing_platforms": []},
    "Table2Out": {"format": "2021", "rows": []},
    "Table3Out": {"rows": []},
    "Table4Out": {"blocks": []},
}
FAULTS = ("429", "500", "hang", "malformed", "truncated", "401", "403", "404", "echo", "hostile")
# an answer that fails validation and carries rich markup and a terminal hyperlink escape sequence
HOSTILE = (
    '{"problems": "[link=https://evil.example]click[/link] \u001b]8;;https://evil.example\u0007x\u001b]8;;\u0007"}'
)
_ITEM = re.compile(r"^\s*(?:\d+[.、．]|[一二三四五六七八九十]+是)\s*(.+?)\s*$", re.M)
_PLATFORMS = (("政府网站", "website"), ("政务微博", "new_media"), ("微信公众号", "new_media"), ("公告栏", "bulletin_board"),
              ("便民服务中心", "service_hall"), ("政务服务大厅", "service_hall"), ("热线电话", "hotline"))  # fmt: skip


def _user_text(body: dict[str, Any]) -> str:
    messages = body.get("messages") or []
    users = [m.get("content") for m in messages if isinstance(m, dict) and m.get("role") == "user"]
    return str(users[0]) if users and isinstance(users[0], str) else ""


def answer_for(name: str, body: dict[str, Any]) -> dict[str, object]:
    """A deterministic answer read from the prompt: numbered items before the 改进 heading are problems,
    after it improvements; platforms are the known channel names the text mentions."""
    text = _user_text(body).split("请列出")[0]  # the section, not the prompt's own numbered instructions
    if name == "NarrativeOut":
        found: dict[str, list[dict[str, object]]] = {"problems": [], "improvements": []}
        part = "problems"
        for line in text.splitlines():
            item = _ITEM.match(line)
            if item is not None:
                found[part].append({"text": item.group(1)})
            elif found["problems"] and "改进" in line:
                part = "improvements"
        return dict(found)
    if name == "OverviewOut":
        return {"publishing_platforms": [{"name": n, "kind": k} for n, k in _PLATFORMS if n in text]}
    return ANSWERS.get(name, {})


def completion(number: int, body: dict[str, Any], fault: str | None = None) -> dict[str, Any]:
    """A chat completion answering ``body``: a tool call in tools mode, else JSON content."""
    tools = body.get("tools") or []
    schema = (body.get("response_format") or {}).get("json_schema") or {}
    name = tools[0]["function"]["name"] if tools else schema.get("name", "NarrativeOut")
    arguments = json.dumps(answer_for(name, body), ensure_ascii=False)
    finish = "tool_calls" if tools else "stop"
    if fault == "truncated":
        arguments, finish = arguments[: len(arguments) // 2], "length"
    if fault == "hostile":
        arguments = HOSTILE
    message: dict[str, Any] = {"role": "assistant", "content": None if tools else arguments}
    if tools:
        call = {"id": f"call-{number}", "type": "function", "function": {"name": name, "arguments": arguments}}
        message["tool_calls"] = [call]
    return {
        "id": f"chatcmpl-{number}",
        "object": "chat.completion",
        "created": 0,
        "model": body.get("model"),
        "choices": [{"index": 0, "finish_reason": finish, "message": message}],
        "usage": {"prompt_tokens": 100, "completion_tokens": 10, "total_tokens": 110},
    }


class TestServer:
    """Run with ``with``; ``faults`` maps request numbers (1-based) to a fault, or is a callable of the request
    number and the request body deciding one (to fail one document's calls, say). ``batch_faults`` and
    ``batch_polls`` shape the batch API (see ``testbatches``)."""

    __test__ = False  # not a pytest test class

    def __init__(
        self,
        latency: float = 0.0,
        faults: dict[int, str] | Callable[[int, dict[str, object]], str | None] | None = None,
        hang_s: float = 30.0,
        batch_faults: BatchFaults | None = None,
        batch_polls: int = 0,
    ) -> None:
        self.latency = latency
        self.faults: dict[int, str] | Callable[[int, dict[str, object]], str | None] = faults or {}
        self.hang_s = hang_s
        self.requests = 0  # chat completions asked live
        self.http_requests = 0  # every request, the batch API's included
        self.first_at: float | None = None  # when the first chat request came, when the last was answered
        self.last_at: float | None = None
        self.batches = BatchStore(completion, batch_faults, batch_polls)
        self._lock = threading.Lock()
        self._httpd = _Server(("127.0.0.1", 0), _Handler)
        self._httpd.owner = self
        self._httpd.daemon_threads = True
        # serve_forever's default poll of 0.5 s made every close wait up to half a second
        self._thread = threading.Thread(target=self._httpd.serve_forever, args=(0.02,), daemon=True)

    def stats(self) -> dict[str, object]:
        busy = self.last_at - self.first_at if self.first_at is not None and self.last_at is not None else None
        return {"requests": self.requests, "http_requests": self.http_requests, "batch_items": self.batches.items,
                "busy_s": busy}  # fmt: skip

    def count_http(self) -> None:
        with self._lock:
            self.http_requests += 1

    def chat(self, body: dict[str, Any], auth: str = "") -> tuple[int, dict[str, Any] | bytes, dict[str, str]]:
        """One chat completion: (status, JSON payload or raw bytes, headers); status 0 for a hang."""
        with self._lock:
            self.requests += 1
            number = self.requests
            self.first_at = self.first_at if self.first_at is not None else time.monotonic()
        fault = self.faults(number, body) if callable(self.faults) else self.faults.get(number)
        time.sleep(self.latency)
        try:
            return self._chat_answer(number, body, fault, auth)
        finally:
            with self._lock:
                self.last_at = time.monotonic()

    def _chat_answer(
        self, number: int, body: dict[str, Any], fault: str | None, auth: str
    ) -> tuple[int, dict[str, Any] | bytes, dict[str, str]]:
        if fault == "hang":
            time.sleep(self.hang_s)
            return 0, b"", {}
        if fault == "429":
            return 429, {"error": {"message": "rate limited"}}, {"retry-after": "0.2"}
        if fault == "500":
            return 500, {"error": {"message": "server error"}}, {}
        if fault in ("401", "403", "404"):
            return int(fault), {"error": {"message": f"error {fault}"}}, {}
        if fault == "echo":
            return 500, {"error": {"message": f"upstream failed for request with Authorization: {auth}"}}, {}
        if fault == "malformed":
            return 200, b'{"id": "x", "choices": [', {}
        return 200, completion(number, body, fault), {}

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self._httpd.server_address[1]}/v1"

    def __enter__(self) -> TestServer:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._httpd.shutdown()
        self._httpd.server_close()


class _Server(ThreadingHTTPServer):
    owner: TestServer
    request_queue_size = 256  # 16 workers connect at once: the default backlog of 5 drops SYNs (a 1 s stall)


class _Handler(BaseHTTPRequestHandler):
    server: _Server
    protocol_version = "HTTP/1.1"  # keep-alive, as real endpoints do (every answer has a content-length)
    wbufsize = 1 << 16  # headers and body leave in one write: two would meet Nagle and delayed ACK (40 ms)

    def log_message(self, *args: object) -> None:  # quiet
        pass

    def do_GET(self) -> None:
        owner = self.server.owner
        store = owner.batches
        owner.count_http()
        parts = self.path.rstrip("/").split("/")
        if self.path.endswith("/stats"):  # counts so far, for a server in another process
            self._send(200, owner.stats())
        elif "files" in parts and parts[-1] == "content" and parts[-2] in store.files:
            self._raw(*store.content(parts[-2]))
        elif "files" in parts and parts[-1] in store.meta:
            self._send(200, store.meta[parts[-1]])
        elif "batches" in parts and parts[-1] != "batches":
            self._send(*store.retrieve(parts[-1]))
        else:
            self._send(200, {"object": "list", "data": [{"id": "test-model", "object": "model"}]})

    def do_DELETE(self) -> None:
        owner = self.server.owner
        owner.count_http()
        parts = self.path.rstrip("/").split("/")
        if "files" in parts and parts[-1] != "files":
            self._send(*owner.batches.delete(parts[-1]))
        else:
            self._send(404, {"error": {"message": f"no such resource: {self.path}"}})

    def do_POST(self) -> None:
        owner = self.server.owner
        store = owner.batches
        owner.count_http()
        data = self.rfile.read(int(self.headers.get("content-length") or 0))
        path = self.path.rstrip("/")
        if path.endswith("/files"):
            self._send(*store.upload(self.headers.get("content-type", ""), data))
        elif path.endswith("/batches"):
            self._send(*store.create(json.loads(data or b"{}")))
        elif path.endswith("/cancel"):
            self._send(*store.cancel(path.split("/")[-2]))
        else:
            code, payload, headers = owner.chat(json.loads(data or b"{}"), self.headers.get("authorization", ""))
            if code == 0:
                return  # a hang: the client has given up
            if isinstance(payload, bytes):
                self._raw(code, payload)
            else:
                self._send(code, payload, headers)

    def _send(self, code: int, payload: dict[str, Any], headers: dict[str, str] | None = None) -> None:
        self._raw(code, json.dumps(payload).encode(), headers)

    def _raw(self, code: int, data: bytes, headers: dict[str, str] | None = None) -> None:
        try:
            self.send_response(code)
            self.send_header("content-type", "application/json")
            self.send_header("content-length", str(len(data)))
            for k, v in (headers or {}).items():
                self.send_header(k, v)
            self.end_headers()
            self.wfile.write(data)
            self.wfile.flush()
        except (BrokenPipeError, ConnectionResetError):
            pass  # the client gave up (a timeout test)


if __name__ == "__main__":  # python -m extractor.testserver [latency]: a server for manual runs
    import sys

    with TestServer(latency=float(sys.argv[1]) if len(sys.argv) > 1 else 0.0) as s:
        print(s.base_url, flush=True)
        threading.Event().wait()
