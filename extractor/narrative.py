"""Rule-based narrative of section 一: the overview's five sub-items, classified by heading, else by content.

Items are spans of the source, never rewritten text. (Section 五's problems and improvements: ``problems``.)
"""

from __future__ import annotations

import re

from .edition import old_format
from .ingest import Document
from .items import trimmed
from .schema import Overview, OverviewItem
from .sections import NUMERALS, Section

# --- overview -----------------------------------------------------------------------------------

_SUB_ITEM = re.compile(r"^[ \t]*(?:#{1,6}[ \t]*)?(?:\*\*)?[(]([一二三四五六七八九十])[)][ \t]*", re.M)
# In a crawler's one-line page the sub-items run into the text: "…保障。（二）依申请公开方面…".
_SUB_ITEM_INLINE = re.compile(r"[(]([一二三四五六七八九十])[)]")
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


def _sub_items(norm: str, sec: Section) -> list[re.Match[str]]:
    """The overview's sub-item headings: at line starts, else (one run-on line) the numbered run （一）（二）…
    found inside the text, in order."""
    subs = list(_SUB_ITEM.finditer(norm, sec.body_start, sec.end))
    if subs or norm.find("\n", sec.body_start, sec.end) >= 0:
        return subs
    run: list[re.Match[str]] = []
    for m in _SUB_ITEM_INLINE.finditer(norm, sec.body_start, sec.end):
        if NUMERALS.get(m.group(1)) == len(run) + 1:
            run.append(m)
    return run if len(run) >= 2 else []


def extract_overview(doc: Document, sec: Section | None) -> Overview:
    """The five sub-items, classified by heading keyword, else by content keywords (never by position)."""
    found: dict[str, OverviewItem] = {}
    if sec is None:
        return Overview()
    norm = doc.norm
    subs = _sub_items(norm, sec)
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
        s, e = trimmed(norm, start, end)
        if s == e:
            continue
        key = _classify_overview(heading, norm[s:e])
        if key is not None and key not in found:
            found[key] = OverviewItem(heading=heading or None, text=doc.text[s:e], span=(s, e))
    return Overview(**found)


# A sub-item of section 二 on how information is published ("（三）主动公开政府信息的主要形式"), kept by reports
# that follow the old format's outline inside the new one.
_FORMS_HEADING = re.compile(r"[(]([一二三四五六七八九十])[)][^\n。(]{0,16}(?:形式|渠道|载体)")


def channels_region(doc: Document, sections: dict[str, Section], year: int | None) -> list[tuple[int, int]]:
    """Where a report names its publishing channels: the overview's text after its heading, and a sub-item of
    section 二 on the forms of publishing; in a report of the format used before 2019 (other sections, no
    standard tables), everything up to its problems."""
    sec = sections.get("overview")
    if old_format(doc, year):
        problems = sections.get("problems_and_improvements")
        return [(sec.body_start if sec else 0, problems.start if problems else len(doc.norm))]
    regions = [] if sec is None else [(sec.body_start, sec.end)]
    table2 = sections.get("table2")
    if table2 is not None:
        forms = _FORMS_HEADING.search(doc.norm, table2.body_start, table2.end)
        if forms is not None:
            regions.append((forms.end(), table2.end))
    return regions
