"""One document's review page: the tables as the official forms, findings explained, the narrative, the model's
unlocated output, and the source text with every span marked.

Everything from the document, its file name and the model goes through Jinja with autoescape on (attributes
included) or, for the page's script, as JSON that the script only ever writes with ``textContent``.
"""

from __future__ import annotations

import html
from dataclasses import dataclass, field
from typing import Any

from markupsafe import Markup

from ..schema import Cell, FailureRecord, Finding, Report, Table, severity_by_cell
from ..spec import TABLE_TITLES, cell_label, column_label, row_label
from .forms import Label, Slot, table2_form, table3_form, table4_form
from .formulas import Equation, equation, rule_text
from .source import Anchor, Mark, SourceText, text_data

_TABLE_NAMES = {"table2": "表二", "table3": "表三", "table4": "表四"}
_SECTION_NAMES = {
    "overview": "一 总体情况",
    "table2": "二 主动公开",
    "table3": "三 依申请",
    "table4": "四 复议诉讼",
    "problems_and_improvements": "五 问题改进",
    "other_matters": "六 其他",
}
_e = html.escape
_KIND_LABELS = {
    "problems": "问题",
    "improvements": "改进",
    "platforms": "平台",
    "fee": "信息处理费",
    "overview": "总体情况",
}


@dataclass
class TableView:
    key: str
    heading: str
    fmt: str | None
    html: Markup | None  # the form's <thead> and <tbody>; None when the table was not read
    missing_rows: list[str] = field(default_factory=list)


@dataclass
class FindingView:
    index: int
    rule: str
    severity: str
    title: str
    formula: str
    message: str
    expected: Any
    found: Any
    difference: Any
    cells: list[tuple[str, str, Any]]  # (path, label, value)
    equation: Equation | None
    has_span: bool


@dataclass
class ItemView:
    key: str
    kind: str
    text: str
    detail: str
    grounding: str
    located: bool


def _num(v: Any) -> str:
    if v is None:
        return "·"
    if isinstance(v, float):
        return f"{v:g}" if abs(v) < 1e15 else str(v)
    return str(v)


def _th(label: Label) -> str:
    attrs = f' rowspan="{label.rowspan}"' if label.rowspan > 1 else ""
    attrs += f' colspan="{label.colspan}"' if label.colspan > 1 else ""
    attrs += f' class="{_e(label.cls)}"' if label.cls else ""
    return f"<th{attrs}>{_e(label.text)}</th>"


def _td(slot: Slot, cell: Cell | None, worst: dict[str, str]) -> str:
    """A value cell. Built here rather than in the template: a page has ~250 of them and this is 10x faster
    than a Jinja loop; every piece of it is escaped (tests/test_review.py feeds markup through)."""
    span = f' colspan="{slot.colspan}"' if slot.colspan > 1 else ""
    if cell is None:
        return f'<td class="v missing" data-k="{_e(slot.path)}" tabindex="0"{span}>?</td>'
    cls = "v"
    if slot.path in worst:
        cls += " err" if worst[slot.path] == "error" else " warn"
    if cell["span"] is None:
        cls += " model"
    if "corrected" in cell:
        cls += " corr"
        shown = _num(cell["value"])
    elif cell["value"] is None:
        cls += " blank"
        shown = cell["raw"] or "空"
    else:
        shown = cell["raw"] or _num(cell["value"])
    return f'<td class="{cls}" data-k="{_e(slot.path)}" tabindex="0"{span}>{_e(shown)}</td>'


def _table_view(key: str, data: Table[Cell] | None, fmt: str | None, worst: dict[str, str]) -> TableView:
    heading = f"{_TABLE_NAMES[key]} {TABLE_TITLES[key]}"
    if data is None or (fmt is None and key != "table4"):
        return TableView(key, heading, fmt, None)
    if key == "table2":
        form = table2_form(fmt)
    elif key == "table3":
        form = table3_form(fmt, any("org_subtotal" in r for r in data.values()))
    else:
        form = table4_form()
    missing: list[str] = []
    out = ["<thead>"] if form.header else []
    for header_row in form.header:
        out.append("<tr>" + "".join(_th(c) for c in header_row if isinstance(c, Label)) + "</tr>")
    out.append("</thead><tbody>" if form.header else "<tbody>")
    for row in form.body:
        tr = ["<tr>"]
        for c in row:
            if isinstance(c, Label):
                tr.append(_th(c))
                continue
            _, r, col = c.path.split(".")
            cells = data.get(r)
            if cells is None and r not in missing:
                missing.append(r)
            tr.append(_td(c, cells.get(col) if cells else None, worst))
        out.append("".join(tr) + "</tr>\n")
    out.append("</tbody>")
    return TableView(key, heading, fmt, Markup("".join(out)), missing)


def _finding_view(i: int, f: Finding) -> FindingView:
    title, formula = rule_text(f.rule)
    diff = None
    if isinstance(f.expected, int | float) and isinstance(f.found, int | float):
        diff = f.found - f.expected
    return FindingView(
        index=i,
        rule=f.rule,
        severity=f.severity,
        title=title,
        formula=formula,
        message=f.message,
        expected=f.expected,
        found=f.found,
        difference=diff,
        cells=[(r.path, cell_label(r.path), r.value) for r in f.cells],
        equation=equation(f),
        has_span=f.span is not None,
    )


