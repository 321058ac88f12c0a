"""Readers turn each input format into the same thing: decoded text in which tables are tab-separated grids.

The table and narrative code never forks per format: a saved web page, a PDF's text layer, a DOCX file or
a scan read by OCR becomes text like the .txt reports, spans index that text (``extractor text FILE`` prints
it), a PDF or scan also records where each page starts, and a scan where each piece of text was read. The kind of a file is told by its content (a PDF named .txt is read
as a PDF), and the guards run first, so no parser sees a bomb, a device or a file over the size limit.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from ..errors import BinaryDocumentError, InputError
from ..ingest import Document, PageMeta, from_bytes, normalise
from ..inputs import IMAGE_SUFFIXES, SUFFIXES, display_path
from ..regions import OcrPage
from .guard import DEFAULT_LIMITS, Limits, check_docx, check_html, check_pdf, read_bytes, sniff

__all__ = ["DEFAULT_LIMITS", "SUFFIXES", "Limits", "read"]

_NOT_TEXT = {
    "zip": ("a ZIP archive", "unpack it and give the report inside"),
    "ole": ("a legacy Word/WPS file (.doc/.wps)", "open it and save it as .docx or .pdf"),
    "gif": ("a GIF image", "convert it to PNG to read it by OCR"),
    "webp": ("a WebP image", "convert it to PNG to read it by OCR"),
}
_SCANS = ("png", "jpeg", "tiff")  # read by OCR (readers/ocr.py, the [ocr] extra)


def read(path: str | Path, limits: Limits = DEFAULT_LIMITS, ocr: str | None = None) -> Document:
    """Any supported file as a Document. Raises an InputError naming the file when it cannot be read.
    ``ocr`` (auto, always, never; default ``$EXTRACTOR_OCR``, else auto) says which PDF pages are OCR'd."""
    p = Path(path)
    name = display_path(p)
    data = read_bytes(p, name, limits)
    suffix = p.suffix.lower()
    kind = sniff(data, suffix)
    if kind in _NOT_TEXT:
        what, fix = _NOT_TEXT[kind]
        renamed = f" named {suffix}" if suffix and suffix not in (".txt", ".md") else ""
        raise BinaryDocumentError(name, f"this is {what}{renamed}, not a report", fix)
    if kind == "html":
        from .html import html_page

        check_html(data, name, limits)
        text, encoding, meta = html_page(data, name)
        return _document(name, text, f"html/{encoding}", data, meta=meta)
    if kind == "docx":
        from .docx import docx_text

        check_docx(data, name, limits)
        return _document(name, docx_text(data, name), "docx", data)
    if kind == "pdf":
        from .ocr import ocr_mode
        from .pdf import pdf_text

        check_pdf(data, name, limits)
        text, pages, scanned = pdf_text(data, name, ocr_mode(ocr))
        return _document(name, text, "pdf+ocr" if scanned else "pdf", data, pages, ocr=scanned)
    if kind in _SCANS:
        from .ocr import image_document
        from .pages import assemble

        renamed = f" named {suffix}" if suffix not in IMAGE_SUFFIXES else ""
        what = {"png": "a PNG image", "jpeg": "a JPEG image", "tiff": "a TIFF image"}[kind] + renamed
        scans = image_document(data, name, hashlib.sha256(data).hexdigest(), what)
        text, pages, scanned = assemble([(s.blocks(), s) for s in scans])
        return _document(name, text, "ocr", data, pages, ocr=scanned)
    return from_bytes(data, name)


def _document(
    path: str,
    text: str,
    encoding: str,
    data: bytes,
    pages: tuple[tuple[int, int], ...] | None = None,
    meta: PageMeta | None = None,
    ocr: tuple[OcrPage, ...] = (),
) -> Document:
    if not text.strip():
        raise InputError(path, "no text could be read from the file", "check that it is a report, not an image")
    return Document(
        path,
        text,
        normalise(text),
        encoding,
        hashlib.sha256(data).hexdigest(),
        len(data),
        pages,
        meta=meta,
        ocr=ocr or None,
    )
