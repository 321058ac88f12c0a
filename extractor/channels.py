"""Publishing platforms named in the overview, and the 信息处理费 stated in section 六."""

from __future__ import annotations

import re

from .ingest import Document
from .schema import Fee, Overview, Platform, PlatformKind
from .sections import Section

_KIND_PATTERNS: tuple[tuple[PlatformKind, str], ...] = (
    (
        "service_hall",
        r"便民服务中心|政务服务中心|为民服务中心|党群服务中心|政务服务大厅|政务(?:公开)?服务大厅|"
        r"政务公开专区|政府信息公开专区|信息公开专区|公开专区|信息查阅点|查阅点|查阅室|档案馆|图书馆",
    ),
    ("bulletin_board", r"(?:政务|村务|信息|党务)?公开栏(?!目)|公告栏|公示栏|宣传栏|电子显示屏|电子屏|LED屏"),
    (
        "new_media",
        r"微信公众号|公众号|政务微博|微博|抖音|快手|今日头条|头条号|视频号|政务新媒体|新媒体|自媒体|"
        r"社交媒体|客户端|APP|移动端",
    ),
    ("website", r"政府门户网站|门户网站|政府网站|政务网站|新闻网站|(?:政府)?信息公开平台|政务公开平台|网站"),
    ("hotline", r"12345(?:热线)?|政务服务热线|服务热线|热线电话|咨询电话"),
    ("other", r"广播电视|广播|电视台|报纸|报刊|新闻发布会|在线访谈"),
)
_KINDS: dict[str, PlatformKind] = {kind: kind for kind, _ in _KIND_PATTERNS}
_PLATFORM = re.compile(
    # The look-ahead on first characters lets the regex engine skip most positions cheaply.
    "(?=[便政为党信公查档图村务告示宣电L微抖快今头视新自社客A移门网1广报在服热咨])(?:"
    + "|".join(f"(?P<{kind}>{pattern})" for kind, pattern in _KIND_PATTERNS)
    + ")"
)
_QUOTED = re.compile(r"[“\"]([^”\"\n]{2,24}?(?:网|网站|公众号|平台|客户端|APP|号))[”\"]")
_QUOTED_KIND: tuple[tuple[str, PlatformKind], ...] = (
    ("公众号", "new_media"),
    ("号", "new_media"),
    ("客户端", "new_media"),
    ("APP", "new_media"),
    ("网", "website"),
    ("网站", "website"),
    ("平台", "website"),
)
# The body that owns a website or a hall: "镇政府网站", "望溪镇人民政府信息公开平台". Stops at verbs.
_OWNER = re.compile(
    r"(?:[^\s,.;:，。、；：“”\"()（）通过利用依托在及和与等的了为把对向从将充分发挥借助线上下设立]{0,6}?"
    r"(?:省|市|县|区|镇|乡|街道|村))?(?:人民)?(?:政府)?$"
)
_OWNED_KINDS = {"website", "service_hall", "bulletin_board"}


def extract_platforms(doc: Document, overview: Overview, intro: tuple[int, int] | None) -> list[Platform]:
    """Platforms the report says it publishes through: the overview's intro, 主动公开 and 平台 sub-items.

    A category word right after 等 ("微信公众号等新媒体平台") is not a separate platform.
    """
    regions = [intro] if intro else []
    for item in (overview.active_disclosure, overview.platforms):
        if item is not None:
            regions.append(item.span)
    norm = doc.norm
    seen: set[str] = set()
    found: list[Platform] = []

    def add(name_start: int, name_end: int, kind: PlatformKind) -> None:
        name = doc.text[name_start:name_end]
        key = re.sub(r"\s", "", name)
        if key not in seen:
            seen.add(key)
            found.append(Platform(name=name, kind=kind, span=(name_start, name_end)))

    for start, end in sorted(regions):
        quoted: list[tuple[int, int]] = []
        for m in _QUOTED.finditer(norm, start, end):
            name = m.group(1)
            kind = next(k for suffix, k in _QUOTED_KIND if name.endswith(suffix))
            quoted.append((m.start(), m.end()))
            add(m.start(1), m.end(1), kind)
        for m in _PLATFORM.finditer(norm, start, end):
            if any(qs <= m.start() < qe for qs, qe in quoted) or norm[m.start() - 1 : m.start()] == "等":
                continue
            kind = _KINDS[m.lastgroup or "other"]
            s = m.start()
            if kind in _OWNED_KINDS:
                owner = _OWNER.search(norm, max(start, s - 12), s)
                if owner is not None:
                    s = owner.start()
            add(s, m.end(), kind)
    return found


_FEE_WORD = re.compile(r"处理费|收费通知|信息公开收费|收费")
_FEE_NONE = re.compile(
    r"(?:未|没有|无|不)(?:产生|收取|发生|收)[^。;]{0,24}?(?:处理费|费用|收费)|(?:处理费|收费)[^。;]{0,8}?(?:为)?(?:0|零)(?:元|万元)?|"
    r"未收取任何费用|(?:处理费|收费)[^。;]{0,6}?(?:情况)?[为:]?无"
)
_FEE_AMOUNT = re.compile(
    r"(?:处理费|收费)[^。;\d]{0,16}?(\d+(?:\.\d+)?)\s*(万元|元)|(?:收取|产生)[^。;\d]{0,12}?(\d+(?:\.\d+)?)\s*(万元|元)[^。;]{0,8}处理费"
)


def extract_fee(doc: Document, other: Section | None) -> Fee | None:
    """The 信息处理费: 0 when the report says none was charged, the amount when stated, None when silent."""
    regions = [(other.body_start, other.end)] if other else []
    regions.append((0, len(doc.norm)))
    norm = doc.norm
    for start, end in regions:
        pos = start
        while (m := _FEE_WORD.search(norm, pos, end)) is not None:
            s = max(norm.rfind("。", start, m.start()), norm.rfind("\n", start, m.start())) + 1
            s = max(s, start)
            stop = min(i for i in (norm.find("。", m.end(), end), norm.find("\n", m.end(), end), end) if i >= 0)
            e = stop + 1 if stop < end and norm[stop] == "。" else stop
            pos = max(e, m.end())
            sentence = norm[s:e]
            if "处理费" not in sentence and "收费通知" not in sentence and "信息公开" not in sentence:
                continue
            while s < e and norm[s].isspace():
                s += 1
            amount = _FEE_AMOUNT.search(sentence)
            if amount is not None and amount.group(1) not in ("0", None):
                digits, unit = amount.group(1), amount.group(2)
                value: int | float = float(digits) if "." in digits else int(digits)
                return Fee(value=value, unit=unit, text=doc.text[s:e], span=(s, e))
            if _FEE_NONE.search(sentence):
                return Fee(value=0, unit="元", text=doc.text[s:e], span=(s, e))
    return None
