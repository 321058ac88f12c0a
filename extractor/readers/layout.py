"""Rebuild a page's text from OCR boxes: text lines in reading order, and each ruled table as a
tab-separated grid in which a blank cell stays an empty field and a merged cell keeps its text in its first
position (the convention of ``grid.py``), so the table parser reads a scan exactly as a PDF text layer.

Pure geometry on the boxes the OCR engine returned and the grids ``imaging.find_tables`` found: no image
and no OCR library is needed here, so it is tested on hand-placed boxes. Boxes are never flattened into one
line across a table: each character goes to the cell its centre lies in.
"""

from __future__ import annotations

from dataclasses import dataclass
from itertools import pairwise

from .imaging import TableGrid


@dataclass(frozen=True, slots=True)
class Word:
    """A text box from the OCR engine on the straightened page, with each character's x-centre (for
    splitting a box that straddles a column rule) and confidence."""

    text: str
    x0: float
    y0: float
    x1: float
    y1: float
    centres: tuple[float, ...]
    scores: tuple[float, ...]

    @property
    def height(self) -> float:
        return self.y1 - self.y0


@dataclass(frozen=True, slots=True)
class Piece:
    """Part of a block's text that came from one box: ``text[offset:offset + length]``."""

    offset: int
    length: int
    box: tuple[int, int, int, int]
    confidence: float


@dataclass(frozen=True, slots=True)
class Block:
    """A line of text or a whole table (rows joined by newlines), with where each piece came from."""

    top: float
    text: str
    pieces: tuple[Piece, ...]


def _fragment(word: Word, keep: list[int]) -> Word:
    """The characters ``keep`` (consecutive indices) of ``word`` as a word of their own."""
    n = len(word.text)
    width = (word.x1 - word.x0) / max(n, 1)
    cs = [word.centres[i] for i in keep]
    return Word(
        "".join(word.text[i] for i in keep),
        max(word.x0, cs[0] - width / 2),
        word.y0,
        min(word.x1, cs[-1] + width / 2),
        word.y1,
        tuple(cs),
        tuple(word.scores[i] for i in keep),
    )


def _split(word: Word, cuts: list[float]) -> list[Word]:
    """``word`` cut at the x positions ``cuts`` (column rules it straddles), spaces at the cuts dropped."""
    groups: dict[int, list[int]] = {}
    for i, x in enumerate(word.centres):
        groups.setdefault(sum(1 for c in cuts if x > c), []).append(i)
    out = []
    for _, keep in sorted(groups.items()):
        while keep and word.text[keep[0]].isspace():
            keep = keep[1:]
        while keep and word.text[keep[-1]].isspace():
            keep = keep[:-1]
        if keep:
            out.append(_fragment(word, keep))
    return out


def _lines(words: list[Word]) -> list[list[Word]]:
    """Words grouped into lines by vertical overlap (at least half the smaller height), each line left to
    right, lines top to bottom."""
    lines: list[list[Word]] = []
    spans: list[tuple[float, float]] = []
    for w in sorted(words, key=lambda w: (w.y0 + w.y1) / 2):
        for i in range(len(lines) - 1, max(len(lines) - 4, -1), -1):
            top, bottom = spans[i]
            overlap = min(bottom, w.y1) - max(top, w.y0)
            if overlap >= 0.5 * min(bottom - top, w.height):
                lines[i].append(w)
                spans[i] = (min(top, w.y0), max(bottom, w.y1))
                break
        else:
            lines.append([w])
            spans.append((w.y0, w.y1))
    order = sorted(range(len(lines)), key=lambda i: spans[i][0])
    return [sorted(lines[i], key=lambda w: w.x0) for i in order]


def _glue(left: str, right: str, gap: float, height: float) -> str:
    """What goes between two pieces of text: nothing inside Chinese text or a wrapped cell, a space between
    Latin words or numbers, or across a wide gap on one line."""
    if not left or not right:
        return ""
    if gap > 1.2 * height:
        return " "
    return " " if left[-1].isascii() and left[-1].isalnum() and right[0].isascii() and right[0].isalnum() else ""


class _Text:
    """Text assembled piece by piece, remembering each piece's offset, box and confidence."""

    def __init__(self) -> None:
        self.parts: list[str] = []
        self.pieces: list[Piece] = []
        self.length = 0

    def add(self, s: str, word: Word | None = None) -> None:
        if word is not None and s:
            box = (round(word.x0), round(word.y0), round(word.x1), round(word.y1))
            self.pieces.append(Piece(self.length, len(s), box, min(word.scores, default=1.0)))
        self.parts.append(s)
        self.length += len(s)

    def text(self) -> str:
        return "".join(self.parts)


def _write_words(out: _Text, words: list[Word], wrap: bool) -> None:
    """Words as lines; wrapped lines (inside a cell) are joined, else the lines are kept apart."""
    prev: Word | None = None
    for line in _lines(words):
        for w in line:
            if prev is not None:
                same_line = any(prev is x for x in line)
                gap = w.x0 - prev.x1 if same_line else 0.0
                out.add(_glue(prev.text, w.text, gap, w.height) if same_line or wrap else "\n")
            out.add(w.text, w)
            prev = w


