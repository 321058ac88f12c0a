"""Find the title and the six sections, by heading keywords first and by table content when a heading
is missing. Numbering, markdown level and wording vary between reports; keywords and order do not."""

from __future__ import annotations

import re
from dataclasses import dataclass

from .ingest import Document
from .spec import SECTION_KEYS


@dataclass(frozen=True, slots=True)
class Section:
    key: str
    start: int  # start of the heading line (or of the recovered content)
    body_start: int  # first character after the heading
    end: int
    heading: str | None
    recovered: bool


@dataclass(frozen=True, slots=True)
class Title:
    text: str | None
    span: tuple[int, int] | None
    organ: str | None
    year: int | None


_HEADING = re.compile(
    r"^[ \t]*(?:#{1,6}[ \t]*)?(?:\*\*)?"
    r"(?:第?(?P<cn>[一二三四五六七八九十]{1,2})[、.:,]|(?P<cs>[一二三四五六])[ \t]|(?P<ar>[1-6])[、.](?!\d))"
    r"[ \t]*([^\t\n|]{1,80})$",
    re.M,
)
# A markdown heading without a top-level numeral; "### （一）主动公开" is an overview sub-item, not a section.
_MARKDOWN_HEADING = re.compile(
    r"^[ \t]*#{1,6}[ \t]*(?![(（]?[一二三四五六七八九十\d]{1,2}[)）、.])([^\t\n|#]{2,40})$", re.M
)
NUMERALS = {c: i + 1 for i, c in enumerate("一二三四五六七八九十")}

# Tried in this order: the table-4 and table-3 headings contain words of the others.
_SECTION_PATTERNS = (
    ("table4", re.compile(r"行政复议|行政诉讼")),
    ("table3", re.compile(r"收到和处理|依申请公开|公开申请情况|申请情况|依申请")),
    ("table2", re.compile(r"主动公开")),
    ("problems_and_improvements", re.compile(r"问题|改进|不足")),
    ("other_matters", re.compile(r"其他需要|其他事项|其它需要|其他")),
    ("overview", re.compile(r"^(?:总体情况|总体概况|基本情况|工作概况|概述|概况|总体)")),
)

# Content that starts a section when its heading is missing.
_ANCHORS = {
    "table2": re.compile(r"^.*(?:第二十条第|信息内容).*$", re.M),
    "table3": re.compile(r"^.*(?:勾稽关系|本年新收).*$", re.M),
    "table4": re.compile(r"^.*行政复议.*(?:\n.*){0,3}行政诉讼.*$", re.M),
    "problems_and_improvements": re.compile(r"^.{0,12}(?:存在的?主要问题|存在的?问题|主要问题|存在的?不足).*$", re.M),
    "other_matters": re.compile(r"^.{0,12}其他需要报告.*$", re.M),
}

# Headings run into the text, as crawlers that flatten a page to one line leave them: only the standard titles
# after their numeral count ("三、本年度办理结果" inside table 3 is not one).
_INLINE_TITLES = (
    ("overview", r"总体情况|概述|总体概况|基本情况"),
    ("table2", r"主动公开政府信息(?:的)?情况"),
    ("table3", r"收到和处理政府信息公开申请(?:的)?情况|(?:政府信息)?依申请公开(?:政府信息)?(?:工作)?(?:的)?情况"),
    ("table4", r"(?:因)?政府信息公开(?:申请)?(?:被申请)?行政法?复议[、和及与]?(?:提起)?行政诉讼(?:的)?情况"),
    ("problems_and_improvements", r"(?:政府信息公开工作)?(?:存在的?)?主要问题(?:及|和|与)(?:改进|整改)(?:情况|措施)"),
    ("other_matters", r"其他需要报告的事项|(?:需要说明的其他|其他需要说明的)事项(?:与附表)?"),
)
_INLINE_HEADING = re.compile(
    r"(?P<cn>[一二三四五六七八九十])、(?:" + "|".join(f"(?P<{k}>{p})" for k, p in _INLINE_TITLES) + ")"
)
_LONG_LINE = 1000  # a line this long holds several sections: a crawler's run-on article
# A standard title at a line start with the section's text run on after it ("五、存在的主要问题及改进情况（一）…").
_RUNIN_HEADING = re.compile(r"^[ \t]*(?:#{1,6}[ \t]*)?" + _INLINE_HEADING.pattern, re.M)

_YEAR = re.compile(r"((?:19|20)\d{2})\s*年")
_SPACES = re.compile(r"\s+")


def _classify(title: str) -> str | None:
    compact = _SPACES.sub("", title)[:24]
    for key, pattern in _SECTION_PATTERNS:
        if pattern.search(compact):
            return key
    return None


def _heading_candidates(norm: str) -> list[tuple[int, int, str, int | None]]:
    """(line start, heading end, key, number) for every line that reads as a top-level heading; number is
    the heading's own numeral (1 for 一), None when it has none."""
    found: dict[int, tuple[int, int, str, int | None]] = {}
    for m in _HEADING.finditer(norm):
        title = m.group(4)
        numeral = m.group("cn") or m.group("cs")
        number = NUMERALS.get(numeral, 0) if numeral else int(m.group("ar"))
        if len(title) > 40:  # run-in heading: "一、总体情况。今年……"
            cut = re.search(r"[。:：;；]", title)
            if cut is None or cut.start() > 24:
                continue
            title = title[: cut.start()]
        key = _classify(title)
        if key is not None:
            found[m.start()] = (m.start(), m.start(4) + len(title), key, number)
    for m in _RUNIN_HEADING.finditer(norm) if len({f[2] for f in found.values()}) < 6 else ():
        key = m.lastgroup
        if m.start() not in found and key is not None and key != "cn":
            found[m.start()] = (m.start(), m.end(), key, NUMERALS.get(m.group("cn")))
    for m in _MARKDOWN_HEADING.finditer(norm) if "#" in norm else ():
        if m.start() not in found:
            key = _classify(m.group(1))
            if key is not None:
                found[m.start()] = (m.start(), m.end(), key, None)
    return sorted(found.values())


