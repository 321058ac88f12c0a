"""Read a report file into decoded text plus a same-length normalised copy for matching.

Matching runs on ``norm`` (full-width digits/brackets folded, NBSP and ideographic spaces made plain,
CR turned into a space or newline) while every span we emit indexes ``text``: the normalisation is
character-for-character, so offsets are shared and ``text[start:end]`` always shows what was printed.
"""

from __future__ import annotations

import codecs
import hashlib
import threading
from dataclasses import dataclass
from pathlib import Path

import charset_normalizer

from .errors import BinaryDocumentError, EmptyDocumentError, UndecodableDocumentError
from .regions import OcrPage

# Full-width ASCII block (U+FF01..U+FF5E) -> ASCII, plus the spaces and dashes that break matching.
_FOLD: dict[int, str] = {cp: chr(cp - 0xFEE0) for cp in range(0xFF01, 0xFF5F)}
_FOLD.update(dict.fromkeys((0x3000, 0x00A0, 0x2002, 0x2003, 0x2009, 0x200B, 0xFEFF), " "))
_FOLD.update({0x2212: "-", 0x2013: "-"})
_FOLD_TABLE = str.maketrans(_FOLD)

# Encodings Chinese government reports come in; isolating them keeps detection off Latin code pages.
_CANDIDATES = ["gb18030", "utf_16_le", "utf_16_be", "big5", "utf_8"]
_GB_FAMILY = {"gb2312", "gbk", "gb18030", "hz", "cp936"}

_MAGIC = (
    (b"%PDF", "a PDF file", "give it a .pdf name or pass it as it is: PDFs are read by content"),
    (b"PK\x03\x04", "a ZIP container (DOCX/XLSX?)", "save it as .docx or plain text (.txt) first"),
    (b"\xd0\xcf\x11\xe0", "a legacy Office/WPS file (.doc/.wps)", "save it as .docx or plain text first"),
    (b"\x89PNG", "a PNG image", "OCR the image to text first"),
    (b"\xff\xd8\xff", "a JPEG image", "OCR the image to text first"),
    (b"GIF8", "a GIF image", "OCR the image to text first"),
)


def normalise(text: str) -> str:
    """Same-length copy of ``text`` for matching; see the module docstring."""
    norm = text.translate(_FOLD_TABLE)
    if "\r" in norm:
        norm = norm.replace("\r\n", " \n").replace("\r", "\n")
    return norm


@dataclass(frozen=True, slots=True)
class PageMeta:
    """What a saved web page says about itself, outside the report's text (readers/pagemeta.py)."""

    title: str | None = None
    published: str | None = None  # YYYY-MM-DD
    source: str | None = None  # the publisher named (ContentSource, 来源)
    url: str | None = None


@dataclass(frozen=True, slots=True)
class Document:
    """A decoded report: ``text`` is what spans index, ``norm`` is what parsers read."""

    path: str
    text: str
    norm: str
    encoding: str
    sha256: str
    nbytes: int
    pages: tuple[tuple[int, int], ...] | None = None  # PDF: [start, end) of each page in ``text``
    replaced: tuple[int, ...] = ()  # byte offsets of invalid bytes decoded as U+FFFD (a few, in a UTF-8 file)
    meta: PageMeta | None = None  # HTML: the page's own title, date, publisher and address
    ocr: tuple[OcrPage, ...] | None = None  # pages read by OCR: where each piece of ``text`` was read

    @classmethod
    def from_text(cls, text: str, path: str = "<text>") -> Document:
        data = text.encode("utf-8")
        return cls(path, text, normalise(text), "utf-8", hashlib.sha256(data).hexdigest(), len(data))


# A UTF-8 file with a few bad bytes (a truncated copy, one corrupted sector) is decoded with replacement
# rather than rejected; past this share of bad bytes it is another encoding, and detection decides.
_MAX_BAD_SHARE = 0.001
_MAX_RECORDED = 20


_counting = threading.local()


