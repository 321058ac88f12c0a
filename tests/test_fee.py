"""The 信息处理费: stated, none charged, or silent; a crawler's run-on table is not a statement about it."""

from __future__ import annotations

import re

import pytest

from extractor.synthetic import generate
from tests.conftest import extract_text


def test_extract_fee_ignores_a_run_on_table_that_mentions_fees() -> None:
    doc = generate(62, "crawler", "2019", "2019", zero_rate=1.0)  # one line: 行政事业性收费00… and no full stops
    text = re.sub(r"本年度(?:未收取|共收取)信息处理费[^。]*。", "无。", doc.text)
    assert extract_text(text).info_processing_fee is None


@pytest.mark.parametrize(
    "sentence",
    ["本年度共收取信息处理费120元。", "本年度共收取120元信息处理费。"],
    ids=["fee-then-amount", "amount-then-fee"],
)
def test_extract_fee_reads_the_amount_in_section_six(sentence: str) -> None:
    text = re.sub(r"本年度(?:未收取|共收取)信息处理费[^\n]*", sentence, generate(63, "tab").text)
    fee = extract_text(text).info_processing_fee
    assert fee is not None and (fee.value, fee.unit) == (120, "元") and "120元" in fee.text
