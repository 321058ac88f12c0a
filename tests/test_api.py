"""The Python API as a notebook uses it: extract, read a batch's records, frames of every shape."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

import extractor
from extractor.errors import BinaryDocumentError, DamagedDocumentError, EmptyDocumentError, InputError, NotAReportError
from extractor.synthetic import generate, generate_series


def test_extract_returns_a_report(tmp_path: Path) -> None:
    doc = generate(2, "tab")
    path = tmp_path / "town.txt"
    path.write_text(doc.text, encoding="utf-8")
    report = extractor.extract(path)
    assert isinstance(report, extractor.Report)
    assert report.doc_id == "town" and report.year == doc.year
    assert report.table3 is not None
    assert report.table3["results_total"]["total"]["value"] == doc.values.get("table3.results_total.total")


@pytest.mark.parametrize(
    ("content", "error"),
    [
        (b"", EmptyDocumentError),
        (b"%PDF-1.5 binary", DamagedDocumentError),  # read as a PDF by its content, whatever its name
        (b"\x89PNG\r\n\x1a\n" + b"\x00" * 32, BinaryDocumentError),
        ("你好，世界。".encode(), NotAReportError),
    ],
    ids=["empty", "broken-pdf", "image", "not-a-report"],
)
def test_extract_raises_a_typed_error_naming_the_file(tmp_path: Path, content: bytes, error: type) -> None:
    path = tmp_path / "bad.txt"
    path.write_bytes(content)
    with pytest.raises(error, match=r"bad\.txt"):
        extractor.extract(path)


def test_extract_missing_file_is_an_input_error(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="no such file"):
        extractor.extract(tmp_path / "nope.txt")


def test_extract_text_spans_index_the_text() -> None:
    doc = generate(3, "pipe")
    report = extractor.extract_text(doc.text, doc_id="pipe")
    assert report.table3 is not None
    cell = report.table3["granted"]["total"]
    assert cell["span"] is not None and doc.text[cell["span"][0] : cell["span"][1]] == cell["raw"]
    with pytest.raises(EmptyDocumentError):
        extractor.extract_text("  \n")


def test_read_records_and_to_frame_from_a_batch(tmp_path: Path) -> None:
    series = generate_series(8, "示例县人民政府", [2020, 2021])
    reports = [extractor.extract_text(d.text, doc_id=f"y{d.year}") for d in series.docs]
    path = tmp_path / "out.jsonl"
    failure = {"doc_id": "y2021", "source": {"path": "y2021.txt"}, "error": {"type": "ModelError", "message": "m"}}
    lines = [json.dumps(failure), *(r.model_dump_json() for r in reports)]  # a resumed batch: failure, then success
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    records = extractor.read_records(path)
    assert [r.doc_id for r in records] == ["y2020", "y2021"]
    assert all(isinstance(r, extractor.Report) for r in records)
    long = extractor.to_frame(records, shape="long")
    assert str(long.span_start.dtype) == "Int64" and set(long.doc_id) == {"y2020", "y2021"}
    pd.testing.assert_frame_equal(long, extractor.to_frame(reports, shape="long"))
    panel = extractor.to_frame(path, shape="panel", indicators=True)
    assert list(panel.year) == [2020, 2021] and "disclosure_rate" in panel.columns
    assert extractor.to_frame(records, shape="failures").empty  # the failure was superseded
    assert list(extractor.to_frame(records, "across_years").columns)[:2] == ["organ_key", "rule"]
    assert extractor.check_across_years(records) == []


def test_to_frame_unknown_shape_is_a_usage_error() -> None:
    with pytest.raises(extractor.ExtractorError, match="unknown shape"):
        extractor.to_frame([], shape="tall")  # type: ignore[arg-type]


def test_codebook_frame_documents_the_frames() -> None:
    book = extractor.codebook()
    wide = extractor.to_frame([extractor.extract_text(generate(1, "tab").text)], shape="wide")
    documented = set(book[book.output == "documents"].column)
    assert set(wide.columns) <= documented


def test_public_names_resolve() -> None:
    for name in extractor.__all__:
        assert getattr(extractor, name) is not None
    assert set(extractor.__all__) <= set(dir(extractor))
    with pytest.raises(AttributeError):
        _ = extractor.no_such_name