def _count_invalid(exc: UnicodeError) -> tuple[str, int]:
    """Codec error handler: note where an invalid sequence starts, replace it, give up past the limit."""
    assert isinstance(exc, UnicodeDecodeError)
    offsets: list[int] = _counting.offsets
    offsets.append(exc.start)
    if len(offsets) > _counting.limit:
        raise exc
    return "\ufffd", exc.end


codecs.register_error("extractor-count-invalid", _count_invalid)


def decode_lenient(data: bytes) -> tuple[str, tuple[int, ...]] | None:
    """(text, bad byte offsets) when ``data`` is UTF-8 but for a few invalid bytes, else None. One pass
    in C: the error handler counts and stops at the first sequence past the limit."""
    _counting.offsets, _counting.limit = [], max(8, int(len(data) * _MAX_BAD_SHARE))
    try:
        text = data.decode("utf-8", "extractor-count-invalid")
    except UnicodeDecodeError:
        return None
    offsets: list[int] = _counting.offsets
    return (text, tuple(offsets[:_MAX_RECORDED])) if offsets else None


def decode(data: bytes, path: str) -> tuple[str, str]:
    """Decode report bytes, returning (text, encoding name). Raises an InputError naming ``path``."""
    if not data.strip(b" \t\r\n\x00"):
        raise EmptyDocumentError(path, "the file is empty", "check the download or remove the file from the batch")
    if data.startswith(codecs.BOM_UTF8):
        return _strict(data[3:], "utf-8", path), "utf-8-sig"
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return _strict(data, "utf-16", path), "utf-16"
    for magic, what, fix in _MAGIC:
        if data.startswith(magic):
            raise BinaryDocumentError(path, f"this is {what}, not text", fix)
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        if decode_lenient(data) is not None:  # UTF-8 but for a few bad bytes: never guess another encoding
            raise UndecodableDocumentError(path, "invalid UTF-8", "re-save the file as UTF-8") from None
    match = charset_normalizer.from_bytes(data, cp_isolation=_CANDIDATES).best()
    if match is None:
        if b"\x00" in data:
            raise BinaryDocumentError(path, "the file holds binary data, not text", "convert it to .txt first")
        raise UndecodableDocumentError(
            path, "the bytes decode in none of UTF-8, GB18030, UTF-16, Big5", "re-save the file as UTF-8"
        )
    encoding = "gb18030" if match.encoding.lower() in _GB_FAMILY else match.encoding.replace("_", "-")
    text = _strict(data, encoding, path)
    if _looks_binary(text):
        raise BinaryDocumentError(path, "the file holds binary data, not text", "convert it to .txt first")
    return text, encoding


def _strict(data: bytes, encoding: str, path: str) -> str:
    try:
        return data.decode(encoding)
    except UnicodeDecodeError as exc:
        raise UndecodableDocumentError(
            path, f"invalid {encoding} at byte {exc.start}", "re-save the file as UTF-8"
        ) from None


def _looks_binary(text: str) -> bool:
    controls = sum(1 for ch in text[:4096] if ch < " " and ch not in "\t\n\r\f")
    return controls > 0.02 * min(len(text), 4096)


def load(path: str | Path) -> Document:
    """Read and decode one file."""
    return from_bytes(Path(path).read_bytes(), str(path))


def from_bytes(data: bytes, path: str) -> Document:
    """Decode a text file's bytes. A UTF-8 file with a few invalid bytes is decoded with replacement and
    keeps their offsets (the pipeline reports them); anything else decodes strictly or raises."""
    replaced: tuple[int, ...] = ()
    try:
        text, encoding = decode(data, path)
    except UndecodableDocumentError:
        lenient = decode_lenient(data)
        if lenient is None:
            raise
        (text, replaced), encoding = lenient, "utf-8"
    if _looks_binary(text):
        raise BinaryDocumentError(path, "the file holds binary data, not text", "convert it to .txt first")
    sha = hashlib.sha256(data).hexdigest()
    return Document(path, text, normalise(text), encoding, sha, len(data), replaced=replaced)
