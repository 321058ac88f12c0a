"""The model options ``extract`` and ``eval`` share, and the model stage they ask for.

Nothing here imports the model client: with the rules backend, openai and instructor are never loaded.
"""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING

from .errors import UsageError
from .llm.defaults import timeout_help

if TYPE_CHECKING:
    from .llm.extract import ModelStage


def add_model_options(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--backend",
        choices=["rules", "llm", "local"],
        default="rules",
        help="rules: no model (default); llm: an OpenAI-compatible endpoint; local: the bundled local model",
    )
    p.add_argument("--model", help="model name (default: $EXTRACTOR_MODEL)")
    p.add_argument("--base-url", help="endpoint (default: $OPENAI_BASE_URL, else OpenAI); key from $OPENAI_API_KEY")
    p.add_argument("--mode", choices=["tools", "json", "json_schema"], default=None, help="instructor mode (tools)")
    p.add_argument(
        "--tables",
        choices=["parse", "model", "both"],
        default="parse",
        help="parse: model only fills tables the parser could not read; model: model tables; "
        "both: compare and report disagreements",
    )
    p.add_argument(
        "--ask",
        choices=["all", "needed"],
        default="all",
        help="all: ask the model about every document's narrative and overview (default); needed: only where the "
        "rules read it poorly (what a rules record lists in needs_model), to spend on a batch only what the rules "
        "could not do",
    )
    p.add_argument("--prompts", help="prompt folder (default: prompts/ of this checkout)")
    p.add_argument("--timeout", type=float, help=timeout_help())


def model_stage(args: argparse.Namespace) -> ModelStage | None:
    """The model stage the flags ask for, or None for the rules backend."""
    if args.backend == "rules" and not (args.model or args.base_url or args.mode or args.prompts):
        if args.tables != "parse" or args.ask != "all":
            raise UsageError("--tables and --ask need --backend llm or local")
        return None  # no model: the llm package (openai, instructor) is not even imported
    from .llm.setup import build_stage

    return build_stage(
        args.backend,
        args.model,
        args.base_url,
        args.mode,
        args.tables,
        args.prompts,
        getattr(args, "port", None),
        cache_dir=None if getattr(args, "no_cache", False) else getattr(args, "cache_dir", None) or "default",
        rpm=getattr(args, "rpm", None),
        timeout=args.timeout,
        max_in_flight=getattr(args, "workers", None),
        prices=getattr(args, "prices", None),
        ask=args.ask,
    )
