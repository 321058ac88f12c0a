"""Validators name the broken cell, with its source span; blanks are never counted as 0."""

from __future__ import annotations

import pytest

from extractor.schema import Cell, Formats
from extractor.spec import TABLE3_COLUMNS, TABLE3_COLUMNS_WITH_SUBTOTAL
from extractor.synthetic import LAYOUTS, RULES, generate
from extractor.validators import check_table3, check_table4, check_tables
from tests.conftest import extract_text


@pytest.mark.parametrize("layout", LAYOUTS)
@pytest.mark.parametrize("rule", RULES)
def test_validators_name_the_broken_cell(rule: str, layout: str) -> None:
    doc = generate(21, layout, zero_rate=0.1, break_rule=rule)
    ((_, path),) = doc.values.broken
    report = extract_text(doc.text)
    hits = [f for f in report.findings if f.rule == rule and path in {c.path for c in f.cells}]
    assert hits, [f.message for f in report.findings]
    ref = next(c for c in hits[0].cells if c.path == path)
    assert ref.span == doc.cells[path][1]
    assert hits[0].severity == "error"


def _cell(v: int | float | None) -> Cell:
    return {"value": v, "raw": "" if v is None else str(v), "span": (0, 0)}


def _t3(rows: dict[str, list[int | None]]) -> dict[str, dict[str, Cell]]:
    return {row: {c: _cell(v) for c, v in zip(TABLE3_COLUMNS, vals, strict=True)} for row, vals in rows.items()}


@pytest.mark.parametrize(
    ("row", "expect_error"),
    [
        ([2, None, None, None, None, None, 5], False),  # blanks may hold the missing 3
        ([2, None, 4, None, None, None, 5], True),  # known parts already exceed the total
        ([2, 0, 0, 0, 0, 0, 5], True),  # all printed, wrong sum
        ([2, 0, 0, 0, 0, 3, None], False),  # blank total: nothing to check
    ],
    ids=["blanks-could-fill", "known-exceed-total", "printed-wrong", "blank-total"],
)
def test_check_table3_treats_blank_as_not_reported(row: list[int | None], expect_error: bool) -> None:
    findings = [f for f in check_table3(_t3({"granted": row}), "2021") if f.rule == "R3.3"]
    assert bool(findings) is expect_error


def test_check_table3_subtotal_column() -> None:
    good = {c: _cell(v) for c, v in zip(TABLE3_COLUMNS_WITH_SUBTOTAL, [1, 1, 1, 0, 0, 1, 3, 4], strict=True)}
    bad_sub = {**good, "org_subtotal": _cell(4), "total": _cell(5)}
    assert [f for f in check_table3({"granted": good}, None) if f.rule == "R3.3"] == []
    findings = [f for f in check_table3({"granted": bad_sub}, None) if f.rule == "R3.3"]
    assert [f.cells[0].path for f in findings] == ["table3.granted.org_subtotal"]


def test_check_table4_flags_a_fractional_count() -> None:
    t4 = {
        "review": {
            "upheld": _cell(1.5),
            "corrected": _cell(0),
            "other": _cell(0),
            "pending": _cell(0),
            "total": _cell(1.5),
        }
    }
    findings = check_table4(t4)
    assert [(f.rule, f.cells[0].path) for f in findings] == [
        ("R4.2", "table4.review.upheld"),
        ("R4.2", "table4.review.total"),
    ]


def test_check_tables_allows_negative_change_and_decimal_amounts() -> None:
    t2 = {
        "fees": {"previous_year_items": _cell(3), "change": _cell(-2)},
        "procurement": {"projects": _cell(2), "total_amount": _cell(1234.5)},
    }
    assert check_tables(t2, None, None, Formats(table2="2019")) == []
    t2["fees"]["previous_year_items"] = _cell(-1)
    assert [f.rule for f in check_tables(t2, None, None, Formats(table2="2019"))] == ["R2.1"]
