"""Text boxes on a straightened page, fitted to what is printed before they are read: duplicates dropped, a
line widened over ink the detector left out, the boxes of a ruled cell taken from the cell's own lines of
ink, and a minus sign the recogniser reads past recovered from its bar. Geometry on the ink image (OpenCV,
numpy); the recogniser itself is in ``ocr.py``."""

from __future__ import annotations

import re
from itertools import pairwise
from typing import Any

from .imaging import TableGrid
from .layout import Word

Box = tuple[float, float, float, float]
NUMBER = re.compile(r"\d+(?:\.\d+)?")  # a reading that is a number (signs are found apart, from the ink)


def dedupe(boxes: list[Box]) -> list[Box]:
    """The detector now and then boxes one line twice (a thin box inside a full one): keep the larger of two
    boxes that overlap by most of the smaller, or the line is read twice."""

    def area(b: Box) -> float:
        return max(b[2] - b[0], 0.0) * max(b[3] - b[1], 0.0)

    kept: list[Box] = []
    for b in sorted(boxes, key=area, reverse=True):
        if not any(
            max(min(b[2], k[2]) - max(b[0], k[0]), 0.0) * max(min(b[3], k[3]) - max(b[1], k[1]), 0.0) > 0.6 * area(b)
            for k in kept
            if abs((b[1] + b[3]) - (k[1] + k[3])) < (k[3] - k[1])
        ):
            kept.append(b)
    return kept


def _bar_apart(marks: list[tuple[int, ...]]) -> float | None:
    """x-centre of a minus sign standing apart: the leftmost mark, if it is a short flat bar level with the
    middle of the digits to its right."""
    if len(marks) < 2:
        return None
    (bx, by, bw, bh, _), rest = marks[0], marks[1:]
    top = min(m[1] for m in rest)
    digit = max(m[1] + m[3] for m in rest) - top
    middle = by + bh / 2
    flat = bw >= 2 and bw >= 1.5 * bh and bh <= max(2, 0.25 * digit) and bw <= 0.8 * digit
    level = top + 0.3 * digit <= middle <= top + 0.75 * digit
    return bx + bw / 2 if flat and level and bx + bw <= min(m[0] for m in rest) else None


def _bar_joined(glyph: Any) -> float | None:
    """x-centre of a minus sign that touches its digit (the sign and a 4's crossbar run together at 150 dpi):
    the glyph's leftmost columns are a stub one or two pixels thick, level with its middle, at least three
    pixels and a third of the digit's height long. No plain digit starts so (measured: at most 1 pixel)."""
    import numpy as np

    rows, cols = np.flatnonzero(glyph.any(axis=1)), np.flatnonzero(glyph.any(axis=0))
    if len(rows) < 3 or len(cols) < 3:
        return None
    top, height = rows[0], rows[-1] - rows[0] + 1
    run = 0
    for c in range(cols[0], cols[-1] + 1):
        inked = np.flatnonzero(glyph[:, c])
        if len(inked) == 0 or inked[-1] - inked[0] > 1 or not top + 0.3 * height <= inked.mean() <= top + 0.75 * height:
            break
        run += 1
    return cols[0] + run / 2 if run >= max(3, height / 3) and run < len(cols) - 2 else None


def minus_sign(word: Word, ink_page: Any) -> Word:
    """A number in a table cell with a minus sign the recogniser dropped (at this size the sign is a bar two
    to four pixels long, which it reads past), found from the ink: a flat bar beside the digits, or one
    joined to the first digit's side."""
    import cv2

    if not NUMBER.fullmatch(word.text):
        return word
    x0, y0, x1, y1 = int(word.x0), int(word.y0), int(word.x1) + 1, int(word.y1) + 1
    count, labels, stats, _ = cv2.connectedComponentsWithStats(ink_page[y0:y1, x0:x1], connectivity=8)
    ids = sorted((k for k in range(1, count) if stats[k][4] >= 2), key=lambda k: stats[k][0])
    if not ids:
        return word
    found = _bar_apart([tuple(int(v) for v in stats[k]) for k in ids]) or _bar_joined(labels == ids[0])
    if found is None:
        return word
    return Word(
        "-" + word.text,
        word.x0,
        word.y0,
        word.x1,
        word.y1,
        (x0 + float(found), *word.centres),
        (min(word.scores), *word.scores),
    )


def _single_line(boxes: list[Box]) -> bool:
    return all(min(a[3], b[3]) - max(a[1], b[1]) >= 0.5 * min(a[3] - a[1], b[3] - b[1]) for a in boxes for b in boxes)


def _cell_members(boxes: list[Box], table: TableGrid) -> dict[int, list[int]]:
    """Index of the boxes whose centre lies in each cell of ``table``."""
    members: dict[int, list[int]] = {}
    for i, b in enumerate(boxes):
        cx, cy = (b[0] + b[2]) / 2, (b[1] + b[3]) / 2
        for k, (r, c, rs, cs) in enumerate(table.cells):
            if table.xs[c] <= cx <= table.xs[c + cs] and table.ys[r] <= cy <= table.ys[r + rs]:
                members.setdefault(k, []).append(i)
                break
    return members


