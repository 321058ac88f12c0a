"""Small named evaluators. Each looks at one field of a Report against the Gold and returns its scores (0..1,
higher is better, unless the metric says otherwise) with the misses that explain them. A new field needs
one new evaluator."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from ..rules import RULES
from ..schema import Cell, Report
from ..types import Number, Span, Table
from .gold import Gold, GoldCell
from .matching import NAME_THRESHOLD, match


@dataclass(frozen=True)
class Case:
    """One document to score: the file ``extract`` reads, and what is true about it."""

    name: str
    path: Path
    gold: Gold
    group: str = "bundled"  # the gold set; for synthetic cases the layout or the input format


@dataclass(frozen=True)
class Context:
    """What an evaluator sees: the case, the record extracted from it, and the text its spans index."""

    case: Case
    report: Report
    text: str


@dataclass(frozen=True)
class Score:
    value: float
    misses: tuple[str, ...] = ()


Scores = Mapping[str, Score]


class Evaluator(Protocol):
    name: str

    def evaluate(self, ctx: Context) -> Scores: ...


@dataclass(frozen=True)
class Metric:
    """How a score aggregates over documents and which way is better."""

    higher_is_better: bool = True
    summed: bool = False  # a set's figure is the sum over its documents (a count), not the mean


METRICS: dict[str, Metric] = {
    "wrong_values": Metric(higher_is_better=False, summed=True),
    "silent_wrong_values": Metric(higher_is_better=False, summed=True),
    "failed": Metric(higher_is_better=False, summed=True),
}
DEFAULT_METRIC = Metric()


def metric(name: str) -> Metric:
    return METRICS.get(name, DEFAULT_METRIC)


def _same(a: Number | None, b: Number | None) -> bool:
    if a is None or b is None:
        return a is None and b is None  # blank is not zero
    return abs(a - b) < 1e-9


TABLES = ("table2", "table3", "table4")


def compare_cells(gold: Gold, report: Report) -> Iterator[tuple[str, str, str, GoldCell, Cell | None]]:
    """(table, row, column, gold cell, extracted cell or None) for every gold cell the scorer counts: the
    gold's uncertain cells are left out."""
    for table in TABLES:
        expected: Table[GoldCell] | None = gold.table(table)
        if expected is None:
            continue
        got: Table[Cell] = getattr(report, table) or {}
        for row, cols in expected.items():
            mine = got.get(row, {})
            for col, cell in cols.items():
                if not gold.uncertain or not gold.is_uncertain(f"{table}.{row}.{col}"):
                    yield table, row, col, cell, mine.get(col)


def row_counts(gold: Gold, report: Report) -> dict[str, tuple[int, int]]:
    """Per table row: (cells right, cells scored), for the report's breakdown by row."""
    counts: dict[str, list[int]] = {}
    for table, row, _, cell, mine in compare_cells(gold, report):
        c = counts.setdefault(f"{table}.{row}", [0, 0])
        c[0] += mine is not None and _same(mine["value"], cell.value)
        c[1] += 1
    return {k: (ok, n) for k, (ok, n) in counts.items()}


