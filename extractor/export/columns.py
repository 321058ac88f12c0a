"""Every column every export writes, defined once: the exporters write exactly these and the codebook is
rendered from them, so the two cannot drift apart.

Cell columns are generated from SPEC's vocabulary (extractor/spec.py), rule ids from extractor/rules.py, the
2019/2021 crosswalk from crosswalk.py and the indicators' formulas from indicators.py.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from ..rules import G1, N2, RULES, S1, S2, X1, rules_for
from ..spec import (
    AMOUNT_COLUMNS,
    TABLE2_COLUMNS,
    TABLE3_COLUMNS_WITH_SUBTOTAL,
    TABLE3_ROWS,
    TABLE4_BLOCKS,
    TABLE4_COLUMNS,
    TABLE_TITLES,
    column_label,
    row_label,
)
from .crosswalk import PANEL_VARS, PanelVar
from .indicators import INDICATORS

ColType = Literal["string", "float", "int", "bool"]
Sheet = Literal["cells", "documents", "panel", "items", "failures", "across_years"]
SHEETS: tuple[Sheet, ...] = ("cells", "documents", "panel", "items", "failures", "across_years")

TABLE_LABELS = TABLE_TITLES
_ORG_COLUMNS = ("commercial_enterprise", "research_institution", "social_welfare_org", "legal_service_org", "other_org")

# A cell's status: why a value is there or is not. Missing values are never collapsed into one null.
STATUSES = {
    "value": "a number was printed",
    "blank": "the cell was printed empty (not reported; not zero)",
    "dash": "the cell was printed '/', '—', '-' or '无' (not reported; not zero)",
    "not_printed": "the row or table is not in the document",
    "unreadable": "the parser refused the row (the finding's rule is in `rules`), or the text printed is not a number",
    "model_filled": "the value was given by the model (--backend llm): not located in the source (L2)",
}
WIDE_STATUSES = {**STATUSES, "not_in_format": "the key does not exist in this document's table format"}
PANEL_STATUSES = {**WIDE_STATUSES, "summed": "the sum of the 2021 rows that this 2019 row covers (see crosswalk)"}
_NUMBER = "number (float64; counts are whole numbers)"


@dataclass(frozen=True, slots=True)
class Column:
    name: str
    type: ColType
    label_zh: str
    description: str
    spec_key: str = ""
    formats: str = ""
    unit: str = ""
    missing: str = ""
    rules: str = ""
    crosswalk: str = ""
    formula: str = ""


@dataclass(frozen=True, slots=True)
class CellKey:
    table: str
    row: str
    col: str
    formats: tuple[str, ...]

    @property
    def key(self) -> str:
        return f"{self.table}.{self.row}.{self.col}"


def _union(seqs: list[tuple[str, ...]]) -> list[str]:
    out: list[str] = []
    for seq in seqs:
        out += [x for x in seq if x not in out]
    return out


def _cell_keys() -> tuple[CellKey, ...]:
    keys: list[CellKey] = []
    t2 = TABLE2_COLUMNS
    for row in _union([tuple(t2["2021"]), tuple(t2["2019"])]):
        for col in _union([t2[f].get(row, ()) for f in ("2021", "2019")]):
            keys.append(CellKey("table2", row, col, tuple(f for f in ("2019", "2021") if col in t2[f].get(row, ()))))
    rows3 = _union([TABLE3_ROWS["2021"][:-2], TABLE3_ROWS["2019"]])
    for row in rows3:
        fmts = tuple(f for f in ("2019", "2021") if row in TABLE3_ROWS[f])
        keys += [CellKey("table3", row, col, fmts) for col in TABLE3_COLUMNS_WITH_SUBTOTAL]
    keys += [CellKey("table4", b, c, ("2019", "2021")) for b in TABLE4_BLOCKS for c in TABLE4_COLUMNS]
    return tuple(keys)


CELL_KEYS = _cell_keys()
KEY_INDEX = {k.key: k for k in CELL_KEYS}


def cell_label(table: str, row: str, col: str) -> str:
    """The Chinese label of a cell: table · row · column, as the official forms print them (table 3's
    organisation columns under their 法人或其他组织 heading)."""
    column = column_label(table, col)
    if table == "table3" and (col in _ORG_COLUMNS or col == "org_subtotal"):
        column = f"法人或其他组织·{column}"
    return f"{TABLE_LABELS[table]} · {row_label(table, row)} · {column}"


def amount_unit(row: str, col: str) -> str | None:
    """'' for an amount whose unit is printed per cell, the unit for a fixed one, None for a count."""
    if (row, col) not in AMOUNT_COLUMNS:
        return None
    return AMOUNT_COLUMNS[(row, col)] or ""


def _codes(statuses: dict[str, str]) -> str:
    return "; ".join(f"{k}: {v}" for k, v in statuses.items() if k != "value")


def _c(name: str, type_: ColType, label: str, description: str, **kw: str) -> Column:
    return Column(name, type_, label, description, **kw)


_ID = (
    _c("doc_id", "string", "文档标识", "The record's doc_id (file stem, unique within a run)."),
    _c("organ", "string", "机关名称（原文）", "The reporting body as printed in the title."),
    _c(
        "organ_key",
        "string",
        "机关名称（规范化）",
        "The organ's name normalised for grouping (NFKC, spaces removed, 人民政府/办事处 suffix dropped after a "
        "place, user aliases; extractor/organs.py). Empty when the title names no organ.",
        missing="empty: no organ name could be read",
    ),
    _c(
        "level",
        "string",
        "行政层级",
        "province (省), city (市), county (县/区), township (乡镇/街道) or department (部门), when the name's ending "
        "states it; empty otherwise (zones, unclear names).",
        missing="empty: the name does not state a level",
    ),
    _c("year", "int", "报告年度", "The year reported on: from the title, else the text.", missing="empty: no year"),
)


def _long() -> tuple[Column, ...]:
    codes = _codes(STATUSES)
    return (
        *_ID,
        _c("table", "string", "表", "table2 主动公开, table3 依申请, table4 复议诉讼."),
        _c(
            "format",
            "string",
            "表格式",
            "The table's format (2019 or 2021), told from its headers.",
            missing="empty: cannot be told",
        ),
        _c("row", "string", "行", "SPEC row key (table 4: block key)."),
        _c("column", "string", "列", "SPEC column key."),
        _c("key", "string", "SPEC 键", "table.row.column: the record's path and the documents sheet's column name."),
        _c("value", "float", "数值", "The number printed; " + _NUMBER + ".", missing="empty: see status"),
        _c("raw", "string", "原文", "The cell's text exactly as printed; empty for a blank cell."),
        _c("unit", "string", "单位", "Unit of an amount cell (万元, 元) when the column or the cell states one."),
        _c("status", "string", "状态", "Why a value is there or not.", missing=codes),
        _c("span_start", "int", "原文起点", "Start offset of the cell in the text `extractor text FILE` prints."),
        _c("span_end", "int", "原文终点", "End offset (exclusive): text[span_start:span_end] == raw."),
        _c("page", "int", "页码", "PDF page the cell starts on (1-based); empty for other inputs."),
        _c("rules", "string", "相关规则", "Ids of the findings naming this cell, its row or its table, ';'-separated."),
        _c(
            "finding",
            "string",
            "缺失原因",
            "For an unreadable or not printed cell: the message of the parse finding (S2, S1) about its row or table.",
            missing="empty: no finding (e.g. the section is absent) or the cell was read",
            rules=f"{S1.id}; {S2.id}",
        ),
        _c(
            "corrected",
            "bool",
            "已人工更正",
            "True when a reviewer corrected the cell (the record's `corrected` note).",
        ),
        _c("corrected_from", "float", "更正前数值", "The value before the correction."),
        _c("corrected_note", "string", "更正说明", "The reviewer's note."),
    )


def _cell_columns(key: CellKey, statuses: dict[str, str], crosswalk: str = "") -> list[Column]:
    label = cell_label(key.table, key.row, key.col)
    unit = amount_unit(key.row, key.col)
    rules = "; ".join(rules_for(key.table, key.row, key.col))
    formats = ", ".join(key.formats)
    out = [
        _c(
            key.key,
            "float",
            label,
            f"The cell's value; {_NUMBER}.",
            spec_key=key.key,
            formats=formats,
            unit=unit or "",
            missing="empty: see the .status column",
            rules=rules,
            crosswalk=crosswalk,
        ),
        _c(
            f"{key.key}.status",
            "string",
            label + "（状态）",
            "Why the value is there or not.",
            spec_key=key.key,
            formats=formats,
            missing=_codes(statuses),
        ),
    ]
    if unit is not None:
        out.append(
            _c(
                f"{key.key}.unit",
                "string",
                label + "（单位）",
                "The amount's unit as printed or implied.",
                spec_key=key.key,
                formats=formats,
            )
        )
    return out


def _rule_columns() -> list[Column]:
    cols = [
        _c("errors", "int", "错误数", "Findings of severity error."),
        _c("warnings", "int", "警告数", "Findings of severity warning."),
    ]
    cols += [
        _c(f"findings.{r.id}", "int", f"规则 {r.id} 数", f"Findings of rule {r.id}: {r.checks}.", rules=r.id)
        for r in RULES.values()
        if r.id != X1.id
    ]
    cols.append(
        _c(
            "findings.other",
            "int",
            "其他规则数",
            "Findings of rules this version does not list (their ids in findings.other_rules).",
        )
    )
    cols.append(_c("findings.other_rules", "string", "其他规则", "Those rule ids, ';'-separated."))
    return cols


def _indicator_columns() -> list[Column]:
    return [
        _c(i.name, "float", i.label_zh, i.description, formula=i.formula, missing="empty: " + i.missing)
        for i in INDICATORS
    ]


def _wide(indicators: bool) -> tuple[Column, ...]:
    cols = [
        *_ID[:1],
        _c("source_path", "string", "文件路径", "Path of the input file as given to extract."),
        _c("sha256", "string", "文件哈希", "SHA-256 of the input file."),
        _c("title", "string", "标题", "The report title (from the text, else the page's own title)."),
        *_ID[1:],
        _c(
            "published",
            "string",
            "发布日期",
            "Publication date the page states (HTML <meta> PubDate, else its 时间 line), YYYY-MM-DD.",
            missing="empty: not stated",
        ),
        _c(
            "publisher",
            "string",
            "来源",
            "The publisher the page names (ContentSource, 来源).",
            missing="empty: not stated",
        ),
        _c(
            "url",
            "string",
            "网址",
            "The page's own address (<meta> Url, og:url, canonical link).",
            missing="empty: not stated",
        ),
        *(
            _c(
                f"format_{t}",
                "string",
                f"{TABLE_LABELS[t]}格式",
                f"Format of {t} (2019 or 2021).",
                missing="empty: table absent or format not told",
            )
            for t in ("table2", "table3", "table4")
        ),
    ]
    for key in CELL_KEYS:
        cols += _cell_columns(key, WIDE_STATUSES)
    cols += [
        _c("n_overview_items", "int", "总体情况分项数", "Overview sub-items found (of five)."),
        _c("n_problems", "int", "问题数", "Problems listed in section 五 (items sheet)."),
        _c("n_improvements", "int", "改进措施数", "Improvement measures listed in section 五 (items sheet)."),
        _c("n_platforms", "int", "公开平台数", "Publishing platforms named (items sheet)."),
        _c(
            "fee",
            "float",
            "信息处理费",
            "信息处理费 charged this year; 0 when the report says none was charged.",
            unit="fee.unit",
            missing="empty: see fee.status",
            rules=N2.id,
        ),
        _c("fee.unit", "string", "信息处理费单位", "Unit of fee (元 unless stated)."),
        _c(
            "fee.status",
            "string",
            "信息处理费状态",
            "value, not_stated (section 六 is silent) or unreadable (stated, no number).",
            rules=N2.id,
        ),
        *_rule_columns(),
        _c("corrected_cells", "string", "人工更正单元格", "Keys of the cells a reviewer corrected, ';'-separated."),
    ]
    if indicators:
        cols += _indicator_columns()
    return tuple(cols)


def _panel(indicators: bool) -> tuple[Column, ...]:
    cols = [
        _ID[2],
        _ID[4],
        _ID[3],
        _ID[1],
        _ID[0],
        _c(
            "duplicate",
            "bool",
            "同年重复",
            "True when the organ has more than one report for this year (all are kept; X1 names them).",
        ),
        *(
            _c(f"format_{t}", "string", f"{TABLE_LABELS[t]}格式", f"Format of {t} in this report.")
            for t in ("table2", "table3", "table4")
        ),
        _c(
            "published",
            "string",
            "发布日期",
            "Publication date the page states, YYYY-MM-DD.",
            missing="empty: not stated",
        ),
    ]
    for var in PANEL_VARS:
        cols += _panel_columns(var)
    cols.append(
        _c(
            "x1_warnings",
            "int",
            "跨年度警告数",
            "X1 findings naming this report (the across_years sheet lists them).",
            rules=X1.id,
        )
    )
    if indicators:
        cols += _indicator_columns()
    return tuple(cols)


def _panel_columns(var: PanelVar) -> list[Column]:
    key = KEY_INDEX[var.name]
    return _cell_columns(CellKey(key.table, key.row, key.col, tuple(sorted(var.sources))), PANEL_STATUSES, var.note)


def _items() -> tuple[Column, ...]:
    return (
        *_ID[:3],
        _ID[4],
        _c(
            "kind",
            "string",
            "类别",
            "overview (总体情况分项), problem (存在的问题), improvement (改进措施) or platform (公开平台).",
        ),
        _c("index", "int", "序号", "1-based position within its kind in the document."),
        _c(
            "subitem",
            "string",
            "分项",
            "For overview: active_disclosure, requests, information_management, platforms, supervision.",
        ),
        _c("heading", "string", "分项标题", "For overview: the sub-item heading as printed."),
        _c("text", "string", "文本", "The item verbatim (a platform's name as printed)."),
        _c(
            "platform_kind", "string", "平台类型", "website, new_media, bulletin_board, service_hall, hotline or other."
        ),
        _c(
            "answers",
            "int",
            "对应问题序号",
            "For an improvement: the index of the problem it answers, when the text says so.",
        ),
        _c(
            "grounding",
            "string",
            "定位方式",
            "exact, fuzzy (aligned; text is the source's) or none (not found: flagged G1).",
            rules=G1.id,
        ),
        _c("span_start", "int", "原文起点", "Start offset in the text `extractor text FILE` prints."),
        _c("span_end", "int", "原文终点", "End offset (exclusive)."),
        _c("page", "int", "页码", "PDF page the item starts on (1-based)."),
    )


def _failures() -> tuple[Column, ...]:
    return (
        _ID[0],
        _c("source_path", "string", "文件路径", "Path of the input file."),
        _c("sha256", "string", "文件哈希", "SHA-256 of the file, when it could be read."),
        _c("error_type", "string", "错误类型", "Error class (EmptyDocumentError, NotAReportError, ModelError …)."),
        _c("message", "string", "错误信息", "What went wrong and how to fix it."),
        _c("config", "string", "运行配置", "The run's configuration (resume key)."),
    )


def _across_years() -> tuple[Column, ...]:
    return (
        _c("organ_key", "string", "机关名称（规范化）", "The organ both reports belong to."),
        _c("rule", "string", "规则", "X1.", rules=X1.id),
        _c(
            "severity",
            "string",
            "级别",
            "warning: bodies restate figures, so a mismatch is worth a look, not an error.",
        ),
        _c("doc_id_previous", "string", "上年文档", "The earlier report (for a duplicate: the first one)."),
        _c("year_previous", "int", "上年", "Its year."),
        _c("doc_id", "string", "本年文档", "The later report (for a duplicate: the other one)."),
        _c("year", "int", "本年", "Its year."),
        _c("message", "string", "说明", "What does not line up."),
        _c("cells", "string", "单元格", "The cells compared: doc_id:key=value [span_start,span_end], ';'-separated."),
        _c("expected", "float", "应为", "What last year's figures imply."),
        _c("found", "float", "实为", "What this year's report has."),
    )


def sheet_columns(sheet: Sheet, indicators: bool = False) -> tuple[Column, ...]:
    """The columns of one output table, in order."""
    if sheet == "cells":
        return _long()
    if sheet == "documents":
        return _wide(indicators)
    if sheet == "panel":
        return _panel(indicators)
    if sheet == "items":
        return _items()
    if sheet == "failures":
        return _failures()
    return _across_years()
