"""Reading JSONL records back (``validate``, ``show``, ``review``, ``correct``).

Each line is a Report or a FailureRecord; a malformed line is an error naming ``file:line`` and the fix, and
the other lines go on. An output re-run after a change can hold a document twice: the latest record of a
doc_id is the one that counts.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from pydantic import ValidationError

from .errors import RecordError, UsageError
from .schema import FailureRecord, Report
from .validators import unknown_keys

Record = Report | FailureRecord

# Records are written by pydantic with doc_id first, so the id is read without decoding a 50 kB line.
_DOC_ID = re.compile(r'\s*\{\s*"doc_id"\s*:\s*("(?:[^"\\]|\\.)*")')


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


def parse_record(path: str | Path, line_no: int, line: str) -> Record:
    """One JSONL line as a record; RecordError naming ``path:line`` when it is not one."""
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


def doc_id_of(line: str) -> str | None:
    """A record line's doc_id, or None when the line is not a record."""
    m = _DOC_ID.match(line)
    try:
        if m:
            return str(json.loads(m.group(1)))
        data = json.loads(line)
    except json.JSONDecodeError:
        return None
    return str(data["doc_id"]) if isinstance(data, dict) and "doc_id" in data else None


def last_lines(path: str | Path) -> dict[str, int]:
    """Each doc_id's last line number, in the order the ids first appear. Reads ids only, not records."""
    last: dict[str, int] = {}
    for line_no, line in read_lines(path):
        doc_id = doc_id_of(line)
        if doc_id is not None:
            last[doc_id] = line_no
    return last


def latest_lines(path: str | Path, last: dict[str, int] | None = None) -> Iterator[tuple[int, str, str | None]]:
    """``(line number, line, doc_id)`` of each document's latest line, in file order; a line that is not a
    record comes with doc_id None (callers report it). ``last`` is ``last_lines(path)`` when the caller has it."""
    keep = set((last if last is not None else last_lines(path)).values())
    for line_no, line in read_lines(path):
        doc_id = doc_id_of(line)
        if doc_id is None or line_no in keep:
            yield line_no, line, doc_id


@dataclass(frozen=True)
class LineRef:
    """Where one line of a JSONL file is, so that it can be read alone (by another process)."""

    line_no: int
    offset: int
    length: int
    doc_id: str | None  # None: the line is not a record


def latest_refs(path: str | Path) -> list[LineRef]:
    """Each document's latest line (and each line that is not a record), in file order, as byte ranges."""
    latest: dict[str, LineRef] = {}
    other: list[LineRef] = []
    try:
        with open(path, "rb") as fh:
            offset = 0
            for line_no, raw in enumerate(fh, 1):
                if raw.strip():
                    try:
                        doc_id = doc_id_of(raw.decode("utf-8"))
                    except UnicodeDecodeError:
                        doc_id = None
                    ref = LineRef(line_no, offset, len(raw), doc_id)
                    if doc_id is None:
                        other.append(ref)
                    else:
                        latest[doc_id] = ref
                offset += len(raw)
    except OSError as exc:
        raise UsageError(f"{path}: cannot read ({exc.strerror}); give a JSONL file from 'extractor extract'") from None
    return sorted([*latest.values(), *other], key=lambda r: r.line_no)


def read_ref(path: str | Path, ref: LineRef) -> str:
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
