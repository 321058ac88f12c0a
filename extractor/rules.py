"""Every rule a finding can name, in one registry: its id, severity, what it checks, who emits it, which cells
it reads, and how a person is shown it.

The code that raises a finding takes its id from here; ``extractor rules`` prints this table and the README's
rules table is generated from it (a test keeps the two equal and checks every emitter uses its rule). The
codebook lists, per exported cell column, the rules that read it (``scope``); the review page shows each
rule's ``title`` and ``formula``. SPEC §4's rules come first, then the extractor's own: parse and input
problems (S2, S3) and the model checks (G1, L1–L3).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from typing import Literal

from .spec import TABLE3_RESULT_ROWS_2019, TABLE3_RESULT_ROWS_2021
from .types import Severity

Stage = Literal["tables", "prose", "sections", "parse", "model", "years"]
Scope = Callable[[str, str, str], bool]  # (table, row, column) -> does the rule read this cell?
Shape = Literal["sum", "balance"]  # how a finding's cells form two sides: cells[0] = Σ rest; a + b = c + d


@dataclass(frozen=True, slots=True)
class Rule:
    id: str
    severities: tuple[Severity, ...]  # an emitter picks one of these for each finding
    checks: str
    emitted_by: tuple[str, ...]  # modules, relative to the package: where to look when it fires
    stage: Stage  # what it describes: the tables' arithmetic, prose vs cells, the parse, the model's answer
    spec: bool  # one of SPEC §4's rules (else the extractor's own)
    scope: Scope  # the cells it reads (the codebook's "rules" of a column)
    title: str  # a few words, for the review page
    formula: str  # the rule in the forms' own words, for the review page
    shape: Shape | None = None
    emitted: bool = True  # False: defined by SPEC but not checked yet

    @property
    def severity(self) -> str:
        return "/".join(self.severities)

    @property
    def describes_document(self) -> bool:
        """True for rules about what the document prints (the arithmetic and the prose), False for rules
        about the extraction itself (the parse, the model): only the former are scored against gold."""
        return self.stage in ("tables", "prose")


def _table(name: str) -> Scope:
    return lambda table, row, col: table == name


def _everywhere(table: str, row: str, col: str) -> bool:
    return True


def _nowhere(table: str, row: str, col: str) -> bool:
    return False


_T3_BALANCE = {"new_received", "carried_over", "results_total", "carried_forward"}
_T3_RESULTS = {*TABLE3_RESULT_ROWS_2021, *TABLE3_RESULT_ROWS_2019, "results_total"}
_X1_CELLS = {("table3", "carried_over"), ("table3", "carried_forward")}
_X1_TABLE2 = {"issued", "repealed", "in_force"}
_DOC_ROWS = ("regulations", "normative_documents")


@cache
def _n1_cells() -> frozenset[str]:
    """The cells N1's claims name: the claims' own table (imported late: crosscheck emits N1 from here)."""
    from .claims import claimed_cells

    return claimed_cells() | {f"table2.{row}.{col}" for row in _DOC_ROWS for col in ("issued", "made")}


def _x1(table: str, row: str, col: str) -> bool:
    return (table, row) in _X1_CELLS or (table == "table2" and row in _DOC_ROWS and col in _X1_TABLE2)


_V = ("validators",)
_COUNTS = "每个数量是非负整数 (a count is a non-negative integer)"
R3_1 = Rule(
    "R3.1",
    ("error",),
    "per table-3 column: 新收 + 上年结转 = 总计 + 结转下年度",
    _V,
    "tables",
    True,
    lambda t, r, c: t == "table3" and r in _T3_BALANCE,
    "table 3 balance, per column",
    "一、本年新收 + 二、上年结转 = 三、（七）总计 + 四、结转下年度（第一项加第二项之和，等于第三项加第四项之和）",
    "balance",
)
R3_2 = Rule(
    "R3.2",
    ("error",),
    "per table-3 column: 总计 = sum of the result rows of its format",
    _V,
    "tables",
    True,
    lambda t, r, c: t == "table3" and r in _T3_RESULTS,
    "table 3 results total, per column",
    "（七）总计 = （一）予以公开 + （二）部分公开 + （三）不予公开 1–8 + （四）无法提供 1–3 + （五）不予处理 1–5 + "
    "（六）其他处理",
    "sum",
)
R3_3 = Rule(
    "R3.3",
    ("error",),
    "per table-3 row: total = applicant columns (with `org_subtotal` when printed: it = the five organisation "
    "columns, total = 自然人 + it)",
    _V,
    "tables",
    True,
    _table("table3"),
    "table 3 applicants total, per row",
    "总计 = 自然人 + 商业企业 + 科研机构 + 社会公益组织 + 法律服务机构 + 其他（有小计列时：小计 = 五类组织之和，"
    "总计 = 自然人 + 小计）",
    "sum",
)
R3_4 = Rule(
    "R3.4",
    ("error",),
    "table-3 counts are non-negative integers",
    _V,
    "tables",
    True,
    _table("table3"),
    "table 3 counts",
    _COUNTS,
)
R4_1 = Rule(
    "R4.1",
    ("error",),
    "per table-4 block: total = 维持 + 纠正 + 其他 + 尚未审结",
    _V,
    "tables",
    True,
    _table("table4"),
    "table 4 block total",
    "总计 = 结果维持 + 结果纠正 + 其他结果 + 尚未审结",
    "sum",
)
R4_2 = Rule(
    "R4.2",
    ("error",),
    "table-4 counts are non-negative integers",
    _V,
    "tables",
    True,
    _table("table4"),
    "table 4 counts",
    _COUNTS,
)
R2_1 = Rule(
    "R2.1",
    ("error",),
    "table-2 counts are non-negative integers (2019 `change` may be negative; amounts are decimals)",
    _V,
    "tables",
    True,
    _table("table2"),
    "table 2 counts",
    "数量是非负整数；2019 格式的本年增/减可为负；金额可有小数 (counts are non-negative integers)",
)
N1 = Rule(
    "N1",
    ("warning",),
    "numbers stated in the prose (收到/办结/结转 N 件, 未收到申请, 予以/不予公开 N 件, 行政复议/诉讼 N 件, "
    "未制发规章/规范性文件) vs the cells",
    ("crosscheck",),
    "prose",
    True,
    lambda t, r, c: f"{t}.{r}.{c}" in _n1_cells(),
    "prose vs table",
    "正文所述数字与表格一致：收到/办结/结转 N 件、行政复议/诉讼 N 件、未收到申请、未制发规章/规范性文件",
)
N2 = Rule(
    "N2",
    ("warning",),
    "section 六 states the 信息处理费 (2021 format)",
    ("crosscheck",),
    "prose",
    True,
    _nowhere,
    "信息处理费 stated",
    "六、其他需要报告的事项 须说明信息处理费的收取情况（2021 格式）",
)
X1 = Rule(
    "X1",
    ("warning",),
    "across years of one body: this year's 上年结转 = last year's 结转下年度; table-2 现行有效 = last year's + "
    "制发 − 废止; two reports of one body and year",
    ("crossyear",),
    "years",
    True,
    _x1,
    "across years",
    "本年上年结转 = 上年结转下年度；现行有效件数 = 上年现行有效 + 本年制发 − 本年废止",
)
S1 = Rule(
    "S1",
    ("warning",),
    "the six sections are present; a table whose format cannot be told is reported, not guessed; a report in the "
    "format used before 2019 (no standard tables) is said to be one, once",
    ("crosscheck", "tables/parse", "edition"),
    "sections",
    True,
    _everywhere,
    "sections and formats",
    "六个部分齐全；每张表的格式（2019/2021）由其表头判断",
)
S2 = Rule(
    "S2",
    ("error", "warning"),
    "parse problems: a row whose values do not fit its columns, whose blank cells cannot be placed, with a "
    "misread value, or of run-together digits that split more than one way (error, row not filled); a row not "
    "found, printed twice or not of the table's format, or read from run-together digits (warning)",
    ("tables/parse", "tables/rows"),
    "parse",
    False,
    _everywhere,
    "table row read",
    "表格的每一行可读：数值与列对应，空白单元格可定位",
)
S3 = Rule(
    "S3",
    ("warning",),
    "bytes invalid in the file's encoding were decoded as U+FFFD (the finding gives their byte offsets)",
    ("stages",),
    "parse",
    False,
    _nowhere,
    "file bytes decoded",
    "文件的每个字节都能按其编码解码 (every byte of the file decodes in its encoding)",
)
G1 = Rule(
    "G1",
    ("warning",),
    "(model) an item the model returned was not found in the source",
    ("llm/extract",),
    "model",
    False,
    _nowhere,
    "model item grounded",
    "the item the model returned is found in the source text (模型结果须见于原文)",
)
L1 = Rule(
    "L1",
    ("warning",),
    "(model) the model's value and the parse's disagree (a cell with `--tables both`, the 信息处理费)",
    ("llm/extract",),
    "model",
    False,
    _everywhere,
    "model vs parse",
    "the model's cell equals the parsed cell",
)
L2 = Rule(
    "L2",
    ("warning",),
    "(model) a table was filled by the model; its cells are not located in the source",
    ("llm/extract",),
    "model",
    False,
    _everywhere,
    "model-filled table",
    "a table filled by the model: its cells are not located in the source text",
)
L3 = Rule(
    "L3",
    ("warning",),
    "(model) the model gave no usable table or rows; the parse (if any) is kept",
    ("llm/extract",),
    "model",
    False,
    _everywhere,
    "model gave no table",
    "the model gave no usable table; the parse (if any) is kept",
)

RULES: dict[str, Rule] = {
    r.id: r for r in (R3_1, R3_2, R3_3, R3_4, R4_1, R4_2, R2_1, N1, N2, X1, S1, S2, S3, G1, L1, L2, L3)
}


def rules_for(table: str, row: str, col: str) -> list[str]:
    """Ids of the rules that read the cell ``table.row.col``."""
    return [r.id for r in RULES.values() if r.scope(table, row, col)]


def markdown_table() -> str:
    """The rules table of the README."""
    lines = ["| rule | severity | checks | from | emitted by |", "|---|---|---|---|---|"]
    for r in RULES.values():
        origin = "SPEC §4" if r.spec else "extractor"
        by = ", ".join(f"`{m}`" for m in r.emitted_by) if r.emitted else "not yet emitted"
        lines.append(f"| {r.id} | {r.severity} | {r.checks} | {origin} | {by} |")
    return "\n".join(lines) + "\n"
