"""The test server's files and batches endpoints: an OpenAI-compatible batch API on loopback, with faults.

Uploaded request files are checked as a provider checks them (JSON lines, each a POST to
/v1/chat/completions with a unique custom_id) and answered item by item with the server's own answers, into
an output file and an error file in the provider's line format. A batch reports ``in_progress`` for
``polls`` retrievals, then its end state, so a test sees every state whatever the machine's speed. Faults per
item, from a plan of (batch number, item index, request body): ``fail`` (a 500 in the error file),
``invalid`` (an answer that fails validation), ``malformed`` (a cut line in the output file), ``expire`` (the
batch expires there: this and every later item go to the error file as ``batch_expired``), ``reject`` (the
whole batch fails validation); and ``failing_downloads``, the next downloads that answer 500.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from email import message_from_bytes
from email.policy import HTTP
from typing import Any

Answer = Callable[[int, dict[str, Any], str | None], dict[str, Any]]
BatchFaults = Callable[[int, int, dict[str, Any]], str | None]
BATCH_FAULTS = ("fail", "invalid", "malformed", "expire", "reject")


def multipart(content_type: str, data: bytes) -> dict[str, tuple[str | None, bytes]]:
    """The parts of a multipart/form-data body: name -> (file name, bytes)."""
    message = message_from_bytes(f"Content-Type: {content_type}\r\n\r\n".encode() + data, policy=HTTP)
    parts: dict[str, tuple[str | None, bytes]] = {}
    for part in message.iter_parts():
        name = part.get_param("name", header="content-disposition")
        payload = part.get_payload(decode=True)
        if isinstance(name, str) and isinstance(payload, bytes):
            parts[name] = (part.get_filename(), payload)
    return parts


@dataclass
class BatchStore:
    """Files and batches held in memory; ids are counters, so a recording replays the same requests."""

    answer: Answer
    faults: BatchFaults | None = None
    polls: int = 0
    failing_downloads: int = 0  # the next downloads of a file's content answer 500 (a collect cut off)
    files: dict[str, bytes] = field(default_factory=dict)
    meta: dict[str, dict[str, Any]] = field(default_factory=dict)
    batches: dict[str, dict[str, Any]] = field(default_factory=dict)
    items: int = 0  # requests answered through batches
    deleted: list[str] = field(default_factory=list)  # file ids deleted, in order
    _uploads: int = 0
    _pending: dict[str, int] = field(default_factory=dict)
    _ends: dict[str, dict[str, Any]] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def upload(self, content_type: str, data: bytes) -> tuple[int, dict[str, Any]]:
        parts = multipart(content_type, data)
        if "file" not in parts:
            return 400, {"error": {"message": "no file part in the upload"}}
        purpose = parts.get("purpose", (None, b"batch"))[1].decode()
        name, content = parts["file"]
        return 200, self._store(name or "upload.jsonl", content, purpose)

    def _store(self, name: str, content: bytes, purpose: str) -> dict[str, Any]:
        with self._lock:
            self._uploads += 1
            file_id = f"file-{self._uploads}"
            self.files[file_id] = content
            self.meta[file_id] = {
                "id": file_id,
                "object": "file",
                "bytes": len(content),
                "created_at": 0,
                "filename": name,
                "purpose": purpose,
                "status": "processed",
            }
        return self.meta[file_id]

    def content(self, file_id: str) -> tuple[int, bytes]:
        with self._lock:
            if self.failing_downloads > 0:
                self.failing_downloads -= 1
                return 500, b'{"error": {"message": "server error"}}'
        return 200, self.files[file_id]

    def delete(self, file_id: str) -> tuple[int, dict[str, Any]]:
        with self._lock:
            if self.files.pop(file_id, None) is None:
                return 404, {"error": {"message": f"no such file: {file_id}"}}
            del self.meta[file_id]
            self.deleted.append(file_id)
        return 200, {"id": file_id, "object": "file", "deleted": True}

    def create(self, request: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        file_id = request.get("input_file_id")
        if file_id not in self.files:
            return 404, {"error": {"message": f"no such file: {file_id}"}}
        with self._lock:
            number = len(self.batches) + 1
            batch_id = f"batch-{number}"
            batch: dict[str, Any] = {
                "id": batch_id,
                "object": "batch",
                "endpoint": request.get("endpoint"),
                "errors": None,
                "input_file_id": file_id,
                "completion_window": request.get("completion_window"),
                "status": "validating",
                "output_file_id": None,
                "error_file_id": None,
                "created_at": number,
                "request_counts": {"total": 0, "completed": 0, "failed": 0},
                "metadata": request.get("metadata"),
            }
            self.batches[batch_id] = batch
            self._pending[batch_id] = self.polls
        self._ends[batch_id] = self._run(number, batch_id, self.files[str(file_id)])
        return 200, dict(batch)

    def retrieve(self, batch_id: str) -> tuple[int, dict[str, Any]]:
        with self._lock:
            if batch_id not in self.batches:
                return 404, {"error": {"message": f"no such batch: {batch_id}"}}
            if self._pending[batch_id] > 0:
                self._pending[batch_id] -= 1
                self.batches[batch_id]["status"] = "in_progress"
            else:
                self.batches[batch_id].update(self._ends[batch_id])
            return 200, dict(self.batches[batch_id])

    def cancel(self, batch_id: str) -> tuple[int, dict[str, Any]]:
        with self._lock:
            if batch_id not in self.batches:
                return 404, {"error": {"message": f"no such batch: {batch_id}"}}
            self._pending[batch_id] = 0
            self._ends[batch_id] = {**self._ends[batch_id], "status": "cancelled"}
        return self.retrieve(batch_id)

    def _run(self, number: int, batch_id: str, content: bytes) -> dict[str, Any]:
        """Answer every line now; what a retrieval reports once the batch's polls are spent."""
        lines = [json.loads(line) for line in content.splitlines() if line.strip()]
        problem = _check(lines)
        if problem is not None or any(self._fault(number, i, r) == "reject" for i, r in enumerate(lines)):
            message = problem or "the batch was rejected"
            return {"status": "failed", "errors": {"object": "list", "data": [{"code": "invalid", "message": message}]}}
        out: list[str] = []
        errors: list[str] = []
        expired = False
        for index, line in enumerate(lines):
            fault = self._fault(number, index, line)
            expired = expired or fault == "expire"
            head = {"id": f"batch_req_{number}_{index}", "custom_id": line["custom_id"]}
            if expired:
                error = {"code": "batch_expired", "message": "not executed before the completion window expired"}
                errors.append(json.dumps({**head, "response": None, "error": error}))
            elif fault == "fail":
                body = {"error": {"message": "server error", "type": "server_error"}}
                response = {"status_code": 500, "request_id": head["id"], "body": body}
                errors.append(json.dumps({**head, "response": response, "error": None}))
            else:
                with self._lock:
                    self.items += 1
                body = self.answer(index + 1, line["body"], "hostile" if fault == "invalid" else None)
                text = json.dumps({**head, "response": {"status_code": 200, "request_id": head["id"], "body": body}})
                out.append(text[: len(text) // 2] if fault == "malformed" else text)
        end: dict[str, Any] = {
            "status": "expired" if expired else "completed",
            "request_counts": {"total": len(lines), "completed": len(out), "failed": len(errors)},
        }
        if out:
            end["output_file_id"] = self._store(f"{batch_id}_output.jsonl", _join(out), "batch_output")["id"]
        if errors:
            end["error_file_id"] = self._store(f"{batch_id}_error.jsonl", _join(errors), "batch_output")["id"]
        return end

    def _fault(self, number: int, index: int, line: dict[str, Any]) -> str | None:
        return self.faults(number, index, line.get("body") or {}) if self.faults else None


def _join(lines: list[str]) -> bytes:
    return ("\n".join(lines) + "\n").encode()


def _check(lines: list[dict[str, Any]]) -> str | None:
    """What a provider refuses in a request file: a missing or repeated custom_id, another endpoint."""
    seen: set[str] = set()
    for number, line in enumerate(lines, 1):
        custom_id = line.get("custom_id")
        if not isinstance(custom_id, str) or custom_id in seen:
            return f"line {number}: custom_id missing or repeated"
        if line.get("method") != "POST" or line.get("url") != "/v1/chat/completions":
            return f"line {number}: only POST /v1/chat/completions is supported"
        seen.add(custom_id)
    return None
