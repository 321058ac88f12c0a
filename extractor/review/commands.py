"""``extractor review`` and ``extractor correct`` as the command line runs them (cli.py only wires them in)."""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from pathlib import Path

from rich.console import Console

from ..console import print_error, print_note, print_warning
from ..errors import UsageError
from ..records import is_records_file

EXIT_OK, EXIT_FAILED = 0, 1


def add_parsers(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    rv = sub.add_parser("review", help="build a static review site: values in their source, findings explained")
    rv.add_argument("inputs", nargs="+", help="a JSONL file from 'extractor extract', or report files or folders")
    rv.add_argument("-o", "--output", default="review", help="site folder (default: review/); open its index.html")
    rv.add_argument("--jobs", type=int, help="processes writing pages (default: the CPUs available)")
    rv.add_argument("-q", "--quiet", action="store_true")

    co = sub.add_parser("correct", help="apply a person's corrections (CSV) to records and re-validate them")
    co.add_argument("records", help="a JSONL file from 'extractor extract'")
    co.add_argument("corrections", help="CSV lines doc_id,path,value,note (the review page copies them)")
    co.add_argument("-o", "--output", help="write the corrected records here (default: stdout)")
    co.add_argument("-q", "--quiet", action="store_true")


def run_review(args: argparse.Namespace, err: Console) -> int:
    from .site import build_from_jsonl, build_from_records

    if args.jobs is not None and args.jobs < 1:
        raise UsageError("--jobs needs a positive number")
    records_files = [p for p in args.inputs if Path(p).is_file() and is_records_file(p)]
    if records_files and len(args.inputs) > 1:
        raise UsageError("review one JSONL file at a time, or report files only (they are extracted first)")
    if records_files:
        summary = build_from_jsonl(records_files[0], args.output, args.jobs)
    else:
        from ..pipeline import extract_paths

        records = list(extract_paths(args.inputs))
        if not records:
            raise UsageError(f"no report file (.txt .md .html .pdf .docx) found in {', '.join(args.inputs)}")
        summary = build_from_records(records, args.output, ", ".join(args.inputs))
    for message in summary.malformed:
        print_error(err, message)
    if not args.quiet:
        extra = (
            f"; {summary.sources_not_shown} source(s) not shown (missing or changed)"
            if summary.sources_not_shown
            else ""
        )
        print_note(
            err,
            f"review site: {summary.index} ({summary.documents} document"
            f"{'' if summary.documents == 1 else 's'}, {summary.failed} failed"
            f"{extra}; {summary.bytes / 1e6:.1f} MB in {summary.seconds:.1f} s)",
        )
        if summary.documents == 1:
            page = next(iter(summary.pages.values()))
            print_note(err, f"page: {page}")
    return EXIT_FAILED if summary.malformed else EXIT_OK


def run_correct(args: argparse.Namespace, err: Console) -> int:
    from ..correct import prepare, write

    if args.output and Path(args.output).resolve() == Path(args.records).resolve():
        raise UsageError(f"{args.output}: write the corrected records to another file; the input keeps the extraction")
    applied = prepare(args.records, args.corrections)
    if args.output is None:
        write(args.records, applied, sys.stdout)
    else:
        _write_atomically(Path(args.output), lambda fh: write(args.records, applied, fh))
    for message in applied.malformed:
        print_warning(err, f"{message} (copied unchanged)")
    if not args.quiet:
        for c, old in applied.changes:
            note = f" ({c.note})" if c.note else ""
            print_note(err, f"{c.doc_id} {c.path}: {old} → {c.value}{note}")
        for c in applied.unchanged:
            print_note(err, f"{c.where}: {c.doc_id} {c.path} is already {c.value}; nothing to change")
        left = "; ".join(f"{d}: {', '.join(rules)}" for d, rules in applied.errors_left.items())
        print_note(
            err,
            f"{len(applied.changes)} correction(s) applied to {len(applied.fixed)} document(s), re-validated; "
            f"{applied.passed_through} other record(s) copied"
            + (f"; errors left: {left}" if left else "; no error finding left in the corrected documents"),
        )
    return EXIT_FAILED if applied.errors_left else EXIT_OK


def _write_atomically(path: Path, fill) -> None:  # type: ignore[no-untyped-def]
    """Write to a temporary file beside ``path`` and rename it over: never a half-written output."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    except OSError as exc:
        raise UsageError(f"{path}: cannot write the output ({exc.strerror}); choose another -o path") from None
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fill(fh)
        os.replace(tmp, path)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)
