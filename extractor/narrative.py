"""Rule-based narrative: the overview sub-items and section 五's problems and improvements.

Items are spans of the source, never rewritten text. Structure is read from the report's own markers:
part headings (存在问题 / 改进情况 / 整改措施 / 下一步), then enumerations (一是…, （一）…, 1.…),
else paragraphs.
"""

from __future__ import annotations

import re

from .ingest import Document
from .schema import Item, Overview, OverviewItem
from .sections import Section

_NUMERALS = {c: i + 1 for i, c in enumerate("一二三四五六七八九十")}

# --- overview -----------------------------------------------------------------------------------

_SUB_ITEM = re.compile(r"^[ \t]*(?:#{1,6}[ \t]*)?(?:\*\*)?[(]([一二三四五六七八九十])[)][ \t]*", re.M)
_SUB_HEADING_END = re.compile(r"[。:;\n]")
_OVERVIEW_HEADINGS = (
    ("requests", re.compile(r"依申请|申请公开")),
    ("platforms", re.compile(r"平台|网站|渠道|载体")),
    ("supervision", re.compile(r"监督|保障|考核|评议|问责|追究|培训")),
    ("information_management", re.compile(r"信息管理|管理|制度|机制|审查|审核")),
    ("active_disclosure", re.compile(r"主动公开|公开情况|公开")),
)
_OVERVIEW_CONTENT = {
    "active_disclosure": re.compile(r"主动公开|公开各类|发布信息|公开信息"),
    "requests": re.compile(r"依申请|申请人|公开申请"),
    "information_management": re.compile(r"管理|审核|审查|机制|制度|目录|更新"),
    "platforms": re.compile(r"网站|平台|公众号|新媒体|公开栏|公告栏|专区"),
    "supervision": re.compile(r"监督|考核|评议|责任追究|问责|培训|投诉"),
}


def _classify_overview(heading: str, body: str) -> str | None:
    for key, pattern in _OVERVIEW_HEADINGS:
        if pattern.search(heading):
            return key
    scores = {key: len(p.findall(body[:300])) for key, p in _OVERVIEW_CONTENT.items()}
    key, score = max(scores.items(), key=lambda kv: kv[1])
    return key if score >= 2 else None


def _trimmed(doc: Document, start: int, end: int) -> tuple[int, int]:
    chunk = doc.norm[start:end]
    stripped = chunk.strip(" \t\n:")
    if not stripped:
        return start, start
    lead = start + chunk.index(stripped)
    return lead, lead + len(stripped)


def extract_overview(doc: Document, sec: Section | None) -> Overview:
    """The five sub-items, classified by heading keyword, else by content keywords (never by position)."""
    found: dict[str, OverviewItem] = {}
    if sec is None:
        return Overview()
    norm = doc.norm
    subs = list(_SUB_ITEM.finditer(norm, sec.body_start, sec.end))
    blocks: list[tuple[str, int, int]] = []  # (heading, body start, body end)
    for i, m in enumerate(subs):
        block_end = subs[i + 1].start() if i + 1 < len(subs) else sec.end
        cut = _SUB_HEADING_END.search(norm, m.end(), block_end)
        head_end = cut.start() if cut is not None and cut.start() - m.end() <= 24 else m.end()
        heading = doc.text[m.start() : head_end].strip()
        body_start = head_end + 1 if cut is not None and head_end == cut.start() else head_end
        blocks.append((heading, body_start, block_end))
    if not blocks:  # no sub-headings: classify paragraphs by content
        pos = sec.body_start
        for para in norm[sec.body_start : sec.end].split("\n"):
            if para.strip():
                blocks.append(("", pos, pos + len(para)))
            pos += len(para) + 1
    for heading, start, end in blocks:
        s, e = _trimmed(doc, start, end)
        if s == e:
            continue
        key = _classify_overview(heading, norm[s:e])
        if key is not None and key not in found:
            found[key] = OverviewItem(heading=heading or None, text=doc.text[s:e], span=(s, e))
    return Overview(**found)


def overview_intro(doc: Document, sec: Section | None) -> tuple[int, int] | None:
    """Text of the overview before its first sub-item (often names the publishing channels)."""
    if sec is None:
        return None
    first = _SUB_ITEM.search(doc.norm, sec.body_start, sec.end)
    return (sec.body_start, first.start() if first else sec.end)


# --- problems and improvements ------------------------------------------------------------------

_ENUM_PREFIX = r"(?:[(][一二三四五六七八九十][)]|[一二三四五六七八九十][、.]|\d{1,2}[、.])?[ \t]*"
_PART_HEADING = re.compile(
    r"^[ \t]*(?:#{1,6}[ \t]*)?(?:\*\*)?" + _ENUM_PREFIX + r"(?:"
    r"(?P<improve>(?:上一?年度?(?:存在)?(?:的)?问题)?(?:的)?(?:改进|整改)(?:情况|措施|举措|方向|计划|工作)"
    r"|下一步(?:工作)?(?:打算|计划|思路|措施|安排|工作)?|今后(?:工作)?(?:的)?(?:打算|计划|方向))"
    r"|(?P<problem>存在的?(?:主要)?(?:问题|不足)(?:和不足|及不足)?|主要问题|问题和不足|问题与不足))"
    r"[ \t]*[:。]?",
    re.M,
)
_NEXT_STEP_PARAGRAPH = re.compile(r"^[^\n]{0,10}(?:下一步|今后|明年)", re.M)
_NEXT_STEP_SENTENCE = re.compile(r"(?<=[。;])[ \t]*(?=[^。\n]{0,8}(?:下一步|今后|明年))")

