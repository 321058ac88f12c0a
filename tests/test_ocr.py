"""Scanned reports: a PDF of page images (and a PNG) read by OCR into the same tab-grid text as a text layer,
blank cells kept blank, spans traceable to page boxes, the result cached by file hash; without the [ocr]
extra, a failure record that names the install command.

The real engine runs on one small page (a heading and a ruled table), read once per file: about 2 s in all.
Whole reports are measured by ``extractor eval --synthetic N --inputs scan`` and benchmarks/bench_ocr.py.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from extractor.errors import InputError, OcrUnavailableError, UsageError
from extractor.pipeline import extract_path
from extractor.readers import read
from extractor.readers.ocr import INSTALL, ocr_mode
from extractor.regions import boxes_within
from extractor.schema import FailureRecord
from extractor.synthetic.files import scanned_pdf

ROWS = [["信息内容", "本年制发件数", "本年废止件数"], ["规章", "12", ""], ["行政规范性文件", "0", "305"]]


def _small_report_pdf() -> bytes:
    """One small page: a heading and a ruled table with a blank cell, in the CJK font of the synthetic PDFs."""
    import io

    from reportlab.lib import colors
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Table, TableStyle

    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    style = ParagraphStyle("cjk", fontName="STSong-Light", fontSize=10, leading=14)
    table = Table(
        ROWS,
        style=TableStyle(
            [("GRID", (0, 0), (-1, -1), 0.5, colors.black), ("FONT", (0, 0), (-1, -1), "STSong-Light", 9)]
        ),
    )
    buf = io.BytesIO()
    SimpleDocTemplate(buf, pagesize=(330, 150), leftMargin=15, rightMargin=15, topMargin=15, bottomMargin=10).build(
        [Paragraph("二、主动公开政府信息情况", style), table]
    )
    return buf.getvalue()


@pytest.fixture(scope="module")
def scan_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    pytest.importorskip("rapidocr_onnxruntime", reason="the [ocr] extra is not installed")
    from extractor.synthetic.scan import scan_pdf

    path = tmp_path_factory.mktemp("scan") / "scan.pdf"
    path.write_bytes(scan_pdf(_small_report_pdf(), seed=3, dpi=150))
    return path


@pytest.fixture(autouse=True)
def _own_cache(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("EXTRACTOR_CACHE", str(tmp_path_factory.getbasetemp() / "cache"))
    monkeypatch.delenv("EXTRACTOR_OCR", raising=False)


def test_read_scanned_pdf_gives_the_table_as_a_tab_grid_with_blanks(scan_file: Path) -> None:
    doc = read(scan_file)
    lines = doc.text.splitlines()
    assert doc.encoding == "pdf+ocr" and doc.pages == ((0, len(doc.text)),)
    assert "主动公开政府信息情况" in lines[0]
    assert lines[1:] == ["\t".join(row) for row in ROWS]  # the blank cell is an empty field, not a lost column


def test_read_scanned_pdf_spans_lead_to_page_boxes(scan_file: Path) -> None:
    doc = read(scan_file)
    assert doc.ocr is not None
    start = doc.text.index("305")
    ((page, box),) = boxes_within(doc.ocr, start, start + 3)
    assert page == 1 and doc.text[box.start : box.end] == "305" and 0 < box.confidence <= 1
    x0, y0, x1, y1 = box.box
    (info,) = doc.ocr
    assert 0 <= x0 < x1 <= info.width and 0 <= y0 < y1 <= info.height and info.dpi == 150


def test_read_scanned_pdf_document_survives_a_worker_process(scan_file: Path) -> None:
    import pickle

    doc = read(scan_file)
    assert pickle.loads(pickle.dumps(doc)) == doc  # what a --jobs worker hands back


def test_read_scanned_pdf_again_uses_the_cache(scan_file: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    first = read(scan_file).text

    def no_ocr(*args: object) -> None:
        raise AssertionError("OCR ran again for a cached file")

    monkeypatch.setattr("extractor.readers.ocr.scan", no_ocr)
    assert read(scan_file).text == first


def test_read_png_is_a_one_page_report(scan_file: Path, tmp_path: Path) -> None:
    import pypdfium2 as pdfium

    page = pdfium.PdfDocument(scan_file)[0]
    png = tmp_path / "page.png"
    page.render(scale=150 / 72).to_pil().save(png, dpi=(150, 150))
    doc = read(png)
    assert doc.encoding == "ocr" and len(doc.pages or ()) == 1
    assert doc.text.splitlines()[1:] == ["\t".join(row) for row in ROWS]


def _image_pdf() -> bytes:
    """A PDF whose one page is an image (a scan of nothing), written by Pillow: no text layer."""
    import io

    from PIL import Image

    buf = io.BytesIO()
    Image.new("L", (200, 280), 230).save(buf, "PDF", resolution=50.0)
    return buf.getvalue()


def test_read_scanned_pdf_without_the_extra_names_the_install_command(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "scan.pdf"
    path.write_bytes(_image_pdf())
    monkeypatch.setitem(sys.modules, "rapidocr_onnxruntime", None)  # as if the extra were not installed
    with pytest.raises(OcrUnavailableError, match="no text layer") as info:
        read(path)
    assert INSTALL in str(info.value)
    record = extract_path(path, "scan")
    assert isinstance(record, FailureRecord)
    assert record.error.type == "OcrUnavailableError" and "pip install 'extractor[ocr]'" in record.error.message


def test_read_scanned_pdf_with_ocr_never_says_how_to_read_it(tmp_path: Path) -> None:
    path = tmp_path / "scan.pdf"
    path.write_bytes(scanned_pdf())
    with pytest.raises(InputError, match="--ocr auto"):
        read(path, ocr="never")


@pytest.mark.parametrize(("given", "expected"), [(None, "auto"), ("ALWAYS", "always"), ("never", "never")])
def test_ocr_mode_from_argument_or_environment(given: str | None, expected: str) -> None:
    assert ocr_mode(given) == expected


def test_ocr_mode_rejects_an_unknown_value(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("EXTRACTOR_OCR", "sometimes")
    with pytest.raises(UsageError, match="auto, always, never"):
        ocr_mode()


def test_image_pages_one_per_tiff_frame_with_its_dpi() -> None:
    pytest.importorskip("PIL")
    import io

    from PIL import Image

    from extractor.readers.ocr import image_pages

    frames = [Image.new("L", (60, 40), 255), Image.new("L", (50, 30), 200)]
    buf = io.BytesIO()
    frames[0].save(buf, "TIFF", save_all=True, append_images=frames[1:], dpi=(300, 300))
    pages = image_pages(buf.getvalue(), "fax.tif")
    assert [(g.shape, dpi) for g, dpi in pages] == [((40, 60), 300), ((30, 50), 300)]


def test_read_broken_image_names_the_file_and_the_fix(tmp_path: Path) -> None:
    pytest.importorskip("rapidocr_onnxruntime", reason="the [ocr] extra is not installed")
    path = tmp_path / "page.png"
    path.write_bytes(b"\x89PNG\r\n\x1a\n not really an image")
    record = extract_path(path, "page")
    assert isinstance(record, FailureRecord) and record.error.type == "BinaryDocumentError"
    assert str(path) in record.error.message and "re-scan" in record.error.message
