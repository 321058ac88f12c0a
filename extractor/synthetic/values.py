"""Random table values that satisfy SPEC §4's arithmetic (non-zero by default), and breaking one rule in
a known cell. The seed fixes everything, so a failing case can be replayed."""

from __future__ import annotations

import random
from dataclasses import dataclass, field

from ..schema import Cell, TableData
from ..spec import (
    TABLE2_COLUMNS,
    TABLE3_COLUMNS,
    TABLE3_COLUMNS_WITH_SUBTOTAL,
    TABLE3_ORG_COLUMNS,
    TABLE3_RESULT_ROWS,
    TABLE3_ROWS,
    TABLE4_BLOCKS,
    TABLE4_COLUMNS,
    Format,
)

Number = int | float
Values = dict[str, dict[str, Number | None]]

RULES = ("R2.1", "R3.1", "R3.2", "R3.3", "R3.4", "R4.1", "R4.2")


@dataclass
class TableValues:
    """Drawn values, per table: row -> column -> value (None = printed blank)."""

    fmt2: Format
    fmt3: Format
    subtotal: bool
    table2: Values
    table3: Values
    table4: Values
    broken: list[tuple[str, str]] = field(default_factory=list)  # (rule, path) deliberately violated

    def table(self, name: str) -> Values:
        return {"table2": self.table2, "table3": self.table3, "table4": self.table4}[name]

    def cells(self, name: str) -> TableData:
        """The table as cells the validators read (spans are meaningless here: the values are not printed)."""
        return {
            row: {c: Cell(value=v, raw="" if v is None else str(v), span=(0, 0)) for c, v in cols.items()}
            for row, cols in self.table(name).items()
        }

    def get(self, path: str) -> Number | None:
        table, row, col = path.split(".")
        return self.table(table)[row][col]


def _count(rng: random.Random, zero_rate: float, high: int = 30) -> int:
    return 0 if rng.random() < zero_rate else rng.randint(1, high)


def row_totals(t3: Values, subtotal: bool) -> None:
    """Each table-3 row's total (and org_subtotal) from its applicant columns (R3.3)."""
    for cols in t3.values():
        org = sum(int(cols[c] or 0) for c in TABLE3_ORG_COLUMNS)
        if subtotal:
            cols["org_subtotal"] = org
        cols["total"] = int(cols["natural_person"] or 0) + org


def draw_table3(rng: random.Random, fmt: Format, subtotal: bool, zero_rate: float) -> Values:
    applicants = TABLE3_COLUMNS[:6]
    t3: Values = {row: {} for row in TABLE3_ROWS[fmt]}
    for col in applicants:
        results = {row: _count(rng, zero_rate, 12) for row in TABLE3_RESULT_ROWS[fmt]}
        total = sum(results.values())
        forward = _count(rng, 0.5, 6)
        carried_over = rng.randint(0, min(total + forward, 8))
        for row, v in results.items():
            t3[row][col] = v
        t3["results_total"][col] = total
        t3["carried_forward"][col] = forward
        t3["carried_over"][col] = carried_over
        t3["new_received"][col] = total + forward - carried_over
    row_totals(t3, subtotal)
    order = TABLE3_COLUMNS_WITH_SUBTOTAL if subtotal else TABLE3_COLUMNS
    return {row: {c: cols[c] for c in order} for row, cols in t3.items()}


def draw_table4(rng: random.Random, zero_rate: float) -> Values:
    t4: Values = {}
    for block in TABLE4_BLOCKS:
        cols: dict[str, Number | None] = {c: _count(rng, zero_rate, 5) for c in TABLE4_COLUMNS[:4]}
        cols["total"] = sum(int(v or 0) for v in cols.values())
        t4[block] = cols
    return t4


def draw_table2(rng: random.Random, fmt: Format, zero_rate: float) -> Values:
    t2: Values = {}
    for row, cols in TABLE2_COLUMNS[fmt].items():
        vals: dict[str, Number | None] = {}
        for col in cols:
            if col == "amount":
                vals[col] = 0 if rng.random() < zero_rate else round(rng.uniform(0.5, 500.0), 2)
            elif col == "total_amount":
                vals[col] = round(rng.uniform(1000, 2_000_000), 2)
            elif col == "change":
                vals[col] = rng.randint(-5, 12)
            else:
                vals[col] = _count(rng, zero_rate, 60)
        t2[row] = vals
    return t2


def draw_values(
    rng: random.Random,
    fmt2: Format = "2021",
    fmt3: Format = "2021",
    subtotal: bool = False,
    zero_rate: float = 0.3,
    blank_rate: float = 0.0,
) -> TableValues:
    """Values satisfying every rule; ``blank_rate`` turns some cells into printed blanks afterwards
    (blanks are "not reported", so the rules still hold for what is printed)."""
    tv = TableValues(
        fmt2,
        fmt3,
        subtotal,
        draw_table2(rng, fmt2, zero_rate),
        draw_table3(rng, fmt3, subtotal, zero_rate),
        draw_table4(rng, zero_rate),
    )
    if blank_rate:
        for table in (tv.table2, tv.table3, tv.table4):
            for cols in table.values():
                for col in cols:
                    if rng.random() < blank_rate:
                        cols[col] = None
    return tv


