"""Render drawn values as a whole report in one of SPEC §5's layouts, recording where every cell,
item and platform lands, so extraction can be checked cell by cell and span by span."""

from __future__ import annotations

import random
from dataclasses import dataclass, field

from ..types import Format, Number, PlatformKind
from .grids import Grid, Ref, table2_grids, table3_grid, table4_grid
from .values import TableValues

LAYOUTS = ("tab", "tab_merged", "pipe", "markdown", "cells", "pdf", "ocr")

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
_PROBLEMS = [
    "信息公开的及时性有待提高",
    "政策解读形式较为单一",
    "政务新媒体互动性不足",
    "基层工作人员业务能力有待加强",
    "重点领域信息公开深度不够",
    "依申请公开办理规范化程度不高",
    "公开平台栏目更新不够及时",
]
_IMPROVEMENTS = [
    "加强业务培训，提升工作人员能力",
    "丰富政策解读形式，推出图解和视频解读",
    "加强政务新媒体运营管理",
    "健全信息发布审核机制",
    "拓展重点领域信息公开的深度和广度",
    "规范依申请公开办理流程",
]
_PLATFORMS: list[tuple[str, PlatformKind]] = [
    ("政府网站", "website"),
    ("政务公开栏", "bulletin_board"),
    ("微信公众号", "new_media"),
    ("便民服务中心", "service_hall"),
    ("公告栏", "bulletin_board"),
    ("政务微博", "new_media"),
]
_ORGANS = ["示例县城关镇人民政府", "样本市教育局", "测试区人民政府", "某某县自然资源局", "演示市住房和城乡建设局"]
_NUMERALS = "一二三四五六七八九十"


@dataclass
class SyntheticDoc:
    """A generated report and everything that is true about it."""

    text: str
    layout: str
    seed: int
    values: TableValues
    cells: dict[str, tuple[str, tuple[int, int]]] = field(default_factory=dict)  # path -> (raw, span)
    problems: list[str] = field(default_factory=list)
    improvements: list[str] = field(default_factory=list)
    platforms: list[tuple[str, PlatformKind]] = field(default_factory=list)
    fee: Number | None = None
    year: int = 2024
    organ: str = ""
    # Where each table grid was printed in ``text``, with its cells as printed: renderers to HTML, DOCX and
    # PDF lay the same report out as real tables (synthetic/files.py).
    tables: list[tuple[int, int, list[list[str]]]] = field(default_factory=list)

    @property
    def formats(self) -> tuple[Format, Format]:
        return self.values.fmt2, self.values.fmt3


class _Writer:
    def __init__(self) -> None:
        self.parts: list[str] = []
        self.pos = 0

    def write(self, s: str) -> tuple[int, int]:
        start = self.pos
        self.parts.append(s)
        self.pos += len(s)
        return start, self.pos

    def text(self) -> str:
        return "".join(self.parts)


def format_value(v: Number | None, path: str, blank: str) -> str:
    if v is None:
        return blank
    if path.endswith("total_amount"):
        return f"{v:.2f}元"
    if isinstance(v, float):
        return f"{v:.2f}"
    return str(v)


