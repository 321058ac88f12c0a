"""Batch extraction: thousands of files to one JSONL output, on every core, resumable, with progress.

Parsing is CPU work, so documents are read and extracted in ``jobs`` worker processes; with a model, the
model calls run on threads of the main process (at most ``workers`` requests in flight, capped by the
client) while the workers read the next files. Each worker hands back the finished JSON line and the few
counts the summary needs, so the main process never holds or re-serialises a record. Resume, the output
lock and whole-line writes live in ``outfile``.
"""

from __future__ import annotations

import hashlib
import multiprocessing
import signal
from collections.abc import Callable, Iterator
from concurrent.futures import FIRST_COMPLETED, Executor, Future, ProcessPoolExecutor, ThreadPoolExecutor, wait
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from . import __version__, logs
from .batch_view import Outcome, Progress, Summary
from .budget import Budget
from .errors import BatchWaiting, ExtractorError
from .ingest import Document
from .inputs import DocIds, InputFile
from .outfile import Known, RecordFile
from .pipeline import extract_path, file_sha256, refusal_config
from .readers import DEFAULT_LIMITS, Limits, read
from .redact import safe_url
from .schema import FailureRecord, Report

if TYPE_CHECKING:
    from .llm.extract import ModelStage

__all__ = ["Interrupted", "Outcome", "Summary", "run_batch", "run_config"]


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
    endpoint = safe_url(c.base_url) or "default"
    return (
        f"extractor {__version__}; backend llm; endpoint {endpoint}; model {c.model}; mode {c.mode}; "
        f"tables {stage.tables}; prompts {prompts}{ocr}" + ("" if stage.ask == "all" else f"; ask {stage.ask}")
    )


class Interrupted(ExtractorError):
    """Ctrl-C: the records written so far are whole; the same command resumes."""

    def __init__(self, summary: Summary) -> None:
        self.summary = summary
        super().__init__(
            f"interrupted after {summary.ok + summary.failed} documents; re-run the same command to resume"
        )


@dataclass(frozen=True, slots=True)
class Plan:
    """A run's settings that every document shares."""

    config: str
    limits: Limits = DEFAULT_LIMITS
    jobs: int = 1
    workers: int = 1
    log: Path | None = None
    verbose: bool = False


def _finish(record: Report | FailureRecord) -> Outcome:
    return Outcome.of(record, record.model_dump_json())


def _init_worker(log: Path | None, verbose: bool) -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the main process handles Ctrl-C and stops the pool
    logs.setup(log, verbose)


def _pending_jobs(
    files: list[InputFile],
    known: dict[str, Known],
    configs: tuple[str, str],
    ids: DocIds,
    summary: Summary,
    progress: Progress,
) -> Iterator[tuple[InputFile, str]]:
    """The files still to do; a file whose latest record is current (same bytes, same configuration, and
    either a success or a failure of the file itself) is skipped. ``configs``: the run's, and the one a size
    refusal holds under (the run's with its limits)."""
    for item in files:
        doc_id = ids.of(item)
        entry = known.get(item.name)
        if _is_done(item, entry, configs):
            summary.skipped += 1
            summary.skipped_failed += entry is not None and not entry.ok
            progress.advance()
            continue
        yield item, doc_id


def _is_done(item: InputFile, known: Known | None, configs: tuple[str, str]) -> bool:
    if known is None or known.config not in configs or (not known.ok and known.retry):
        return False
    digest = file_sha256(item.path)
    if known.sha256 is None:  # a FIFO or a device, never read: done if it still is one
        return not known.ok and digest is None and item.path.exists()
    return digest == known.sha256


def run_batch(
    files: list[InputFile],
    out: RecordFile | Callable[[str], None],
    stage: ModelStage | None = None,
    plan: Plan | None = None,
    known: dict[str, Known] | None = None,
    ids: DocIds | None = None,
    progress: Progress | None = None,
    budget: Budget | None = None,
) -> Summary:
    """Extract ``files`` to ``out`` (a RecordFile, or any function taking a JSON line); with ``budget``, no
    document starts once the run's estimated cost would pass it."""
    plan = plan or Plan(run_config(stage))
    ids = ids or DocIds()
    summary = Summary()
    progress = progress or Progress(None, len(files))
    write_line = out.append if isinstance(out, RecordFile) else out

    def write(outcome: Outcome) -> None:
        if outcome.pending:  # waits for a provider batch: recorded by the run that collects its answers
            summary.waiting += 1
            progress.advance()
            return
        write_line(outcome.line)
        summary.add(outcome)
        if budget is not None:
            budget.record(outcome)
        progress.done(outcome, summary)

    jobs = _pending_jobs(
        files, known or {}, (plan.config, refusal_config(plan.config, plan.limits)), ids, summary, progress
    )
    try:
        with progress:
            _dispatch(jobs, stage, plan, write, budget.admit if budget is not None else None)
    except KeyboardInterrupt:
        raise Interrupted(summary) from None
    if budget is not None and budget.stopped:
        summary.not_started = len(files) - (summary.ok + summary.failed + summary.skipped + summary.waiting)
        summary.notes.append(budget.note())
    return summary


