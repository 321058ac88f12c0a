"""What goes over the wire for one structured answer: the request body, the parse of a completion, the re-ask.

One builder for the live path and the provider batch path, so a batch request is byte for byte the request a
live call would send, and a collected answer is parsed and validated by the same code as a live one. The
bodies are the ones instructor sends in each mode (``tests/test_wire.py`` holds them equal), built from
schemas made once per response model: instructor regenerates the schema and re-walks the model on every
call (~13 ms of CPU), which capped a 16-worker run at 0.88 of the endpoint's throughput.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from functools import cache
from textwrap import dedent
from typing import Any, TypeVar

import instructor
from pydantic import BaseModel, ValidationError

T = TypeVar("T", bound=BaseModel)
Completion = dict[str, Any]
MODES = ("tools", "json", "json_schema")
REASK_TOOLS = "Validation Error found:\n{error}\nRecall the function correctly, fix the errors"
REASK_JSON = "Correct your JSON ONLY RESPONSE, based on the following errors:\n{error}"


class IncompleteAnswer(ValueError):
    """The answer stopped at the token cap (finish_reason "length"): re-asking would stop there again."""


class InvalidAnswer(ValueError):
    """The answer is not a valid instance of the response model; ``summary`` is one short line for a record
    (the full error, with the model's text, goes to the log)."""

    def __init__(self, summary: str, detail: str) -> None:
        super().__init__(summary)
        self.summary = summary
        self.detail = detail


@dataclass(frozen=True, slots=True)
class Request:
    """One chat-completions request: its body and a stable id (the provider batch's ``custom_id``)."""

    body: dict[str, Any]
    task: str
    max_tokens: int

    def custom_id(self, scope: str) -> str:
        """``<document sha256 prefix>-<task>-<request hash>``: the same document, prompt, schema and settings
        give the same id, so a re-run finds the answers an earlier run's batch holds."""
        return f"{scope[:32] or 'none'}-{self.task}-{self.digest()[:16]}"

    def digest(self) -> str:
        return hashlib.sha256(json.dumps(self.body, sort_keys=True, ensure_ascii=False).encode()).hexdigest()


@cache
def _tools(response_model: type[BaseModel]) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    schema = dict(instructor.generate_openai_schema(response_model))
    return [{"type": "function", "function": schema}], {"type": "function", "function": {"name": schema["name"]}}


@cache
def _json_instruction(response_model: type[BaseModel]) -> str:
    schema = response_model.model_json_schema()
    return dedent(
        f"""
            As a genius expert, your task is to understand the content and provide
            the parsed objects in json that match the following json_schema:\n

            {json.dumps(schema, indent=2, ensure_ascii=False)}

            Make sure to return an instance of the JSON, not the schema itself
            """
    )


@cache
def _json_schema_format(response_model: type[BaseModel]) -> dict[str, Any]:
    schema = response_model.model_json_schema()
    return {"type": "json_schema", "json_schema": {"name": response_model.__name__, "schema": schema}}


def build(
    model: str, mode: str, task: str, messages: list[dict[str, Any]], response_model: type[BaseModel], max_tokens: int
) -> Request:
    """The request for ``messages`` answered as ``response_model`` in ``mode`` (tools, json, json_schema)."""
    body: dict[str, Any] = {"messages": list(messages), "model": model, "max_tokens": max_tokens, "temperature": 0}
    if mode == "tools":
        body["tools"], body["tool_choice"] = _tools(response_model)
    elif mode == "json":
        body["response_format"] = {"type": "json_object"}
        body["messages"] = _with_instruction(body["messages"], _json_instruction(response_model))
    elif mode == "json_schema":
        body["response_format"] = _json_schema_format(response_model)
    else:
        raise ValueError(f"unknown mode {mode!r}")
    return Request(body, task, max_tokens)


def _with_instruction(messages: list[dict[str, Any]], instruction: str) -> list[dict[str, Any]]:
    if messages and messages[0]["role"] == "system" and isinstance(messages[0]["content"], str):
        return [{**messages[0], "content": messages[0]["content"] + f"\n\n{instruction}"}, *messages[1:]]
    return [{"role": "system", "content": instruction}, *messages]


def _message(completion: Completion) -> dict[str, Any]:
    choices = completion.get("choices") or []
    if not choices or not isinstance(choices[0], dict):
        raise InvalidAnswer("the endpoint returned no choices", json.dumps(completion, ensure_ascii=False)[:2000])
    message = choices[0].get("message") or {}
    return message if isinstance(message, dict) else {}


def answer_text(completion: Completion, mode: str) -> str:
    """The JSON text of the answer: the first tool call's arguments (tools), else the message content."""
    message = _message(completion)
    if mode == "tools":
        calls = message.get("tool_calls") or []
        if calls:
            arguments = (calls[0].get("function") or {}).get("arguments")
            return arguments if isinstance(arguments, str) else json.dumps(arguments, ensure_ascii=False)
        call = message.get("function_call")
        if isinstance(call, dict) and call.get("arguments") is not None:
            return str(call["arguments"])
        raise InvalidAnswer("the answer called no tool", str(message.get("content") or "")[:2000])
    return str(message.get("content") or "")


def parse(completion: Completion, response_model: type[T], mode: str) -> T:
    """The answer as ``response_model``; IncompleteAnswer at the token cap, InvalidAnswer when it does not
    validate."""
    choices = completion.get("choices") or [{}]
    if isinstance(choices[0], dict) and choices[0].get("finish_reason") == "length":
        raise IncompleteAnswer("the answer stopped at the token cap")
    text = answer_text(completion, mode)
    try:
        return response_model.model_validate_json(text)
    except ValidationError as exc:
        raise InvalidAnswer(summarise(exc), str(exc)) from None


def summarise(exc: ValidationError) -> str:
    """One line for a record: how many errors, the first one's place and message, a short excerpt of the
    input (the full error, which may quote the whole answer, goes to the log)."""
    errors = exc.errors(include_url=False)
    first = errors[0]
    where = ".".join(str(p) for p in first["loc"]) or "answer"
    shown = repr(first.get("input"))
    excerpt = shown if len(shown) <= 80 else shown[:77] + "…"
    more = f" (+{len(errors) - 1} more)" if len(errors) > 1 else ""
    return f"{where}: {first['msg']} (got {excerpt}){more}"


def reask(messages: list[dict[str, Any]], completion: Completion, error: str, mode: str) -> list[dict[str, Any]]:
    """The conversation to send again after an invalid answer: the answer, then what was wrong with it
    (instructor's wording, so a re-ask reads as it always has)."""
    message = _message(completion)
    assistant: dict[str, Any] = {"role": message.get("role") or "assistant", "content": message.get("content") or ""}
    if mode != "tools":
        return [*messages, assistant, {"role": "user", "content": REASK_JSON.format(error=error)}]
    calls = message.get("tool_calls") or []
    if calls:
        assistant["tool_calls"] = calls
    follow: list[dict[str, Any]] = [
        {
            "role": "tool",
            "tool_call_id": call.get("id"),
            "name": (call.get("function") or {}).get("name"),
            "content": REASK_TOOLS.format(error=error),
        }
        for call in calls
    ] or [{"role": "user", "content": REASK_TOOLS.format(error=error)}]
    return [*messages, assistant, *follow]


def usage_of(completion: Completion) -> tuple[int, int, int]:
    """(prompt, completion, total) tokens the endpoint reported for this answer (0 where it did not)."""
    usage = completion.get("usage") or {}
    prompt = int(usage.get("prompt_tokens") or 0)
    answer = int(usage.get("completion_tokens") or 0)
    return prompt, answer, int(usage.get("total_tokens") or prompt + answer)


def estimate_prompt_tokens(body: dict[str, Any]) -> int:
    """A rough count for a request the endpoint never reported on (abandoned, or not sent yet): one token per
    three UTF-8 bytes of its messages and schema (a CJK character is three bytes and about one token; JSON
    and Latin text take fewer tokens per byte, so this errs high)."""
    sent = {k: body[k] for k in ("messages", "tools", "response_format") if k in body}
    return len(json.dumps(sent, ensure_ascii=False).encode()) // 3 + 1
