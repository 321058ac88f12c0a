"""Batch extraction: thousands of files, streamed to JSONL, concurrent, resumable, with progress.

Records are appended and flushed one by one (fsync at least every 2 s), so a killed job loses at most the
documents in flight. Re-running the same command skips every document whose sha256 and run configuration
are already in the output (a truncated last line is cut off first), so nothing is lost or written twice.
Model calls run on ``workers`` threads; parsing is CPU work and stays cheap beside them.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import time
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, TYPE_CHECKING

from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    ProgressColumn,
    Task,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)
from rich.text import Text

from . import __version__
from .pipeline import DocIds, extract_path
from .schema import FailureRecord, Report

if TYPE_CHECKING:
    from .llm.extract import ModelStage

FSYNC_EVERY_S = 2.0


def run_config(stage: ModelStage | None) -> str:
    """What a record's content depends on: a record made under another configuration is redone."""
    from .readers.ocr import ocr_mode

    ocr = "" if ocr_mode() == "auto" else f"; ocr {ocr_mode()}"  # the default leaves older records valid
    if stage is None:
        return f"extractor {__version__}; backend rules{ocr}"
    from .llm.prompts import DEFAULT_PROMPTS

    folder = stage.prompts_dir or DEFAULT_PROMPTS
    prompts = hashlib.sha256(b"".join(p.read_bytes() for p in sorted(folder.glob("*.md")))).hexdigest()[:12]
    c = stage.llm.config
    return f"extractor {__version__}; backend llm; model {c.model}; mode {c.mode}; tables {stage.tables}; prompts {prompts}{ocr}"


@dataclass
class BatchSummary:
    ok: int = 0
    failed: int = 0
    skipped: int = 0
    tokens: int = 0
    calls: int = 0
    cached: int = 0
    by_rule: Counter[str] = field(default_factory=Counter)
    wall_s: float = 0.0

    def add(self, record: Report | FailureRecord) -> None:
        if isinstance(record, FailureRecord):
            self.failed += 1
            return
        self.ok += 1
        self.by_rule.update(f"{f.rule} {f.severity}" for f in record.findings)
        usage = record.provenance.usage
        if usage is not None:
            self.tokens += usage.total_tokens
            self.calls += usage.calls
            self.cached += usage.cached


def _done(out: Path, config: str, ids: DocIds) -> set[str]:
    """sha256 of the documents already in ``out`` under ``config``; cuts a truncated last line."""
    if not out.exists():
        return set()
    data = out.read_bytes()
    end = data.rfind(b"\n") + 1
    if end < len(data):  # the job was killed mid-line: drop the partial record, it will be redone
        with open(out, "r+b") as fh:
            fh.truncate(end)
        data = data[:end]
    done = set()
    for line in data.splitlines():
        try:
            record = json.loads(line)
        except ValueError:
            continue
        record_config = record.get("config") or (record.get("provenance") or {}).get("config")
        sha = (record.get("source") or {}).get("sha256")
        ids.reserve(record.get("doc_id", ""))
        if sha and record_config == config:
            done.add(sha)
    return done


def _sha256(path: Path) -> str | None:
    try:
        return hashlib.sha256(path.read_bytes()).hexdigest()
    except OSError:
        return None  # extract_path will record the failure


def run_batch(
    paths: list[Path],
    out: IO[str],
    stage: ModelStage | None = None,
    workers: int = 1,
    done: set[str] | None = None,
    ids: DocIds | None = None,
    progress: bool = False,
    err: Console | None = None,
    observe: Callable[[Report | FailureRecord], None] | None = None,
) -> BatchSummary:
    """Extract ``paths`` to ``out`` (JSON lines), ``workers`` documents at a time."""
    config = run_config(stage)
    ids = ids or DocIds()
    done = done or set()
    summary = BatchSummary()
    start = last_sync = time.monotonic()
    columns = [
        TextColumn("[bold]extract"),
        BarColumn(),
        MofNCompleteColumn(),
        _RateColumn(),
        TimeElapsedColumn(),
        TimeRemainingColumn(),
        TextColumn("{task.fields[status]}"),
    ]
    with Progress(*columns, console=err or Console(stderr=True), disable=not progress, transient=False) as bar:
        task = bar.add_task("extract", total=len(paths), status="")

        def jobs() -> Iterator[tuple[Path, str]]:
            for path in paths:
                if done and _sha256(path) in done:  # hash only when resuming: a fresh run reads each file once
                    summary.skipped += 1
                    bar.advance(task)
                    continue
                yield path, ids.next(path)

        def write(record: Report | FailureRecord) -> None:
            nonlocal last_sync
            if isinstance(record, FailureRecord):
                record.config = config
                if err is not None:
                    err.print(f"[red]error:[/red] {_escape(record.error.message)}", soft_wrap=True)
            else:
                record.provenance.config = config
            out.write(record.model_dump_json() + "\n")
            out.flush()
            if time.monotonic() - last_sync >= FSYNC_EVERY_S and hasattr(out, "fileno"):
                with contextlib.suppress(OSError, ValueError):  # a pipe or a terminal: nothing to sync
                    os.fsync(out.fileno())
                last_sync = time.monotonic()
            summary.add(record)
            if observe is not None:
                observe(record)
            bar.update(task, advance=1, status=f"failed {summary.failed} · tokens {summary.tokens}")

        _run(jobs(), stage, workers, write)
    summary.wall_s = time.monotonic() - start
    return summary


class _RateColumn(ProgressColumn):
    """Documents a second; blank until rich has two samples (``task.speed`` is None before that)."""

    def render(self, task: Task) -> Text:
        speed = task.finished_speed or task.speed
        return Text("" if speed is None else f"{speed:.1f} doc/s", style="progress.data.speed")


def _run(jobs: Iterable[tuple[Path, str]], stage: ModelStage | None, workers: int, write) -> None:  # type: ignore[no-untyped-def]
    if workers <= 1:
        for path, doc_id in jobs:
            write(extract_path(path, doc_id, stage))
        return
    # With a model, twice as many documents are open as requests may be in flight (the client caps those at
    # ``workers``): while some documents parse or wait for a slot, the endpoint is never left idle.
    threads = 2 * workers if stage is not None else workers
    with ThreadPoolExecutor(max_workers=threads) as pool:
        pending: set[Future[Report | FailureRecord]] = set()
        for path, doc_id in jobs:
            pending.add(pool.submit(extract_path, path, doc_id, stage))
            if len(pending) >= 2 * threads:  # bounded in flight: memory stays flat in the number of documents
                finished, pending = wait(pending, return_when=FIRST_COMPLETED)
                for f in finished:
                    write(f.result())
        for f in wait(pending).done:
            write(f.result())


def _escape(text: str) -> str:
    from rich.markup import escape

    return escape(text)


def resume_state(out: Path, stage: ModelStage | None) -> tuple[set[str], DocIds]:
    ids = DocIds()
    return _done(out, run_config(stage), ids), ids
