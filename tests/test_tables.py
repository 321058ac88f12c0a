"""Label-anchored table parsing: every layout of SPEC §5, both formats, non-zero values, blanks, spans."""

from __future__ import annotations

import itertools
import re

import pytest

from extractor.ingest import Document
from extractor.sections import find_sections
from extractor.synthetic import LAYOUTS, SyntheticDoc, generate
from extractor.tables import parse_table2, parse_table3, parse_table4
from tests.conftest import extract_text

CASES = [
    pytest.param(layout, fmt2, fmt3, subtotal, id=f"{layout}-t2_{fmt2}-t3_{fmt3}{'-subtotal' if subtotal else ''}")
    for layout, fmt2, fmt3, subtotal in itertools.product(LAYOUTS, ("2021", "2019"), ("2021", "2019"), (False, True))
]


def _assert_recovered(doc: SyntheticDoc) -> None:
    report = extract_text(doc.text)
    tables = {"table2": report.table2, "table3": report.table3, "table4": report.table4}
    wrong = []
    for path, (raw, span) in doc.cells.items():
        table, row, col = path.split(".")
        cell = (tables[table] or {}).get(row, {}).get(col)
        expected = doc.values.get(path)
        if cell is None or cell["value"] != expected or cell["raw"] != raw or (raw and cell["span"] != span):
            wrong.append((path, expected, raw, cell))
    assert not wrong, f"{len(wrong)} cells wrong, e.g. {wrong[:3]}"
    assert report.format.table2 == doc.values.fmt2
    assert report.format.table3 == doc.values.fmt3
    assert [f for f in report.findings if f.severity == "error"] == []
    for cell in (c for t in tables.values() for cols in (t or {}).values() for c in cols.values()):
        assert cell["span"] is not None and doc.text[cell["span"][0] : cell["span"][1]] == cell["raw"]


@pytest.mark.parametrize(("layout", "fmt2", "fmt3", "subtotal"), CASES)
@pytest.mark.parametrize("seed", [1, 2])
def test_parse_recovers_every_nonzero_cell_and_span(
    layout: str, fmt2: str, fmt3: str, subtotal: bool, seed: int
) -> None:
    _assert_recovered(generate(seed, layout, fmt2, fmt3, subtotal, zero_rate=0.1))  # type: ignore[arg-type]


def _assert_never_silently_wrong(doc: SyntheticDoc) -> int:
    """Every cell is right, or absent with its row reported (S2): never a wrong value. Returns absent count."""
    report = extract_text(doc.text)
    tables = {"table2": report.table2, "table3": report.table3, "table4": report.table4}
    reported = {
        f.cells[0].path.rsplit(".", 1)[0] if f.cells else f.message.split(":")[0]
        for f in report.findings
        if f.rule == "S2"
    }
    absent = 0
    for path, (raw, _) in doc.cells.items():
        table, row, col = path.split(".")
        cell = (tables[table] or {}).get(row, {}).get(col)
        if cell is None:
            absent += 1
            assert f"{table}.{row}" in reported or table in reported, f"{path} missing without a finding"
        else:
            assert (cell["value"], cell["raw"]) == (doc.values.get(path), raw), path
    return absent


@pytest.mark.parametrize("layout", [x for x in LAYOUTS if not x.startswith("tab")])
@pytest.mark.parametrize("seed", [3, 4, 5])
def test_parse_keeps_blank_cells_null_not_zero(layout: str, seed: int) -> None:
    doc = generate(seed, layout, blank_rate=0.15)
    assert any(v is None for cols in doc.values.table3.values() for v in cols.values())
    _assert_recovered(doc)


@pytest.mark.parametrize("layout", ["tab", "tab_merged"])
@pytest.mark.parametrize("seed", range(8))
def test_parse_reports_blanks_it_cannot_place_in_tab_tables(layout: str, seed: int) -> None:
    # In tab text an empty cell may be a blank or merged-label padding (more so when merged label cells
    # collapse to the left, as in the bundled documents). A row whose blanks cannot be placed from rows of
    # the same shape must be reported, never filled by guess; most rows still can be.
    doc = generate(seed, layout, "2021", "2021", subtotal=seed % 2 == 0, blank_rate=0.15)
    absent = _assert_never_silently_wrong(doc)
    assert absent <= 0.2 * len(doc.cells)


