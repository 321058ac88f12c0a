"""Render drawn values as a whole report in one of SPEC §5's layouts (and those of real reports),
recording where every cell, item and platform lands, so extraction can be checked cell by cell and span by
span."""

from __future__ import annotations

import random

from ..types import Format, PlatformKind
from .doc import SyntheticDoc, Writer
from .grids import table2_grids, table3_grid, table4_grid
from .layouts import TableRenderer
from .values import TableValues

# tab … ocr: SPEC §5; pipe_join: " | "-joined rows that keep blanks in place (crawler exports). Every cell of
# these can be read back.
LAYOUTS = ("tab", "tab_merged", "pipe", "markdown", "cells", "pdf", "ocr", "pipe_join")
# Layouts of real reports that lose information, where the contract is "never a wrong value; refuse what the
# text and the table's identities do not settle": ocr_markdown (rows out of order, labels detached from their
# values, a footer inside the table, a table-2 value missing or misread) and crawler (the whole article on one
# line, table cells run together, blanks vanished).
DAMAGED_LAYOUTS = ("ocr_markdown", "crawler")
ALL_LAYOUTS = LAYOUTS + DAMAGED_LAYOUTS

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


def _heading(rng: random.Random, style: str, n: int, title: str) -> str:
    prefix = {"plain": "", "md": "#" * rng.randint(1, 4) + " "}[style]
    return f"{prefix}{_NUMERALS[n]}、{title}\n\n"


def _enumerate(rng: random.Random, w: Writer, items: list[str]) -> None:
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


def _overview(doc: SyntheticDoc, w: Writer, rng: random.Random, style: str) -> None:
    values = doc.values
    w.write(_heading(rng, style, 0, "总体情况"))
    platforms = rng.sample(_PLATFORMS, rng.randint(2, 4))
    w.write(f"（一）主动公开\n\n{doc.year}年，本机关坚持以公开为常态，通过")
    for i, (name, kind) in enumerate(platforms):
        if i:
            w.write("、" if i + 1 < len(platforms) else "和")
        w.write(name)
        doc.platforms.append((name, kind))
    w.write("等渠道及时主动公开政府信息。\n\n（二）依申请公开\n\n")
    received = values.get("table3.new_received.total")
    if received == 0:
        w.write("本年度未收到政府信息公开申请。\n\n")
    elif received is not None:
        w.write(f"本年度共收到政府信息公开申请{received}件。")
        done = values.get("table3.results_total.total")
        w.write(f"全部按时答复，办结{done}件。\n\n" if done is not None else "\n\n")
    else:
        w.write("依申请公开工作按规定办理。\n\n")
    w.write("（三）政府信息管理\n\n建立健全信息发布审核机制，严格落实保密审查。\n\n")
    w.write("（四）政府信息公开平台建设\n\n持续优化平台栏目设置，及时更新公开内容。\n\n")
    w.write("（五）监督保障\n\n将政务公开纳入绩效考核，组织开展业务培训。\n\n")


def _tables(doc: SyntheticDoc, w: Writer, rng: random.Random, style: str) -> None:
    values, layout = doc.values, doc.layout
    tables = TableRenderer(doc, w, rng, layout)
    w.write(_heading(rng, style, 1, "主动公开政府信息情况"))
    for grid in table2_grids(values.fmt2):
        tables.grid(grid)
        if layout in ("markdown", "ocr_markdown"):
            w.write("\n")
    w.write("\n")
    w.write(_heading(rng, style, 2, "收到和处理政府信息公开申请情况"))
    tables.grid(table3_grid(values.fmt3, values.subtotal), page_break=layout in ("pdf", "ocr"))
    w.write("\n")
    w.write(_heading(rng, style, 3, "政府信息公开行政复议、行政诉讼情况"))
    tables.grid(table4_grid())
    w.write("\n")


def _problems_and_fee(doc: SyntheticDoc, w: Writer, rng: random.Random, style: str) -> None:
    w.write(_heading(rng, style, 4, "存在的主要问题及改进情况"))
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
    w.write(_heading(rng, style, 5, "其他需要报告的事项"))
    fee = 0 if rng.random() < 0.7 else rng.randint(10, 500)
    doc.fee = fee
    w.write("本年度未收取信息处理费。\n" if fee == 0 else f"本年度共收取信息处理费{fee}元。\n")


def render_report(
    values: TableValues,
    layout: str,
    rng: random.Random,
    seed: int = 0,
    year: int | None = None,
    organ: str | None = None,
) -> SyntheticDoc:
    """A full six-section report around ``values`` in ``layout`` (one of ALL_LAYOUTS); year and organ drawn
    unless given (a series of one organ's years gives them)."""
    if layout not in ALL_LAYOUTS:
        raise ValueError(f"unknown layout {layout!r}; one of {', '.join(ALL_LAYOUTS)}")
    drawn_year, drawn_organ = rng.choice([2021, 2022, 2023, 2024]), rng.choice(_ORGANS)
    doc = SyntheticDoc(
        text="",
        layout=layout,
        seed=seed,
        values=values,
        year=drawn_year if year is None else year,
        organ=drawn_organ if organ is None else organ,
    )
    w = Writer(one_line=layout == "crawler")
    style = rng.choice(["plain", "md"])
    if layout == "crawler":
        style = "plain"  # a crawler keeps the text, not the markup
    w.write(f"{doc.organ}{doc.year}年政府信息公开工作年度报告\n\n")
    _overview(doc, w, rng, style)
    _tables(doc, w, rng, style)
    _problems_and_fee(doc, w, rng, style)
    doc.text = w.text()
    return doc


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
    """One synthetic report, fully determined by its arguments. In the crawler layout blanks are whole rows
    that count nothing (cells run together, a blank cell inside a row could not be seen at all)."""
    from .values import blank_zero_rows, draw_values
    from .values import break_rule as _break

    rng = random.Random(seed)
    crawler = layout == "crawler"
    values = draw_values(rng, fmt2, fmt3, subtotal, zero_rate, 0.0 if crawler else blank_rate)
    if crawler and blank_rate:
        blank_zero_rows(values, rng)
    if break_rule is not None:
        _break(values, break_rule, rng)
    return render_report(values, layout, rng, seed)