def ink_lines(ink_page: Any, box: tuple[int, int, int, int], glyph: float) -> list[Box]:
    """The text lines of a cell's ink: as many as its height holds glyphs (with leading), cut at the
    emptiest rows near the even divisions. A narrow header cell prints 总计 as 总 over 计."""
    import numpy as np

    x0, y0, x1, y1 = box
    h = y1 - y0
    n = max(1, round(h / (1.2 * glyph))) if glyph else 1
    if n == 1:
        return [(float(x0), float(y0), float(x1), float(y1))]
    patch = ink_page[y0:y1, x0:x1] > 0
    rows = patch.sum(axis=1)
    cuts = [0]
    for k in range(1, n):
        lo = max(int(k * h / n - glyph / 3), cuts[-1] + 1)
        hi = min(int(k * h / n + glyph / 3), h - 1)
        cuts.append(lo + int(np.argmin(rows[lo : hi + 1])) if hi >= lo else lo)
    cuts.append(h)
    lines = []
    for top, bottom in pairwise(cuts):
        part = patch[top:bottom]
        cols, inked = np.flatnonzero(part.any(axis=0)), np.flatnonzero(part.any(axis=1))
        if len(cols) and len(inked):
            lines.append(
                (
                    float(x0 + cols[0]),
                    float(y0 + top + inked[0]),
                    float(x0 + cols[-1] + 1),
                    float(y0 + top + inked[-1] + 1),
                )
            )
    return lines


def fit_to_cells(boxes: list[Box], tables: list[TableGrid], ink_page: Any) -> list[Box]:
    """Boxes inside ruled cells, taken from the cell's ink where that is safer than the detector's: one box
    around each line of ink (at this size the detector clips a leading 一 or minus sign or a trailing dot,
    and boxes two stacked characters as one), and a box for a cell with ink but none (a lone digit the
    detector missed). Where the detector found the same number of separate lines, its boxes are kept."""
    from .imaging import cell_ink

    out = list(boxes)
    for table in tables:
        members = _cell_members(out, table)
        inks = cell_ink(ink_page, table)
        heights = sorted(f[3] - f[1] for f in inks if f is not None)
        glyph = float(heights[len(heights) // 2]) if heights else 0.0
        drop: set[int] = set()
        added: list[Box] = []
        for k, found in enumerate(inks):
            if found is None:
                continue
            mine = [out[i] for i in members.get(k, [])]
            lines = ink_lines(ink_page, found, glyph)
            if mine and not _single_line(mine) and (len(lines) == 1 or len(mine) == len(lines)):
                continue  # the detector saw the lines apart: trust it
            drop.update(members.get(k, []))
            for x0, y0, x1, y1 in lines:
                pad = max(2.0, 0.2 * (y1 - y0))
                added.append((x0 - pad, y0 - pad, x1 + pad, y1 + pad))
        out = [b for i, b in enumerate(out) if i not in drop] + added
    return out


def extend_to_ink(boxes: list[Box], tables: list[TableGrid], ink_page: Any) -> list[Box]:
    """Lines outside tables, widened over ink the detector left out on the same line (a heading's leading
    三、 stands apart after its wide 、), up to a gap of twice the line's height and never into another box."""
    out = []
    in_table = [
        any(t.bbox[0] <= (b[0] + b[2]) / 2 <= t.bbox[2] and t.bbox[1] <= (b[1] + b[3]) / 2 <= t.bbox[3] for t in tables)
        for b in boxes
    ]
    for i, (x0, y0, x1, y1) in enumerate(boxes):
        h = y1 - y0
        if in_table[i] or h < 4:
            out.append((x0, y0, x1, y1))
            continue
        others = [b for j, b in enumerate(boxes) if j != i and min(b[3], y1) - max(b[1], y0) > 0.3 * h]
        middle = (x0 + x1) / 2  # a box overlapping this one (三、 boxed apart, but touching) still bounds it
        left_stop = max((b[2] for b in others if (b[0] + b[2]) / 2 < middle), default=0.0)
        right_stop = min((b[0] for b in others if (b[0] + b[2]) / 2 > middle), default=float(ink_page.shape[1]))
        cols = ink_page[int(y0 + 0.25 * h) : int(y1 - 0.25 * h) + 1].any(axis=0)
        new_x0, new_x1 = x0, x1
        gap = 0
        for x in range(int(x0) - 1, int(left_stop), -1):
            gap = 0 if cols[x] else gap + 1
            if gap > 2 * h:
                break
            if cols[x]:
                new_x0 = x - 0.2 * h
        gap = 0
        for x in range(int(x1) + 1, int(right_stop)):
            gap = 0 if cols[x] else gap + 1
            if gap > 2 * h:
                break
            if cols[x]:
                new_x1 = x + 0.2 * h
        out.append((min(x0, max(new_x0, left_stop)), y0, max(x1, min(new_x1, right_stop)), y1))
    return out


def in_table(word: Word, tables: list[TableGrid]) -> bool:
    cx, cy = (word.x0 + word.x1) / 2, (word.y0 + word.y1) / 2
    return any(t.bbox[0] <= cx <= t.bbox[2] and t.bbox[1] <= cy <= t.bbox[3] for t in tables)
