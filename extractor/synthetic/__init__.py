"""Seeded synthetic reports with known values, for tests, benchmarks and the eval corpus.

The bundled documents are almost all zeros; this is how non-zero tables in every layout get tested.
"""

from .doc import SyntheticDoc
from .render import ALL_LAYOUTS, DAMAGED_LAYOUTS, LAYOUTS, generate, render_report
from .values import RULES, TableValues, break_rule, draw_values

__all__ = [
    "ALL_LAYOUTS",
    "DAMAGED_LAYOUTS",
    "LAYOUTS",
    "RULES",
    "SyntheticDoc",
    "TableValues",
    "break_rule",
    "draw_values",
    "generate",
    "render_report",
]
