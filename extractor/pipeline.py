"""One document in, one record out: read → sections → tables → narrative → (model) → validate → record.

Each stage returns a typed value (``stages``); the record is assembled once, here, and not changed after.
The deterministic core needs no model; with one, the model stage returns its additions and ``merge``
decides what the record keeps.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from pathlib import Path
from time import perf_counter
from typing import TYPE_CHECKING

from . import __version__
from .crosscheck import check_fee_stated, check_prose
from .errors import InputError, ModelError, NotAReportError
from .ingest import Document
from .inputs import DocIds, iter_inputs
from .readers import read
from .rules import N1, RULES
from .schema import ErrorInfo, FailureRecord, Finding, Provenance, Record, Report, SectionInfo, Source
from .sections import Section, find_sections
from .stages import Content, ModelAdditions, Narrative, merge, read_narrative, read_tables, validate
from .validators import check_tables

if TYPE_CHECKING:  # the model stage (openai, instructor) is imported only when a model is used
    from .llm.extract import ModelStage


def extract_document(doc: Document, doc_id: str, model: ModelStage | None = None, config: str | None = None) -> Report:
    """Extract one decoded document. Raises NotAReportError when nothing of a report is found, ModelError when
    the model fails after its retries. ``config`` (the run's configuration) is recorded in the provenance."""
    clock = _Clock()
    sections = find_sections(doc)
    clock.lap("sections")
    tables = read_tables(doc, sections)
    if len(sections) < 2 and tables.empty:
        raise NotAReportError(
            doc.path,
            "no section or table of a 政府信息公开工作年度报告 was found",
            "check that this is an annual report on government information disclosure",
        )
    clock.lap("tables")
    narrative = read_narrative(doc, sections)
    clock.lap("narrative")
    additions = None
    if model is not None:
        additions = model.run(doc, sections, tables, narrative)
        clock.lap("model")
    content = merge(tables, narrative, additions)
    findings = [*tables.findings(), *(additions.findings if additions else ()), *validate(doc, sections, content)]
    clock.lap("validate")
    provenance = _provenance(model, additions, config, clock.timings())
    return _record(doc, doc_id, sections, narrative, content, findings, provenance)


def _provenance(
    model: ModelStage | None, additions: ModelAdditions | None, config: str | None, timings: dict[str, float]
) -> Provenance:
    """The one place a record's provenance is written."""
    if model is None or additions is None:
        return Provenance(version=__version__, backend="rules", config=config, timings_ms=timings)
    return Provenance(
        version=__version__,
        backend="llm",
        model=model.llm.config.model,
        mode=model.llm.config.mode,
        prompts=additions.prompts,
        usage=additions.usage,
        config=config,
        timings_ms=timings,
    )


def _record(
    doc: Document,
    doc_id: str,
    sections: dict[str, Section],
    narrative: Narrative,
    content: Content,
    findings: list[Finding],
    provenance: Provenance,
) -> Report:
    # model_construct, not model_validate: every value here comes typed from our own stages, and validating
    # 200+ cells again costs ~0.08 ms a document. tests/test_pipeline.py checks every record validates.
    return Report.model_construct(
        doc_id=doc_id,
        source=Source(
            path=doc.path,
            sha256=doc.sha256,
            encoding=doc.encoding,
            chars=len(doc.text),
            bytes=doc.nbytes,
            pages=list(doc.pages) if doc.pages else None,
        ),
        title=narrative.title.text,
        organ=narrative.title.organ,
        year=narrative.title.year,
        format=content.formats,
        sections={
            k: SectionInfo(heading=s.heading, span=(s.start, s.end), recovered=s.recovered) for k, s in sections.items()
        },
        table2=content.tables["table2"],
        table3=content.tables["table3"],
        table4=content.tables["table4"],
        overview=content.overview,
        problems=content.problems,
        improvements=content.improvements,
        platforms=content.platforms,
        info_processing_fee=content.fee,
        findings=findings,
        provenance=provenance,
    )


class _Clock:
    """Wall time per stage, in milliseconds, for the record's provenance."""

    def __init__(self) -> None:
        self._start = self._last = perf_counter()
        self._laps: dict[str, float] = {}

    def lap(self, stage: str) -> None:
        now = perf_counter()
        self._laps[stage] = round((now - self._last) * 1e3, 3)
        self._last = now

    def timings(self) -> dict[str, float]:
        return {**self._laps, "total": round((self._last - self._start) * 1e3, 3)}


def revalidate(report: Report) -> Report:
    """Re-run the document rules on a record, e.g. after a person corrected a cell.

    Table rules run on the record's cells. N1 compares prose with cells, so it needs the source text: it
    is re-run when the file is still there with the recorded sha256, else the record's N1 findings stay.
    Findings about the extraction itself (the parse: S1, S2; the model: G1, L1–L3) stay as they are.
    """
    kept = [f for f in report.findings if (r := RULES.get(f.rule)) is None or not r.describes_document]
    findings = kept + check_tables(report.table2, report.table3, report.table4, report.format)
    doc: Document | None = None
    try:
        doc = read(report.source.path)
    except (OSError, InputError):
        doc = None
    if doc is not None and doc.sha256 == report.source.sha256:
        tables = {"table2": report.table2, "table3": report.table3, "table4": report.table4}
        findings += check_prose(doc, find_sections(doc), tables, report.format)
    else:
        findings += [f for f in report.findings if f.rule == N1.id]
    other = report.sections.get("other_matters")
    findings += check_fee_stated(other.span if other else None, report.info_processing_fee, report.format)
    return report.model_copy(update={"findings": findings})


def extract_path(path: Path, doc_id: str, model: ModelStage | None = None, config: str | None = None) -> Record:
    """Extract one file; any failure becomes a FailureRecord naming the file and the fix."""
    source = Source(path=str(path))
    try:
        doc = read(path)
        source = Source(path=str(path), sha256=doc.sha256, encoding=doc.encoding, chars=len(doc.text), bytes=doc.nbytes)
        return extract_document(doc, doc_id, model, config)
    except (InputError, ModelError) as exc:
        return _failure(doc_id, source, type(exc).__name__, str(exc), config)
    except OSError as exc:
        message = f"{path}: cannot read the file ({exc.strerror or exc}); check the path and its permissions"
        return _failure(doc_id, source, type(exc).__name__, message, config)
    except Exception as exc:  # a bug must not stop the batch; the record says so
        message = f"{path}: internal error {exc!r}; please report it with this file"
        return _failure(doc_id, source, type(exc).__name__, message, config)


def _failure(doc_id: str, source: Source, kind: str, message: str, config: str | None) -> FailureRecord:
    return FailureRecord(doc_id=doc_id, source=source, error=ErrorInfo(type=kind, message=message), config=config)


def extract_paths(
    paths: Iterable[str | Path], model: ModelStage | None = None, config: str | None = None
) -> Iterator[Record]:
    ids = DocIds()
    for path in iter_inputs(paths):
        yield extract_path(path, ids.next(path), model, config)
