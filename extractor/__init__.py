"""extractor: checked, grounded JSON from 政府信息公开工作年度报告.

The Python API (``extractor.api``) is loaded on first use, so ``import extractor`` stays cheap for the
command line and for code that imports one module.
"""

from __future__ import annotations

import time
from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

# when this package's code first ran (the ``extractor`` command's start, but for the interpreter's own ~30 ms):
# the process's start would be the shell's when a shell execs the command last in ``a && b && extractor …``
IMPORTED_AT = time.monotonic()

__all__ = [
    "CrossYearFinding",
    "ExtractorError",
    "FailureRecord",
    "InputError",
    "RecordError",
    "Report",
    "__version__",
    "check_across_years",
    "codebook",
    "extract",
    "extract_text",
    "read_records",
    "to_frame",
]

if TYPE_CHECKING:
    from .api import check_across_years, codebook, extract, extract_text, read_records, to_frame
    from .errors import ExtractorError, InputError, RecordError
    from .schema import CrossYearFinding, FailureRecord, Report

_LAZY = {
    "check_across_years": "api",
    "codebook": "api",
    "extract": "api",
    "extract_text": "api",
    "read_records": "api",
    "to_frame": "api",
    "ExtractorError": "errors",
    "InputError": "errors",
    "RecordError": "errors",
    "CrossYearFinding": "schema",
    "FailureRecord": "schema",
    "Report": "schema",
}


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'extractor' has no attribute {name!r}")
    from importlib import import_module

    value = getattr(import_module(f".{module}", __name__), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))
