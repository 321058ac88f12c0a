"""Publishing platforms named in the overview, as the report names them.

Three readings, most specific first: the items of a publishing list ("主要通过政府门户网站、办公场所的宣传栏、
《平潭时报》、电视广播等媒介发布" gives each item as printed), quoted account names ("“平潭发布”公众号"), then
channel words standing alone ("政务新媒体", with their owner when one is attached: "实验区政府门户网站"). Not
platforms: words inside a document title (《…政府网站…通知》), the category after 等 ("微信公众号等新媒体平台"),
bare 网站/平台 (a site's pages, a platform's building), and lists that are mostly not channels
("图文图表、在线访谈、H5等形式" are ways of explaining a policy).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .ingest import Document
from .schema import Platform, PlatformKind

_KIND_PATTERNS: tuple[tuple[PlatformKind, str], ...] = (
    (
        "service_hall",
        r"便民服务中心|政务服务中心|为民服务中心|党群服务中心|政务服务大厅|政务(?:公开)?服务大厅|"
        r"政务公开专区|政府信息公开专区|信息公开专区|公开专区|信息查阅点|查阅点|查阅室",
    ),
    (
        "bulletin_board",
        r"(?:政务|村务|信息|党务)?公开栏(?!目)|(?:信息)?公告栏|公示栏|宣传栏",
    ),
    (
        "new_media",
        r"微信公众号|公众号|政务微博|微博|抖音|快手|今日头条|头条号|视频号|政务新媒体|新媒体|自媒体|"
        r"社交媒体|客户端|APP|移动端|小程序|小红书",
    ),
    (
        "website",
        r"政府门户网站|门户网站?|政府网站|政务网站|新闻网站|(?:政府)?信息公开平台|(?:政府)?信息公开网站?|政务公开平台|网上办事大厅|网站|"
        # sites named "…网": procurement and land-market sites, and "中国X网" portals (中国政府网, 中国平潭网)
        r"政府采购网|土地市场网|公共资源交易网|中国[\u4e00-\u9fff]{2,4}?网(?![站格络点上民友页购])",
    ),
    ("hotline", r"12345(?:便民服务平台|便民服务热线|政务服务便民热线|热线)?|政务服务热线|服务热线|热线电话|咨询电话"),
    (
        "other",
        r"广播电视台|广播电视|电视广播|广播|电视台|电视|报纸|报刊|政府公报|新闻发布会|两馆|档案馆|图书馆|"
        r"电子(?:信息|显示)?屏|LED屏|"
        r"《[^》\n]{1,12}(?:报|刊)》",
    ),
)
_KINDS: dict[str, PlatformKind] = {kind: kind for kind, _ in _KIND_PATTERNS}
_PLATFORM = re.compile(
    # The look-ahead on first characters lets the regex engine skip most positions cheaply.
    "(?=[便政为党信公查档图村宣电L微抖快今头视新自社客A移小门网服热咨1广报两《中土])(?:"
    + "|".join(f"(?P<{kind}>{pattern})" for kind, pattern in _KIND_PATTERNS)
    + ")"
)
# A newspaper named without 《》 ("对接平潭时报、广播电视台"): after a delimiter or a verb, so not "及时报送".
# Not a verb: "按时报送", "及时报", "每日报".
_PAPER = re.compile(r"(?<=[、,。;:\s“在接过用助托和及与])[\u4e00-\u9fff]{2,4}(?<![按及准同实定适每])(?:时报|日报|晚报)")
_GENERIC = {
    "网站",
    "信息公开平台",
    "政府信息公开平台",
    "政务公开平台",
    "新媒体",
    "电视",
    "12345",
}  # a channel only when owned or listed
# A quoted account or site name: “平潭发布”公众号 (quotes kept: the suffix names the kind), “沁水县人民政府网”.
_QUOTED = re.compile(
    r"[“\"](?P<name>[^”\"\n]{2,20}?)[”\"](?P<suffix>(?:官方)?微信公众号|公众号|(?:官方)?(?:新浪)?微博(?:账号)?|抖音号|头条号|"
    r"视频号|客户端|APP|平台|政府门户网站|门户网站|网站)?"
)
_QUOTED_KIND: tuple[tuple[str, PlatformKind], ...] = (
    ("公众号", "new_media"),
    ("微博", "new_media"),
    ("号", "new_media"),
    ("客户端", "new_media"),
    ("APP", "new_media"),
    ("网站", "website"),
    ("网", "website"),
    ("平台", "website"),
)
_SOCIAL = re.compile(r"微|一端")
_NAMED_AFTER = re.compile(r"[”\"]?\s*\([^()]{2,20}、")
_COUNT = re.compile(r"\s*\d+\s*(?:条|篇|期|场|次|个)")
_LONG_ITEM = 16  # longer list items are clauses ("区领导亲自组织或参与…新闻发布会")
_SLOGAN = re.compile(r"[,，;；。、!?]")
# A list of channels: items joined by 、 (the last maybe by 和/及/与), closed by 等 or the end of the clause.
_CLAUSE = re.compile(r"[^,。;:\n()“”]+")  # a clause; one holding 、 is a list
_LEAD = re.compile(
    r".*(?:通过|依托|利用|借助|发挥|运用|用好|在|依靠|及时在|采取|对接|登录|关注|向|涵盖|包括|包含|开设|设立)"
)
_JOIN = re.compile(r"以及|和|与")  # joins two channels inside any item of a list (及 only in its last)
_LAST_JOIN = re.compile(r"以及|和|及|与")
_TITLE = re.compile(r"《[^》\n]{0,60}》")
_ENUM_COMMA = re.compile("、")
# The report's own channel, in the sentence that says where the report is published: "本报告的电子版可在X门户网站
# （www…）下载", "报告全文通过X对外公布", "X上可下载本年度报告的电子版".
_OWN_COPY = re.compile(r"电子版|报告全文|本报告可?(?:在|通过)")
_OWN_VERB = re.compile(r"公布|下载|查阅|发布|获取|公开")
# The body that owns a website or a hall: "镇政府网站", "实验区政府门户网站", "望溪镇人民政府信息公开平台". It
# must open the phrase (after a preposition or a delimiter) and not be a verb phrase ("加强全区政府网站" names
# 政府网站).
_OWNER_BODY = re.compile(
    r"(?:[\u4e00-\u9fff]{0,8}?(?:省|市|县|区|镇|乡|街道|村|实验区)(?:党工委)?(?:管委会)?)?"
    r"(?:及各(?:村|社区|镇|乡))?(?:\(居\))?(?:人民)?(?:政府)?"
)
_OWNER_AFTER = (
    "通过",
    "发挥",
    "运用",
    "设立",
    "开设",
    "设置",
    "依托",
    "利用",
    "借助",
    "登录",
    "在",
    "和",
    "与",
    "及",
    "将",
    "对",
    "向",
    "、",
    ",",
    "。",
    ":",
    ";",
)
_NOT_AN_OWNER = set(
    "加强提升维护切推进做开优规完建改落抓深拓充积注新一二三四五六对全各本我其该此将把向从为以由等的了是"
)
# Words no body's name holds: "截至目前我区政府网站", "尤其是充分发挥区政府门户网站" name 政府网站.
_NOT_A_PLACE = re.compile(
    r"我|是|发挥|推进|统筹|加大|截至|目前|充分|亲自|组织|参与|持续|不断|进一步|积极|大力|在|并|通过|依托|利用|借助|登录"
)
_EACH = re.compile(r"各(?:村|社区|镇|乡)")  # 各村(居)信息公告栏: the boards of every village
_NOT_A_NAME = re.compile(_NOT_A_PLACE.pattern + r"|对|加强|加大")
_FAULT = re.compile(r"不|未|没有")
# Names that differ only by these words are one platform ("政府网站", "政府门户网站").
_SAME_PLATFORM = re.compile(r"\s|门户|人民")
_BARE = {"公众号", "微信公众号", "网站", "政府网站", "政务网站", "视频号", "微博"}
_OWNED_KINDS = {"website", "service_hall", "bulletin_board"}
# A government's portal, by any of its names ("政府门户网站", "“中国平潭”政府门户网站", "实验区门户网站"), and
# the bodies whose sites are their own platforms.
_PORTAL = re.compile(r"门户网|政府网|政务网")
_DEPARTMENT = re.compile(r"局|委员会|中心|办公室|(?<!政)府办|院|所|厅|站|队")


@dataclass(frozen=True, slots=True)
class _Found:
    start: int
    end: int
    kind: PlatformKind
    listed: bool = False  # an item of a publishing list, named as the list prints it


def _kind_of(text: str) -> PlatformKind | None:
    """The kind of an item by its last channel word, its noun ("办公场所的LED屏及宣传栏" is a board)."""
    m = next(reversed(list(_PLATFORM.finditer(text))), None)
    if m is not None and m.lastgroup:
        return _KINDS[m.lastgroup]
    return "other" if "报" in text and _PAPER.search("、" + text) else None


def _list_items(
    norm: str, start: int, end: int, titles: list[tuple[int, int]]
) -> tuple[list[_Found], list[tuple[int, int]]]:
    """Items of the publishing lists in the range, and the lists' spans. A list counts when most of its items
    are channels, each ending with its channel word (its noun); channel words in other lists stand alone."""
    found: list[_Found] = []
    seen: list[tuple[int, int]] = []
    for m in _CLAUSE.finditer(norm, start, end):
        if "、" not in m.group() or any(ts <= m.start() < te for ts, te in titles):
            continue
        if _PLATFORM.search(norm, m.start(), m.end()) is None and "报" not in m.group():
            continue  # no channel word at all: not a list of channels (the common case, checked cheaply)
        pieces, closed = _split_list(norm, m.start(), m.end())
        items = [_item_span(norm, s, e, tail=not closed and i == len(pieces) - 1) for i, (s, e) in enumerate(pieces)]
        channels = [(s, e) for s, e in items if e > s]
        if len(channels) * 3 < len(pieces) * 2:
            continue  # mostly not channels: ways of explaining a policy, say, not of publishing
        seen.append((m.start(), m.end()))
        for s, e in channels:
            if _FAULT.search(norm, s, e):
                continue  # "运维不及时的政府网站": a fault found, not a channel the report uses
            if e - s > _LONG_ITEM or _NOT_A_NAME.search(norm, s, e):
                # a clause around a channel word ("运维不及时的政府网站"), not a name: the word and its owner
                first, e, _ = _channels(norm, s, e)[-1]
                s = _owner_start(norm, s, first)
                if s == first and norm[s:e] in _GENERIC:
                    continue
            found.append(_Found(s, e, _kind_of(norm[s:e]) or "other", listed=True))
    return found, seen


def _split_list(norm: str, start: int, end: int) -> tuple[list[tuple[int, int]], bool]:
    """The list's items, and whether 等 closes it: split on 、, the first cut after its preposition, the last
    split on 和/及/与 when both halves name a channel, and cut at 等 (what follows names the category)."""
    text = norm[start:end]
    stop = text.find("等", text.rfind("、") + 1)
    closed = stop >= 0
    if closed:
        end = start + stop
        text = text[:stop]
    cuts = [start - 1, *(start + m.start() for m in _ENUM_COMMA.finditer(text)), end]
    pieces = [(cuts[i] + 1, cuts[i + 1]) for i in range(len(cuts) - 1)]
    lead = _LEAD.match(norm, pieces[0][0], pieces[0][1])
    if lead is not None and lead.end() < pieces[0][1]:
        pieces[0] = (lead.end(), pieces[0][1])
    split: list[tuple[int, int]] = []
    for i, (s, e) in enumerate(pieces):
        joins = _LAST_JOIN if i == len(pieces) - 1 else _JOIN
        j = next(
            (j for j in joins.finditer(norm, s, e) if _kind_of(norm[s : j.start()]) and _kind_of(norm[j.end() : e])),
            None,
        )
        split += [(s, j.start()), (j.end(), e)] if j is not None else [(s, e)]
    return split, closed


def _channels(norm: str, start: int, end: int) -> list[tuple[int, int, PlatformKind]]:
    """Channel words in the range, in order: platform words, and newspapers named without 《》."""
    found = [(m.start(), m.end(), _KINDS[m.lastgroup or "other"]) for m in _PLATFORM.finditer(norm, start, end)]
    if norm.find("报", start, end) >= 0:
        found += [(m.start(), m.end(), "other") for m in _PAPER.finditer(norm, start, end)]
        found.sort()
    return found


def _item_span(norm: str, start: int, end: int, tail: bool) -> tuple[int, int]:
    """An item as printed, up to the end of its last channel word; (start, start) when it is no channel item:
    no channel word, or words after it (only the list's last item, with no 等, may trail a verb)."""
    found = _channels(norm, start, end)
    while start < end and norm[start] in " \t":
        start += 1
    if not found:
        return start, start
    last = found[-1][1]
    after = _COUNT.match(norm, last, end)  # "新闻发布会8场": how many, not what else
    if not tail and norm[after.end() if after else last : end].strip(' \t”"'):
        return start, start
    return start, last


def _owner_start(norm: str, region_start: int, s: int) -> int:
    """Start of the owner right before a channel word at ``s`` (the longest that opens the phrase), else s."""
    start = s
    for p in range(s - 1, max(region_start, s - 15) - 1, -1):
        if _NOT_A_PLACE.search(norm, p, s):
            break  # "截至目前我区政府网站": no owner reaches over a verb
        if norm[p] in _NOT_AN_OWNER and not _EACH.match(norm, p):
            continue
        if not _OWNER_BODY.fullmatch(norm, p, s):
            continue
        if p == region_start or norm.endswith(_OWNER_AFTER, region_start, p):
            start = p
    return start


def _standalone(norm: str, start: int, end: int, taken: list[tuple[int, int]]) -> list[_Found]:
    """Channel words outside lists and quotes: owned, and not generic, inside a title or after 等."""
    found: list[_Found] = []
    for first, last, kind in _channels(norm, start, end):
        s = first
        if any(ts <= s < te for ts, te in taken) or norm[s - 1 : s] == "等":
            continue
        if kind in _OWNED_KINDS or norm[last - 1] == "馆":  # 区档案馆, 县图书馆 are owned too
            s = _owner_start(norm, start, s)
        if s == first and norm[first:last] in _GENERIC:
            continue
        found.append(_Found(s, last, kind))
    return found


def _quoted(norm: str, start: int, end: int) -> list[_Found]:
    found = []
    for m in _QUOTED.finditer(norm, start, end):
        name, suffix = m.group("name"), m.group("suffix")
        if _SLOGAN.search(name):
            continue  # "上网不涉密,涉密不上网" is a slogan
        if suffix:
            kind = next(k for end_word, k in _QUOTED_KIND if suffix.endswith(end_word))
            if suffix == "平台" and _SOCIAL.search(name):  # “两微”平台, “两微一端”平台: accounts, not a site
                kind = "new_media"
            found.append(_Found(m.start(), m.end(), kind))
        elif name.endswith(("网站", "网", "客户端", "APP", "公众号")) and "尽" not in name:
            kind = next(k for end_word, k in _QUOTED_KIND if name.endswith(end_word))
            found.append(_Found(m.start("name"), m.end("name"), kind))
    return found


def extract_platforms(doc: Document, region: tuple[int, int] | None) -> list[Platform]:
    """Platforms the report says it publishes through, named in ``region`` (the overview) or in the line that
    says where the report itself is published. One entry per platform: the government's portal is one
    platform however often and by whatever name the report mentions it (see ``_portals``)."""
    norm = doc.norm
    regions = [region] if region else []
    own = _own_copy(norm)
    if own is not None and not (region and region[0] <= own[0] < region[1]):
        regions.append(own)
    chosen: dict[str, _Found] = {}  # one platform per name; the longest wording of it, at its first place
    first: dict[str, int] = {}
    for start, end in sorted(regions):
        for f in _found(norm, start, end):
            key = _SAME_PLATFORM.sub("", doc.text[f.start : f.end])
            if not key:
                continue
            first.setdefault(key, len(first))
            if key not in chosen or f.end - f.start > chosen[key].end - chosen[key].start:
                chosen[key] = f
    found = sorted(chosen.values(), key=lambda f: first[_SAME_PLATFORM.sub("", doc.text[f.start : f.end])])
    found = _portals(norm, found, own)
    return [Platform(name=doc.text[f.start : f.end], kind=f.kind, span=(f.start, f.end)) for f in found]


def _own_copy(norm: str) -> tuple[int, int] | None:
    """The sentence that says where the report itself is published, if it names a site."""
    for m in _OWN_COPY.finditer(norm):
        start = max(norm.rfind("。", 0, m.start()), norm.rfind("\n", 0, m.start())) + 1
        end = norm.find("。", m.end())
        end = len(norm) if end < 0 else end
        if end - start < 200 and "网" in norm[start:end] and _OWN_VERB.search(norm, start, end):
            return start, end
    return None


def _portals(norm: str, found: list[_Found], own: tuple[int, int] | None) -> list[_Found]:
    """The government portals mentioned in passing kept as one: the one the report's own copy names, else the
    first named. A publishing list's item stays as the list names it; a department's site ("区行政服务中心官网",
    "“…市场监督管理局”门户网站") is another platform."""
    portals = [f for f in found if f.kind == "website" and not f.listed and _is_portal(norm[f.start : f.end])]
    if len(portals) < 2:
        return found
    mine = [f for f in portals if own is not None and own[0] <= f.start < own[1]]
    keep = mine[0] if mine else min(portals, key=lambda f: f.start)
    return [f for f in found if f is keep or f not in portals]


def _is_portal(name: str) -> bool:
    m = _PORTAL.search(name)
    return m is not None and not _DEPARTMENT.search(name, 0, m.start())


def _found(norm: str, start: int, end: int) -> list[_Found]:
    """Platforms of one region, in text order (see the module docstring)."""
    titles = [
        (m.start(), m.end()) for m in _TITLE.finditer(norm, start, end) if not m.group().endswith(("报》", "刊》"))
    ]
    quoted = _quoted(norm, start, end)
    listed, lists = _list_items(norm, start, end, titles)
    taken = titles + lists + [(f.start, f.end) for f in quoted]
    listed = [f for f in listed if not any(q.start <= f.start < q.end or f.start <= q.start < f.end for q in quoted)]
    found = sorted([*quoted, *listed, *_standalone(norm, start, end, taken)], key=lambda f: f.start)
    named = ["".join(norm[f.start : f.end].split()) for f in found]
    return [  # a bare 公众号 beside "“平潭金井”微信公众号" in the same passage is that account, not another
        f
        for f, name in zip(found, named, strict=True)
        if not (name in _BARE and any(name in other and name != other for other in named))
        and not _NAMED_AFTER.match(norm, f.end)  # “两馆”(档案馆、图书馆): its items are the platforms
        and not (f.kind == "bulletin_board" and _COUNT.match(norm, f.end))  # 公示公告栏76条: a site's column
    ]
