"""Consecutive-year reports of one organ, each year drawn from the year before, for the checks across years.

Year Y+1 carries over exactly what year Y carried forward (per applicant column), and, when both years use
the 2021 table 2, its documents in force are last year's plus those issued minus those repealed. Every
report still satisfies every single-report rule. Two deliberate departures can be asked for, and are
recorded: a broken carry-over (Y+1 carries over more than Y carried forward) and a restated in-force count.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field

from ..spec import TABLE3_COLUMNS, TABLE3_RESULT_ROWS
from ..types import Format, Number, Table
from .doc import SyntheticDoc
from .render import render_report
from .values import TableValues, draw_values, row_totals

_APPLICANTS = TABLE3_COLUMNS[:6]
_DOC_ROWS = ("regulations", "normative_documents")


@dataclass
class Series:
    """One organ's reports, earliest first, and the departures put in on purpose."""

    organ: str
    docs: list[SyntheticDoc]
    broken_carry: list[tuple[int, str]] = field(default_factory=list)  # (year, table3.carried_over.<col>)
    restated: list[tuple[int, str]] = field(default_factory=list)  # (year, table2.<row>.in_force)


def default_formats(year: int) -> tuple[Format, Format]:
    """The format a body uses for a year: 2019 for the 2019 and 2020 reports, 2021 from then on."""
    return ("2019", "2019") if year <= 2020 else ("2021", "2021")


def _balance(t3: Table[Number | None], fmt: Format, subtotal: bool) -> None:
    """Re-derive totals so R3.1–R3.3 hold after carried_over changed (a shortfall is granted)."""
    for col in _APPLICANTS:
        over, forward = int(t3["carried_over"][col] or 0), int(t3["carried_forward"][col] or 0)
        total = sum(int(t3[r][col] or 0) for r in TABLE3_RESULT_ROWS[fmt])
        if total + forward < over:
            t3["granted"][col] = int(t3["granted"][col] or 0) + over - total - forward
            total = over - forward
        t3["results_total"][col] = total
        t3["new_received"][col] = total + forward - over
    row_totals(t3, subtotal)


def next_year(prev: TableValues, rng: random.Random, fmt2: Format, fmt3: Format, zero_rate: float) -> TableValues:
    """Year Y+1's values drawn from year Y's: carry-over and (2021 table 2) documents in force continue."""
    tv = draw_values(rng, fmt2, fmt3, prev.subtotal, zero_rate)
    for col in _APPLICANTS:
        tv.table3["carried_over"][col] = prev.table3["carried_forward"][col]
    _balance(tv.table3, fmt3, tv.subtotal)
    if prev.fmt2 == "2021" and fmt2 == "2021":
        for row in _DOC_ROWS:
            cols, before = tv.table2[row], int(prev.table2[row]["in_force"] or 0)
            cols["repealed"] = min(int(cols["repealed"] or 0), before + int(cols["issued"] or 0))
            cols["in_force"] = before + int(cols["issued"] or 0) - int(cols["repealed"] or 0)
    return tv


def generate_series(
    seed: int,
    organ: str,
    years: list[int],
    layout: str = "tab",
    formats: dict[int, tuple[Format, Format]] | None = None,
    break_carry: int | None = None,
    restate: int | None = None,
    zero_rate: float = 0.2,
) -> Series:
    """Reports of ``organ`` for ``years`` (consecutive or not; each is drawn from the one before it).
    ``break_carry``/``restate``: a year whose carry-over is broken / whose in-force count is restated."""
    rng = random.Random(seed)
    series = Series(organ, [])
    prev: TableValues | None = None
    for year in years:
        fmt2, fmt3 = (formats or {}).get(year) or default_formats(year)
        tv = (
            draw_values(rng, fmt2, fmt3, False, zero_rate)
            if prev is None
            else next_year(prev, rng, fmt2, fmt3, zero_rate)
        )
        if year == break_carry:
            col = rng.choice(_APPLICANTS)
            tv.table3["carried_over"][col] = int(tv.table3["carried_over"][col] or 0) + rng.randint(1, 4)
            _balance(tv.table3, fmt3, tv.subtotal)
            series.broken_carry.append((year, f"table3.carried_over.{col}"))
        if year == restate and fmt2 == "2021":
            row = rng.choice(_DOC_ROWS)
            tv.table2[row]["in_force"] = int(tv.table2[row]["in_force"] or 0) + rng.randint(5, 40)
            series.restated.append((year, f"table2.{row}.in_force"))
        series.docs.append(render_report(tv, layout, rng, seed, year=year, organ=organ))
        prev = tv
    return series
