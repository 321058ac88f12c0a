"""PDF text layers (pdfplumber): per page, ruled tables as grids and the lines outside them, in reading
order; running headers, footers and page numbers dropped. A page without a text layer (a scan) is read by
OCR (``ocr.py``, the ``[ocr]`` extra), or every page with ``--ocr always``; the others keep their text layer."""

from __future__ import annotations

import hashlib
import io
from bisect import bisect_left
from collections.abc import Sequence
from typing import Any, cast

import pdfplumber
import pypdfium2 as pdfium
from pdfplumber.table import Table, TableFinder, TableSettings
from pdfplumber.utils.exceptions import PdfminerException
from pdfplumber.utils.text import chars_to_textmap, extract_text

from ..errors import DamagedDocumentError, EncryptedDocumentError, InputError
from ..regions import OcrPage
from . import grid
from .layout import Block
from .ocr import OcrMode, PageScan
from .pages import Span, assemble
from .pdfium_page import PageObjects, page_objects


def _inside(obj: dict, boxes: list[tuple[float, float, float, float]]) -> bool:  # type: ignore[type-arg]
    x = (obj["x0"] + obj["x1"]) / 2
    y = (obj["top"] + obj["bottom"]) / 2
    return any(x0 <= x <= x1 and top <= y <= bottom for x0, top, x1, bottom in boxes)


def _page_blocks(page: pdfplumber.page.Page | PageObjects) -> list[Block]:
    """Ruled tables as grids and the text lines outside them, in reading order: pdfplumber's table finder and
    text layout, on its own page or on the same objects read by PDFium (``pdfium_page``)."""
    tables = TableFinder(cast(Any, page), TableSettings.resolve(None)).tables  # it reads .edges .bbox .chars
    boxes = [t.bbox for t in tables]
    outside = [c for c in page.chars if not _inside(c, boxes)]
    textmap = chars_to_textmap(outside, layout_bbox=page.bbox, layout_width=page.width, layout_height=page.height)
    blocks = [Block(line["top"], line["text"], ()) for line in textmap.extract_text_lines(return_chars=False)]
    if tables:
        by_mid = _by_vertical_centre(page.chars)  # once a page, for all its tables
        blocks += [
            Block(t.bbox[1], grid.render([[c or "" for c in row] for row in _extract(t, page.chars, by_mid)]), ())
            for t in tables
        ]
    return sorted(blocks, key=lambda b: b.top)


def _by_vertical_centre(chars: list[dict[str, Any]]) -> tuple[list[float], list[int]]:
    """The characters' vertical centres, sorted, and the index of the character at each."""
    mids = sorted(((c["top"] + c["bottom"]) / 2, i) for i, c in enumerate(chars))
    return [m for m, _ in mids], [i for _, i in mids]


def _extract(
    table: Table, chars: list[dict[str, Any]], by_mid: tuple[list[float], list[int]]
) -> list[list[str | None]]:
    """``Table.extract()`` with the characters looked up by their vertical centre (bisect) instead of every
    character tested against every row: the same cells, in a third of the time of a whole page."""
    keys, order = by_mid
    rows: list[list[str | None]] = []
    for row in table.rows:
        x0, top, x1, bottom = row.bbox
        found = sorted(order[bisect_left(keys, top) : bisect_left(keys, bottom)])
        row_chars = [c for c in (chars[i] for i in found) if x0 <= (c["x0"] + c["x1"]) / 2 < x1]
        cells: list[str | None] = []
        for cell in row.cells:
            if cell is None:
                cells.append(None)
                continue
            inside = [c for c in row_chars if _in_cell(c, cell)]
            cells.append(extract_text(inside) if inside else "")
        rows.append(cells)
    return rows


def _in_cell(char: dict[str, Any], bbox: tuple[float, float, float, float]) -> bool:
    """pdfplumber's ``char_in_bbox``: the character's centre in the half-open box."""
    v_mid = (char["top"] + char["bottom"]) / 2
    h_mid = (char["x0"] + char["x1"]) / 2
    x0, top, x1, bottom = bbox
    return bool(x0 <= h_mid < x1 and top <= v_mid < bottom)


def _needs_ocr(page: pdfplumber.page.Page | PageObjects, mode: OcrMode) -> bool:
    """No text layer but a page image (a scan), or text drawn as outlines (hundreds of curves): OCR it. A blank
    page, or one with a few shapes and nothing to read, is left as it is."""
    if mode == "always":
        return True
    if isinstance(page, PageObjects):
        drawn, images = page.drawn, page.images
    else:
        drawn, images = len(page.curves) + len(page.rects) + len(page.lines), len(page.images)
    return mode == "auto" and not page.chars and (bool(images) or drawn >= 100)


