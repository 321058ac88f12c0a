"""Build the model stage from command-line choices (shared by ``extract`` and ``eval``)."""

from __future__ import annotations

import tempfile
from dataclasses import replace
from pathlib import Path

from ..errors import ConfigError, UsageError
from ..paths import cache_dir as default_cache
from .client import LLM, LLMConfig, ResponseCache
from .defaults import TIMEOUTS
from .extract import AskMode, ModelStage, TablesMode
from .pricing import load_prices, price_for
from .prompts import DEFAULT_PROMPTS, load_prompt


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
    prices: str | None = None,
    ask: AskMode = "all",
) -> ModelStage | None:
    """None for the rules backend; for ``local``, the local server is started if it is not running. The
    model's price comes from the price tables (bundled examples, the user's, ``prices``), if they have it."""
    if backend == "rules":
        if model or base_url or mode or tables != "parse" or prompts or ask != "all":
            raise UsageError("--model, --base-url, --mode, --tables, --ask and --prompts need --backend llm or local")
        return None
    if backend == "local":
        from . import local

        state = local.start(**({"port": port} if port else {}))
        url = local.base_url(int(str(state["port"])))
        config = LLMConfig(model=str(state["model"]), base_url=url, mode=mode or "tools", timeout=TIMEOUTS["local"])
    elif backend == "llm":
        config = LLMConfig.from_env(model, base_url, mode)
    else:
        raise UsageError(f"unknown backend {backend!r}; one of rules, llm, local")
    if timeout is not None:
        if timeout <= 0:
            raise UsageError("--timeout needs a positive number of seconds")
        config = replace(config, timeout=timeout)
    price = price_for(config.model, load_prices(Path(prices) if prices else None))
    folder = Path(prompts) if prompts else None
    _check_prompts(folder)
    cache = None
    if cache_dir is not None:
        cache = ResponseCache(
            _usable_cache(default_cache() / "responses" if cache_dir == "default" else Path(cache_dir))
        )
    llm = LLM(config, cache=cache, rpm=rpm, max_in_flight=max_in_flight, price=price)
    return ModelStage(llm, folder, tables, ask)


def _check_prompts(folder: Path | None) -> None:
    """Every prompt the stage may use loads now: a bad --prompts stops the run before any document."""
    if folder is not None and not folder.is_dir():
        raise ConfigError(f"--prompts {folder}: no such folder; give the folder holding narrative.md, overview.md, …")
    for template in sorted(DEFAULT_PROMPTS.glob("*.md")):
        load_prompt(template.stem, folder)


def _usable_cache(folder: Path) -> Path:
    """The response cache folder, created and writable, or a ConfigError naming it."""
    try:
        folder.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=folder, prefix=".probe-"):
            pass
    except OSError as exc:
        raise ConfigError(
            f"--cache-dir {folder}: cannot write there ({exc.strerror or exc}); choose another folder or pass --no-cache"
        ) from None
    return folder
