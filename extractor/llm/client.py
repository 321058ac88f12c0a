"""One OpenAI-compatible client through instructor, with transport retries and token accounting.

Transport errors (429, 5xx, timeouts, connection) are retried here with tenacity (exponential backoff with
jitter, honouring Retry-After); the openai client's own retries are off so there is one policy. Validation
failures are re-asked by instructor up to ``max_retries``. Tokens are summed over re-asks (instructor
accumulates them into the final response's usage).
"""

from __future__ import annotations

import hashlib
import json
import os
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol, TypeVar

import httpx
import instructor
import openai
from instructor.core import IncompleteOutputException, InstructorRetryException
from pydantic import BaseModel
from tenacity import RetryCallState, retry, retry_if_exception, stop_after_attempt, wait_random_exponential

from ..errors import ConfigError, ModelError
from ..redact import register_secret, safe_url
from ..schema import Usage
from .prompts import RenderedPrompt

T = TypeVar("T", bound=BaseModel)


@dataclass
class UsageCounter:
    """Calls and tokens, added to while calls run (from several threads: the client adds under its lock);
    ``usage()`` is the immutable figure a record keeps."""

    calls: int = 0
    prompt_tokens: int = 0
    completion_tokens: int = 0
    total_tokens: int = 0
    cached: int = 0
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False, compare=False)

    def add(self, calls: int = 0, prompt: int = 0, completion: int = 0, total: int = 0, cached: int = 0) -> None:
        with self._lock:
            self.calls += calls
            self.prompt_tokens += prompt
            self.completion_tokens += completion
            self.total_tokens += total
            self.cached += cached

    def usage(self) -> Usage:
        with self._lock:
            return Usage(
                calls=self.calls,
                prompt_tokens=self.prompt_tokens,
                completion_tokens=self.completion_tokens,
                total_tokens=self.total_tokens,
                cached=self.cached,
            )


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


MODES = {"tools": instructor.Mode.TOOLS, "json": instructor.Mode.JSON, "json_schema": instructor.Mode.JSON_SCHEMA}
_TRANSPORT = (openai.APIConnectionError, openai.APITimeoutError, openai.RateLimitError, openai.InternalServerError)
_RETRY_AFTER_CAP = 60.0
SLEEP = time.sleep  # backoff waits; tests replace it with a fake clock


@dataclass(frozen=True)
class LLMConfig:
    model: str
    base_url: str | None = None
    api_key: str | None = None
    mode: str = "tools"
    max_retries: int = 2  # instructor re-asks after a validation failure
    transport_attempts: int = 5
    timeout: float = 180.0
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


_CONFIG_ERRORS = (openai.AuthenticationError, openai.PermissionDeniedError, openai.NotFoundError)


def _config_message(config: LLMConfig, exc: Exception) -> str:
    """A 401/403/404 is the caller's configuration, not the model's answer: say what to check."""
    where = safe_url(config.base_url) or "the OpenAI endpoint"
    if isinstance(exc, openai.NotFoundError):
        return f"{where} does not know model {config.model!r} (404); check --model / EXTRACTOR_MODEL and --base-url"
    return f"{where} refused the key ({exc.status_code}); check OPENAI_API_KEY for this endpoint"  # type: ignore[attr-defined]


def _is_transport(exc: BaseException) -> bool:
    return isinstance(exc, _TRANSPORT) or isinstance(exc.__cause__, _TRANSPORT)


