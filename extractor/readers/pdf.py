"""PDF text layers (pdfplumber): per page, ruled tables as grids and the lines outside them, in reading
order; running headers, footers and page numbers dropped. A page without a text layer (a scan) is read by
OCR (``ocr.py``, the ``[ocr]`` extra), or every page with ``--ocr always``; the others keep their text layer."""

from __future__ import annotations

import io
from typing import Any

import pdfplumber
from pdfplumber.utils.exceptions import PdfminerException

from ..errors import DamagedDocumentError, EncryptedDocumentError, InputError
from ..regions import OcrPage
from . import grid
from .layout import Block
from .ocr import OcrMode, PageScan
from .pages import Span, assemble


def _inside(obj: dict, boxes: list[tuple[float, float, float, float]]) -> bool:  # type: ignore[type-arg]
    x = (obj["x0"] + obj["x1"]) / 2
    y = (obj["top"] + obj["bottom"]) / 2
    return any(x0 <= x <= x1 and top <= y <= bottom for x0, top, x1, bottom in boxes)


def _page_blocks(page: pdfplumber.page.Page) -> list[Block]:
    tables = page.find_tables()
    boxes = [t.bbox for t in tables]
    outside = page.filter(lambda obj: obj.get("object_type") != "char" or not _inside(obj, boxes))
    blocks = [Block(line["top"], line["text"], ()) for line in outside.extract_text_lines(return_chars=False)]
    blocks += [Block(t.bbox[1], grid.render([[c or "" for c in row] for row in t.extract()]), ()) for t in tables]
    return sorted(blocks, key=lambda b: b.top)


def _needs_ocr(page: pdfplumber.page.Page, mode: OcrMode) -> bool:
    """No text layer but a page image (a scan), or text drawn as outlines (hundreds of curves): OCR it. A blank
    page, or one with a few shapes and nothing to read, is left as it is."""
    if mode == "always":
        return True
    drawn = len(page.curves) + len(page.rects) + len(page.lines)
    return mode == "auto" and not page.chars and (bool(page.images) or drawn >= 100)


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
    data: bytes, path: str, sha256: str = "", ocr: OcrMode = "auto"
) -> tuple[str, tuple[Span, ...], tuple[OcrPage, ...]]:
    """(text, [start, end) of each page in it, the pages read by OCR with their text boxes)."""
    try:
        pdf = pdfplumber.open(io.BytesIO(data))
        with pdf:
            if ocr == "never" and not any(page.chars for page in pdf.pages):
                raise InputError(
                    path,
                    "the PDF has no text layer (scanned page images)",
                    "extract it with --ocr auto to read it by OCR",
                )
            scanned = [i for i, page in enumerate(pdf.pages) if _needs_ocr(page, ocr)]
            if not scanned and not any(page.chars for page in pdf.pages):
                raise InputError(path, "the PDF has no text layer and no page image to OCR", "check the file")
            pages: list[tuple[list[Block], PageScan | None]] = [
                ([], None) if i in scanned else (_page_blocks(page), None) for i, page in enumerate(pdf.pages)
            ]
    except InputError:
        raise
    except Exception as exc:  # pdfminer raises many types for a broken file, wrapped or not
        raise _pdf_error(path, exc) from None
    if scanned:
        for i, scan in _ocr_pages(data, path, sha256, scanned).items():
            pages[i] = (scan.blocks(), scan)
        if not any(s.words for _, s in pages if s is not None) and not any(b for b, s in pages if s is None):
            raise InputError(
                path, "the PDF has no text layer (scanned page images) and OCR found no text on them", "check the scan"
            )
    return assemble(pages)


def _ocr_pages(data: bytes, path: str, sha256: str, indices: list[int]) -> dict[int, PageScan]:
    from .ocr import pdf_page_image, require, scan_pages

    require(path, "the PDF has no text layer (scanned page images)")
    import pypdfium2 as pdfium

    document: Any = None

    def image(i: int) -> Any:
        nonlocal document
        if document is None:
            document = pdfium.PdfDocument(data)
        return pdf_page_image(document, i)

    try:
        return scan_pages(sha256, indices, image)
    except pdfium.PdfiumError as exc:
        raise DamagedDocumentError(
            path, f"PDFium cannot render the scanned pages ({exc})", "download it again"
        ) from None
    finally:
        if document is not None:
            document.close()
