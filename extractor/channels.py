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

from .channel_entries import Found, is_umbrella, merge_halls_and_papers, merge_portals, resolve_new_media
from .ingest import Document
from .schema import Platform, PlatformKind

_KIND_PATTERNS: tuple[tuple[PlatformKind, str], ...] = (
    (
        "service_hall",
        r"便民服务中心|政务服务中心|为民服务中心|党群服务中心|行政服务中心(?:窗口)?|(?:实体)?政务(?:公开)?(?:服务)?大厅|"
        r"办事窗口|服务窗口|政务公开专区|政府信息公开专区|信息公开专区|公开专区|信息查阅点|查阅点|查阅室",
    ),
    (
        "bulletin_board",
        r"(?:政务|村务|信息|党务)?公开栏(?!目)|(?:信息)?公告栏|公示栏|宣传栏",
    ),
    (
        "new_media",
        r"微信公众号|公众号|政务微博|微博|抖音|快手|今日头条|头条号|视频号|政务新媒体|新媒体|自媒体|"
        r"社交媒体|政务(?:APP|客户端)|客户端|APP|移动端|小程序|小红书|(?:网络)?直播间",
    ),
    (
        "website",
        r"政府门户网站|门户网站?|政府网站|政务网站|新闻网站|(?:政府)?信息公开平台|(?:政府)?信息公开网站?|政务公开平台|"
        r"(?:网上|线上)(?:办事|服务)大厅|政务服务平台|官网|网站|"
        # sites named "…网": procurement and land-market sites (and a city's branch of one: "…采购网平潭分网"),
        # and "中国X网" portals (中国政府网, 中国平潭网)
        r"(?:政府采购网|土地市场网|公共资源交易网)(?:[\u4e00-\u9fff]{2,4}分网)?|中国[\u4e00-\u9fff]{2,4}?网(?![站格络点上民友页购])",
    ),
    (
        "hotline",
        r"12345(?:便民服务平台|便民服务热线|政务服务便民热线|热线|平台)?|政务服务热线|服务热线|热线电话|(?:政策)?咨询(?:热线|电话)",
    ),
    (
        "other",
        r"广播电视台|广播电视|(?:人民)?广播电台|广播|电视台|电视|电台(?:直播活动)?|报纸|报刊|政府公报|"
        # press events: 新闻发布会, 媒体见面会, 新闻通气会, 政策吹风会, 招商推介会, 警媒座谈会, 局长微访谈
        r"(?:新闻|政策|招商|媒体)(?:发布|推介|见面|通气|吹风)会|(?:警媒|媒体|政媒)座谈会|微访谈(?:活动)?|"
        r"两馆|档案馆|图书馆|电子(?:信息|显示)?屏幕?|LED屏|宣传手册|"
        r"《[^》\n]{1,12}(?:报|刊)》|《[^》\n]{1,24}手册》",
    ),
)
_KINDS: dict[str, PlatformKind] = {kind: kind for kind, _ in _KIND_PATTERNS}
_PLATFORM = re.compile(
    # The look-ahead on first characters lets the regex engine skip most positions cheaply.
    "(?=[便政为党行实办服信公查档图村宣电L微抖快今头视新自社客A移小直门网线官热咨1广报两《中土警媒招])(?:"
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
    r"视频号|小程序|客户端|APP|平台|政府门户网站|门户网站|网站)?"
)
_QUOTED_KIND: tuple[tuple[str, PlatformKind], ...] = (
    ("公众号", "new_media"),
    ("微博", "new_media"),
    ("号", "new_media"),
    ("客户端", "new_media"),
    ("程序", "new_media"),
    ("APP", "new_media"),
    ("网站", "website"),
    ("网", "website"),
    ("平台", "website"),
)
_SOCIAL = re.compile(r"微|一端")
# A sentence about a body's new media as a whole: quoted names in it closed by 等 are its accounts (in a
# sentence about one account, "优化公众号栏目设置…“办件进度查询”“网上办事”等栏目", they are its columns).
_MEDIA_CUE = re.compile(r"两微|新媒体|微阵地|矩阵")
_NAMED_AFTER = re.compile(r"[”\"]?\s*\([^()]{2,20}、")
_COUNT = re.compile(r"\s*\d+\s*(?:条|篇|期|场|次|个)")
_LONG_ITEM = 16  # longer list items are clauses ("区领导亲自组织或参与…新闻发布会")
_SLOGAN = re.compile(r"[,，;；。、!?]")
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
    r"(?:及各(?:村|社区|镇|乡))?(?:\(居\))?(?:人民)?(?:政府)?"
    # an organ of a level of government, as reports shorten them: "省国资委", "市财政局"
    r"|(?:省|市|县|区)[\u4e00-\u9fff]{1,4}?(?:委|局|厅)"
)
_OWNER_AFTER = (
    "被",
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
_ANSWERS = re.compile(r"解答|答复|答疑|回应|回复")
_INTAKE = re.compile(r"诉求|投诉|信访|举报")
_PUBLISHES = re.compile(r"公开|发布|公示|公布|解读|查阅|推送|刊登|解答|答复|回应")
# The reading points of the archive and library ("区档案局、图书馆的便民查阅点", "“两馆”(档案馆、图书馆)政府信息
# 查阅点") are those halls, not another platform.
_OF_HALLS = re.compile(r"馆|档案局")
_COLUMN = re.compile(r"(?<=》)(?:系列)?(?:专栏|栏目)")
_ACCOUNT_NAME = re.compile(r"[“\"(](?!以下)[^”\"()\n,。;、]{2,20}[”\")]")
_CLOSED = re.compile(r"注销|关停|关闭|停用|下线")
_CLAUSE_REACH = 120  # how far a clause or sentence is looked for around a channel word
_FAULT = re.compile(r"不|未|没有")
# Names that differ only by these words are one platform ("政府网站", "政府门户网站").
_SAME_PLATFORM = re.compile(r"\s|门户|人民")
_BARE = {"公众号", "微信公众号", "网站", "政府网站", "政务网站", "视频号", "微博"}
_OWNED_KINDS = {"website", "service_hall", "bulletin_board", "new_media"}


def _last_word(text: str, start: int = 0, end: int | None = None) -> re.Match[str] | None:
    """The last channel word in the range."""
    m = None
    for m in _PLATFORM.finditer(text, start, len(text) if end is None else end):  # noqa: B007
        pass
    return m


def _kind_of(text: str) -> PlatformKind | None:
    """The kind of an item by its last channel word, its noun ("办公场所的LED屏及宣传栏" is a board)."""
    m = _last_word(text)
    if m is not None and m.lastgroup:
        return _KINDS[m.lastgroup]
    return "other" if "报" in text and _PAPER.search("、" + text) else None


def _list_items(
    norm: str, start: int, end: int, titles: list[tuple[int, int]]
) -> tuple[list[Found], list[tuple[int, int]]]:
    """Items of the publishing lists in the range, and the lists' spans. A list counts when most of its items
    are channels, each ending with its channel word (its noun); channel words in other lists stand alone."""
    found: list[Found] = []
    seen: list[tuple[int, int]] = []
    for m in _CLAUSE.finditer(norm, start, end):
        listed = "、" in m.group()
        if not listed and _JOIN.search(m.group()) is None:
            continue  # no 、 and no 和: not a list (the common case, checked cheaply)
        word = _PLATFORM.search(norm, m.start(), m.end())
        if word is None and "报" not in m.group():
            continue  # no channel word at all: not a list of channels
        if any(ts <= m.start() < te for ts, te in titles):
            continue
        if not listed and not _pair_list(norm, m.start(), m.end(), word):
            continue
        pieces, closed = _split_list(norm, m.start(), m.end())
        if len(pieces) < 2:
            continue  # "和" inside a name or between a channel and something else: not a list
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
            found.append(Found(s, e, _kind_of(norm[s:e]) or "other", listed=True))
    return found, seen


def _pair_list(norm: str, start: int, end: int, word: re.Match[str] | None) -> bool:
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
                if (j.group() == "以及" or _kind_of(norm[s : j.start()])) and _kind_of(norm[j.end() : e])
            ),
            None,
        )
        split += [(s, j.start()), (j.end(), e)] if j is not None else _media_pair(norm, s, e)
    return split, closed