def _wait(state: RetryCallState) -> float:
    """Retry-After when the server sends it (429/503), else exponential backoff with full jitter."""
    exc = state.outcome.exception() if state.outcome else None
    cause = exc.__cause__ if exc is not None and not isinstance(exc, openai.APIStatusError) else exc
    if isinstance(cause, openai.APIStatusError):
        header = cause.response.headers.get("retry-after")
        if header:
            try:
                return min(float(header), _RETRY_AFTER_CAP)
            except ValueError:
                pass
    return float(wait_random_exponential(multiplier=0.5, max=30)(state))


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
    ) -> None:
        self.config = config
        self.cache = cache
        self._where = safe_url(config.base_url) or "the endpoint"
        register_secret(config.api_key)
        # At most this many requests in flight across threads: the batch's --workers, so documents can be
        # pipelined (more of them open than slots) and the endpoint always has that many requests to answer.
        self._slots = threading.BoundedSemaphore(max_in_flight) if max_in_flight else None
        if http_client is None and rpm:
            limiter = RateLimiter(rpm)
            http_client = httpx.Client(timeout=config.timeout, event_hooks={"request": [limiter.acquire]})
        self._openai = openai.OpenAI(
            api_key=config.api_key or "not-needed",  # local servers ignore it; the SDK insists on one
            base_url=config.base_url,
            timeout=config.timeout,
            max_retries=0,
            http_client=http_client,  # type: ignore[arg-type]
        )
        self._client = instructor.from_openai(self._openai, mode=MODES[config.mode])
        self.usage = UsageCounter()  # every call made through this client

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
        limit = max_tokens or self.config.max_tokens
        key = ""
        if self.cache is not None:
            key = ResponseCache.key(
                cache_scope,
                prompt.sha256,
                self.config.model,
                self.config.mode,
                json.dumps(response_model.model_json_schema(), sort_keys=True),
                str(limit),
            )
            hit = self._cached(key, response_model)
            if hit is not None:
                self._count(usage, cached=1)
                return hit
        self._count(usage, calls=1)
        try:
            result, completion = self._call(prompt, response_model, re_asks, limit)
        except InstructorRetryException as exc:
            if not isinstance(exc.__cause__, _CONFIG_ERRORS):
                self._add(getattr(exc, "total_usage", None), usage)
            raise self._error(exc, prompt, response_model, re_asks, limit) from exc
        except (IncompleteOutputException, *_TRANSPORT, *_CONFIG_ERRORS) as exc:
            raise self._error(exc, prompt, response_model, re_asks, limit) from exc
        self._add(getattr(completion, "usage", None), usage)
        if self.cache is not None:
            self.cache.put(key, result.model_dump_json())
        return result

    def _cached(self, key: str, response_model: type[T]) -> T | None:
        assert self.cache is not None
        hit = self.cache.get(key)
        if hit is None:
            return None
        try:
            return response_model.model_validate_json(hit)
        except ValueError:
            return None  # a stale or damaged entry: ask again

    def _call(self, prompt: RenderedPrompt, response_model: type[T], re_asks: int, limit: int) -> tuple[T, object]:
        """The request, with transport retries, in one of the ``max_in_flight`` slots."""

        @retry(
            retry=retry_if_exception(_is_transport),
            wait=_wait,
            stop=stop_after_attempt(self.config.transport_attempts),
            sleep=lambda seconds: SLEEP(seconds),
            reraise=True,
        )
        def call() -> tuple[T, object]:
            return self._client.chat.completions.create_with_completion(
                model=self.config.model,
                response_model=response_model,
                messages=prompt.messages,  # type: ignore[arg-type]
                max_retries=re_asks,
                temperature=0,
                max_tokens=limit,
            )

        if self._slots is None:
            return call()
        with self._slots:
            return call()

    def _error(
        self, exc: Exception, prompt: RenderedPrompt, response_model: type[BaseModel], re_asks: int, limit: int
    ) -> ModelError | ConfigError:
        """What failed, in words that say what to do. A refused key or an unknown model is the caller's
        configuration (ConfigError: it stops the run), not this document's failure."""
        config = self.config
        if isinstance(exc, IncompleteOutputException):
            return ModelError(
                f"model {config.model} ran out of tokens answering prompt '{prompt.name}' (max_tokens {limit}); "
                "raise it or send less text"
            )
        cause = exc.__cause__ if isinstance(exc, InstructorRetryException) else exc
        if isinstance(cause, _CONFIG_ERRORS):
            return ConfigError(_config_message(config, cause))
        if isinstance(exc, InstructorRetryException) and _is_transport(exc):
            return ModelError(
                f"{self._where}: {exc.__cause__}; retried {config.transport_attempts} times, try again later"
            )
        if isinstance(exc, InstructorRetryException):
            return ModelError(
                f"model {config.model} gave no valid {response_model.__name__} for prompt '{prompt.name}' after "
                f"{re_asks} re-asks: {exc}"
            )
        return ModelError(f"{self._where}: {exc}; try again later")

    def _count(self, usage: UsageCounter | None, **counts: int) -> None:
        for u in (self.usage, usage):
            if u is not None:
                u.add(**counts)

    def _add(self, reported: object, usage: UsageCounter | None) -> None:
        if reported is None:
            return
        self._count(
            usage,
            prompt=int(getattr(reported, "prompt_tokens", 0) or 0),
            completion=int(getattr(reported, "completion_tokens", 0) or 0),
            total=int(getattr(reported, "total_tokens", 0) or 0),
        )
