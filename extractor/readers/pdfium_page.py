"""A PDF page's characters and ruling lines read with PDFium (pypdfium2), as the objects pdfplumber's own table
finder and text layout take.

pdfplumber parses content streams with pdfminer, in pure Python: ~70 ms a page, most of the time of reading a
PDF. PDFium reads the same page in a few milliseconds; the characters and paths it gives are turned into
pdfplumber's dicts exactly as pdfplumber builds them from pdfminer's objects (a character's box from its
origin, advance, font descent and size; each subpath a line, a rectangle or a curve by pdfminer's rules), so
the tables and lines found from them are the ones pdfplumber finds. A page this cannot describe faithfully
(rotated, offset media box, characters not upright or without a Unicode mapping) gets ``None``, and the
caller reads the document with pdfplumber instead.
"""

from __future__ import annotations

import ctypes
import itertools
import re
from dataclasses import dataclass, field
from typing import Any

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c

Matrix = tuple[float, float, float, float, float, float]
Obj = dict[str, Any]
_IDENTITY: Matrix = (1.0, 0.0, 0.0, 1.0, 0.0, 0.0)
_SUBPATH = re.compile(r"m[^m]+")


@dataclass
class PageObjects:
    """What the reader needs of one page, in pdfplumber's coordinates (origin top left)."""

    width: float
    height: float
    chars: list[Obj] = field(default_factory=list)
    edges: list[Obj] = field(default_factory=list)
    images: int = 0
    drawn: int = 0  # lines, rectangles and curves, as pdfminer splits paths into them

    @property
    def bbox(self) -> tuple[float, float, float, float]:
        return (0.0, 0.0, self.width, self.height)


def _times(m: Matrix, n: Matrix) -> Matrix:
    """m, then n (PDF's row-vector convention)."""
    a, b, c, d, e, f = m
    p, q, r, s, t, u = n
    return (a * p + b * r, a * q + b * s, c * p + d * r, c * q + d * s, e * p + f * r + t, e * q + f * s + u)


def _matrix(obj: Any) -> Matrix:
    m = pdfium_c.FS_MATRIX()
    if not pdfium_c.FPDFPageObj_GetMatrix(obj, ctypes.byref(m)):
        return _IDENTITY
    return (m.a, m.b, m.c, m.d, m.e, m.f)


def page_objects(page: pdfium.PdfPage, doctop: float) -> PageObjects | None:
    """The page's characters, edges, images and drawn shapes; None when it must be read by pdfplumber."""
    raw = page.raw
    if pdfium_c.FPDFPage_GetRotation(raw) != 0:
        return None
    left, bottom, right, top = (ctypes.c_float() for _ in range(4))
    if not pdfium_c.FPDFPage_GetMediaBox(raw, *(ctypes.byref(v) for v in (left, bottom, right, top))):
        return None
    if left.value != 0 or bottom.value != 0:
        return None
    out = PageObjects(width=right.value, height=top.value)
    _walk(raw, out, doctop)
    textpage = page.get_textpage()
    try:
        chars = _chars(textpage.raw, out.height, doctop)
    finally:
        textpage.close()
    if chars is None:
        return None
    out.chars = chars
    return out


def _walk(raw: Any, out: PageObjects, doctop: float) -> None:
    """Paths (as edges) and images of the page, forms included, each form's matrix applied to what it holds."""
    stack: list[tuple[Any, bool, Matrix]] = [(raw, True, _IDENTITY)]
    while stack:
        holder, is_page, outer = stack.pop()
        count = pdfium_c.FPDFPage_CountObjects(holder) if is_page else pdfium_c.FPDFFormObj_CountObjects(holder)
        for i in range(count):
            obj = pdfium_c.FPDFPage_GetObject(holder, i) if is_page else pdfium_c.FPDFFormObj_GetObject(holder, i)
            kind = pdfium_c.FPDFPageObj_GetType(obj)
            if kind == pdfium_c.FPDF_PAGEOBJ_PATH:
                _path(obj, _times(_matrix(obj), outer), out, doctop)
            elif kind == pdfium_c.FPDF_PAGEOBJ_IMAGE:
                out.images += 1
            elif kind == pdfium_c.FPDF_PAGEOBJ_FORM:
                stack.append((obj, False, _times(_matrix(obj), outer)))


