"""needs_model names the narrative parts the rules could not read well, and only those."""

from __future__ import annotations

import re

from extractor.synthetic import generate
from tests.conftest import extract_text


def test_needs_model_is_empty_when_the_rules_read_everything() -> None:
    assert extract_text(generate(64, "tab").text).needs_model == []


def test_needs_model_names_an_unsplit_section_five_and_a_missing_fee() -> None:
    text = generate(65, "tab", "2021", "2021").text
    start = text.index("（一）存在的主要问题")
    end = text.index("六、其他需要报告的事项")
    blob = "我们的工作" + "还需要加强推进" * 50 + "。"
    text = text[:start] + blob + "\n\n" + text[end:]
    text = re.sub(r"本年度(?:未收取|共收取)信息处理费[^\n]*", "无。", text)
    assert extract_text(text).needs_model == ["problems", "improvements", "info_processing_fee"]