def _table_block(table: TableGrid, words: list[Word]) -> Block:
    rows, cols = len(table.ys) - 1, len(table.xs) - 1
    owner = {}  # grid position -> index of the cell covering it
    for k, (r, c, rs, cs) in enumerate(table.cells):
        for dr in range(rs):
            for dc in range(cs):
                owner[(r + dr, c + dc)] = k
    contents: dict[int, list[Word]] = {}
    for w in words:
        cy = (w.y0 + w.y1) / 2
        r = min(max(sum(1 for y in table.ys[1:-1] if cy > y), 0), rows - 1)
        for part in _split(w, [x for x in table.xs[1:-1] if w.x0 < x < w.x1]):
            cx = (part.x0 + part.x1) / 2
            c = min(max(sum(1 for x in table.xs[1:-1] if cx > x), 0), cols - 1)
            contents.setdefault(owner[(r, c)], []).append(part)
    out = _Text()
    for r in range(rows):
        if r:
            out.add("\n")
        for c in range(cols):
            if c:
                out.add("\t")
            k = owner[(r, c)]
            first = table.cells[k][:2] == (r, c)
            if first and k in contents:
                _write_words(out, contents[k], wrap=True)
    return Block(table.ys[0], out.text(), tuple(out.pieces))


def _segments(line: list[Word]) -> list[list[Word]]:
    """A line cut where the space between two boxes is wider than a character and a half: its cells, if it is
    a row of a table printed without rules."""
    out: list[list[Word]] = []
    for w in line:
        if out and w.x0 - out[-1][-1].x1 <= 1.5 * max(w.height, out[-1][-1].height):
            out[-1].append(w)
        else:
            out.append([w])
    return out


def _unruled_grid(rows: list[list[list[Word]]]) -> TableGrid:
    """A grid for consecutive lines that are rows of an unruled table: the columns are the cells of the rows
    with the most cells; a cell of another row that spans several of them (a header over two columns) is a
    merged cell, so its text is kept whole in its first position."""
    most = max(len(r) for r in rows)
    full = [r for r in rows if len(r) == most]
    columns = [(min(r[c][0].x0 for r in full), max(r[c][-1].x1 for r in full)) for c in range(most)]
    xs = [columns[0][0] - 2, *((a[1] + b[0]) / 2 for a, b in pairwise(columns))]
    xs.append(max(columns[-1][1], max(s[-1].x1 for r in rows for s in r)) + 2)
    xs[0] = min(xs[0], min(s[0].x0 for r in rows for s in r) - 2)
    tops = [min(w.y0 for s in r for w in s) for r in rows]
    bottoms = [max(w.y1 for s in r for w in s) for r in rows]
    ys = [tops[0] - 2, *((b + t) / 2 for b, t in zip(bottoms[:-1], tops[1:], strict=True)), bottoms[-1] + 2]
    cells: list[tuple[int, int, int, int]] = []
    for r, row in enumerate(rows):
        taken: set[int] = set()
        for seg in row:
            x0, x1 = seg[0].x0, seg[-1].x1
            covered = [c for c in range(most) if min(x1, xs[c + 1]) - max(x0, xs[c]) > 0.5 * (xs[c + 1] - xs[c])]
            if len(covered) > 1 and not taken & set(covered):
                cells.append((r, covered[0], 1, len(covered)))
                taken.update(covered)
        cells += [(r, c, 1, 1) for c in range(most) if c not in taken]
    return TableGrid(tuple(xs), tuple(ys), tuple(sorted(cells)))


def _unruled_tables(lines: list[list[Word]]) -> list[tuple[int, int, TableGrid]]:
    """Runs of at least three consecutive lines of two or more cells, two of them with three or more (a row
    with blank cells has fewer): (first line, end, grid)."""
    found = []
    cut = [_segments(line) for line in lines]
    i = 0
    while i < len(lines):
        j = i
        while j < len(lines) and len(cut[j]) >= 2:
            j += 1
        if j - i >= 3 and sum(1 for k in range(i, j) if len(cut[k]) >= 3) >= 2:
            found.append((i, j, _unruled_grid(cut[i:j])))
        i = max(j, i + 1)
    return found


def page_blocks(words: list[Word], tables: list[TableGrid]) -> list[Block]:
    """The page as blocks in reading order: each table whole (ruled, or told by its aligned columns), and every
    line of text outside them."""
    inside: dict[int, list[Word]] = {}
    free: list[Word] = []
    for w in words:
        cx, cy = (w.x0 + w.x1) / 2, (w.y0 + w.y1) / 2
        for i, t in enumerate(tables):
            x0, y0, x1, y1 = t.bbox
            if x0 <= cx <= x1 and y0 <= cy <= y1:
                inside.setdefault(i, []).append(w)
                break
        else:
            free.append(w)
    blocks = [_table_block(t, inside.get(i, [])) for i, t in enumerate(tables)]
    lines = _lines(free)
    in_grid: set[int] = set()
    for start, end, grid in _unruled_tables(lines):
        blocks.append(_table_block(grid, [w for line in lines[start:end] for w in line]))
        in_grid.update(range(start, end))
    for k, line in enumerate(lines):
        if k in in_grid:
            continue
        out = _Text()
        _write_words(out, line, wrap=False)
        blocks.append(Block(min(w.y0 for w in line), out.text(), tuple(out.pieces)))
    return sorted(blocks, key=lambda b: b.top)
