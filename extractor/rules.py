"""Every rule a finding can name, in one registry: its id, severity, what it checks, and who emits it.

The code that raises a finding takes its id from here; ``extractor rules`` prints this table and the README's
rules table is generated from it (a test keeps the two equal and checks that every emitter really uses its
rule). SPEC §4's rules come first, then the extractor's own: parse problems (S2) and the model checks (G1,
L1–L3).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from .types import Severity

Stage = Literal["tables", "prose", "sections", "parse", "model", "years"]


@dataclass(frozen=True, slots=True)
class Rule:
    id: str
    severities: tuple[Severity, ...]  # an emitter picks one of these for each finding
    checks: str
    emitted_by: tuple[str, ...]  # modules, relative to the package: where to look when it fires
    stage: Stage  # what it describes: the tables' arithmetic, prose vs cells, the parse, the model's answer
    spec: bool  # one of SPEC §4's rules (else the extractor's own)
    emitted: bool = True  # False: defined by SPEC but not checked yet

    @property
    def severity(self) -> str:
        return "/".join(self.severities)

    @property
    def describes_document(self) -> bool:
        """True for rules about what the document prints (the arithmetic and the prose), False for rules
        about the extraction itself (the parse, the model): only the former are scored against gold."""
        return self.stage in ("tables", "prose")


_T = ("validators",)
R3_1 = Rule("R3.1", ("error",), "per table-3 column: 新收 + 上年结转 = 总计 + 结转下年度", _T, "tables", True)
R3_2 = Rule("R3.2", ("error",), "per table-3 column: 总计 = sum of the result rows of its format", _T, "tables", True)
R3_3 = Rule(
    "R3.3",
    ("error",),
    "per table-3 row: total = applicant columns (with `org_subtotal` when printed: it = the five organisation "
    "columns, total = 自然人 + it)",
    _T,
    "tables",
    True,
)
R3_4 = Rule("R3.4", ("error",), "table-3 counts are non-negative integers", _T, "tables", True)
R4_1 = Rule("R4.1", ("error",), "per table-4 block: total = 维持 + 纠正 + 其他 + 尚未审结", _T, "tables", True)
R4_2 = Rule("R4.2", ("error",), "table-4 counts are non-negative integers", _T, "tables", True)
R2_1 = Rule(
    "R2.1",
    ("error",),
    "table-2 counts are non-negative integers (2019 `change` may be negative; amounts are decimals)",
    _T,
    "tables",
    True,
)
N1 = Rule(
    "N1",
    ("warning",),
    "numbers stated in the prose (收到/办结/结转 N 件, 未收到申请, 予以/不予公开 N 件, 行政复议/诉讼 N 件, "
    "未制发规章/规范性文件) vs the cells",
    ("crosscheck",),
    "prose",
    True,
)
N2 = Rule("N2", ("warning",), "section 六 states the 信息处理费 (2021 format)", ("crosscheck",), "prose", True)
X1 = Rule(
    "X1",
    ("warning",),
    "across years of one body: this year's 上年结转 = last year's 结转下年度; table-2 现行有效 ≈ last year's + "
    "制发 − 废止",
    (),
    "years",
    True,
    emitted=False,
)
S1 = Rule(
    "S1",
    ("warning",),
    "the six sections are present; a table whose format cannot be told is reported, not guessed",
    ("crosscheck", "tables/parse"),
    "sections",
    True,
)
S2 = Rule(
    "S2",
    ("error", "warning"),
    "parse problems: a row whose values do not fit its columns, or whose blank cells cannot be placed (error, "
    "row not filled); a row not found, printed twice or not of the table's format (warning)",
    ("tables/parse",),
    "parse",
    False,
)
G1 = Rule(
    "G1",
    ("warning",),
    "(model) an item the model returned was not found in the source",
    ("llm/extract",),
    "model",
    False,
)
L1 = Rule(
    "L1",
    ("warning",),
    "(model) the model's value and the parse's disagree (a cell with `--tables both`, the 信息处理费)",
    ("llm/extract",),
    "model",
    False,
)
L2 = Rule(
    "L2",
    ("warning",),
    "(model) a table was filled by the model; its cells are not located in the source",
    ("llm/extract",),
    "model",
    False,
)
L3 = Rule(
    "L3",
    ("warning",),
    "(model) the model gave no usable table or rows; the parse (if any) is kept",
    ("llm/extract",),
    "model",
    False,
)

RULES: dict[str, Rule] = {
    r.id: r for r in (R3_1, R3_2, R3_3, R3_4, R4_1, R4_2, R2_1, N1, N2, X1, S1, S2, G1, L1, L2, L3)
}


def rule(rule_id: str) -> Rule | None:
    """The registry entry for an id (None for an id this version does not know, e.g. in an old record)."""
    return RULES.get(rule_id)


def markdown_table() -> str:
    """The rules table of the README."""
    lines = ["| rule | severity | checks | from | emitted by |", "|---|---|---|---|---|"]
    for r in RULES.values():
        origin = "SPEC §4" if r.spec else "extractor"
        by = ", ".join(f"`{m}`" for m in r.emitted_by) if r.emitted else "not yet emitted"
        lines.append(f"| {r.id} | {r.severity} | {r.checks} | {origin} | {by} |")
    return "\n".join(lines) + "\n"
