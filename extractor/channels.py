"""Publishing platforms named in the overview, as the report names them (the convention: evals/real/PLATFORMS.md).

Three readings, most specific first: the items of a publishing list ("主要通过政府门户网站、办公场所的宣传栏、
《平潭时报》、电视广播等媒介发布" gives each item as printed; two channels joined by 和 after a preposition, "在A和B
上", are a list too), quoted names (``channel_quotes``: "“平潭发布”公众号"), then channel words standing alone
(``channel_words``: "政务新媒体", with their owner when one is attached: "实验区政府门户网站"). Not platforms:
words inside a document title (《…政府网站…通知》), the category after 等 ("微信公众号等新媒体平台"), bare
网站/平台 (a site's pages, a platform's building), lists that are mostly not channels ("图文图表、在线访谈、H5等
形式" are ways of explaining a policy), and channels that serve no one's information (``channel_context``: a
hotline taking complaints, a closed account). One entry per channel (``channel_entries``): the portal by all its
names, umbrella words for new media only where no account is named.
"""

from __future__ import annotations

import re
from itertools import pairwise

from .channel_context import serves_public, with_account_name
from .channel_entries import (
    Found,
    _name,
    is_umbrella,
    merge_halls_and_papers,
    merge_portals,
    merge_renamed,
    resolve_new_media,
)
from .channel_quotes import quoted as quoted_names
from .channel_words import PLATFORM, channel_words, kind_of
from .ingest import Document
from .schema import Platform

_GENERIC = {
    "网站",
    "信息公开平台",
    "政府信息公开平台",
    "政务公开平台",
    "新媒体",
    "电视",
    "12345",
}  # a channel only when owned or listed
_NAMED_AFTER = re.compile(r"[”\"]?\s*\([^()]{2,20}、")
_COUNT = re.compile(r"\s*\d+\s*(?:条|篇|期|场|次|个)")
_ITEMS = re.compile(r"\s*\d+\s*(?:条|篇)")  # how many pieces of information (政务公开栏120个 counts boards)
_PAIR_LEN = 8  # the longest item that is two media words back to back ("广播电视台" is one)
_LONG_ITEM = 16  # longer list items are clauses ("区领导亲自组织或参与…新闻发布会")
# A list of channels: items joined by 、 (the last maybe by 和/及/与), closed by 等 or the end of the clause.
_CLAUSE = re.compile(r"[^,。;:\n()“”]+")  # a clause; one holding 、 is a list
_LEAD = re.compile(
    r".*(?:通过|依托|利用|借助|发挥|运用|用好|在|依靠|及时在|采取|对接|登录|关注|向|涵盖|包括|包含|开设|设立|"
    r"召开|举办|开展|做客|指定|报送|送交|移送|送达)了?"
)
_ITEM_VERB = re.compile(r"做客|召开|举办|开展|组织|参加|通过|利用|依托|运用")
_JOIN = re.compile(r"以及|和|及(?!时)|与")  # joins two channels inside an item of a list
_TITLE = re.compile(r"《[^》\n]{0,60}》")
# The report's own channel, in the sentence that says where the report is published: "本报告的电子版可在X门户网站
# （www…）下载", "报告全文通过X对外公布", "X上可下载本年度报告的电子版".
_OWN_COPY = re.compile(r"电子版|报告全文|本报告可?(?:在|通过)")
_OWN_VERB = re.compile(r"公布|下载|查阅|发布|获取|公开")
# The body that owns a website or a hall: "镇政府网站", "实验区政府门户网站", "望溪镇人民政府信息公开平台". It
# must open the phrase (after a preposition or a delimiter) and not be a verb phrase ("加强全区政府网站" names
# 政府网站).
_OWNER_BODY = re.compile(
    r"(?:[\u4e00-\u9fff]{0,8}?(?:省|市|县|区|镇|乡|街道|村|实验区)(?:党工委)?(?:管委会)?)?"
    r"(?:及各(?:村|社区|镇|乡))?(?:\((?:居|社区)\))?(?:人民)?(?:政府)?"
    # an organ of a level of government, as reports shorten them: "省国资委", "市财政局"
    r"|(?:省|市|县|区)[\u4e00-\u9fff]{1,4}?(?:委|局|厅)"
)
# What may come right before an owner: a preposition or verb of publishing, a conjunction, a delimiter.
_OWNER_AFTER_CHARS = frozenset("被在和与及将对向、,。:;\n")
_OWNER_AFTER_WORDS = frozenset({"通过", "发挥", "运用", "设立", "开设", "设置", "依托", "利用", "借助", "登录"})
_NOT_AN_OWNER = set(
    "加强提升维护切推进做开优规完建改落抓深拓充积注新一二三四五六对全各本我其该此将把向从为以由等的了是"
)
# Words no body's name holds: "截至目前我区政府网站", "尤其是充分发挥区政府门户网站" name 政府网站.
_NOT_A_PLACE = re.compile(
    r"我|是|发挥|推进|统筹|加大|截至|目前|充分|亲自|组织|参与|持续|不断|进一步|积极|大力|在|并|通过|依托|利用|借助|登录|向"
)
_EACH = re.compile(r"各(?:村|社区|镇|乡)")  # 各村(居)信息公告栏: the boards of every village
_NOT_A_NAME = re.compile(_NOT_A_PLACE.pattern + r"|对|加强|加大")
# A numbered heading naming a channel ("2.开设政务公开栏"), and how far its body's first channel may follow it.
_HEADING = re.compile(r"(?<![\d.])\d{1,2}[.、]\s*(?:开设|设立|开通|建立|设置)?$")
_HEADING_BODY = 24
_FAULT = re.compile(r"不|未|没有")
# Names that differ only by these words are one platform ("政府网站", "政府门户网站").
_SAME_PLATFORM = re.compile(r"\s|门户|人民")
_BARE = {"公众号", "微信公众号", "网站", "政府网站", "政务网站", "视频号", "微博"}
_OWNED_KINDS = {"website", "service_hall", "bulletin_board", "new_media"}