def break_rule(tv: TableValues, rule: str, rng: random.Random) -> str:
    """Violate ``rule`` by changing one cell; returns that cell's path (recorded in ``tv.broken``)."""
    delta = rng.randint(1, 5)

    def bump(path: str, new: Number) -> str:
        table, row, col = path.split(".")
        tv.table(table)[row][col] = new
        tv.broken.append((rule, path))
        return path

    def current(path: str) -> int:
        return int(tv.get(path) or 0)

    col = rng.choice(TABLE3_COLUMNS[:6])
    if rule == "R3.1":  # both sides of the row sum move together: only the column identity breaks
        path = f"table3.carried_over.{col}"
        bump(path, current(path) + delta)
        tv.table3["carried_over"]["total"] = current("table3.carried_over.total") + delta
        if tv.subtotal and col != "natural_person":
            tv.table3["carried_over"]["org_subtotal"] = current("table3.carried_over.org_subtotal") + delta
        return path
    if rule == "R3.2":
        row = rng.choice(TABLE3_RESULT_ROWS[tv.fmt3])
        return bump(f"table3.{row}.{col}", current(f"table3.{row}.{col}") + delta)
    if rule == "R3.3":
        row = rng.choice(list(tv.table3))
        return bump(f"table3.{row}.total", current(f"table3.{row}.total") + delta)
    if rule == "R3.4":
        row = rng.choice(list(tv.table3))
        return bump(f"table3.{row}.{col}", -delta)
    if rule == "R4.1":
        block = rng.choice(TABLE4_BLOCKS)
        return bump(f"table4.{block}.total", current(f"table4.{block}.total") + delta)
    if rule == "R4.2":
        block = rng.choice(TABLE4_BLOCKS)
        return bump(f"table4.{block}.pending", -delta)
    if rule == "R2.1":
        row = "regulations"
        column = TABLE2_COLUMNS[tv.fmt2][row][0]
        return bump(f"table2.{row}.{column}", -delta)
    raise ValueError(f"unknown rule {rule!r}; one of {', '.join(RULES)}")


def violations(tv: TableValues) -> set[tuple[str, str]]:
    """(rule, table) of every SPEC §4 rule the drawn values violate: the synthetic gold for findings.

    Written apart from ``validators`` on purpose, straight from SPEC's arithmetic, so a validator that
    misses a case is caught by the eval instead of agreeing with itself. Blanks (None) are "not reported":
    an equality with a blank is skipped; a sum is violated when its known parts already exceed the total.
    """
    out: set[tuple[str, str]] = set()

    def sum_broken(total: Number | None, parts: list[Number | None]) -> bool:
        if total is None:
            return False
        known = [p for p in parts if p is not None]
        return sum(known) > total if len(known) < len(parts) else sum(known) != total

    t3, t4 = tv.table3, tv.table4
    columns = list(next(iter(t3.values())))
    for col in columns:
        a, b, t, f = (t3[r][col] for r in ("new_received", "carried_over", "results_total", "carried_forward"))
        if None not in (a, b, t, f) and a + b != t + f:  # type: ignore[operator]
            out.add(("R3.1", "table3"))
        if sum_broken(t3["results_total"][col], [t3[r][col] for r in TABLE3_RESULT_ROWS[tv.fmt3]]):
            out.add(("R3.2", "table3"))
    for cols in t3.values():
        orgs = [cols[c] for c in TABLE3_ORG_COLUMNS]
        if "org_subtotal" in cols:
            if sum_broken(cols["org_subtotal"], orgs) or sum_broken(
                cols["total"], [cols["natural_person"], cols["org_subtotal"]]
            ):
                out.add(("R3.3", "table3"))
        elif sum_broken(cols["total"], [cols["natural_person"], *orgs]):
            out.add(("R3.3", "table3"))
    for cols in t4.values():
        if sum_broken(cols["total"], [cols[c] for c in TABLE4_COLUMNS[:4]]):
            out.add(("R4.1", "table4"))
    for rule, table, values in (("R3.4", "table3", t3), ("R4.2", "table4", t4)):
        if any(v is not None and (v < 0 or v != int(v)) for cols in values.values() for v in cols.values()):
            out.add((rule, table))
    for cols in tv.table2.values():
        for col, v in cols.items():
            amount = col in ("amount", "total_amount")
            if v is not None and ((v < 0 and col != "change") or (not amount and v != int(v))):
                out.add(("R2.1", "table2"))
    return out
