"""Readers turn each input format into the same thing: decoded text in which tables are tab-separated grids.

The table and narrative code never forks per format: a saved web page, a PDF's text layer or a DOCX file
becomes text like the .txt reports, spans index that text (``extractor text FILE`` prints it), and a PDF
also records where each page starts.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from ..errors import InputError
from ..ingest import Document, PageMeta, load, normalise

SUFFIXES = (".txt", ".md", ".html", ".htm", ".pdf", ".docx")


def read(path: str | Path) -> Document:
    """Any supported file as a Document. Raises an InputError naming the file when it cannot be read."""
    p = Path(path)
    suffix = p.suffix.lower()
    if suffix in (".html", ".htm"):
        from .html import html_page

        data = p.read_bytes()
        text, encoding, meta = html_page(data, str(path))
        return _document(str(path), text, f"html/{encoding}", data, meta=meta)
    if suffix == ".docx":
        from .docx import docx_text

        data = p.read_bytes()
        return _document(str(path), docx_text(data, str(path)), "docx", data)
    if suffix == ".pdf":
        from .pdf import pdf_text

        data = p.read_bytes()
        text, pages = pdf_text(data, str(path))
        return _document(str(path), text, "pdf", data, pages)
    return load(p)


def _document(
    path: str,
    text: str,
    encoding: str,
    data: bytes,
    pages: tuple[tuple[int, int], ...] | None = None,
    meta: PageMeta | None = None,
) -> Document:
    if not text.strip():
        raise InputError(path, "no text could be read from the file", "check that it is a report, not an image")
    return Document(path, text, normalise(text), encoding, hashlib.sha256(data).hexdigest(), len(data), pages, meta)