def _list_items(
    norm: str, start: int, end: int, titles: list[tuple[int, int]]
) -> tuple[list[Found], list[tuple[int, int]]]:
    """Items of the publishing lists in the range, and the lists' spans. A list counts when most of its items
    are channels, each ending with its channel word (its noun); channel words in other lists stand alone."""
    found: list[Found] = []
    seen: list[tuple[int, int]] = []
    for m in _CLAUSE.finditer(norm, start, end):
        text = m.group()
        listed = "、" in text
        if not listed and "和" not in text and "与" not in text and "及" not in text:
            continue  # no 、 and no 和: not a list (the common case, checked cheaply)
        word = PLATFORM.search(norm, m.start(), m.end())
        if word is None and "报" not in text:
            continue  # no channel word at all: not a list of channels
        if any(ts <= m.start() < te for ts, te in titles):
            continue
        if not listed and not _pair_list(norm, m.start(), word):
            continue
        pieces, closed = _split_list(norm, m.start(), m.end())
        if len(pieces) < 2:
            continue  # "和" inside a name or between a channel and something else: not a list
        items = [_item_span(norm, s, e, tail=not closed and i == len(pieces) - 1) for i, (s, e) in enumerate(pieces)]
        channels = [(s, e) for s, e in items if e > s]
        if len(channels) * 3 < len(pieces) * 2:
            continue  # mostly not channels: ways of explaining a policy, say, not of publishing
        seen.append((m.start(), max(e for _, e in channels)))  # what trails the last item stands alone
        for s, e in channels:
            if _FAULT.search(norm, s, e):
                continue  # "运维不及时的政府网站": a fault found, not a channel the report uses
            if e - s > _LONG_ITEM or _NOT_A_NAME.search(norm, s, e):
                # a clause around a channel word ("运维不及时的政府网站"), not a name: the word and its owner
                first, e, _ = channel_words(norm, s, e)[-1]
                s = _owner_start(norm, s, first)
                if s == first and norm[s:e] in _GENERIC:
                    continue
            found.append(Found(s, e, kind_of(norm[s:e]) or "other", listed=True))
    return found, seen


