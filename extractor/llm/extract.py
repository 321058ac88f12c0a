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
from typing import Literal, TypeVar

from pydantic import BaseModel

from ..confidence import needs_model
from ..errors import ModelError
from ..ingest import Document
from ..rules import G1, L1, L2, L3
from ..schema import Cell, CellRef, Fee, Finding, Item, OverviewFacts, Platform, PromptUse
from ..sections import Section
from ..spec import OVERVIEW_KEYS, TABLE2_COLUMNS, TABLE3_COLUMNS, TABLE3_ROWS, TABLE4_BLOCKS, TABLE4_COLUMNS
from ..stages import TABLES, ModelAdditions, Narrative, Tables
from ..types import Format, Grounding, Span, Table
from .client import ModelClient, UsageCounter
from .grounding import ground
from .models import NarrativeOut, OverviewOut, Table2Out, Table3Out, Table4Out
from .prompts import load_prompt, schema_hash

TablesMode = Literal["parse", "model", "both"]
AskMode = Literal["all", "needed"]
# A table answer is long (table 3: ~1,200 tokens): no re-ask of a failed one (a re-ask resends it all and
# takes minutes on a small local model); the failure is reported (L3) and the parse kept.
TABLE_LIMITS = {"max_tokens": 1600, "max_retries": 0}
_TASKS = ("narrative", "overview", *TABLES)  # the order a record's provenance lists the prompts in

M = TypeVar("M", bound=BaseModel)


@dataclass(frozen=True)
class ModelStage:
    llm: ModelClient
    prompts_dir: Path | None = None
    tables: TablesMode = "parse"
    ask: AskMode = "all"  # needed: only the parts the rules read poorly (the record's needs_model)

    def run(self, doc: Document, sections: dict[str, Section], tables: Tables, narrative: Narrative) -> ModelAdditions:
        """What the model adds to the rules' reading of ``doc``, with findings for what could not be grounded
        or disagrees. The narrative and overview calls are independent: they are asked at once."""
        five = sections.get("problems_and_improvements")
        one, six = sections.get("overview"), sections.get("other_matters")
        if self.ask == "needed":
            five, one = self._needed(sections, tables, narrative)
        run = _Run(self, doc)
        asks: dict[str, Callable[[], BaseModel]] = {}
        if five is not None:
            asks["narrative"] = lambda: run.ask("narrative", NarrativeOut, section=doc.text[five.body_start : five.end])
        if one is not None:
            other = doc.text[six.body_start : six.end] if six else "（无）"
            asks["overview"] = lambda: run.ask(
                "overview", OverviewOut, overview=doc.text[one.body_start : one.end], other=other
            )
        answers = _at_once(asks)  # (none when ask=needed found nothing to ask: the tables may still be)
        problems = improvements = platforms = None
        facts: dict[str, OverviewFacts] = {}
        fee = None
        if five is not None:
            problems, improvements = run.narrative(five, _answer(answers, "narrative", NarrativeOut))
        if one is not None:
            ov = _answer(answers, "overview", OverviewOut)
            platforms = run.platforms(one, six, ov)
            facts = {
                k: OverviewFacts.model_validate(f.model_dump())
                for k in OVERVIEW_KEYS
                if (f := getattr(ov, k)) is not None
            }
            fee = run.fee(six, ov, narrative.fee) if ov.info_processing_fee_text and six is not None else None
        filled = run.tables(sections, tables)
        return ModelAdditions(
            problems=problems,
            improvements=improvements,
            platforms=platforms,
            facts=facts,
            fee=fee,
            tables=filled,
            findings=run.findings,
            prompts=run.prompts(),
            usage=run.usage.usage(),
        )

    def _needed(
        self, sections: dict[str, Section], tables: Tables, narrative: Narrative
    ) -> tuple[Section | None, Section | None]:
        """Sections 五 and 一 to ask about, or None for those whose parts the rules read well: a whole batch
        costs only what the rules could not do (tables the parser could not read are asked for either way)."""
        need = needs_model(
            sections, narrative.problems, narrative.improvements, narrative.platforms, narrative.fee, tables.formats
        )
        five = sections.get("problems_and_improvements") if {"problems", "improvements"} & set(need) else None
        one = sections.get("overview") if {"platforms", "info_processing_fee"} & set(need) else None
        return five, one


