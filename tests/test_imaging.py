"""Page images before OCR: a skewed scan is straightened, and a ruled table's rows, columns and merged cells
are found from its lines."""

from __future__ import annotations

from typing import Any

import pytest

cv2 = pytest.importorskip("cv2", reason="the [ocr] extra is not installed")
np = pytest.importorskip("numpy")

from extractor.readers.imaging import cell_ink, deskew, find_tables, ink  # noqa: E402

XS = (100, 300, 400, 500, 600)
YS = (200, 240, 280, 320)


def _page(angle: float = 0.0) -> Any:
    """A white page with text-like strokes above a ruled 3x4 table whose first column's last two cells
    are merged (no rule between them), turned by ``angle`` degrees."""
    page = np.full((600, 800), 235, np.uint8)
    for x in XS:
        cv2.line(page, (x, YS[0]), (x, YS[-1]), 20, 1)
    for i, y in enumerate(YS):
        cv2.line(page, (XS[0] if i != 2 else XS[1], y), (XS[-1], y), 20, 1)  # no rule under row 1 in column 0
    cv2.putText(page, "7", (330, 232), cv2.FONT_HERSHEY_SIMPLEX, 0.8, 30, 2)
    for row in range(4):  # lines of "text" above the table
        cv2.rectangle(page, (100, 60 + 30 * row), (600, 72 + 30 * row), 40, -1)
    if angle:
        matrix = cv2.getRotationMatrix2D((400, 300), angle, 1.0)
        page = cv2.warpAffine(page, matrix, (800, 600), borderValue=235)
    return page


@pytest.mark.parametrize("angle", [0.0, 0.8, -1.0], ids=["straight", "plus-0.8", "minus-1.0"])
def test_deskew_recovers_small_rotations(angle: float) -> None:
    straight, found = deskew(_page(angle))
    assert found == pytest.approx(-angle, abs=0.08)
    assert straight.shape == (600, 800)


def test_find_tables_rows_columns_and_merged_cells() -> None:
    straight, _ = deskew(_page(0.7))
    (table,) = find_tables(straight, text_height=12)
    assert [round(x) for x in table.xs] == pytest.approx(XS, abs=3)
    assert [round(y) for y in table.ys] == pytest.approx(YS, abs=3)
    assert (1, 0, 2, 1) in table.cells  # column 0, rows 1-2 merged: no rule between them
    assert len(table.cells) == 3 * 4 - 1
    filled = [k for k, box in enumerate(cell_ink(ink(straight), table)) if box is not None]
    assert [table.cells[k][:2] for k in filled] == [(0, 1)]  # only the cell holding the 7 has ink


def test_find_tables_ignores_a_page_without_rules() -> None:
    page = np.full((300, 400), 235, np.uint8)
    cv2.putText(page, "no table here", (20, 100), cv2.FONT_HERSHEY_SIMPLEX, 1.0, 30, 2)
    assert find_tables(page, text_height=20) == []
