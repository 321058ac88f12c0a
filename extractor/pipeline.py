"""One document in, one Report out; a batch of paths in, one record per document out, failures included.

The deterministic core needs no model: sectioning, the three tables, the rule-based narrative and every
validator run here.
"""

from __future__ import annotations

import hashlib
import os
import stat
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from time import perf_counter
from typing import TYPE_CHECKING

from . import __version__, logs
from .channels import extract_fee, extract_platforms
from .crosscheck import check_fee_stated, check_prose, check_sections
from .errors import ConfigError, InputError, ModelError, NotAReportError
from .ingest import Document
from .inputs import DocIds, InputFile, collect_inputs
from .narrative import extract_overview, extract_problems, overview_intro
from .readers import DEFAULT_LIMITS, Limits, read
from .redact import redact
from .schema import CellRef, ErrorInfo, FailureRecord, Finding, Formats, Provenance, Report, SectionInfo, Source, Usage
from .sections import Section, find_sections, find_title
from .tables import ParsedTable, TableProblem, parse_table2, parse_table3, parse_table4
from .validators import check_tables

if TYPE_CHECKING:  # the model stage (openai, instructor) is imported only when a model is used
    from .llm.extract import ModelStage


def _parse(sections: dict[str, Section], key: str, doc: Document, parser) -> ParsedTable:  # type: ignore[no-untyped-def]
    sec = sections.get(key)
    if sec is None:
        return ParsedTable(None, None)
    parsed: ParsedTable = parser(doc, sec.body_start, sec.end)
    return parsed


def _problem_finding(p: TableProblem) -> Finding:
    cells = [CellRef(path=p.path, value=None, span=None)] if p.path and p.path.count(".") == 2 else []
    return Finding(rule=p.rule, severity=p.severity, message=p.message, cells=cells, span=p.span)


def extract_document(doc: Document, doc_id: str, model: ModelStage | None = None) -> Report:
    """Extract one decoded document; with ``model``, the model adds the narrative (and tables, per its
    mode) before the validators run on whatever is kept. Raises NotAReportError when nothing of a report
    is found, ModelError when the model fails after its retries."""
    t0 = perf_counter()
    sections = find_sections(doc)
    t1 = perf_counter()
    t2 = _parse(sections, "table2", doc, parse_table2)
    t3 = _parse(sections, "table3", doc, parse_table3)
    t4 = _parse(sections, "table4", doc, parse_table4)
    if len(sections) < 2 and t2.data is None and t3.data is None and t4.data is None:
        raise NotAReportError(
            doc.path,
            "no section or table of a 政府信息公开工作年度报告 was found",
            "check that this is an annual report on government information disclosure",
        )
    formats = Formats(table2=t2.format, table3=t3.format, table4=t3.format if t4.data is not None else None)
    t_tables = perf_counter()
    title = find_title(doc, min((s.start for s in sections.values()), default=0))
    overview = extract_overview(doc, sections.get("overview"))
    problems, improvements = extract_problems(doc, sections.get("problems_and_improvements"))
    platforms = extract_platforms(doc, overview, overview_intro(doc, sections.get("overview")))
    fee = extract_fee(doc, sections.get("other_matters"))
    t_narrative = perf_counter()
    # model_construct, not model_validate: every value here comes typed from our own parsers, and validating
    # 200+ cells again costs ~0.08 ms a document. tests/test_pipeline.py checks every record validates.
    report = Report.model_construct(
        doc_id=doc_id,
        source=Source(
            path=doc.path,
            sha256=doc.sha256,
            encoding=doc.encoding,
            chars=len(doc.text),
            bytes=doc.nbytes,
            pages=list(doc.pages) if doc.pages else None,
        ),
        title=title.text,
        organ=title.organ,
        year=title.year,
        format=formats,
        sections={
            k: SectionInfo(heading=s.heading, span=(s.start, s.end), recovered=s.recovered) for k, s in sections.items()
        },
        table2=t2.data,
        table3=t3.data,
        table4=t4.data,
        overview=overview,
        problems=problems,
        improvements=improvements,
        platforms=platforms,
        info_processing_fee=fee,
        findings=[],
        provenance=Provenance(version=__version__, backend="rules"),
    )
    t_build = perf_counter()
    report.findings = [_problem_finding(p) for parsed in (t2, t3, t4) for p in parsed.problems]
    t_model = t_build
    if model is not None:
        report.provenance = Provenance(
            version=__version__, backend="llm", model=model.llm.config.model, mode=model.llm.config.mode
        )
        report.provenance.usage = Usage()  # this document's calls and tokens, whatever runs beside it
        model.run(doc, sections, report)
        fee = report.info_processing_fee
        t_model = perf_counter()
    report.findings += check_tables(report.table2, report.table3, report.table4, formats)
    tables = {"table2": report.table2, "table3": report.table3, "table4": report.table4}
    report.findings += check_prose(doc, sections, tables, formats)
    other = sections.get("other_matters")
    report.findings += check_fee_stated((other.start, other.end) if other else None, fee, formats)
    report.findings += check_sections(sections)
    report.findings += _replaced_bytes(doc)
    t_end = perf_counter()
    report.provenance.timings_ms = {
        "sections": round((t1 - t0) * 1e3, 3),
        "tables": round((t_tables - t1) * 1e3, 3),
        "narrative": round((t_narrative - t_tables) * 1e3, 3),
        "build": round((t_build - t_narrative) * 1e3, 3),
        **({"model": round((t_model - t_build) * 1e3, 3)} if model is not None else {}),
        "validate": round((t_end - t_model) * 1e3, 3),
        "total": round((t_end - t0) * 1e3, 3),
    }
    return report