def _media_pair(norm: str, start: int, end: int) -> list[tuple[int, int]]:
    """An item of two media words back to back ("电视广播": television and radio) as two items; a compound
    that names one thing ("广播电视", "广播电视台") is one channel word."""
    words = _channels(norm, start, end)
    if len(words) == 2 and words[0][1] == words[1][0] and words[1][1] == end and words[0][2] == words[1][2] == "other":
        return [(start, words[0][1]), (words[1][0], end)]
    return [(start, end)]


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
    verb = _ITEM_VERB.match(norm, start, end)  # "开展局长微访谈、做客电台等活动": the channel is 电台
    if verb is not None and found and found[0][0] >= verb.end():
        start = verb.end()
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
        if p == region_start or any(norm.endswith(w, region_start, p) for w in _OWNER_AFTER):
            start = p
    return start


def _standalone(norm: str, start: int, end: int, taken: list[tuple[int, int]]) -> list[Found]:
    """Channel words outside lists and quotes: owned, and not generic, inside a title or after 等."""
    found: list[Found] = []
    for first, last, kind in _channels(norm, start, end):
        if found and found[-1].end == first and "other" not in (kind, found[-1].kind):
            # a channel's own channel ("行政服务中心官网", "行政服务中心微信公众号"): one platform, of the last kind
            found[-1] = Found(found[-1].start, last, kind)
            continue
        s = first
        if any(ts <= s < te for ts, te in taken) or norm[s - 1 : s] == "等":
            continue
        if norm[s - 1 : s].isspace() and norm[last : last + 1].isspace():
            continue  # a word standing between spaces: a page's share buttons ("微信 微博 QQ空间"), not prose
        if kind in _OWNED_KINDS or norm[last - 1] == "馆":  # 区档案馆, 县图书馆 are owned too
            s = _owner_start(norm, start, s)
        if s == first and norm[first:last] in _GENERIC:
            continue
        found.append(Found(s, last, kind))
    return found


