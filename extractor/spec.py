"""SPEC's canonical key vocabulary and the label keywords that anchor each key in a document.

Everything downstream (JSON output, gold labels, validators) uses these keys; keep them exactly as in
``../shared/SPEC.md``. Keywords are matched on label text with whitespace removed, so they contain none.
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import lru_cache
from typing import Final

from .types import Format

SECTION_KEYS: Final = (
    "overview",
    "table2",
    "table3",
    "table4",
    "problems_and_improvements",
    "other_matters",
)

OVERVIEW_KEYS: Final = (
    "active_disclosure",
    "requests",
    "information_management",
    "platforms",
    "supervision",
)

# --- Table 2 ------------------------------------------------------------------------------------

_T2_2021_DOCS = ("issued", "repealed", "in_force")
_T2_2019_DOCS = ("made", "published", "total_published")
_T2_2019_ITEMS = ("previous_year_items", "change", "decisions")

TABLE2_COLUMNS: Final[dict[Format, dict[str, tuple[str, ...]]]] = {
    "2021": {
        "regulations": _T2_2021_DOCS,
        "normative_documents": _T2_2021_DOCS,
        "licensing": ("decisions",),
        "punishment": ("decisions",),
        "coercion": ("decisions",),
        "fees": ("amount",),
    },
    "2019": {
        "regulations": _T2_2019_DOCS,
        "normative_documents": _T2_2019_DOCS,
        "licensing": _T2_2019_ITEMS,
        "other_services": _T2_2019_ITEMS,
        "punishment": _T2_2019_ITEMS,
        "coercion": _T2_2019_ITEMS,
        "fees": ("previous_year_items", "change"),
        "procurement": ("projects", "total_amount"),
    },
}

TABLE2_ROW_KEYWORDS: Final = {
    "regulations": r"规章",
    "normative_documents": r"规范性文件",
    "licensing": r"行政许可",
    "other_services": r"对外管理服务",
    "punishment": r"行政处罚",
    "coercion": r"行政强制",
    "fees": r"事业性收费",
    "procurement": r"集中采购",
}

TABLE2_ROW_LABELS: Final = {
    "regulations": "规章",
    "normative_documents": "行政规范性文件",
    "licensing": "行政许可",
    "other_services": "其他对外管理服务事项",
    "punishment": "行政处罚",
    "coercion": "行政强制",
    "fees": "行政事业性收费",
    "procurement": "政府集中采购",
}

# Column headers that only one format prints ("处理决定数量" is in both, so it is not listed).
TABLE2_HEADER_LABELS: Final[dict[Format, tuple[str, ...]]] = {
    "2021": ("本年制发件数", "本年废止件数", "现行有效件数", "本年处理决定数量", "本年收费金额"),
    "2019": (
        "本年新制作数量",
        "本年新公开数量",
        "对外公开总数量",
        "上一年项目数量",
        "本年增/减",
        "采购项目数量",
        "采购总金额",
    ),
}

# Columns whose values are amounts (decimals) rather than counts, with the unit the header implies.
AMOUNT_COLUMNS: Final = {("fees", "amount"): "万元", ("procurement", "total_amount"): None}
# Columns that may legitimately be negative (2019 本年增/减).
SIGNED_COLUMNS: Final = {"change"}

# --- Table 3 ------------------------------------------------------------------------------------

TABLE3_COLUMNS: Final = (
    "natural_person",
    "commercial_enterprise",
    "research_institution",
    "social_welfare_org",
    "legal_service_org",
    "other_org",
    "total",
)
TABLE3_ORG_COLUMNS: Final = TABLE3_COLUMNS[1:6]
TABLE3_COLUMNS_WITH_SUBTOTAL: Final = (*TABLE3_COLUMNS[:6], "org_subtotal", "total")

TABLE3_RESULT_ROWS_2021: Final = (
    "granted",
    "partially_granted",
    "denied_state_secret",
    "denied_prohibited_by_law",
    "denied_security_stability",
    "denied_third_party_rights",
    "denied_internal_affairs",
    "denied_process_info",
    "denied_law_enforcement_file",
    "denied_administrative_query",
    "unavailable_not_held",
    "unavailable_needs_creation",
    "unavailable_unclear",
    "rejected_petition",
    "rejected_duplicate",
    "rejected_publication",
    "rejected_excessive",
    "rejected_confirmation",
    "other_no_correction",
    "other_unpaid_fee",
    "other_other",
)
TABLE3_RESULT_ROWS_2019: Final = (*TABLE3_RESULT_ROWS_2021[:18], "other_handling")

TABLE3_ROWS: Final[dict[Format, tuple[str, ...]]] = {
    "2021": ("new_received", "carried_over", *TABLE3_RESULT_ROWS_2021, "results_total", "carried_forward"),
    "2019": ("new_received", "carried_over", *TABLE3_RESULT_ROWS_2019, "results_total", "carried_forward"),
}
TABLE3_RESULT_ROWS: Final[dict[Format, tuple[str, ...]]] = {
    "2021": TABLE3_RESULT_ROWS_2021,
    "2019": TABLE3_RESULT_ROWS_2019,
}

TABLE3_ROW_KEYWORDS: Final = {
    "new_received": r"本年新收",
    "carried_over": r"上年结转",
    "granted": r"予以公开",
    "partially_granted": r"部分公开",
    "denied_state_secret": r"国家秘密",
    "denied_prohibited_by_law": r"法律行政法规禁止",
    "denied_security_stability": r"三安全一稳定",
    "denied_third_party_rights": r"第三方合法权益",
    "denied_internal_affairs": r"三类内部事务",
    "denied_process_info": r"四类过程性",
    "denied_law_enforcement_file": r"行政执法案卷",
    "denied_administrative_query": r"行政查询事项",
    "unavailable_not_held": r"不掌握相关",
    "unavailable_needs_creation": r"另行制作",
    "unavailable_unclear": r"仍不明确",
    "rejected_petition": r"信访举报投诉",
    "rejected_duplicate": r"重复申请",
    "rejected_publication": r"公开出版物",
    "rejected_excessive": r"大量反复申请",
    "rejected_confirmation": r"确认或重新出具",
    "other_no_correction": r"逾期不补正",
    "other_unpaid_fee": r"收费通知|缴纳费用",
    "other_handling": r"其他处理",
    "carried_forward": r"结转下年度",
}
# Rows whose label is too short to be a keyword: they match only as the whole last label cell.
TABLE3_EXACT_LABELS: Final = {
    "总计": "results_total",
    "合计": "results_total",
    "其他": "other_other",
    "其它": "other_other",
}

TABLE3_ROW_LABELS: Final = {
    "new_received": "本年新收政府信息公开申请数量",
    "carried_over": "上年结转政府信息公开申请数量",
    "granted": "予以公开",
    "partially_granted": "部分公开",
    "denied_state_secret": "属于国家秘密",
    "denied_prohibited_by_law": "其他法律行政法规禁止公开",
    "denied_security_stability": "危及三安全一稳定",
    "denied_third_party_rights": "保护第三方合法权益",
    "denied_internal_affairs": "属于三类内部事务信息",
    "denied_process_info": "属于四类过程性信息",
    "denied_law_enforcement_file": "属于行政执法案卷",
    "denied_administrative_query": "属于行政查询事项",
    "unavailable_not_held": "本机关不掌握相关政府信息",
    "unavailable_needs_creation": "没有现成信息需要另行制作",
    "unavailable_unclear": "补正后申请内容仍不明确",
    "rejected_petition": "信访举报投诉类申请",
    "rejected_duplicate": "重复申请",
    "rejected_publication": "要求提供公开出版物",
    "rejected_excessive": "无正当理由大量反复申请",
    "rejected_confirmation": "要求行政机关确认或重新出具已获取信息",
    "other_no_correction": "申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请",
    "other_unpaid_fee": "申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请",
    "other_other": "其他",
    "other_handling": "其他处理",
    "results_total": "总计",
    "carried_forward": "结转下年度继续办理",
}

# --- Table 4 ------------------------------------------------------------------------------------

TABLE4_BLOCKS: Final = ("review", "litigation_direct", "litigation_after_review")
TABLE4_COLUMNS: Final = ("upheld", "corrected", "other", "pending", "total")
TABLE4_BLOCK_KEYWORDS: Final = {
    "review": r"行政复议",
    "litigation_direct": r"未经复议直接起诉|直接起诉",
    "litigation_after_review": r"复议后起诉",
}
TABLE4_COLUMN_LABELS: Final = {
    "upheld": "结果维持",
    "corrected": "结果纠正",
    "other": "其他结果",
    "pending": "尚未审结",
    "total": "总计",
}


def cell_keys(table: str, fmt: Format | None) -> dict[str, tuple[str, ...]]:
    """Row -> columns of ``table`` in format ``fmt`` (table 4 is printed alike in both); {} for an unknown
    format or table."""
    if table == "table4":
        return dict.fromkeys(TABLE4_BLOCKS, TABLE4_COLUMNS)
    if fmt is None:
        return {}
    if table == "table2":
        return dict(TABLE2_COLUMNS[fmt])
    if table == "table3":
        return dict.fromkeys(TABLE3_ROWS[fmt], TABLE3_COLUMNS_WITH_SUBTOTAL)
    return {}


def unknown_keys(
    tables: Mapping[str, Mapping[str, Mapping[str, object]] | None], table2: Format | None, table3: Format | None
) -> list[str]:
    """Row and column keys of ``tables`` ({"table2": ..., ...}) outside this vocabulary for each table's format
    (a hand-edited record). Table 2 is checked only when its format is known; table 3 without a format may
    hold the rows of either."""
    rows3 = cell_keys("table3", table3 or "2021") | (cell_keys("table3", "2019") if table3 is None else {})
    allowed = {"table3": rows3, "table4": cell_keys("table4", None)}
    if table2 is not None:
        allowed["table2"] = cell_keys("table2", table2)
    bad = []
    for table, rows in allowed.items():
        for row, cols in (tables.get(table) or {}).items():
            if row not in rows:
                bad.append(f"{table}.{row}")
                continue
            bad.extend(f"{table}.{row}.{col}" for col in cols if col not in rows[row])
    return bad


# --- Display labels: the official forms' wording, for people (review pages, ``extractor show``) ---------

TABLE2_COLUMN_LABELS: Final[dict[Format, dict[str, str]]] = {
    "2021": {
        "issued": "本年制发件数",
        "repealed": "本年废止件数",
        "in_force": "现行有效件数",
        "decisions": "本年处理决定数量",
        "amount": "本年收费金额（单位：万元）",
    },
    "2019": {
        "made": "本年新制作数量",
        "published": "本年新公开数量",
        "total_published": "对外公开总数量",
        "previous_year_items": "上一年项目数量",
        "change": "本年增/减",
        "decisions": "处理决定数量",
        "projects": "采购项目数量",
        "total_amount": "采购总金额",
    },
}
# The form's row groups: the 条例 article each group of table-2 rows discloses under.
TABLE2_ITEM_LABELS: Final[dict[Format, tuple[tuple[str, tuple[str, ...]], ...]]] = {
    "2021": (
        ("第二十条第（一）项", ("regulations", "normative_documents")),
        ("第二十条第（五）项", ("licensing",)),
        ("第二十条第（六）项", ("punishment", "coercion")),
        ("第二十条第（八）项", ("fees",)),
    ),
    "2019": (
        ("第二十条第（一）项", ("regulations", "normative_documents")),
        ("第二十条第（五）项", ("licensing", "other_services")),
        ("第二十条第（六）项", ("punishment", "coercion")),
        ("第二十条第（八）项", ("fees",)),
        ("第二十条第（九）项", ("procurement",)),
    ),
}
TABLE3_COLUMN_LABELS: Final = {
    "natural_person": "自然人",
    "commercial_enterprise": "商业企业",
    "research_institution": "科研机构",
    "social_welfare_org": "社会公益组织",
    "legal_service_org": "法律服务机构",
    "other_org": "其他",
    "org_subtotal": "小计",
    "total": "总计",
}
TABLE4_BLOCK_LABELS: Final = {
    "review": "行政复议",
    "litigation_direct": "行政诉讼·未经复议直接起诉",
    "litigation_after_review": "行政诉讼·复议后起诉",
}
TABLE_TITLES: Final = {
    "table2": "主动公开政府信息情况",
    "table3": "收到和处理政府信息公开申请情况",
    "table4": "政府信息公开行政复议、行政诉讼情况",
}


def row_label(table: str, row: str) -> str:
    """A row (table 4: block) key in the forms' words; an unknown key stays the key."""
    labels = {"table2": TABLE2_ROW_LABELS, "table3": TABLE3_ROW_LABELS, "table4": TABLE4_BLOCK_LABELS}.get(table, {})
    return labels.get(row, row)


def column_label(table: str, col: str) -> str:
    """A column key in the forms' words; an unknown key stays the key."""
    if table == "table2":
        return TABLE2_COLUMN_LABELS["2021"].get(col) or TABLE2_COLUMN_LABELS["2019"].get(col, col)
    labels = {"table3": TABLE3_COLUMN_LABELS, "table4": TABLE4_COLUMN_LABELS}.get(table, {})
    return labels.get(col, col)


@lru_cache(maxsize=4096)
def cell_label(path: str) -> str:
    """A cell path in the forms' words ("table3.granted.total" -> "予以公开 · 总计")."""
    table, _, rest = path.partition(".")
    row, _, col = rest.partition(".")
    if table not in ("table2", "table3", "table4"):
        return path
    return f"{row_label(table, row)} · {column_label(table, col)}" if col else row_label(table, row)
