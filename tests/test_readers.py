"""Real inputs: HTML pages (UTF-8 and GBK, rowspan/colspan), DOCX (merged cells) and PDF text layers (a CJK
CID font, running headers and page numbers, tables across pages) all round-trip every cell."""

from __future__ import annotations

from pathlib import Path

import pytest

from extractor.errors import InputError
from extractor.inputs import InputFile
from extractor.pipeline import extract_path
from extractor.readers import grid, read
from extractor.schema import FailureRecord, Report
from extractor.synthetic import SyntheticDoc, generate
from extractor.synthetic.files import scanned_pdf, to_docx, to_html, to_pdf


def _write(tmp_path: Path, doc: SyntheticDoc, kind: str) -> Path:
    path = tmp_path / f"report.{kind.split('-')[0]}"
    data = {
        "html": lambda: to_html(doc),
        "html-gbk": lambda: to_html(doc, "gbk"),
        "docx": lambda: to_docx(doc),
        "pdf": lambda: to_pdf(doc),
    }[kind]()
    path.write_bytes(data)
    return path


def _assert_round_trip(doc: SyntheticDoc, path: Path) -> Report:
    report = extract_path(InputFile.of(path), "r")
    assert isinstance(report, Report), report
    text = read(path).text
    tables = {"table2": report.table2, "table3": report.table3, "table4": report.table4}
    for cell_path in doc.cells:
        table, row, col = cell_path.split(".")
        cell = (tables[table] or {}).get(row, {}).get(col)
        assert cell is not None and cell["value"] == doc.values.get(cell_path), cell_path
        assert cell["span"] is not None and text[cell["span"][0] : cell["span"][1]] == cell["raw"]
    assert [i.text for i in report.problems] == doc.problems
    assert [p.name for p in report.platforms] == [n for n, _ in doc.platforms]
    assert not [f for f in report.findings if f.severity == "error"]
    return report


@pytest.mark.parametrize("kind", ["html", "html-gbk", "docx", "pdf"])
@pytest.mark.parametrize(
    ("fmt2", "fmt3", "blank_rate"), [("2021", "2021", 0.0), ("2019", "2019", 0.1)], ids=["2021", "2019-blanks"]
)
def test_read_round_trips_every_cell(tmp_path: Path, kind: str, fmt2: str, fmt3: str, blank_rate: float) -> None:
    doc = generate(80, "tab", fmt2, fmt3, zero_rate=0.1, blank_rate=blank_rate)  # type: ignore[arg-type]
    report = _assert_round_trip(doc, _write(tmp_path, doc, kind))
    if kind == "html-gbk":
        assert report.source.encoding == "html/gb18030"


def test_read_html_expands_merged_cells_and_drops_navigation(tmp_path: Path) -> None:
    doc = generate(81, "tab", zero_rate=0.1)
    path = _write(tmp_path, doc, "html")
    page = path.read_text(encoding="utf-8")
    assert "rowspan=" in page and "colspan=" in page
    text = read(path).text
    assert "首页" not in text and "版权所有" not in text


def test_read_docx_has_merged_cells(tmp_path: Path) -> None:
    import zipfile

    doc = generate(82, "tab", zero_rate=0.1)
    path = _write(tmp_path, doc, "docx")
    body = zipfile.ZipFile(path).read("word/document.xml").decode()
    assert "w:gridSpan" in body and "w:vMerge" in body
    _assert_round_trip(doc, path)


def test_read_pdf_drops_running_headers_and_page_numbers_and_records_pages(tmp_path: Path) -> None:
    doc = generate(83, "tab", zero_rate=0.1)
    path = _write(tmp_path, doc, "pdf")
    document = read(path)
    assert document.pages is not None and len(document.pages) >= 2
    assert document.pages[0][0] == 0 and document.pages[-1][1] == len(document.text)
    assert f"{doc.organ}政府信息公开工作年度报告" not in document.text
    assert "- 2 -" not in document.text
    report = extract_path(InputFile.of(path), "r")
    assert isinstance(report, Report) and report.source.pages == list(document.pages)


def test_read_scanned_pdf_without_ocr_says_ocr_is_needed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "scan.pdf"
    path.write_bytes(scanned_pdf())
    monkeypatch.setenv("EXTRACTOR_OCR", "never")  # what --ocr never does (tests/test_ocr.py reads scans)
    with pytest.raises(InputError, match=r"no text layer.*--ocr auto"):
        read(path)
    record = extract_path(InputFile.of(path), "scan")
    assert isinstance(record, FailureRecord) and "OCR" in record.error.message


@pytest.mark.parametrize(
    ("rows", "expected"),
    [
        (
            [[("a", 1, 3), ("1", 1, 1)], [("b", 2, 1), ("c", 1, 2), ("2", 1, 1)], [("d", 1, 2), ("3", 1, 1)]],
            [["a", "", "", "1"], ["b", "c", "", "2"], ["", "d", "", "3"]],
        ),
    ],
    ids=["rowspan-colspan"],
)
def test_grid_expand_places_cells_around_merges(rows, expected) -> None:  # type: ignore[no-untyped-def]
    assert grid.expand(rows) == expected
