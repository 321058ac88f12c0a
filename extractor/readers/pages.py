"""Pages into one document text: running headers, footers and page numbers dropped, each page's
``[start, end)`` recorded, and for pages read by OCR the box of every piece of text at its final offset."""

from __future__ import annotations

import re
from collections import Counter
from typing import TYPE_CHECKING

from ..regions import OcrPage, TextBox
from .layout import Block

if TYPE_CHECKING:
    from .ocr import PageScan

_PAGE_NUMBER = re.compile(r"^[-—–~\s]*(?:第\s*)?\d{1,4}\s*(?:页)?(?:\s*/\s*\d{1,4}|\s*共\s*\d{1,4}\s*页)?[-—–~\s]*$")

Span = tuple[int, int]


def assemble(pages: list[tuple[list[Block], PageScan | None]]) -> tuple[str, tuple[Span, ...], tuple[OcrPage, ...]]:
    """(text, [start, end) of each page, the OCR'd pages with their boxes)."""
    # Lines that open or close most pages are running headers and footers.
    edges = Counter(
        b.text for blocks, _ in pages if blocks for b in {blocks[0], blocks[-1]} if "\t" not in b.text and b.text
    )
    running = {t for t, n in edges.items() if len(pages) > 1 and n >= max(2, len(pages) // 2 + 1)}
    parts: list[str] = []
    spans: list[Span] = []
    ocr: list[OcrPage] = []
    pos = 0
    for number, (blocks, scan) in enumerate(pages, 1):
        start = pos
        boxes: list[TextBox] = []
        for block in blocks:
            if block.text in running or _PAGE_NUMBER.match(block.text):
                continue
            boxes += [TextBox(pos + p.offset, pos + p.offset + p.length, p.box, p.confidence) for p in block.pieces]
            parts.append(block.text + "\n")
            pos += len(block.text) + 1
        if pos == start:  # an empty page still ends with a newline
            parts.append("\n")
            pos += 1
        spans.append((start, pos))
        if scan is not None:
            ocr.append(OcrPage(number, scan.width, scan.height, scan.dpi, scan.angle, tuple(boxes)))
    return "".join(parts), tuple(spans), tuple(ocr)