class _TableRenderer:
    def __init__(self, doc: SyntheticDoc, w: _Writer, rng: random.Random, layout: str) -> None:
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
        render = {
            "tab": self._delimited,
            "tab_merged": self._merged,
            "pipe": self._delimited,
            "markdown": self._markdown,
            "cells": self._cells,
            "pdf": self._pdf,
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
        self.w.write("|")
        for cell in row:
            self.w.write(" ")
            if isinstance(cell, Ref):
                self.value(cell, "")
            else:
                self.w.write(cell)
            self.w.write(" |")
        self.w.write("\n")
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


def _heading(rng: random.Random, style: str, n: int, title: str) -> str:
    prefix = {"plain": "", "md": "#" * rng.randint(1, 4) + " "}[style]
    return f"{prefix}{_NUMERALS[n]}、{title}\n\n"


def _enumerate(rng: random.Random, w: _Writer, items: list[str]) -> None:
    style = rng.choice(["shi", "paren", "arabic"])
    for i, item in enumerate(items):
        if style == "shi":
            w.write(f"{_NUMERALS[i]}是")
        elif style == "paren":
            w.write(f"（{_NUMERALS[i]}）")
        else:
            w.write(f"{i + 1}.")
        w.write(item + "。")
        w.write("" if style == "shi" and i + 1 < len(items) else "\n")
    w.write("\n")


def render_report(
    values: TableValues,
    layout: str,
    rng: random.Random,
    seed: int = 0,
    year: int | None = None,
    organ: str | None = None,
) -> SyntheticDoc:
    """A full six-section report around ``values`` in ``layout`` (one of LAYOUTS); year and organ drawn
    unless given (a series of one organ's years gives them)."""
    if layout not in LAYOUTS:
        raise ValueError(f"unknown layout {layout!r}; one of {', '.join(LAYOUTS)}")
    drawn_year, drawn_organ = rng.choice([2021, 2022, 2023, 2024]), rng.choice(_ORGANS)
    doc = SyntheticDoc(
        text="",
        layout=layout,
        seed=seed,
        values=values,
        year=drawn_year if year is None else year,
        organ=drawn_organ if organ is None else organ,
    )
    w = _Writer()
    tables = _TableRenderer(doc, w, rng, layout)
    style = rng.choice(["plain", "md"])
    w.write(f"{doc.organ}{doc.year}年政府信息公开工作年度报告\n\n")
    w.write(_heading(rng, style, 0, "总体情况"))
    _write_overview(doc, w, rng)
    w.write(_heading(rng, style, 1, "主动公开政府信息情况"))
    for grid in table2_grids(values.fmt2):
        tables.grid(grid)
        if layout == "markdown":
            w.write("\n")
    w.write("\n")
    w.write(_heading(rng, style, 2, "收到和处理政府信息公开申请情况"))
    tables.grid(table3_grid(values.fmt3, values.subtotal), page_break=layout in ("pdf", "ocr"))
    w.write("\n")
    w.write(_heading(rng, style, 3, "政府信息公开行政复议、行政诉讼情况"))
    tables.grid(table4_grid())
    w.write("\n")
    w.write(_heading(rng, style, 4, "存在的主要问题及改进情况"))
    _write_problems(doc, w, rng)
    w.write(_heading(rng, style, 5, "其他需要报告的事项"))
    fee = 0 if rng.random() < 0.7 else rng.randint(10, 500)
    doc.fee = fee
    w.write("本年度未收取信息处理费。\n" if fee == 0 else f"本年度共收取信息处理费{fee}元。\n")
    doc.text = w.text()
    return doc


def _write_overview(doc: SyntheticDoc, w: _Writer, rng: random.Random) -> None:
    """The five sub-items: the platforms named in 主动公开, the request counts the tables hold."""
    platforms = rng.sample(_PLATFORMS, rng.randint(2, 4))
    w.write(f"（一）主动公开\n\n{doc.year}年，本机关坚持以公开为常态，通过")
    for i, (name, kind) in enumerate(platforms):
        if i:
            w.write("、" if i + 1 < len(platforms) else "和")
        w.write(name)
        doc.platforms.append((name, kind))
    w.write("等渠道及时主动公开政府信息。\n\n（二）依申请公开\n\n")
    received = doc.values.get("table3.new_received.total")
    if received == 0:
        w.write("本年度未收到政府信息公开申请。\n\n")
    elif received is not None:
        w.write(f"本年度共收到政府信息公开申请{received}件。")
        done = doc.values.get("table3.results_total.total")
        w.write(f"全部按时答复，办结{done}件。\n\n" if done is not None else "\n\n")
    else:
        w.write("依申请公开工作按规定办理。\n\n")
    w.write("（三）政府信息管理\n\n建立健全信息发布审核机制，严格落实保密审查。\n\n")
    w.write("（四）政府信息公开平台建设\n\n持续优化平台栏目设置，及时更新公开内容。\n\n")
    w.write("（五）监督保障\n\n将政务公开纳入绩效考核，组织开展业务培训。\n\n")


def _write_problems(doc: SyntheticDoc, w: _Writer, rng: random.Random) -> None:
    """Section 五: problems then improvements, each enumerated in a drawn style."""
    problems = rng.sample(_PROBLEMS, rng.randint(2, 4))
    improvements = rng.sample(_IMPROVEMENTS, rng.randint(2, 4))
    w.write("（一）存在的主要问题\n\n")
    start = w.pos
    _enumerate(rng, w, problems)
    text_so_far = w.text()
    doc.problems = [p + "。" for p in problems if (p + "。") in text_so_far[start:]]
    w.write("（二）改进情况\n\n")
    start = w.pos
    _enumerate(rng, w, improvements)
    doc.improvements = [p + "。" for p in improvements if (p + "。") in w.text()[start:]]


def generate(
    seed: int,
    layout: str,
    fmt2: Format = "2021",
    fmt3: Format = "2021",
    subtotal: bool = False,
    zero_rate: float = 0.3,
    blank_rate: float = 0.0,
    break_rule: str | None = None,
) -> SyntheticDoc:
    """One synthetic report, fully determined by its arguments."""
    from .values import break_rule as _break
    from .values import draw_values

    rng = random.Random(seed)
    values = draw_values(rng, fmt2, fmt3, subtotal, zero_rate, blank_rate)
    if break_rule is not None:
        _break(values, break_rule, rng)
    return render_report(values, layout, rng, seed)
