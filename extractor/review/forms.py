"""The three tables laid out as the official forms (国办公开办函〔2019〕60号 / 〔2021〕30号): header rows and
body rows of label cells (with their row and column spans) and value cells (with their SPEC path).

Only the layout lives here; every label comes from ``extractor.spec``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache

from ..spec import (
    TABLE2_COLUMN_LABELS,
    TABLE2_COLUMNS,
    TABLE2_ITEM_LABELS,
    TABLE2_ROW_LABELS,
    TABLE3_COLUMN_LABELS,
    TABLE3_COLUMNS,
    TABLE3_COLUMNS_WITH_SUBTOTAL,
    TABLE3_RESULT_ROWS,
    TABLE3_ROW_LABELS,
    TABLE4_BLOCK_LABELS,
    TABLE4_BLOCKS,
    TABLE4_COLUMN_LABELS,
    TABLE4_COLUMNS,
)
from ..types import Format


@dataclass(frozen=True)
class Label:
    text: str
    rowspan: int = 1
    colspan: int = 1
    cls: str = ""


@dataclass(frozen=True)
class Slot:
    """Where a value cell goes: its path (table.row.column) and how many form columns it spans."""

    path: str
    colspan: int = 1


FormRow = Sequence[Label | Slot]


@dataclass(frozen=True)
class Form:
    header: Sequence[FormRow]
    body: Sequence[FormRow]


@cache
def table2_form(fmt: Format) -> Form:
    """Table 2: one group per 条例 article, each with its own column headers (the form prints them so)."""
    width = max(len(cols) for cols in TABLE2_COLUMNS[fmt].values())
    body: list[FormRow] = []
    for item, rows in TABLE2_ITEM_LABELS[fmt]:
        cols = TABLE2_COLUMNS[fmt][rows[0]]
        spans = [1] * (len(cols) - 1) + [width - len(cols) + 1]  # the last column takes the rest
        body.append([Label(item, colspan=width + 1, cls="item")])
        body.append(
            [Label("信息内容", cls="colhead")]
            + [Label(TABLE2_COLUMN_LABELS[fmt][c], colspan=n, cls="colhead") for c, n in zip(cols, spans, strict=True)]
        )
        for row in rows:
            label = "规范性文件" if fmt == "2019" and row == "normative_documents" else TABLE2_ROW_LABELS[row]
            body.append([Label(label)] + [Slot(f"table2.{row}.{c}", n) for c, n in zip(cols, spans, strict=True)])
    return Form(header=[], body=body)


# Table 3's result rows under 三、本年度办理结果: (group label or None, rows). A row alone in a group spans both
# label columns and takes the group's label.
_RESULT_GROUPS: dict[Format, tuple[tuple[str, tuple[str, ...]], ...]] = {
    "2021": (
        ("（一）予以公开", ("granted",)),
        ("（二）部分公开（区分处理的，只计这一情形，不计其他情形）", ("partially_granted",)),
        ("（三）不予公开", tuple(r for r in TABLE3_RESULT_ROWS["2021"] if r.startswith("denied_"))),
        ("（四）无法提供", tuple(r for r in TABLE3_RESULT_ROWS["2021"] if r.startswith("unavailable_"))),
        ("（五）不予处理", tuple(r for r in TABLE3_RESULT_ROWS["2021"] if r.startswith("rejected_"))),
        ("（六）其他处理", ("other_no_correction", "other_unpaid_fee", "other_other")),
        ("（七）总计", ("results_total",)),
    ),
}
_RESULT_GROUPS["2019"] = (
    *_RESULT_GROUPS["2021"][:5],
    ("（六）其他处理", ("other_handling",)),
    ("（七）总计", ("results_total",)),
)


def table3_columns(subtotal: bool) -> tuple[str, ...]:
    return TABLE3_COLUMNS_WITH_SUBTOTAL if subtotal else TABLE3_COLUMNS


@cache
def table3_form(fmt: Format, subtotal: bool) -> Form:
    cols = table3_columns(subtotal)
    orgs = [c for c in cols if c not in ("natural_person", "total")]
    header: list[FormRow] = [
        [
            Label(
                "（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）", rowspan=3, colspan=3, cls="note"
            ),
            Label("申请人情况", colspan=len(cols)),
        ],
        [
            Label(TABLE3_COLUMN_LABELS["natural_person"], rowspan=2),
            Label("法人或其他组织", colspan=len(orgs)),
            Label(TABLE3_COLUMN_LABELS["total"], rowspan=2),
        ],
        [Label(TABLE3_COLUMN_LABELS[c]) for c in orgs],
    ]

    def slots(row: str) -> list[Label | Slot]:
        return [Slot(f"table3.{row}.{c}") for c in cols]

    body: list[FormRow] = [
        [Label("一、" + TABLE3_ROW_LABELS["new_received"], colspan=3), *slots("new_received")],
        [Label("二、" + TABLE3_ROW_LABELS["carried_over"], colspan=3), *slots("carried_over")],
    ]
    groups = _RESULT_GROUPS[fmt]
    n_results = sum(len(rows) for _, rows in groups)
    first = True
    for group, rows in groups:
        for i, row in enumerate(rows):
            lead: list[Label | Slot] = [Label("三、本年度办理结果", rowspan=n_results)] if first else []
            first = False
            if len(rows) == 1:
                lead.append(Label(group, colspan=2, cls="total" if row == "results_total" else ""))
            else:
                if i == 0:
                    lead.append(Label(group, rowspan=len(rows)))
                lead.append(Label(f"{i + 1}.{TABLE3_ROW_LABELS[row]}", cls="leaf"))
            body.append([*lead, *slots(row)])
    body.append([Label("四、" + TABLE3_ROW_LABELS["carried_forward"], colspan=3), *slots("carried_forward")])
    return Form(header=header, body=body)


@cache
def table4_form() -> Form:
    """Table 4 as the form prints it: one row of 15 numbers under 行政复议 and 行政诉讼's two blocks."""
    n = len(TABLE4_COLUMNS)
    header: list[FormRow] = [
        [Label("行政复议", colspan=n), Label("行政诉讼", colspan=2 * n)],
        [Label(TABLE4_COLUMN_LABELS[c], rowspan=2) for c in TABLE4_COLUMNS]
        + [Label(TABLE4_BLOCK_LABELS[b].split("·")[-1], colspan=n) for b in TABLE4_BLOCKS[1:]],
        [Label(TABLE4_COLUMN_LABELS[c]) for _ in TABLE4_BLOCKS[1:] for c in TABLE4_COLUMNS],
    ]
    return Form(header=header, body=[[Slot(f"table4.{b}.{c}") for b in TABLE4_BLOCKS for c in TABLE4_COLUMNS]])
