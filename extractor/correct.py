"""``extractor correct``: a person's corrections (CSV lines copied from the review page) applied to records.

A correction changes a cell's ``value`` only: ``raw`` and ``span`` keep showing what the document printed, and
the cell records ``corrected: {from, note}`` so exports and evals can tell printed from corrected values. The
corrected record is re-validated. Every line of the CSV is checked before anything is written: an unknown
doc_id, cell or value is reported as ``file:line`` with the fix, and the output is not written.
"""

from __future__ import annotations

import csv
import difflib
import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

from .errors import RecordError, UsageError
from .pipeline import revalidate
from .records import latest_lines, latest_records
from .schema import Cell, CellCorrection, FailureRecord, Formats, Report, Table
from .spec import cell_keys

HEADER = ("doc_id", "path", "value", "note")
_BLANK = {"", "null", "/", "／", "—", "-", "无", "－"}
_NUMBER = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)")
Number = int | float


class CorrectionError(UsageError):
    """The corrections file is wrong; every problem is listed as file:line with its fix."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = problems
        super().__init__(f"{len(problems)} problem(s) in the corrections, nothing written:\n" + "\n".join(problems))


@dataclass(frozen=True)
class Correction:
    where: str  # file:line, for messages
    doc_id: str
    path: str
    value: Number | None
    note: str


@dataclass
class Applied:
    """What ``apply`` did: per document the changes made, and the error findings left after re-validation."""

    changes: list[tuple[Correction, Number | None]] = field(default_factory=list)  # (correction, old value)
    unchanged: list[Correction] = field(default_factory=list)
    errors_left: dict[str, list[str]] = field(default_factory=dict)  # doc_id -> rules still failing
    passed_through: int = 0
    malformed: list[str] = field(default_factory=list)
    fixed: dict[str, Report] = field(default_factory=dict)  # the corrected records, before re-validation


def parse_value(text: str) -> Number | None:
    """A corrected value as a person types it: a number (full-width digits and thousands separators
    allowed), or blank / ``/`` / ``—`` / ``无`` / ``null`` for a cell printed blank. ValueError otherwise."""
    t = unicodedata.normalize("NFKC", text).strip().replace(",", "")
    if t in _BLANK:
        return None
    if not _NUMBER.fullmatch(t):
        raise ValueError(text)
    return int(t) if re.fullmatch(r"[+-]?\d+", t) else float(t)


def read_corrections(path: str | Path) -> tuple[list[Correction], list[str]]:
    """The CSV's corrections (an optional ``doc_id,path,value,note`` header first), and its malformed lines
    as ``file:line`` problems."""
    problems: list[str] = []
    found: list[Correction] = []
    try:
        with open(path, encoding="utf-8-sig", newline="") as fh:
            rows = list(csv.reader(fh))
    except OSError as exc:
        raise UsageError(f"{path}: cannot read the corrections ({exc.strerror})") from None
    except (UnicodeDecodeError, csv.Error) as exc:
        raise UsageError(f"{path}: not a UTF-8 CSV file ({exc}); save it as UTF-8 CSV") from None
    for n, row in enumerate(rows, 1):
        where = f"{path}:{n}"
        if not row or all(not c.strip() for c in row) or row[0].lstrip().startswith("#"):
            continue
        if n == 1 and tuple(c.strip().lower() for c in row[:4]) == HEADER[: len(row[:4])]:
            continue
        if len(row) not in (3, 4):
            problems.append(
                f"{where}: {len(row)} fields, expected doc_id,path,value[,note]; quote a note holding commas "
                'with "…" (the review page copies lines quoted)'
            )
            continue
        doc_id, cell_path, raw_value = (c.strip() for c in row[:3])
        try:
            value = parse_value(raw_value)
        except ValueError:
            problems.append(
                f"{where}: value {raw_value!r} is not a number; write a number, or leave it empty for a blank cell"
            )
            continue
        found.append(Correction(where, doc_id, cell_path, value, row[3].strip() if len(row) == 4 else ""))
    if not found and not problems:
        raise UsageError(f"{path}: no corrections in the file; add lines doc_id,path,value,note")
    return found, problems + _duplicates(found)


def _duplicates(found: list[Correction]) -> list[str]:
    first: dict[tuple[str, str], Correction] = {}
    problems = []
    for c in found:
        seen = first.setdefault((c.doc_id, c.path), c)
        if seen is not c and seen.value != c.value:
            problems.append(
                f"{c.where}: {c.doc_id} {c.path} is also corrected at {seen.where} to another value; keep one line"
            )
    return problems


def _allowed(table: str, fmt: Formats) -> dict[str, tuple[str, ...]]:
    return cell_keys(table, fmt.table2 if table == "table2" else fmt.table3)


def _check_path(c: Correction, report: Report) -> str | None:
    """What is wrong with the correction's cell path for this record, or None."""
    table, _, rest = c.path.partition(".")
    row, _, col = rest.partition(".")
    if table not in ("table2", "table3", "table4") or not row or not col or "." in col:
        return f"{c.where}: path {c.path!r} is not a cell; write table.row.column, e.g. table3.granted.total"
    data: Table[Cell] | None = getattr(report, table)
    allowed = _allowed(table, report.format)
    if data is None or not allowed:
        return (
            f"{c.where}: {table} was not read for {c.doc_id} (its format is unknown), so no cell can be corrected; "
            "fix the source and re-extract"
        )
    if row not in allowed:
        return f"{c.where}: {table} has no row {row!r} in this document's format; {_suggest(row, list(allowed))}"
    if col not in allowed[row]:
        return f"{c.where}: {table}.{row} has no column {col!r}; {_suggest(col, list(allowed[row]))}"
    return None


