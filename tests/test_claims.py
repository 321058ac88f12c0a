"""Numbers the prose states, read as sentences: what a negation is about, and the honest second reading of
"收到N件" (new applications plus those carried over)."""

from __future__ import annotations

import re

import pytest

from extractor.claims import claims, stated_table3
from extractor.ingest import Document
from extractor.sections import find_sections
from extractor.synthetic import generate
from tests.conftest import extract_text


def _with(sentence: str, seed: int = 40) -> tuple[str, dict[str, int | float | None]]:
    doc = generate(seed, "tab", zero_rate=0.0)
    text = doc.text.replace("（三）政府信息管理", sentence + "\n\n（三）政府信息管理")
    t3, t4 = doc.values.table3, doc.values.table4
    values = {
        "new": t3["new_received"]["total"],
        "carried": t3["carried_over"]["total"],
        "granted": t3["granted"]["total"],
        "partial": t3["partially_granted"]["total"],
        "review": t4["review"]["total"],
    }
    return text, values


def _n1(text: str) -> list[str]:
    return [c.path for f in extract_text(text).findings if f.rule == "N1" for c in f.cells]


@pytest.mark.parametrize(
    "sentence",
    ["全年未发生因依申请公开被行政复议纠错的情况。", "未出现行政复议被撤销的案件。", "没有发生行政诉讼败诉案件。"],
    ids=["review-corrected", "review-revoked", "lawsuit-lost"],
)
def test_claims_an_outcome_negation_is_not_a_zero_count(sentence: str) -> None:
    text, values = _with(sentence)
    assert values["review"]  # the table has reviews: reading "no review" would contradict it
    assert not any(p.startswith("table4.") for p in _n1(text))


def test_claims_a_plain_negation_still_contradicts_the_table() -> None:
    text, values = _with("本年度未发生行政复议。")
    assert values["review"]
    assert "table4.review.total" in _n1(text)


def test_claims_received_may_count_the_applications_carried_over() -> None:
    text, values = _with("")
    assert values["carried"]  # new and new + carried differ
    both = int(values["new"] or 0) + int(values["carried"] or 0)
    assert "table3.new_received.total" not in _n1(
        text.replace("全部按时答复", f"全区收到政府信息公开申请{both}件，全部按时答复")
    )
    text, _ = _with(f"全区收到政府信息公开申请{both + 1}件。")
    assert "table3.new_received.total" in _n1(text)
    (message,) = [f.message for f in extract_text(text).findings if f.rule == "N1"]
    # neither reading explains it, and the finding says both were tried
    assert f"{both + 1}, but table3.new_received.total = {values['new']}" in message
    assert f"read as table3.new_received.total + table3.carried_over.total, {both}" in message


def test_claims_granted_in_whole_or_in_part_is_the_sum_of_both_rows() -> None:
    text, values = _with("")
    both = int(values["granted"] or 0) + int(values["partial"] or 0)
    paths = _n1(text.replace("（三）政府信息管理", f"其中予以公开及部分公开{both}件。\n\n（三）政府信息管理"))
    assert "table3.granted.total" not in paths


def test_stated_table3_gives_completed_and_carried_forward_totals() -> None:
    text = re.sub(r"全部按时答复，办结\d+件。", "共办结申请69件，1件结转下年度继续办理。", generate(41, "tab").text)
    doc = Document.from_text(text)
    sections = find_sections(doc)
    assert {"results_total.total": 69, "carried_forward.total": 1}.items() <= stated_table3(doc, sections).items()
    spans = [c.span for c in claims(doc, sections, "2021")]
    assert all(doc.text[s:e] in text for s, e in spans)


def test_claims_requests_handled_read_as_answered_or_received() -> None:
    """ "办理申请N件" is the requests answered, or received (new, or with last year's): only a number no
    reading explains is a contradiction."""
    text, values = _with("全年办理政府信息公开申请{}件。")
    assert values["new"]
    assert not any(p.startswith("table3.") for p in _n1(text.replace("{}", str(values["new"]))))
    wrong = int(values["new"] or 0) + int(values["carried"] or 0) + 1000
    assert "table3.results_total.total" in _n1(text.replace("{}", str(wrong)))
