"""Tables as tab-separated text: one line per row, one cell per tab; a merged cell keeps its text in its first
position and leaves the positions it covers empty, so every row has the table's full width.

Word-made tables often carry grid columns that only the header uses (a header cell split where the data is
not, an empty spacer cell under 自然人) or that only a header-free span covers (a data cell with
``colspan="2"`` over one data column). Rendered as they are, such a row shows an empty position between its
numbers, which reads as a blank cell. ``data_grid`` first drops those columns: the data rows decide where the
table's columns are.
"""

from __future__ import annotations

import re

_SPACE = re.compile(r"\s+")
# A data cell: a number (with a unit), or a printed blank sign. A row holding one is a data row.
_DATA = re.compile(r"[+-]?\d[\d,]*(?:\.\d+)?(?:万元|元|件|个|项|条|次)?")

RawRows = list[list[tuple[str, int, int]]]  # (text, rowspan, colspan) per cell, as HTML and DOCX give them


def cell_text(text: str) -> str:
    return _SPACE.sub(" ", text).strip()


def render(grid: list[list[str]]) -> str:
    width = max((len(r) for r in grid), default=0)
    return "\n".join("\t".join(cell_text(c) for c in [*row, *[""] * (width - len(row))]) for row in grid)


class _Placed:
    """Where each cell of the rows lands in the grid."""

    def __init__(self, rows: RawRows) -> None:
        self.height = len(rows)
        self.text: dict[tuple[int, int], str] = {}  # every grid position -> its text ("" where covered)
        self.start: dict[tuple[int, int], tuple[int, int]] = {}  # every grid position -> where its cell starts
        for r, row in enumerate(rows):
            c = 0
            for text, rowspan, colspan in row:
                while (r, c) in self.text:
                    c += 1
                for dr in range(max(rowspan, 1)):
                    for dc in range(max(colspan, 1)):
                        self.text[(r + dr, c + dc)] = text if dr == 0 and dc == 0 else ""
                        self.start[(r + dr, c + dc)] = (r, c)
                c += max(colspan, 1)
        self.width = max((c for _, c in self.text), default=-1) + 1

    def grid(self) -> list[list[str]]:
        return [[self.text.get((r, c), "") for c in range(self.width)] for r in range(self.height)]


def expand(rows: RawRows) -> list[list[str]]:
    """Rows of (text, rowspan, colspan) cells into a full grid."""
    return _Placed(rows).grid()


def _is_data(text: str) -> bool:
    return _DATA.fullmatch(cell_text(text)) is not None


def _kept_columns(rows: RawRows, placed: _Placed) -> list[int]:
    """Grid columns that are columns of the table. Dropped: a column whose every cell is empty (a spacer), and
    one where no cell of a data row starts because a data cell of each data row spans over it (a value cell
    with colspan="2"); a column that a row label spans over is kept (its values may be blank)."""
    data_rows = [r for r, row in enumerate(rows) if any(_is_data(t) for t, _, _ in row)]
    origin = {start: placed.text[start] for start in placed.start.values()}
    kept = []
    for c in range(placed.width):
        starts = [(r, c) for r in range(placed.height) if placed.start.get((r, c)) == (r, c)]
        if not any(cell_text(origin[s]) for s in starts):
            continue
        covering = [placed.start.get((r, c)) for r in data_rows]
        spanned = data_rows and all(
            s is not None and s[1] < c and (_is_data(origin[s]) or not cell_text(origin[s])) for s in covering
        )
        if not spanned:
            kept.append(c)
    return kept if kept else list(range(placed.width))


def data_grid(rows: RawRows) -> list[list[str]]:
    """The grid with the columns only headers or spans make dropped (see the module docstring). A header cell
    that starts in a dropped column keeps its text, moved to the kept column on its left."""
    placed = _Placed(rows)
    kept = _kept_columns(rows, placed)
    if len(kept) == placed.width:
        return placed.grid()
    index = {}  # grid column -> the kept column (its index) it folds into
    current = 0
    for c in range(placed.width):
        if c in kept:
            current = kept.index(c)
        index[c] = current
    out: list[list[str]] = []
    for r in range(placed.height):
        line = [""] * len(kept)
        for c in range(placed.width):
            text = placed.text.get((r, c), "")
            if text:
                i = index[c]
                line[i] = f"{line[i]} {text}" if line[i] else text
        out.append(line)
    return out
