"""A provider's batch API: OpenAI-compatible files and batches endpoints (OpenAI's /v1/batches; DashScope
and others offer the same), reached through the client's own openai connection and transport policy.

Request files are JSON lines ``{"custom_id", "method": "POST", "url": "/v1/chat/completions", "body"}``, each
body the very request a live call would send (``wire``), split at the provider's limits. Result files are read
line by line: a line cut off or not JSON is counted and skipped (its request is then unanswered and goes into
the next batch), never a reason to drop the others.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any, Literal

import openai

from ..errors import ConfigError, ModelError
from ..redact import redact
from .client import LLM
from .defaults import FileLimits

__all__ = ["ENDED", "FileLimits", "Provider", "Result", "read_results", "request_line", "split"]

ENDPOINT: Literal["/v1/chat/completions"] = "/v1/chat/completions"
ENDED = frozenset({"completed", "expired", "failed", "cancelled"})
_CUSTOM_ID = re.compile(rb'"custom_id"\s*:\s*"([^"\\]+)"')


@dataclass(frozen=True, slots=True)
class Result:
    """One line of a result file: the completion, or why there is none."""

    custom_id: str | None
    completion: dict[str, Any] | None
    error: str | None
    malformed: bool = False  # the line itself could not be read


def request_line(custom_id: str, body: dict[str, Any]) -> bytes:
    line = {"custom_id": custom_id, "method": "POST", "url": ENDPOINT, "body": body}
    return json.dumps(line, ensure_ascii=False, separators=(",", ":")).encode() + b"\n"


def split(lines: Iterable[tuple[str, bytes]], limits: FileLimits) -> Iterator[list[tuple[str, bytes]]]:
    """(custom_id, line) groups, each within the limits (a single line over the byte limit is a file alone:
    the provider will say so for that one request)."""
    group: list[tuple[str, bytes]] = []
    size = 0
    for custom_id, line in lines:
        if group and (len(group) >= limits.max_requests or size + len(line) > limits.max_bytes):
            yield group
            group, size = [], 0
        group.append((custom_id, line))
        size += len(line)
    if group:
        yield group


def read_results(content: bytes) -> Iterator[Result]:
    """The lines of a result or error file, in the provider's format; a malformed line yields its custom_id
    if one can be read from it (else None) and says so."""
    for raw in content.splitlines():
        if not raw.strip():
            continue
        try:
            line = json.loads(raw)
        except ValueError:
            found = _CUSTOM_ID.search(raw)
            yield Result(found.group(1).decode() if found else None, None, "a result line that is not JSON", True)
            continue
        if not isinstance(line, dict):
            yield Result(None, None, "a result line that is not a JSON object", True)
            continue
        yield _result(line)


def _result(line: dict[str, Any]) -> Result:
    custom_id = line.get("custom_id") if isinstance(line.get("custom_id"), str) else None
    error = line.get("error")
    if isinstance(error, dict):
        return Result(custom_id, None, f"{error.get('code') or 'error'}: {error.get('message') or ''}".strip())
    response: dict[str, Any] = line["response"] if isinstance(line.get("response"), dict) else {}
    body = response.get("body")
    if response.get("status_code") != 200 or not isinstance(body, dict):
        detail = (body or {}).get("error", {}) if isinstance(body, dict) else {}
        message = detail.get("message") if isinstance(detail, dict) else None
        return Result(custom_id, None, f"status {response.get('status_code')}: {message or 'no answer'}")
    return Result(custom_id, body, None)


class Provider:
    """The files and batches endpoints of the client's endpoint. Errors name the endpoint (credentials
    masked) and what to do; a 404 on them means the endpoint has no batch API."""

    def __init__(self, llm: LLM) -> None:
        self.llm = llm
        self.client: openai.OpenAI = llm.openai

    def submit(self, name: str, content: bytes, metadata: dict[str, str]) -> dict[str, Any]:
        """Upload one request file and start a batch on it; the batch object."""
        uploaded = self._call(lambda: self.client.files.create(file=(name, content), purpose="batch"), "upload")
        batch = self._call(
            lambda: self.client.batches.create(
                input_file_id=uploaded.id, endpoint=ENDPOINT, completion_window="24h", metadata=metadata
            ),
            "create a batch",
            retry=False,  # a create retried after a lost answer could start the same batch twice
        )
        info: dict[str, Any] = batch.model_dump()
        return info

    def retrieve(self, batch_id: str) -> dict[str, Any]:
        info: dict[str, Any] = self._call(
            lambda: self.client.batches.retrieve(batch_id), f"look up batch {batch_id}"
        ).model_dump()
        return info

    def download(self, file_id: str) -> bytes:
        content: bytes = self._call(lambda: self.client.files.content(file_id), f"download file {file_id}").content
        return content

    def delete(self, file_id: str) -> bool:
        """Delete a file we uploaded or a batch wrote, once its answers are kept; False if it was gone already
        (deleted before, or expired). A refused key is still a configuration error."""

        def call() -> bool:
            try:
                self.client.files.delete(file_id)
            except openai.NotFoundError:
                return False
            return True

        deleted: bool = self._call(call, f"delete file {file_id}")
        return deleted

    def _call(self, call: Any, what: str, retry: bool = True) -> Any:
        where = self.llm.where
        try:
            return self.llm.retrying(call) if retry else call()
        except openai.NotFoundError as exc:
            raise ConfigError(
                f"{where}: cannot {what} (404: {redact(str(exc))[:200]}); the endpoint may have no batch API "
                "(files and batches endpoints): run without --via batch-api"
            ) from None
        except (openai.AuthenticationError, openai.PermissionDeniedError) as exc:
            raise ConfigError(
                f"{where} refused the key ({exc.status_code}) trying to {what}; check OPENAI_API_KEY"
            ) from None
        except openai.APIError as exc:
            raise ModelError(f"{where}: cannot {what} ({redact(str(exc))[:300]}); re-run later to go on") from None
