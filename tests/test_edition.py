"""Reports in the format used before 2019: said so once, not reported as three missing tables."""

from __future__ import annotations

import pytest

from extractor.synthetic import generate
from extractor.synthetic.legacy import pre2019_report
from tests.conftest import extract_text


@pytest.mark.parametrize("stats_table", [False, True], ids=["prose-only", "with-statistics-table"])
@pytest.mark.parametrize("seed", range(3))
def test_edition_marks_a_pre_2019_report_with_one_finding(seed: int, stats_table: bool) -> None:
    doc = pre2019_report(seed, stats_table)
    report = extract_text(doc.text)
    assert report.pre_2019 and report.year == doc.year
    assert (report.table2, report.table3, report.table4) == (None, None, None)
    assert [(f.rule, f.severity) for f in report.findings] == [("S1", "warning")]
    assert str(doc.year) in report.findings[0].message and "before 2019" in report.findings[0].message
    assert len(report.problems) == 2 and len(report.improvements) == 2  # the narrative is still read


def test_edition_tells_an_old_report_without_a_year_by_its_section_titles() -> None:
    doc = pre2019_report(5, stats_table=False)
    text = doc.text.replace(f"{doc.year}年", "")
    report = extract_text(text)
    assert report.year is None and report.pre_2019


def test_edition_leaves_a_2019_format_report_alone() -> None:
    report = extract_text(generate(3, "tab", "2019", "2019").text)
    assert not report.pre_2019 and report.table3 is not None