def test_parse_ignores_a_bare_page_number_inside_a_tab_table() -> None:
    doc = generate(12, "tab", zero_rate=0.1, blank_rate=0.1)
    end = doc.text.index("\n", doc.text.index("4.保护第三方合法权益"))
    text = doc.text[:end] + "\n4" + doc.text[end:]
    report = extract_text(text)
    assert report.table3 is not None
    row = report.table3["denied_third_party_rights"]
    assert {c: cell["value"] for c, cell in row.items()} == doc.values.table3["denied_third_party_rights"]


def test_parse_prefers_the_row_that_fits_over_a_prose_line() -> None:
    doc = generate(13, "pdf", zero_rate=0.1)
    start = doc.text.index("第二十条第（一）项")
    text = doc.text[:start] + "2024 年，本机关制发规范性文件 0 件。\n" + doc.text[start:]
    report = extract_text(text)
    assert report.table2 is not None
    got = {c: cell["value"] for c, cell in report.table2["normative_documents"].items()}
    assert got == doc.values.table2["normative_documents"]
    assert not [f for f in report.findings if f.severity == "error"]


def test_parse_table4_ignores_a_footnote_with_numbers() -> None:
    doc = generate(14, "tab", zero_rate=0.1)
    end = doc.text.index("五、存在的主要问题")
    text = doc.text[:end] + "注：数据统计截至 2024 年 12 月 31 日。\n\n" + doc.text[end:]
    report = extract_text(text)
    assert report.table4 is not None
    assert {b: {c: x["value"] for c, x in cols.items()} for b, cols in report.table4.items()} == doc.values.table4


def _tables_of(text: str):  # type: ignore[no-untyped-def]
    doc = Document.from_text(text)
    s = find_sections(doc)
    return (
        parse_table2(doc, s["table2"].body_start, s["table2"].end),
        parse_table3(doc, s["table3"].body_start, s["table3"].end),
        parse_table4(doc, s["table4"].body_start, s["table4"].end),
    )


def test_parse_reads_rows_in_scrambled_order() -> None:
    doc = generate(5, "tab", zero_rate=0.1)
    lines = doc.text.split("\n")
    i = next(i for i, line in enumerate(lines) if line.startswith("二、上年结转"))
    j = next(i for i, line in enumerate(lines) if line.startswith("四、结转下年度"))
    lines[i], lines[j] = lines[j], lines[i]
    _, t3, _ = _tables_of("\n".join(lines))
    assert t3.data is not None
    assert t3.data["carried_over"]["total"]["value"] == doc.values.get("table3.carried_over.total")
    assert t3.data["carried_forward"]["total"]["value"] == doc.values.get("table3.carried_forward.total")


def test_parse_reports_a_row_with_missing_values_instead_of_guessing() -> None:
    doc = generate(6, "pdf", zero_rate=0.1)
    start = doc.text.index("2.重复申请")
    end = doc.text.index("\n", start)
    text = doc.text[:start] + " ".join(doc.text[start:end].split()[:-2]) + doc.text[end:]  # drop two numbers
    report = extract_text(text)
    assert "rejected_duplicate" not in (report.table3 or {})
    s2 = [f for f in report.findings if f.rule == "S2" and "rejected_duplicate" in f.message]
    assert s2 and s2[0].severity == "error" and "not filled" in s2[0].message


def test_parse_table2_reports_an_undeterminable_format() -> None:
    doc = generate(2, "tab")
    text = doc.text
    for header in ("本年制发件数", "本年废止件数", "现行有效件数", "本年处理决定数量", "本年收费金额（单位：万元）"):
        text = text.replace(header, "数量")
    t2, t3, _ = _tables_of(text)
    assert t2.format is None and t2.data is None
    assert any(p.rule == "S1" and "format" in p.message for p in t2.problems)
    assert t3.format == "2021"


