"""``extractor extract`` and ``extractor compact``: the batch as a person runs it from a terminal."""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING

from rich.console import Console

from . import logs
from .batch import Plan, run_batch, run_config
from .batch_view import Progress, Summary
from .budget import Budget
from .console import print_note
from .errors import ConfigError, UsageError
from .inputs import DocIds, collect_inputs
from .llm.defaults import FileLimits
from .llm.pricing import unknown_price_note
from .outfile import RecordFile, compact, scan
from .paths import cores
from .readers import Limits

if TYPE_CHECKING:
    from .batch_submit import BatchOptions
    from .llm.extract import ModelStage


SMALL_BATCH = 16


def add_extract_options(ex: argparse.ArgumentParser) -> None:
    ex.add_argument(
        "paths", nargs="*", help="report files (.txt .md .html .pdf .docx, scans .png .jpg .tif) or folders (recursive)"
    )
    ex.add_argument("--from-list", metavar="FILE", help="also extract the paths listed in FILE, one per line")
    ex.add_argument("-o", "--output", help="append JSON lines here (re-running resumes) instead of stdout")
    ex.add_argument("-q", "--quiet", action="store_true", help="no progress or summary on stderr (errors still shown)")
    ex.add_argument("-v", "--verbose", action="store_true", help="also show the libraries' log lines on stderr")
    ex.add_argument(
        "--jobs",
        type=int,
        default=None,
        help="worker processes reading documents (default: the cores; batches under 16 files use one)",
    )
    ex.add_argument("--workers", type=int, default=1, help="model requests in flight at once (model backends)")
    ex.add_argument("--rpm", type=float, help="at most this many model requests a minute")
    ex.add_argument("--cache-dir", help="model response cache (default: ~/.cache/extractor/responses)")
    ex.add_argument("--no-cache", action="store_true", help="do not read or write the model response cache")
    ex.add_argument(
        "--max-bytes", type=int, default=Limits().max_bytes, help="skip files larger than this (default 50 MB)"
    )
    ex.add_argument("--log", help="log file for tracebacks and library messages (default: OUTPUT.log)")
    add_cost_options(ex)


def add_cost_options(ex: argparse.ArgumentParser) -> None:
    ex.add_argument(
        "--via",
        choices=["live", "batch-api"],
        default="live",
        help="live: ask the model as documents go (default); batch-api: as provider batches (OpenAI-compatible "
        "/v1/batches, half price, answers within 24 h), the state kept in OUTPUT.batches.db: re-run the same "
        "command to collect and go on",
    )
    ex.add_argument("--wait", action="store_true", help="with --via batch-api: wait for the batches in this run")
    ex.add_argument("--poll", type=float, default=30.0, help="with --wait: seconds between looks (default 30)")
    ex.add_argument(
        "--keep-batch-files",
        action="store_true",
        help="with --via batch-api: leave each batch's request and result files at the provider (by default they "
        "are deleted once its answers are collected)",
    )
    limits = FileLimits()
    ex.add_argument(
        "--batch-max-requests",
        type=int,
        default=limits.max_requests,
        help=f"requests per batch file (default {limits.max_requests:,}, the provider's limit)",
    )
    ex.add_argument(
        "--batch-max-mb",
        type=float,
        default=limits.max_bytes / 2**20,
        help=f"megabytes per batch file (default {limits.max_bytes // 2**20})",
    )
    ex.add_argument(
        "--budget",
        type=float,
        metavar="AMOUNT",
        help="start no document once the run's estimated cost would pass AMOUNT (in the price table's currency)",
    )
    ex.add_argument(
        "--prices",
        metavar="FILE",
        help="a price table (TOML) over the bundled examples and ~/.config/extractor/prices.toml",
    )


def add_compact_options(co: argparse.ArgumentParser) -> None:
    co.add_argument("records", help="a JSONL file written by 'extractor extract'")
    co.add_argument("-o", "--output", help="write the compacted file here instead of replacing RECORDS")


def _inputs(args: argparse.Namespace) -> list[str]:
    listed: list[str] = []
    if args.from_list:
        try:
            listed = [line.strip() for line in Path(args.from_list).read_text(encoding="utf-8").splitlines()]
        except OSError as exc:
            raise UsageError(f"{args.from_list}: cannot read the list ({exc.strerror})") from None
    inputs = [*args.paths, *(p for p in listed if p)]
    if not inputs:
        raise UsageError("give report files or folders, or --from-list FILE")
    return inputs


def _check_numbers(args: argparse.Namespace) -> int:
    if args.workers < 1:
        raise UsageError("--workers needs a positive number")
    jobs = cores() if args.jobs is None else args.jobs
    if jobs < 1:
        raise UsageError("--jobs needs a positive number")
    if args.max_bytes < 1:
        raise UsageError("--max-bytes needs a positive number of bytes")
    return jobs


