"""SPEC's X1: a body's report against its previous year's. Warnings, never errors: bodies restate figures.

For every organ (``organ_key``) with reports of consecutive years Y and Y+1:

- table 3, per column printed in both: Y+1's ``carried_over`` = Y's ``carried_forward``;
- table 2 (2021 format in both years), for regulations and normative documents: Y+1's ``in_force`` =
  Y's ``in_force`` + Y+1's ``issued`` - Y+1's ``repealed``;
- two reports of one organ and year are reported as a duplicate.

A blank or missing cell is "not reported": the comparison is skipped, as in the single-report rules. Only the
few cells X1 reads are kept per record, so a panel of any size is checked in little memory.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from .organs import organ_key
from .schema import CrossYearFinding, YearCellRef
from .spec import TABLE3_COLUMNS_WITH_SUBTOTAL

Number = int | float
_DOC_ROWS = ("regulations", "normative_documents")


@dataclass(frozen=True, slots=True)
class YearFacts:
    """What X1 needs of one record: who, which year, and the cells it compares."""

    doc_id: str
    organ_key: str | None
    year: int | None
    format_table2: str | None
    cells: dict[str, tuple[Number | None, tuple[int, int] | None]]


@dataclass
class CrossYearResult:
    findings: list[CrossYearFinding] = field(default_factory=list)
    organs: int = 0  # organs with at least two years
    pairs: int = 0  # consecutive-year pairs compared
    unplaced: list[str] = field(default_factory=list)  # records without organ or year: not checked


def record_key(data: Mapping[str, Any], aliases: dict[str, str] | None = None) -> str | None:
    """The record's organ_key (as stored, else normalised from its printed organ), aliases applied."""
    stored = data.get("organ_key") or organ_key(data.get("organ"))
    if stored is None:
        return None
    return aliases.get(stored, stored) if aliases else stored


def facts_of(data: Mapping[str, Any], aliases: dict[str, str] | None = None) -> YearFacts:
    """The X1 facts of one record in its JSON form."""
    cells: dict[str, tuple[Number | None, tuple[int, int] | None]] = {}
    t3 = data.get("table3") or {}
    for row in ("carried_over", "carried_forward"):
        for col, cell in (t3.get(row) or {}).items():
            cells[f"table3.{row}.{col}"] = (cell.get("value"), _span(cell))
    t2 = data.get("table2") or {}
    for row in _DOC_ROWS:
        for col in ("issued", "repealed", "in_force"):
            cell = (t2.get(row) or {}).get(col)
            if cell is not None:
                cells[f"table2.{row}.{col}"] = (cell.get("value"), _span(cell))
    fmt = (data.get("format") or {}).get("table2")
    return YearFacts(str(data["doc_id"]), record_key(data, aliases), data.get("year"), fmt, cells)


def _span(cell: Mapping[str, Any]) -> tuple[int, int] | None:
    span = cell.get("span")
    return (int(span[0]), int(span[1])) if span else None


def _ref(f: YearFacts, path: str) -> YearCellRef:
    value, span = f.cells.get(path, (None, None))
    return YearCellRef(doc_id=f.doc_id, year=f.year, path=path, value=value, span=span)


def _value(f: YearFacts, path: str) -> Number | None:
    return f.cells.get(path, (None, None))[0]


def _pair(
    key: str, a: YearFacts, b: YearFacts, message: str, cells: list[YearCellRef], expected: Number, found: Number
) -> CrossYearFinding:
    return CrossYearFinding(
        organ_key=key,
        doc_ids=[a.doc_id, b.doc_id],
        years=[a.year or 0, b.year or 0],  # placed records only: never 0
        message=message,
        cells=cells,
        expected=expected,
        found=found,
    )


def _carry(key: str, a: YearFacts, b: YearFacts) -> Iterable[CrossYearFinding]:
    for col in TABLE3_COLUMNS_WITH_SUBTOTAL:
        prev, cur = _value(a, f"table3.carried_forward.{col}"), _value(b, f"table3.carried_over.{col}")
        if prev is None or cur is None or abs(prev - cur) < 1e-9:
            continue
        yield _pair(
            key,
            a,
            b,
            f"{b.doc_id} ({b.year}) carries over {cur:g} for {col}, but {a.doc_id} ({a.year}) carried {prev:g} forward",
            [_ref(a, f"table3.carried_forward.{col}"), _ref(b, f"table3.carried_over.{col}")],
            prev,
            cur,
        )


def _in_force(key: str, a: YearFacts, b: YearFacts) -> Iterable[CrossYearFinding]:
    if a.format_table2 != "2021" or b.format_table2 != "2021":
        return
    for row in _DOC_ROWS:
        paths = (f"table2.{row}.in_force", f"table2.{row}.issued", f"table2.{row}.repealed")
        prev = _value(a, paths[0])
        cur, issued, repealed = (_value(b, p) for p in paths)
        if prev is None or cur is None or issued is None or repealed is None:
            continue
        expected = prev + issued - repealed
        if abs(expected - cur) < 1e-9:
            continue
        yield _pair(
            key,
            a,
            b,
            f"{b.doc_id} ({b.year}) has {cur:g} {row} in force, but {a.doc_id}'s {prev:g} + {issued:g} issued - "
            f"{repealed:g} repealed = {expected:g}",
            [_ref(a, paths[0]), *(_ref(b, p) for p in paths[1:]), _ref(b, paths[0])],
            expected,
            cur,
        )


def check_across_years(facts: Iterable[YearFacts]) -> CrossYearResult:
    """X1 over records of any number of organs, in any order (module docstring)."""
    result = CrossYearResult()
    by_organ: dict[str, dict[int, list[YearFacts]]] = defaultdict(lambda: defaultdict(list))
    for f in facts:
        if f.organ_key is None or f.year is None:
            result.unplaced.append(f.doc_id)
        else:
            by_organ[f.organ_key][f.year].append(f)
    for key in sorted(by_organ):
        years = by_organ[key]
        if len(years) > 1:
            result.organs += 1
        for year in sorted(years):
            docs = years[year]
            for other in docs[1:]:
                result.findings.append(
                    CrossYearFinding(
                        organ_key=key,
                        doc_ids=[docs[0].doc_id, other.doc_id],
                        years=[year, year],
                        message=f"two reports for {year} ({docs[0].doc_id}, {other.doc_id}); both are "
                        "kept, and each is compared with the neighbouring years",
                    )
                )
            for a in docs:
                for b in years.get(year + 1, ()):
                    result.pairs += 1
                    result.findings.extend(_carry(key, a, b))
                    result.findings.extend(_in_force(key, a, b))
    return result