def _answer(answers: dict[str, BaseModel], task: str, model: type[M]) -> M:
    out = answers[task]
    assert isinstance(out, model)
    return out


class _Run:
    """One document's pass through the model stage: its calls, their provenance, the findings so far."""

    def __init__(self, stage: ModelStage, doc: Document) -> None:
        self.stage, self.doc = stage, doc
        self.usage = UsageCounter()
        self.findings: list[Finding] = []
        self._uses: dict[str, PromptUse] = {}  # filled from two threads: one key each

    def ask(self, task: str, model: type[M], limits: dict[str, int] | None = None, **variables: str) -> M:
        template = load_prompt(task, self.stage.prompts_dir)
        rendered = template.render(**variables)
        self._uses[task] = PromptUse(
            version=template.version,
            template_sha256=template.sha256,
            rendered_sha256=[rendered.sha256],
            schema_sha256=schema_hash(model),
        )
        return self.stage.llm.complete(
            rendered, model, **(limits or {}), usage=self.usage, cache_scope=self.doc.sha256 or ""
        )

    def prompts(self) -> dict[str, PromptUse]:
        return {task: self._uses[task] for task in _TASKS if task in self._uses}

    def _ground(self, text: str, sec: Section, what: str) -> tuple[str, Span | None, Grounding]:
        """Ground ``text`` in ``sec``; a G1 warning when it is nowhere to be found."""
        found, span, how = ground(self.doc, text, sec.body_start, sec.end)
        if how is Grounding.NONE:
            self.findings.append(
                Finding(
                    rule=G1.id,
                    severity="warning",
                    span=(sec.start, sec.end),
                    message=f"model {what} not found in section '{sec.key}': {text[:40]}",
                )
            )
        return found, span, how

    def _item(self, text: str, sec: Section, answers: int | None = None) -> Item:
        found, span, how = self._ground(text, sec, "item")
        return Item(text=found, span=span, grounding=how, answers=answers)

    def narrative(self, five: Section, out: NarrativeOut) -> tuple[list[Item], list[Item]]:
        problems = [self._item(p.text, five) for p in out.problems]
        n = len(problems)  # the model numbers problems from 1; a number out of range links nothing
        improvements = [
            self._item(
                i.text, five, i.answers_problem - 1 if i.answers_problem and 1 <= i.answers_problem <= n else None
            )
            for i in out.improvements
        ]
        return problems, improvements

    def platforms(self, one: Section, six: Section | None, ov: OverviewOut) -> list[Platform]:
        platforms = []
        for p in ov.publishing_platforms:
            # The prompt shows sections 一 and 六: a platform named only in 六 is grounded there.
            name, span, how = ground(self.doc, p.name, one.body_start, one.end)
            if how is Grounding.NONE:
                name, span, how = self._ground(p.name, six or one, "platform")
            platforms.append(Platform(name=name, kind=p.kind, span=span, grounding=how))
        return platforms

    def fee(self, six: Section, ov: OverviewOut, rules: Fee | None) -> Fee | None:
        """The model's fee only where the rules (reading the same section) found none; where both read one
        and they differ, the text's value is kept and the difference reported (L1)."""
        assert ov.info_processing_fee_text is not None
        text, span, _ = self._ground(ov.info_processing_fee_text, six, "fee sentence")
        if rules is not None and rules.value != ov.info_processing_fee:
            self.findings.append(
                Finding(
                    rule=L1.id,
                    severity="warning",
                    span=rules.span,
                    expected=rules.value,
                    found=ov.info_processing_fee,
                    message=f"info_processing_fee: the text reads {rules.value}, the model "
                    f"{ov.info_processing_fee}; the text's value is kept",
                )
            )
        elif rules is None and span is not None:
            return Fee(value=ov.info_processing_fee, unit="元", text=text, span=span)
        return None

    def tables(self, sections: dict[str, Section], parsed: Tables) -> dict[str, tuple[Table[Cell], Format]]:
        """The tables the model fills: with ``tables='parse'`` only those the parser could not read; with
        'both' or 'model' every table is asked and compared with the parse."""
        formats: dict[str, Format | None] = dict(parsed.formats)
        filled: dict[str, tuple[Table[Cell], Format]] = {}
        for table in TABLES:
            sec = sections.get(table)
            if sec is not None and (self.stage.tables != "parse" or parsed.data(table) is None):
                got = self._check_table(table, sec, parsed.data(table), formats)
                if got is not None:
                    filled[table] = got
                    formats[table] = got[1]
        return filled

    def _check_table(
        self, table: str, sec: Section, parsed: Table[Cell] | None, formats: dict[str, Format | None]
    ) -> tuple[Table[Cell], Format] | None:
        """Ask the model for a table; the cells to use where the parse could not read it (or, with 'model', a
        complete answer), compared with the parse where both exist. Whatever of the model's answer is not
        used is reported (L3), never dropped silently."""

        def l3(message: str) -> None:
            self.findings.append(Finding(rule=L3.id, severity="warning", span=(sec.start, sec.end), message=message))

        try:
            cells, fmt, dropped = self._table(table, sec, formats)
        except ModelError as exc:
            l3(f"{table}: the model gave no usable table ({exc})")
            return None
        for row, why in dropped:
            l3(f"{table}.{row}: the model's row {why}; not used")
        missing = [r for r in _expected_rows(table, fmt) if r not in cells]
        if missing:
            l3(f"{table}: the model gave no usable row {', '.join(missing)}")
        parse_fmt = formats[table]
        if parsed is not None and parse_fmt is not None and fmt != parse_fmt and table != "table4":
            l3(f"{table}: the model read the {fmt} format where the parse read {parse_fmt}; not compared")
            return None
        complete = bool(cells) and not missing and not dropped
        use = (parsed is None and bool(cells)) or (self.stage.tables == "model" and complete)
        if use:
            self.findings.append(
                Finding(
                    rule=L2.id,
                    severity="warning",
                    span=(sec.start, sec.end),
                    message=f"{table} was filled by the model: its cells are not located in the source; "
                    "check them by hand",
                )
            )
        elif self.stage.tables == "model":
            l3(f"{table}: the model's table is incomplete; the parse is kept")
        if parsed is not None:
            self.findings.extend(_disagreements(table, parsed, cells))
        return (cells, fmt) if use else None

    def _table(
        self, table: str, sec: Section, formats: dict[str, Format | None]
    ) -> tuple[Table[Cell], Format, list[tuple[str, str]]]:
        """(cells, format, dropped rows with the reason) of the model's answer for one table."""
        text = self.doc.text[sec.body_start : sec.end]
        if table == "table2":
            t2 = self.ask("table2", Table2Out, TABLE_LIMITS, section=text)
            columns2 = TABLE2_COLUMNS[t2.format]
            cells, dropped = _cells([(r.row, r.values) for r in t2.rows], lambda row: columns2.get(row))
            return (
                cells,
                t2.format,
                [(r, f"is not part of the {t2.format} format") if why == "unknown" else (r, why) for r, why in dropped],
            )
        if table == "table3":
            t3 = self.ask("table3", Table3Out, TABLE_LIMITS, section=text)
            fmt: Format = "2019" if any(r.row == "other_handling" for r in t3.rows) else "2021"
            rows3 = TABLE3_ROWS[fmt]
            cells, dropped = _cells(
                [(r.row, r.values) for r in t3.rows], lambda row: TABLE3_COLUMNS if row in rows3 else None
            )
            return cells, fmt, dropped
        t4 = self.ask("table4", Table4Out, TABLE_LIMITS, section=text)
        cells, dropped = _cells([(b.block, b.values) for b in t4.blocks], lambda _: TABLE4_COLUMNS)
        return cells, formats["table3"] or "2021", dropped


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
) -> tuple[Table[Cell], list[tuple[str, str]]]:
    """Model rows as cells, and the rows left out with why: a row whose value count does not fit its
    columns, a row given twice (neither copy is used, nor compared), a row the format does not have. Nothing
    is guessed."""
    data: Table[Cell] = {}
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


def _expected_rows(table: str, fmt: Format) -> tuple[str, ...]:
    if table == "table2":
        return tuple(TABLE2_COLUMNS[fmt])
    if table == "table3":
        return TABLE3_ROWS[fmt]
    return TABLE4_BLOCKS


def _disagreements(table: str, parsed: Table[Cell], model: Table[Cell]) -> list[Finding]:
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
                        rule=L1.id,
                        severity="warning",
                        message=f"{path}: the parse reads {cell['raw'] or 'blank'!r}, the model {b}",
                        cells=[CellRef(path=path, value=a, span=cell["span"])],
                        expected=a,
                        found=b,
                    )
                )
    return findings