def _replaced_bytes(doc: Document) -> list[Finding]:
    """S3: bytes invalid in the file's encoding were decoded as U+FFFD; say where, so a reader can look."""
    if not doc.replaced:
        return []
    at = doc.text.find("\ufffd")
    offsets = ", ".join(str(o) for o in doc.replaced)
    return [
        Finding(
            rule="S3",
            severity="warning",
            message=f"{len(doc.replaced)} invalid {doc.encoding} byte sequence(s) replaced with U+FFFD "
            f"(byte offsets {offsets}); check the file's copy",
            span=(at, at + 1) if at >= 0 else None,
        )
    ]


def revalidate(report: Report) -> Report:
    """Re-run the validators on a record, e.g. after a person corrected a cell.

    Table rules run on the record's cells. N1 compares prose with cells, so it needs the source text: it
    is re-run when the file is still there with the recorded sha256, else the record's N1 findings stay.
    Parse findings (S1, S2) describe the source and model findings (G1, L1-L3) the extraction: they stay.
    """
    findings = [f for f in report.findings if f.rule[0] in "SGL"]
    findings += check_tables(report.table2, report.table3, report.table4, report.format)
    doc: Document | None = None
    try:
        doc = read(report.source.path)
    except (OSError, InputError):
        doc = None
    if doc is not None and doc.sha256 == report.source.sha256:
        tables = {"table2": report.table2, "table3": report.table3, "table4": report.table4}
        findings += check_prose(doc, find_sections(doc), tables, report.format)
    else:
        findings += [f for f in report.findings if f.rule == "N1"]
    other = report.sections.get("other_matters")
    findings += check_fee_stated(other.span if other else None, report.info_processing_fee, report.format)
    return report.model_copy(update={"findings": findings})


def file_sha256(path: Path) -> str | None:
    """SHA-256 of a regular file's bytes, streamed; None for anything else (never opens a FIFO)."""
    try:
        if not stat.S_ISREG(os.stat(path).st_mode):
            return None
        with open(path, "rb") as fh:
            return hashlib.file_digest(fh, "sha256").hexdigest()
    except OSError:
        return None


def _failure(doc_id: str, source: Source, exc: Exception, message: str, retry: bool) -> FailureRecord:
    error = ErrorInfo(type=type(exc).__name__, message=redact(message), retry=retry)
    usage = getattr(exc, "usage", None)  # what the model calls cost before the failure
    return FailureRecord(doc_id=doc_id, source=source, error=error, usage=usage if isinstance(usage, Usage) else None)


def extract_path(
    item: InputFile | str | Path,
    doc_id: str,
    model: ModelStage | None = None,
    limits: Limits = DEFAULT_LIMITS,
    reader: Callable[[Path, Limits], Document] = read,
) -> Report | FailureRecord:
    """Extract one file (read by ``reader``, e.g. in a worker process). Its own problems (input, model)
    become a FailureRecord naming the file and the fix; a configuration error propagates and stops the run;
    a bug is logged with its traceback and recorded."""
    item = item if isinstance(item, InputFile) else InputFile.of(item)
    source = Source(path=item.name)
    try:
        doc = reader(item.path, limits)
        source = Source(path=item.name, sha256=doc.sha256, encoding=doc.encoding, chars=len(doc.text), bytes=doc.nbytes)
        return extract_document(doc, doc_id, model)
    except ModelError as exc:
        return _failure(doc_id, source, exc, str(exc), retry=True)
    except InputError as exc:
        # the file's hash, so a re-run knows these are still the same bad bytes and does not redo them
        source = source.model_copy(update={"sha256": source.sha256 or file_sha256(item.path)})
        return _failure(doc_id, source, exc, str(exc), retry=False)
    except ConfigError:
        raise
    except OSError as exc:
        message = f"{item.name}: cannot read the file ({exc.strerror or exc}); check the path and its permissions"
        return _failure(doc_id, source, exc, message, retry=True)
    except Exception as exc:  # a bug must not stop the batch: logged with its traceback, recorded, retried
        logs.logger().exception("internal error on %s", item.name)
        message = f"{item.name}: internal error ({type(exc).__name__}: {exc}); {logs.where()}; please report it"
        return _failure(doc_id, source, exc, message, retry=True)


def extract_paths(paths: Iterable[str | Path], model: ModelStage | None = None) -> Iterator[Report | FailureRecord]:
    """Every report file under ``paths``, one record each (the library form of ``extractor extract``)."""
    ids = DocIds()
    for item in collect_inputs(paths).files:
        yield extract_path(item, ids.of(item), model)
