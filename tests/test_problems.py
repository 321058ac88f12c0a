"""Section 五 as real reports print it: PDF line breaks inside an item, problems and measures in one paragraph,
numbering that repeats or skips, "如A；B；C" lists, last year's measures first, a crawler's one-line page."""

from __future__ import annotations

import pytest

from extractor.synthetic import generate
from tests.conftest import extract_text


def _section_five(section: str, one_line: bool = False) -> tuple[list[str], list[str]]:
    base = generate(50, "tab").text
    start = base.index("五、存在的主要问题及改进情况")
    end = base.index("六、其他需要报告的事项")
    body = "五、存在的主要问题及改进情况" + ("" if one_line else "\n") + section + ("" if one_line else "\n")
    report = extract_text(base[:start] + body + base[end:])
    return [i.text for i in report.problems], [i.text for i in report.improvements]


@pytest.mark.parametrize(
    ("section", "problems", "improvements"),
    [
        (  # a PDF's hard line breaks inside one measure
            "（一）存在的主要问题\n政策解读形式不够丰富。\n（二）改进情况\n进一步丰富政策解读形式，推出图解和\n视频解读，提升"
            "解读质量。\n加强政务新媒体运营\n管理。",
            ["政策解读形式不够丰富。"],
            ["进一步丰富政策解读形式，推出图解和\n视频解读，提升解读质量。", "加强政务新媒体运营\n管理。"],
        ),
        (  # problems, then the sentence that opens the measures, in one paragraph
            "2019年，我区工作取得了明显进展，但仍存在一些不足。一是甲不够及时；二是乙有待完善。2020年，我们将采取以下"
            "措施加以改进：（一）加强甲。（二）完善乙。",
            ["甲不够及时；", "乙有待完善。"],
            ["加强甲。", "完善乙。"],
        ),
        (  # numbering that repeats and skips
            "存在的问题主要有以下几个方面：一是甲不够精确；三是乙不够有力；三是丙有待提高。\n2024年，我区将采取以下措施"
            "加以改进：\n一是加强甲。二是提升乙。三是拓宽丙。",
            ["甲不够精确；", "乙不够有力；", "丙有待提高。"],
            ["加强甲。", "提升乙。", "拓宽丙。"],
        ),
        (  # "如：A；B；C" and a heading that runs on
            "2025年，我区工作取得了一定成绩，但仍存在一些不足，如：甲有待加强；乙待进一步提升；丙仍有不足。\n下一步整改措施："
            "一是强化甲。二是提升乙。三是优化丙。",
            ["甲有待加强；", "乙待进一步提升；", "丙仍有不足。"],
            ["强化甲。", "提升乙。", "优化丙。"],
        ),
        (  # what was done about last year's problems comes first
            "针对2022年度工作报告中提到的问题与不足，2023年，我局着力推进甲。虽然取得一定成效，但还存在乙有待进一步规范，"
            "丙还有待进一步提升等问题。2024年，我局将认真落实要求，做好丁。",
            ["乙有待进一步规范", "丙还有待进一步提升"],
            [
                "针对2022年度工作报告中提到的问题与不足，2023年，我局着力推进甲。",
                "2024年，我局将认真落实要求，做好丁。",
            ],
        ),
    ],
    ids=["pdf-line-breaks", "one-paragraph", "numbering-repeats", "such-as-list", "last-year-first"],
)
def test_extract_problems_reads_real_section_five_layouts(
    section: str, problems: list[str], improvements: list[str]
) -> None:
    assert _section_five(section) == (problems, improvements)


def test_extract_problems_reads_a_crawler_one_line_section() -> None:
    section = (
        "（一）存在的主要问题一是甲更新不及时；二是乙形式比较单一。（二）改进措施一是规范甲，提高时效性。二是拓宽乙。"
        " 平潭综合实验区某某局 2022年1月20日 附件下载"
    )
    problems, improvements = _section_five(section, one_line=True)
    assert problems == ["甲更新不及时；", "乙形式比较单一。"]
    assert improvements == ["规范甲，提高时效性。", "拓宽乙。"]  # the signature and date are not a measure


def test_extract_problems_stops_at_the_old_formats_statistics_table() -> None:
    """A report of the format used before 2019 ends with its statistics table as a section of its own."""
    section = (
        "还存在甲意识不强、乙有待加强等问题。下一步，我区将加强甲，提升乙。"
        "六、政府信息公开情况统计表指标名称计量单位2018年度主动公开文件数条206其中:1.政府网站公开数条206"
    )
    problems, improvements = _section_five(section, one_line=True)
    assert problems == ["甲意识不强", "乙有待加强"]
    assert improvements == ["下一步，我区将加强甲，提升乙。"]
