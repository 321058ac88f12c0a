"""Where OCR'd text came from: for each page read from an image, the box and confidence of every piece of
text, indexed by its offsets in the document text. A span's page and region are found from its start, and
a table cell read with low confidence says so.
"""

from __future__ import annotations

from bisect import bisect_right
from dataclasses import dataclass

from .schema import Cell, OcrInfo, OcrPageInfo
from .types import Table

ENGINE = "RapidOCR (rapidocr-onnxruntime 1.4.4, PP-OCRv4 Chinese detection and recognition)"
LOW_CONFIDENCE = 0.9  # below this the OCR engine's score is shown on the cell


@dataclass(frozen=True, slots=True)
class TextBox:
    """One OCR'd piece of text: ``text[start:end]`` was read from ``box`` (x0, y0, x1, y1, pixels)."""

    start: int
    end: int
    box: tuple[int, int, int, int]
    confidence: float


@dataclass(frozen=True, slots=True)
class OcrPage:
    """A page read by OCR: 1-based page number, the image it was read from (pixels at ``dpi``, turned by
    ``angle`` degrees counter-clockwise about its centre to straighten it) and its text boxes in offset order."""

    page: int
    width: int
    height: int
    dpi: int
    angle: float
    boxes: tuple[TextBox, ...]


def boxes_within(pages: tuple[OcrPage, ...], start: int, end: int) -> list[tuple[int, TextBox]]:
    """(page number, box) of every OCR'd piece that overlaps ``[start, end)`` of the text."""
    out = []
    for page in pages:
        boxes = page.boxes
        if not boxes or boxes[-1].end <= start or boxes[0].start >= end:
            continue
        i = max(bisect_right([b.start for b in boxes], start) - 1, 0)
        for b in boxes[i:]:
            if b.start >= end:
                break
            if b.end > start:
                out.append((page.page, b))
    return out


def confidence(pages: tuple[OcrPage, ...], start: int, end: int) -> float | None:
    """The lowest OCR confidence over ``[start, end)``; None when that text was not OCR'd."""
    found = boxes_within(pages, start, end)
    return min(b.confidence for _, b in found) if found else None


def ocr_info(pages: tuple[OcrPage, ...] | None) -> OcrInfo | None:
    """The record's compact form: one flat list of integers per box."""
    if not pages:
        return None
    return OcrInfo(
        engine=ENGINE,
        pages=[
            OcrPageInfo(
                page=p.page,
                size=(p.width, p.height),
                dpi=p.dpi,
                angle=p.angle,
                boxes=[(b.start, b.end, *b.box, round(100 * b.confidence)) for b in p.boxes],
            )
            for p in pages
        ],
    )


def mark_low_confidence(tables: list[Table[Cell] | None], pages: tuple[OcrPage, ...] | None) -> None:
    """Put the OCR confidence on every cell read with low confidence. The value is never changed: a digit
    the arithmetic contradicts is reported by the validators."""
    if not pages:
        return
    for table in tables:
        for cols in (table or {}).values():
            for cell in cols.values():
                span = cell["span"]
                if span is None or span[0] == span[1]:
                    continue
                score = confidence(pages, span[0], span[1])
                if score is not None and score < LOW_CONFIDENCE:
                    cell["confidence"] = round(score, 3)
