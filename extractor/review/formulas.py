"""A finding's two sides as an equation of labelled cells; each rule's words come from the registry."""

from __future__ import annotations

from dataclasses import dataclass

from ..rules import RULES
from ..schema import CellRef, Finding
from ..spec import cell_label, column_label, row_label

Number = int | float


def rule_text(rule: str) -> tuple[str, str]:
    """(title, formula) of a rule, for the page; an unknown id (an old record's) is its own title."""
    r = RULES.get(rule)
    return (r.title, r.formula) if r is not None else (rule, "")


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
    if _shape(f.rule) == "sum" and len(f.cells) >= 2:
        split = 1
    elif _shape(f.rule) == "balance" and len(f.cells) == 4:
        split = 2
    else:
        return None
    common, terms = _terms(f.cells)
    left, right = terms[:split], terms[split:]
    blanks = sum(1 for t in terms if t.value is None)
    return Equation(common, left, right, _sum(left), _sum(right), blanks)


def _shape(rule: str) -> str | None:
    """How a rule's cells form its two sides (the validators list them in this order): ``sum``, cells[0] is
    the total and the rest its parts; ``balance``, cells[0] + cells[1] = cells[2] + cells[3]."""
    r = RULES.get(rule)
    return r.shape if r is not None else None
