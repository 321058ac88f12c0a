"""Readers turn each input format into the same thing: decoded text in which tables are tab-separated grids.

The table and narrative code never forks per format: a saved web page, a PDF's text layer, a DOCX file or
a scan read by OCR becomes text like the .txt reports, spans index that text (``extractor text FILE`` prints
it), a PDF or scan also records where each page starts, and a scan where each piece of text was read.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from ..errors import InputError
from ..ingest import Document, load, normalise
from ..regions import OcrPage
from .ocr import IMAGE_SUFFIXES, ocr_mode

SUFFIXES = (".txt", ".md", ".html", ".htm", ".pdf", ".docx", *IMAGE_SUFFIXES)


def read(path: str | Path, ocr: str | None = None) -> Document:
    """Any supported file as a Document. Raises an InputError naming the file when it cannot be read.
    ``ocr`` (auto, always, never; default ``$EXTRACTOR_OCR`` or auto) says which PDF pages are OCR'd."""
    p = Path(path)
    suffix = p.suffix.lower()
    if suffix in (".html", ".htm"):
        from .html import html_text

        data = p.read_bytes()
        text, encoding = html_text(data, str(path))
        return _document(str(path), text, f"html/{encoding}", data)
    if suffix == ".docx":
        from .docx import docx_text

        data = p.read_bytes()
        return _document(str(path), docx_text(data, str(path)), "docx", data)
    if suffix == ".pdf":
        from .pdf import pdf_text

        data = p.read_bytes()
        text, pages, scanned = pdf_text(data, str(path), hashlib.sha256(data).hexdigest(), ocr_mode(ocr))
        return _document(str(path), text, "pdf+ocr" if scanned else "pdf", data, pages, scanned)
    if suffix in IMAGE_SUFFIXES:
        from .ocr import image_document
        from .pages import assemble

        data = p.read_bytes()
        scans = image_document(data, str(path), hashlib.sha256(data).hexdigest())
        text, pages, scanned = assemble([(s.blocks(), s) for s in scans])
        return _document(str(path), text, "ocr", data, pages, scanned)
    return load(p)


def _document(
    path: str,
    text: str,
    encoding: str,
    data: bytes,
    pages: tuple[tuple[int, int], ...] | None = None,
    ocr: tuple[OcrPage, ...] = (),
) -> Document:
    if not text.strip():
        raise InputError(path, "no text could be read from the file", "check that it is a report, not an image")
    sha256 = hashlib.sha256(data).hexdigest()
    return Document(path, text, normalise(text), encoding, sha256, len(data), pages, ocr or None)