def _dispatch(
    jobs: Iterator[tuple[InputFile, str]],
    stage: ModelStage | None,
    plan: Plan,
    write: Callable[[Outcome], None],
    admit: Callable[[int], bool | None] | None = None,
) -> None:
    if plan.jobs <= 1 and (stage is None or plan.workers <= 1):
        for item, doc_id in jobs:  # one document at a time, in this process: no start-up cost
            if admit is not None and admit(0) is None:
                break
            write(_model_job(item, doc_id, stage, plan, read))
        return
    procs = _process_pool(plan) if plan.jobs > 1 else None
    try:
        if stage is None:
            assert procs is not None
            # a rules document takes a few ms: with only a couple queued per worker, workers sat idle waiting for
            # the pool's round trip (--jobs 2 was slower than --jobs 1 on text); 16 each keep them busy
            submit_rules = lambda item, doc_id: procs.submit(_model_job, item, doc_id, None, plan, read)  # noqa: E731
            _drain(jobs, procs, submit_rules, 16 * plan.jobs, write)
            return
        reader = _remote_reader(procs) if procs is not None else read
        # twice as many documents open as requests may be in flight (the client caps those at ``workers``):
        # while some documents are read or wait for a slot, the endpoint is never idle
        threads = 2 * plan.workers
        with ThreadPoolExecutor(max_workers=threads) as pool:
            try:
                submit = lambda i, d: pool.submit(_model_job, i, d, stage, plan, reader)  # noqa: E731
                _drain(jobs, pool, submit, 2 * threads, write, admit)
            except BaseException:
                pool.shutdown(wait=False, cancel_futures=True)
                raise
    finally:
        if procs is not None:
            procs.shutdown(wait=True, cancel_futures=True)


def _process_pool(plan: Plan) -> ProcessPoolExecutor:
    # forkserver: workers start clean, never forked from a process that runs threads (the progress bar's)
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(["extractor.pipeline"])  # workers fork with the parsers imported
    return ProcessPoolExecutor(
        plan.jobs, mp_context=context, initializer=_init_worker, initargs=(plan.log, plan.verbose)
    )


def _remote_reader(procs: Executor) -> Callable[[Path, Limits], Document]:
    def reader(path: Path, limits: Limits) -> Document:
        return procs.submit(read, path, limits).result()

    return reader


def _model_job(
    item: InputFile, doc_id: str, stage: ModelStage | None, plan: Plan, reader: Callable[[Path, Limits], Document]
) -> Outcome:
    try:
        return _finish(extract_path(item, doc_id, stage, plan.limits, reader=reader, config=plan.config))
    except BatchWaiting:  # recorded by the run that collects its answers
        return Outcome(doc_id, "", pending=True)


def _drain(
    jobs: Iterator[tuple[InputFile, str]],
    pool: Executor,
    submit: Callable[[InputFile, str], Future[Outcome]],
    in_flight: int,
    write: Callable[[Outcome], None],
    admit: Callable[[int], bool | None] | None = None,
) -> None:
    """Keep ``in_flight`` documents submitted (memory stays flat in the number of documents); write each
    as it finishes. ``admit`` (the budget) decides, before each document starts, whether it may. An exception
    from a document (a configuration error) stops the run."""
    pending: set[Future[Outcome]] = set()

    def settle() -> None:
        finished, _ = wait(pending, return_when=FIRST_COMPLETED)
        pending.difference_update(finished)
        for future in finished:
            write(future.result())

    try:
        for item, doc_id in jobs:
            verdict = admit(len(pending)) if admit is not None else True
            while verdict is False:
                settle()
                verdict = admit(len(pending)) if admit is not None else True
            if verdict is None:
                break
            pending.add(submit(item, doc_id))
            while len(pending) >= in_flight:
                settle()
        while pending:
            settle()
    except BaseException:
        for future in pending:
            future.cancel()
        raise
