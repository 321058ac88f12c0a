"""Seeded synthetic reports with known values, for tests, benchmarks and ``extractor eval --synthetic``.

The bundled documents are almost all zeros; this is how non-zero tables in every layout get tested.
"""

from .doc import SyntheticDoc
from .render import ALL_LAYOUTS, DAMAGED_LAYOUTS, LAYOUTS, generate, render_report
from .series import Series, generate_series
from .values import RULES, TableValues, break_rule, draw_values

__all__ = [
    "ALL_LAYOUTS",
    "DAMAGED_LAYOUTS",
    "LAYOUTS",
    "RULES",
    "Series",
    "SyntheticDoc",
    "TableValues",
    "break_rule",
    "draw_values",
    "generate",
    "generate_series",
    "render_report",
]
