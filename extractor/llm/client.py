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
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

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
        self._lock = threading.Lock()
        self._openai = openai.OpenAI(
            api_key=config.api_key or "not-needed",  # local servers ignore it; the SDK insists on one
            base_url=config.base_url,
            timeout=config.timeout,
            max_retries=0,
            http_client=http_client,  # type: ignore[arg-type]
        )
        self._client = instructor.from_openai(self._openai, mode=MODES[config.mode])
        self.usage = Usage()

    def complete(
        self,
        prompt: RenderedPrompt,
        response_model: type[T],
        max_tokens: int | None = None,
        max_retries: int | None = None,
        usage: Usage | None = None,
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
            hit = self.cache.get(key)
            if hit is not None:
                try:
                    answer = response_model.model_validate_json(hit)
                except ValueError:
                    pass  # a stale or damaged entry: ask again
                else:
                    for u in (self.usage, usage):
                        if u is not None:
                            with self._lock:
                                u.cached += 1
                    return answer

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
                max_tokens=max_tokens or self.config.max_tokens,
            )

        self._count(usage, calls=1)
        try:
            if self._slots is None:
                result, completion = call()
            else:
                with self._slots:
                    result, completion = call()
        except IncompleteOutputException as exc:
            raise ModelError(
                f"model {self.config.model} ran out of tokens answering prompt '{prompt.name}' "
                f"(max_tokens {max_tokens or self.config.max_tokens}); raise it or send less text"
            ) from exc
        except InstructorRetryException as exc:
            if isinstance(exc.__cause__, _CONFIG_ERRORS):
                raise ConfigError(_config_message(self.config, exc.__cause__)) from exc
            self._add(getattr(exc, "total_usage", None), usage)
            if _is_transport(exc):
                raise ModelError(
                    f"{self._where}: {exc.__cause__}; retried {self.config.transport_attempts} times, try again later"
                ) from exc
            raise ModelError(
                f"model {self.config.model} gave no valid {response_model.__name__} for prompt "
                f"'{prompt.name}' after {re_asks} re-asks: {exc}"
            ) from exc
        except _TRANSPORT as exc:
            raise ModelError(f"{self._where}: {exc}; try again later") from exc
        except _CONFIG_ERRORS as exc:
            raise ConfigError(_config_message(self.config, exc)) from exc
        self._add(getattr(completion, "usage", None), usage)
        if self.cache is not None:
            self.cache.put(key, result.model_dump_json())
        return result

    def _count(self, usage: Usage | None, calls: int = 0, prompt: int = 0, completion: int = 0, total: int = 0) -> None:
        with self._lock:
            for u in (self.usage, usage):
                if u is not None:
                    u.calls += calls
                    u.prompt_tokens += prompt
                    u.completion_tokens += completion
                    u.total_tokens += total

    def _add(self, reported: object, usage: Usage | None) -> None:
        if reported is None:
            return
        self._count(
            usage,
            prompt=int(getattr(reported, "prompt_tokens", 0) or 0),
            completion=int(getattr(reported, "completion_tokens", 0) or 0),
            total=int(getattr(reported, "total_tokens", 0) or 0),
        )
