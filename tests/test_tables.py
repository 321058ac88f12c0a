"""Label-anchored table parsing: every layout of SPEC §5, both formats, non-zero values, blanks, spans."""

from __future__ import annotations

import itertools

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
