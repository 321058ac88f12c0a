"""Seeded synthetic reports with known values, for tests, benchmarks and ``extractor eval --synthetic``.

The bundled documents are almost all zeros; this is how non-zero tables in every layout get tested.
"""

from .render import LAYOUTS, SyntheticDoc, generate, render_report
from .values import RULES, TableValues, break_rule, draw_values

__all__ = ["LAYOUTS", "RULES", "SyntheticDoc", "TableValues", "break_rule", "draw_values", "generate", "render_report"]
