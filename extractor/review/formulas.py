"""Each rule in words, and a finding's two sides as an equation of labelled cells.

The texts belong with the rules; until the rules have a registry of their own this small mapping is the one
place that says them (move it there when it exists).
"""

from __future__ import annotations

from dataclasses import dataclass

from ..schema import CellRef, Finding
from ..spec import cell_label, column_label, row_label

Number = int | float

RULE_TEXTS: dict[str, tuple[str, str]] = {
    "R3.1": (
        "table 3 balance, per column",
        "一、本年新收 + 二、上年结转 = 三、（七）总计 + 四、结转下年度（第一项加第二项之和，等于第三项加第四项之和）",
    ),
    "R3.2": (
        "table 3 results total, per column",
        "（七）总计 = （一）予以公开 + （二）部分公开 + （三）不予公开 1–8 + （四）无法提供 1–3 + （五）不予处理 1–5 + "
        "（六）其他处理",
    ),
    "R3.3": (
        "table 3 applicants total, per row",
        "总计 = 自然人 + 商业企业 + 科研机构 + 社会公益组织 + 法律服务机构 + 其他（有小计列时：小计 = 五类组织之和，"
        "总计 = 自然人 + 小计）",
    ),
    "R3.4": ("table 3 counts", "每个数量是非负整数 (a count is a non-negative integer)"),
    "R4.1": ("table 4 block total", "总计 = 结果维持 + 结果纠正 + 其他结果 + 尚未审结"),
    "R4.2": ("table 4 counts", "每个数量是非负整数 (a count is a non-negative integer)"),
    "R2.1": (
        "table 2 counts",
        "数量是非负整数；2019 格式的本年增/减可为负；金额可有小数 (counts are non-negative integers)",
    ),
    "N1": (
        "prose vs table",
        "正文所述数字与表格一致：收到/办结/结转 N 件、行政复议/诉讼 N 件、未收到申请、未制发规章/规范性文件",
    ),
    "N2": ("信息处理费 stated", "六、其他需要报告的事项 须说明信息处理费的收取情况（2021 格式）"),
    "S1": ("sections and formats", "六个部分齐全；每张表的格式（2019/2021）由其表头判断"),
    "S2": ("table row read", "表格的每一行可读：数值与列对应，空白单元格可定位"),
    "G1": ("model item grounded", "the item the model returned is found in the source text (模型结果须见于原文)"),
    "L1": ("model vs parse", "the model's cell equals the parsed cell"),
    "L2": ("model-filled table", "a table filled by the model: its cells are not located in the source text"),
    "L3": ("model gave no table", "the model gave no usable table; the parse (if any) is kept"),
}

# How a rule's cells form its two sides (the validators list them in this order).
_SUM_RULES = {"R3.2", "R3.3", "R4.1"}  # cells[0] is the total, the rest its parts
_BALANCE_RULES = {"R3.1"}  # cells[0] + cells[1] = cells[2] + cells[3]


def rule_text(rule: str) -> tuple[str, str]:
    return RULE_TEXTS.get(rule, (rule, ""))


@dataclass(frozen=True)
class Term:
    path: str
    label: str
    value: Number | None


@dataclass(frozen=True)
class Equation:
    common: str  # what every term shares (the column of a column sum, the row of a row sum), said once
    left: list[Term]
    right: list[Term]
    left_sum: Number | None
    right_sum: Number | None
    blanks: int  # parts printed blank, not counted


def _terms(refs: list[CellRef]) -> tuple[str, list[Term]]:
    """The terms labelled by what tells them apart, and the label part they all share."""
    parts = [r.path.split(".") for r in refs]
    if any(len(p) != 3 for p in parts):
        return "", [Term(r.path, cell_label(r.path), r.value) for r in refs]
    table = parts[0][0]
    if len({p[2] for p in parts}) == 1:
        return column_label(table, parts[0][2]), [
            Term(r.path, row_label(table, p[1]), r.value) for r, p in zip(refs, parts, strict=True)
        ]
    if len({p[1] for p in parts}) == 1:
        return row_label(table, parts[0][1]), [
            Term(r.path, column_label(table, p[2]), r.value) for r, p in zip(refs, parts, strict=True)
        ]
    return "", [Term(r.path, cell_label(r.path), r.value) for r in refs]


def _sum(terms: list[Term]) -> Number | None:
    values = [t.value for t in terms if t.value is not None]
    return sum(values) if values else None


def equation(f: Finding) -> Equation | None:
    """The finding's two sides, or None for a rule that is not an equation (or cells not as expected)."""
    if f.rule in _SUM_RULES and len(f.cells) >= 2:
        split = 1
    elif f.rule in _BALANCE_RULES and len(f.cells) == 4:
        split = 2
    else:
        return None
    common, terms = _terms(f.cells)
    left, right = terms[:split], terms[split:]
    blanks = sum(1 for t in terms if t.value is None)
    return Equation(common, left, right, _sum(left), _sum(right), blanks)