def _items(report: Report) -> list[ItemView]:
    items: list[ItemView] = []
    for kind, seq in (("problems", report.problems), ("improvements", report.improvements)):
        for i, it in enumerate(seq):
            answers = f"answers 问题 {it.answers + 1}" if kind == "improvements" and it.answers is not None else ""
            items.append(ItemView(f"{kind}.{i}", kind, it.text, answers, it.grounding, it.span is not None))
    for i, p in enumerate(report.platforms):
        items.append(ItemView(f"platforms.{i}", "platforms", p.name, p.kind, p.grounding, p.span is not None))
    fee = report.info_processing_fee
    if fee is not None:
        items.append(ItemView("fee", "fee", fee.text, f"{_num(fee.value)} {fee.unit}", "exact", True))
    for key, ov in report.overview:
        if ov is not None:
            items.append(ItemView(f"overview.{key}", "overview", ov.text, ov.heading or key, "exact", True))
    return items


def _marks(report: Report) -> list[Mark]:
    marks: list[Mark] = [(ov.span[0], ov.span[1], f"overview.{k}", "n n-overview") for k, ov in report.overview if ov]
    for kind, seq in (("problems", report.problems), ("improvements", report.improvements)):
        marks += [(it.span[0], it.span[1], f"{kind}.{i}", f"n n-{kind}") for i, it in enumerate(seq) if it.span]
    marks += [
        (p.span[0], p.span[1], f"platforms.{i}", "n n-platforms") for i, p in enumerate(report.platforms) if p.span
    ]
    if report.info_processing_fee is not None:
        marks.append((*report.info_processing_fee.span, "fee", "n n-fee"))
    # Cells are marked by the script from the cells' own spans (sent once, in "cells").
    marks += [(f.span[0], f.span[1], f"f{i}", f"ev ev-{f.severity}") for i, f in enumerate(report.findings) if f.span]
    return marks


def _anchors(report: Report | FailureRecord, src: SourceText) -> list[Anchor]:
    anchors: list[Anchor] = [(start, "pg", str(n)) for n, (start, _) in enumerate(src.pages or (), 1)]
    if isinstance(report, Report):
        anchors += [(s.span[0], "sec", k) for k, s in report.sections.items()]
    return anchors


def text_json(record: Report | FailureRecord, src: SourceText) -> dict[str, Any]:
    if src.state != "ok":
        return {"text": None, "marks": [], "anchors": [], "pages": [], "astral": []}
    marks = _marks(record) if isinstance(record, Report) else []
    return text_data(src, marks, _anchors(record, src))


def _cells_data(report: Report) -> dict[str, Any]:
    """Per table, row and column: [value, raw, start, end] plus {unit, corrected} when there are (compact:
    a page has ~250 cells). The script shows them with textContent only."""
    out: dict[str, Any] = {}
    for table in ("table2", "table3", "table4"):
        rows: dict[str, Any] = {}
        for row, cols in (getattr(report, table) or {}).items():
            rows[row] = {}
            for col, cell in cols.items():
                span = cell["span"]
                entry: list[Any] = [cell["value"], cell["raw"], span[0] if span else None, span[1] if span else None]
                if "unit" in cell or "corrected" in cell:
                    entry.append({"u": cell.get("unit"), "c": cell.get("corrected")})
                rows[row][col] = entry
        out[table] = rows
    return out


def _labels(report: Report) -> dict[str, Any]:
    """Row and column labels of the keys this page uses, for the script to name a selected cell."""
    out: dict[str, Any] = {}
    paths = [
        f"{t}.{r}.{c}"
        for t in ("table2", "table3", "table4")
        for r, cols in (getattr(report, t) or {}).items()
        for c in cols
    ]
    paths += [ref.path for f in report.findings for ref in f.cells]
    for path in paths:
        table, _, rest = path.partition(".")
        row, _, col = rest.partition(".")
        entry = out.setdefault(table, {"t": _TABLE_NAMES.get(table, table), "r": {}, "c": {}})
        entry["r"].setdefault(row, row_label(table, row))
        entry["c"].setdefault(col, column_label(table, col))
    return out


def page_context(report: Report, src: SourceText) -> dict[str, Any]:
    """Everything the page template needs for a Report."""
    worst = severity_by_cell(report.findings)
    tables = [
        _table_view("table2", report.table2, report.format.table2, worst),
        _table_view("table3", report.table3, report.format.table3, worst),
        _table_view("table4", report.table4, report.format.table4, worst),
    ]
    findings = [_finding_view(i, f) for i, f in enumerate(report.findings)]
    items = _items(report)
    model_cells = [
        (f"{t}.{r}.{c}", f"{_TABLE_NAMES[t]} {cell_label(f'{t}.{r}.{c}')}", cell)
        for t in ("table2", "table3", "table4")
        for r, cols in (getattr(report, t) or {}).items()
        for c, cell in cols.items()
        if cell["span"] is None
    ]
    items_data = {it.key: [f"{_KIND_LABELS[it.kind]} {it.detail}".strip(), it.grounding] for it in items}
    findings_data = [[r.path for r in f.cells] for f in report.findings]
    return {
        "tables": tables,
        "findings": findings,
        "errors": sum(1 for f in report.findings if f.severity == "error"),
        "warnings": sum(1 for f in report.findings if f.severity == "warning"),
        "items": {kind: [it for it in items if it.kind == kind and it.located] for kind in _KIND_LABELS},
        "ungrounded": [it for it in items if not it.located or it.grounding == "none"],
        "fuzzy": [it for it in items if it.grounding == "fuzzy"],
        "model_cells": model_cells,
        "sections": [(k, _SECTION_NAMES.get(k, k)) for k in report.sections],
        "data": {
            "doc": report.doc_id,
            "cells": _cells_data(report),
            "labels": _labels(report),
            "items": items_data,
            "findings": findings_data,
            "worst": worst,
            **text_json(report, src),
        },
    }
