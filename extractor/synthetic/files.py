"""A synthetic report as the files users download: an HTML page (optionally GBK), a DOCX and a PDF with a
CJK CID font, with real tables whose label cells are merged (rowspan/colspan, gridSpan/vMerge, SPAN).

reportlab and python-docx are imported here only: they are needed to make test files, not to read them.
"""

from __future__ import annotations

import html
import io
import random
from typing import cast

from .doc import SyntheticDoc


def _spans(grid: list[list[str]], values_from: int) -> list[list[tuple[int, int] | None]]:
    """(rowspan, colspan) per cell, None for a covered cell: an empty label cell right of a label joins it
    (colspan); in the first column, empty cells below a label join it (rowspan). Value cells never merge."""
    height, width = len(grid), max(len(r) for r in grid)
    cells = [[*row, *[""] * (width - len(row))] for row in grid]
    out: list[list[tuple[int, int] | None]] = [[(1, 1)] * width for _ in range(height)]
    for r in range(height):
        for c in range(min(values_from, width)):
            if out[r][c] is None or not cells[r][c]:
                continue
            cs = 1
            while c + cs < min(values_from, width) and not cells[r][c + cs] and out[r][c + cs] is not None:
                cs += 1
            rs = 1
            if c == 0:
                while r + rs < height and not cells[r + rs][0] and any(cells[r + rs][values_from:]):
                    rs += 1
            for dr in range(rs):
                for dc in range(cs):
                    out[r + dr][c + dc] = None
            out[r][c] = (rs, cs)
    return out


def _label_columns(grid: list[list[str]]) -> int:
    """Columns before the first value column: the widest run of leading cells that never hold a number."""

    def is_number(s: str) -> bool:
        return bool(s) and (s.replace(".", "", 1).replace("元", "").lstrip("-").isdigit())

    starts = [next((i for i, c in enumerate(row) if is_number(c)), None) for row in grid]
    found = [s for s in starts if s is not None]
    return min(found) if found else 0


Segment = tuple[str, "str | list[list[str]]"]


def _segments(doc: SyntheticDoc) -> list[Segment]:
    """("p", line) and ("table", grid) in document order."""
    out: list[Segment] = []
    pos = 0
    for start, end, grid in doc.tables:
        out += [("p", line) for line in doc.text[pos:start].split("\n") if line.strip()]
        out.append(("table", grid))
        pos = end
    out += [("p", line) for line in doc.text[pos:].split("\n") if line.strip()]
    return out


def _word_cell(text: str, rng: random.Random) -> str:
    """A cell as Word pastes it into a page: a paragraph of runs, numbers cut across runs ('2'+'0' is 20), a
    unit in a run of its own, sometimes an &nbsp; run beside the number."""
    if not text:
        return '<p class="MsoNormal"><span>&nbsp;</span></p>'
    unit = "元" if text.endswith("元") and text[:-1].replace(".", "", 1).isdigit() else ""
    body = text.removesuffix(unit) if unit else text
    runs = [body]
    if len(body) >= 2 and body.replace(".", "", 1).lstrip("-").isdigit():
        cut = rng.randrange(1, len(body))
        runs = [body[:cut], body[cut:]]
    if unit:
        runs.append(unit)
    if body.isdigit() and rng.random() < 0.2:
        runs.insert(0, "&nbsp;") if rng.random() < 0.5 else runs.append("&nbsp;")
    spans = "".join(r if r == "&nbsp;" else f"<span>{html.escape(r)}</span>" for r in runs)
    return f'<p class="MsoNormal">{spans}<span></span></p>'


def _offset_spans(grid: list[list[str]], spans: list[list[tuple[int, int] | None]], first: int) -> None:
    """Table 3 as Word draws it on real pages: 自然人 over two grid columns, an empty spacer cell under it, and
    the 商业企业 cell of every row below spanning two grid columns, so header and data grids differ."""
    for r, row in enumerate(grid):
        for c in (first, first + 1) if r == 1 else (first + 1,):
            span = spans[r][c] if c < len(row) else None
            if span is not None:
                spans[r][c] = (span[0], span[1] + 1)
                break


def _html_table(grid: list[list[str]], word: bool, rng: random.Random) -> str:
    first = _label_columns(grid)
    spans = _spans(grid, first)
    offset = word and "勾稽" in grid[0][0]
    if offset:
        _offset_spans(grid, spans, first)
    rows = []
    for r, row in enumerate(grid):
        cells = []
        for c, text in enumerate(row):
            span = spans[r][c]
            if span is None:
                continue
            attrs = (f' rowspan="{span[0]}"' if span[0] > 1 else "") + (f' colspan="{span[1]}"' if span[1] > 1 else "")
            content = _word_cell(text, rng) if word else html.escape(text) or "&nbsp;"
            cells.append(f'<td valign="center"{attrs}>{content}</td>' if word else f"<td{attrs}>{content}</td>")
        rows.append("<tr>" + "".join(cells) + "</tr>")
    return '<table border="1">' + "\n".join(rows) + "</table>"


