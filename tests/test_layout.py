"""Rebuilding a page from OCR boxes: tables as tab grids (blank cells stay empty, merged cells keep their text
in their first position, a box straddling a column rule is split), text lines in reading order, and every
piece of text traceable to its box."""

from __future__ import annotations

import pytest

from extractor.readers.imaging import TableGrid
from extractor.readers.layout import Block, Word, page_blocks


def word(text: str, x0: float, y0: float, x1: float, y1: float, score: float = 0.99) -> Word:
    step = (x1 - x0) / len(text)
    return Word(text, x0, y0, x1, y1, tuple(x0 + step * (i + 0.5) for i in range(len(text))), (score,) * len(text))


# A 3-row table: a header row, and a label cell merged over the two value rows (rowspan 2).
#   x: 0 | 100 | 200 | 300 | 400        y: 100 | 130 | 160 | 190
TABLE = TableGrid(
    xs=(0, 100, 200, 300, 400),
    ys=(100, 130, 160, 190),
    cells=(
        (0, 0, 1, 1),
        (0, 1, 1, 1),
        (0, 2, 1, 1),
        (0, 3, 1, 1),
        (1, 0, 2, 1),
        (1, 1, 1, 1),
        (1, 2, 1, 1),
        (1, 3, 1, 1),
        (2, 1, 1, 1),
        (2, 2, 1, 1),
        (2, 3, 1, 1),
    ),
)


def _table_text(words: list[Word], table: TableGrid = TABLE) -> str:
    (block,) = page_blocks(words, [table])
    return block.text


def test_page_blocks_blank_cell_stays_an_empty_field() -> None:
    words = [word("项目", 10, 105, 60, 125), word("新收", 110, 105, 160, 125), word("办结", 210, 105, 260, 125)]
    words += [word("总计", 310, 105, 360, 125), word("申请", 10, 140, 60, 160), word("5", 140, 135, 150, 155)]
    words += [word("7", 340, 135, 350, 155), word("2", 140, 165, 150, 185), word("3", 240, 165, 250, 185)]
    assert _table_text(words).split("\n") == ["项目\t新收\t办结\t总计", "申请\t5\t\t7", "\t2\t3\t"]


def test_page_blocks_merged_cell_text_in_its_first_position() -> None:
    # the label sits in the middle of its rowspan-2 cell, i.e. on the second grid row
    assert _table_text([word("合计", 10, 150, 60, 170)]).split("\n") == ["\t\t\t", "合计\t\t\t", "\t\t\t"]


def test_page_blocks_splits_a_box_straddling_a_column_rule() -> None:
    # the detector joined two neighbouring cells' numbers into one box across the rule at x=200
    assert _table_text([word("12 34", 170, 135, 230, 155)]).split("\n")[1] == "\t12\t34\t"


@pytest.mark.parametrize(
    ("lines", "expected"),
    [
        ((("申请人无正当理由逾期不补", 130), ("正的申请", 150)), "申请人无正当理由逾期不补正的申请"),
        ((("Total", 130), ("count", 150)), "Total count"),
    ],
    ids=["chinese-wrap-joins-without-space", "latin-wrap-keeps-a-space"],
)
def test_page_blocks_wrapped_cell_lines_are_joined(lines: tuple[tuple[str, float], ...], expected: str) -> None:
    table = TableGrid(xs=(0, 300, 400), ys=(100, 190), cells=((0, 0, 1, 1), (0, 1, 1, 1)))
    words = [word(text, 10, y - 8, 10 + 20 * len(text), y + 8) for text, y in lines]
    assert _table_text(words, table) == expected + "\t"


def test_page_blocks_lines_and_tables_in_reading_order() -> None:
    words = [
        word("二、主动公开", 0, 50, 120, 70),
        word("表后说明", 0, 220, 80, 240),
        word("5", 140, 135, 150, 155),
        word("第", 0, 20, 20, 40),
        word("一节", 30, 22, 70, 38),  # same line as 第, a little lower: joined by vertical overlap
    ]
    blocks = page_blocks(words, [TABLE])
    assert [b.text for b in blocks] == ["第一节", "二、主动公开", "\t\t\t\n\t5\t\t\n\t\t\t", "表后说明"]


def test_page_blocks_pieces_point_at_their_text_and_box() -> None:
    words = [word("申请", 10, 140, 60, 160, 0.97), word("5", 140, 135, 150, 155, 0.42), word("7", 340, 135, 350, 155)]
    (block,) = page_blocks(words, [TABLE])
    assert isinstance(block, Block)
    shown = {block.text[p.offset : p.offset + p.length]: (p.box, p.confidence) for p in block.pieces}
    assert shown == {
        "申请": ((10, 140, 60, 160), 0.97),
        "5": ((140, 135, 150, 155), 0.42),
        "7": ((340, 135, 350, 155), 0.99),
    }


def test_page_blocks_unruled_table_columns_from_the_fullest_rows() -> None:
    words = [word("二、主动公开政府信息情况", 10, 20, 250, 40)]
    words += [
        word("信息内容", 10, 60, 90, 80),
        word("本年制发件数", 150, 60, 250, 80),
        word("本年废止件数", 300, 60, 400, 80),
    ]
    words += [word("规章", 10, 90, 50, 110), word("12", 190, 90, 210, 110)]  # blank in the last column
    words += [word("行政规范性文件", 10, 120, 130, 140), word("0", 195, 120, 205, 140), word("305", 340, 120, 370, 140)]
    words += [word("行政许可", 10, 150, 90, 170), word("处理决定数量合计", 150, 150, 400, 170)]  # spans two columns
    blocks = page_blocks(words, [])
    assert [b.text for b in blocks] == [
        "二、主动公开政府信息情况",
        "信息内容\t本年制发件数\t本年废止件数\n规章\t12\t\n行政规范性文件\t0\t305\n行政许可\t处理决定数量合计\t",
    ]


def test_page_blocks_prose_is_not_taken_for_a_table() -> None:
    words = [word("本年度共收到申请", 10, 20, 170, 40), word("5件", 200, 20, 230, 40)]
    words += [word("其中网上申请", 10, 50, 130, 70), word("3件", 200, 50, 230, 70)]
    assert [b.text for b in page_blocks(words, [])] == ["本年度共收到申请 5件", "其中网上申请 3件"]
