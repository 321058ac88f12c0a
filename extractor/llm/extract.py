"""The model stage: narrative, overview/platforms/fee, and tables from the model, grounded and checked.

Only the relevant section text is sent (measured with a 1.5B model: 1 of 5 problems found from the whole
document, 5 of 5 from the section). Two calls per document for the narrative; one per table only when a
table must be filled (the parser could not read it) or cross-checked (``tables='both'``).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from pydantic import BaseModel

from ..errors import ModelError
from ..ingest import Document
from ..schema import Cell, CellRef, Fee, Finding, Item, OverviewFacts, Platform, PromptUse, Report, Span, TableData
from ..sections import Section
from ..spec import TABLE2_COLUMNS, TABLE3_COLUMNS, TABLE4_COLUMNS
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
    _t2_format: Literal["2019", "2021"] | None = None  # the format the model gave for the last table 2

    def _ask(
        self, report: Report, task: str, model: type[BaseModel], limits: dict[str, int] | None = None, **variables: str
    ) -> BaseModel:
        template = load_prompt(task, self.prompts_dir)
        rendered = template.render(**variables)
        use = report.provenance.prompts.setdefault(
            task, PromptUse(version=template.version, template_sha256=template.sha256, schema_sha256=schema_hash(model))
        )
        use.rendered_sha256.append(rendered.sha256)
        return self.llm.complete(rendered, model, **(limits or {}))

    def run(self, doc: Document, sections: dict[str, Section], report: Report) -> None:
        """Fill ``report`` in place from the model; findings for what could not be grounded or disagrees."""
        five = sections.get("problems_and_improvements")
        if five is not None:
            out = self._ask(report, "narrative", NarrativeOut, section=doc.text[five.body_start : five.end])
            assert isinstance(out, NarrativeOut)
            report.problems = [self._item(doc, p.text, five, report) for p in out.problems]
            report.improvements = [
                self._item(doc, i.text, five, report, answers=i.answers_problem) for i in out.improvements
            ]
        one, six = sections.get("overview"), sections.get("other_matters")
        if one is not None:
            other = doc.text[six.body_start : six.end] if six else "（无）"
            ov = self._ask(report, "overview", OverviewOut, overview=doc.text[one.body_start : one.end], other=other)
            assert isinstance(ov, OverviewOut)
            self._overview(doc, one, six, ov, report)
        for table in ("table2", "table3", "table4"):
            parsed = getattr(report, table)
            sec = sections.get(table)
            if sec is None or (self.tables == "parse" and parsed is not None):
                continue
            try:
                cells = self._table(doc, table, sec, report)
            except ModelError as exc:  # a table the model cannot give: reported, the rest of the document kept
                report.findings.append(
                    Finding(
                        rule="L3",
                        severity="warning",
                        span=(sec.start, sec.end),
                        message=f"{table}: the model gave no usable table ({exc})",
                    )
                )
                continue
            if cells is None:
                continue
            if parsed is None or self.tables == "model":
                setattr(report, table, cells)
                if getattr(report.format, table) is None:  # say which columns the model's cells follow
                    setattr(report.format, table, _format_of(table, cells, self._t2_format))
                report.findings.append(
                    Finding(
                        rule="L2",
                        severity="warning",
                        span=(sec.start, sec.end),
                        message=f"{table} was filled by the model: its cells are not located "
                        "in the source; check them by hand",
                    )
                )
            else:
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
            name, span, how = self._ground(doc, p.name, one, report, "platform")
            platforms.append(Platform(name=name, kind=p.kind, span=span, grounding=how))  # type: ignore[arg-type]
        report.platforms = platforms
        for key in ("active_disclosure", "requests", "information_management", "platforms", "supervision"):
            facts, item = getattr(ov, key), getattr(report.overview, key)
            if facts is not None and item is not None:
                item.facts = OverviewFacts.model_validate(facts.model_dump())
        if ov.info_processing_fee_text and six is not None:
            text, span, how = ground(doc, ov.info_processing_fee_text, six.body_start, six.end)
            if span is not None and how != "none":
                report.info_processing_fee = Fee(value=ov.info_processing_fee, unit="元", text=text, span=span)

    def _table(self, doc: Document, table: str, sec: Section, report: Report) -> TableData | None:
        text = doc.text[sec.body_start : sec.end]
        if table == "table2":
            t2 = self._ask(report, "table2", Table2Out, TABLE_LIMITS, section=text)
            assert isinstance(t2, Table2Out)
            object.__setattr__(self, "_t2_format", t2.format)
            columns = TABLE2_COLUMNS[t2.format]
            return _cells({r.row: r.values for r in t2.rows}, lambda row: columns.get(row, ()))
        if table == "table3":
            t3 = self._ask(report, "table3", Table3Out, TABLE_LIMITS, section=text)
            assert isinstance(t3, Table3Out)
            return _cells({r.row: r.values for r in t3.rows}, lambda _: TABLE3_COLUMNS)
        t4 = self._ask(report, "table4", Table4Out, TABLE_LIMITS, section=text)
        assert isinstance(t4, Table4Out)
        return _cells({b.block: b.values for b in t4.blocks}, lambda _: TABLE4_COLUMNS)


def _cells(rows: dict[str, list[float | None]], columns_of) -> TableData:  # type: ignore[no-untyped-def]
    """Model rows as cells; a row whose value count does not fit its columns is left out (not guessed)."""
    data: TableData = {}
    for row, values in rows.items():
        cols = columns_of(row)
        if len(values) != len(cols):
            continue
        data[row] = {
            c: Cell(
                value=None if v is None else (int(v) if float(v).is_integer() else v),
                raw="" if v is None else f"{v:g}",
                span=None,
            )
            for c, v in zip(cols, values, strict=True)
        }
    return data


def _format_of(table: str, cells: TableData, t2_format: Literal["2019", "2021"] | None) -> Literal["2019", "2021"]:
    if table == "table2" and t2_format is not None:
        return t2_format
    return "2019" if "other_handling" in cells else "2021"


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
