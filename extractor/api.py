"""The Python API: extract reports, read a batch's records, and turn them into pandas DataFrames.

    import extractor
    report = extractor.extract("report.html")                 # a Report; a typed error on bad input
    records = extractor.read_records("out.jsonl")             # the latest record per document, re-iterable
    cells = extractor.to_frame(records, shape="long")         # one row per cell, with status and span
    panel = extractor.to_frame(records, shape="panel")        # organ x year, 2019/2021 keys lined up

The frames are the sheets ``extractor export`` writes, column for column (``extractor codebook`` documents
them). The deterministic core is used (no model); the model backend is run from the command line.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from .crossyear import check_across_years as _check
from .crossyear import facts_of
from .errors import EmptyDocumentError, InputError, UsageError
from .ingest import Document
from .organs import load_aliases
from .pipeline import extract_document
from .readers import read
from .records import RecordFile, latest
from .schema import CrossYearFinding, FailureRecord, Report

if TYPE_CHECKING:
    import pandas as pd

FrameShape = Literal["long", "wide", "panel", "items", "failures", "across_years"]
Records = Iterable[Report | FailureRecord | Mapping[str, Any]] | str | Path
_SHEET = {"long": "cells", "wide": "documents", "panel": "panel"}


def extract(path: str | Path, doc_id: str | None = None) -> Report:
    """Extract one report file (.txt, .md, .html, .pdf, .docx).

    Raises an ``InputError`` subclass (EmptyDocumentError, BinaryDocumentError, UndecodableDocumentError,
    NotAReportError) whose message names the file and the fix. ``doc_id`` defaults to the file's stem.
    """
    p = Path(path)
    if not p.is_file():
        raise InputError(str(p), "no such file", "check the path")
    try:
        doc = read(p)
    except OSError as exc:
        raise InputError(str(p), f"cannot read the file ({exc.strerror})", "check its permissions") from None
    return extract_document(doc, doc_id or p.stem)


def extract_text(text: str, doc_id: str = "text") -> Report:
    """Extract a report given as text; spans index ``text``. Raises an InputError when it is not a report."""
    if not text.strip():
        raise EmptyDocumentError(f"<{doc_id}>", "the text is empty", "pass the report's text")
    return extract_document(Document.from_text(text, f"<{doc_id}>"), doc_id)


def read_records(path: str | Path) -> RecordFile:
    """The records of a JSONL file from ``extractor extract``: each document's latest record (a Report, or a
    FailureRecord for a document that failed), streamed and re-readable. A malformed line raises
    RecordError naming it."""
    return RecordFile(path)


def _json(records: Records) -> Iterator[Mapping[str, Any]]:
    if isinstance(records, RecordFile):
        records = records.path
    if isinstance(records, str | Path):
        for _, data, _ in latest(records):
            yield data
        return
    for r in records:
        if isinstance(r, Report | FailureRecord):
            yield r.model_dump(mode="json")
        elif isinstance(r, Mapping):
            yield r
        else:
            raise UsageError(
                f"to_frame takes Reports, FailureRecords, their JSON or a JSONL path, not {type(r).__name__}"
            )


def _aliases(organ_aliases: Mapping[str, str] | str | Path | None) -> dict[str, str] | None:
    if organ_aliases is None:
        return None
    if isinstance(organ_aliases, str | Path):
        return load_aliases(organ_aliases)
    return dict(organ_aliases)


def to_frame(
    records: Records,
    shape: FrameShape = "long",
    *,
    indicators: bool = False,
    organ_aliases: Mapping[str, str] | str | Path | None = None,
) -> pd.DataFrame:
    """Records as a pandas DataFrame, one of the sheets ``extractor export`` writes.

    ``records``: Reports/FailureRecords (e.g. from ``extract``), their JSON dicts, ``read_records(...)`` or a
    JSONL path. ``shape``: ``long`` (a row per cell), ``wide`` (a row per document), ``panel`` (organ x
    year), ``items`` (narrative items), ``failures`` (failure records), ``across_years`` (X1 findings).
    ``organ_aliases``: {variant: organ_key} or a CSV path, merging names a person checked.
    """
    from .export.run import shape_sheets, write_flat, write_panel
    from .export.writers import Frames

    if shape not in ("long", "wide", "panel", "items", "failures", "across_years"):
        raise UsageError(f"unknown shape {shape!r}; one of long, wide, panel, items, failures, across_years")
    main = _main_shape(shape)
    frames = Frames(shape_sheets(main, indicators))
    aliases = _aliases(organ_aliases)
    if main == "panel":
        datas = list(_json(records))
        write_panel(frames, enumerate(datas), lambda order: (datas[i] for i in order), indicators, aliases)
    else:
        write_flat(frames, _json(records), main, indicators, aliases)
    return frames.frame(_SHEET.get(shape, shape))


def _main_shape(shape: FrameShape) -> Literal["long", "wide", "panel"]:
    """The export shape that writes this sheet (items and failures come with any; wide is the cheapest)."""
    if shape in ("long", "panel"):
        return shape
    return "panel" if shape == "across_years" else "wide"


def check_across_years(
    records: Records, organ_aliases: Mapping[str, str] | str | Path | None = None
) -> list[CrossYearFinding]:
    """SPEC's X1 over the records: carried_over vs last year's carried_forward, in_force continuity,
    duplicate organ-years. Warnings naming both records and their cells."""
    aliases = _aliases(organ_aliases)
    facts = [facts_of(d, aliases) for d in _json(records) if not ("error" in d and "provenance" not in d)]
    return _check(facts).findings


def codebook() -> pd.DataFrame:
    """The codebook of every exported column (as ``extractor codebook`` writes it)."""
    import pandas as pd

    from .export.codebook import FIELDS, codebook_rows

    return pd.DataFrame(codebook_rows(), columns=list(FIELDS))