def extract_command(
    args: argparse.Namespace, err: Console, started: float, stage: ModelStage | None
) -> tuple[Summary, bool]:
    """Run ``extract``; returns the summary and whether a model was used. ``stage`` is the model stage
    (or None), built by the caller so configuration errors stop the run before any document."""
    inputs = _inputs(args)
    jobs = _check_numbers(args)
    found = collect_inputs(inputs)
    if len(found.files) < SMALL_BATCH:
        jobs = 1  # starting worker processes costs more than a handful of documents take
    if not found.files:
        raise UsageError(
            f"no report file (.txt .md .html .pdf .docx .png .jpg .tif) found in {', '.join(inputs)}; give files or folders holding them"
        )
    if found.hidden and not args.quiet:
        shown = ", ".join(found.hidden[:3]) + (" …" if len(found.hidden) > 3 else "")
        print_note(
            err,
            f"skipped {len(found.hidden)} hidden entries (names starting with '.'): {shown}; give a file by its path to extract it",
        )
    budget = _budget(args, stage, err)
    log = Path(args.log) if args.log else logs.default_log_path(args.output)
    logs.setup(log, args.verbose)
    plan = Plan(run_config(stage), Limits(max_bytes=args.max_bytes), jobs, args.workers, log, args.verbose)
    ids = DocIds()

    def progress() -> Progress:
        return Progress(err, len(found.files), bar=not args.quiet and err.is_terminal)

    if args.output is None:
        summary = run_batch(found.files, _stdout_line, stage, plan, None, ids, progress(), budget=budget)
    elif args.via == "batch-api":
        assert stage is not None
        from .batch_submit import Run

        with RecordFile(Path(args.output)) as out:
            say = (lambda message: None) if args.quiet else (lambda message: print_note(err, message))
            summary = Run(found.files, out, stage, plan, ids, progress, _batch_options(args), budget, say)()
    else:
        with RecordFile(Path(args.output)) as out:
            known = scan(out.path)
            for name, entry in known.items():
                ids.reserve(entry.doc_id, name)
            summary = run_batch(found.files, out, stage, plan, known, ids, progress(), budget=budget)
    summary.wall_s = time.monotonic() - started
    return summary, stage is not None


def _budget(args: argparse.Namespace, stage: ModelStage | None, err: Console) -> Budget | None:
    """The --budget, checked; says once when the model has no price (tokens are counted, cost is not)."""
    price = getattr(stage.llm, "price", None) if stage is not None else None
    if stage is not None and price is None and args.budget is None and not args.quiet:
        print_note(err, unknown_price_note(stage.llm.config.model))
    if args.via == "batch-api":
        if stage is None or args.backend != "llm":
            raise UsageError("--via batch-api needs --backend llm (an endpoint with files and batches endpoints)")
        if args.output is None:
            raise UsageError("--via batch-api needs -o OUTPUT: the batches' state is kept beside it")
    if args.budget is None:
        return None
    if stage is None:
        raise UsageError("--budget needs a model backend (--backend llm or local)")
    if args.budget <= 0:
        raise UsageError("--budget needs a positive amount")
    if price is None:
        raise ConfigError(f"--budget needs a price: {unknown_price_note(stage.llm.config.model)}")
    return Budget(args.budget, price.currency)


def _batch_options(args: argparse.Namespace) -> BatchOptions:
    from .batch_submit import BatchOptions

    if args.batch_max_requests < 1 or args.batch_max_mb <= 0 or args.poll < 0:
        raise UsageError("--batch-max-requests, --batch-max-mb and --poll need positive numbers")
    limits = FileLimits(args.batch_max_requests, int(args.batch_max_mb * 2**20))
    return BatchOptions(limits, args.wait, args.poll, args.keep_batch_files)


def _stdout_line(line: str) -> None:
    sys.stdout.write(line + "\n")
    sys.stdout.flush()


def print_summary(err: Console, summary: Summary, model: bool) -> None:
    table = summary.table("extraction summary")
    if table is not None:
        err.print(table)
    err.print(summary.line(model), soft_wrap=True, markup=False, highlight=False)
    for note in summary.notes:
        print_note(err, note)


def compact_command(args: argparse.Namespace, err: Console) -> None:
    source = Path(args.records)
    if not source.is_file():
        raise UsageError(f"{args.records}: no such file; give a JSONL file from 'extractor extract'")
    kept, dropped = compact(source, Path(args.output) if args.output else None)
    where = args.output or args.records
    print_note(err, f"{where}: {kept} lines kept, {dropped} superseded records dropped")
