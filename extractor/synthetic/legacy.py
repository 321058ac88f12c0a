"""Reports in the format used before 2019 (2008-2018): other sections, no standard tables 2-4, sometimes a
statistics table of their own. The extractor must say what they are, not report three missing tables."""

from __future__ import annotations

import random
from dataclasses import dataclass

_ORGANS = ["示例市人民政府", "样本县教育局", "测试区人民政府办公室", "某某镇人民政府"]
_PROBLEMS = ["公开内容不够全面", "信息更新不够及时", "依申请公开办理不够规范"]
_MEASURES = ["进一步拓宽公开范围", "加强信息更新维护", "规范依申请公开流程"]
_STATS = [
    ("一、主动公开情况", "", ""),
    ("（一）主动公开政府信息数", "条", "{a}"),
    ("其中：主动公开规范性文件数", "条", "{b}"),
    ("二、依申请公开情况", "", ""),
    ("（一）收到申请数", "件", "{c}"),
    ("（二）申请办结数", "件", "{c}"),
    ("三、因政府信息公开申请提起行政复议、行政诉讼情况", "", ""),
    ("（一）维持具体行政行为数", "件", "0"),
    ("（二）被依法纠错数", "件", "0"),
]


@dataclass(frozen=True)
class LegacyDoc:
    text: str
    year: int
    problems: list[str]
    improvements: list[str]


def pre2019_report(seed: int, stats_table: bool | None = None) -> LegacyDoc:
    """A whole old-format report; ``stats_table`` (default: by seed) appends the statistics table many carry."""
    rng = random.Random(seed)
    year = rng.randint(2009, 2018)
    organ = rng.choice(_ORGANS)
    a, b, c = rng.randint(100, 900), rng.randint(1, 40), rng.randint(0, 30)
    problems = rng.sample(_PROBLEMS, 2)
    measures = rng.sample(_MEASURES, 2)
    parts = [
        f"{organ}{year}年政府信息公开工作年度报告",
        "一、概述",
        f"{year}年，我单位认真贯彻落实《中华人民共和国政府信息公开条例》，通过政府网站和政务微博主动公开政府信息。",
        "二、主动公开政府信息情况",
        f"全年主动公开政府信息{a}条，其中规范性文件{b}条。",
        "三、依申请公开政府信息情况",
        f"全年共受理政府信息公开申请{c}件，均已按时答复。",
        "四、政府信息公开的收费及减免情况",
        "本年度未收取任何费用。",
        "五、因政府信息公开申请行政复议、提起行政诉讼的情况",
        "本年度未发生因政府信息公开申请提起的行政复议和行政诉讼。",
        "六、政府信息公开工作存在的主要问题及改进情况",
        f"存在的问题：一是{problems[0]}；二是{problems[1]}。",
        f"改进措施：一是{measures[0]}；二是{measures[1]}。",
        "七、其他需要报告的事项",
        "无。",
    ]
    if stats_table if stats_table is not None else seed % 2 == 0:
        parts.append("附表：政府信息公开情况统计表")
        parts += ["\t".join((label, unit, v.format(a=a, b=b, c=c))) for label, unit, v in _STATS]
    return LegacyDoc("\n".join(parts) + "\n", year, problems, measures)
