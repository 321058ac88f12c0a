"""Random table values that satisfy SPEC §4's arithmetic (non-zero by default), and breaking one rule in
a known cell. The seed fixes everything, so a failing case can be replayed."""

from __future__ import annotations

import random
from dataclasses import dataclass, field

from ..rules import R2_1, R3_1, R3_2, R3_3, R3_4, R4_1, R4_2
from ..schema import Cell
from ..spec import (
    TABLE2_COLUMNS,
    TABLE3_COLUMNS,
    TABLE3_COLUMNS_WITH_SUBTOTAL,
    TABLE3_ORG_COLUMNS,
    TABLE3_RESULT_ROWS,
    TABLE3_ROWS,
    TABLE4_BLOCKS,
    TABLE4_COLUMNS,
)
from ..types import Format, Number, Table

RULES = tuple(r.id for r in (R2_1, R3_1, R3_2, R3_3, R3_4, R4_1, R4_2))  # the rules a generated report can break


@dataclass
class TableValues:
    """Drawn values, per table: row -> column -> value (None = printed blank)."""

    fmt2: Format
    fmt3: Format
    subtotal: bool
    table2: Table[Number | None]
    table3: Table[Number | None]
    table4: Table[Number | None]
    broken: list[tuple[str, str]] = field(default_factory=list)  # (rule, path) deliberately violated

    def table(self, name: str) -> Table[Number | None]:
        return {"table2": self.table2, "table3": self.table3, "table4": self.table4}[name]

    def cells(self, name: str) -> Table[Cell]:
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


def row_totals(t3: Table[Number | None], subtotal: bool) -> None:
    """Each table-3 row's total (and org_subtotal) from its applicant columns (R3.3)."""
    for cols in t3.values():
        org = sum(int(cols[c] or 0) for c in TABLE3_ORG_COLUMNS)
        if subtotal:
            cols["org_subtotal"] = org
        cols["total"] = int(cols["natural_person"] or 0) + org


def draw_table3(rng: random.Random, fmt: Format, subtotal: bool, zero_rate: float) -> Table[Number | None]:
    """Table 3 satisfying R3.1-R3.3. A 2019 table prints its one (六)其他处理 row all blank in about a third of
    real reports: so here too (the row then counts nothing)."""
    applicants = TABLE3_COLUMNS[:6]
    t3: Table[Number | None] = {row: {} for row in TABLE3_ROWS[fmt]}
    blank_other = fmt == "2019" and rng.random() < 0.3
    for col in applicants:
        results = {row: _count(rng, zero_rate, 12) for row in TABLE3_RESULT_ROWS[fmt]}
        if blank_other:
            results["other_handling"] = 0
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
    if blank_other:
        t3["other_handling"] = dict.fromkeys(order)
    return {row: {c: cols[c] for c in order} for row, cols in t3.items()}


def draw_table4(rng: random.Random, zero_rate: float) -> Table[Number | None]:
    t4: Table[Number | None] = {}
    for block in TABLE4_BLOCKS:
        cols: dict[str, Number | None] = {c: _count(rng, zero_rate, 5) for c in TABLE4_COLUMNS[:4]}
        cols["total"] = sum(int(v or 0) for v in cols.values())
        t4[block] = cols
    return t4


def draw_table2(rng: random.Random, fmt: Format, zero_rate: float) -> Table[Number | None]:
    t2: Table[Number | None] = {}
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
    for vals in t2.values():  # what a real table cannot print: more issued and kept than are in force
        if "in_force" in vals:
            vals["in_force"] = max(int(vals["in_force"] or 0), int(vals["issued"] or 0) - int(vals["repealed"] or 0))
        if "total_published" in vals:
            vals["total_published"] = max(int(vals["total_published"] or 0), int(vals["published"] or 0))
    return t2


def blank_zero_rows(tv: TableValues, rng: random.Random) -> None:
    """Rows that count nothing printed blank instead of zeros, half of them: how crawled reports show blanks
    (a row's label alone), the identities still holding."""
    for table in (tv.table2, tv.table3, tv.table4):
        for cols in table.values():
            if all(v == 0 for v in cols.values()) and rng.random() < 0.5:
                for col in cols:
                    cols[col] = None


def draw_values(
    rng: random.Random,
    fmt2: Format = "2021",
    fmt3: Format = "2021",
    subtotal: bool = False,
    zero_rate: float = 0.3,
    blank_rate: float = 0.0,
) -> TableValues:
    """Table[Number | None] satisfying every rule; ``blank_rate`` turns some cells into printed blanks afterwards
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
    if rule == R3_1.id:  # both sides of the row sum move together: only the column identity breaks
        path = f"table3.carried_over.{col}"
        bump(path, current(path) + delta)
        tv.table3["carried_over"]["total"] = current("table3.carried_over.total") + delta
        if tv.subtotal and col != "natural_person":
            tv.table3["carried_over"]["org_subtotal"] = current("table3.carried_over.org_subtotal") + delta
        return path
    if rule == R3_2.id:
        row = rng.choice(TABLE3_RESULT_ROWS[tv.fmt3])
        return bump(f"table3.{row}.{col}", current(f"table3.{row}.{col}") + delta)
    if rule == R3_3.id:
        row = rng.choice(list(tv.table3))
        return bump(f"table3.{row}.total", current(f"table3.{row}.total") + delta)
    if rule == R3_4.id:
        row = rng.choice(list(tv.table3))
        return bump(f"table3.{row}.{col}", -delta)
    if rule == R4_1.id:
        block = rng.choice(TABLE4_BLOCKS)
        return bump(f"table4.{block}.total", current(f"table4.{block}.total") + delta)
    if rule == R4_2.id:
        block = rng.choice(TABLE4_BLOCKS)
        return bump(f"table4.{block}.pending", -delta)
    if rule == R2_1.id:
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
            out.add((R3_1.id, "table3"))
        if sum_broken(t3["results_total"][col], [t3[r][col] for r in TABLE3_RESULT_ROWS[tv.fmt3]]):
            out.add((R3_2.id, "table3"))
    for cols in t3.values():
        orgs = [cols[c] for c in TABLE3_ORG_COLUMNS]
        if "org_subtotal" in cols:
            if sum_broken(cols["org_subtotal"], orgs) or sum_broken(
                cols["total"], [cols["natural_person"], cols["org_subtotal"]]
            ):
                out.add((R3_3.id, "table3"))
        elif sum_broken(cols["total"], [cols["natural_person"], *orgs]):
            out.add((R3_3.id, "table3"))
    for cols in t4.values():
        if sum_broken(cols["total"], [cols[c] for c in TABLE4_COLUMNS[:4]]):
            out.add((R4_1.id, "table4"))
    for rule, table, values in ((R3_4.id, "table3", t3), (R4_2.id, "table4", t4)):
        if any(v is not None and (v < 0 or v != int(v)) for cols in values.values() for v in cols.values()):
            out.add((rule, table))
    for cols in tv.table2.values():
        for col, v in cols.items():
            amount = col in ("amount", "total_amount")
            if v is not None and ((v < 0 and col != "change") or (not amount and v != int(v))):
                out.add((R2_1.id, "table2"))
    return out