def _pair_list(norm: str, start: int, word: re.Match[str] | None) -> bool:
    """Whether a clause without 、 may be a list of two channels joined by 和/与/及: only as the object of a
    preposition or verb of publishing ("在A和B上增设", "报送图书馆和档案馆"); "规范政府网站和政务新媒体" is an
    action on two channels, named by their words alone."""
    return word is not None and _LEAD.match(norm, start, word.start()) is not None


def _split_list(norm: str, start: int, end: int) -> tuple[list[tuple[int, int]], bool]:
    """The list's items, and whether 等 closes it: split on 、, the first cut after its preposition, an item
    split on 和/及/与 when both halves name a channel (on 以及 when the second does: "热线电话、家园985后台以及网络
    直播间"), and cut at 等 (what follows names the category)."""
    text = norm[start:end]
    stop = text.find("等", text.rfind("、") + 1)
    closed = stop >= 0
    if closed:
        end = start + stop
        text = text[:stop]
    cuts = [start - 1, *(start + i for i, ch in enumerate(text) if ch == "、"), end]
    pieces = [(cuts[i] + 1, cuts[i + 1]) for i in range(len(cuts) - 1)]
    lead = _LEAD.match(norm, pieces[0][0], pieces[0][1])
    if lead is not None and lead.end() < pieces[0][1]:
        pieces[0] = (lead.end(), pieces[0][1])
    split: list[tuple[int, int]] = []
    for s, e in pieces:
        j = next(
            (
                j
                for j in _JOIN.finditer(norm, s, e)
                if (j.group() == "以及" or kind_of(norm[s : j.start()])) and kind_of(norm[j.end() : e])
            ),
            None,
        )
        split += [(s, j.start()), (j.end(), e)] if j is not None else _media_pair(norm, s, e)
    return split, closed


def _media_pair(norm: str, start: int, end: int) -> list[tuple[int, int]]:
    """An item of two media words back to back ("电视广播": television and radio) as two items; a compound
    that names one thing ("广播电视", "广播电视台") is one channel word."""
    if end - start > _PAIR_LEN:
        return [(start, end)]
    words = channel_words(norm, start, end)
    if len(words) == 2 and words[0][1] == words[1][0] and words[1][1] == end and words[0][2] == words[1][2] == "other":
        return [(start, words[0][1]), (words[1][0], end)]
    return [(start, end)]


def _item_span(norm: str, start: int, end: int, tail: bool) -> tuple[int, int]:
    """An item as printed, up to the end of its last channel word; (start, start) when it is no channel item:
    no channel word, or words after it (only the list's last item, with no 等, may trail a verb: it ends with
    its first channel words)."""
    found = channel_words(norm, start, end)
    while start < end and norm[start] in " \t":
        start += 1
    verb = _ITEM_VERB.match(norm, start, end)  # "开展局长微访谈、做客电台等活动": the channel is 电台
    if verb is not None and found and found[0][0] >= verb.end():
        start = verb.end()
    if not found:
        return start, start
    if tail:  # up to its first channel words: "各街道便民服务中心设立政务公开专区" ends at 便民服务中心
        last = found[0][1]
        for s, e, _ in found[1:]:
            if s != last:
                break
            last = e
        return start, last
    last = found[-1][1]
    after = _COUNT.match(norm, last, end)  # "新闻发布会8场": how many, not what else
    rest = norm[after.end() if after else last : end].strip(' \t”"')
    if rest and not rest.startswith("等"):  # "电视、广播、报纸等传统媒体和微信、微博": a list ends at 等
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
        if (
            p == region_start
            or norm[p - 1] in _OWNER_AFTER_CHARS
            or norm[max(region_start, p - 2) : p] in _OWNER_AFTER_WORDS
        ):
            start = p
    return start


