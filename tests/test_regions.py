"""Where OCR'd text came from: a span finds its page and boxes, a cell read with low confidence carries the
score (its value untouched), and the record keeps the boxes compactly."""

from __future__ import annotations

from extractor.regions import OcrPage, TextBox, boxes_within, confidence, mark_low_confidence, ocr_info
from extractor.schema import Cell, Report

PAGES = (
    OcrPage(1, 1000, 700, 150, 0.4, (TextBox(0, 4, (10, 10, 90, 30), 0.99), TextBox(5, 7, (10, 40, 40, 60), 0.98))),
    OcrPage(
        2,
        1000,
        700,
        150,
        0.0,
        (TextBox(10, 12, (300, 100, 330, 120), 0.41), TextBox(13, 14, (400, 100, 410, 120), 0.95)),
    ),
)


def test_boxes_within_finds_page_and_box_of_a_span() -> None:
    assert boxes_within(PAGES, 10, 12) == [(2, PAGES[1].boxes[0])]
    assert [page for page, _ in boxes_within(PAGES, 3, 11)] == [1, 1, 2]
    assert boxes_within(PAGES, 4, 5) == []  # the newline between two boxes was not read from anywhere


def test_confidence_is_the_least_certain_piece() -> None:
    assert confidence(PAGES, 0, 12) == 0.41
    assert confidence(PAGES, 20, 30) is None


def test_mark_low_confidence_keeps_the_value_and_adds_the_score() -> None:
    low: Cell = {"value": 12, "raw": "12", "span": (10, 12)}
    sure: Cell = {"value": 3, "raw": "3", "span": (13, 14)}
    blank: Cell = {"value": None, "raw": "", "span": (12, 12)}
    mark_low_confidence([{"row": {"a": low, "b": sure, "c": blank}}, None], PAGES)
    assert low == {"value": 12, "raw": "12", "span": (10, 12), "confidence": 0.41}
    assert "confidence" not in sure and "confidence" not in blank


def test_ocr_info_is_one_flat_list_per_box() -> None:
    info = ocr_info(PAGES)
    assert info is not None and ocr_info(None) is None
    assert info.pages[1].boxes[0] == (10, 12, 300, 100, 330, 120, 41)
    assert info.pages[0].size == (1000, 700) and info.pages[0].angle == 0.4
    assert "confidence" in Report.model_json_schema()["$defs"]["Cell"]["properties"]
