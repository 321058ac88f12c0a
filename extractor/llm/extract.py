"""The model stage: narrative, overview/platforms/fee, and tables from the model, grounded and checked.

Only the relevant section text is sent (measured with a 1.5B model: 1 of 5 problems found from the whole
document, 5 of 5 from the section). Two calls per document for the narrative; one per table only when a
table must be filled (the parser could not read it) or cross-checked (``tables='both'``).
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from pydantic import BaseModel

from ..errors import ModelError
from ..ingest import Document
from ..schema import (
    Cell,
    CellRef,
    Fee,
    Finding,
    Item,
    OverviewFacts,
    Platform,
    PromptUse,
    Report,
    Span,
    TableData,
    Usage,
)
from ..sections import Section
from ..spec import TABLE2_COLUMNS, TABLE3_COLUMNS, TABLE3_ROWS, TABLE4_BLOCKS, TABLE4_COLUMNS
from .client import LLM
from .grounding import ground
from .models import NarrativeOut, OverviewOut, Table2Out, Table3Out, Table4Out
from .prompts import load_prompt, schema_hash

TablesMode = Literal["parse", "model", "both"]
# A table answer is long (table 3: ~1,200 tokens): no re-ask of a failed one (a re-ask resends it all and
# takes minutes on a small local model); the failure is reported (L3) and the parse kept.
TABLE_LIMITS = {"max_tokens": 1600, "max_retries": 0}


@dataclass(frozen=True)
class ModelStage:
    llm: LLM
    prompts_dir: Path | None = None
    tables: TablesMode = "parse"

    def _ask(
        self, report: Report, task: str, model: type[BaseModel], limits: dict[str, int] | None = None, **variables: str
    ) -> BaseModel:
        template = load_prompt(task, self.prompts_dir)
        rendered = template.render(**variables)
        use = report.provenance.prompts.setdefault(
            task, PromptUse(version=template.version, template_sha256=template.sha256, schema_sha256=schema_hash(model))
        )
        use.rendered_sha256.append(rendered.sha256)
        if report.provenance.usage is None:
            report.provenance.usage = Usage()
        return self.llm.complete(
            rendered,
            model,
            **(limits or {}),
            usage=report.provenance.usage,
            cache_scope=report.source.sha256 or "",
        )

    def run(self, doc: Document, sections: dict[str, Section], report: Report) -> None:
        """Fill ``report`` in place from the model; findings for what could not be grounded or disagrees.
        The narrative and overview calls are independent: they are asked at once, then used in order."""
        five = sections.get("problems_and_improvements")
        one, six = sections.get("overview"), sections.get("other_matters")
        asks: dict[str, Callable[[], BaseModel]] = {}
        if five is not None:
            asks["narrative"] = lambda: self._ask(
                report, "narrative", NarrativeOut, section=doc.text[five.body_start : five.end]
            )
        if one is not None:
            other = doc.text[six.body_start : six.end] if six else "（无）"
            asks["overview"] = lambda: self._ask(
                report, "overview", OverviewOut, overview=doc.text[one.body_start : one.end], other=other
            )
        answers = _at_once(asks)
        if five is not None:
            out = answers["narrative"]
            assert isinstance(out, NarrativeOut)
            report.problems = [self._item(doc, p.text, five, report) for p in out.problems]
            n = len(report.problems)  # the model numbers problems from 1; a number out of range links nothing
            report.improvements = [
                self._item(
                    doc,
                    i.text,
                    five,
                    report,
                    answers=i.answers_problem - 1 if i.answers_problem and 1 <= i.answers_problem <= n else None,
                )
                for i in out.improvements
            ]
        if one is not None:
            ov = answers["overview"]
            assert isinstance(ov, OverviewOut)
            self._overview(doc, one, six, ov, report)
        for table in ("table2", "table3", "table4"):
            sec = sections.get(table)
            if sec is not None and (self.tables != "parse" or getattr(report, table) is None):
                self._check_table(doc, table, sec, report)

    def _check_table(self, doc: Document, table: str, sec: Section, report: Report) -> None:
        """Ask the model for a table; fill it where the parse could not, compare it where both exist.
        Whatever of the model's answer is not used is reported (L3), never dropped silently."""
        parsed = getattr(report, table)

        def l3(message: str) -> None:
            report.findings.append(Finding(rule="L3", severity="warning", span=(sec.start, sec.end), message=message))

        try:
            cells, fmt, dropped = self._table(doc, table, sec, report)
        except ModelError as exc:
            l3(f"{table}: the model gave no usable table ({exc})")
            return
        for row, why in dropped:
            l3(f"{table}.{row}: the model's row {why}; not used")
        missing = [r for r in _expected_rows(table, fmt) if r not in cells]
        if missing:
            l3(f"{table}: the model gave no usable row {', '.join(missing)}")
        parse_fmt = getattr(report.format, table)
        if parsed is not None and parse_fmt is not None and fmt != parse_fmt and table != "table4":
            l3(f"{table}: the model read the {fmt} format where the parse read {parse_fmt}; not compared")
            return
        complete = bool(cells) and not missing and not dropped
        if (parsed is None and cells) or (self.tables == "model" and complete):
            setattr(report, table, cells)
            setattr(report.format, table, fmt)
            report.findings.append(
                Finding(
                    rule="L2",
                    severity="warning",
                    span=(sec.start, sec.end),
                    message=f"{table} was filled by the model: its cells are not located in the source; "
                    "check them by hand",
                )
            )
        elif self.tables == "model":
            l3(f"{table}: the model's table is incomplete; the parse is kept")
        if parsed is not None:
            report.findings.extend(_disagreements(table, parsed, cells))

    @staticmethod
    def _ground(doc: Document, text: str, sec: Section, report: Report, what: str) -> tuple[str, Span | None, str]:
        """Ground ``text`` in ``sec``; a G1 warning when it is nowhere to be found."""
        found, span, how = ground(doc, text, sec.body_start, sec.end)
        if how == "none":
            report.findings.append(
                Finding(
                    rule="G1",
                    severity="warning",
                    span=(sec.start, sec.end),
                    message=f"model {what} not found in section '{sec.key}': {text[:40]}",
                )
            )
        return found, span, how

    def _item(self, doc: Document, text: str, sec: Section, report: Report, answers: int | None = None) -> Item:
        found, span, how = self._ground(doc, text, sec, report, "item")
        return Item(text=found, span=span, grounding=how, answers=answers)  # type: ignore[arg-type]

    def _overview(self, doc: Document, one: Section, six: Section | None, ov: OverviewOut, report: Report) -> None:
        platforms = []
        for p in ov.publishing_platforms:
            # The prompt shows sections 一 and 六: a platform named only in 六 is grounded there.
            name, span, how = ground(doc, p.name, one.body_start, one.end)
            if how == "none":
                name, span, how = self._ground(doc, p.name, six or one, report, "platform")
            platforms.append(Platform(name=name, kind=p.kind, span=span, grounding=how))  # type: ignore[arg-type]
        report.platforms = platforms
        for key in ("active_disclosure", "requests", "information_management", "platforms", "supervision"):
            facts, item = getattr(ov, key), getattr(report.overview, key)
            if facts is not None and item is not None:
                item.facts = OverviewFacts.model_validate(facts.model_dump())
        if ov.info_processing_fee_text and six is not None:
            text, span, how = self._ground(doc, ov.info_processing_fee_text, six, report, "fee sentence")
            rules = report.info_processing_fee  # read deterministically from the same section
            if rules is not None and rules.value != ov.info_processing_fee:
                report.findings.append(
                    Finding(
                        rule="L1",
                        severity="warning",
                        span=rules.span,
                        expected=rules.value,
                        found=ov.info_processing_fee,
                        message=f"info_processing_fee: the text reads {rules.value}, the model "
                        f"{ov.info_processing_fee}; the text's value is kept",
                    )
                )
            elif rules is None and span is not None:
                report.info_processing_fee = Fee(value=ov.info_processing_fee, unit="元", text=text, span=span)

    def _table(
        self, doc: Document, table: str, sec: Section, report: Report
    ) -> tuple[TableData, str, list[tuple[str, str]]]:
        """(cells, format, dropped rows with the reason) of the model's answer for one table."""
        text = doc.text[sec.body_start : sec.end]
        if table == "table2":
            t2 = self._ask(report, "table2", Table2Out, TABLE_LIMITS, section=text)
            assert isinstance(t2, Table2Out)
            columns2 = TABLE2_COLUMNS[t2.format]
            cells, dropped = _cells([(r.row, r.values) for r in t2.rows], lambda row: columns2.get(row))
            return (
                cells,
                t2.format,
                [(r, f"is not part of the {t2.format} format") if why == "unknown" else (r, why) for r, why in dropped],
            )
        if table == "table3":
            t3 = self._ask(report, "table3", Table3Out, TABLE_LIMITS, section=text)
            assert isinstance(t3, Table3Out)
            fmt = "2019" if any(r.row == "other_handling" for r in t3.rows) else "2021"
            rows3 = TABLE3_ROWS[fmt]  # type: ignore[index]
            cells, dropped = _cells(
                [(r.row, r.values) for r in t3.rows], lambda row: TABLE3_COLUMNS if row in rows3 else None
            )
            return cells, fmt, dropped
        t4 = self._ask(report, "table4", Table4Out, TABLE_LIMITS, section=text)
        assert isinstance(t4, Table4Out)
        cells, dropped = _cells([(b.block, b.values) for b in t4.blocks], lambda _: TABLE4_COLUMNS)
        return cells, report.format.table3 or "2021", dropped


