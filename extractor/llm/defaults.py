"""Settings the command line states in its help and the client uses: one source, so the help cannot drift
from what the code does (it once said the local backend waits 900 s while the client waited 180 s)."""

from __future__ import annotations

from dataclasses import dataclass

# Seconds to wait for one answer, per backend. A hosted endpoint answers a section in seconds; the bundled
# local model on 2 cores needs ~4 minutes for a whole table at the token cap (1,600 tokens at ~7 tokens/s).
TIMEOUTS = {"llm": 180.0, "local": 900.0}


def timeout_help() -> str:
    return (
        "seconds to wait for one model answer; an answer not back by then is given up and not asked again, as "
        f"the server may still be generating it (default {TIMEOUTS['llm']:g}; --backend local {TIMEOUTS['local']:g})"
    )


@dataclass(frozen=True, slots=True)
class FileLimits:
    """A provider's limits per batch request file (OpenAI: 50,000 requests, 100 MB at the time of writing)."""

    max_requests: int = 50_000
    max_bytes: int = 100 * 2**20