def _path(obj: Any, m: Matrix, out: PageObjects, doctop: float) -> None:
    """One path object's subpaths in pdfminer's terms: operators m, l, c (one point: where it ends), h."""
    ops: list[str] = []
    pts: list[tuple[float, float]] = []
    x, y = ctypes.c_float(), ctypes.c_float()
    a, b, c, d, e, f = m
    curve = 0
    start = (0.0, 0.0)
    for i in range(pdfium_c.FPDFPath_CountSegments(obj)):
        seg = pdfium_c.FPDFPath_GetPathSegment(obj, i)
        pdfium_c.FPDFPathSegment_GetPoint(seg, ctypes.byref(x), ctypes.byref(y))
        kind = pdfium_c.FPDFPathSegment_GetType(seg)
        pt = (a * x.value + c * y.value + e, b * x.value + d * y.value + f)
        if kind == pdfium_c.FPDF_SEGMENT_MOVETO:
            ops.append("m")
            pts.append(pt)
            start = pt
            curve = 0
        elif kind == pdfium_c.FPDF_SEGMENT_LINETO:
            ops.append("l")
            pts.append(pt)
        else:  # a Bézier curve comes as its two control points and its end: pdfminer keeps the end
            curve += 1
            if curve % 3 == 0:
                ops.append("c")
                pts.append(pt)
        if pdfium_c.FPDFPathSegment_GetClose(seg) and ops:
            if ops[-1] == "l" and pts[-1] == start:  # "re", and a closed line back to the start: pdfminer's h
                ops[-1] = "h"
            else:
                ops.append("h")
                pts.append(start)
    shape = "".join(ops)
    for sub in _SUBPATH.finditer(shape):
        _shape(shape[sub.start() : sub.end()], pts[sub.start() : sub.end()], out, doctop)


def _shape(shape: str, pts: list[tuple[float, float]], out: PageObjects, doctop: float) -> None:
    """pdfminer's LTLine, LTRect or LTCurve for one subpath, as pdfplumber's edges (``utils.obj_to_edges``)."""
    out.drawn += 1
    h = out.height
    xs, ys = [p[0] for p in pts], [p[1] for p in pts]
    x0, x1, y0, y1 = min(xs), max(xs), min(ys), max(ys)
    base: Obj = {"x0": x0, "y0": y0, "x1": x1, "y1": y1, "width": x1 - x0, "height": y1 - y0}
    base.update(top=h - y1, bottom=h - y0, doctop=doctop + h - y1)
    if shape in ("ml", "mlh"):
        out.edges.append({**base, "object_type": "line", "orientation": "h" if base["top"] == base["bottom"] else "v"})
        return
    if shape in ("mlllh", "mllll"):
        (p0, q0), (p1, q1), (p2, q2), (p3, q3), _ = pts
        square = (p0 == p1 and q1 == q2 and p2 == p3 and q3 == q0) or (q0 == q1 and p1 == p2 and q2 == q3 and p3 == p0)
        if pts[0] == pts[4] and square:
            out.edges += _rect_edges(base)
            return
    flipped = [(px, h - py) for px, py in pts]
    for (ax, ay), (bx, by) in itertools.pairwise(flipped):
        top = min(ay, by)
        out.edges.append(
            {
                "object_type": "curve_edge",
                "x0": min(ax, bx),
                "x1": max(ax, bx),
                "top": top,
                "doctop": top + doctop,
                "bottom": max(ay, by),
                "width": abs(ax - bx),
                "height": abs(ay - by),
                "orientation": "v" if ax == bx else ("h" if ay == by else None),
            }
        )


