"""The request builder and the answer parser shared by live calls and provider batches.

The bodies must be the ones instructor sends (the recorded cassettes match on them, and a batch request must
be what a live call would have been): each is compared with the request instructor itself makes, captured
from the wire."""

from __future__ import annotations

import json
from typing import Any

import httpx
import instructor
import openai
import pytest
from pydantic import BaseModel

from extractor.llm import wire
from extractor.llm.models import NarrativeOut, OverviewOut, Table2Out, Table3Out, Table4Out
from extractor.llm.prompts import load_prompt

MODELS = [NarrativeOut, OverviewOut, Table2Out, Table3Out, Table4Out]
MODES = {"tools": instructor.Mode.TOOLS, "json": instructor.Mode.JSON, "json_schema": instructor.Mode.JSON_SCHEMA}


def _instructor_body(mode: str, response_model: type[BaseModel], messages: list[Any]) -> dict:  # type: ignore[type-arg]
    seen: list[dict] = []  # type: ignore[type-arg]

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(json.loads(request.content))
        return httpx.Response(500, json={"error": {"message": "captured"}})

    client = openai.OpenAI(api_key="k", base_url="http://x/v1", max_retries=0,
                           http_client=httpx.Client(transport=httpx.MockTransport(handler)))  # fmt: skip
    patched = instructor.from_openai(client, mode=MODES[mode])
    with pytest.raises(Exception):  # noqa: B017 - the stand-in refuses every request once it is captured
        patched.chat.completions.create(
            model="m", response_model=response_model, messages=messages, max_retries=0, temperature=0, max_tokens=77
        )
    return seen[0]


@pytest.mark.parametrize("mode", list(MODES))
@pytest.mark.parametrize("response_model", MODELS, ids=[m.__name__ for m in MODELS])
def test_wire_request_is_the_body_instructor_sends(mode: str, response_model: type[BaseModel]) -> None:
    messages = load_prompt("narrative").render(section="一是公开不够及时。").messages
    ours = wire.build("m", mode, "narrative", messages, response_model, 77).body
    assert ours == _instructor_body(mode, response_model, messages)


def _completion(arguments: str, finish: str = "tool_calls") -> dict:  # type: ignore[type-arg]
    call = {"id": "c1", "type": "function", "function": {"name": "NarrativeOut", "arguments": arguments}}
    message = {"role": "assistant", "content": None, "tool_calls": [call]}
    return {"choices": [{"index": 0, "finish_reason": finish, "message": message}], "usage": {"prompt_tokens": 5}}


def test_wire_parse_validates_and_summarises_an_invalid_answer_in_one_line() -> None:
    good = wire.parse(_completion('{"problems": [{"text": "甲"}], "improvements": []}'), NarrativeOut, "tools")
    assert good.problems[0].text == "甲"
    with pytest.raises(wire.InvalidAnswer) as info:
        wire.parse(_completion('{"problems": "' + "长" * 200 + '"}'), NarrativeOut, "tools")
    summary = info.value.summary
    assert summary.startswith("problems: Input should be a valid array") and "(+1 more)" in summary
    assert "\n" not in summary and len(summary) < 200  # the whole answer stays in the log, not the record
    with pytest.raises(wire.IncompleteAnswer):
        wire.parse(_completion('{"problems": [', finish="length"), NarrativeOut, "tools")


def test_wire_reask_sends_the_answer_back_with_what_was_wrong() -> None:
    bad = _completion('{"problems": 1}')
    messages = wire.reask([{"role": "user", "content": "q"}], bad, "problems: wrong", "tools")
    assert [m["role"] for m in messages] == ["user", "assistant", "tool"]
    assert messages[1]["tool_calls"][0]["id"] == "c1" and messages[2]["tool_call_id"] == "c1"
    assert "problems: wrong" in messages[2]["content"]


def test_wire_custom_id_names_the_document_task_and_request() -> None:
    messages = load_prompt("narrative").render(section="一是公开不够及时。").messages
    one = wire.build("m", "tools", "narrative", messages, NarrativeOut, 2048)
    other = wire.build("m", "tools", "narrative", messages, NarrativeOut, 1024)
    scope = "ab" * 32
    assert one.custom_id(scope).startswith("ab" * 16 + "-narrative-") and len(one.custom_id(scope)) <= 64
    assert one.custom_id(scope) == wire.build("m", "tools", "narrative", messages, NarrativeOut, 2048).custom_id(scope)
    assert one.custom_id(scope) != other.custom_id(scope)  # another token cap is another request
