"""One document in, one record out: read → sections → tables → narrative → (model) → validate → record.

Each stage returns a typed value (``stages``); the record is assembled once, here, and not changed after.
The deterministic core needs no model; with one, the model stage returns its additions and ``merge``
decides what the record keeps.
"""

from __future__ import annotations

import hashlib
import os
import stat
from collections.abc import Callable, Iterable, Iterator
from dataclasses import asdict
from pathlib import Path
from time import perf_counter
from typing import TYPE_CHECKING

from . import __version__, logs
from .confidence import needs_model
from .crosscheck import check_fee_stated, check_prose
from .edition import is_pre_2019, pre_2019_findings
from .errors import (
    BatchWaiting,
    ConfigError,
    InputError,
    ModelError,
    NotAReportError,
    OcrUnavailableError,
    TooLargeError,
)
from .ingest import Document
from .inputs import DocIds, InputFile, collect_inputs
from .organs import level_of, organ_key
from .readers import DEFAULT_LIMITS, Limits, read
from .redact import redact
from .regions import mark_low_confidence, ocr_info
from .rules import N1, RULES
from .schema import (
    ErrorInfo,
    FailureRecord,
    Finding,
    Provenance,
    Publication,
    Record,
    Report,
    SectionInfo,
    Source,
    Usage,
)
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
    mark_low_confidence([content.tables[k] for k in ("table2", "table3", "table4")], doc.ocr)
    findings = [*tables.findings(), *(additions.findings if additions else ()), *validate(doc, sections, content)]
    legacy = is_pre_2019(doc, narrative.title.year, not tables.empty)
    if legacy:  # no standard tables by design: one finding says so, instead of each table "not found"
        findings = pre_2019_findings(findings, narrative.title.year)
    clock.lap("validate")
    provenance = _provenance(model, additions, config, clock.timings())
    return _record(doc, doc_id, sections, narrative, content, findings, provenance, legacy)


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
    pre_2019: bool = False,
) -> Report:
    # model_construct, not model_validate: every value here comes typed from our own stages, and validating
    # 200+ cells again costs ~0.08 ms a document. tests/test_pipeline.py checks every record validates.
    key = organ_key(narrative.title.organ)
    return Report.model_construct(
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
        title=narrative.title.text,
        organ=narrative.title.organ,
        year=narrative.title.year,
        organ_key=key,
        level=level_of(key),
        publication=Publication(**asdict(doc.meta)) if doc.meta else None,
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
        pre_2019=pre_2019,
        needs_model=needs_model(
            sections, content.problems, content.improvements, content.platforms, content.fee, content.formats
        ),
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


def file_sha256(path: Path) -> str | None:
    """SHA-256 of a regular file's bytes, streamed; None for anything else (never opens a FIFO)."""
    try:
        if not stat.S_ISREG(os.stat(path).st_mode):
            return None
        with open(path, "rb") as fh:
            return hashlib.file_digest(fh, "sha256").hexdigest()
    except OSError:
        return None


def _failure(
    doc_id: str, source: Source, exc: Exception, message: str, retry: bool, config: str | None
) -> FailureRecord:
    error = ErrorInfo(type=type(exc).__name__, message=redact(message), retry=retry)
    return FailureRecord(doc_id=doc_id, source=source, error=error, config=config, usage=_spent(exc))


def _refusal_config(exc: InputError, config: str | None, limits: Limits) -> str | None:
    if config is None or not isinstance(exc, TooLargeError):
        return config
    return refusal_config(config, limits)


def refusal_config(config: str, limits: Limits) -> str:
    """The configuration a size refusal holds under: re-run with a larger ``--max-bytes`` (as its message
    advises), it differs and the file is read again; under the same limits the refusal stands."""
    return f"{config}; limits {limits.max_bytes}/{limits.max_expanded}"


def _spent(exc: Exception) -> Usage | None:
    """What a failed document's model calls cost: the per-document counter a ModelError carries."""
    counter: object = getattr(exc, "usage", None)
    snapshot = getattr(counter, "usage", None)
    usage = snapshot() if callable(snapshot) else counter
    return usage if isinstance(usage, Usage) else None


def extract_path(
    item: InputFile | str | Path,
    doc_id: str,
    model: ModelStage | None = None,
    limits: Limits = DEFAULT_LIMITS,
    reader: Callable[[Path, Limits], Document] = read,
    config: str | None = None,
) -> Record:
    """Extract one file (read by ``reader``, e.g. in a worker process). Its own problems (input, model)
    become a FailureRecord naming the file and the fix; a configuration error propagates and stops the run;
    a bug is logged with its traceback and recorded. ``config`` (the run's configuration) goes into the
    record, whichever it is."""
    item = item if isinstance(item, InputFile) else InputFile.of(item)
    source = Source(path=item.name)
    try:
        doc = reader(item.path, limits)
        source = Source(path=item.name, sha256=doc.sha256, encoding=doc.encoding, chars=len(doc.text), bytes=doc.nbytes)
        return extract_document(doc, doc_id, model, config)
    except BatchWaiting:
        raise  # not a failure: the document waits for its provider batch (the batch run says so)
    except (ModelError, OcrUnavailableError) as exc:  # may succeed later (the [ocr] extra installed): retried
        return _failure(doc_id, source, exc, str(exc), True, config)
    except InputError as exc:
        # the file's hash, so a re-run knows these are still the same bad bytes and does not redo them
        source = source.model_copy(update={"sha256": source.sha256 or file_sha256(item.path)})
        return _failure(doc_id, source, exc, str(exc), False, _refusal_config(exc, config, limits))
    except ConfigError:
        raise
    except OSError as exc:
        message = f"{item.name}: cannot read the file ({exc.strerror or exc}); check the path and its permissions"
        return _failure(doc_id, source, exc, message, True, config)
    except Exception as exc:  # a bug must not stop the batch: logged with its traceback, recorded, retried
        logs.logger().exception("internal error on %s", item.name)
        message = f"{item.name}: internal error ({type(exc).__name__}: {exc}); {logs.where()}; please report it"
        return _failure(doc_id, source, exc, message, True, config)


def extract_paths(
    paths: Iterable[str | Path], model: ModelStage | None = None, config: str | None = None
) -> Iterator[Record]:
    """Every report file under ``paths``, one record each (the library form of ``extractor extract``)."""
    ids = DocIds()
    for item in collect_inputs(paths).files:
        yield extract_path(item, ids.of(item), model, config=config)