def test_parse_detects_format_per_table_in_a_mixed_document() -> None:
    doc = generate(4, "pipe", fmt2="2019", fmt3="2021")
    t2, t3, _ = _tables_of(doc.text)
    assert (t2.format, t3.format) == ("2019", "2021")
    assert set(t2.data or {}) >= {"other_services", "procurement"}
    assert "other_other" in (t3.data or {}) and "other_handling" not in (t3.data or {})


@pytest.mark.parametrize(
    ("typo", "fixed"),
    [("本年度止件数", "header typo (seed 000)"), ("规 章", "spaced label (seed 003)")],
    ids=["header-typo", "spaced-label"],
)
def test_parse_survives_label_typos_seen_in_real_reports(typo: str, fixed: str) -> None:
    doc = generate(8, "tab", zero_rate=0.1)
    text = doc.text.replace("本年废止件数", typo) if "止" in typo else doc.text.replace("\n规章\t", "\n规 章\t")
    t2, _, _ = _tables_of(text)
    assert t2.format == "2021", fixed
    assert t2.data is not None
    assert t2.data["regulations"]["issued"]["value"] == doc.values.get("table2.regulations.issued")


def test_parse_table4_row_per_block_never_fills_by_position() -> None:
    doc = generate(15, "tab", zero_rate=0.1)
    start = doc.text.index("行政复议\t")
    end = doc.text.index("\n\n", start)
    v = doc.values.table4

    def line(label: str, block: str) -> str:
        return f"{label} " + " ".join(str(v[block][c]) for c in ("upheld", "corrected", "other", "pending", "total"))

    rows = [
        line("行政诉讼 复义后起诉", "litigation_after_review"),
        line("行政复议", "review"),
        line("行政诉讼 未经复议直接起诉", "litigation_direct"),
    ]  # out of order, one label OCR-damaged
    _, _, t4 = _tables_of(doc.text[:start] + "\n".join(rows) + doc.text[end:])
    assert t4.data is not None
    assert {b: {c: cell["value"] for c, cell in cols.items()} for b, cols in t4.data.items()} == v
    assert any("only unlabelled row" in p.message for p in t4.problems)


def test_parse_table4_row_per_block_layout() -> None:
    doc = generate(9, "tab", zero_rate=0.1)
    start = doc.text.index("行政复议\t")
    end = doc.text.index("\n\n", start)
    v = doc.values.table4
    rows = [
        f"{label} " + " ".join(str(v[block][c]) for c in ("upheld", "corrected", "other", "pending", "total"))
        for label, block in (
            ("行政复议", "review"),
            ("行政诉讼 未经复议直接起诉", "litigation_direct"),
            ("行政诉讼 复议后起诉", "litigation_after_review"),
        )
    ]
    text = doc.text[:start] + "\n".join(rows) + doc.text[end:]
    _, _, t4 = _tables_of(text)
    assert t4.data is not None
    assert {b: {c: cell["value"] for c, cell in cols.items()} for b, cols in t4.data.items()} == v


@pytest.mark.parametrize(
    ("old", "new"),
    [("（七）总计", "（七）合计"), ("3.其他", "3.其它")],
    ids=["heji", "qita-variant"],
)
def test_parse_reads_label_variants(old: str, new: str) -> None:
    doc = generate(16, "tab", zero_rate=0.1)
    _assert_recovered(SyntheticDoc(**{**doc.__dict__, "text": doc.text.replace(old, new)}))


def test_parse_reads_unit_suffixed_counts_and_bar_blanks() -> None:
    text = generate(17, "tab", zero_rate=0.0).text
    start = text.index("（七）总计")
    end = text.index("\n", start)
    cells = text[start:end].split("\t")  # label, merged padding, 7 values, maybe a padding tab
    values = [c for c in cells[2:] if c]
    row = "\t".join([*cells[:2], "―", *(c + "件" for c in values[1:])])
    report = extract_text(text[:start] + row + text[end:])
    assert report.table3 is not None
    got = report.table3["results_total"]
    assert got["natural_person"]["value"] is None and got["natural_person"]["raw"] == "―"
    assert got["total"]["value"] == int(values[-1]) and got["total"]["raw"] == values[-1] + "件"
    assert "unit" not in got["total"]


# --- layouts of real reports -------------------------------------------------------------------------


