"""``extractor show``: one Report in a terminal, the three tables in the forms' Chinese labels with SPEC's
keys beside them, finding cells highlighted, then the findings and the narrative. Readable at 80 columns:
on a narrow terminal a row's key goes under its label instead of beside it."""

from __future__ import annotations

from pathlib import Path

from rich.console import Console, Group, RenderableType
from rich.table import Table
from rich.text import Text

from . import types
from .console import print_error, stderr_console
from .errors import UsageError
from .records import is_records_file, latest_records, parse_record, read_lines
from .schema import Cell, FailureRecord, Report, severity_by_cell
from .spec import (
    TABLE2_COLUMN_LABELS,
    TABLE2_COLUMNS,
    TABLE2_ITEM_LABELS,
    TABLE2_ROW_LABELS,
    TABLE3_COLUMN_LABELS,
    TABLE3_COLUMNS,
    TABLE3_COLUMNS_WITH_SUBTOTAL,
    TABLE3_ROW_LABELS,
    TABLE3_ROWS,
    TABLE4_BLOCK_LABELS,
    TABLE4_BLOCKS,
    TABLE4_COLUMN_LABELS,
    TABLE4_COLUMNS,
    TABLE_TITLES,
)

_STYLE = {"error": "bold white on red", "warning": "black on yellow"}
_WIDE = 110  # from this width a row's key fits on its label's line


def _label(label: str, key: str, wide: bool) -> Text:
    return Text.assemble((label, "cyan"), " " if wide else "\n", (key, "dim"))


def _cell(cell: Cell | None, path: str, flagged: dict[str, str]) -> Text:
    if cell is None:
        return Text("?", style="red")
    shown = cell["raw"] or "·"
    if "corrected" in cell:
        shown = f"{cell['value']}✎"
    style = _STYLE.get(flagged.get(path, ""), "dim" if cell["value"] is None else "")
    return Text(shown, style=style)


def _grid(title: str) -> Table:
    return Table(title=title, title_justify="left", header_style="bold", pad_edge=False, collapse_padding=True)


def _table2(report: Report, flagged: dict[str, str], wide: bool) -> list[RenderableType]:
    fmt = report.format.table2
    if report.table2 is None or fmt is None:
        return [Text(f"表二 {TABLE_TITLES['table2']} (table2): not read, see findings", style="italic red")]
    parts: list[RenderableType] = []
    for item, rows in TABLE2_ITEM_LABELS[fmt]:
        cols = TABLE2_COLUMNS[fmt][rows[0]]
        t = _grid(f"表二 table2 ({fmt}) {item}" if not parts else item)
        t.add_column("信息内容")
        for col in cols:
            t.add_column(Text.assemble(TABLE2_COLUMN_LABELS[fmt][col], "\n", (col, "dim")), justify="right")
        for row in rows:
            t.add_row(*_data_row(report.table2, "table2", row, TABLE2_ROW_LABELS[row], cols, flagged, wide))
        parts.append(t)
    return parts


def _table3(report: Report, flagged: dict[str, str], wide: bool) -> list[RenderableType]:
    fmt, data = report.format.table3, report.table3
    if data is None or fmt is None:
        return [Text(f"表三 {TABLE_TITLES['table3']} (table3): not read, see findings", style="italic red")]
    has_subtotal = any("org_subtotal" in r for r in data.values())
    cols = TABLE3_COLUMNS_WITH_SUBTOTAL if has_subtotal else TABLE3_COLUMNS
    t = _grid(f"表三 {TABLE_TITLES['table3']} table3 ({fmt})")
    t.add_column("申请人情况")
    t.columns[0].overflow = "fold"
    for col in cols:
        label = TABLE3_COLUMN_LABELS[col]
        # Narrow: headers broken every two characters, so eight value columns leave room for the row labels.
        header = label if wide else "\n".join(label[i : i + 2] for i in range(0, len(label), 2))
        t.add_column(header, justify="right")
    for row in TABLE3_ROWS[fmt]:
        t.add_row(*_data_row(data, "table3", row, TABLE3_ROW_LABELS[row], cols, flagged, wide))
    legend = Text("columns: ", style="dim")
    for i, col in enumerate(cols):
        legend.append(f"{TABLE3_COLUMN_LABELS[col]} {col}" + (" · " if i < len(cols) - 1 else ""), style="dim")
    return [t, legend]


def _data_row(
    data: types.Table[Cell],
    table: str,
    row: str,
    label: str,
    cols: tuple[str, ...],
    flagged: dict[str, str],
    wide: bool,
) -> list[Text]:
    cells = data.get(row)
    if cells is None:
        return [_label(label, row, wide), *(Text("?", style="red") for _ in cols)]
    return [_label(label, row, wide), *(_cell(cells.get(c), f"{table}.{row}.{c}", flagged) for c in cols)]


