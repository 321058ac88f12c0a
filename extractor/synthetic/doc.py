"""A generated report and the writer that records where each of its parts lands."""

from __future__ import annotations

from dataclasses import dataclass, field

from ..types import Format, Number, PlatformKind
from .values import TableValues


@dataclass
class SyntheticDoc:
    """A generated report and everything that is true about it."""

    text: str
    layout: str
    seed: int
    values: TableValues
    cells: dict[str, tuple[str, tuple[int, int]]] = field(default_factory=dict)  # path -> (raw, span)
    problems: list[str] = field(default_factory=list)
    improvements: list[str] = field(default_factory=list)
    platforms: list[tuple[str, PlatformKind]] = field(default_factory=list)
    fee: Number | None = None
    year: int = 2024
    organ: str = ""
    # Where each table grid was printed in ``text``, with its cells as printed: renderers to HTML, DOCX and
    # PDF lay the same report out as real tables (synthetic/files.py).
    tables: list[tuple[int, int, list[list[str]]]] = field(default_factory=list)

    @property
    def formats(self) -> tuple[Format, Format]:
        return self.values.fmt2, self.values.fmt3


class Writer:
    """Appends text and returns each piece's span. ``one_line`` drops every line break, as crawlers that
    flatten a page to one line of text do."""

    def __init__(self, one_line: bool = False) -> None:
        self.parts: list[str] = []
        self.pos = 0
        self.one_line = one_line

    def write(self, s: str) -> tuple[int, int]:
        if self.one_line:
            s = s.replace("\n", "")
        start = self.pos
        self.parts.append(s)
        self.pos += len(s)
        return start, self.pos

    def text(self) -> str:
        return "".join(self.parts)


def format_value(v: Number | None, path: str, blank: str) -> str:
    if v is None:
        return blank
    if path.endswith("total_amount"):
        return f"{v:.2f}元"
    if isinstance(v, float):
        return f"{v:.2f}"
    return str(v)
