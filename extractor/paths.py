"""Where the package's data and the user's cache live, and how many cores this process may use.

Prompts and the bundled eval set are package data: in a checkout ``extractor/prompts`` and
``extractor/evals`` are links to the top-level ``prompts/`` and ``evals/`` folders people edit; a built
wheel holds copies. Code finds them here, never relative to a checkout.
"""

from __future__ import annotations

import os
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent
PROMPTS = PACKAGE / "prompts"
EVALS = PACKAGE / "evals"


def cache_dir() -> Path:
    """``$EXTRACTOR_CACHE``, else ~/.cache/extractor: model parts, responses, logs."""
    return Path(os.environ.get("EXTRACTOR_CACHE", Path.home() / ".cache" / "extractor"))


def cores() -> int:
    """Cores this process may run on (a container's CPU set, not the host's)."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except (AttributeError, OSError):
        return os.cpu_count() or 1
