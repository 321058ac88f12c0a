"""Splitting run-together digits: only where the identities leave one way; never a cell with a leading zero."""

from __future__ import annotations

from extractor.tables import glued
from extractor.tables.tokens import VALUE, Token

COLS = ("natural_person", "commercial_enterprise", "research_institution", "social_welfare_org",
        "legal_service_org", "other_org", "total")  # fmt: skip


def _r33(cols: tuple[str, ...], values: list[int | float | None]) -> bool:
    return values[-1] == sum(v or 0 for v in values[:-1])


def _run(text: str, at: int = 100) -> Token:
    return Token(VALUE, text, at, at + len(text), 1, 0)


def test_row_splits_finds_the_one_split_that_adds_up_and_locates_each_cell() -> None:
    found = glued.row_splits([_run("15130000154")], 7, COLS, _r33)
    assert found is not None and len(found) == 1
    assert [t.text for t in found[0]] == ["151", "3", "0", "0", "0", "0", "154"]
    assert [(t.start, t.end) for t in found[0]][:2] == [(100, 103), (103, 104)]


def test_row_splits_keeps_every_split_that_adds_up() -> None:
    found = glued.row_splits([_run("112000013")], 7, COLS, _r33)
    assert found is not None and sorted(tuple(t.text for t in f[:2]) for f in found) == [("1", "12"), ("11", "2")]


def test_row_splits_never_reads_a_leading_zero() -> None:
    assert glued.row_splits([_run("005")], 2, ("a", "total"), lambda c, v: True) == []  # 0/05 and 00/5


def test_blank_reading_sees_a_row_a_vanished_blank_explains() -> None:
    assert glued.blank_reading([_run("110000011")], 7, COLS, _r33) is False  # 11/0/0/0/0/0/11 only
    # 0/0/0/1/21/0/22 adds up, and so does 0/0/0/12/(blank)/10/22: a vanished blank explains it as well
    assert glued.row_splits([_run("000121022")], 7, COLS, _r33) is not None
    assert glued.blank_reading([_run("000121022")], 7, COLS, _r33) is True


def test_resolve_settles_by_the_column_sums_and_says_when_nothing_adds_up() -> None:
    cols = ("a", "total")
    fixed = {"sum": {"a": 12, "total": 14}, "other": {"a": 1, "total": 1}}
    options: dict[str, list[list[int | float | None]]] = {"part": [[1, 13], [11, 13]]}
    assert glued.resolve(fixed, options, cols, [(("sum",), ("part", "other"))], {}) == {"part": 1}
    assert (
        glued.resolve({**fixed, "sum": {"a": 99, "total": 14}}, options, cols, [(("sum",), ("part", "other"))], {})
        is None
    )
