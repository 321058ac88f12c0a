"""An export end to end: records in (a JSONL file, or records in memory), sheets out (files, or DataFrames).

- ``long``: the cells sheet, one row per cell; ``wide``: the documents sheet, one row per document;
  ``panel``: organ x year, sorted, the 2019/2021 keys lined up by crosswalk.py, and SPEC's X1 run across
  the years (its findings are the across_years sheet).
- Every shape also writes the narrative items and the failure records: nothing is dropped silently.

A file is read as "the latest record per document" (extractor/records.py). Long and wide stream it once;
the panel reads it twice (first the few facts X1 and the sort need, then each record in panel order), so
memory stays flat in the number of records either way.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal, Protocol, TypeVar

from ..crossyear import CrossYearResult, YearFacts, check_across_years, facts_of
from ..errors import UsageError
from ..records import OnError, RecordRef, latest, read_raw, read_refs, scan
from .columns import Column, Sheet, sheet_columns
from .rows import DocView, across_years_row, failure_row, item_rows, long_rows, panel_row, wide_row
from .writers import Output

Shape = Literal["long", "wide", "panel"]
SHAPES: tuple[Shape, ...] = ("long", "wide", "panel")
MAIN_SHEET: dict[Shape, Sheet] = {"long": "cells", "wide": "documents", "panel": "panel"}
T = TypeVar("T")


class Sink(Protocol):
    rows: dict[str, int]

    def add(self, sheet: str, row: tuple[Any, ...]) -> None: ...


@dataclass
class ExportResult:
    files: list[Path] = field(default_factory=list)
    rows: dict[str, int] = field(default_factory=dict)
    documents: int = 0
    failures: int = 0
    across_years: CrossYearResult | None = None


def shape_sheets(shape: Shape, indicators: bool = False) -> dict[str, tuple[Column, ...]]:
    """The sheets a shape writes, main sheet first, with their columns."""
    if shape not in SHAPES:
        raise UsageError(f"unknown shape {shape!r}; one of {', '.join(SHAPES)}")
    main = MAIN_SHEET[shape]
    sheets: dict[str, tuple[Column, ...]] = {main: sheet_columns(main, indicators)}
    sheets["items"] = sheet_columns("items")
    sheets["failures"] = sheet_columns("failures")
    if shape == "panel":
        sheets["across_years"] = sheet_columns("across_years")
    return sheets


def is_failure(data: Mapping[str, Any]) -> bool:
    return "error" in data and "provenance" not in data


def write_flat(
    sink: Sink, records: Iterable[Mapping[str, Any]], shape: Shape, indicators: bool, aliases: dict[str, str] | None
) -> ExportResult:
    """Long or wide: each record's rows as it comes."""
    result = ExportResult()
    for data in records:
        if is_failure(data):
            sink.add("failures", failure_row(data))
            result.failures += 1
            continue
        result.documents += 1
        view = DocView(data, aliases)
        if shape == "long":
            for row in long_rows(view):
                sink.add("cells", row)
        else:
            sink.add("documents", wide_row(view, indicators))
        for row in item_rows(view):
            sink.add("items", row)
    return result


def write_panel(
    sink: Sink,
    first: Iterable[tuple[T, Mapping[str, Any]]],
    fetch: Callable[[list[T]], Iterable[Mapping[str, Any]]],
    indicators: bool,
    aliases: dict[str, str] | None,
) -> ExportResult:
    """The panel: ``first`` gives every record once (X1's facts and the sort key are taken from it),
    ``fetch`` gives the records again, in the order of the tokens it is handed."""
    result = ExportResult()
    facts: list[YearFacts] = []
    order: list[tuple[bool, str, int, int, T]] = []
    for token, data in first:
        if is_failure(data):
            sink.add("failures", failure_row(data))
            result.failures += 1
            continue
        f = facts_of(data, aliases)
        facts.append(f)
        order.append((f.organ_key is None, f.organ_key or "", f.year or 0, len(order), token))
    checked = check_across_years(facts)
    per_doc = Counter(doc for finding in checked.findings for doc in set(finding.doc_ids))
    years: Counter[tuple[str | None, int | None]] = Counter((f.organ_key, f.year) for f in facts)
    del facts  # X1 is done: its cells need not outlive the second pass
    order.sort(key=lambda o: o[:4])
    tokens = [o[-1] for o in order]
    del order
    for data in fetch(tokens):
        view = DocView(data, aliases)
        key = (view.organ_key, data.get("year"))
        duplicate = None not in key and years[key] > 1
        sink.add("panel", panel_row(view, duplicate, per_doc[data["doc_id"]], indicators))
        for row in item_rows(view):
            sink.add("items", row)
        result.documents += 1
    for finding in checked.findings:
        sink.add("across_years", across_years_row(finding))
    result.across_years = checked
    return result


def _validated(path: Path, on_error: OnError | None) -> Iterator[Mapping[str, Any]]:
    for _, data, _ in latest(path, on_error):
        yield data


def write_file_records(
    sink: Sink,
    path: Path,
    shape: Shape,
    indicators: bool = False,
    aliases: dict[str, str] | None = None,
    on_error: OnError | None = None,
) -> ExportResult:
    """The latest record per document of a JSONL file into ``sink``, in ``shape``."""
    if not path.is_file():
        raise UsageError(f"{path}: no such file; give a JSONL file from 'extractor extract'")
    if shape != "panel":
        return write_flat(sink, _validated(path, on_error), shape, indicators, aliases)
    refs = scan(path, on_error)
    first = ((ref, data) for ref, data, _ in read_refs(path, refs, on_error))

    def fetch(order: list[RecordRef]) -> Iterator[Mapping[str, Any]]:
        return (data for _, data in read_raw(path, order))

    return write_panel(sink, first, fetch, indicators, aliases)


def export_file(
    records: str | Path,
    output: str | Path,
    shape: Shape = "long",
    indicators: bool = False,
    aliases: dict[str, str] | None = None,
    on_error: OnError | None = None,
) -> ExportResult:
    """Export a JSONL file of records (latest per document) to ``output`` (.csv, .parquet or .xlsx).
    A malformed line goes to ``on_error`` and is skipped (raised when ``on_error`` is None)."""
    path = Path(records)
    if not path.is_file():
        raise UsageError(f"{path}: no such file; give a JSONL file from 'extractor extract'")
    out = Output(output, shape_sheets(shape, indicators))
    try:
        result = write_file_records(out, path, shape, indicators, aliases, on_error)
        result.files = out.close()
    except BaseException:
        out.abort()
        raise
    result.rows = dict(out.rows)
    return result