def _rect_edges(rect: Obj) -> list[Obj]:
    """pdfplumber's ``rect_to_edges``."""
    edge = {**rect, "object_type": "rect_edge"}
    top = {**edge, "height": 0, "y0": rect["y1"], "bottom": rect["top"], "orientation": "h"}
    bottom = {**edge, "height": 0, "y1": rect["y0"], "top": rect["top"] + rect["height"], "orientation": "h"}
    bottom["doctop"] = rect["doctop"] + rect["height"]
    left = {**edge, "width": 0, "x1": rect["x0"], "orientation": "v"}
    right = {**edge, "width": 0, "x0": rect["x1"], "orientation": "v"}
    return [top, bottom, left, right]


def _chars(tp: Any, height: float, doctop: float) -> list[Obj] | None:
    """The page's characters as pdfplumber's char dicts: PDFium's own (not the spaces and line breaks it infers),
    the box pdfminer computes (x from the advance, y from the font's descent and size). None when a character is
    not upright or has no Unicode value."""
    chars: list[Obj] = []
    box = pdfium_c.FS_RECTF()
    m = pdfium_c.FS_MATRIX()
    ox, oy = ctypes.c_double(), ctypes.c_double()
    descent = ctypes.c_float()
    descents: dict[tuple[int, float], float] = {}
    space: Obj | None = None  # a space glyph PDFium marked as generated, placed once the next character is seen
    for i in range(pdfium_c.FPDFText_CountChars(tp)):
        code = pdfium_c.FPDFText_GetUnicode(tp, i)
        if pdfium_c.FPDFText_IsGenerated(tp, i) == 1:
            # PDFium's line breaks are not in the file; its spaces stand for a space glyph of the file (PDFium
            # drops the glyph) or for a gap it saw between words: either way a word ends there, so the space
            # is kept between the characters around it, when the next one is on the same line
            if code == 0x20 and chars and chars[-1]["text"] != " ":
                space = {**chars[-1], "text": " ", "x0": chars[-1]["x1"], "width": 0.0}
            continue
        if code == 0 or 0xD800 <= code <= 0xDFFF or pdfium_c.FPDFText_HasUnicodeMapError(tp, i) == 1:
            return None
        pdfium_c.FPDFText_GetMatrix(tp, i, ctypes.byref(m))
        if not (m.a * m.d > 0 and m.b * m.c <= 0 and m.b == 0 and m.c == 0):
            return None  # rotated or skewed: pdfplumber's box for it is not the loose box
        size = pdfium_c.FPDFText_GetFontSize(tp, i)
        font = pdfium_c.FPDFTextObj_GetFont(pdfium_c.FPDFText_GetTextObject(tp, i))
        key = (ctypes.cast(font, ctypes.c_void_p).value or 0, size)
        if key not in descents:
            pdfium_c.FPDFFont_GetDescent(font, ctypes.c_float(size), ctypes.byref(descent))
            descents[key] = descent.value
        pdfium_c.FPDFText_GetLooseCharBox(tp, i, ctypes.byref(box))
        pdfium_c.FPDFText_GetCharOrigin(tp, i, ctypes.byref(ox), ctypes.byref(oy))
        y0 = oy.value + m.d * descents[key]
        span = m.d * size
        top = height - (y0 + span)
        if space is not None:
            if abs(space["top"] - top) < 1 and box.left >= space["x0"]:
                chars.append({**space, "x1": box.left, "width": box.left - space["x0"]})
            space = None
        chars.append(
            {
                "object_type": "char",
                "text": chr(code),
                "x0": box.left,
                "x1": box.right,
                "y0": y0,
                "y1": y0 + span,
                "top": top,
                "bottom": top + span,
                "doctop": doctop + top,
                "width": box.right - box.left,
                "height": span,
                "size": span,
                "upright": True,
            }
        )
    return chars
