"""Real inputs: HTML pages (UTF-8 and GBK, rowspan/colspan), DOCX (merged cells) and PDF text layers (a CJK
CID font, running headers and page numbers, tables across pages) all round-trip every cell."""

from __future__ import annotations

import io
from pathlib import Path

import pypdfium2 as pdfium
import pytest

from extractor.errors import InputError
from extractor.inputs import InputFile
from extractor.pipeline import extract_path
from extractor.readers import grid, read
from extractor.readers.pdf import pdf_text
from extractor.readers.pdfium_page import page_objects
from extractor.schema import FailureRecord, Report
from extractor.synthetic import SyntheticDoc, generate
from extractor.synthetic.files import scanned_pdf, to_docx, to_html, to_pdf


def _write(tmp_path: Path, doc: SyntheticDoc, kind: str) -> Path:
    path = tmp_path / f"report.{kind.split('-')[0]}"
    data = {
        "html": lambda: to_html(doc),
        "html-gbk": lambda: to_html(doc, "gbk"),
        "html-word": lambda: to_html(doc, word=True),
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


@pytest.mark.parametrize("kind", ["html", "html-gbk", "html-word", "docx", "pdf"])
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


@pytest.mark.parametrize("layout", ["tab_merged", "cells"])
def test_read_pdf_with_pdfium_objects_gives_the_text_pdfplumber_gives(layout: str) -> None:
    """The fast path (PDFium's characters and paths, pdfplumber's table finder and layout) reads a page as
    pdfplumber on pdfminer does: the same text, the same page spans."""
    data = to_pdf(generate(90, layout, "2019", "2021", subtotal=True, zero_rate=0.2, blank_rate=0.1))
    assert pdf_text(data, "r.pdf") == pdf_text(data, "r.pdf", pdfium_objects=False)


def test_read_pdf_page_pdfium_cannot_describe_is_read_by_pdfplumber(tmp_path: Path) -> None:
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfgen import canvas

    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    buf = io.BytesIO()
    c = canvas.Canvas(buf)
    c.setPageRotation(90)  # a landscape page stored rotated: pdfplumber turns its coordinates, PDFium's are raw
    c.setFont("STSong-Light", 12)
    c.drawString(72, 720, "一、总体情况")
    c.drawString(72, 700, "本年新收政府信息公开申请 5 件")
    c.save()
    data = buf.getvalue()
    document = pdfium.PdfDocument(data)
    assert page_objects(document[0], 0.0) is None
    document.close()
    text = pdf_text(data, "r.pdf")[0]
    assert text == pdf_text(data, "r.pdf", pdfium_objects=False)[0] and "一、总体情况" in text


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


@pytest.mark.parametrize(
    ("rows", "expected"),
    [
        (  # 自然人 over two grid columns, a spacer under it, each row's 商业企业 cell spanning two grid columns
            [
                [("申请人", 1, 1), ("自然人", 1, 2), ("法人", 1, 2)],
                [("", 1, 1), ("", 1, 1), ("商业企业", 1, 2), ("其他", 1, 1)],
                [("新收", 1, 1), ("64", 1, 1), ("0", 1, 2), ("4", 1, 1)],
                [("结转", 1, 1), ("1", 1, 1), ("", 1, 2), ("2", 1, 1)],
            ],
            [
                ["申请人", "自然人", "法人", ""],
                ["", "", "商业企业", "其他"],
                ["新收", "64", "0", "4"],
                ["结转", "1", "", "2"],
            ],
        ),
        (  # a column that is empty in every row is a spacer
            [[("a", 1, 1), ("", 1, 1), ("b", 1, 1)], [("x", 1, 1), ("", 1, 1), ("3", 1, 1)]],
            [["a", "b"], ["x", "3"]],
        ),
        (  # a row label spanning a column keeps it: the column has a header and its values may be blank
            [[("内容", 1, 1), ("制发", 1, 1), ("废止", 1, 1)], [("规章", 1, 2), ("5", 1, 1)]],
            [["内容", "制发", "废止"], ["规章", "", "5"]],
        ),
    ],
    ids=["offset-header-grid", "spacer-column", "label-over-blank-column"],
)
def test_grid_data_grid_keeps_the_columns_the_data_rows_have(rows, expected) -> None:  # type: ignore[no-untyped-def]
    assert grid.data_grid(rows) == expected


def test_read_html_joins_a_number_split_across_inline_elements(tmp_path: Path) -> None:
    page = (
        "<html><body><div><p>测试区2024年政府信息公开工作年度报告</p><table>"
        "<tr><td>信息内容</td><td>采购项目数量</td><td>采购总金额</td></tr>"
        "<tr><td>政府集中采购</td><td><p><span>2</span><span>0</span></p></td>"
        "<td><p><span>&nbsp;</span><span>738.90</span><span>元</span></p></td></tr>"
        "<tr><td>说明</td><td><p>1</p><p>2</p></td><td>3<br>4</td></tr></table></div></body></html>"
    )
    path = tmp_path / "page.html"
    path.write_text(page, encoding="utf-8")
    lines = read(path).text.splitlines()
    assert "政府集中采购\t20\t738.90元" in lines
    assert "说明\t1 2\t3 4" in lines  # paragraphs and line breaks inside a cell still separate
