"""Small named evaluators. Each looks at one field of a Report against the Gold and returns scores in
0..1 (higher is better) plus the misses that explain them. A new field needs one new evaluator."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Protocol

from ..schema import Report
from .gold import Gold
from .matching import NAME_THRESHOLD, match


@dataclass(frozen=True)
class Case:
    """One document to score: its text and what is true about it."""

    name: str
    text: str
    gold: Gold
    group: str = "bundled"  # layout for synthetic cases


@dataclass
class Scores:
    values: dict[str, float] = field(default_factory=dict)
    misses: dict[str, list[str]] = field(default_factory=dict)
    rows: dict[str, tuple[int, int]] = field(default_factory=dict)  # "table3.granted" -> (correct, cells)

    def add(self, name: str, value: float, misses: list[str] | None = None) -> None:
        self.values[name] = value
        if misses:
            self.misses[name] = misses


class Evaluator(Protocol):
    name: str

    def evaluate(self, case: Case, report: Report, out: Scores) -> None: ...


def _same(a: int | float | None, b: int | float | None) -> bool:
    if a is None or b is None:
        return a is None and b is None  # blank is not zero
    return abs(a - b) < 1e-9


class TableCells:
    """Cell accuracy per table and overall (exact value; null and 0 differ). Misses name the cells."""

    name = "tables"

    def evaluate(self, case: Case, report: Report, out: Scores) -> None:
        total = correct = 0
        for table in ("table2", "table3", "table4"):
            gold = case.gold.table(table)
            if gold is None:
                continue
            got = getattr(report, table) or {}
            misses = []
            n = ok = 0
            for row, cols in gold.items():
                row_ok = 0
                for col, cell in cols.items():
                    n += 1
                    mine = got.get(row, {}).get(col)
                    if mine is not None and _same(mine["value"], cell.value):
                        ok += 1
                        row_ok += 1
                    else:
                        shown = "missing" if mine is None else repr(mine["value"])
                        misses.append(f"{table}.{row}.{col}: expected {cell.value!r}, got {shown}")
                out.rows[f"{table}.{row}"] = (row_ok, len(cols))
            out.add(f"{table}.cells", ok / n if n else 1.0, misses)
            total, correct = total + n, correct + ok
        out.add("cells", correct / total if total else 1.0)


class SilentErrors:
    """A wrong non-blank value in a table whose arithmetic rules all pass: the misread no validator can catch
    (an OCR'd digit above all). 1 when a document has none; the misses name the cells."""

    name = "silent"

    def evaluate(self, case: Case, report: Report, out: Scores) -> None:
        flagged = {
            c.path.split(".")[0]
            for f in report.findings
            if f.rule.startswith("R") and f.severity == "error"
            for c in f.cells
        }
        misses = []
        for table in ("table2", "table3", "table4"):
            gold = case.gold.table(table)
            if gold is None or table in flagged:
                continue
            got = getattr(report, table) or {}
            for row, cols in gold.items():
                for col, cell in cols.items():
                    mine = got.get(row, {}).get(col)
                    if mine is not None and mine["value"] is not None and not _same(mine["value"], cell.value):
                        misses.append(f"{table}.{row}.{col}: expected {cell.value!r}, got {mine['value']!r}")
        out.add("cells.no_silent_wrong", 0.0 if misses else 1.0, misses)


class Formats:
    """Share of the three tables whose format was told right."""

    name = "formats"

    def evaluate(self, case: Case, report: Report, out: Scores) -> None:
        names = ("table2", "table3", "table4")
        wrong = [
            f"{t}: expected {getattr(case.gold.formats, t)}, got {getattr(report.format, t)}"
            for t in names
            if getattr(case.gold.formats, t) != getattr(report.format, t)
        ]
        out.add("formats", 1 - len(wrong) / len(names), wrong)


class Items:
    """Precision / recall / F1 of problems or improvements, one-to-one by text similarity."""

    def __init__(self, field: str) -> None:
        self.name = self.field = field

    def evaluate(self, case: Case, report: Report, out: Scores) -> None:
        predicted = [i.text for i in getattr(report, self.field)]
        gold = getattr(case.gold, self.field)
        m = match(predicted, gold)
        out.add(
            f"{self.field}.precision", m.precision, [f"extra: {predicted[i][:30]}" for i in m.unmatched_predicted()]
        )
        out.add(f"{self.field}.recall", m.recall, [f"missed: {gold[i][:30]}" for i in m.unmatched_gold()])
        out.add(f"{self.field}.f1", m.f1)


class Platforms:
    """Precision / recall of platform names (one-to-one), and the share of matched ones with the right kind."""

    name = "platforms"

    def evaluate(self, case: Case, report: Report, out: Scores) -> None:
        predicted = [p.name for p in report.platforms]
        gold = [p.name for p in case.gold.platforms]
        m = match(predicted, gold, NAME_THRESHOLD)
        out.add("platforms.precision", m.precision, [f"extra: {predicted[i]}" for i in m.unmatched_predicted()])
        out.add("platforms.recall", m.recall, [f"missed: {gold[i]}" for i in m.unmatched_gold()])
        out.add("platforms.f1", m.f1)
        wrong = [
            f"{predicted[p]}: {report.platforms[p].kind} vs {case.gold.platforms[g].kind}"
            for p, g, _ in m.pairs
            if report.platforms[p].kind != case.gold.platforms[g].kind
        ]
        if m.pairs:
            out.add("platforms.kind", 1 - len(wrong) / len(m.pairs), wrong)


class Fee:
    name = "fee"

    def evaluate(self, case: Case, report: Report, out: Scores) -> None:
        got = report.info_processing_fee.value if report.info_processing_fee else None
        want = case.gold.info_processing_fee.value
        out.add("fee", 1.0 if _same(got, want) else 0.0, [] if _same(got, want) else [f"expected {want}, got {got}"])


class Findings:
    """Precision / recall of findings as (rule, table) pairs against the gold's, for the rules that describe
    the document (R*, N*). Parse findings (S*) are about the extractor: any is counted in ``parse_findings``."""

    name = "findings"

    def evaluate(self, case: Case, report: Report, out: Scores) -> None:
        def table_of(f) -> str | None:  # type: ignore[no-untyped-def]
            return f.cells[0].path.split(".")[0] if f.cells else None

        predicted = {(f.rule, table_of(f)) for f in report.findings if f.rule[0] in "RN"}
        gold = {(f.rule, f.table) for f in case.gold.findings}
        tp = predicted & gold
        out.add(
            "findings.precision",
            len(tp) / len(predicted) if predicted else 1.0,
            [f"extra: {r} {t}" for r, t in sorted(predicted - gold, key=str)],
        )
        out.add(
            "findings.recall",
            len(tp) / len(gold) if gold else 1.0,
            [f"missed: {r} {t}" for r, t in sorted(gold - predicted, key=str)],
        )
        parse = [f"{f.rule}: {f.message}" for f in report.findings if f.rule.startswith("S")]
        out.add("parse_clean", 0.0 if parse else 1.0, parse)


class Grounding:
    """Share of emitted items (problems, improvements, platforms, overview, fee) whose span shows their text."""

    name = "grounding"

    def evaluate(self, case: Case, report: Report, out: Scores) -> None:
        items: list[tuple[str, tuple[int, int] | None]] = [
            (i.text, i.span) for i in (*report.problems, *report.improvements)
        ]
        items += [(p.name, p.span) for p in report.platforms]
        items += [(v.text, v.span) for _, v in report.overview if v is not None]
        if report.info_processing_fee:
            items.append((report.info_processing_fee.text, report.info_processing_fee.span))
        bad = [t[:30] for t, span in items if span is None or case.text[span[0] : span[1]] != t]
        out.add("grounding", 1 - len(bad) / len(items) if items else 1.0, bad)


class Verbatim:
    """Share of problems, improvements and platforms found verbatim in the source (grounding 'exact');
    the rules backend always is, a model's items may be aligned fuzzily or not found at all."""

    name = "verbatim"

    def evaluate(self, case: Case, report: Report, out: Scores) -> None:
        items = [(i.text, i.grounding) for i in (*report.problems, *report.improvements)]
        items += [(p.name, p.grounding) for p in report.platforms]
        loose = [text[:30] for text, how in items if how != "exact"]
        out.add("verbatim", 1 - len(loose) / len(items) if items else 1.0, loose)


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
