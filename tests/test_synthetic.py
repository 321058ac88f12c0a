"""The generator itself: its values satisfy the rules, its breaks break them, its gold is where it says."""

from __future__ import annotations

import random

import pytest

from extractor.schema import Formats
from extractor.synthetic import LAYOUTS, RULES, break_rule, draw_values, generate
from extractor.validators import check_tables


@pytest.mark.parametrize("seed", range(20))
def test_draw_values_satisfy_every_rule(seed: int) -> None:
    rng = random.Random(seed)
    tv = draw_values(
        rng,
        rng.choice(["2019", "2021"]),
        rng.choice(["2019", "2021"]),
        subtotal=seed % 2 == 0,
        blank_rate=0.1 if seed % 3 == 0 else 0.0,
    )
    findings = check_tables(
        tv.cells("table2"), tv.cells("table3"), tv.cells("table4"), Formats(table2=tv.fmt2, table3=tv.fmt3)
    )
    assert findings == []
    nonzero = [v for t in (tv.table2, tv.table3, tv.table4) for cols in t.values() for v in cols.values() if v]
    assert len(nonzero) > 50, "tables must be mostly non-zero to test anything"


@pytest.mark.parametrize("rule", RULES)
def test_break_rule_breaks_exactly_that_rule_at_that_cell(rule: str) -> None:
    rng = random.Random(7)
    tv = draw_values(rng, zero_rate=0.2)
    path = break_rule(tv, rule, rng)
    findings = check_tables(
        tv.cells("table2"), tv.cells("table3"), tv.cells("table4"), Formats(table2=tv.fmt2, table3=tv.fmt3)
    )
    assert any(f.rule == rule and path in {c.path for c in f.cells} for f in findings)


@pytest.mark.parametrize("layout", LAYOUTS)
def test_generate_records_where_each_cell_is_printed(layout: str) -> None:
    doc = generate(3, layout, blank_rate=0.1)
    assert len(doc.cells) == 10 + 25 * 7 + 15
    for raw, (start, end) in doc.cells.values():
        assert doc.text[start:end] == raw


def test_generate_is_deterministic_for_a_seed() -> None:
    assert generate(11, "pdf").text == generate(11, "pdf").text
    assert generate(11, "pdf").text != generate(12, "pdf").text
