"""A small OpenAI-compatible server for tests and benchmarks: loopback only, with latency and faults.

It answers ``/v1/chat/completions`` with a tool call that fits the requested tool (a minimal valid answer
per response model), after ``latency`` seconds. A fault plan makes chosen requests fail: ``429`` (with
Retry-After), ``500``, ``hang`` (longer than any client timeout), ``malformed`` (not JSON) or ``truncated``
(finish_reason "length"), ``401``/``403``/``404`` (a wrong key or model), ``echo`` (a 500 whose body quotes the
request's Authorization header, as some proxies do) or ``hostile`` (an invalid answer holding rich markup and
a terminal escape sequence). It counts every request, so a test can prove a cached re-run made no call.

    with TestServer(latency=0.5) as server:
        ... base_url=server.base_url ...
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

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


class TestServer:
    """Run with ``with``; ``faults`` maps request numbers (1-based) to a fault, or is a callable of the request
    number and the request body deciding one (to fail one document's calls, say)."""

    __test__ = False  # not a pytest test class

    def __init__(
        self,
        latency: float = 0.0,
        faults: dict[int, str] | Callable[[int, dict[str, object]], str | None] | None = None,
        hang_s: float = 30.0,
    ) -> None:
        self.latency = latency
        self.faults: dict[int, str] | Callable[[int, dict[str, object]], str | None] = faults or {}
        self.hang_s = hang_s
        self.requests = 0
        self._lock = threading.Lock()
        self._httpd = _Server(("127.0.0.1", 0), _Handler)
        self._httpd.owner = self
        self._httpd.daemon_threads = True
        self._thread = threading.Thread(target=self._httpd.serve_forever, daemon=True)

    def count(self, body: dict[str, object]) -> tuple[int, str | None]:
        """Number this request and decide its fault, if any."""
        with self._lock:
            self.requests += 1
            number = self.requests
        return number, self.faults(number, body) if callable(self.faults) else self.faults.get(number)

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


class _Handler(BaseHTTPRequestHandler):
    server: _Server

    def log_message(self, *args: object) -> None:  # quiet
        pass

    def do_GET(self) -> None:
        if self.path.endswith("/stats"):  # how many requests so far, for a server in another process
            self._send(200, {"requests": self.server.owner.requests})
            return
        self._send(200, {"object": "list", "data": [{"id": "test-model", "object": "model"}]})

    def do_POST(self) -> None:
        owner = self.server.owner
        length = int(self.headers.get("content-length") or 0)
        body = json.loads(self.rfile.read(length) or b"{}")
        number, fault = owner.count(body)
        time.sleep(owner.latency)
        if fault == "hang":
            time.sleep(owner.hang_s)
        elif fault == "429":
            self._send(429, {"error": {"message": "rate limited"}}, {"retry-after": "0.2"})
        elif fault == "500":
            self._send(500, {"error": {"message": "server error"}})
        elif fault in ("401", "403", "404"):
            self._send(int(fault), {"error": {"message": f"error {fault}"}})
        elif fault == "echo":
            auth = self.headers.get("authorization", "")
            self._send(500, {"error": {"message": f"upstream failed for request with Authorization: {auth}"}})
        elif fault == "malformed":
            self._raw(200, b'{"id": "x", "choices": [')
        else:
            self._send(200, _completion(number, body, fault))

    def _send(self, code: int, payload: dict[str, object], headers: dict[str, str] | None = None) -> None:
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
        except (BrokenPipeError, ConnectionResetError):
            pass  # the client gave up (a timeout test)


def _completion(number: int, body: dict[str, object], fault: str | None) -> dict[str, object]:
    """A chat completion whose tool call is the minimal valid answer for the requested tool (cut off for
    ``truncated``, an invalid and hostile one for ``hostile``)."""
    tools = body.get("tools") or []
    name = tools[0]["function"]["name"] if isinstance(tools, list) and tools else "NarrativeOut"
    arguments = json.dumps(ANSWERS.get(name, {}), ensure_ascii=False)
    finish = "tool_calls"
    if fault == "truncated":
        arguments, finish = arguments[: len(arguments) // 2], "length"
    if fault == "hostile":
        arguments = HOSTILE
    call = {"id": f"call-{number}", "type": "function", "function": {"name": name, "arguments": arguments}}
    return {
        "id": f"chatcmpl-{number}",
        "object": "chat.completion",
        "created": 0,
        "model": body.get("model"),
        "choices": [
            {
                "index": 0,
                "finish_reason": finish,
                "message": {"role": "assistant", "content": None, "tool_calls": [call]},
            }
        ],
        "usage": {"prompt_tokens": 100, "completion_tokens": 10, "total_tokens": 110},
    }


if __name__ == "__main__":  # python -m extractor.testserver [latency]: a server for manual runs
    import sys

    with TestServer(latency=float(sys.argv[1]) if len(sys.argv) > 1 else 0.0) as s:
        print(s.base_url, flush=True)
        threading.Event().wait()
