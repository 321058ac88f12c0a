"""Prose vs tables (N1), the fee statement (N2), missing sections (S1)."""

from __future__ import annotations

import re

import pytest

from extractor.synthetic import generate
from tests.conftest import extract_text


def _doc(seed: int = 30) -> str:
    return generate(seed, "tab", zero_rate=0.1).text


@pytest.mark.parametrize(
    ("sentence", "path"),
    [
        ("本年度未收到政府信息公开申请。", "table3.new_received.total"),
        ("本年度共收到政府信息公开申请99999件。", "table3.new_received.total"),
        ("全年共办结99999件。", "table3.results_total.total"),
        ("结转下年度继续办理99999件。", "table3.carried_forward.total"),
        ("全年发生行政复议99999件。", "table4.review.total"),
        ("发生行政诉讼99999件。", "table4.litigation_direct.total"),
    ],
    ids=["not-received", "received", "completed", "carried-forward", "review", "litigation"],
)
def test_check_prose_warns_when_the_text_contradicts_a_cell(sentence: str, path: str) -> None:
    text = _doc().replace("（三）政府信息管理", sentence + "\n\n（三）政府信息管理")
    report = extract_text(text)
    n1 = [f for f in report.findings if f.rule == "N1" and path in {c.path for c in f.cells}]
    assert n1 and n1[0].severity == "warning"
    assert n1[0].span is not None and text[n1[0].span[0] : n1[0].span[1]] in sentence


def test_check_prose_is_quiet_when_the_text_agrees() -> None:
    doc = generate(31, "pdf", zero_rate=0.1)
    assert re.search(r"收到政府信息公开申请\d+件", doc.text)
    assert [f for f in extract_text(doc.text).findings if f.rule == "N1"] == []


def test_check_prose_no_documents_statement_uses_the_table2_format(seed_reports) -> None:  # type: ignore[no-untyped-def]
    # 002 (2019 table 2) says 未制发规范性文件和规章 and its `made` cells are 0: no warning.
    assert [f for f in seed_reports["002_2581eebe3519dac9"].findings if f.rule == "N1"] == []
    text = _doc().replace("（三）政府信息管理", "本年度未制发规章和规范性文件。\n\n（三）政府信息管理")
    issued = generate(30, "tab", zero_rate=0.1).values.get("table2.regulations.issued")
    rules = [f.cells[0].path for f in extract_text(text).findings if f.rule == "N1"]
    assert ("table2.regulations.issued" in rules) is (issued != 0)


def test_check_fee_stated_warns_for_2021_format_without_fee() -> None:
    text = re.sub(r"本年度(未收取|共收取)信息处理费[^\n]*", "无。", _doc())
    assert [f.rule for f in extract_text(text).findings] == ["N2"]


def test_check_sections_reports_a_missing_section() -> None:
    text = _doc()
    start = text.index("六、其他需要报告的事项")
    report = extract_text(text[: start - 4] + "\n")
    assert [f.message for f in report.findings if f.rule == "S1"] == [
        "section 'other_matters' was not found (no heading, no content)"
    ]


@pytest.mark.parametrize(
    "sentence",
    ["本年度未收到行政复议申请。", "未有逾期答复的申请。", "申请均已按时办结，其中予以公开99999件以外的部分已说明。"],
    ids=["review-application", "no-late-reply", "part-not-total"],
)
def test_check_prose_does_not_read_other_claims_as_table_cells(sentence: str) -> None:
    doc = generate(32, "tab", zero_rate=0.1)
    assert doc.values.get("table3.new_received.total")
    text = doc.text.replace("（三）政府信息管理", sentence + "\n\n（三）政府信息管理")
    n1 = [f for f in extract_text(text).findings if f.rule == "N1"]
    assert [f for f in n1 if f.cells[0].path in ("table3.new_received.total", "table3.results_total.total")] == []


def test_check_prose_sums_the_denied_rows_for_a_denied_count() -> None:
    doc = generate(33, "tab", zero_rate=0.1)
    denied = sum(cols["total"] or 0 for r, cols in doc.values.table3.items() if r.startswith("denied_"))
    text = doc.text.replace("（三）政府信息管理", f"其中不予公开{denied + 1}件。\n\n（三）政府信息管理")
    n1 = [f for f in extract_text(text).findings if f.rule == "N1"]
    assert len(n1) == 1 and n1[0].found == denied and len(n1[0].cells) == 8
