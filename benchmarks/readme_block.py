"""A benchmark's figures in README.md, written by the benchmark itself between two markers, never by hand.

<!-- bench:NAME -->
... what the benchmark printed, with the command, the date and the load average ...
<!-- /bench:NAME -->
"""

from __future__ import annotations

import os
import re
import sys
from datetime import date
from pathlib import Path

README = Path(__file__).resolve().parent.parent / "README.md"


def header(script: str, argv: list[str]) -> str:
    """The command as typed, the date, the machine and its load: what a reader needs to weigh the figures."""
    load = ", ".join(f"{x:.1f}" for x in os.getloadavg()) if hasattr(os, "getloadavg") else "unknown"
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    command = " ".join(["python", f"benchmarks/{script}", *argv])
    return (
        f"`{command}`, {date.today().isoformat()}, Python {sys.version.split()[0]}, "
        f"{os.cpu_count()} CPUs ({cores} usable), load average {load} (1, 5, 15 min) at the end"
    )


def update(name: str, block: str, readme: Path = README) -> None:
    """Replace the text between ``<!-- bench:NAME -->`` and ``<!-- /bench:NAME -->``; exit if the markers are
    missing (the README decides where figures go, the benchmark only what they are)."""
    text = readme.read_text(encoding="utf-8")
    begin, end = f"<!-- bench:{name} -->", f"<!-- /bench:{name} -->"
    pattern = re.compile(re.escape(begin) + r".*?" + re.escape(end), re.S)
    if not pattern.search(text):
        raise SystemExit(f"{readme}: no {begin} ... {end} markers; add them where the figures belong")
    readme.write_text(pattern.sub(lambda _: f"{begin}\n{block.strip()}\n{end}", text), encoding="utf-8")
