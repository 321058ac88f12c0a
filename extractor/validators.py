"""Table arithmetic of SPEC §4 (R2.1, R3.1–R3.4, R4.1–R4.2): errors naming the cells involved.

Blank cells are "not reported", never 0: an equality with a blank side is skipped, and a sum with blank
parts is an error only when the known parts already exceed the total (blanks cannot be negative).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from .rules import R2_1, R3_1, R3_2, R3_3, R3_4, R4_1, R4_2, Rule
from .schema import Cell, CellRef, Finding, Formats
from .spec import (
    AMOUNT_COLUMNS,
    SIGNED_COLUMNS,
    TABLE3_COLUMNS,
    TABLE3_ORG_COLUMNS,
    TABLE3_RESULT_ROWS,
    TABLE4_COLUMNS,
)
from .types import Format, Number, Table


def _ref(path: str, cell: Cell | None) -> CellRef:
    return CellRef(path=path, value=cell["value"] if cell else None, span=cell["span"] if cell else None)


def _fmt(x: Number) -> str:
    return f"{x:g}" if isinstance(x, float) else str(x)


def _sum_rule(
    rule: Rule,
    total: tuple[str, str],
    total_cell: Cell | None,
    rows: Sequence[str] | str,
    cols: Sequence[str] | str,
    cells: list[Cell | None],
    what: str,
) -> Finding | None:
    """total = Σ cells, blanks handled as the module docstring says. The parts are the cells at ``rows`` x
    ``cols`` (one of them a single key); their paths are built only for a failure, as this runs for every
    row and column of every report."""
    if total_cell is None or total_cell["value"] is None:
        return None
    known = [c["value"] for c in cells if c is not None and c["value"] is not None]
    blanks = len(cells) - len(known)
    found: Number = sum(known)
    expected = total_cell["value"]
    if (blanks == 0 and abs(found - expected) > 1e-9) or (blanks and found > expected + 1e-9):
        note = f" ({blanks} blank cell(s) not counted)" if blanks else ""
        prefix = f"table{rule.id[1]}"  # R3.x: table3
        return Finding(
            rule=rule.id,
            severity="error",
            message=f"{what}: the parts add up to {_fmt(found)}{note} but {prefix}.{total[0]}.{total[1]} is "
            f"{_fmt(expected)}",
            cells=[
                _ref(f"{prefix}.{total[0]}.{total[1]}", total_cell),
                *(_ref(f"{prefix}.{r}.{c}", cell) for (r, c), cell in zip(_pairs(rows, cols), cells, strict=True)),
            ],
            expected=expected,
            found=found,
        )
    return None


def _pairs(rows: Sequence[str] | str, cols: Sequence[str] | str) -> list[tuple[str, str]]:
    if isinstance(rows, str):
        return [(rows, c) for c in cols]
    return [(r, str(cols)) for r in rows]


_NO_ROW: dict[str, Cell] = {}


def check_table3(t3: Table[Cell], fmt: Format | None) -> list[Finding]:
    findings: list[Finding] = []
    present = {c for r in t3.values() for c in r}
    result_rows = TABLE3_RESULT_ROWS.get(fmt) if fmt in TABLE3_RESULT_ROWS else None
    result_dicts = [t3.get(r, _NO_ROW) for r in result_rows] if result_rows else []
    total_row = t3.get("results_total", _NO_ROW)
    for col in (c for c in (*TABLE3_COLUMNS[:6], "org_subtotal", "total") if c in present):
        f = _balance(t3, col)
        if f:
            findings.append(f)
        if result_rows:
            f = _sum_rule(
                R3_2,
                ("results_total", col),
                total_row.get(col),
                result_rows,
                col,
                [row.get(col) for row in result_dicts],
                f"table3 column '{col}': results_total must equal the sum of the result rows",
            )
            if f:
                findings.append(f)
    for row, cols in t3.items():
        _applicants(row, cols, findings)
    findings.extend(_non_negative_integers(R3_4, "table3", t3))
    return findings


_R31_ROWS = ("new_received", "carried_over", "results_total", "carried_forward")


def _balance(t3: Table[Cell], col: str) -> Finding | None:
    """R3.1 for one column; only when all four cells are printed."""
    cells = {r: t3.get(r, _NO_ROW).get(col) for r in _R31_ROWS}
    vals = {r: c["value"] for r, c in cells.items() if c is not None and c["value"] is not None}
    if len(vals) < 4:
        return None
    left = vals["new_received"] + vals["carried_over"]
    right = vals["results_total"] + vals["carried_forward"]
    if abs(left - right) <= 1e-9:
        return None
    return Finding(
        rule=R3_1.id,
        severity="error",
        message=f"table3 column '{col}': 新收 + 上年结转 = {_fmt(left)} but 总计 + 结转下年度 = {_fmt(right)}",
        cells=[_ref(f"table3.{r}.{col}", c) for r, c in cells.items()],
        expected=left,
        found=right,
    )


def _applicants(row: str, cols: dict[str, Cell], findings: list[Finding]) -> None:
    """R3.3 for one row: the organisation subtotal when printed, then the total."""
    part_cols: tuple[str, ...] = TABLE3_COLUMNS[:6]
    if "org_subtotal" in cols:
        f = _sum_rule(
            R3_3,
            (row, "org_subtotal"),
            cols.get("org_subtotal"),
            row,
            TABLE3_ORG_COLUMNS,
            [cols.get(c) for c in TABLE3_ORG_COLUMNS],
            f"table3 row '{row}': the organisation subtotal must equal the five organisation columns",
        )
        if f:
            findings.append(f)
        part_cols = ("natural_person", "org_subtotal")
    f = _sum_rule(
        R3_3,
        (row, "total"),
        cols.get("total"),
        row,
        part_cols,
        [cols.get(c) for c in part_cols],
        f"table3 row '{row}': total must equal the sum of the applicant columns",
    )
    if f:
        findings.append(f)


def check_table4(t4: Table[Cell]) -> list[Finding]:
    findings: list[Finding] = []
    for block, cols in t4.items():
        f = _sum_rule(
            R4_1,
            (block, "total"),
            cols.get("total"),
            block,
            TABLE4_COLUMNS[:4],
            [cols.get(c) for c in TABLE4_COLUMNS[:4]],
            f"table4 block '{block}': total must equal 维持 + 纠正 + 其他 + 尚未审结",
        )
        if f:
            findings.append(f)
    findings.extend(_non_negative_integers(R4_2, "table4", t4))
    return findings


def check_table2(t2: Table[Cell]) -> list[Finding]:
    return list(_non_negative_integers(R2_1, "table2", t2))


def _non_negative_integers(rule: Rule, table: str, data: Table[Cell]) -> Iterable[Finding]:
    for row, cols in data.items():
        for col, cell in cols.items():
            v = cell["value"]
            if v is None or (type(v) is int and v >= 0):
                continue
            amount = (row, col) in AMOUNT_COLUMNS
            signed = col in SIGNED_COLUMNS
            bad = (v < 0 and not signed) or (not amount and v != int(v))
            if bad:
                kind = "a non-negative amount" if amount else ("an integer" if signed else "a non-negative integer")
                yield Finding(
                    rule=rule.id,
                    severity="error",
                    message=f"{table}.{row}.{col} must be {kind}, found {cell['raw']!r}",
                    cells=[_ref(f"{table}.{row}.{col}", cell)],
                    expected=kind,
                    found=v,
                )


def check_tables(
    t2: Table[Cell] | None, t3: Table[Cell] | None, t4: Table[Cell] | None, formats: Formats
) -> list[Finding]:
    """All table rules on whatever tables were read."""
    findings: list[Finding] = []
    if t2:
        findings.extend(check_table2(t2))
    if t3:
        findings.extend(check_table3(t3, formats.table3))
    if t4:
        findings.extend(check_table4(t4))
    return findings
