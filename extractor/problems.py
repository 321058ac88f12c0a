"""Section 五: the problems and the improvement measures, as spans of the source (never rewritten text).

The section is first cut into problem and improvement parts: by part headings (存在问题 / 改进情况 / 整改措施 /
下一步…, at a line start, after a sentence, or run into the text in a crawler's one-line page), else by the
sentence that opens the measures ("2023年，我区将采取以下措施加以改进：", "对此，我局将靶向整改：",
"下阶段，我局将…"). Each part is then cut into items (``items.py``).
"""

from __future__ import annotations

import re

from .ingest import Document
from .items import chain, items, trimmed
from .schema import Item
from .sections import Section
from .types import Span

_ENUM_PREFIX = r"(?P<enum>[(][一二三四五六七八九十][)]|[一二三四五六七八九十][、.]|\d{1,2}[、.])?[ \t]*"
_PART_HEADING = re.compile(
    # the look-ahead on the first character lets the engine skip most positions cheaply
    r"(?=[ \t#*(一二三四五六七八九十\d上下今存主问改整的])[ \t]*(?:#{1,6}[ \t]*)?(?:\*\*)?" + _ENUM_PREFIX + r"(?:"
    r"(?P<improve>(?:上一?年度?(?:存在)?(?:的)?问题)?(?:的)?(?:改进|整改)(?:情况|措施|举措|方向|计划|工作)"
    r"|下一步(?:工作|整改|改进)?(?:打算|计划|思路|措施|安排|工作)?|今后(?:工作)?(?:的)?(?:打算|计划|方向))"
    r"|(?P<problem>存在的?(?:主要)?(?:问题|不足)(?:和不足|及不足)?|主要问题|问题和不足|问题与不足))"
    r"(?P<tail>[ \t]*(?:[:。]|(?=\n)|$)|(?=[ \t]|[一二三四五六七八九十]是|[(][一二三四五六七八九十][)]|\d{1,2}[、.]))?"
)
_HEAD_BOUNDARY = "。;:\n \t"  # what may precede a part heading: a sentence, a line, a crawler's space
# A sentence that opens the measures: "下一步，我们将：", "2023年，我区将采取以下措施加以改进。", "对此，…：", or the
# first measure itself ("下一步，我镇将加强信息更新。").
_MEASURES_START = re.compile(
    r"^[^。;:\n]{0,12}?(?:下一步|下一?阶段|下步|今后|明年|对此|为此)"
    r"|^(?:\d{4}年|针对)[^。;:\n]{0,20}?(?:将|拟)"
    r"|将[^。;:\n]{0,40}?(?:以下|如下)[^。;:\n]{0,8}?(?:方面|措施|工作|几点)|加以改进|(?:改进|整改)措施如下"
)
_ANNOUNCES = re.compile(r"以下|如下|几个方面|加以改进|:$")
# A section that opens with what was done about last year's problems ("针对2022年度工作报告中提到的问题…，2023年，
# 我局着力…"): measures first, then this year's problems from the sentence that says what still exists.
_LAST_YEAR = re.compile(
    r"\s*[^。;:\n]{0,6}?针对[^。;:\n]{0,30}?(?:上一?年度?|去年|\d{4}年度?)[^。;:\n]{0,30}?(?:问题|不足)"
)
_STILL = re.compile(r"(?:还|仍|也|但)[^。;:\n]{0,6}?存在")
_SENTENCES = re.compile(r"[^。;:\n]+[。;:\n]?")
# Where a report's closing lines start: its signature and date, or an attached table (a section of its own in
# the format used before 2019).
_CLOSING = re.compile(
    r"[ \t\n]+(?:[^\s。;:]{2,30}(?:局|政府|委员会|办公室|中心|管委会)[ \t]*)?"
    r"(?:\d{4}|[〇○零一二三四五六七八九]{4})年[\d〇○一二三四五六七八九十]{1,3}月[\d〇○一二三四五六七八九十]{1,3}日"
    r"(?=\s*(?:附|$))|[ \t\n]*附(?:表|件)(?:[:一二三1-9]|下载)|(?<=。)[一二三四五六七八九十]、附(?:表|件)"
    r"|(?<=[。\n])\s*[一二三四五六七八九十]、[^。\n]{0,16}?统计表"  # the old format's 六、政府信息公开情况统计表
)


def _heads(norm: str, start: int, end: int) -> list[tuple[int, int, bool]]:
    """Part headings: (start, content start, is a problem heading). One needs a boundary before it (a sentence,
    a line, a space) and after it (a colon, a line end, a space, an enumerator), unless it is numbered
    ("（二）改进措施一是…" runs on)."""
    heads = []
    for m in _PART_HEADING.finditer(norm, start, end):
        lead = m.start() == start or norm[m.start() - 1] in _HEAD_BOUNDARY
        if (lead or m.group("enum")) and (m.group("tail") is not None or m.group("enum")):
            heads.append((m.start(), m.end(), m.group("problem") is not None))
    return heads


def _measures_start(norm: str, start: int, end: int) -> tuple[int, int] | None:
    """(marker start, content start) of the first sentence that opens the measures. What announces them is
    left out: a sentence "…将采取以下措施加以改进：", or the words before an enumeration that starts in it or
    right after it ("今后我局将…，一是…"); a sentence that is itself a measure is kept."""
    for m in _SENTENCES.finditer(norm, start, end):
        s, e = trimmed(norm, m.start(), m.end())
        if s <= start + 10 or not _MEASURES_START.search(norm[s:e]):
            continue
        listed = chain(norm, s, end)
        if listed and listed[0].start() <= m.end() + 8:
            return s, listed[0].start()
        return (s, m.end()) if _ANNOUNCES.search(norm[s:e]) else (s, s)
    return None


def _parts(norm: str, start: int, end: int) -> list[tuple[bool, int, int]]:
    """(is_problem, start, end) parts of the section, in order. Before any marker the text is problems."""
    begin = start
    marks = _heads(norm, start, end)
    if not marks and _LAST_YEAR.match(norm, start):
        still = next((m for m in _SENTENCES.finditer(norm, start, end) if _STILL.search(m.group())), None)
        if still is not None and still.start() > start:
            marks = [(start, start, False), (still.start(), still.start(), True)]
            start = still.start()  # this year's measures are looked for after this year's problems
    if not any(not p and s >= start for s, _, p in marks):
        opening = _measures_start(norm, start, end)
        if opening is not None:
            marks.append((*opening, False))
    marks.sort()
    parts: list[tuple[bool, int, int]] = []
    if not marks or marks[0][0] > begin:
        parts.append((True, begin, marks[0][0] if marks else end))
    for i, (_, content, is_problem) in enumerate(marks):
        parts.append((is_problem, content, marks[i + 1][0] if i + 1 < len(marks) else end))
    return [p for p in parts if norm[p[1] : p[2]].strip()]


def _closing(norm: str, start: int, end: int) -> int:
    """Where the section's own text ends: before the report's signature and date or an attached table."""
    m = _CLOSING.search(norm, start, end)
    return m.start() if m is not None else end


def extract_problems(doc: Document, sec: Section | None) -> tuple[list[Item], list[Item]]:
    """(problems, improvements) of section 五."""
    if sec is None:
        return [], []
    norm = doc.norm
    problems: list[Item] = []
    improvements: list[Item] = []
    end = _closing(norm, sec.body_start, sec.end)
    for is_problem, s, e in _parts(norm, sec.body_start, end):
        found: list[Span] = items(norm, s, e, is_problem)
        (problems if is_problem else improvements).extend(Item(text=doc.text[a:b], span=(a, b)) for a, b in found)
    return problems, improvements
