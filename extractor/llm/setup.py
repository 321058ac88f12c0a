"""Build the model stage from command-line choices (shared by ``extract`` and ``eval``)."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from ..errors import UsageError
from ..paths import cache_dir as default_cache
from .client import LLM, LLMConfig, ResponseCache
from .extract import ModelStage, TablesMode


def build_stage(
    backend: str,
    model: str | None = None,
    base_url: str | None = None,
    mode: str | None = None,
    tables: TablesMode = "parse",
    prompts: str | None = None,
    port: int | None = None,
    cache_dir: str | None = None,
    rpm: float | None = None,
    timeout: float | None = None,
    max_in_flight: int | None = None,
) -> ModelStage | None:
    """None for the rules backend; for ``local``, the local server is started if it is not running."""
    if backend == "rules":
        if model or base_url or mode or tables != "parse" or prompts:
            raise UsageError("--model, --base-url, --mode, --tables and --prompts need --backend llm or local")
        return None
    if backend == "local":
        from . import local

        state = local.start(**({"port": port} if port else {}))
        config = LLMConfig(
            model=str(state["model"]), base_url=local.base_url(int(str(state["port"]))), mode=mode or "tools"
        )
    elif backend == "llm":
        config = LLMConfig.from_env(model, base_url, mode)
    else:
        raise UsageError(f"unknown backend {backend!r}; one of rules, llm, local")
    if timeout:
        config = replace(config, timeout=timeout)
    cache = None
    if cache_dir is not None:
        cache = ResponseCache(default_cache() / "responses" if cache_dir == "default" else Path(cache_dir))
    return ModelStage(
        LLM(config, cache=cache, rpm=rpm, max_in_flight=max_in_flight), Path(prompts) if prompts else None, tables
    )
