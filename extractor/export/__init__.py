"""Research-ready tables from extracted records: long / wide / panel exports, the codebook, indicators.

pandas, pyarrow and openpyxl are imported only when a file or frame is written (the ``[export]`` extra).
"""

from .columns import SHEETS, Column, sheet_columns
from .run import SHAPES, ExportResult, Shape, export_file, shape_sheets

__all__ = ["SHAPES", "SHEETS", "Column", "ExportResult", "Shape", "export_file", "shape_sheets", "sheet_columns"]