def _first_seed(layout: str, want, fmt3: str = "2019") -> SyntheticDoc:  # type: ignore[no-untyped-def]
    return next(d for s in range(100) if want(d := generate(s, layout, "2021", fmt3, zero_rate=0.1)))  # type: ignore[arg-type]


@pytest.mark.parametrize("layout", ["tab", "pipe", "markdown", "pipe_join", "pdf", "cells", "ocr"])
def test_parse_tells_a_2019_table3_whose_other_handling_row_is_all_blank(layout: str) -> None:
    doc = _first_seed(layout, lambda d: d.values.table3["other_handling"]["total"] is None)
    _assert_recovered(doc)  # format 2019 told from the row labels, the row's cells null, not 0


def test_parse_tells_the_format_from_a_blank_row_label_run_into_the_next_in_flat_text() -> None:
    doc = generate(21, "pdf", "2021", "2019", zero_rate=0.1)
    text = re.sub(r"（六）其他处理[^\n]*\n", "（六）其他处理\n", doc.text)  # its blank signs lost in the text layer
    report = extract_text(text)
    assert report.format.table3 == "2019" and report.table3 is not None
    assert "other_handling" not in report.table3  # no cell of it to read: refused, never zeros
    assert report.table3["results_total"]["total"]["value"] == doc.values.get("table3.results_total.total")


def test_parse_reads_a_joined_pipe_row_that_ends_in_blank_cells() -> None:
    doc = generate(22, "pipe_join", zero_rate=0.1)
    start = doc.text.index("\n", doc.text.index(" |  |  |  |  | 结果维持")) + 1
    end = doc.text.index("\n", start)
    row = "5 |  |  | 2 | 7 | 8 |  |  | 1 | 9 |  |  |  |  | "  # as a crawler exported it
    text = doc.text[:start] + row + doc.text[end:]
    report = extract_text(text)
    got = {b: [c["value"] for c in cols.values()] for b, cols in (report.table4 or {}).items()}
    assert got == {
        "review": [5, None, None, 2, 7],
        "litigation_direct": [8, None, None, 1, 9],
        "litigation_after_review": [None] * 5,
    }
    for cols in (report.table4 or {}).values():
        for cell in cols.values():
            assert cell["span"] is not None and text[cell["span"][0] : cell["span"][1]] == cell["raw"]


@pytest.mark.parametrize("layout", ["ocr_markdown", "crawler"])
@pytest.mark.parametrize("seed", range(12))
def test_parse_never_prints_a_wrong_value_on_damaged_layouts(layout: str, seed: int) -> None:
    doc = generate(seed, layout, "2021" if seed % 2 else "2019", "2019" if seed % 3 else "2021", blank_rate=0.1)
    _assert_never_silently_wrong(doc)


def test_parse_rebuilds_ocr_markdown_table3_rows_out_of_order_and_detached() -> None:
    docs = [generate(seed, "ocr_markdown", zero_rate=0.1) for seed in range(6)]
    assert sum(bool(re.search(r"\|  \|  \|  \| \d", d.text)) for d in docs) >= 3, "labels detached in most"
    for doc in docs:
        report = extract_text(doc.text)
        got = {r: {c: x["value"] for c, x in cols.items()} for r, cols in (report.table3 or {}).items()}
        assert got == doc.values.table3


def test_parse_refuses_a_row_with_a_misread_value() -> None:
    doc = generate(23, "markdown", zero_rate=0.0)
    value = doc.values.get("table2.normative_documents.in_force")
    text = re.sub(r"(\| 行政规范性文件 \| \d+ \| \d+ \| )\d+", r"\g<1>" + str(value).replace("1", "l") + "O", doc.text)
    report = extract_text(text)
    assert "normative_documents" not in (report.table2 or {})
    s2 = [f for f in report.findings if f.rule == "S2" and "normative_documents" in f.message]
    assert s2 and s2[0].severity == "error" and "cannot be read" in s2[0].message


def _one_line(rows: dict[str, str]) -> str:
    """A 2021 report as a crawler flattens it: one line, table-3 cells run together."""
    doc = generate(24, "crawler", zero_rate=1.0)
    text = re.sub(r"本年度共收到[^。]*。全部按时答复，办结\d+件。", "依申请公开工作按规定办理。", doc.text)
    rows = {"二、上年结转政府信息公开申请数量": "0000000", "四、结转下年度继续办理": "0000000", **rows}
    for label, run in rows.items():
        text = re.sub(re.escape(label) + r"\d+", label + run, text, count=1)
    return text


