"""The three tables as grids of label cells and value references, in the official layouts of both
formats. Layout renderers (``render.py``) turn a grid into tab, pipe, markdown, one-cell-per-line or
flattened PDF text."""

from __future__ import annotations

from dataclasses import dataclass

from ..spec import TABLE2_COLUMNS, TABLE3_COLUMNS_WITH_SUBTOTAL, TABLE3_ROWS, TABLE4_BLOCKS, TABLE4_COLUMNS
from ..types import Format


@dataclass(frozen=True)
class Ref:
    """A value cell: the SPEC path whose value is printed here."""

    path: str


Cell = str | Ref
Grid = list[list[Cell]]

_T2_SUBTABLES: dict[Format, list[tuple[str, list[str], list[tuple[str, str]]]]] = {
    "2021": [
        (
            "第二十条第（一）项",
            ["本年制发件数", "本年废止件数", "现行有效件数"],
            [("规章", "regulations"), ("行政规范性文件", "normative_documents")],
        ),
        ("第二十条第（五）项", ["本年处理决定数量"], [("行政许可", "licensing")]),
        ("第二十条第（六）项", ["本年处理决定数量"], [("行政处罚", "punishment"), ("行政强制", "coercion")]),
        ("第二十条第（八）项", ["本年收费金额（单位：万元）"], [("行政事业性收费", "fees")]),
    ],
    "2019": [
        (
            "第二十条第（一）项",
            ["本年新制作数量", "本年新公开数量", "对外公开总数量"],
            [("规章", "regulations"), ("规范性文件", "normative_documents")],
        ),
        (
            "第二十条第（五）项",
            ["上一年项目数量", "本年增/减", "处理决定数量"],
            [("行政许可", "licensing"), ("其他对外管理服务事项", "other_services")],
        ),
        (
            "第二十条第（六）项",
            ["上一年项目数量", "本年增/减", "处理决定数量"],
            [("行政处罚", "punishment"), ("行政强制", "coercion")],
        ),
        ("第二十条第（八）项", ["上一年项目数量", "本年增/减"], [("行政事业性收费", "fees")]),
        ("第二十条第（九）项", ["采购项目数量", "采购总金额"], [("政府集中采购", "procurement")]),
    ],
}

# (group, sub-group, item) label cells of each table-3 row, as the official form prints them.
T3_LABELS: dict[str, tuple[str, str, str]] = {
    "new_received": ("一、本年新收政府信息公开申请数量", "", ""),
    "carried_over": ("二、上年结转政府信息公开申请数量", "", ""),
    "granted": ("三、本年度办理结果", "（一）予以公开", ""),
    "partially_granted": ("", "（二）部分公开（区分处理的，只计这一情形，不计其他情形）", ""),
    "denied_state_secret": ("", "（三）不予公开", "1.属于国家秘密"),
    "denied_prohibited_by_law": ("", "", "2.其他法律行政法规禁止公开"),
    "denied_security_stability": ("", "", "3.危及“三安全一稳定”"),
    "denied_third_party_rights": ("", "", "4.保护第三方合法权益"),
    "denied_internal_affairs": ("", "", "5.属于三类内部事务信息"),
    "denied_process_info": ("", "", "6.属于四类过程性信息"),
    "denied_law_enforcement_file": ("", "", "7.属于行政执法案卷"),
    "denied_administrative_query": ("", "", "8.属于行政查询事项"),
    "unavailable_not_held": ("", "（四）无法提供", "1.本机关不掌握相关政府信息"),
    "unavailable_needs_creation": ("", "", "2.没有现成信息需要另行制作"),
    "unavailable_unclear": ("", "", "3.补正后申请内容仍不明确"),
    "rejected_petition": ("", "（五）不予处理", "1.信访举报投诉类申请"),
    "rejected_duplicate": ("", "", "2.重复申请"),
    "rejected_publication": ("", "", "3.要求提供公开出版物"),
    "rejected_excessive": ("", "", "4.无正当理由大量反复申请"),
    "rejected_confirmation": ("", "", "5.要求行政机关确认或重新出具已获取信息"),
    "other_no_correction": ("", "（六）其他处理", "1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请"),
    "other_unpaid_fee": ("", "", "2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请"),
    "other_other": ("", "", "3.其他"),
    "other_handling": ("", "（六）其他处理", ""),
    "results_total": ("", "（七）总计", ""),
    "carried_forward": ("四、结转下年度继续办理", "", ""),
}

_T4_HEADS = ["结果维持", "结果纠正", "其他结果", "尚未审结", "总计"]


def table2_grids(fmt: Format) -> list[Grid]:
    """One grid per 第二十条 sub-table (the official form prints them as separate small tables)."""
    grids: list[Grid] = []
    for title, headers, rows in _T2_SUBTABLES[fmt]:
        grid: Grid = [[title, "", "", ""], ["信息内容", *headers, *[""] * (3 - len(headers))]]
        for label, key in rows:
            cols = TABLE2_COLUMNS[fmt][key]
            grid.append([label, *(Ref(f"table2.{key}.{c}") for c in cols), *[""] * (3 - len(cols))])
        grids.append(grid)
    return grids


def table3_grid(fmt: Format, subtotal: bool) -> Grid:
    cols = (
        TABLE3_COLUMNS_WITH_SUBTOTAL
        if subtotal
        else tuple(c for c in TABLE3_COLUMNS_WITH_SUBTOTAL if c != "org_subtotal")
    )
    pad = [""] * (len(cols) - 2)
    grid: Grid = [
        ["（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）", "", "", "申请人情况", *pad, ""],
        ["", "", "", "自然人", "法人或其他组织", *[""] * (len(cols) - 3), "总计"],
        [
            "",
            "",
            "",
            "",
            "商业企业",
            "科研机构",
            "社会公益组织",
            "法律服务机构",
            "其他",
            *(["小计"] if subtotal else []),
            "",
        ],
    ]
    for row in TABLE3_ROWS[fmt]:
        grid.append([*T3_LABELS[row], *(Ref(f"table3.{row}.{c}") for c in cols)])
    return grid


def table4_grid() -> Grid:
    width = len(TABLE4_BLOCKS) * len(TABLE4_COLUMNS)
    return [
        ["行政复议", "", "", "", "", "行政诉讼", *[""] * (width - 6)],
        [*_T4_HEADS, "未经复议直接起诉", "", "", "", "", "复议后起诉", "", "", "", ""],
        ["", "", "", "", "", *_T4_HEADS, *_T4_HEADS],
        [Ref(f"table4.{b}.{c}") for b in TABLE4_BLOCKS for c in TABLE4_COLUMNS],
    ]
