"""Tables as tab-separated text: one line per row, one cell per tab; a merged cell keeps its text in its first
position and leaves the positions it covers empty, so every row has the table's full width."""

from __future__ import annotations

import re

_SPACE = re.compile(r"\s+")


def cell_text(text: str) -> str:
    return _SPACE.sub(" ", text).strip()


def render(grid: list[list[str]]) -> str:
    width = max((len(r) for r in grid), default=0)
    return "\n".join("\t".join(cell_text(c) for c in [*row, *[""] * (width - len(row))]) for row in grid)


def expand(rows: list[list[tuple[str, int, int]]]) -> list[list[str]]:
    """Rows of (text, rowspan, colspan) cells, as HTML and DOCX give them, into a full grid."""
    taken: dict[tuple[int, int], str] = {}
    for r, row in enumerate(rows):
        c = 0
        for text, rowspan, colspan in row:
            while (r, c) in taken:
                c += 1
            for dr in range(max(rowspan, 1)):
                for dc in range(max(colspan, 1)):
                    taken[(r + dr, c + dc)] = text if dr == 0 and dc == 0 else ""
            c += max(colspan, 1)
    height = len(rows)
    width = max((c for _, c in taken), default=-1) + 1
    return [[taken.get((r, c), "") for c in range(width)] for r in range(height)]