def _quoted(norm: str, start: int, end: int) -> list[Found]:
    """Quoted names: of a platform ("“平潭发布”公众号", "“沁水县人民政府网”"), and runs of them sharing one
    suffix ("“信用中国”“信用福建”“信用平潭”平台") or, in a sentence about new media, closed by 等 ("做精做强
    “平潭警方在线”、“平潭交警”等品牌栏目", the accounts of the “两微”平台 named before)."""
    found: list[Found] = []
    run: list[re.Match[str]] = []
    for m in _QUOTED.finditer(norm, start, end):
        if _SLOGAN.search(m.group("name")):
            continue  # "上网不涉密,涉密不上网" is a slogan
        if run and norm[run[-1].end() : m.start()] not in ("", "、"):
            found += _quoted_run(norm, run)
            run = []
        run.append(m)
        if m.group("suffix"):
            found += _quoted_run(norm, run)
            run = []
    return found + _quoted_run(norm, run)


def _quoted_run(norm: str, run: list[re.Match[str]]) -> list[Found]:
    if not run:
        return []
    suffix = run[-1].group("suffix")
    if suffix:
        kind = next(k for end_word, k in _QUOTED_KIND if suffix.endswith(end_word))
        if suffix == "平台" and _SOCIAL.search(run[-1].group("name")):  # “两微”平台: accounts, not a site
            kind = "new_media"
        return [Found(m.start(), m.end(), kind) for m in run]
    if norm.startswith("等", run[-1].end()) and _MEDIA_CUE.search(norm, *_sentence(norm, run[0].start())):
        return [Found(m.start("name"), m.end("name"), "new_media") for m in run]
    found = []
    for m in run:
        name = m.group("name")
        if "尽" in name:
            continue  # "应公开尽公开"
        if name.endswith(("网站", "网", "客户端", "APP", "公众号")):
            kind = next(k for end_word, k in _QUOTED_KIND if name.endswith(end_word))
            found.append(Found(m.start("name"), m.end("name"), kind))
            continue
        word = _last_word(norm, m.start("name"), m.end("name"))
        if word is not None and word.end() == m.end("name"):  # “福建省网上办事大厅”, “两馆”
            whole = word.start() == m.start("name")  # a channel word quoted as a term keeps its quotes
            kind = _KINDS[word.lastgroup or "other"]
            found.append(Found(m.start(), m.end(), kind) if whole else Found(m.start("name"), m.end("name"), kind))
    return found