def _pdf_error(path: str, exc: Exception) -> InputError:
    """The accurate message for what pdfminer found: a password, a damaged file, or something else."""
    cause = exc.args[0] if isinstance(exc, PdfminerException) and exc.args else exc
    kind = type(cause).__name__
    if kind in ("PDFPasswordIncorrect", "PDFEncryptionError", "PDFEncryptionWarning"):
        return EncryptedDocumentError(
            path,
            "the PDF is password-protected",
            "ask the publisher for an unprotected copy, or decrypt it (qpdf --decrypt --password=PW in.pdf out.pdf)",
        )
    if kind in ("PSEOF", "PDFSyntaxError", "PSSyntaxError", "PDFNoValidXRef", "PDFTypeError", "PDFValueError"):
        return DamagedDocumentError(path, f"the PDF is damaged or cut short ({kind}: {cause})", "download it again")
    return DamagedDocumentError(
        path, f"the PDF could not be parsed ({kind}: {cause})", "download it again, or print it to a new PDF"
    )


def pdf_text(
    data: bytes, path: str, ocr: OcrMode = "auto", pdfium_objects: bool = True
) -> tuple[str, tuple[Span, ...], tuple[OcrPage, ...]]:
    """(text, [start, end) of each page in it, the pages read by OCR with their text boxes). The pages' objects
    are read by PDFium unless ``pdfium_objects`` is False (pdfminer's, through pdfplumber: the benchmark and
    the tests compare the two)."""
    fast = _pdfium_pages(data) if pdfium_objects else None
    try:
        if fast is not None:  # the pages as PDFium read them; else pdfplumber's (its errors name the problem)
            pages, scanned = _layout(fast, path, ocr)
        else:
            pages, scanned = _plumber_layout(data, path, ocr)
    except InputError:
        raise
    except Exception as exc:  # pdfminer raises many types for a broken file, wrapped or not
        raise _pdf_error(path, exc) from None
    if scanned:
        for i, scan in _ocr_pages(data, path, scanned).items():
            pages[i] = (scan.blocks(), scan)
        if not any(s.words for _, s in pages if s is not None) and not any(b for b, s in pages if s is None):
            raise InputError(
                path, "the PDF has no text layer (scanned page images) and OCR found no text on them", "check the scan"
            )
    return assemble(pages)


Pages = list[tuple[list[Block], PageScan | None]]


def _pdfium_pages(data: bytes) -> list[PageObjects] | None:
    """Every page's objects read by PDFium, or None when PDFium cannot open the file or a page needs pdfplumber
    (see ``pdfium_page``)."""
    try:
        document = pdfium.PdfDocument(data)
    except pdfium.PdfiumError:
        return None  # damaged or encrypted: pdfplumber says which
    try:
        pages: list[PageObjects] = []
        doctop = 0.0
        for i in range(len(document)):
            page = document[i]
            try:
                objects = page_objects(page, doctop)
            finally:
                page.close()
            if objects is None:
                return None
            pages.append(objects)
            doctop += objects.height
        return pages
    except pdfium.PdfiumError:
        return None
    finally:
        document.close()


def _no_text_layer(path: str, ocr: OcrMode, pages: Sequence[pdfplumber.page.Page | PageObjects]) -> list[int]:
    """The pages to OCR; raises when there is nothing to read."""
    if ocr == "never" and not any(page.chars for page in pages):
        raise InputError(
            path, "the PDF has no text layer (scanned page images)", "extract it with --ocr auto to read it by OCR"
        )
    scanned = [i for i, page in enumerate(pages) if _needs_ocr(page, ocr)]
    if not scanned and not any(page.chars for page in pages):
        raise InputError(path, "the PDF has no text layer and no page image to OCR", "check the file")
    return scanned


def _layout(pages: Sequence[pdfplumber.page.Page | PageObjects], path: str, ocr: OcrMode) -> tuple[Pages, list[int]]:
    scanned = _no_text_layer(path, ocr, pages)
    return [([], None) if i in scanned else (_page_blocks(page), None) for i, page in enumerate(pages)], scanned


def _plumber_layout(data: bytes, path: str, ocr: OcrMode) -> tuple[Pages, list[int]]:
    with pdfplumber.open(io.BytesIO(data)) as pdf:
        return _layout(pdf.pages, path, ocr)


def _ocr_pages(data: bytes, path: str, indices: list[int]) -> dict[int, PageScan]:
    """The scanned pages read by OCR, cached under the file's own sha256 (hashed only when a page needs it)."""
    from .ocr import pdf_page_image, require, scan_pages

    require(path, "the PDF has no text layer (scanned page images)")
    document: Any = None

    def image(i: int) -> Any:
        nonlocal document
        if document is None:
            document = pdfium.PdfDocument(data)
        return pdf_page_image(document, i)

    try:
        return scan_pages(hashlib.sha256(data).hexdigest(), indices, image)
    except pdfium.PdfiumError as exc:
        raise DamagedDocumentError(
            path, f"PDFium cannot render the scanned pages ({exc})", "download it again"
        ) from None
    finally:
        if document is not None:
            document.close()
