"""Table layouts of SPEC §5 and of real reports: each renders a grid of label cells and value references
as text, recording where every cell lands (``doc.cells``)."""

from __future__ import annotations

import random

from .doc import SyntheticDoc, Writer, format_value
from .grids import Grid, Ref

# Visually close characters an OCR engine confuses; never applied to the table-3 "其他"/"总计" labels.
_OCR_CONFUSIONS = {
    "信": "言",
    "政": "攻",
    "请": "清",
    "理": "里",
    "复": "夏",
    "议": "义",
    "开": "幵",
    "数": "敉",
    "量": "曩",
    "处": "外",
    "罚": "罸",
    "机": "几",
    "制": "製",
    "费": "贵",
    "密": "蜜",
    "项": "顶",
}
_FOOTERS = ("- {} -", "— {} —", "第 {} 页 共 9 页", "{}")


class TableRenderer:
    def __init__(self, doc: SyntheticDoc, w: Writer, rng: random.Random, layout: str) -> None:
        self.doc, self.w, self.rng, self.layout = doc, w, rng, layout
        self.ocr = layout == "ocr"
        self.base = rng.choice(["tab", "pdf"]) if self.ocr else layout

    def label(self, text: str) -> str:
        if self.ocr and len(text) >= 6 and self.rng.random() < 0.5:
            spots = [i for i, ch in enumerate(text) if ch in _OCR_CONFUSIONS]
            if spots:
                i = self.rng.choice(spots)
                text = text[:i] + _OCR_CONFUSIONS[text[i]] + text[i + 1 :]
        return text

    def value(self, ref: Ref, blank: str) -> None:
        raw = format_value(self.doc.values.get(ref.path), ref.path, blank)
        self.doc.cells[ref.path] = (raw, self.w.write(raw))

    def grid(self, grid: Grid, page_break: bool = False) -> None:
        start = self.w.pos
        self._grid(grid, page_break)
        values = self.doc.values
        printed = [
            [c if isinstance(c, str) else format_value(values.get(c.path), c.path, "") for c in row] for row in grid
        ]
        self.doc.tables.append((start, self.w.pos, printed))

    def _grid(self, grid: Grid, page_break: bool) -> None:
        if self.base == "ocr_markdown":
            self._ocr_markdown(grid)
            return
        render = {
            "tab": self._delimited,
            "tab_merged": self._merged,
            "pipe": self._delimited,
            "pipe_join": self._joined,
            "markdown": self._markdown,
            "cells": self._cells,
            "pdf": self._pdf,
            "crawler": self._glued,
        }[self.base]
        break_at = self.rng.randrange(3, len(grid)) if page_break and len(grid) > 4 else -1
        for i, row in enumerate(grid):
            if i == break_at:
                self.w.write(self.rng.choice(["- {} -\n", "— {} —\n", "第 {} 页\n"]).format(self.rng.randint(2, 9)))
            render(row, i)

    def _delimited(self, row: list[str | Ref], _: int) -> None:
        tab = self.base in ("tab", "tab_merged")
        sep = "\t" if tab else "  | "
        cells = row if tab else [c for c in row if isinstance(c, Ref) or c]
        for j, cell in enumerate(cells):
            if j:
                self.w.write(sep)
            if isinstance(cell, Ref):
                self.value(cell, "")
            else:
                self.w.write(self.label(cell))
        self.w.write(("\t" if self.rng.random() < 0.3 else "") if tab else "  | ")
        self.w.write("\n")

    def _merged(self, row: list[str | Ref], _: int) -> None:
        """Tab text as some sites export merged cells (seen in the bundled documents): the label cells of a
        row collapse to the left, keeping at least two label columns, and a row with few label cells gets a
        trailing tab. Blank cells in such rows can be ambiguous; the parser must report, not guess."""
        labels = [c for c in row if isinstance(c, str)]
        refs = [c for c in row if isinstance(c, Ref)]
        if not refs:  # header rows print as they are
            self._delimited(row, 0)
            return
        lead = next((i for i, c in enumerate(labels) if c), 0)
        present = [c for c in labels if c]
        width = max(2, lead + len(present)) if labels else 0
        cells: list[str | Ref] = [*([""] * lead), *present, *([""] * (width - lead - len(present))), *refs]
        for j, cell in enumerate(cells):
            if j:
                self.w.write("\t")
            if isinstance(cell, Ref):
                self.value(cell, "")
            else:
                self.w.write(self.label(cell))
        self.w.write("\t\n" if width == 2 and len(labels) > 1 else "\n")

    def _markdown(self, row: list[str | Ref], i: int) -> None:
        self._md_row(row, None)
        if i == 0:
            self.w.write("|" + "---|" * len(row) + "\n")

    def _cells(self, row: list[str | Ref], _: int) -> None:
        for cell in row:
            if isinstance(cell, Ref):
                self.value(cell, self.rng.choice(["/", "—"]))
                self.w.write("\n")
            elif cell:
                self.w.write(cell + "\n")

    def _pdf(self, row: list[str | Ref], _: int) -> None:
        labels = [self.label(c) for c in row if isinstance(c, str) and c]
        refs = [c for c in row if isinstance(c, Ref)]
        text = " ".join(labels)
        if refs and len(text) > 14 and self.rng.random() < 0.6:  # label broken across lines
            cut = self.rng.randrange(4, len(text) - 2)
            self.w.write(text[:cut].rstrip() + "\n")
            text = text[cut:].lstrip()
        if text:
            self.w.write(text)
        for j, ref in enumerate(refs):
            self.w.write("\n" if len(refs) > 10 and j == len(refs) // 2 else " " if text or j else "")
            self.value(ref, self.rng.choice(["—", "/"]))
        self.w.write("\n")

    def _joined(self, row: list[str | Ref], _: int) -> None:
        """Every cell joined with ' | ', blanks in place and nothing after the last cell, as crawlers export
        tables ("5 |  |  | 2 | … |  | "): a row ending in blank cells ends in a separator."""
        for j, cell in enumerate(row):
            if j:
                self.w.write(" | ")
            if isinstance(cell, Ref):
                self.value(cell, "")
            else:
                self.w.write(cell)
        self.w.write("\n")

    def _glued(self, row: list[str | Ref], _: int) -> None:
        """Cells run together with no separator and blanks vanishing, as a crawler flattens a page to one
        line: "一、本年新收政府信息公开申请数量15130000154"."""
        for cell in row:
            if isinstance(cell, Ref):
                self.value(cell, "")
            else:
                self.w.write(cell)

    def _ocr_markdown(self, grid: Grid) -> None:
        """Markdown from an OCR engine: table-3 rows out of order, some labels detached from their value row
        (a label row of blanks, then a value row without labels), a page footer inside the table, and in
        table 2 a value missing or garbled."""
        rows = list(grid)
        data = [i for i, r in enumerate(rows) if any(isinstance(c, Ref) for c in r)]
        table3 = len(data) > 20
        if table3:
            for _ in range(2):
                i, j = self.rng.sample(data, 2)
                rows[i], rows[j] = rows[j], rows[i]
        damaged = None
        if not table3 and max(len(rows[i]) for i in data) <= 4 and self.rng.random() < 0.3:  # table 2 only
            damaged = self.rng.choice([c for i in data for c in rows[i] if isinstance(c, Ref)])
        footer_at = self.rng.choice(data[3:]) if table3 else -1
        for i, row in enumerate(rows):
            if i == footer_at:
                self.w.write(self.rng.choice(_FOOTERS).format(self.rng.randint(2, 9)) + "\n")
            if table3 and i in data and self.rng.random() < 0.15:
                self._md_row([c if isinstance(c, str) else "" for c in row], None)
                self._md_row(["" if isinstance(c, str) else c for c in row], None)
            else:
                self._md_row(row, damaged)
            if i == 0:
                self.w.write("|" + "---|" * len(row) + "\n")

    def _md_row(self, row: list[str | Ref], damaged: Ref | None) -> None:
        self.w.write("|")
        for cell in row:
            if isinstance(cell, Ref) and cell == damaged:
                self._damage(cell)
                continue
            self.w.write(" ")
            if isinstance(cell, Ref):
                self.value(cell, "")
            else:
                self.w.write(cell)
            self.w.write(" |")
        self.w.write("\n")

    def _damage(self, ref: Ref) -> None:
        """Print a value as OCR mangles it: dropped with its cell, or a digit read as a letter or split by a
        space. The gold keeps the true value; the row must be refused, not guessed."""
        raw = format_value(self.doc.values.get(ref.path), ref.path, "")
        if not raw or self.rng.random() < 0.5:
            self.doc.cells[ref.path] = ("", (self.w.pos, self.w.pos))
            return
        i = self.rng.randrange(len(raw))
        if len(raw) > 1 and raw[i].isdigit() and self.rng.random() < 0.5:
            mangled = raw[:i] + " " + raw[i:] if i else raw[:1] + " " + raw[1:]
        else:
            mangled = raw[:i] + {"0": "O", "1": "l"}.get(raw[i], "O") + raw[i + 1 :]
        self.w.write(" ")
        self.doc.cells[ref.path] = (mangled, self.w.write(mangled))
        self.w.write(" |")
