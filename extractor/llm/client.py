"""One OpenAI-compatible client: structured answers with transport retries, re-asks and token accounting.

Requests are built and answers parsed by ``wire`` (the bodies instructor sends, from schemas made once), and
sent through the openai client's plain ``post``: no per-call schema generation or request transformation
(1.6 ms of CPU a request instead of ~13), so a 16-worker run keeps the endpoint busy. Document threads send
their own requests: measured against the async client on one event loop, this used a third less CPU a
request at the same throughput (benchmarks/bench_batch.py). Transport errors (429, 5xx, connection, a body that is not JSON) are
retried with tenacity (exponential backoff with jitter, honouring Retry-After); the openai client's own
retries are off so there is one policy. A timeout is NOT retried: the endpoint may still be generating the
abandoned answer (llama.cpp does, to the token cap), and asking again would queue behind it. Invalid answers
are re-asked up to ``max_retries``. Every answer's tokens are counted, re-asks, retries and abandoned answers
included (an abandoned answer's are estimated: its prompt by size, its answer as the whole token cap).
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import logging
import os
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any, Protocol, TypeVar

import httpx
import openai
from pydantic import BaseModel
from tenacity import RetryCallState, retry, retry_if_exception, stop_after_attempt, wait_random_exponential

from ..errors import ConfigError, ModelError
from ..redact import register_secret, safe_url
from ..schema import Usage
from . import wire
from .defaults import TIMEOUTS
from .pricing import Price
from .prompts import RenderedPrompt, schema_json

T = TypeVar("T", bound=BaseModel)
R = TypeVar("R")


@dataclass
class UsageCounter:
    """Calls, tokens and cost, added to while calls run (from several threads, under a lock); ``usage()`` is
    the immutable figure a record keeps (``schema.Usage``, whose fields these are)."""

    calls: int = 0
    prompt_tokens: int = 0
    completion_tokens: int = 0
    total_tokens: int = 0
    cached: int = 0
    attempts: int = 0
    re_asks: int = 0
    timeouts: int = 0
    estimated_tokens: int = 0
    batched: int = 0
    cost: float | None = None  # None until a priced client counts (or prices nothing: no price)
    currency: str | None = None
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False, compare=False)

    def add(self, **counts: int) -> None:
        with self._lock:
            for name, n in counts.items():
                setattr(self, name, getattr(self, name) + n)

    def charge(self, cost: float, currency: str) -> None:
        with self._lock:
            self.cost = (self.cost or 0.0) + cost
            self.currency = currency

    def usage(self) -> Usage:
        with self._lock:
            return Usage(**{f.name: getattr(self, f.name) for f in fields(self) if f.name != "_lock"})


class ModelClient(Protocol):
    """What the model stage needs of a client: its configuration (for provenance) and one structured answer
    per rendered prompt. ``LLM`` is the real one; tests drive the stage with stand-ins of this shape."""

    @property
    def config(self) -> LLMConfig: ...

    def complete(
        self,
        prompt: RenderedPrompt,
        response_model: type[T],
        max_tokens: int | None = None,
        max_retries: int | None = None,
        usage: UsageCounter | None = None,
        cache_scope: str = "",
    ) -> T: ...


MODES = wire.MODES
_RETRY_AFTER_CAP = 60.0
SLEEP = time.sleep  # backoff waits; tests replace it with a fake clock
_log = logging.getLogger("extractor.llm")


class MalformedResponse(Exception):
    """A 200 whose body is not a JSON object (a proxy's error page, a cut connection): retried."""


_RETRIED = (openai.APIConnectionError, openai.RateLimitError, openai.InternalServerError, MalformedResponse)
_CONFIG_ERRORS = (openai.AuthenticationError, openai.PermissionDeniedError, openai.NotFoundError)


@dataclass(frozen=True)
class LLMConfig:
    model: str
    base_url: str | None = None
    api_key: str | None = None
    mode: str = "tools"
    max_retries: int = 2  # re-asks after an invalid answer
    transport_attempts: int = 5
    timeout: float = TIMEOUTS["llm"]
    max_tokens: int = 2048  # bounds an answer that loops; a whole table 3 needs ~1,200

    @classmethod
    def from_env(cls, model: str | None = None, base_url: str | None = None, mode: str | None = None) -> LLMConfig:
        """Flags win over OPENAI_BASE_URL / EXTRACTOR_MODEL / OPENAI_API_KEY."""
        name = model or os.environ.get("EXTRACTOR_MODEL")
        if not name:
            raise ConfigError("no model: pass --model or set EXTRACTOR_MODEL")
        url = base_url or os.environ.get("OPENAI_BASE_URL")
        key = os.environ.get("OPENAI_API_KEY")
        if not key and not url:
            raise ConfigError("no OPENAI_API_KEY for the default endpoint; set it, or --base-url for a local server")
        chosen = mode or "tools"
        if chosen not in MODES:
            raise ConfigError(f"unknown mode {chosen!r}; one of {', '.join(MODES)}")
        return cls(model=name, base_url=url, api_key=key, mode=chosen)


class Collected(Protocol):
    """Answers from a provider batch (``batch_submit``), consulted before any live call: a completion to parse
    like a live one; a stand-in answer while the request waits for its batch (the document is then not
    recorded in this run); or None to ask live."""

    def lookup(self, request: wire.Request, scope: str, response_model: type[T]) -> wire.Completion | T | None: ...


def _config_message(config: LLMConfig, exc: Exception) -> str:
    """A 401/403/404 is the caller's configuration, not the model's answer: say what to check."""
    where = safe_url(config.base_url) or "the OpenAI endpoint"
    if isinstance(exc, openai.NotFoundError):
        return f"{where} does not know model {config.model!r} (404); check --model / EXTRACTOR_MODEL and --base-url"
    return f"{where} refused the key ({exc.status_code}); check OPENAI_API_KEY for this endpoint"  # type: ignore[attr-defined]


def _is_retried(exc: BaseException) -> bool:
    return isinstance(exc, _RETRIED) and not isinstance(exc, openai.APITimeoutError)


def _wait(state: RetryCallState) -> float:
    """Retry-After when the server sends it (429/503), else exponential backoff with full jitter."""
    exc = state.outcome.exception() if state.outcome else None
    if isinstance(exc, openai.APIStatusError):
        header = exc.response.headers.get("retry-after")
        if header:
            try:
                return min(float(header), _RETRY_AFTER_CAP)
            except ValueError:
                pass
    return float(wait_random_exponential(multiplier=0.5, max=30)(state))


def _log_retry(state: RetryCallState) -> None:
    exc = state.outcome.exception() if state.outcome else None
    _log.info("attempt %d failed (%s); retrying", state.attempt_number, exc)


class RateLimiter:
    """At most ``rpm`` HTTP requests a minute across all threads (re-asks and retries included), spaced
    evenly: an endpoint's rate limit is met before it answers 429."""

    def __init__(self, rpm: float) -> None:
        self.interval = 60.0 / rpm
        self._next = 0.0
        self._lock = threading.Lock()

    def acquire(self, *_: object) -> None:
        with self._lock:
            now = time.monotonic()
            slot = max(now, self._next)
            self._next = slot + self.interval
        if slot > now:
            time.sleep(slot - now)


class ResponseCache:
    """Validated model answers on disk, one JSON file per key. Only answers that parsed into the response
    model are stored (a failed or truncated one raises before ``put``), written atomically."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder

    @staticmethod
    def key(*parts: str) -> str:
        return hashlib.sha256("\x1f".join(parts).encode()).hexdigest()

    def _path(self, key: str) -> Path:
        return self.folder / key[:2] / f"{key}.json"

    def get(self, key: str) -> str | None:
        try:
            return self._path(key).read_text(encoding="utf-8")
        except OSError:
            return None

    def put(self, key: str, value: str) -> None:
        path = self._path(key)
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(f".{os.getpid()}.{threading.get_ident()}.tmp")
        tmp.write_text(value, encoding="utf-8")
        os.replace(tmp, path)


class LLM:
    """Structured calls to one model; ``usage`` accumulates over the calls made through this object (and
    into the per-document ``usage`` a caller passes). Safe to share between threads."""

    def __init__(
        self,
        config: LLMConfig,
        http_client: object | None = None,
        cache: ResponseCache | None = None,
        rpm: float | None = None,
        max_in_flight: int | None = None,
        price: Price | None = None,
    ) -> None:
        self.config = config
        self.cache = cache
        self.price = price
        self.collected: Collected | None = None  # set by a provider-batch run
        self.where = safe_url(config.base_url) or "the endpoint"
        register_secret(config.api_key)
        # At most this many requests in flight across threads: the batch's --workers, so documents can be
        # pipelined (more of them open than slots) and the endpoint always has that many requests to answer.
        self._slots = threading.BoundedSemaphore(max_in_flight) if max_in_flight else None
        if http_client is None and rpm:
            limiter = RateLimiter(rpm)
            http_client = httpx.Client(timeout=config.timeout, event_hooks={"request": [limiter.acquire]})
        self.openai = openai.OpenAI(
            api_key=config.api_key or "not-needed",  # local servers ignore it; the SDK insists on one
            base_url=config.base_url,
            timeout=config.timeout,
            max_retries=0,
            http_client=http_client,  # type: ignore[arg-type]
        )
        self.usage = UsageCounter()  # every call made through this client
        # the endpoint's refusal (401/403/404): every later call raises it at once, so the documents already
        # in flight on other threads send nothing more while the run stops
        self.refused: str | None = None

    def request(
        self, prompt: RenderedPrompt, response_model: type[BaseModel], max_tokens: int | None = None
    ) -> wire.Request:
        return wire.build(
            self.config.model,
            self.config.mode,
            prompt.name,
            prompt.messages,
            response_model,
            max_tokens or self.config.max_tokens,
        )

    def complete(
        self,
        prompt: RenderedPrompt,
        response_model: type[T],
        max_tokens: int | None = None,
        max_retries: int | None = None,
        usage: UsageCounter | None = None,
        cache_scope: str = "",
    ) -> T:
        """One structured answer to ``prompt``. Raises ModelError when retries are spent. A cached answer
        (same scope, e.g. the document's sha256, rendered prompt, model, mode and schema) costs no call."""
        re_asks = self.config.max_retries if max_retries is None else max_retries
        request = self.request(prompt, response_model, max_tokens)
        if self.price is not None:
            for counter in (self.usage, usage):
                if counter is not None:
                    counter.charge(0.0, self.price.currency)  # a priced document costs 0 until it pays
        key = ""
        if self.cache is not None:
            parts = (self.config.model, self.config.mode, schema_json(response_model), str(request.max_tokens))
            key = ResponseCache.key(cache_scope, prompt.sha256, *parts)
            hit = self._cached(key, response_model)
            if hit is not None:
                self._count(usage, cached=1)
                return hit
        first: wire.Completion | None = None
        if self.collected is not None:
            got = self.collected.lookup(request, cache_scope, response_model)
            if isinstance(got, BaseModel):
                return got  # a stand-in: the request waits for its batch, the document is not recorded
            first = got  # a collected answer, or None: ask live
        self._count(usage, calls=1)
        try:
            answer = self._answer(request, response_model, re_asks, usage, first)
        except ModelError as exc:
            exc.usage = usage  # the failure record keeps what the document's calls cost
            raise
        if self.cache is not None:
            self.cache.put(key, answer.model_dump_json())
        return answer

    def _cached(self, key: str, response_model: type[T]) -> T | None:
        assert self.cache is not None
        hit = self.cache.get(key)
        if hit is None:
            return None
        try:
            return response_model.model_validate_json(hit)
        except ValueError:
            return None  # a stale or damaged entry: ask again

    def _answer(
        self,
        request: wire.Request,
        response_model: type[T],
        re_asks: int,
        usage: UsageCounter | None,
        first: wire.Completion | None,
    ) -> T:
        """The first valid answer: from ``first`` (a collected batch answer) or the endpoint, then re-asked
        live with what was wrong, up to ``re_asks`` times."""
        messages: list[dict[str, Any]] = request.body["messages"]
        problem: wire.InvalidAnswer | None = None
        for attempt in range(re_asks + 1):
            if attempt == 0 and first is not None:
                completion, batched = first, True
                self._count(usage, attempts=1, batched=1)
            else:
                body = request.body if attempt == 0 else {**request.body, "messages": messages}
                completion, batched = self._send(body, usage), False
            self._tokens(usage, *wire.usage_of(completion), batched=batched)
            try:
                return wire.parse(completion, response_model, self.config.mode)
            except wire.IncompleteAnswer:
                raise ModelError(
                    f"model {self.config.model} ran out of tokens answering prompt '{request.task}' "
                    f"(max_tokens {request.max_tokens}); raise it or send less text"
                ) from None
            except wire.InvalidAnswer as exc:
                _log.info("invalid %s answer to prompt %r: %s", response_model.__name__, request.task, exc.detail)
                problem = exc
                if attempt < re_asks:
                    self._count(usage, re_asks=1)
                    messages = wire.reask(messages, completion, exc.detail, self.config.mode)
        assert problem is not None
        raise ModelError(
            f"model {self.config.model} gave no valid {response_model.__name__} for prompt "
            f"'{request.task}' after {re_asks} re-asks: {problem.summary}"
        )

    def retrying(self, call: Callable[[], R]) -> R:
        """``call`` with the transport policy: 429, 5xx, connection errors and non-JSON bodies retried with
        backoff (Retry-After honoured); a timeout, a 4xx or a success returned or raised at once."""
        policy = retry(
            retry=retry_if_exception(_is_retried),
            wait=_wait,
            stop=stop_after_attempt(self.config.transport_attempts),
            sleep=lambda seconds: SLEEP(seconds),
            before_sleep=_log_retry,
            reraise=True,
        )
        return policy(call)()

    def _send(self, body: dict[str, Any], usage: UsageCounter | None) -> wire.Completion:
        """POST one request, transport errors retried (never a timeout); the completion as a dict."""

        def attempt() -> wire.Completion:
            with self._slots or contextlib.nullcontext():
                if self.refused is not None:
                    raise ConfigError(self.refused)
                self._count(usage, attempts=1)
                return self._post(body)

        try:
            return self.retrying(attempt)
        except openai.APITimeoutError as exc:
            self._abandoned(usage, body)
            raise ModelError(
                f"{self.where}: no answer within {self.config.timeout:g} s; not asked again, as the endpoint may "
                "still be generating it; raise --timeout, or re-run later"
            ) from exc
        except _CONFIG_ERRORS as exc:
            self.refused = _config_message(self.config, exc)
            raise ConfigError(self.refused) from exc
        except _RETRIED as exc:
            raise ModelError(
                f"{self.where}: {exc}; retried {self.config.transport_attempts} times, try again later"
            ) from exc
        except openai.APIError as exc:  # 400, 422…: the request itself; asking again changes nothing
            raise ModelError(f"{self.where}: {exc}") from exc

    def _post(self, body: dict[str, Any]) -> wire.Completion:
        response = self.openai.post("/chat/completions", body=body, cast_to=httpx.Response)
        try:
            data = json.loads(response.content)
        except ValueError:
            data = None
        if not isinstance(data, dict):
            raise MalformedResponse(f"the endpoint's answer is not JSON: {response.content[:80]!r}")
        return data

    def _abandoned(self, usage: UsageCounter | None, body: dict[str, Any]) -> None:
        """An answer given up at the timeout: the endpoint reported nothing, so its tokens are estimated (the
        prompt by size, the answer as the whole token cap: a busy server finishes it)."""
        prompt, answer = wire.estimate_prompt_tokens(body), int(body.get("max_tokens") or 0)
        self._count(usage, timeouts=1, estimated_tokens=prompt + answer)
        self._tokens(usage, prompt, answer, prompt + answer)

    def _count(self, usage: UsageCounter | None, **counts: int) -> None:
        for counter in (self.usage, usage):
            if counter is not None:
                counter.add(**counts)

    def _tokens(
        self, usage: UsageCounter | None, prompt: int, completion: int, total: int, batched: bool = False
    ) -> None:
        self._count(usage, prompt_tokens=prompt, completion_tokens=completion, total_tokens=total)
        if self.price is not None:
            cost = self.price.cost(prompt, completion, batched)
            for counter in (self.usage, usage):
                if counter is not None:
                    counter.charge(cost, self.price.currency)
