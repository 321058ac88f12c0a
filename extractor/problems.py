"""Section 五: the problems and the improvement measures, as spans of the source (never rewritten text).

The section is first cut into problem and improvement parts, by part headings (存在问题 / 改进情况 / 整改措施 /
下一步…, at a line start or run into the text after a sentence) and by the sentence that opens the measures
("2023年，我区将采取以下措施加以改进："). Each part is then cut into items by its own markers: an enumeration
(一是…, （一）…, 1.…; numbering that repeats or skips a number is still one list), a "；" list ("如：A；B；C"),
else its paragraphs (lines a PDF broke inside a sentence are joined) and, in a problem paragraph, its
sentences or clauses that name a problem.
"""

from __future__ import annotations

import re

from .ingest import Document
from .schema import Item
from .sections import Section

_NUMERALS = {c: i + 1 for i, c in enumerate("一二三四五六七八九十")}
_BOUNDARY = r"(?:^|(?<=[。;:\n]))"  # where a heading may start: a line start, or after a sentence or colon
_ENUM_PREFIX = r"(?:[(][一二三四五六七八九十][)]|[一二三四五六七八九十][、.]|\d{1,2}[、.])?[ \t]*"
_PART_HEADING = re.compile(
    _BOUNDARY + r"[ \t]*(?:#{1,6}[ \t]*)?(?:\*\*)?" + _ENUM_PREFIX + r"(?:"
    r"(?P<improve>(?:上一?年度?(?:存在)?(?:的)?问题)?(?:的)?(?:改进|整改)(?:情况|措施|举措|方向|计划|工作)"
    r"|下一步(?:工作|整改|改进)?(?:打算|计划|思路|措施|安排|工作)?|今后(?:工作)?(?:的)?(?:打算|计划|方向))"
    r"|(?P<problem>存在的?(?:主要)?(?:问题|不足)(?:和不足|及不足)?|主要问题|问题和不足|问题与不足))"
    r"[ \t]*(?:[:。]|(?=\n)|$)",
    re.M,
)
# A sentence that opens the measures: "下一步，我们将：", "2023年，我区将采取以下措施加以改进。", or the first
# measure itself ("下一步，我镇将加强信息更新。").
_MEASURES_START = re.compile(
    r"^[^。;:\n]{0,12}?(?:下一步|今后|明年)|^(?:\d{4}年|针对)[^。;:\n]{0,20}?(?:将|拟)"
    r"|将(?:采取|从|着力|重点)[^。;:\n]{0,12}?(?:以下|如下|几个方面)|加以改进|(?:改进|整改)措施如下"
)
_ANNOUNCES = re.compile(r"以下|如下|几个方面|加以改进|:$")
_SENTENCES = re.compile(r"[^。;:\n]+[。;:\n]?")
_ENUM_STYLES = (
    re.compile(r"(?:^|(?<=[。;,:\s]))([一二三四五六七八九十])是", re.M),
    re.compile(r"(?:^|(?<=[。;:\s]))[(]([一二三四五六七八九十])[)]", re.M),
    re.compile(r"(?:^|(?<=[。;:\s]))(\d{1,2})[.、](?!\d)", re.M),
    re.compile(r"(?:^|(?<=[。;:\s]))第([一二三四五六七八九十])[,、]", re.M),
    re.compile(r"(?:^|(?<=[。;:\s]))([一二三四五六七八九十])[、.]", re.M),
)
_SENTENCE_END = "。;!？?"
# An introduction that only frames the list ("取得了一定成绩，但还存在一些问题和不足") is not an item.
_GENERIC = re.compile(
    r"取得了?(?:一定|一些)?的?(?:成绩|成效|进步|进展)"
    r"|(?:还|仍|也)?存在(?:着)?(?:一定|一些|以下|如下)?的?(?:差距|不足|问题|薄弱环节)(?:[和与及](?:差距|不足|问题|薄弱环节))?"
)
_BUT = re.compile(r"^[^。]*?(?:成绩|成效|进步|进展)[^。]*?[,，]\s*但(?:是)?")
_PROBLEM_WORDS = re.compile(
    r"不足|不够|有待|滞后|欠缺|单一|不强|不高|不及时|缺乏|薄弱|不到位|不完善|不规范|待进一步|仍需|需进一步"
)
_CLAUSE = re.compile(r"[^,;]+(?:[,;]|$)")
_FRAMING = re.compile(r"相比|取得|虽然|尽管|对照|距离")
_CONNECTIVE = re.compile(r"^(?:另外|此外|同时|并且|而且|还有)[,]?")
_SENTENCE = re.compile(r"[^。;]+[。;]?")

