"""The words that name channels, by kind: "政府门户网站", "微信公众号", "公开栏", "便民服务中心", "政务服务热线",
"新闻发布会", "《平潭时报》". One regex finds them all; a list item's kind is its last word, its noun."""

from __future__ import annotations

import re

from .types import PlatformKind

KIND_PATTERNS: tuple[tuple[PlatformKind, str], ...] = (
    (
        "service_hall",
        r"便民服务中心|政务服务中心|为民服务中心|党群服务中心|行政服务中心(?:窗口)?|(?:实体)?政务(?:公开)?(?:服务)?大厅|"
        r"办事窗口|服务窗口|政务公开专区|政府信息公开专区|信息公开专区|公开专区|"
        r"(?:政府)?(?:公开)?信息(?:公开)?查阅(?:点|室|场所|中心)|查阅点|查阅室|查阅场所",
    ),
    (
        "bulletin_board",
        r"(?:政务|村务|信息|党务)?公开栏(?!目)|(?:信息)?公告栏|公示栏|宣传栏",
    ),
    (
        "new_media",
        r"微信公众号|公众号|政务微信|政务微博|微博|抖音号?|快手号?|今日头条号?|头条号|视频号|政务新媒体|新媒体|自媒体|"
        r"社交媒体|政务(?:APP|客户端)|客户端|APP|移动端|小程序|小红书|(?:网络)?直播间",
    ),
    (
        "website",
        r"政府门户网站|门户网站?|政府网站|政务网站|新闻网站|(?:政府)?信息公开平台|(?:政府)?信息公开网站?|政务公开平台|"
        r"(?:网上|线上)(?:办事|服务)大厅|政务服务平台|政务服务网(?!格)|官网|网站|"
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
        r"融媒体中心|大喇叭|两馆|档案馆|图书馆|电子(?:信息|显示)?屏幕?|LED屏|宣传手册|"
        r"《[^》\n]{1,12}(?:报|刊)》|《[^》\n]{1,24}手册》",
    ),
)
KINDS: dict[str, PlatformKind] = {kind: kind for kind, _ in KIND_PATTERNS}
PLATFORM = re.compile(
    # The look-ahead on first characters lets the regex engine skip most positions cheaply.
    "(?=[便政为党行实办服信公查档图村宣电L微抖快今头视新自社客A移小直门网线官热咨1广报两《中土警媒招融大])(?:"
    + "|".join(f"(?P<{kind}>{pattern})" for kind, pattern in KIND_PATTERNS)
    + ")"
)
# A newspaper named without 《》 ("对接平潭时报、广播电视台"): after a delimiter or a verb, so not "及时报送".
# Not a verb: "按时报送", "及时报", "每日报".
PAPER = re.compile(r"(?<=[、,。;:\s“在接过用助托和及与])[\u4e00-\u9fff]{2,4}(?<![按及准同实定适每])(?:时报|日报|晚报)")


def last_word(text: str, start: int = 0, end: int | None = None) -> re.Match[str] | None:
    """The last channel word in the range."""
    m = None
    for m in PLATFORM.finditer(text, start, len(text) if end is None else end):  # noqa: B007
        pass
    return m


def kind_of(text: str) -> PlatformKind | None:
    """The kind of an item by its last channel word, its noun ("办公场所的LED屏及宣传栏" is a board)."""
    m = last_word(text)
    if m is not None and m.lastgroup:
        return KINDS[m.lastgroup]
    return "other" if "报" in text and PAPER.search("、" + text) else None


def channel_words(norm: str, start: int, end: int) -> list[tuple[int, int, PlatformKind]]:
    """Channel words in the range, in order: platform words, and newspapers named without 《》."""
    found = [(m.start(), m.end(), KINDS[m.lastgroup or "other"]) for m in PLATFORM.finditer(norm, start, end)]
    if norm.find("报", start, end) >= 0:
        found += [(m.start(), m.end(), "other") for m in PAPER.finditer(norm, start, end)]
        found.sort()
    return found
