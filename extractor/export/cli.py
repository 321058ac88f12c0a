"""``extractor export``, ``extractor codebook`` and ``extractor validate --across-years``: argument parsing and
what they print. Files and JSON go where -o says (or stdout); progress and summaries go to stderr."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.table import Table
from rich.text import Text

from ..console import print_error
from ..crossyear import CrossYearResult, check_across_years, facts_of
from ..errors import RecordError, UsageError
from ..organs import load_aliases
from ..records import read_refs, scan
from .codebook import write_codebook
from .run import SHAPES, ExportResult, export_file

EXIT_OK, EXIT_FAILED = 0, 1
_SHOW_FINDINGS = 50


def add_parsers(sub: Any) -> None:
    """The export and codebook subcommands."""
    ex = sub.add_parser("export", help="export records to a table: .csv, .parquet or .xlsx (long, wide or panel)")
    ex.add_argument("records", help="a JSONL file from 'extractor extract' (the latest record per document is used)")
    ex.add_argument("-o", "--output", required=True, help="the table to write; its suffix picks the format")
    ex.add_argument(
        "--shape",
        choices=SHAPES,
        default="long",
        help="long: a row per cell; wide: a row per document; panel: organ x year, 2019/2021 lined up, X1 checked",
    )
    ex.add_argument("--indicators", action="store_true", help="add derived indicators (formulas in the codebook)")
    ex.add_argument("--organ-aliases", metavar="CSV", help="variant,organ_key rows merging names a person checked")
    ex.add_argument("-q", "--quiet", action="store_true", help="no summary on stderr (errors still shown)")

    cb = sub.add_parser("codebook", help="the codebook of every exported column (.md, .csv, .parquet, .xlsx)")
    cb.add_argument("-o", "--output", help="write it here (suffix picks the format); default: markdown on stdout")


def add_validate_options(va: argparse.ArgumentParser) -> None:
    va.add_argument(
        "--across-years",
        action="store_true",
        help="check each organ's consecutive years (SPEC X1) and print those findings instead of the records",
    )
    va.add_argument("--organ-aliases", metavar="CSV", help="variant,organ_key rows merging names a person checked")


class _Errors:
    """Malformed lines: each printed once, the run goes on, the exit code says so."""

    def __init__(self, err: Console) -> None:
        self.err, self.count = err, 0

    def __call__(self, exc: RecordError) -> None:
        self.count += 1
        print_error(self.err, str(exc))


def _aliases(args: argparse.Namespace) -> dict[str, str] | None:
    return load_aliases(args.organ_aliases) if args.organ_aliases else None


def run_export(args: argparse.Namespace, err: Console) -> int:
    errors = _Errors(err)
    result = export_file(args.records, args.output, args.shape, args.indicators, _aliases(args), errors)
    if not args.quiet:
        _print_export(result, err)
    return EXIT_FAILED if errors.count else EXIT_OK


def _print_export(result: ExportResult, err: Console) -> None:
    rows = ", ".join(f"{sheet} {n}" for sheet, n in result.rows.items())
    files = ", ".join(str(path) for path in result.files)
    err.print(
        Text(f"exported {result.documents} documents, {result.failures} failure records (rows: {rows})"), soft_wrap=True
    )
    err.print(Text(f"wrote {files}"), soft_wrap=True)
    if result.across_years is not None:
        _print_across_years(result.across_years, err)


def _print_across_years(result: CrossYearResult, err: Console) -> None:
    if result.findings and len(result.findings) <= _SHOW_FINDINGS:
        t = Table(title="X1: across years (warnings)", title_justify="left", header_style="bold")
        for name in ("organ", "years", "documents", "what"):
            t.add_column(name)
        for f in result.findings:
            years = "–".join(str(y) for y in f.years)
            t.add_row(Text(f.organ_key), years, Text(", ".join(f.doc_ids)), Text(f.message))
        err.print(t)
    unplaced = f"; {len(result.unplaced)} records without organ or year, not checked" if result.unplaced else ""
    err.print(
        Text(
            f"X1: {len(result.findings)} warning(s) over {result.pairs} consecutive-year pair(s) of "
            f"{result.organs} organ(s) with several years{unplaced}"
        ),
        soft_wrap=True,
    )


def run_codebook(args: argparse.Namespace, err: Console) -> int:
    if args.output is None:
        from .codebook import _markdown

        sys.stdout.write(_markdown())
        return EXIT_OK
    path = write_codebook(args.output)
    err.print(Text(f"codebook → {path}"))
    return EXIT_OK


def run_across_years(args: argparse.Namespace, err: Console) -> int:
    """``validate --across-years``: X1 findings as JSON lines, a summary on stderr."""
    errors = _Errors(err)
    aliases = _aliases(args)
    path = Path(args.records)
    facts = [
        facts_of(data, aliases)
        for _, data, _ in read_refs(path, scan(path, errors), errors)
        if not ("error" in data and "provenance" not in data)
    ]
    result = check_across_years(facts)
    lines = (f.model_dump_json() + "\n" for f in result.findings)
    if args.output is None:
        sys.stdout.writelines(lines)
    else:
        try:
            with open(args.output, "w", encoding="utf-8") as out:
                out.writelines(lines)
        except OSError as exc:
            raise UsageError(f"{args.output}: cannot write ({exc.strerror}); choose another -o path") from None
    if not args.quiet:
        _print_across_years(result, err)
    return EXIT_FAILED if errors.count else EXIT_OK
