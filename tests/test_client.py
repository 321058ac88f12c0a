"""Transport policy of the model client, against an in-process HTTP stand-in (httpx.MockTransport):
429/5xx/timeouts retried with backoff honouring Retry-After, client errors not retried, tokens summed."""

from __future__ import annotations

import json
import time

import httpx
import pytest

from extractor.errors import ModelError
from extractor.llm.client import LLM, LLMConfig
from extractor.llm.models import NarrativeOut
from extractor.llm.prompts import load_prompt

ANSWER = {"problems": [{"text": "甲不够及时"}], "improvements": [{"text": "加强甲", "answers_problem": 0}]}


def _completion(arguments: dict, tokens: int = 30) -> httpx.Response:  # type: ignore[type-arg]
    return httpx.Response(
        200,
        json={
            "id": "c",
            "object": "chat.completion",
            "created": 0,
            "model": "m",
            "choices": [
                {
                    "index": 0,
                    "finish_reason": "stop",
                    "message": {
                        "role": "assistant",
                        "content": None,
                        "tool_calls": [
                            {
                                "id": "t",
                                "type": "function",
                                "function": {"name": "NarrativeOut", "arguments": json.dumps(arguments)},
                            }
                        ],
                    },
                }
            ],
            "usage": {"prompt_tokens": tokens - 10, "completion_tokens": 10, "total_tokens": tokens},
        },
    )


def _llm(responses: list[httpx.Response | Exception], seen: list[float], attempts: int = 4) -> LLM:
    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(time.monotonic())
        item = responses.pop(0)
        if isinstance(item, Exception):
            raise item
        return item

    config = LLMConfig(model="m", base_url="http://stand-in/v1", api_key="k", transport_attempts=attempts)
    return LLM(config, http_client=httpx.Client(transport=httpx.MockTransport(handler)))


PROMPT = load_prompt("narrative").render(section="一是甲不够及时。改进：加强甲。")


def test_client_retries_a_429_after_its_retry_after(backoff_clock: list[float]) -> None:
    seen: list[float] = []
    llm = _llm(
        [httpx.Response(429, headers={"retry-after": "7"}, json={"error": {"message": "slow"}}), _completion(ANSWER)],
        seen,
    )
    out = llm.complete(PROMPT, NarrativeOut)
    assert out.problems[0].text == "甲不够及时"
    assert len(seen) == 2 and backoff_clock == [7.0]  # waited what the server asked, once
    assert (llm.usage.calls, llm.usage.total_tokens) == (1, 30)


@pytest.mark.parametrize(
    "failure",
    [httpx.Response(500, json={"error": {"message": "boom"}}), httpx.ReadTimeout("slow"), httpx.ConnectError("x")],
    ids=["500", "timeout", "connection"],
)
def test_client_retries_transport_failures_then_gives_up(
    failure: httpx.Response | Exception, backoff_clock: list[float]
) -> None:
    seen: list[float] = []
    llm = _llm([failure, failure, failure], seen, attempts=3)
    with pytest.raises(ModelError, match="try again later"):
        llm.complete(PROMPT, NarrativeOut)
    assert len(seen) == 3
    assert len(backoff_clock) == 2 and all(0 <= w <= 30 for w in backoff_clock)  # backed off between tries


def test_client_does_not_retry_a_client_error() -> None:
    seen: list[float] = []
    llm = _llm([httpx.Response(400, json={"error": {"message": "bad request"}}), _completion(ANSWER)], seen)
    with pytest.raises(ModelError):
        llm.complete(PROMPT, NarrativeOut)
    assert len(seen) == 1


def test_client_re_asks_an_invalid_answer_and_sums_its_tokens() -> None:
    seen: list[float] = []
    llm = _llm([_completion({"problems": "not a list"}, tokens=40), _completion(ANSWER, tokens=30)], seen)
    out = llm.complete(PROMPT, NarrativeOut)
    assert out.improvements[0].answers_problem == 0
    assert len(seen) == 2 and llm.usage.total_tokens == 70
