"""Render one Report for a person: the three tables as rich tables with finding cells highlighted, then
the findings and the narrative."""

from __future__ import annotations

import rich.table
from rich.console import Console, Group
from rich.text import Text

from .schema import Cell, Report
from .spec import (
    TABLE2_COLUMNS,
    TABLE3_COLUMNS,
    TABLE3_COLUMNS_WITH_SUBTOTAL,
    TABLE3_ROWS,
    TABLE4_BLOCKS,
    TABLE4_COLUMNS,
)
from .types import Table

_STYLE = {"error": "bold white on red", "warning": "black on yellow"}


def _flagged(report: Report) -> dict[str, str]:
    """Cell path -> severity of the worst finding that names it."""
    flagged: dict[str, str] = {}
    for f in report.findings:
        for ref in f.cells:
            if flagged.get(ref.path) != "error":
                flagged[ref.path] = f.severity
    return flagged


def _table(
    title: str,
    table: str,
    data: Table[Cell] | None,
    rows: tuple[str, ...],
    cols: tuple[str, ...],
    flagged: dict[str, str],
) -> rich.table.Table | Text:
    if data is None:
        return Text(f"{title}: not read (see findings)", style="italic red")
    t = rich.table.Table(title=title, title_justify="left", show_lines=False, header_style="bold")
    t.add_column("row", style="cyan", no_wrap=True)
    for col in cols:
        t.add_column(col, justify="right")
    for row in rows:
        cells = data.get(row)
        if cells is None:
            t.add_row(Text(row, style="dim"), *(Text("?", style="red") for _ in cols))
            continue
        out = []
        for col in cols:
            cell = cells.get(col)
            if cell is None:
                out.append(Text(""))
                continue
            shown = cell["raw"] or "·"
            style = _STYLE.get(flagged.get(f"{table}.{row}.{col}", ""), "dim" if cell["value"] is None else "")
            out.append(Text(shown, style=style))
        t.add_row(row, *out)
    return t


def _table2(report: Report, flagged: dict[str, str]) -> rich.table.Table | Text:
    """Table 2's rows have different columns (documents / decisions / fees), so each cell says its column."""
    fmt2 = report.format.table2
    if report.table2 is None or fmt2 is None:
        return _table("table2", "table2", None, (), (), flagged)
    t = rich.table.Table(title=f"table2 ({fmt2})", title_justify="left", header_style="bold")
    t.add_column("row", style="cyan", no_wrap=True)
    width = max(len(cols) for cols in TABLE2_COLUMNS[fmt2].values())
    for i in range(width):
        t.add_column(f"{i + 1}", no_wrap=True)
    for row, cols in TABLE2_COLUMNS[fmt2].items():
        cells = report.table2.get(row)
        out: list[Text] = []
        for col in cols:
            cell = cells.get(col) if cells else None
            shown = "?" if cell is None else (cell["raw"] or "·")
            style = _STYLE.get(flagged.get(f"table2.{row}.{col}", ""), "red" if cell is None else "")
            out.append(Text.assemble((f"{col} ", "dim"), (shown, style)))
        t.add_row(row, *out)
    return t


def render(report: Report) -> Group:
    flagged = _flagged(report)
    parts: list[object] = [
        Text(f"{report.doc_id}: {report.title or '(no title)'}  [{report.source.path}]", style="bold")
    ]
    fmt2 = report.format.table2
    parts.append(_table2(report, flagged) if fmt2 else _table("table2", "table2", None, (), (), flagged))
    fmt3 = report.format.table3
    has_subtotal = any("org_subtotal" in r for r in (report.table3 or {}).values())
    cols3 = TABLE3_COLUMNS_WITH_SUBTOTAL if has_subtotal else TABLE3_COLUMNS
    parts.append(_table(f"table3 ({fmt3})", "table3", report.table3, TABLE3_ROWS[fmt3] if fmt3 else (), cols3, flagged))
    parts.append(_table("table4", "table4", report.table4, TABLE4_BLOCKS, TABLE4_COLUMNS, flagged))
    if report.findings:
        ft = rich.table.Table(title="findings", title_justify="left", header_style="bold")
        for name in ("rule", "severity", "message"):
            ft.add_column(name, overflow="fold")
        for f in report.findings:
            ft.add_row(f.rule, Text(f.severity, style=_STYLE[f.severity]), f.message)
        parts.append(ft)
    else:
        parts.append(Text("no findings", style="green"))
    for name, items in (("problems", report.problems), ("improvements", report.improvements)):
        parts.append(Text(f"{name} ({len(items)})", style="bold"))
        parts.extend(Text(f"  {i + 1}. {item.text}") for i, item in enumerate(items))
    platforms = ", ".join(f"{p.name} ({p.kind})" for p in report.platforms) or "none found"
    parts.append(Text(f"platforms: {platforms}"))
    fee = report.info_processing_fee
    parts.append(Text(f"信息处理费: {'not stated' if fee is None else f'{fee.value} {fee.unit}'}"))
    return Group(*parts)  # type: ignore[arg-type]


def output_console() -> Console:
    """Stdout console for tables; a non-terminal (a pipe, a file, a test) gets 170 columns, not rich's 80,
    so wide tables are not truncated."""
    console = Console(highlight=False)
    if not console.is_terminal:
        console.width = max(console.width, 170)
    return console


def show(report: Report, console: Console) -> None:
    console.print(render(report))