def to_html(doc: SyntheticDoc, encoding: str = "utf-8", word: bool | None = None) -> bytes:
    """The report as a saved page. ``word`` (default: every other seed) writes its tables as Word pastes
    them into government sites: numbers split across inline runs and table 3 on an offset grid."""
    word = doc.seed % 2 == 1 if word is None else word
    rng = random.Random(doc.seed)
    parts = [
        f'<html><head><meta charset="{encoding}"><title>{html.escape(doc.organ)}</title></head><body>',
        '<div class="nav"><a href="/">首页</a> | <a href="/gk">政务公开</a></div>',
        '<div class="article">',
    ]
    for kind, item in _segments(doc):
        if kind == "p":
            parts.append(f"<p>{html.escape(str(item).lstrip('#').strip())}</p>")
        else:
            parts.append(_html_table(cast(list[list[str]], item), word, rng))
    parts.append('</div><div class="footer">版权所有 网站标识码</div></body></html>')
    return "\n".join(parts).encode(encoding)


def to_docx(doc: SyntheticDoc) -> bytes:
    from docx import Document as new_docx

    out = new_docx()
    for kind, item in _segments(doc):
        if kind == "p":
            out.add_paragraph(str(item).lstrip("#").strip())
            continue
        grid = cast(list[list[str]], item)
        width = max(len(r) for r in grid)
        table = out.add_table(rows=len(grid), cols=width)
        spans = _spans(grid, _label_columns(grid))
        for cells, row in zip(table.rows, grid, strict=True):  # a row's cells at once: table.cell() is O(cells)
            for cell, text in zip(cells.cells, row, strict=False):
                cell.text = text
        for r, span_row in enumerate(spans):
            for c, span in enumerate(span_row):
                if span is not None and span != (1, 1):
                    keep = grid[r][c]
                    merged = table.cell(r, c).merge(table.cell(r + span[0] - 1, c + span[1] - 1))
                    merged.text = keep
    buf = io.BytesIO()
    out.save(buf)
    return buf.getvalue()


def to_pdf(doc: SyntheticDoc) -> bytes:
    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4, landscape
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Table, TableStyle

    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))  # a CID font: no font file needed
    style = ParagraphStyle("cjk", fontName="STSong-Light", fontSize=9, leading=12, wordWrap="CJK")
    small = ParagraphStyle("cell", parent=style, fontSize=6, leading=7)
    story: list[object] = []
    for kind, item in _segments(doc):
        if kind == "p":
            story.append(Paragraph(html.escape(str(item).lstrip("#").strip()), style))
            continue
        grid = cast(list[list[str]], item)
        width = max(len(r) for r in grid)
        rows = [[Paragraph(html.escape(t), small) for t in [*row, *[""] * (width - len(row))]] for row in grid]
        commands: list[tuple[object, ...]] = [("GRID", (0, 0), (-1, -1), 0.5, colors.black)]
        for r, span_row in enumerate(_spans(grid, _label_columns(grid))):
            for c, span in enumerate(span_row):
                if span is not None and span != (1, 1):
                    commands.append(("SPAN", (c, r), (c + span[1] - 1, r + span[0] - 1)))
        story.append(Table(rows, style=TableStyle(commands), repeatRows=0))

    def page_furniture(canvas, template) -> None:  # type: ignore[no-untyped-def]
        # A running header and a page number, as printed reports carry: the reader must drop both.
        canvas.setFont("STSong-Light", 8)
        canvas.drawString(30, landscape(A4)[1] - 15, f"{doc.organ}政府信息公开工作年度报告")
        canvas.drawCentredString(landscape(A4)[0] / 2, 12, f"- {canvas.getPageNumber()} -")

    buf = io.BytesIO()
    SimpleDocTemplate(buf, pagesize=landscape(A4), leftMargin=20, rightMargin=20, topMargin=25).build(
        story,
        onFirstPage=page_furniture,
        onLaterPages=page_furniture,
    )
    return buf.getvalue()


def scanned_pdf() -> bytes:
    """A PDF with no text layer, as a scanner makes it (a drawn page, no fonts)."""
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen import canvas as pdf_canvas

    buf = io.BytesIO()
    c = pdf_canvas.Canvas(buf, pagesize=A4)
    c.rect(50, 50, 400, 600, fill=1)
    c.showPage()
    c.save()
    return buf.getvalue()