Span = tuple[int, int]


def _trimmed(norm: str, start: int, end: int) -> Span:
    chunk = norm[start:end]
    stripped = chunk.strip(" \t\n:")
    if not stripped:
        return start, start
    lead = start + chunk.index(stripped)
    return lead, lead + len(stripped)


def _measures_start(norm: str, start: int, end: int) -> tuple[int, int] | None:
    """(marker start, content start) of the first sentence that opens the measures: an announcing sentence
    ("…将采取以下措施加以改进：", or one an enumeration follows) is left out, a measure itself is kept."""
    for m in _SENTENCES.finditer(norm, start, end):
        s, e = _trimmed(norm, m.start(), m.end())
        if s <= start + 10 or not _MEASURES_START.search(norm[s:e]):
            continue
        text = norm[s:e]
        after = norm[m.end() : min(end, m.end() + 8)].lstrip()
        if _ANNOUNCES.search(text) or any(style.match(after) for style in _ENUM_STYLES):
            return s, m.end()
        return s, s
    return None


def _parts(norm: str, start: int, end: int) -> list[tuple[bool, int, int]]:
    """(is_problem, start, end) parts of the section, in order. Before any marker the text is problems."""
    marks: list[tuple[int, int, bool]] = []  # (marker start, content start, is_problem)
    for h in _PART_HEADING.finditer(norm, start, end):
        marks.append((h.start(), h.end(), h.group("problem") is not None))
    if not any(not p for _, _, p in marks):
        opening = _measures_start(norm, start, end)
        if opening is not None:
            marks.append((*opening, False))
    marks.sort()
    parts: list[tuple[bool, int, int]] = []
    if not marks or marks[0][0] > start:
        parts.append((True, start, marks[0][0] if marks else end))
    for i, (_, content, is_problem) in enumerate(marks):
        parts.append((is_problem, content, marks[i + 1][0] if i + 1 < len(marks) else end))
    return [p for p in parts if norm[p[1] : p[2]].strip()]


def _number(m: re.Match[str]) -> int:
    g = m.group(1)
    return int(g) if g.isdigit() else _NUMERALS.get(g, 0)


def _chain(norm: str, start: int, end: int) -> list[re.Match[str]]:
    """The earliest-starting enumeration of at least two markers. It starts at 1 and each next marker
    repeats, follows or skips one number (reports print 一是/三是/三是)."""
    best: list[re.Match[str]] = []
    for style in _ENUM_STYLES:
        chain: list[re.Match[str]] = []
        for m in style.finditer(norm, start, end):
            n = _number(m)
            if chain and _number(chain[-1]) <= n <= _number(chain[-1]) + 2:
                chain.append(m)
            elif n == 1 and len(chain) < 2:
                chain = [m]
        if len(chain) >= 2 and (not best or chain[0].start() < best[0].start()):
            best = chain
    return best


def _last_item_end(norm: str, start: int, end: int) -> int:
    """The last enumerated item ends at the first line that closes a sentence."""
    pos = start
    while pos < end:
        nl = norm.find("\n", pos, end)
        if nl < 0:
            return end
        if norm[pos:nl].rstrip()[-1:] in _SENTENCE_END:
            return nl
        pos = nl + 1
    return end


def _paragraphs(norm: str, start: int, end: int) -> list[Span]:
    """Paragraphs of the range; a line that does not close its sentence runs on into the next (a PDF's hard
    line breaks), unless the next opens an enumerated item."""
    spans: list[Span] = []
    pos = start
    open_para: Span | None = None
    for line in norm[start:end].split("\n"):
        s, e = _trimmed(norm, pos, pos + len(line))
        pos += len(line) + 1
        if s == e:
            continue
        runs_on = open_para is not None and norm[open_para[1] - 1] not in _SENTENCE_END + ":"
        if runs_on and not any(style.match(norm, s) for style in _ENUM_STYLES) and open_para is not None:
            open_para = (open_para[0], e)
            continue
        if open_para is not None:
            spans.append(open_para)
        open_para = (s, e)
    if open_para is not None:
        spans.append(open_para)
    return spans