def test_parse_splits_a_glued_row_where_its_identity_leaves_one_way() -> None:
    text = _one_line(
        {
            "一、本年新收政府信息公开申请数量": "15130000154",
            "（一）予以公开": "15130000154",
            "（七）总计": "15130000154",
        }
    )
    assert "\n" not in text.strip()
    report = extract_text(text)
    assert report.table3 is not None
    for row in ("new_received", "granted", "results_total"):
        assert [c["value"] for c in report.table3[row].values()] == [151, 3, 0, 0, 0, 0, 154]
        assert [text[slice(*c["span"] or (0, 0))] for c in report.table3[row].values()] == [
            "151", "3", "0", "0", "0", "0", "154",
        ]  # fmt: skip
    assert any(f.rule == "S2" and "15130000154" in f.message for f in report.findings)


def test_parse_refuses_glued_rows_that_split_several_ways() -> None:
    # 112000013 is 1/12/…/13 or 11/2/…/13, and with the two rows swapped the column sums hold either way.
    text = _one_line(
        {
            "一、本年新收政府信息公开申请数量": "1214000026",
            "（一）予以公开": "112000013",
            "（二）部分公开（区分处理的，只计这一情形，不计其他情形）": "112000013",
            "（七）总计": "1214000026",
        }
    )
    report = extract_text(text)
    assert report.table3 is not None
    assert "granted" not in report.table3 and "partially_granted" not in report.table3
    assert [c["value"] for c in report.table3["results_total"].values()] == [12, 14, 0, 0, 0, 0, 26]
    errors = [f.message for f in report.findings if f.rule == "S2" and f.severity == "error"]
    assert any("granted" in m and "several ways" in m for m in errors)


def test_parse_settles_a_glued_row_by_the_column_sums() -> None:
    # Alone, 112000013 is 1/12/…/13 or 11/2/…/13; R3.2 (总计 12 = 予以公开 + 部分公开 1) leaves 11/2.
    text = _one_line(
        {
            "一、本年新收政府信息公开申请数量": "122000014",
            "（一）予以公开": "112000013",
            "（二）部分公开（区分处理的，只计这一情形，不计其他情形）": "1000001",
            "（七）总计": "122000014",
        }
    )
    report = extract_text(text)
    assert report.table3 is not None
    assert [c["value"] for c in report.table3["granted"].values()] == [11, 2, 0, 0, 0, 0, 13]
    assert [c["value"] for c in report.table3["results_total"].values()] == [12, 2, 0, 0, 0, 0, 14]


def test_parse_reads_a_glued_row_of_one_digit_a_cell_that_does_not_add_up() -> None:
    """Seven digits for seven cells split one way whatever the sums say: the row is read as printed (the
    document's own error, which R3.3 then reports), and it vouches for no other row's split."""
    text = _one_line(
        {
            "一、本年新收政府信息公开申请数量": "100 0 0 00",  # 自然人 1, 总计 0: R3.3 fails
            "（一）予以公开": "1000001",
            "（七）总计": "1000001",
        }
    )
    report = extract_text(text)
    assert report.table3 is not None
    assert [c["value"] for c in report.table3["new_received"].values()] == [1, 0, 0, 0, 0, 0, 0]
    assert any(f.rule == "R3.3" for f in report.findings)
    assert any(f.rule == "S2" and "one digit a cell" in f.message for f in report.findings)


@pytest.mark.parametrize("layout", ["markdown", "tab", "pdf"])
def test_parse_refuses_a_number_cut_at_its_point(layout: str) -> None:
    """OCR's "302. 55" is 302.55 cut in two: never read as 55."""
    doc = generate(23, layout, zero_rate=0.0)
    fee = str(doc.values.get("table2.fees.amount"))
    assert fee in doc.text
    text = doc.text.replace(fee, "302. 55", 1)
    report = extract_text(text)
    assert "fees" not in (report.table2 or {})