class TableCells:
    """Cell accuracy per table and overall (exact value; null and 0 differ), and ``wrong_values``: cells
    given a value that is not the gold's (a wrong number, or a number where the document prints blank).
    A cell left out or left blank where the gold has a number is a refusal: it lowers ``cells`` only."""

    name = "tables"

    def evaluate(self, ctx: Context) -> Scores:
        n: dict[str, int] = dict.fromkeys(TABLES, 0)
        ok: dict[str, int] = dict.fromkeys(TABLES, 0)
        misses: dict[str, list[str]] = {t: [] for t in TABLES}
        wrong: list[str] = []
        for table, row, col, cell, mine in compare_cells(ctx.case.gold, ctx.report):
            n[table] += 1
            if mine is not None and _same(mine["value"], cell.value):
                ok[table] += 1
                continue
            path = f"{table}.{row}.{col}"
            shown = "missing" if mine is None else repr(mine["value"])
            misses[table].append(f"{path}: expected {cell.value!r}, got {shown}")
            if mine is not None and mine["value"] is not None:
                wrong.append(f"{path}: expected {cell.value!r}, got {mine['value']!r}")
        scores = {
            f"{t}.cells": Score(ok[t] / n[t] if n[t] else 1.0, tuple(misses[t]))
            for t in TABLES
            if ctx.case.gold.table(t) is not None
        }
        total = sum(n.values())
        if total:
            scores["cells"] = Score(sum(ok.values()) / total)
        else:  # no standard tables (a report from before 2019): any number given for one is wrong
            wrong += _invented(ctx.report)
            if wrong:
                scores["cells"] = Score(0.0, tuple(wrong))
        scores["wrong_values"] = Score(float(len(wrong)), tuple(wrong))
        return scores


def _invented(report: Report) -> list[str]:
    """Cells holding a number in a report whose gold has no tables at all."""
    return [
        f"{t}.{row}.{col}: expected no table, got {cell['value']!r}"
        for t in TABLES
        for row, cols in (getattr(report, t) or {}).items()
        for col, cell in cols.items()
        if cell["value"] is not None
    ]


class SilentErrors:
    """``silent_wrong_values``: the wrong values (as in ``wrong_values``) that sit in a table whose arithmetic
    rules all pass, so no validator points at them: the misread that reaches a user unflagged (an OCR'd digit
    above all). Table 2 has no sums, so every wrong value there is silent."""

    name = "silent"

    def evaluate(self, ctx: Context) -> Scores:
        flagged = {
            c.path.split(".")[0]
            for f in ctx.report.findings
            if (r := RULES.get(f.rule)) is not None and r.stage == "tables" and f.severity == "error"
            for c in f.cells
        }
        silent = [
            f"{table}.{row}.{col}: expected {cell.value!r}, got {mine['value']!r}"
            for table, row, col, cell, mine in compare_cells(ctx.case.gold, ctx.report)
            if table not in flagged
            and mine is not None
            and mine["value"] is not None
            and not _same(mine["value"], cell.value)
        ]
        return {"silent_wrong_values": Score(float(len(silent)), tuple(silent))}


class Formats:
    """Share of the three tables whose format was told right."""

    name = "formats"

    def evaluate(self, ctx: Context) -> Scores:
        gold, got = ctx.case.gold.formats, ctx.report.format
        wrong = [
            f"{t}: expected {getattr(gold, t)}, got {getattr(got, t)}"
            for t in TABLES
            if getattr(gold, t) != getattr(got, t)
        ]
        return {"formats": Score(1 - len(wrong) / len(TABLES), tuple(wrong))}


class Items:
    """Precision / recall / F1 of problems or improvements, one-to-one by text similarity."""

    def __init__(self, field: str) -> None:
        self.name = self.field = field

    def evaluate(self, ctx: Context) -> Scores:
        predicted = [i.text for i in getattr(ctx.report, self.field)]
        gold = getattr(ctx.case.gold, self.field)
        m = match(predicted, gold)
        return {
            f"{self.field}.precision": Score(
                m.precision, tuple(f"extra: {predicted[i][:30]}" for i in m.unmatched_predicted())
            ),
            f"{self.field}.recall": Score(m.recall, tuple(f"missed: {gold[i][:30]}" for i in m.unmatched_gold())),
            f"{self.field}.f1": Score(m.f1),
        }