def _suggest(key: str, keys: list[str]) -> str:
    close = difflib.get_close_matches(key, keys, n=1, cutoff=0.75)
    return f"did you mean {close[0]!r}?" if close else f"one of: {', '.join(keys)}"


def _apply_one(report: Report, c: Correction) -> tuple[bool, Number | None]:
    """Set the cell: (whether it changed, the value it had)."""
    table, row, col = c.path.split(".")
    data: Table[Cell] = getattr(report, table)
    cells = data.setdefault(row, {})
    old: Cell | None = cells.get(col)
    if old is not None and old["value"] == c.value:
        return False, c.value
    before = old["corrected"]["from"] if old is not None and "corrected" in old else (old["value"] if old else None)
    cell: Cell = {"value": c.value, "raw": old["raw"] if old else "", "span": old["span"] if old else None}
    if old is not None and "unit" in old:
        cell["unit"] = old["unit"]
    note: CellCorrection = {"from": before, "note": c.note}
    cell["corrected"] = note
    cells[col] = cell
    return True, old["value"] if old else None


def _corrected_records(
    records: str | Path, corrections: list[Correction], applied: Applied
) -> tuple[dict[str, Report], list[str]]:
    """Pass one: apply the corrections to copies of their records; the problems found on the way."""
    by_doc: dict[str, list[Correction]] = {}
    for c in corrections:
        by_doc.setdefault(c.doc_id, []).append(c)
    fixed: dict[str, Report] = {}
    problems: list[str] = []
    ids: list[str] = []
    for _, record in latest_records(records):
        if isinstance(record, RecordError):
            applied.malformed.append(str(record))
            continue
        ids.append(record.doc_id)
        wanted = by_doc.get(record.doc_id)
        if not wanted:
            continue
        if isinstance(record, FailureRecord):
            problems += [
                f"{c.where}: {c.doc_id} failed extraction ({record.error.type}), it has no cells; fix the input "
                "and re-extract"
                for c in wanted
            ]
            continue
        report = record  # parsed for this pass alone: changed in place
        for c in wanted:
            problem = _check_path(c, report)
            if problem:
                problems.append(problem)
                continue
            changed, old = _apply_one(report, c)
            if changed:
                applied.changes.append((c, old))
            else:
                applied.unchanged.append(c)
        fixed[record.doc_id] = report
    known = set(ids)
    shown = ", ".join(ids[:10]) + (f" … ({len(ids)} in all)" if len(ids) > 10 else "")
    problems += [
        f"{c.where}: no record with doc_id {c.doc_id!r} in {records} (ids: {shown or 'none'}); copy the line from "
        "the review page built from this file"
        for c in corrections
        if c.doc_id not in known
    ]
    return fixed, problems


def prepare(records: str | Path, corrections_csv: str | Path) -> Applied:
    """Read the corrections and apply them to their records in memory. Raises CorrectionError listing every
    problem, in the CSV's line order (a malformed line, or a correction that does not fit its record);
    nothing is written then."""
    corrections, problems = read_corrections(corrections_csv)
    applied = Applied()
    applied.fixed, more = _corrected_records(records, corrections, applied)
    problems += more
    if problems:
        raise CorrectionError(sorted(problems, key=_line_of))
    return applied


def _line_of(problem: str) -> int:
    m = re.search(r":(\d+): ", problem)
    return int(m.group(1)) if m else 0


def write(records: str | Path, applied: Applied, out: IO[str]) -> None:
    """Every document's latest record to ``out``: the corrected ones re-validated, the others (and lines
    that are not records) exactly as they were."""
    for _, line, doc_id in latest_lines(records):
        report = applied.fixed.get(doc_id) if doc_id is not None else None
        if report is None:
            out.write(line if line.endswith("\n") else line + "\n")
            applied.passed_through += 1
            continue
        report = revalidate(report)
        errors = sorted({f.rule for f in report.findings if f.severity == "error"})
        if errors:
            applied.errors_left[report.doc_id] = errors
        out.write(report.model_dump_json() + "\n")
