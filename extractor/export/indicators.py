"""Derived indicators (``--indicators``), each with the one formula it uses, written into the codebook.

Studies of these reports define "disclosure rate" and the others in several ways; these are ours, named and
stated. An indicator is empty when any cell it reads is not a number (blank, dash, not printed …) or its
denominator is 0: a missing part is never taken as 0.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from ..spec import TABLE3_RESULT_ROWS_2021

Number = int | float
_DENIED = tuple(f"table3.{r}.total" for r in TABLE3_RESULT_ROWS_2021 if r.startswith("denied_"))


@dataclass(frozen=True, slots=True)
class Indicator:
    name: str
    label_zh: str
    description: str
    numerator: tuple[str, ...]  # summed
    denominator: tuple[str, ...]  # summed ...
    denominator_minus: tuple[str, ...] = ()  # ... minus these

    @property
    def formula(self) -> str:
        den = " + ".join(self.denominator) + "".join(f" - {k}" for k in self.denominator_minus)
        den = f"({den})" if len(self.denominator) + len(self.denominator_minus) > 1 else den
        num = " + ".join(self.numerator)
        num = f"({num})" if len(self.numerator) > 1 else num
        return f"{num} / {den}"

    @property
    def missing(self) -> str:
        return "a cell of the formula is not a number, or the denominator is 0"

    def compute(self, value: Callable[[str], Number | None]) -> float | None:
        parts = [value(k) for k in (*self.numerator, *self.denominator, *self.denominator_minus)]
        if any(p is None for p in parts):
            return None
        num = sum(value(k) or 0 for k in self.numerator)
        den = sum(value(k) or 0 for k in self.denominator) - sum(value(k) or 0 for k in self.denominator_minus)
        return num / den if den else None


INDICATORS: tuple[Indicator, ...] = (
    Indicator(
        "disclosure_rate",
        "公开率（予以公开+部分公开）",
        "Share of the requests decided this year that were disclosed in full or in part.",
        ("table3.granted.total", "table3.partially_granted.total"),
        ("table3.results_total.total",),
    ),
    Indicator(
        "denial_rate",
        "不予公开率",
        "Share of the requests decided this year that were refused (the eight 不予公开 grounds).",
        _DENIED,
        ("table3.results_total.total",),
    ),
    Indicator(
        "review_correction_rate",
        "行政复议纠错率",
        "Share of the administrative reviews concluded this year whose result was corrected (pending ones are "
        "not concluded, so not counted).",
        ("table4.review.corrected",),
        ("table4.review.total",),
        ("table4.review.pending",),
    ),
)
