"""One document in, one Report out; a batch of paths in, one record per document out, failures included.

The deterministic core needs no model: sectioning, the three tables, the rule-based narrative and every
validator run here.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator
from pathlib import Path
from time import perf_counter
from typing import TYPE_CHECKING

from . import __version__
from .channels import extract_fee, extract_platforms
from .crosscheck import check_fee_stated, check_prose, check_sections
from .errors import InputError, ModelError, NotAReportError
from .ingest import Document
from .narrative import extract_overview, extract_problems, overview_intro
from .readers import SUFFIXES, read
from .regions import mark_low_confidence, ocr_info
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
            ocr=ocr_info(doc.ocr),
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
    mark_low_confidence([report.table2, report.table3, report.table4], doc.ocr)
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


def revalidate(report: Report) -> Report:
    """Re-run the validators on a record, e.g. after a person corrected a cell.

    Table rules run on the record's cells. N1 compares prose with cells, so it needs the source text: it
    is re-run when the file is still there with the recorded sha256, else the record's N1 findings stay.
    Parse findings (S1, S2) describe the source and stay as they are.
    """
    findings = [f for f in report.findings if f.rule.startswith("S")]
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


def iter_inputs(paths: Iterable[str | Path]) -> Iterator[Path]:
    """Files as given; folders walked recursively for .txt/.md, in sorted order."""
    for raw in paths:
        p = Path(raw)
        if p.is_dir():
            for root, dirs, files in os.walk(p):
                dirs.sort()
                for name in sorted(files):
                    if name.lower().endswith(SUFFIXES) and not name.startswith("."):
                        yield Path(root) / name
        else:
            yield p


class DocIds:
    """File stems made unique within a run: a second 'report' becomes 'report-2'."""

    def __init__(self) -> None:
        self._used: set[str] = set()

    def reserve(self, doc_id: str) -> None:
        """An id already used (by a record from an earlier run of the same output)."""
        self._used.add(doc_id)

    def next(self, path: Path) -> str:
        stem = path.stem or path.name
        doc_id, n = stem, 1
        while doc_id in self._used:
            n += 1
            doc_id = f"{stem}-{n}"
        self._used.add(doc_id)
        return doc_id


def extract_path(path: Path, doc_id: str, model: ModelStage | None = None) -> Report | FailureRecord:
    """Extract one file; any failure becomes a FailureRecord naming the file and the fix."""
    source = Source(path=str(path))
    try:
        doc = read(path)
        source = Source(path=str(path), sha256=doc.sha256, encoding=doc.encoding, chars=len(doc.text), bytes=doc.nbytes)
        return extract_document(doc, doc_id, model)
    except (InputError, ModelError) as exc:
        return FailureRecord(doc_id=doc_id, source=source, error=ErrorInfo(type=type(exc).__name__, message=str(exc)))
    except OSError as exc:
        message = f"{path}: cannot read the file ({exc.strerror or exc}); check the path and its permissions"
        return FailureRecord(doc_id=doc_id, source=source, error=ErrorInfo(type=type(exc).__name__, message=message))
    except Exception as exc:  # a bug must not stop the batch; the record says so
        message = f"{path}: internal error {exc!r}; please report it with this file"
        return FailureRecord(doc_id=doc_id, source=source, error=ErrorInfo(type=type(exc).__name__, message=message))


def extract_paths(paths: Iterable[str | Path], model: ModelStage | None = None) -> Iterator[Report | FailureRecord]:
    ids = DocIds()
    for path in iter_inputs(paths):
        yield extract_path(path, ids.next(path), model)
