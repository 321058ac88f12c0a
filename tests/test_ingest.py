"""Encodings, normalisation that keeps spans, and clear errors naming the file."""

from __future__ import annotations

import codecs
from pathlib import Path

import pytest

from extractor.errors import BinaryDocumentError, EmptyDocumentError
from extractor.ingest import load, normalise
from extractor.synthetic import generate

TEXT = generate(60, "tab").text


@pytest.mark.parametrize(
    ("encode", "recorded"),
    [
        (lambda t: t.encode("utf-8"), "utf-8"),
        (lambda t: codecs.BOM_UTF8 + t.encode("utf-8"), "utf-8-sig"),
        (lambda t: t.encode("gb18030"), "gb18030"),
        (lambda t: t.encode("gbk"), "gb18030"),
        (lambda t: t.encode("utf-16"), "utf-16"),
        (lambda t: t.encode("utf-16-le"), "utf-16-le"),
    ],
    ids=["utf8", "utf8-bom", "gb18030", "gbk", "utf16-bom", "utf16le-no-bom"],
)
def test_load_detects_and_records_the_encoding(tmp_path: Path, encode, recorded: str) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "r.txt"
    path.write_bytes(encode(TEXT))
    doc = load(path)
    assert doc.text == TEXT
    assert doc.encoding == recorded


def test_normalise_keeps_length_so_spans_index_the_original() -> None:
    text = "规章\u3000０\t１２\r\n（一）予以公开\u00a0３\r"
    norm = normalise(text)
    assert len(norm) == len(text)
    assert norm == "规章 0\t12 \n(一)予以公开 3\n"


def test_load_crlf_fullwidth_document_gives_spans_into_the_original(tmp_path: Path) -> None:
    from extractor.pipeline import extract_document

    digits = str.maketrans("0123456789", "０１２３４５６７８９")
    text = generate(61, "tab", zero_rate=0.1).text.translate(digits).replace("\n", "\r\n")
    path = tmp_path / "r.txt"
    path.write_bytes(text.encode("gb18030"))
    report = extract_document(load(path), "r")
    assert report.table3 is not None
    cell = report.table3["new_received"]["total"]
    assert cell["span"] is not None and text[cell["span"][0] : cell["span"][1]] == cell["raw"]
    assert isinstance(cell["value"], int)
    assert cell["raw"] == str(cell["value"]).translate(digits)  # raw keeps the full-width digits printed


@pytest.mark.parametrize(
    ("data", "error", "says"),
    [
        (b"", EmptyDocumentError, "empty"),
        (b" \r\n\t ", EmptyDocumentError, "empty"),
        (b"%PDF-1.4\n%\xe2\xe3", BinaryDocumentError, "PDF"),
        (b"PK\x03\x04\x14\x00", BinaryDocumentError, "DOCX"),
        (b"\x00\x01\x02\x03\x04\x05\xff\xfe\xfd" * 50, BinaryDocumentError, "binary data, not text"),
    ],
    ids=["empty", "whitespace", "pdf", "docx", "binary"],
)
def test_load_rejects_unusable_files_naming_them(tmp_path: Path, data: bytes, error: type, says: str) -> None:
    path = tmp_path / "bad.txt"
    path.write_bytes(data)
    with pytest.raises(error) as info:
        load(path)
    assert str(path) in str(info.value)
    assert says in str(info.value)