def _table4(report: Report, flagged: dict[str, str], wide: bool) -> list[RenderableType]:
    if report.table4 is None:
        return [Text(f"表四 {TABLE_TITLES['table4']} (table4): not read, see findings", style="italic red")]
    t = _grid(f"表四 {TABLE_TITLES['table4']} table4")
    t.add_column("")
    for col in TABLE4_COLUMNS:
        t.add_column(Text.assemble(TABLE4_COLUMN_LABELS[col], "\n", (col, "dim")), justify="right")
    for block in TABLE4_BLOCKS:
        t.add_row(*_data_row(report.table4, "table4", block, TABLE4_BLOCK_LABELS[block], TABLE4_COLUMNS, flagged, wide))
    return [t]


def _header(report: Report) -> Text:
    head = Text(report.doc_id, style="bold")
    head.append(f"  {report.organ or ''} {report.year or ''}".rstrip())
    head.append(f"\n{report.title or '(no title)'}\n")
    fmts = f"formats: table2 {report.format.table2 or '?'}, table3 {report.format.table3 or '?'}"
    head.append(f"{report.source.path}  ·  {fmts}", style="dim")
    return head


def _findings(report: Report) -> RenderableType:
    if not report.findings:
        return Text("no findings", style="green")
    ft = Table(title="findings", title_justify="left", header_style="bold", expand=True)
    ft.add_column("rule", no_wrap=True)
    ft.add_column("severity", no_wrap=True)
    ft.add_column("message", overflow="fold", ratio=1)
    for f in report.findings:
        ft.add_row(f.rule, Text(f.severity, style=_STYLE[f.severity]), Text(f.message))
    return ft


def render(report: Report, width: int = 80) -> Group:
    wide = width >= _WIDE
    flagged = severity_by_cell(report.findings)
    parts: list[RenderableType] = [_header(report)]
    parts += _table2(report, flagged, wide)
    parts += _table3(report, flagged, wide)
    parts += _table4(report, flagged, wide)
    parts.append(_findings(report))
    for name, items in (("problems 问题", report.problems), ("improvements 改进", report.improvements)):
        parts.append(Text(f"{name} ({len(items)})", style="bold"))
        if items:
            # A grid, not "1. text": rich wraps at spaces, which Chinese has none of, so a long item would
            # start on a line of its own; in a grid cell it folds under its own indent.
            grid = Table.grid(padding=(0, 1))
            grid.add_column(justify="right", no_wrap=True)
            grid.add_column(overflow="fold")
            for i, item in enumerate(items):
                grid.add_row(f"{i + 1}.", Text(item.text))
            parts.append(grid)
    platforms = ", ".join(f"{p.name} ({p.kind})" for p in report.platforms) or "none found"
    parts.append(Text(f"platforms 平台: {platforms}"))
    fee = report.info_processing_fee
    parts.append(Text(f"信息处理费: {'not stated' if fee is None else f'{fee.value} {fee.unit}'}"))
    return Group(*parts)


def output_console() -> Console:
    """Stdout console for tables; a non-terminal (a pipe, a file, a test) gets 170 columns, not rich's 80,
    so wide tables are not truncated."""
    console = Console(highlight=False)
    if not console.is_terminal:
        console.width = max(console.width, 170)
    return console


def show(report: Report, console: Console) -> None:
    console.print(render(report, console.width))


def _pick(path: str, doc_id: str | None) -> Report | FailureRecord:
    if doc_id is None:  # the first document, as its latest record says (a re-run may have superseded a failure)
        for line_no, line in read_lines(path):
            doc_id = parse_record(path, line_no, line).doc_id
            break
        else:
            raise UsageError(f"{path}: no records in the file; extract reports into it first")
    ids: list[str] = []
    bad: list[str] = []
    for _, record in latest_records(path):
        if isinstance(record, Exception):
            bad.append(str(record))  # named only if the id asked for is not found: it may be on that line
        elif record.doc_id == doc_id:
            return record
        else:
            ids.append(record.doc_id)
    present = ", ".join(ids[:20]) + (f" … ({len(ids)} in all)" if len(ids) > 20 else "")
    unreadable = f"; {len(bad)} line(s) unreadable, first: {bad[0]}" if bad else ""
    raise UsageError(f"{path}: no record with doc_id {doc_id!r}; ids present: {present or 'none'}{unreadable}")


def show_file(file: str, doc_id: str | None, console: Console) -> int:
    """Show a record of a JSONL file (told by content, whatever the suffix) or extract a report and show it."""
    path = Path(file)
    if not path.exists():
        raise UsageError(f"{file}: no such file")
    if is_records_file(path):
        record = _pick(file, doc_id)
    else:
        from .inputs import InputFile
        from .pipeline import extract_path

        if doc_id is not None:
            raise UsageError(f"{file}: --doc-id picks a record of a JSONL file, and this is a report file")
        item = InputFile.of(path)
        record = extract_path(item, item.stem)
    if isinstance(record, FailureRecord):
        print_error(stderr_console(), f"{record.doc_id} failed: {record.error.message}")
        return 1
    show(record, console)
    return 0
