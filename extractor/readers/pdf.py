"""PDF text layers (pdfplumber): per page, ruled tables as grids and the lines outside them, in reading
order; running headers, footers and page numbers dropped. A PDF with no text layer needs OCR first."""

from __future__ import annotations

import io
import re
from collections import Counter

import pdfplumber
from pdfplumber.utils.exceptions import PdfminerException

from ..errors import DamagedDocumentError, EncryptedDocumentError, InputError
from . import grid

_PAGE_NUMBER = re.compile(r"^[-—–~\s]*(?:第\s*)?\d{1,4}\s*(?:页)?(?:\s*/\s*\d{1,4}|\s*共\s*\d{1,4}\s*页)?[-—–~\s]*$")


def _inside(obj: dict, boxes: list[tuple[float, float, float, float]]) -> bool:  # type: ignore[type-arg]
    x = (obj["x0"] + obj["x1"]) / 2
    y = (obj["top"] + obj["bottom"]) / 2
    return any(x0 <= x <= x1 and top <= y <= bottom for x0, top, x1, bottom in boxes)


def _page_blocks(page: pdfplumber.page.Page) -> list[str]:
    tables = page.find_tables()
    boxes = [t.bbox for t in tables]
    outside = page.filter(lambda obj: obj.get("object_type") != "char" or not _inside(obj, boxes))
    blocks = [(line["top"], line["text"]) for line in outside.extract_text_lines(return_chars=False)]
    blocks += [(t.bbox[1], grid.render([[c or "" for c in row] for row in t.extract()])) for t in tables]
    return [text for _, text in sorted(blocks, key=lambda b: b[0])]


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


def pdf_text(data: bytes, path: str) -> tuple[str, tuple[tuple[int, int], ...]]:
    """(text, [start, end) of each page in it)."""
    try:
        pdf = pdfplumber.open(io.BytesIO(data))
        with pdf:
            if not any(page.chars for page in pdf.pages):
                raise InputError(
                    path, "the PDF has no text layer (scanned page images)", "OCR it to text first, then extract"
                )
            pages = [_page_blocks(page) for page in pdf.pages]
    except InputError:
        raise
    except Exception as exc:  # pdfminer raises many types for a broken file, wrapped or not
        raise _pdf_error(path, exc) from None
    # Lines that open or close most pages are running headers and footers.
    edges = Counter(b for blocks in pages if blocks for b in {blocks[0], blocks[-1]} if "\t" not in b)
    running = {b for b, n in edges.items() if len(pages) > 1 and n >= max(2, len(pages) // 2 + 1)}
    text_parts: list[str] = []
    spans: list[tuple[int, int]] = []
    pos = 0
    for blocks in pages:
        kept = [b for b in blocks if b not in running and not _PAGE_NUMBER.match(b)]
        page_text = "\n".join(kept) + "\n"
        text_parts.append(page_text)
        spans.append((pos, pos + len(page_text)))
        pos += len(page_text)
    return "".join(text_parts), tuple(spans)