def _standalone(norm: str, start: int, end: int, taken: list[tuple[int, int]]) -> list[Found]:
    """Channel words outside lists and quotes: owned, and not generic, inside a title or after 等."""
    found: list[Found] = []
    for first, last, kind in channel_words(norm, start, end):
        if found and found[-1].end == first and "other" not in (kind, found[-1].kind):
            # a channel's own channel ("行政服务中心官网", "行政服务中心微信公众号"): one platform, of the last kind
            found[-1] = Found(found[-1].start, last, kind)
            continue
        s = first
        if any(ts <= s < te for ts, te in taken) or norm[s - 1 : s] == "等":
            continue
        if norm[s - 1 : s].isspace() and norm[last : last + 1].isspace():
            continue  # a word standing between spaces: a page's share buttons ("微信 微博 QQ空间"), not prose
        if kind in _OWNED_KINDS or norm[last - 1] in "馆心":  # 区档案馆, 县图书馆, 县融媒体中心 are owned too
            s = _owner_start(norm, start, s)
        if s == first and norm[first:last] in _GENERIC:
            continue
        found.append(Found(s, last, kind))
    return found


def extract_platforms(doc: Document, regions: list[tuple[int, int]]) -> list[Platform]:
    """Platforms the report says it publishes through, named in ``regions`` (the overview, and passages on the
    forms of publishing: ``narrative.channels_region``) or in the line that says where the report itself is
    published. One entry per platform: the government's portal is one platform however often and by whatever
    name the report mentions it (see ``channel_entries``)."""
    norm = doc.norm
    own = _own_copy(norm)
    if own is not None and not any(start <= own[0] < end for start, end in regions):
        regions = [*regions, own]
    chosen: dict[str, Found] = {}  # one platform per name, in the order first seen; the longest wording of it
    for start, end in sorted(regions):
        for f in _found(norm, start, end):
            key = _SAME_PLATFORM.sub("", doc.text[f.start : f.end])
            if not key:
                continue
            if key not in chosen or f.end - f.start > chosen[key].end - chosen[key].start:
                chosen[key] = f
    found = merge_renamed(norm, merge_portals(norm, list(chosen.values()), own))
    found = merge_halls_and_papers(norm, resolve_new_media(norm, found))
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


def _found(norm: str, start: int, end: int) -> list[Found]:
    """Platforms of one region, in text order (see the module docstring)."""
    titles = [
        (m.start(), m.end())
        for m in _TITLE.finditer(norm, start, end)
        if not m.group().endswith(("报》", "刊》", "手册》"))
    ]
    quoted = quoted_names(norm, start, end)
    listed, lists = _list_items(norm, start, end, titles)
    taken = titles + lists + [(f.start, f.end) for f in quoted]
    listed = [f for f in listed if not any(q.start <= f.start < q.end or f.start <= q.start < f.end for q in quoted)]
    found = sorted([*quoted, *listed, *_standalone(norm, start, end, taken)], key=lambda f: f.start)
    found = _under_headings(norm, [with_account_name(norm, f, quoted) for f in found])
    named = [_name(norm, f) for f in found]
    return [  # a bare 公众号 beside "“平潭金井”微信公众号" in the same passage is that account, not another
        f
        for f, name in zip(found, named, strict=True)
        if not (name in _BARE and any(name in other and name != other and not is_umbrella(other) for other in named))
        and not _NAMED_AFTER.match(norm, f.end)  # “两馆”(档案馆、图书馆): its items are the platforms
        and not (f.kind == "bulletin_board" and _ITEMS.match(norm, f.end))  # 公示公告栏76条: a site's column
        and serves_public(norm, f, start)
    ]


def _under_headings(norm: str, found: list[Found]) -> list[Found]:
    """A numbered heading naming a channel, and the channel its body's first clause names ("2.开设政务公开栏
    在区财政金融局楼层大厅电子屏幕,…", "1.门户网站 在“…管委会网站”之…模块"), are one channel: the longer name."""
    drop: set[Found] = set()
    for f, g in pairwise(found):
        if not _HEADING.search(norm, max(0, f.start - 8), f.start) or g.start - f.end > _HEADING_BODY:
            continue
        if not any(c in norm[f.end : g.start] for c in ",;。\n"):
            drop.add(f if g.end - g.start > f.end - f.start else g)
    return [f for f in found if f not in drop]
