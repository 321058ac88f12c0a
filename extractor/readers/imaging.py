"""Page images before OCR: straighten a slightly skewed scan, and find the ruled tables on it.

Scans come a degree or so off; straightening first keeps every text box and ruling line axis-aligned, so
rows and columns can be told by coordinates alone. Ruled tables are found from their lines (OpenCV
morphology keeps long thin runs of ink), and a merged cell is told by the absence of the line between two
grid positions, exactly as a PDF's vector lines tell pdfplumber. OpenCV comes with the ``[ocr]`` extra.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import numpy as np
    from numpy.typing import NDArray

    Gray = NDArray[np.uint8]

_MAX_SKEW = 2.0  # degrees; a scan further off than this is left as it is


@dataclass(frozen=True, slots=True)
class TableGrid:
    """A ruled table: the x of each column line, the y of each row line, and its cells as
    (row, col, rowspan, colspan) in grid positions; a merged cell covers several positions."""

    xs: tuple[float, ...]
    ys: tuple[float, ...]
    cells: tuple[tuple[int, int, int, int], ...]

    @property
    def bbox(self) -> tuple[float, float, float, float]:
        return self.xs[0], self.ys[0], self.xs[-1], self.ys[-1]


def _ink(gray: Gray) -> Gray:
    """Dark pixels as 255 (Otsu's threshold, tolerant of grey paper and faded toner)."""
    import cv2

    _, binary = cv2.threshold(gray, 0, 255, cv2.THRESH_BINARY_INV | cv2.THRESH_OTSU)
    return binary  # type: ignore[return-value]


def _rotate(gray: Gray, angle: float) -> Gray:
    import cv2

    h, w = gray.shape
    matrix = cv2.getRotationMatrix2D((w / 2, h / 2), angle, 1.0)
    return cv2.warpAffine(gray, matrix, (w, h), flags=cv2.INTER_LINEAR, borderValue=255)  # type: ignore[return-value]


def skew_angle(gray: Gray) -> float:
    """The rotation (degrees, counter-clockwise) that makes text lines and table rules horizontal: the angle
    whose row profile of ink is sharpest, searched on a half-size copy and refined by a parabola."""
    import cv2
    import numpy as np

    half = cv2.resize(gray, (gray.shape[1] // 2, gray.shape[0] // 2), interpolation=cv2.INTER_AREA)
    small = _ink(np.asarray(half, dtype=np.uint8))
    if not small.any():
        return 0.0

    def sharpness(angle: float) -> float:
        profile = _rotate(small, angle).sum(axis=1, dtype=np.float64)
        return float(np.square(np.diff(profile)).sum())

    step = 0.1
    angles = np.arange(-_MAX_SKEW, _MAX_SKEW + step / 2, step)
    scores = [sharpness(float(a)) for a in angles]
    best = int(np.argmax(scores))
    if 0 < best < len(angles) - 1:
        left, mid, right = scores[best - 1 : best + 2]
        denom = left - 2 * mid + right
        offset = 0.5 * (left - right) / denom if denom else 0.0
        return float(angles[best] + offset * step)
    return float(angles[best])


def deskew(gray: Gray) -> tuple[Gray, float]:
    """The straightened page and the angle it was turned by (0 when it was straight enough already)."""
    angle = skew_angle(gray)
    if abs(angle) < 0.05:
        return gray, 0.0
    return _rotate(gray, angle), round(angle, 3)


def _lines(ink: Gray, horizontal: bool, length: int) -> list[tuple[int, int, int, int]]:
    """Bounding boxes (x, y, w, h) of runs of ink at least ``length`` long in one direction."""
    import cv2

    kernel = cv2.getStructuringElement(cv2.MORPH_RECT, (length, 1) if horizontal else (1, length))
    mask = cv2.morphologyEx(ink, cv2.MORPH_OPEN, kernel)
    mask = cv2.dilate(mask, cv2.getStructuringElement(cv2.MORPH_RECT, (3, 3)))
    count, _, stats, _ = cv2.connectedComponentsWithStats(mask, connectivity=8)
    return [tuple(int(v) for v in stats[i][:4]) for i in range(1, count)]  # type: ignore[misc]


def _cluster(values: list[float], gap: float) -> list[float]:
    """Positions closer than ``gap`` are one line (its mean)."""
    out: list[list[float]] = []
    for v in sorted(values):
        if out and v - out[-1][-1] <= gap:
            out[-1].append(v)
        else:
            out.append([v])
    return [sum(group) / len(group) for group in out]


def find_tables(gray: Gray, text_height: float) -> list[TableGrid]:
    """The ruled tables on a straightened page. ``text_height`` (the median OCR box height) sets how long a
    run of ink must be to count as a rule rather than a character stroke."""
    import numpy as np

    ink = _ink(gray)
    h, w = ink.shape
    horizontal = _lines(ink, True, max(int(w / 30), int(4 * text_height)))
    vertical = _lines(ink, False, max(int(1.6 * text_height), 12))
    tables: list[TableGrid] = []
    for x0, y0, x1, y1 in _regions(horizontal, vertical, w, h):
        ys = _cluster([y + hh / 2 for x, y, ww, hh in horizontal if x < x1 and x + ww > x0 and y0 <= y <= y1], 4)
        xs = _cluster([x + ww / 2 for x, y, ww, hh in vertical if y < y1 and y + hh > y0 and x0 <= x <= x1], 4)
        if len(xs) < 3 or len(ys) < 2:
            continue  # a box or a rule, not a table
        tables.append(TableGrid(tuple(xs), tuple(ys), _cells(ink, xs, ys, np)))
    return tables


def _regions(
    horizontal: list[tuple[int, int, int, int]], vertical: list[tuple[int, int, int, int]], w: int, h: int
) -> list[tuple[float, float, float, float]]:
    """Tables as groups of rules that touch: the union of overlapping rule boxes, grown a little."""
    boxes = [(x - 3, y - 3, x + ww + 3, y + hh + 3) for x, y, ww, hh in (*horizontal, *vertical)]
    merged: list[list[float]] = []
    for box in sorted(boxes, key=lambda b: (b[1], b[0])):
        for m in merged:
            if box[0] <= m[2] and box[2] >= m[0] and box[1] <= m[3] and box[3] >= m[1]:
                m[0], m[1], m[2], m[3] = min(m[0], box[0]), min(m[1], box[1]), max(m[2], box[2]), max(m[3], box[3])
                break
        else:
            merged.append(list(box))
    changed = True
    while changed:  # two groups grown into each other are one table
        changed = False
        for i in range(len(merged)):
            for j in range(i + 1, len(merged)):
                a, b = merged[i], merged[j]
                if a[0] <= b[2] and a[2] >= b[0] and a[1] <= b[3] and a[3] >= b[1]:
                    a[:] = [min(a[0], b[0]), min(a[1], b[1]), max(a[2], b[2]), max(a[3], b[3])]
                    del merged[j]
                    changed = True
                    break
            if changed:
                break
    return [(a, b, c, d) for a, b, c, d in merged if c - a > w / 8 and d - b > 10]


def _has_rule(ink: Gray, fixed: float, start: float, end: float, vertical: bool) -> bool:
    """Is there a rule at ``fixed`` (x for a vertical one) between ``start`` and ``end``? Looks at a band
    of 5 pixels, ignoring the ends where the crossing rules are."""
    lo, hi = int(start) + 3, int(end) - 2
    if hi <= lo:
        return True
    f = round(fixed)
    band = ink[lo:hi, max(f - 2, 0) : f + 3] if vertical else ink[max(f - 2, 0) : f + 3, lo:hi]
    covered = band.max(axis=1 if vertical else 0)
    return bool((covered > 0).mean() >= 0.6)


def _cells(ink: Gray, xs: list[float], ys: list[float], np) -> tuple[tuple[int, int, int, int], ...]:  # type: ignore[no-untyped-def]
    """Grid positions joined where no rule separates them (union-find), as (row, col, rowspan, colspan)."""
    rows, cols = len(ys) - 1, len(xs) - 1
    parent = list(range(rows * cols))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for r in range(rows):
        for c in range(cols):
            if c + 1 < cols and not _has_rule(ink, xs[c + 1], ys[r], ys[r + 1], vertical=True):
                parent[find(r * cols + c + 1)] = find(r * cols + c)
            if r + 1 < rows and not _has_rule(ink, ys[r + 1], xs[c], xs[c + 1], vertical=False):
                parent[find((r + 1) * cols + c)] = find(r * cols + c)
    groups: dict[int, list[int]] = {}
    for i in range(rows * cols):
        groups.setdefault(find(i), []).append(i)
    out = []
    for members in groups.values():
        rs = [i // cols for i in members]
        cs = [i % cols for i in members]
        out.append((min(rs), min(cs), max(rs) - min(rs) + 1, max(cs) - min(cs) + 1))
    return tuple(sorted(out))


def ink(gray: Gray) -> Gray:
    """Dark pixels of a page as 255."""
    return _ink(gray)


def cell_ink(ink_page: Gray, table: TableGrid) -> list[tuple[int, int, int, int] | None]:
    """Per cell of ``table`` (in ``table.cells`` order), the bounding box of the ink inside it, away from
    its rules, or None for an empty cell. Specks of scanner noise and the ends of rules are ignored."""
    import cv2

    out: list[tuple[int, int, int, int] | None] = []
    for r, c, rs, cs in table.cells:
        x0, y0 = int(table.xs[c]) + 4, int(table.ys[r]) + 4
        x1, y1 = int(table.xs[c + cs]) - 3, int(table.ys[r + rs]) - 3
        if x1 - x0 < 3 or y1 - y0 < 3:
            out.append(None)
            continue
        count, _, stats, _ = cv2.connectedComponentsWithStats(ink_page[y0:y1, x0:x1], connectivity=8)
        boxes = [
            (int(x), int(y), int(x + w), int(y + h))
            for x, y, w, h, area in stats[1:count]
            if area >= 3 and not (w >= 0.8 * (x1 - x0) and h <= 3) and not (h >= 0.8 * (y1 - y0) and w <= 3)
        ]
        if not boxes:
            out.append(None)
            continue
        out.append(
            (
                x0 + min(b[0] for b in boxes),
                y0 + min(b[1] for b in boxes),
                x0 + max(b[2] for b in boxes),
                y0 + max(b[3] for b in boxes),
            )
        )
    return out
