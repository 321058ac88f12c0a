"""Boxes fitted to the ink before they are read: a minus sign recovered from its bar, a cell's stacked
characters cut into lines, a line boxed twice read once."""

from __future__ import annotations

import pytest

pytest.importorskip("cv2", reason="the [ocr] extra is not installed")

from extractor.readers.boxes import dedupe, ink_lines, minus_sign
from extractor.readers.layout import Word


def _ink_page(marks: list[tuple[int, int, int, int]]) -> object:
    np = pytest.importorskip("numpy")
    page = np.zeros((40, 60), np.uint8)
    for x0, y0, x1, y1 in marks:
        page[y0:y1, x0:x1] = 255
    return page


@pytest.mark.parametrize(
    ("stub", "expected"),
    [((2, 19, 10, 20), "-4"), ((8, 19, 10, 20), "4"), ((2, 25, 10, 26), "4")],
    ids=["sign-touching-the-digit", "crossbar-end-of-a-plain-4", "stub-at-the-foot"],
)
def test_minus_sign_read_from_a_bar_joined_to_the_digit(stub: tuple[int, int, int, int], expected: str) -> None:
    page = _ink_page([stub, (10, 14, 16, 26)])  # the stub runs into the 6x12 digit, as at 150 dpi
    word = Word("4", 0, 10, 20, 30, (13.0,), (0.99,))
    assert minus_sign(word, page).text == expected


@pytest.mark.parametrize(
    ("bar", "expected"),
    [((4, 19, 8, 20), "-3"), ((4, 26, 8, 27), "3"), ((4, 12, 8, 13), "3"), ((2, 17, 9, 23), "3")],
    ids=["minus-level-with-the-digit", "underscore-low", "mark-high", "blob-not-a-bar"],
)
def test_minus_sign_read_from_a_flat_bar_beside_the_digits(bar: tuple[int, int, int, int], expected: str) -> None:
    page = _ink_page([bar, (10, 14, 16, 26)])  # the digit: 6 px wide, 12 px tall
    word = Word("3", 0, 10, 20, 30, (13.0,), (0.99,))
    assert minus_sign(word, page).text == expected


def test_ink_lines_cuts_stacked_characters_apart() -> None:
    page = _ink_page([(20, 5, 32, 17), (20, 20, 32, 32)])  # 总 over 计: two 12-px glyphs, 3 px apart
    assert ink_lines(page, (20, 5, 32, 32), glyph=12) == [(20, 5, 32, 17), (20, 20, 32, 32)]
    assert ink_lines(page, (20, 5, 32, 17), glyph=12) == [(20, 5, 32, 17)]


def test_dedupe_drops_a_line_boxed_twice() -> None:
    boxes = [(60.0, 901.0, 435.0, 924.0), (63.0, 907.0, 433.0, 919.0), (500.0, 901.0, 560.0, 924.0)]
    assert sorted(dedupe(boxes)) == [(60.0, 901.0, 435.0, 924.0), (500.0, 901.0, 560.0, 924.0)]
