"""Hostile and odd inputs stopped before a parser sees them: not-a-file, too big, decompression bombs,
pathologically nested HTML; and the kind of a file told by its content, not only its name.

Every check is linear in the file's size and never reads more than the size limit: a FIFO, a device or
a symlink to /dev/zero is never opened.
"""

from __future__ import annotations

import io
import os
import re
import stat
import zipfile
import zlib
from dataclasses import dataclass
from pathlib import Path

from ..errors import DamagedDocumentError, InputError, NotARegularFileError, TooLargeError

MB = 1 << 20


@dataclass(frozen=True, slots=True)
class Limits:
    """Per-document limits (``extractor extract --max-bytes``); the largest real reports are a few MB."""

    max_bytes: int = 50 * MB  # the file as stored
    max_expanded: int = 100 * MB  # DOCX parts, or PDF non-image streams, once decompressed
    max_html_depth: int = 512  # nesting of elements; real pages stay under ~60


DEFAULT_LIMITS = Limits()


def read_bytes(path: Path, name: str, limits: Limits = DEFAULT_LIMITS) -> bytes:
    """The file's bytes, when it is a regular file within the size limit."""
    st = os.stat(path)  # follows symlinks: a link to /dev/zero is a character device here
    if not stat.S_ISREG(st.st_mode):
        what = _kind_of(st.st_mode)
        raise NotARegularFileError(name, f"this is {what}, not a file; it was not read", "remove it from the batch")
    if st.st_size > limits.max_bytes:
        raise TooLargeError(name, f"the file has {st.st_size / MB:.1f} MB", _raise_limit(limits.max_bytes))
    with open(path, "rb") as fh:
        data = fh.read(limits.max_bytes + 1)
    if len(data) > limits.max_bytes:  # it grew while we looked
        raise TooLargeError(name, f"the file has over {limits.max_bytes / MB:.0f} MB", _raise_limit(limits.max_bytes))
    return data


def _raise_limit(limit: int) -> str:
    return f"a report is a few MB: check the file, or raise --max-bytes (now {limit})"


def _kind_of(mode: int) -> str:
    for test, what in (
        (stat.S_ISDIR, "a folder"),
        (stat.S_ISFIFO, "a named pipe (FIFO)"),
        (stat.S_ISCHR, "a character device"),
        (stat.S_ISBLK, "a block device"),
        (stat.S_ISSOCK, "a socket"),
    ):
        if test(mode):
            return what
    return "not a regular file"


_IMAGES = (
    (b"\x89PNG\r\n\x1a\n", "png"),
    (b"\xff\xd8\xff", "jpeg"),
    (b"GIF87a", "gif"),
    (b"GIF89a", "gif"),
    (b"II*\x00", "tiff"),
    (b"MM\x00*", "tiff"),
)
_HTML_START = re.compile(
    rb"^\s*(?:<\?xml[^>]*>\s*)?(?:<!--.*?-->\s*)*<(?:!doctype\s+html|html|head|body)\b", re.I | re.S
)


def sniff(data: bytes, suffix: str) -> str:
    """The file's kind from its first bytes: pdf, docx, zip, ole, an image kind, html or text."""
    head = data[:1024]
    if b"%PDF-" in head:
        return "pdf"
    if head.startswith(b"PK\x03\x04"):
        return "docx" if b"word/" in data[:65536] or suffix == ".docx" else "zip"
    if head.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):
        return "ole"
    for magic, kind in _IMAGES:
        if head.startswith(magic):
            return kind
    if head.startswith(b"RIFF") and head[8:12] == b"WEBP":
        return "webp"
    if suffix in (".html", ".htm") or _HTML_START.match(head.lstrip(b"\xef\xbb\xbf")):
        return "html"
    return "text"


def check_docx(data: bytes, name: str, limits: Limits = DEFAULT_LIMITS) -> None:
    """A DOCX is a ZIP: refuse one whose parts expand past the limit (a zip bomb) before parsing it."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            infos = archive.infolist()
            names = {i.filename for i in infos}
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise DamagedDocumentError(
            name, f"the DOCX file is damaged ({exc})", "re-download it, or open and re-save it"
        ) from None
    if "word/document.xml" not in names:
        what = "an Excel workbook" if any(n.startswith("xl/") for n in names) else "a ZIP archive, not a DOCX report"
        raise InputError(name, f"this is {what}", "give the report itself (.docx, .pdf, .html or .txt)")
    expanded = sum(i.file_size for i in infos)
    if expanded > limits.max_expanded:
        raise TooLargeError(
            name,
            f"the DOCX expands to {expanded / MB:.0f} MB (a decompression bomb?)",
            f"a report expands to a few MB; check the file (limit {limits.max_expanded / MB:.0f} MB)",
        )


_STREAM = re.compile(rb"(?<!end)stream\r?\n")
_LOOKBACK = 2048


def check_pdf(data: bytes, name: str, limits: Limits = DEFAULT_LIMITS) -> None:
    """Refuse a PDF whose compressed non-image streams expand past the limit, decompressing each with a
    budget (zlib in C, stopping at the limit) before pdfminer would inflate them whole in memory."""
    budget = limits.max_expanded
    view = memoryview(data)
    pos = 0
    for match in _STREAM.finditer(data):
        start = match.end()
        if start < pos:
            continue
        end = data.find(b"endstream", start)
        if end < 0:
            break
        pos = end
        header = data[max(0, match.start() - _LOOKBACK) : match.start()]
        if b"/Image" in header[header.rfind(b" obj") + 1 :] or b"FlateDecode" not in header:
            continue  # images are not parsed for text; other filters do not inflate like zlib
        inflater = zlib.decompressobj()
        try:
            out = inflater.decompress(view[start:end], budget + 1)
        except zlib.error:
            continue
        budget -= len(out)
        if budget < 0:
            raise TooLargeError(
                name,
                f"the PDF's streams expand past {limits.max_expanded / MB:.0f} MB (a decompression bomb?)",
                "check the file; a report's text streams expand to a few MB",
            )


_TAG = re.compile(rb"<(/?)([A-Za-z][A-Za-z0-9:-]*)[^>]*?(/?)>")
# elements that never nest (void) or whose end tag may be left out: they do not count towards depth
_FLAT = frozenset(
    b"area base br col embed hr img input link meta param source track wbr p li td th tr option dt dd "
    b"thead tbody tfoot colgroup rt rp optgroup".split()
)


def check_html(data: bytes, name: str, limits: Limits = DEFAULT_LIMITS) -> None:
    """Refuse a page nested deeper than any real one (tree walks would recurse or go quadratic)."""
    depth = 0
    for match in _TAG.finditer(data):
        tag = match.group(2).lower()
        if tag in _FLAT or match.group(3):
            continue
        if match.group(1):
            depth = max(0, depth - 1)
            continue
        depth += 1
        if depth > limits.max_html_depth:
            raise InputError(
                name,
                f"the page nests elements over {limits.max_html_depth} levels deep; it is not a saved report page",
                "save the report's article again from a browser, or convert it to .txt",
            )
