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

from array import array
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from .organs import organ_key
from .rules import X1
from .schema import CrossYearFinding, YearCellRef
from .spec import TABLE3_COLUMNS_WITH_SUBTOTAL

Number = int | float
_DOC_ROWS = ("regulations", "normative_documents")


# The cells X1 reads, in a fixed order: a record's facts are two tuples in this order, not a dict per record,
# so a panel of many thousands of records keeps a few hundred bytes each.
X1_PATHS: tuple[str, ...] = (
    *(f"table3.{row}.{col}" for row in ("carried_over", "carried_forward") for col in TABLE3_COLUMNS_WITH_SUBTOTAL),
    *(f"table2.{row}.{col}" for row in _DOC_ROWS for col in ("issued", "repealed", "in_force")),
)
_SLOT = {path: i for i, path in enumerate(X1_PATHS)}


@dataclass(frozen=True, slots=True)
class YearFacts:
    """What X1 needs of one record: who, which year, and the cells it compares (by X1_PATHS)."""

    doc_id: str
    organ_key: str | None
    year: int | None
    format_table2: str | None
    values: tuple[Number | None, ...]
    spans: array[int]  # start, end of each cell, -1, -1 where there is none

    def value(self, path: str) -> Number | None:
        return self.values[_SLOT[path]]

    def ref(self, path: str) -> YearCellRef:
        i = _SLOT[path]
        start, end = self.spans[2 * i], self.spans[2 * i + 1]
        span = (start, end) if start >= 0 else None
        return YearCellRef(doc_id=self.doc_id, year=self.year, path=path, value=self.values[i], span=span)


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
    values: list[Number | None] = []
    spans = array("q")
    for path in X1_PATHS:
        table, row, col = path.split(".")
        cell = ((data.get(table) or {}).get(row) or {}).get(col)
        span = cell.get("span") if cell else None
        values.append(cell.get("value") if cell else None)
        spans.extend((int(span[0]), int(span[1])) if span else (-1, -1))
    fmt = (data.get("format") or {}).get("table2")
    return YearFacts(str(data["doc_id"]), record_key(data, aliases), data.get("year"), fmt, tuple(values), spans)


def _pair(
    key: str, a: YearFacts, b: YearFacts, message: str, cells: list[YearCellRef], expected: Number, found: Number
) -> CrossYearFinding:
    return CrossYearFinding(
        rule=X1.id,
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
        prev, cur = a.value(f"table3.carried_forward.{col}"), b.value(f"table3.carried_over.{col}")
        if prev is None or cur is None or abs(prev - cur) < 1e-9:
            continue
        yield _pair(
            key,
            a,
            b,
            f"{b.doc_id} ({b.year}) carries over {cur:g} for {col}, but {a.doc_id} ({a.year}) carried {prev:g} forward",
            [a.ref(f"table3.carried_forward.{col}"), b.ref(f"table3.carried_over.{col}")],
            prev,
            cur,
        )


def _in_force(key: str, a: YearFacts, b: YearFacts) -> Iterable[CrossYearFinding]:
    if a.format_table2 != "2021" or b.format_table2 != "2021":
        return
    for row in _DOC_ROWS:
        paths = (f"table2.{row}.in_force", f"table2.{row}.issued", f"table2.{row}.repealed")
        prev = a.value(paths[0])
        cur, issued, repealed = (b.value(p) for p in paths)
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
            [a.ref(paths[0]), *(b.ref(p) for p in paths[1:]), b.ref(paths[0])],
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
                        rule=X1.id,
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