def _sentence(norm: str, pos: int) -> tuple[int, int]:
    start = max(norm.rfind("。", 0, pos), norm.rfind("\n", 0, pos)) + 1
    ends = [e for e in (norm.find("。", pos), norm.find("\n", pos)) if e >= 0]
    return start, min(ends, default=len(norm))


def extract_platforms(doc: Document, regions: list[tuple[int, int]]) -> list[Platform]:
    """Platforms the report says it publishes through, named in ``regions`` (the overview, and passages on the
    forms of publishing: ``narrative.channels_region``) or in the line that says where the report itself is
    published. One entry per platform: the government's portal is one platform however often and by whatever
    name the report mentions it (see ``channel_entries``)."""
    norm = doc.norm
    own = _own_copy(norm)
    if own is not None and not any(start <= own[0] < end for start, end in regions):
        regions = [*regions, own]
    chosen: dict[str, Found] = {}  # one platform per name; the longest wording of it, at its first place
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
    found = merge_halls_and_papers(norm, resolve_new_media(norm, merge_portals(norm, found, own)))
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
    quoted = _quoted(norm, start, end)
    listed, lists = _list_items(norm, start, end, titles)
    taken = titles + lists + [(f.start, f.end) for f in quoted]
    listed = [f for f in listed if not any(q.start <= f.start < q.end or f.start <= q.start < f.end for q in quoted)]
    found = sorted([*quoted, *listed, *_standalone(norm, start, end, taken)], key=lambda f: f.start)
    found = [_with_account_name(norm, f, quoted) for f in found]
    named = ["".join(norm[f.start : f.end].split()) for f in found]
    return [  # a bare 公众号 beside "“平潭金井”微信公众号" in the same passage is that account, not another
        f
        for f, name in zip(found, named, strict=True)
        if not (name in _BARE and any(name in other and name != other and not is_umbrella(other) for other in named))
        and not _NAMED_AFTER.match(norm, f.end)  # “两馆”(档案馆、图书馆): its items are the platforms
        and not (f.kind == "bulletin_board" and _COUNT.match(norm, f.end))  # 公示公告栏76条: a site's column
        and _serves_public(norm, f)
        and not (f.kind == "service_hall" and _OF_HALLS.search(norm, max(start, f.start - 12), f.start))
        and not _COLUMN.match(norm, f.end)  # 《快检天天报》系列专栏: an account's column
    ]


def _with_account_name(norm: str, f: Found, quoted: list[Found]) -> Found:
    """An account named after its kind ("微信公众号“八闽国资”", "微信公众号(平潭城乡交建中心)") with its name; not
    a quoted platform of its own ("政务新媒体“…管理局”微信公众号")."""
    if f.kind != "new_media":
        return f
    m = _ACCOUNT_NAME.match(norm, f.end)
    if m is None or any(f.end <= q.start < m.end() for q in quoted):
        return f
    return Found(f.start, m.end(), f.kind, f.listed)


def _serves_public(norm: str, f: Found) -> bool:
    """A hotline is a platform where the report says it answers the public's questions ("12345便民服务平台予以
    解答回应"), not where it takes complaints ("整合政务热线电话", "点击“12345热线”填写诉求"); no channel is one
    in a clause only about taking complaints ("“政企直通车”平台诉求由12345平台统一流转分办")."""
    end = _clause_end(norm, f.end, "。\n")
    if f.kind == "hotline":
        return _ANSWERS.search(norm, f.end, end) is not None
    start = _clause_start(norm, f.start)
    end = _clause_end(norm, f.end, ",;。\n")
    if _CLOSED.search(norm, start, end):
        return False  # "对长期未更新的公众号…进行了注销": closed, no longer a channel
    return _INTAKE.search(norm, start, end) is None or _PUBLISHES.search(norm, start, end) is not None


def _clause_start(norm: str, pos: int) -> int:
    lo = max(0, pos - _CLAUSE_REACH)
    return max(norm.rfind(c, lo, pos) for c in ",;。\n") + 1 or lo


def _clause_end(norm: str, pos: int, stops: str) -> int:
    hi = min(len(norm), pos + _CLAUSE_REACH)
    ends = [e for e in (norm.find(c, pos, hi) for c in stops) if e >= 0]
    return min(ends, default=hi)