def _at_once(asks: dict[str, Callable[[], BaseModel]]) -> dict[str, BaseModel]:
    """Run the calls in parallel threads; the first failure is raised once all have ended."""
    results: dict[str, BaseModel] = {}
    errors: list[BaseException] = []

    def run(name: str, ask: Callable[[], BaseModel]) -> None:
        try:
            results[name] = ask()
        except BaseException as exc:  # re-raised in the caller's thread below
            errors.append(exc)

    threads = [threading.Thread(target=run, args=item) for item in list(asks.items())[1:]]
    for t in threads:
        t.start()
    if asks:
        run(*next(iter(asks.items())))
    for t in threads:
        t.join()
    if errors:
        raise errors[0]
    return results


def _raw(v: float) -> str:
    """A number as it would be printed: 12, 1596496.16 (never 1.5965e+06)."""
    return str(int(v)) if float(v).is_integer() else repr(float(v))


def _cells(
    rows: list[tuple[str, list[float | None]]], columns_of: Callable[[str], tuple[str, ...] | None]
) -> tuple[TableData, list[tuple[str, str]]]:
    """Model rows as cells, and the rows left out with why: a row whose value count does not fit its
    columns, a row given twice (neither copy is used, nor compared), a row the format does not have. Nothing
    is guessed."""
    data: TableData = {}
    dropped: list[tuple[str, str]] = []
    twice: set[str] = set()
    for row, values in rows:
        cols = columns_of(row)
        if cols is None:
            dropped.append((row, "unknown"))
        elif row in twice:
            continue
        elif row in data or any(r == row for r, _ in dropped):
            data.pop(row, None)
            twice.add(row)
            dropped.append((row, "appears twice"))
        elif len(values) != len(cols):
            dropped.append((row, f"has {len(values)} values for {len(cols)} columns"))
        else:
            data[row] = {
                c: Cell(
                    value=None if v is None else (int(v) if float(v).is_integer() else v),
                    raw="" if v is None else _raw(v),
                    span=None,
                )
                for c, v in zip(cols, values, strict=True)
            }
    return data, dropped


def _expected_rows(table: str, fmt: str) -> tuple[str, ...]:
    if table == "table2":
        return tuple(TABLE2_COLUMNS[fmt])  # type: ignore[index]
    if table == "table3":
        return TABLE3_ROWS[fmt]  # type: ignore[index]
    return TABLE4_BLOCKS


def _disagreements(table: str, parsed: TableData, model: TableData) -> list[Finding]:
    """L1: each cell where the model and the parse differ, naming both values."""
    findings = []
    for row, cols in parsed.items():
        for col, cell in cols.items():
            other = model.get(row, {}).get(col)
            if other is None:
                continue
            a, b = cell["value"], other["value"]
            if (a is None) != (b is None) or (a is not None and b is not None and abs(a - b) > 1e-9):
                path = f"{table}.{row}.{col}"
                findings.append(
                    Finding(
                        rule="L1",
                        severity="warning",
                        message=f"{path}: the parse reads {cell['raw'] or 'blank'!r}, the model {b}",
                        cells=[CellRef(path=path, value=a, span=cell["span"])],
                        expected=a,
                        found=b,
                    )
                )
    return findings
