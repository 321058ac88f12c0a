"""Transport policy of the model client, against an in-process HTTP stand-in (httpx.MockTransport):
429/5xx/connection errors retried with backoff honouring Retry-After, a timeout and client errors not
retried, every answer's tokens summed (re-asks, truncated and abandoned answers included), cost priced."""

from __future__ import annotations

import json
import time

import httpx
import pytest

from extractor.errors import ModelError
from extractor.llm.client import LLM, LLMConfig, UsageCounter
from extractor.llm.models import NarrativeOut
from extractor.llm.pricing import Price
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


def _llm(
    responses: list[httpx.Response | Exception], seen: list[float], attempts: int = 4, price: Price | None = None
) -> LLM:
    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(time.monotonic())
        item = responses.pop(0)
        if isinstance(item, Exception):
            raise item
        return item

    config = LLMConfig(model="m", base_url="http://stand-in/v1", api_key="k", transport_attempts=attempts)
    return LLM(config, http_client=httpx.Client(transport=httpx.MockTransport(handler)), price=price)


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
    [
        httpx.Response(500, json={"error": {"message": "boom"}}),
        httpx.ConnectError("x"),
        httpx.Response(200, text="<html>"),
    ],
    ids=["500", "connection", "not-json"],
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


def test_client_does_not_ask_again_after_a_timeout_and_counts_the_abandoned_answer(
    backoff_clock: list[float],
) -> None:
    seen: list[float] = []
    llm = _llm([httpx.ReadTimeout("slow"), _completion(ANSWER)], seen, price=Price("m", 1.0, 2.0))
    usage = UsageCounter()
    with pytest.raises(ModelError, match="no answer within 180 s; not asked again") as info:
        llm.complete(PROMPT, NarrativeOut, usage=usage)
    assert len(seen) == 1 and backoff_clock == []  # the server may still be generating it: no second request
    assert (usage.calls, usage.attempts, usage.timeouts) == (1, 1, 1)
    # the endpoint reported nothing: the answer is counted as the whole token cap, the prompt by its size
    assert usage.completion_tokens == 2048 and usage.prompt_tokens > 0
    assert usage.estimated_tokens == usage.total_tokens == usage.prompt_tokens + 2048
    assert usage.cost == pytest.approx((usage.prompt_tokens * 1.0 + 2048 * 2.0) / 1e6)
    assert info.value.usage is usage  # the failure record keeps what the document's calls cost


def test_client_counts_a_truncated_answer_and_every_re_ask(caplog: pytest.LogCaptureFixture) -> None:
    seen: list[float] = []
    truncated = _completion({"problems": []}, tokens=50)
    truncated_body = truncated.json()
    truncated_body["choices"][0]["finish_reason"] = "length"
    llm = _llm([_completion({"problems": "x"}, tokens=40), httpx.Response(200, json=truncated_body)], seen,
               price=Price("m", 1.0, 2.0, batch=0.5))  # fmt: skip
    usage = UsageCounter()
    with caplog.at_level("INFO", logger="extractor.llm"), pytest.raises(ModelError, match="ran out of tokens"):
        llm.complete(PROMPT, NarrativeOut, usage=usage)
    assert (usage.calls, usage.attempts, usage.re_asks) == (1, 2, 1)
    assert usage.total_tokens == 90 and usage.completion_tokens == 20  # both answers, the cut one too
    assert usage.cost == pytest.approx((70 * 1.0 + 20 * 2.0) / 1e6)
    assert "Input should be a valid array" in caplog.text  # pydantic's full message: in the log only


def test_client_a_collected_batch_answer_is_validated_then_re_asked_live() -> None:
    seen: list[float] = []
    llm = _llm([_completion(ANSWER, tokens=30)], seen, price=Price("m", 1.0, 2.0, batch=0.5))
    bad = _completion({"problems": "x"}, tokens=40).json()

    class OneAnswer:
        def lookup(self, request: object, scope: str, response_model: type) -> dict:  # type: ignore[type-arg]
            return bad  # type: ignore[no-any-return]

    llm.collected = OneAnswer()
    usage = UsageCounter()
    out = llm.complete(PROMPT, NarrativeOut, usage=usage)
    assert out.problems[0].text == "甲不够及时" and len(seen) == 1  # the invalid batch answer, re-asked live
    assert (usage.batched, usage.re_asks, usage.attempts) == (1, 1, 2)
    assert usage.cost == pytest.approx((30 * 1.0 + 10 * 2.0) / 1e6 * 0.5 + (20 * 1.0 + 10 * 2.0) / 1e6)
