"""The bad-input corpus, generated (no binary fixtures): files a real folder of downloads holds, each of which
once stopped, stalled or confused a batch. ``write_corpus`` lays them out in a folder; ``KINDS`` says what
the batch must make of each: a record of a given error type (with words its message must hold) or a report.
"""

from __future__ import annotations

import functools
import io
import os
import zipfile
import zlib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

DOCUMENTS = Path(__file__).resolve().parent.parent / "evals" / "documents"
GOOD = DOCUMENTS / "000_709a8d8ff7e18c17.txt"


@dataclass(frozen=True)
class Kind:
    name: str
    make: Callable[[Path], Path]  # writes the file(s) into a folder, returns the path to extract
    expect: str  # "ok", or the failure record's error type
    says: tuple[str, ...] = ()  # words the message (or, for "ok", a finding) must hold


def _good_text() -> str:
    return GOOD.read_text(encoding="utf-8")


def non_utf8_name(folder: Path) -> Path:
    path = Path(os.fsdecode(bytes(folder) + b"/\xb3\xa4\xc9\xb3\xca\xd0-2023.txt"))  # GBK bytes in the name
    path.write_text(_good_text(), encoding="utf-8")
    return path


def deep_html(folder: Path, depth: int = 100_000) -> Path:
    path = folder / "deep.html"
    body = "<div>" * depth + "政府信息公开工作年度报告" + "</div>" * depth
    path.write_text(f"<html><body>{body}</body></html>", encoding="utf-8")
    return path


def too_large(folder: Path) -> Path:
    path = folder / "huge.txt"
    with open(path, "wb") as fh:
        fh.truncate(60 << 20)  # sparse: 60 MB on paper, nothing on disk
    return path


@functools.cache
def _docx_bomb() -> bytes:
    """Compressing 200 MB takes a second: done once a session (the bytes never change)."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        with z.open("word/document.xml", "w") as part:
            chunk = b" " * (1 << 20)
            for _ in range(200):
                part.write(chunk)
    return out.getvalue()


def docx_bomb(folder: Path) -> Path:
    """A small DOCX whose document part expands to 200 MB."""
    path = folder / "bomb.docx"
    path.write_bytes(_docx_bomb())
    return path


@functools.cache
def _squeezed_drawing() -> bytes:
    squeeze = zlib.compressobj(9)
    chunk = b"0 0 m " * (1 << 18)  # 1.5 MB of drawing commands, 200 times
    return b"".join(squeeze.compress(chunk) for _ in range(200)) + squeeze.flush()


def pdf_bomb(folder: Path) -> Path:
    """A PDF whose one content stream inflates to 300 MB (a few hundred KB on disk)."""
    data = _squeezed_drawing()
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R >>",
        b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(data) + data + b"\nendstream",
    ]
    out = io.BytesIO()
    out.write(b"%PDF-1.4\n")
    for number, body in enumerate(objects, 1):
        out.write(b"%d 0 obj\n" % number + body + b"\nendobj\n")
    out.write(b"trailer << /Root 1 0 R >>\n%%EOF\n")
    path = folder / "bomb.pdf"
    path.write_bytes(out.getvalue())
    return path


def fifo(folder: Path) -> Path:
    path = folder / "pipe.txt"
    os.mkfifo(path)  # opening it would block the batch forever
    return path


def dev_zero_link(folder: Path) -> Path:
    path = folder / "zero.txt"
    path.symlink_to("/dev/zero")
    return path


def one_bad_byte(folder: Path) -> Path:
    data = _good_text().encode("utf-8")
    cut = data.index("一、".encode()) - 1  # between two characters: one invalid byte, nothing else broken
    path = folder / "badbyte.txt"
    path.write_bytes(data[:cut] + b"\xff" + data[cut:])
    return path


def _pdf(encrypt: bool = False, text: bool = True) -> bytes:
    from reportlab.lib import pdfencrypt
    from reportlab.pdfgen import canvas

    buf = io.BytesIO()
    c = canvas.Canvas(buf, encrypt=pdfencrypt.StandardEncryption("secret", canPrint=0) if encrypt else None)
    if text:
        c.drawString(72, 720, "annual report")
    else:
        c.rect(72, 600, 200, 100, fill=1)  # a page with a picture and no text layer
    c.showPage()
    c.save()
    return buf.getvalue()


def encrypted_pdf(folder: Path) -> Path:
    path = folder / "locked.pdf"
    path.write_bytes(_pdf(encrypt=True))
    return path


def image_only_pdf(folder: Path) -> Path:
    path = folder / "scan.pdf"
    path.write_bytes(_pdf(text=False))
    return path


def png_named_pdf(folder: Path) -> Path:
    path = folder / "picture.pdf"
    path.write_bytes(b"\x89PNG\r\n\x1a\n" + b"\x00" * 64)
    return path


def corrupt_docx(folder: Path) -> Path:
    path = folder / "corrupt.docx"
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("word/document.xml", "<w:document><w:body><w:p>")  # cut off mid-way
    path.write_bytes(buf.getvalue()[:-30])  # and the archive's directory damaged
    return path


def dot_file(folder: Path) -> Path:
    path = folder / ".hidden-report.txt"
    path.write_text(_good_text(), encoding="utf-8")
    return path


def slash_escaped_name(folder: Path) -> Path:
    path = folder / "report%2f2023.txt"
    path.write_text(_good_text(), encoding="utf-8")
    return path


KINDS = [
    Kind("non-utf8-name", non_utf8_name, "ok"),
    Kind("deep-html", deep_html, "InputError", ("nests elements over", "levels deep")),
    Kind("too-large", too_large, "TooLargeError", ("60.0 MB", "--max-bytes")),
    Kind("docx-bomb", docx_bomb, "TooLargeError", ("expands to 200 MB",)),
    Kind("pdf-bomb", pdf_bomb, "TooLargeError", ("expand past",)),
    Kind("fifo", fifo, "NotARegularFileError", ("named pipe", "not read")),
    Kind("dev-zero-link", dev_zero_link, "NotARegularFileError", ("character device", "not read")),
    Kind("one-bad-byte", one_bad_byte, "ok", ("S3", "byte offsets")),
    Kind("encrypted-pdf", encrypted_pdf, "EncryptedDocumentError", ("password-protected", "qpdf")),
    Kind("image-only-pdf", image_only_pdf, "InputError", ("no text layer",)),
    Kind("png-named-pdf", png_named_pdf, "BinaryDocumentError", ("PNG image named .pdf",)),
    Kind("corrupt-docx", corrupt_docx, "DamagedDocumentError", ("DOCX file is damaged",)),
    Kind("slash-escaped-name", slash_escaped_name, "ok"),
]


def write_corpus(folder: Path) -> dict[str, Path]:
    """Every kind in ``folder``, with a good report beside them; returns kind name → path."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "good.txt").write_text(_good_text(), encoding="utf-8")
    return {kind.name: kind.make(folder) for kind in KINDS}
