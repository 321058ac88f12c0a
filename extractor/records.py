"""Reading JSONL files of extracted records (validate, show, review, correct, export, the Python API):
parsing with clear errors naming ``file:line``, and "the latest record per document wins".

A resumed batch can hold one document twice (a failure re-recorded, then a success; a record re-validated
and appended). Whoever reads the file wants the last word on each document, so this is the one place that
rule lives: the file is scanned once for each line's ``doc_id`` (read from the line's first bytes, without
parsing the record; a few bytes per record in memory), then the chosen lines are streamed in file order.
Nothing holds the whole file.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from .errors import RecordError, UsageError
from .schema import FailureRecord, Report
from .spec import unknown_keys

Record = Report | FailureRecord
OnError = Callable[[RecordError], None]

# Records are written with doc_id first; reading it needs no JSON parse of the whole line.
_DOC_ID = re.compile(rb'^\s*\{\s*"doc_id"\s*:\s*("(?:[^"\\]|\\.)*")')


@dataclass(frozen=True, slots=True)
class RecordRef:
    """Where one line is: its document (None for a line that is not a record), 1-based line number, byte
    offset and length in the file, so that another process can read it alone."""

    doc_id: str | None
    line_no: int
    offset: int
    length: int = 0


LineRef = RecordRef


def _open(path: Path) -> Any:
    try:
        return open(path, "rb")
    except OSError as exc:
        raise UsageError(f"{path}: cannot read ({exc.strerror}); give a JSONL file from 'extractor extract'") from None


def _decode(path: Path, line_no: int, raw: bytes) -> str:
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise RecordError(f"{path}:{line_no}: not UTF-8 (byte {exc.start}); regenerate the file") from None


def parse_line(path: str | Path, line_no: int, line: str) -> tuple[dict[str, Any], Record]:
    """(the record's JSON as written, the validated record). The JSON keeps keys the models do not know
    (a reviewer's ``corrected`` note on a cell), which exports carry. Raises RecordError naming the line."""
    try:
        data = json.loads(line)
    except json.JSONDecodeError as exc:
        raise RecordError(
            f"{path}:{line_no}: not JSON ({exc.msg}); regenerate the file with 'extractor extract'"
        ) from None
    if not isinstance(data, dict):
        raise RecordError(f"{path}:{line_no}: not an extractor record (a JSON object is expected)")
    try:
        if "error" in data and "provenance" not in data:
            return data, FailureRecord.model_validate(data)
        report = Report.model_validate(data)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"])
        raise RecordError(f"{path}:{line_no}: not an extractor record ({where}: {first['msg']})") from None
    tables = {"table2": report.table2, "table3": report.table3, "table4": report.table4}
    bad = unknown_keys(tables, report.format.table2, report.format.table3)
    if bad:
        raise RecordError(
            f"{path}:{line_no}: keys outside SPEC's vocabulary: {', '.join(bad[:5])}; fix them or re-extract"
        )
    return data, report


def parse_record(path: str | Path, line_no: int, line: str) -> Record:
    """The validated record of one JSONL line; RecordError naming the line when it is not one."""
    return parse_line(path, line_no, line)[1]


def doc_id_of(line: str | bytes) -> str | None:
    """A record line's doc_id, or None when the line is not a record."""
    raw = line.encode("utf-8") if isinstance(line, str) else line
    try:
        return _doc_id(Path(), 0, raw)
    except RecordError:
        return None


def _doc_id(path: Path, line_no: int, raw: bytes) -> str:
    m = _DOC_ID.match(raw)
    if m is not None:
        doc_id = json.loads(m.group(1))
        if isinstance(doc_id, str):
            return doc_id
    try:
        data = json.loads(_decode(path, line_no, raw))
    except json.JSONDecodeError as exc:
        raise RecordError(
            f"{path}:{line_no}: not JSON ({exc.msg}); regenerate the file with 'extractor extract'"
        ) from None
    doc_id = data.get("doc_id") if isinstance(data, dict) else None
    if not isinstance(doc_id, str):
        raise RecordError(f"{path}:{line_no}: no doc_id; not an extractor record")
    return doc_id


def scan(path: str | Path, on_error: OnError | None = None) -> list[RecordRef]:
    """The latest line of each document, in file order. A line without a readable doc_id is reported to
    ``on_error`` (or raised) and skipped."""
    p = Path(path)
    latest: dict[str | None, RecordRef] = {}
    offset = 0
    with _open(p) as fh:
        for line_no, raw in enumerate(fh, 1):
            if raw.strip():
                try:
                    doc_id = _doc_id(p, line_no, raw)
                except RecordError as exc:
                    if on_error is None:
                        raise
                    on_error(exc)
                else:
                    latest.pop(doc_id, None)  # re-inserted: dict order is then the order of latest lines
                    latest[doc_id] = RecordRef(doc_id, line_no, offset, len(raw))
            offset += len(raw)
    return list(latest.values())


def read_refs(
    path: str | Path, refs: list[RecordRef], on_error: OnError | None = None
) -> Iterator[tuple[RecordRef, dict[str, Any], Record]]:
    """The records at ``refs``, in the order given (seeking when it is not file order)."""
    p = Path(path)
    with _open(p) as fh:
        for ref in refs:
            if fh.tell() != ref.offset:
                fh.seek(ref.offset)
            raw = fh.readline()
            try:
                data, record = parse_line(p, ref.line_no, _decode(p, ref.line_no, raw))
            except RecordError as exc:
                if on_error is None:
                    raise
                on_error(exc)
                continue
            yield ref, data, record


def read_raw(path: str | Path, refs: list[RecordRef]) -> Iterator[tuple[RecordRef, dict[str, Any]]]:
    """The JSON of records already validated once (a second pass over the same file), in the order given."""
    with _open(Path(path)) as fh:
        for ref in refs:
            if fh.tell() != ref.offset:
                fh.seek(ref.offset)
            yield ref, json.loads(fh.readline())


def latest(path: str | Path, on_error: OnError | None = None) -> Iterator[tuple[RecordRef, dict[str, Any], Record]]:
    """Each document's latest record, streamed in file order, with its JSON as written."""
    yield from read_refs(path, scan(path, on_error), on_error)


class RecordFile:
    """A JSONL file of records; iterating yields each document's latest record (Report or FailureRecord).

    Re-iterable (each pass re-reads the file), so a notebook can build several frames from one value without
    holding every record in memory. A malformed line raises RecordError naming it.
    """

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        if not self.path.is_file():
            raise UsageError(f"{self.path}: no such file; give a JSONL file from 'extractor extract'")

    def __iter__(self) -> Iterator[Record]:
        for _, _, record in latest(self.path):
            yield record

    def __repr__(self) -> str:
        return f"RecordFile({str(self.path)!r})"


# --- Line-oriented reading: every latest record and every line that is not one, for reporting ------------


def read_lines(path: str | Path) -> Iterator[tuple[int, str]]:
    """Non-blank lines with their 1-based numbers; an unreadable file is a usage error naming it."""
    try:
        with open(path, encoding="utf-8") as fh:
            for line_no, line in enumerate(fh, 1):
                if line.strip():
                    yield line_no, line
    except OSError as exc:
        raise UsageError(f"{path}: cannot read ({exc.strerror}); give a JSONL file from 'extractor extract'") from None
    except UnicodeDecodeError:
        raise UsageError(f"{path}: not UTF-8 text; give a JSONL file from 'extractor extract'") from None


def latest_lines(path: str | Path) -> Iterator[tuple[int, str, str | None]]:
    """``(line number, line, doc_id)`` of each document's latest line, in file order; a line that is not a
    record comes with doc_id None (callers report it)."""
    keep = {ref.line_no for ref in scan(path, on_error=lambda exc: None)}
    for line_no, line in read_lines(path):
        doc_id = doc_id_of(line)
        if doc_id is None or line_no in keep:
            yield line_no, line, doc_id


def latest_refs(path: str | Path) -> list[RecordRef]:
    """Each document's latest line and each line that is not a record, in file order, as byte ranges."""
    p = Path(path)
    refs = scan(p, on_error=lambda exc: None)
    other: list[RecordRef] = []
    offset = 0
    with _open(p) as fh:
        for line_no, raw in enumerate(fh, 1):
            if raw.strip() and doc_id_of(raw) is None:
                other.append(RecordRef(None, line_no, offset, len(raw)))
            offset += len(raw)
    return sorted([*refs, *other], key=lambda r: r.line_no)


def read_ref(path: str | Path, ref: RecordRef) -> str:
    with open(path, "rb") as fh:
        fh.seek(ref.offset)
        return fh.read(ref.length).decode("utf-8", errors="replace")


def latest_records(path: str | Path) -> Iterator[tuple[int, Record | RecordError]]:
    """Each document's latest record, in file order; a malformed line comes as its error."""
    for line_no, line, _ in latest_lines(path):
        try:
            yield line_no, parse_record(path, line_no, line)
        except RecordError as exc:
            yield line_no, exc


def is_records_file(path: str | Path) -> bool:
    """Whether a file holds JSONL records rather than a report, told by its first bytes, not its suffix:
    records open with ``{``; no report (text, HTML, PDF, DOCX) does."""
    try:
        with open(path, "rb") as fh:
            head = fh.read(4096)
    except OSError:
        return Path(path).suffix.lower() == ".jsonl"
    return head.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"{")