def _list_items(norm: str, start: int, end: int) -> list[Span]:
    """A "；" list that is one sentence ("如：A；B；C。", "存在的主要问题:A；B；C。"): its clauses."""
    text = norm[start:end]
    colon = text.find(":")
    body = start + colon + 1 if 0 <= colon < len(text) - 1 and text.count(";", 0, colon) == 0 else start
    if norm.count(";", body, end) < 1 or "。" in norm[body:end].rstrip("。 \n"):
        return []
    spans = [_trimmed(norm, m.start(), m.end()) for m in re.finditer(r"[^;]+;?", norm[body:end])]
    spans = [(s + body, e + body) for s, e in spans]
    return [(s, e) for s, e in spans if e > s]


def _problem_sentences(norm: str, start: int, end: int) -> list[Span]:
    """A problem paragraph of several sentences: each sentence naming a problem is one, the sentences after
    it its detail; framing before the first is dropped. One sentence: its clauses (``_problem_clauses``)."""
    items: list[list[int]] = []
    sentences = [(m.start() + start, m.end() + start) for m in _SENTENCE.finditer(norm[start:end])]
    if len(sentences) < 2:
        return _problem_clauses(norm, start, end)
    for s, e in sentences:
        text = norm[s:e]
        if _PROBLEM_WORDS.search(_GENERIC.sub("", text)):
            items.append([s, e])
        elif items:
            items[-1][1] = e
    return [_trimmed(norm, s, e) for s, e in items] if len(items) >= 2 else []


def _problem_clauses(norm: str, start: int, end: int) -> list[Span]:
    """An undivided problem sentence split into its problems: a clause with a problem word starts an item,
    a clause without one continues the item before it, framing clauses ("与…相比，还存在一定差距") are
    dropped. Used only when the sentence names two or more problems this way."""
    items: list[list[int]] = []
    for m in _CLAUSE.finditer(norm, start, end):
        s, e = m.start(), m.end()
        clause = m.group()
        if _PROBLEM_WORDS.search(clause) and not _GENERIC.search(clause):
            conn = _CONNECTIVE.match(clause)
            items.append([s + (conn.end() if conn else 0), e])
        elif items and not _FRAMING.search(clause) and not _GENERIC.search(clause):
            items[-1][1] = e
    spans = []
    for s, e in items:
        while e > s and norm[e - 1] in ",; \t":
            e -= 1
        spans.append((s, e))
    return spans if len(spans) >= 2 else []


def _intro_problem(norm: str, start: int, end: int) -> Span | None:
    """The text before an enumerated problem list, when it names a problem itself ("取得了一定成效，但<problem>")
    rather than framing the list (it ends with a colon, or names nothing but 存在一些问题)."""
    s, e = _trimmed(norm, start, end)
    text = norm[s:e]
    if s == e or text.endswith((":", "如")) or not _PROBLEM_WORDS.search(_GENERIC.sub("", text)):
        return None
    turn = _BUT.search(text)
    return _trimmed(norm, s + turn.end(), e) if turn else (s, e)


def _items(norm: str, start: int, end: int, problems: bool) -> list[Span]:
    chain = _chain(norm, start, end)
    if chain:
        spans = []
        intro = _intro_problem(norm, start, chain[0].start()) if problems else None
        if intro is not None:
            spans.append(intro)
        for i, m in enumerate(chain):
            stop = chain[i + 1].start() if i + 1 < len(chain) else _last_item_end(norm, m.end(), end)
            spans.append(_trimmed(norm, m.end(), stop))
        return spans
    listed = _list_items(norm, start, end)
    if len(listed) >= 2:
        return listed
    spans = []
    for s, e in _paragraphs(norm, start, end):
        split = _problem_sentences(norm, s, e) if problems else []
        spans.extend(split if split else [(s, e)])
    return spans


def extract_problems(doc: Document, sec: Section | None) -> tuple[list[Item], list[Item]]:
    """(problems, improvements) of section 五."""
    if sec is None:
        return [], []
    norm = doc.norm
    problems: list[Item] = []
    improvements: list[Item] = []
    for is_problem, s, e in _parts(norm, sec.body_start, sec.end):
        items = [Item(text=doc.text[a:b], span=(a, b)) for a, b in _items(norm, s, e, is_problem) if b > a]
        (problems if is_problem else improvements).extend(items)
    return problems, improvements