class Platforms:
    """Precision / recall of platform names (one-to-one), and the share of matched ones with the right kind."""

    name = "platforms"

    def evaluate(self, ctx: Context) -> Scores:
        got, gold = ctx.report.platforms, ctx.case.gold.platforms
        predicted = [p.name for p in got]
        names = [p.name for p in gold]
        m = match(predicted, names, NAME_THRESHOLD, [p.aliases for p in gold])
        scores = {
            "platforms.precision": Score(m.precision, tuple(f"extra: {predicted[i]}" for i in m.unmatched_predicted())),
            "platforms.recall": Score(m.recall, tuple(f"missed: {names[i]}" for i in m.unmatched_gold())),
            "platforms.f1": Score(m.f1),
        }
        if m.pairs:
            wrong = tuple(
                f"{predicted[p]}: {got[p].kind} vs {gold[g].kind}" for p, g, _ in m.pairs if got[p].kind != gold[g].kind
            )
            scores["platforms.kind"] = Score(1 - len(wrong) / len(m.pairs), wrong)
        return scores


class Fee:
    name = "fee"

    def evaluate(self, ctx: Context) -> Scores:
        got = ctx.report.info_processing_fee.value if ctx.report.info_processing_fee else None
        want = ctx.case.gold.info_processing_fee.value
        right = _same(got, want)
        return {"fee": Score(1.0 if right else 0.0, () if right else (f"expected {want}, got {got}",))}


class Findings:
    """Precision / recall of findings as (rule, table) pairs against the gold's, for the rules that describe
    the document (tables and prose). Findings about the parse and the input (S1–S3) are about the extractor: any counts
    against ``parse_clean``."""

    name = "findings"

    def evaluate(self, ctx: Context) -> Scores:
        found = ctx.report.findings
        predicted = {
            (f.rule, f.cells[0].path.split(".")[0] if f.cells else None)
            for f in found
            if (r := RULES.get(f.rule)) is not None and r.describes_document
        }
        gold = {(f.rule, f.table) for f in ctx.case.gold.findings}
        tp = predicted & gold
        parse = tuple(
            f"{f.rule}: {f.message}" for f in found if (r := RULES.get(f.rule)) and r.stage in ("parse", "sections")
        )
        return {
            "findings.precision": Score(
                len(tp) / len(predicted) if predicted else 1.0,
                tuple(f"extra: {r} {t}" for r, t in sorted(predicted - gold, key=str)),
            ),
            "findings.recall": Score(
                len(tp) / len(gold) if gold else 1.0,
                tuple(f"missed: {r} {t}" for r, t in sorted(gold - predicted, key=str)),
            ),
            "parse_clean": Score(0.0 if parse else 1.0, parse),
        }


class Grounding:
    """Share of emitted items (problems, improvements, platforms, overview, fee) whose span shows their text."""

    name = "grounding"

    def evaluate(self, ctx: Context) -> Scores:
        r = ctx.report
        items: list[tuple[str, Span | None]] = [(i.text, i.span) for i in (*r.problems, *r.improvements)]
        items += [(p.name, p.span) for p in r.platforms]
        items += [(v.text, v.span) for _, v in r.overview if v is not None]
        if r.info_processing_fee:
            items.append((r.info_processing_fee.text, r.info_processing_fee.span))
        bad = tuple(t[:30] for t, span in items if span is None or ctx.text[span[0] : span[1]] != t)
        return {"grounding": Score(1 - len(bad) / len(items) if items else 1.0, bad)}


class Verbatim:
    """Share of problems, improvements and platforms found verbatim in the source (grounding 'exact');
    the rules backend always is, a model's items may be aligned fuzzily or not found at all."""

    name = "verbatim"

    def evaluate(self, ctx: Context) -> Scores:
        r = ctx.report
        items = [(i.text, i.grounding) for i in (*r.problems, *r.improvements)]
        items += [(p.name, p.grounding) for p in r.platforms]
        loose = tuple(text[:30] for text, how in items if how != "exact")
        return {"verbatim": Score(1 - len(loose) / len(items) if items else 1.0, loose)}


DEFAULT_EVALUATORS: tuple[Evaluator, ...] = (
    TableCells(),
    SilentErrors(),
    Formats(),
    Items("problems"),
    Items("improvements"),
    Platforms(),
    Fee(),
    Findings(),
    Grounding(),
    Verbatim(),
)
