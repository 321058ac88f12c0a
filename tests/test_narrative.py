"""Rule-based narrative against the hand-labeled gold (evals/gold) and generated reports."""

from __future__ import annotations

from pathlib import Path

import pytest

from extractor.evaluation.gold import load_gold
from extractor.schema import Report
from extractor.synthetic import LAYOUTS, generate
from tests.conftest import extract_text

GOLD = Path(__file__).resolve().parent.parent / "evals" / "gold"
LABELS = {g.doc_id: g for g, _ in load_gold(GOLD)}


@pytest.mark.parametrize("doc_id", sorted(LABELS))
def test_extract_problems_matches_a_careful_reader(seed_reports: dict[str, Report], doc_id: str) -> None:
    report, labels = seed_reports[doc_id], LABELS[doc_id]
    assert [i.text for i in report.problems] == labels.problems
    assert [i.text for i in report.improvements] == labels.improvements
    text = Path(report.source.path).read_text(encoding="utf-8")
    for item in (*report.problems, *report.improvements):
        assert item.span is not None and text[item.span[0] : item.span[1]] == item.text


@pytest.mark.parametrize("doc_id", sorted(LABELS))
def test_extract_platforms_and_fee_match_a_careful_reader(seed_reports: dict[str, Report], doc_id: str) -> None:
    report, labels = seed_reports[doc_id], LABELS[doc_id]
    assert [(p.name, p.kind) for p in report.platforms] == [(p.name, p.kind) for p in labels.platforms]
    fee = report.info_processing_fee
    assert (fee.value if fee else None) == labels.info_processing_fee.value
    assert (report.title, report.organ, report.year) == (labels.title, labels.organ, labels.year)


@pytest.mark.parametrize("doc_id", sorted(LABELS))
def test_extract_overview_finds_the_sub_items(seed_reports: dict[str, Report], doc_id: str) -> None:
    overview = seed_reports[doc_id].overview
    found = {k for k, v in overview if v is not None}
    # 002 has only two sub-items: (一)公开情况 and (二)落实和制定相关配套措施情况.
    expected = (
        {"active_disclosure", "information_management"}
        if doc_id.startswith("002")
        else {"active_disclosure", "requests", "information_management", "platforms", "supervision"}
    )
    assert found == expected


@pytest.mark.parametrize("layout", LAYOUTS)
@pytest.mark.parametrize("seed", [40, 41, 42])
def test_extract_narrative_of_generated_reports(layout: str, seed: int) -> None:
    doc = generate(seed, layout)
    report = extract_text(doc.text)
    assert [i.text for i in report.problems] == doc.problems
    assert [i.text for i in report.improvements] == doc.improvements
    assert [(p.name, p.kind) for p in report.platforms] == doc.platforms
    assert report.info_processing_fee is not None and report.info_processing_fee.value == doc.fee


@pytest.mark.parametrize(
    ("section", "problems", "improvements"),
    [
        (
            "存在问题：一是甲不够及时；二是乙有待加强。\n改进措施：一是加强甲；二是提升乙。",
            ["甲不够及时；", "乙有待加强。"],
            ["加强甲；", "提升乙。"],
        ),
        (
            "（一）存在的问题\n1.甲不够及时。\n2.乙有待加强。\n（二）下一步工作打算\n1.加强甲。\n2.提升乙。",
            ["甲不够及时。", "乙有待加强。"],
            ["加强甲。", "提升乙。"],
        ),
        (
            "工作取得了一定成效，但仍存在一定差距。一是甲不够及时。二是乙有待加强。\n\n下一步，我们将：（一）加强甲。（二）提升乙。",
            ["甲不够及时。", "乙有待加强。"],
            ["加强甲。", "提升乙。"],
        ),
        (
            "（一）上年度问题整改情况\n针对上年度指出的问题，已全部整改。\n（二）存在的主要问题\n甲不够及时。",
            ["甲不够及时。"],
            ["针对上年度指出的问题，已全部整改。"],
        ),
        (
            "我镇信息公开工作还存在一定差距，信息更新不够及时等问题。下一步，我镇将加强信息更新。",
            ["信息更新不够及时"],  # the problem the sentence names, not its framing (as the real gold reads it)
            ["下一步，我镇将加强信息更新。"],
        ),
    ],
    ids=["inline-heads-shi", "paren-heads-arabic", "undivided-next-step", "improvement-first", "next-step-inline"],
)
def test_extract_problems_reads_section_five_variants(
    section: str, problems: list[str], improvements: list[str]
) -> None:
    base = generate(50, "tab").text
    start = base.index("五、存在的主要问题及改进情况")
    end = base.index("六、其他需要报告的事项")
    text = base[:start] + "五、存在的主要问题及改进情况\n\n" + section + "\n\n" + base[end:]
    report = extract_text(text)
    assert [i.text for i in report.problems] == problems
    assert [i.text for i in report.improvements] == improvements
