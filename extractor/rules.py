"""Every finding rule the extractor emits, with what it checks and which cells it can name.

The codebook lists, for each exported cell column, the rules that check it; exports count findings per rule.
Both read this registry, and tests/test_codebook.py fails when a module emits a rule id missing here.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from .crosscheck import _CLAIMS  # the N1 claims and the cells each names: the checker's own table
from .spec import TABLE3_RESULT_ROWS_2019, TABLE3_RESULT_ROWS_2021

Scope = Callable[[str, str, str], bool]  # (table, row, column) -> does the rule read this cell?

_T3_BALANCE = {"new_received", "carried_over", "results_total", "carried_forward"}
_T3_RESULTS = {*TABLE3_RESULT_ROWS_2021, *TABLE3_RESULT_ROWS_2019, "results_total"}
_N1_CELLS = {path for _, _, paths, _ in _CLAIMS for path in paths} | {
    f"table2.{row}.{col}" for row in ("regulations", "normative_documents") for col in ("issued", "made")
}
_X1_CELLS = {("table3", "carried_over"), ("table3", "carried_forward")}
_X1_TABLE2 = {"issued", "repealed", "in_force"}


@dataclass(frozen=True, slots=True)
class Rule:
    id: str
    severity: str
    checks: str
    scope: Scope


def _table(name: str) -> Scope:
    return lambda table, row, col: table == name


def _x1(table: str, row: str, col: str) -> bool:
    return (table, row) in _X1_CELLS or (
        table == "table2" and row in ("regulations", "normative_documents") and col in _X1_TABLE2
    )


def _everywhere(table: str, row: str, col: str) -> bool:
    return True


RULES: dict[str, Rule] = {
    r.id: r
    for r in (
        Rule(
            "R2.1", "error", "table-2 counts are non-negative integers (2019 change may be negative)", _table("table2")
        ),
        Rule(
            "R3.1",
            "error",
            "per table-3 column: new_received + carried_over = results_total + carried_forward",
            lambda t, r, c: t == "table3" and r in _T3_BALANCE,
        ),
        Rule(
            "R3.2",
            "error",
            "per table-3 column: results_total = sum of the result rows",
            lambda t, r, c: t == "table3" and r in _T3_RESULTS,
        ),
        Rule("R3.3", "error", "per table-3 row: total = the applicant columns", _table("table3")),
        Rule("R3.4", "error", "table-3 counts are non-negative integers", _table("table3")),
        Rule("R4.1", "error", "per table-4 block: total = upheld + corrected + other + pending", _table("table4")),
        Rule("R4.2", "error", "table-4 counts are non-negative integers", _table("table4")),
        Rule(
            "N1",
            "warning",
            "a number the prose states differs from the cell(s) it refers to",
            lambda t, r, c: f"{t}.{r}.{c}" in _N1_CELLS,
        ),
        Rule("N2", "warning", "section 六 does not state the 信息处理费 (2021 format)", lambda t, r, c: False),
        Rule(
            "S1", "warning", "a section is missing, or a table's format cannot be told (cells not filled)", _everywhere
        ),
        Rule(
            "S2",
            "error/warning",
            "parse: a row refused (error: not filled), not found or printed twice (warning)",
            _everywhere,
        ),
        Rule(
            "S3",
            "warning",
            "input: bytes invalid in the file's encoding were read as U+FFFD (their byte offsets named)",
            lambda t, r, c: False,
        ),
        Rule("G1", "warning", "(model) an item the model returned was not found in the source", lambda t, r, c: False),
        Rule("L1", "warning", "(model) the model's cell and the parse disagree", _everywhere),
        Rule("L2", "warning", "(model) the table was filled by the model: cells not located", _everywhere),
        Rule("L3", "warning", "(model) the model gave no usable table or row; the parse is kept", _everywhere),
        Rule(
            "X1",
            "warning",
            "across years of one organ: carried_over = last year's carried_forward; in_force = last year's "
            "in_force + issued - repealed; duplicate organ-years",
            _x1,
        ),
    )
}


def rules_for(table: str, row: str, col: str) -> list[str]:
    """Ids of the rules that read the cell ``table.row.col``."""
    return [rule.id for rule in RULES.values() if rule.scope(table, row, col)]