_ENUM_STYLES = (
    re.compile(r"(?:^|(?<=[。;,:\s]))([一二三四五六七八九十])是", re.M),
    re.compile(r"(?:^|(?<=[。;:\s]))[(]([一二三四五六七八九十])[)]", re.M),
    re.compile(r"(?:^|(?<=[。;:\s]))(\d{1,2})[.、](?!\d)", re.M),
    re.compile(r"(?:^|(?<=[。;:\s]))第([一二三四五六七八九十])[,、]", re.M),
    re.compile(r"(?:^|(?<=[。;:\s]))([一二三四五六七八九十])[、.]", re.M),
)
_SENTENCE_END = "。;!？?"
# An introduction that only frames the list ("取得了一定成绩，但还存在一定差距") is not an item.
_GENERIC = re.compile(
    r"取得了?(?:一定|一些)?的?(?:成绩|成效|进步|进展)|(?:还|仍)?存在(?:着)?(?:一定|一些)?的?(?:差距|不足|问题)"
)
_BUT = re.compile(r"^[^。]*?(?:成绩|成效|进步|进展)[^。]*?[,，]\s*但(?:是)?")
_PROBLEM_WORDS = re.compile(r"不足|不够|有待|滞后|欠缺|单一|不强|不高|不及时|缺乏|薄弱|不到位|不完善|不规范")


def _chain(norm: str, start: int, end: int) -> list[re.Match[str]]:
    """The earliest-starting enumeration with at least two consecutive markers (一, 二, ...)."""
    best: list[re.Match[str]] = []
    for style in _ENUM_STYLES:
        chain: list[re.Match[str]] = []
        for m in style.finditer(norm, start, end):
            n = _NUMERALS.get(m.group(1)) or (int(m.group(1)) if m.group(1).isdigit() else 0)
            if n == len(chain) + 1:
                chain.append(m)
            elif n == 1 and not chain:
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


def _items(doc: Document, start: int, end: int, problems: bool) -> list[Item]:
    norm = doc.norm
    spans: list[tuple[int, int]] = []
    chain = _chain(norm, start, end)
    if chain:
        intro = _trimmed(doc, start, chain[0].start())
        if problems and intro[0] < intro[1]:
            text = norm[intro[0] : intro[1]]
            if _PROBLEM_WORDS.search(_GENERIC.sub("", text)):
                # "取得了一定成效，但<problem>": the item is what follows the 但.
                turn = _BUT.search(text)
                spans.append(_trimmed(doc, intro[0] + turn.end(), intro[1]) if turn else intro)
        for i, m in enumerate(chain):
            stop = chain[i + 1].start() if i + 1 < len(chain) else _last_item_end(norm, m.end(), end)
            spans.append(_trimmed(doc, m.end(), stop))
    else:
        pos = start
        for para in norm[start:end].split("\n"):
            if para.strip():
                para_span = _trimmed(doc, pos, pos + len(para))
                clauses = _problem_clauses(norm, *para_span) if problems else []
                spans.extend(clauses if len(clauses) >= 2 else [para_span])
            pos += len(para) + 1
    return [Item(text=doc.text[s:e], span=(s, e)) for s, e in spans if e > s]


_CLAUSE = re.compile(r"[^,;]+(?:[,;]|$)")
_FRAMING = re.compile(r"相比|取得|虽然|尽管|对照|距离")
_CONNECTIVE = re.compile(r"^(?:另外|此外|同时|并且|而且|还有)[,]?")


def _problem_clauses(norm: str, start: int, end: int) -> list[tuple[int, int]]:
    """An undivided problem paragraph split into its problems: a clause with a problem word starts an item,
    a clause without one continues the item before it, framing clauses ("与…相比，还存在一定差距") are
    dropped. Used only when the paragraph names two or more problems this way."""
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
    return spans


def extract_problems(doc: Document, sec: Section | None) -> tuple[list[Item], list[Item]]:
    """(problems, improvements) of section 五."""
    if sec is None:
        return [], []
    norm = doc.norm
    start, end = sec.body_start, sec.end
    heads = list(_PART_HEADING.finditer(norm, start, end))
    parts: list[tuple[bool, int, int]] = []  # (is_problem, start, end)
    if heads:
        if not any(h.group("problem") for h in heads) and heads[0].start() > start:
            parts.append((True, start, heads[0].start()))
        for i, h in enumerate(heads):
            parts.append((h.group("problem") is not None, h.end(), heads[i + 1].start() if i + 1 < len(heads) else end))
    else:
        nxt = next((m for m in _NEXT_STEP_PARAGRAPH.finditer(norm, start, end) if m.start() > start + 10), None)
        inline = nxt is None
        if inline:  # "…等问题。下一步，我镇将…" inside one paragraph: split at that sentence
            nxt = next((m for m in _NEXT_STEP_SENTENCE.finditer(norm, start, end) if m.start() > start + 10), None)
        if nxt is not None:
            # A paragraph of its own that opens with 下一步 and lists nothing frames the measures after it.
            line_end = norm.find("\n", nxt.start(), end)
            framing = not inline and line_end > 0 and not _chain(norm, nxt.start(), line_end)
            parts = [(True, start, nxt.start()), (False, line_end if framing else nxt.start(), end)]
        else:
            parts = [(True, start, end)]
    problems: list[Item] = []
    improvements: list[Item] = []
    for is_problem, s, e in parts:
        (problems if is_problem else improvements).extend(_items(doc, s, e, is_problem))
    return problems, improvements
