"""Sectioning: heading variants, markdown levels, headings recovered from content, the title."""

from __future__ import annotations

import re

import pytest

from extractor.ingest import Document
from extractor.schema import Report
from extractor.sections import find_sections
from extractor.spec import SECTION_KEYS
from extractor.synthetic import generate


def test_find_sections_in_bundled_documents(seed_reports: dict[str, Report]) -> None:
    for report in seed_reports.values():
        assert list(report.sections) == list(SECTION_KEYS)
        assert not any(s.recovered for s in report.sections.values())


@pytest.mark.parametrize(
    "style",
    [
        lambda n, t: f"{n}、{t}",
        lambda n, t: f"## {n}、{t}",
        lambda n, t: f"#### {n}. {t}",
        lambda n, t: f"**{n}、{t}**",
    ],
    ids=["plain", "md-h2", "md-h4-dot", "bold"],
)
def test_find_sections_reads_heading_styles(style) -> None:  # type: ignore[no-untyped-def]
    text = generate(70, "tab").text
    text = re.sub(r"^(?:#+ )?([一二三四五六])、(.+)$", lambda m: style(m.group(1), m.group(2)), text, flags=re.M)
    sections = find_sections(Document.from_text(text))
    assert list(sections) == list(SECTION_KEYS)


@pytest.mark.parametrize("key", ["table2", "table3", "table4", "problems_and_improvements"])
def test_find_sections_recovers_a_missing_heading_from_content(key: str) -> None:
    headings = {
        "table2": "主动公开政府信息情况",
        "table3": "收到和处理政府信息公开申请情况",
        "table4": "政府信息公开行政复议、行政诉讼情况",
        "problems_and_improvements": "存在的主要问题及改进情况",
    }
    text = re.sub(rf"^(?:#+ )?[一二三四五六]、{headings[key]}\n", "", generate(71, "pdf").text, flags=re.M)
    sections = find_sections(Document.from_text(text))
    assert list(sections) == list(SECTION_KEYS)
    assert sections[key].recovered and sections[key].heading is None


def test_find_sections_is_not_fooled_by_table3_row_numbering() -> None:
    # Table 3's rows start "一、本年新收…", "四、结转下年度…": they must not open sections.
    text = generate(72, "pdf").text
    sections = find_sections(Document.from_text(text))
    assert "四、结转下年度继续办理" in text[sections["table3"].start : sections["table3"].end]


@pytest.mark.parametrize(
    "sub_heading",
    ["### （一）主动公开", "1.主动公开情况", "## 1、主动公开"],
    ids=["md-paren-subitem", "arabic-subitem", "md-arabic-subitem"],
)
def test_find_sections_does_not_take_an_overview_sub_item_for_a_section(sub_heading: str) -> None:
    text = generate(73, "tab", zero_rate=0.1).text.replace("（一）主动公开\n", sub_heading + "\n")
    sections = find_sections(Document.from_text(text))
    assert sections["table2"].heading is not None and "主动公开政府信息情况" in sections["table2"].heading
    assert sub_heading in text[sections["overview"].start : sections["overview"].end]