def _inline_candidates(norm: str) -> list[tuple[int, int, str, int | None]]:
    """Headings inside run-on lines (see ``_INLINE_TITLES``), as (start, end, key, number)."""
    out = []
    for m in _INLINE_HEADING.finditer(norm):
        key = m.lastgroup
        if key is not None and key != "cn":
            out.append((m.start(), m.end(), key, NUMERALS.get(m.group("cn"))))
    return out


def _line_end(norm: str, pos: int) -> int:
    end = norm.find("\n", pos)
    return len(norm) if end < 0 else end


def find_sections(doc: Document) -> dict[str, Section]:
    """Locate the six sections; a key is absent when neither heading nor content anchor was found."""
    norm = doc.norm
    candidates = _heading_candidates(norm)
    if len({c[2] for c in candidates}) < 3 and max(map(len, norm.split("\n"))) > _LONG_LINE:
        seen = {c[0] for c in candidates}
        candidates = sorted(candidates + [c for c in _inline_candidates(norm) if c[0] not in seen])
    starts: dict[str, tuple[int, int, bool]] = {}
    cursor = 0
    for index, key in enumerate(SECTION_KEYS, 1):
        fitting = [(s, e, n) for s, e, k, n in candidates if s >= cursor and k == key]
        # A heading numbered for this position wins over an earlier one numbered otherwise ("1.主动公开情况"
        # inside the overview must not open section 二 ahead of "二、主动公开政府信息情况").
        chosen = next((c for c in fitting if c[2] == index), fitting[0] if fitting else None)
        if chosen is not None:
            starts[key] = (chosen[0], chosen[1], False)
            cursor = chosen[1]
    # Recover missing sections from content, searching after the section before them.
    for i, key in enumerate(SECTION_KEYS):
        if key in starts or key not in _ANCHORS:
            continue
        after = max((starts[k][1] for k in SECTION_KEYS[:i] if k in starts), default=0)
        m = _ANCHORS[key].search(norm, after)
        if m is not None:
            before = [starts[k][0] for k in SECTION_KEYS[i + 1 :] if k in starts]
            if not before or m.start() < min(before):
                starts[key] = (m.start(), m.start(), True)
    if "overview" not in starts and starts:
        first = min(s for s, _, _ in starts.values())
        title_end = _title_end(norm)
        if title_end < first and norm[title_end:first].strip():
            starts["overview"] = (title_end, title_end, True)
    ordered = sorted(starts.items(), key=lambda kv: kv[1][0])
    sections: dict[str, Section] = {}
    for idx, (key, (start, head_end, recovered)) in enumerate(ordered):
        end = ordered[idx + 1][1][0] if idx + 1 < len(ordered) else len(norm)
        heading = None if recovered else doc.text[start:head_end].strip(" \t#*")
        body_start = _line_end(norm, head_end) if not recovered and head_end == _line_end(norm, start) else head_end
        sections[key] = Section(key, start, min(body_start, end), end, heading, recovered)
    return sections


def _title_end(norm: str) -> int:
    """End of the title block: the first one or two non-empty lines."""
    pos = 0
    lines = 0
    while pos < len(norm) and lines < 2:
        end = _line_end(norm, pos)
        line = norm[pos:end].strip(" \t#")
        if line:
            lines += 1
            if lines == 1 and "报告" in line:
                return end
            if lines == 2 and ("报告" not in line or len(line) > 20):
                return pos
        pos = end + 1
    return min(pos, len(norm))


def find_title(doc: Document, first_section: int) -> Title:
    """The report title: the first non-empty line, joined with the next when the title is broken."""
    norm = doc.norm
    pos = 0
    parts: list[tuple[int, int]] = []
    limit = first_section if first_section > 0 else min(len(norm), 400)
    while pos < limit and len(parts) < 2:
        end = min(_line_end(norm, pos), limit)
        raw = norm[pos:end]
        stripped = raw.strip(" \t#*")
        if stripped:
            s = pos + raw.index(stripped)
            if parts and ("报告" in norm[parts[0][0] : parts[0][1]] or len(stripped) > 20 or "报告" not in stripped):
                break
            parts.append((s, s + len(stripped)))
        pos = end + 1
    if not parts:
        return Title(None, None, None, None)
    text = "".join(doc.text[s:e] for s, e in parts)
    span = (parts[0][0], parts[-1][1])
    compact = _SPACES.sub("", text)
    m = _YEAR.search(compact)
    organ = compact[: m.start()] or None if m else None
    year = int(m.group(1)) if m else None
    if year is None:
        m2 = _YEAR.search(norm, 0, min(len(norm), 2000))
        year = int(m2.group(1)) if m2 else None
    return Title(text, span, organ, year)
